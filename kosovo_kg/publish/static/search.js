// The search box of a release's static site: looks up every name of every resource, in every
// language the graph has, in window.KOSOVO_KG_INDEX (search-index.js, built by kosovo-kg release).
// Nothing is fetched: the index came with the page.
(function () {
  "use strict";
  // as kosovo_kg.site.fold: lower case, no diacritics, đ as d
  function fold(text) {
    return text.toLowerCase().replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function search(query) {
    const wanted = fold(query.trim());
    if (!wanted) return [];
    const found = [];
    for (const entry of window.KOSOVO_KG_INDEX || []) {
      let best = null;
      for (const [text, lang, folded] of entry.s) {
        const at = folded.indexOf(wanted);
        if (at < 0) continue;
        const rank = at === 0 ? 0 : folded.includes(" " + wanted) ? 1 : 2;
        if (best === null || rank < best.rank) best = { rank, text, langs: [lang] };
        // Many languages share a name (Грчка is Bosnian in Cyrillic and Serbian): show them all.
        else if (rank === best.rank && text === best.text && !best.langs.includes(lang)) best.langs.push(lang);
      }
      if (best !== null) found.push({ entry, ...best });
    }
    found.sort((a, b) => a.rank - b.rank || a.entry.l.localeCompare(b.entry.l));
    return found.slice(0, 50);
  }
  function show(box, list) {
    list.replaceChildren();
    for (const { entry, text, langs } of search(box.value)) {
      const lang = langs.filter(Boolean).sort().join(", ");
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "resource/" + entry.n + ".html";
      link.textContent = entry.l;
      item.append(link, " — " + entry.k);
      if (text !== entry.l) {
        const name = document.createElement("span");
        name.className = "lang";
        name.textContent = " " + text + (lang ? " (" + lang + ")" : "");
        if (langs.length === 1 && lang) name.lang = lang;
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
