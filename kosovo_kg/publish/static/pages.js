// The home page's filter over the questions: hides the cards (and topics) whose text does not hold
// every word typed. Without JavaScript every question is listed; nothing here is needed to read a page.
(function () {
  "use strict";
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  document.addEventListener("DOMContentLoaded", function () {
    const box = document.getElementById("filter");
    if (!box) return;
    const cards = Array.from(document.querySelectorAll("#questions .card"));
    const topics = Array.from(document.querySelectorAll("#questions .topic"));
    const count = document.getElementById("filter-count");
    const texts = new Map(cards.map((card) => [card, fold(card.dataset.search || card.textContent)]));
    function apply() {
      const words = fold(box.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const card of cards) {
        const text = texts.get(card);
        const match = words.every((word) => text.includes(word));
        card.hidden = !match;
        if (match) shown += 1;
      }
      for (const topic of topics) topic.hidden = !topic.querySelector(".card:not([hidden])");
      if (count) count.textContent = words.length ? `${shown} of ${cards.length} questions` : "";
    }
    box.addEventListener("input", apply);
    if (box.value) apply();
  });
})();
