// Suggestions as you type in the search box every page has: entities by any of their names, in any
// language or spelling, best first. On serve they come from /search?format=json (the name index);
// on the static site from the same index exported with the site (search-index.js, loaded with
// search.js when the box is first used). Enter on an exact match opens its page; without
// JavaScript the box is a plain form that opens the search page.
(function () {
  "use strict";
  const RESOURCE = "https://w3id.org/kosovo-kg/resource/";
  const LIMIT = 8;
  const form = document.querySelector("form.search[data-resource]");
  if (!form) return;
  const box = form.querySelector("input[name=q]");
  const list = document.createElement("ul");
  list.id = box.id + "-suggestions";
  list.className = "suggestions-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Names that match");
  list.hidden = true;
  form.append(list);
  box.setAttribute("role", "combobox");
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-expanded", "false");
  box.setAttribute("aria-controls", list.id);
  let shown = [];
  let active = -1;
  let asked = 0;
  let loading = null;

  function page(name) {
    return form.dataset.resource + name + (form.dataset.suffix || "");
  }
  async function fromServer(text) {
    const url = form.dataset.suggest + "?format=json&limit=" + LIMIT + "&q=" + encodeURIComponent(text);
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return [];
    const body = await response.json();
    return body.results.map((r) => ({
      label: r.label, type: r.type, matched: r.matched, language: r.language || "", score: r.score,
      href: page(r.iri.slice(RESOURCE.length)),
    }));
  }
  function script(src) {
    return new Promise((resolve, reject) => {
      const element = document.createElement("script");
      element.src = src;
      element.onload = resolve;
      element.onerror = reject;
      document.head.append(element);
    });
  }
  function loadIndex() {
    if (window.kosovoKgSearch) return Promise.resolve();
    if (!loading) loading = script(form.dataset.index).then(() => script(form.dataset.engine));
    return loading;
  }
  async function fromIndex(text) {
    await loadIndex();
    return window.kosovoKgSearch(text, LIMIT).map(({ entity, score, matched, languages }) => ({
      label: entity.label, type: entity.type, matched, language: languages.filter(Boolean).sort().join(", "), score,
      href: page(entity.name),
    }));
  }
  function close() {
    list.hidden = true;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function highlight(index) {
    const options = list.querySelectorAll("[role=option]");
    options.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0) box.setAttribute("aria-activedescendant", options[index].id);
    else box.removeAttribute("aria-activedescendant");
  }
  function show(items) {
    shown = items;
    list.replaceChildren();
    items.forEach((item, i) => {
      const option = document.createElement("li");
      option.id = list.id + "-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.href = item.href;
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = item.label;
      const type = document.createElement("span");
      type.className = "type";
      type.textContent = " " + item.type;
      option.append(label, type);
      if (item.matched && item.matched !== item.label) {
        const matched = document.createElement("span");
        matched.className = "matched";
        matched.textContent = " — " + item.matched + (item.language ? " (" + item.language + ")" : "");
        option.append(matched);
      }
      list.append(option);
    });
    list.hidden = items.length === 0;
    box.setAttribute("aria-expanded", items.length ? "true" : "false");
    active = -1;
  }
  async function update() {
    const text = box.value.trim();
    const mine = ++asked;
    if (!text) return close();
    let items = [];
    try {
      items = form.dataset.suggest ? await fromServer(text) : await fromIndex(text);
    } catch (error) { /* suggestions are a nicety: the form still searches */ }
    if (mine === asked) show(items);
  }
  let timer = null;
  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  box.addEventListener("keydown", (event) => {
    const count = list.hidden ? 0 : shown.length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      highlight((active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      highlight((active - 1 + count) % count);
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter") {
      const chosen = active >= 0 ? shown[active] : shown.length && shown[0].score >= 100 ? shown[0] : null;
      if (chosen && !list.hidden) {
        event.preventDefault();
        window.location.href = chosen.href;
      }
    }
  });
  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the box
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) window.location.href = option.dataset.href;
  });
  box.addEventListener("blur", () => setTimeout(close, 100));
})();
