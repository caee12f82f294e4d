// The query UI: YASGUI on this server's /sparql, the stored questions with their parameter
// forms, results shown by their labels, errors in words. Nothing here asks another host.
"use strict";
const questions = JSON.parse(document.getElementById("questions-data").textContent);
const firstName = JSON.parse(document.getElementById("first-question").textContent);
const byName = new Map(questions.map((q) => [q.name, q]));
const RESOURCE = "https://w3id.org/kosovo-kg/resource/";

// YASQE's prefix and class/property autocompleters ask prefix.cc and LOV: off, to stay on this machine.
Yasgui.Yasqe.defaults.autocompleters = [];

// --- results by their labels (the default view); YASR's own table is the raw view ---------------
const labels = new Map();
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
async function fetchLabels(iris) {
  const missing = [...new Set(iris)].filter((iri) => !labels.has(iri)).slice(0, 2000);
  if (!missing.length) return;
  try {
    const response = await fetch("/api/labels", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(missing),
    });
    if (!response.ok) return;
    const found = await response.json();
    for (const iri of missing) labels.set(iri, found[iri] ?? null);
  } catch (error) { /* labels are a nicety: the IRIs still show */ }
}
const Table = Yasgui.Yasr.plugins.table;
class LabelTable extends Table {
  constructor(yasr) {
    super(yasr);
    this.label = "Labels";
    this.priority = 11;
  }
  getCellContent(binding, prefixes) {
    if (binding.type === "uri") {
      const iri = binding.value;
      const local = iri.startsWith(RESOURCE) ? "/resource/" + iri.slice(RESOURCE.length) : iri;
      const text = labels.get(iri) || this.getUriLinkFromBinding(binding, prefixes).replace(/<[^>]*>/g, "").replace(/^&lt;|&gt;$/g, "");
      return `<div><span><a class="iri" href="${escapeHtml(local)}" title="${escapeHtml(iri)}">${escapeHtml(text)}</a></span></div>`;
    }
    // a literal's value alone: no quotes, no datatype, no language tag (the raw Table tab has them)
    return `<div><span class="nonIri">${escapeHtml(binding.value)}</span></div>`;
  }
  async draw(config) {
    const bindings = (this.yasr.results && this.yasr.results.getBindings()) || [];
    const iris = [];
    for (const row of bindings) for (const term of Object.values(row)) if (term && term.type === "uri") iris.push(term.value);
    await fetchLabels(iris);
    return super.draw(config);
  }
}
Yasgui.Yasr.registerPlugin("labels", LabelTable);
Yasgui.Yasr.defaults.pluginOrder = ["labels", "table", "response"];
Yasgui.Yasr.defaults.defaultPlugin = "labels";

// --- errors in words: the server answers {"error": "..."}; YASR would show the raw body ----------
function messageOf(text) {
  if (text && typeof text === "object") return text.error || text.message || JSON.stringify(text);
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed.error === "string") return parsed.error;
  } catch (error) { /* not JSON: the text itself */ }
  return text || "no answer from the server";
}
Yasgui.Yasr.defaults.errorRenderers = [
  async (error) => {
    const box = document.createElement("div");
    box.className = "kkg-error";
    const title = document.createElement("strong");
    title.textContent = error.status ? `The query failed (HTTP ${error.status})` : "The query failed";
    const message = document.createElement("p");
    message.textContent = messageOf(error.text);
    box.append(title, message);
    return box;
  },
];

const first = byName.get(firstName) || questions[0];
const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: window.location.origin + "/sparql", method: "POST" },
  copyEndpointOnNewTab: true,
  persistenceId: null,
  yasqe: { value: first.query },
});

// --- the stored questions and their parameter forms -------------------------------------------
const form = document.getElementById("parameters");
const fields = document.getElementById("parameters-fields");
const formError = document.getElementById("parameters-error");
const INPUTS = {
  date: { type: "date", hint: "a date, YYYY-MM-DD" },
  gYear: { type: "number", hint: "a year, YYYY", min: 1000, max: 9999 },
  integer: { type: "number", hint: "a whole number" },
  decimal: { type: "text", hint: "a number", inputmode: "decimal" },
  iri: { type: "text", hint: "a resource name such as kosovo, or kkr:kosovo, or a full IRI" },
  string: { type: "text", hint: "text" },
};
let current = null;

function showError(text) {
  formError.textContent = text;
  formError.hidden = !text;
}

async function runQuestion(question, values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== "") params.append(name, value);
  showError("");
  const response = await fetch(`/api/queries/${encodeURIComponent(question.name)}/prepared?${params}`);
  const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) {
    showError(messageOf(answer));
    return;
  }
  const tab = yasgui.getTab();
  tab.setQuery(answer.query);
  tab.getYasqe().query();
}

function openForm(question) {
  current = question;
  document.getElementById("parameters-title").textContent = question.name;
  document.getElementById("parameters-summary").textContent = question.summary;
  fields.replaceChildren();
  for (const parameter of question.parameters) {
    const spec = INPUTS[parameter.type] || INPUTS.string;
    const label = document.createElement("label");
    label.htmlFor = `param-${parameter.name}`;
    label.textContent = parameter.name + (parameter.required ? " (required)" : "");
    const hint = document.createElement("span");
    hint.className = "hint";
    hint.textContent = " — " + spec.hint;
    label.appendChild(hint);
    const input = document.createElement("input");
    input.id = `param-${parameter.name}`;
    input.name = parameter.name;
    input.type = spec.type;
    if (spec.min) input.min = spec.min;
    if (spec.max) input.max = spec.max;
    if (spec.inputmode) input.inputMode = spec.inputmode;
    if (parameter.default !== null) input.value = parameter.default;
    input.required = parameter.required;
    fields.append(label, input);
  }
  showError("");
  form.hidden = false;
  const input = fields.querySelector("input");
  if (input) input.focus();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!current) return;
  const values = Object.fromEntries(new FormData(form).entries());
  runQuestion(current, values);
});

for (const button of document.querySelectorAll("button.question")) {
  button.addEventListener("click", () => {
    const question = byName.get(button.dataset.question);
    for (const other of document.querySelectorAll("button.question.active")) other.classList.remove("active");
    button.classList.add("active");
    if (question.parameters.length) {
      openForm(question);
    } else {
      form.hidden = true;
      current = question;
      const tab = yasgui.getTab();
      tab.setQuery(question.query);
      tab.getYasqe().query();
    }
  });
}

// --- a question named in the address (a question page's "open in the SPARQL editor") -------------
(function openAskedQuestion() {
  const asked = new URLSearchParams(window.location.search);
  const question = byName.get(asked.get("question") || "");
  if (!question) return;
  const values = {};
  for (const [name, value] of asked) if (name !== "question") values[name] = value;
  const button = document.querySelector(`button.question[data-question="${CSS.escape(question.name)}"]`);
  if (button) button.classList.add("active");
  if (question.parameters.length) {
    openForm(question);
    for (const [name, value] of Object.entries(values)) {
      const input = document.getElementById(`param-${name}`);
      if (input) input.value = value;
    }
  }
  runQuestion(question, values);
})();
