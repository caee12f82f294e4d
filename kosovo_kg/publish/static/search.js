// The static site's search: the name index of kosovo_kg/core/nameindex.py, exported by
// kosovo-kg release as window.KOSOVO_KG_INDEX (search-index.js), searched in the browser with the
// same folding and the same tiers and score bands, so the site finds what `kosovo-kg find` and
// serve's /search find. Nothing is fetched: the index came with the page.
//
// Hand-written rather than a fuzzy-search library: the ranking must be the Python index's
// (its tiers and bands), which no library's scorer is, and rapidfuzz's word ratio is twenty lines
// (an LCS); a library such as Fuse.js (about 24 KB) would add weight and a second ranking.
(function () {
  "use strict";
  const STOPWORDS = new Set("of the and for in on at to a an by with from".split(" "));
  const WORD_CUTOFF = 75, STEM_LENGTH = 4;

  // As nameindex.fold: each character as the index folded it (Serbian Cyrillic to Latin, any
  // script to ASCII), else without its diacritics; lower case; words of letters and digits.
  function fold(text, table) {
    let out = "";
    for (const c of text) {
      out += table[c] !== undefined ? table[c] || " " : c.toLowerCase();
    }
    out = out.replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    return (out.match(/[a-z0-9]+/g) || []).join(" ");
  }
  // as nameindex._as_written: its own script, without case or diacritics
  function asWritten(text) {
    return text.trim().toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function contentWords(folded) {
    const words = folded.split(" ").filter(Boolean);
    const kept = words.filter((w) => !STOPWORDS.has(w));
    return kept.length ? kept : words;
  }
  // rapidfuzz's fuzz.ratio: 100 * (1 - indel distance / total length), indel from the longest common subsequence
  function ratio(a, b) {
    if (!a.length && !b.length) return 100;
    let previous = new Array(b.length + 1).fill(0);
    for (let i = 1; i <= a.length; i++) {
      const row = new Array(b.length + 1).fill(0);
      for (let j = 1; j <= b.length; j++) {
        row[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], row[j - 1]);
      }
      previous = row;
    }
    return (200 * previous[b.length]) / (a.length + b.length);
  }
  function wordSimilarity(word, other) {
    if (word.length >= STEM_LENGTH && other.length >= STEM_LENGTH && (other.startsWith(word) || word.startsWith(other))) {
      return Math.max(95, ratio(word, other));
    }
    return ratio(word, other);
  }
  function wordsPrefix(query, name) {
    const left = name.slice();
    for (const word of query) {
      const at = left.findIndex((candidate) => candidate.startsWith(word));
      if (at < 0) return false;
      left.splice(at, 1);
    }
    return true;
  }
  function alignment(query, name) {
    if (!name.length) return null;
    const used = new Set();
    let total = 0;
    for (const word of query) {
      let best = 0, bestWord = "";
      for (const other of name) {
        const score = wordSimilarity(word, other);
        if (score > best) { best = score; bestWord = other; }
      }
      if (best < WORD_CUTOFF) return null;
      total += best;
      used.add(bestWord);
    }
    return (total / query.length) * (0.9 + (0.1 * used.size) / name.length);
  }
  function sameWords(a, b) {
    return a.slice().sort().join(" ") === b.slice().sort().join(" ");
  }

  // The score one name gives a folded query (see nameindex's bands), or -1.
  function score(index, query, words, name) {
    const [, , kind, folded] = name;
    const bands = index.bands;
    if (folded === query) return kind === 1 ? bands.label : kind === 2 ? bands.initials : bands.alternative;
    if (kind === 2) return -1; // initials are matched whole only
    const own = kind === 1;
    const nameWords = contentWords(folded);
    if (sameWords(nameWords, words)) return own ? bands.reordered[0] : bands.reordered[1];
    const [low, high] = bands.prefix;
    if (folded.startsWith(query) || wordsPrefix(query.split(" "), folded.split(" "))) {
      return low + Math.round((high - low) * Math.min(query.length / folded.length, 1));
    }
    const aligned = alignment(words, nameWords);
    if (aligned === null) return -1;
    return 50 + Math.round((24 * Math.max(aligned - WORD_CUTOFF, 0)) / (100 - WORD_CUTOFF));
  }

  function search(text, limit) {
    const index = window.KOSOVO_KG_INDEX;
    if (!index) return [];
    const query = fold(text.trim(), index.fold);
    if (!query) return [];
    const words = contentWords(query);
    const typed = asWritten(text);
    const found = [];
    for (const entity of index.entities) {
      let best = null;
      // its resource name, prefixed name or Wikidata Q-number, as the index's identifier tier
      if (entity.identifiers.includes(text.trim()) || entity.identifiers.includes(text.trim().toUpperCase())) {
        best = { entity, score: index.bands.label, matched: entity.label, languages: [""], preference: 4 };
      }
      for (const name of entity.names) {
        const s = score(index, query, words, name);
        const english = name[1] === "" || name[1] === "en" ? 1 : 0;
        // of two names that score alike, the one written as typed (Грчка, not Grčka), else the English label
        const preference = 2 * (asWritten(name[0]) === typed) + english + (name[2] === 1 ? 1 : 0);
        if (s >= 0 && (best === null || s > best.score || (s === best.score && preference > best.preference))) {
          best = { entity, score: s, matched: name[0], languages: [name[1]], preference };
        } else if (best !== null && s === best.score && name[0] === best.matched && !best.languages.includes(name[1])) {
          best.languages.push(name[1]); // many languages share a name (Грчка: Bosnian in Cyrillic, Serbian)
        }
      }
      if (best !== null) found.push(best);
    }
    found.sort((a, b) => b.score - a.score || a.entity.rank - b.entity.rank || a.entity.label.localeCompare(b.entity.label));
    return found.slice(0, limit || 20);
  }
  window.kosovoKgSearch = search;

  function show(box, list) {
    list.replaceChildren();
    for (const { entity, matched, languages } of search(box.value, 20)) {
      const language = languages.filter(Boolean).sort().join(", ");
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "resource/" + entity.name + ".html";
      link.textContent = entity.label;
      item.append(link, " — " + entity.type);
      if (matched !== entity.label) {
        const name = document.createElement("span");
        name.className = "lang";
        name.textContent = " " + matched + (language ? " (" + language + ")" : "");
        if (languages.length === 1 && language) name.lang = language;
        item.append(name);
      }
      list.append(item);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    const box = document.getElementById("search-box");
    const list = document.getElementById("search-results");
    if (!box || !list) return;
    box.addEventListener("input", function () { show(box, list); });
    // the header's search form sends its words here as ?q=
    const asked = new URLSearchParams(window.location.search).get("q");
    if (asked && !box.value) box.value = asked;
    if (box.value) show(box, list);
  });
})();
