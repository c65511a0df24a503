// Subscriptions in the browser: list, create, edit, pause/resume, send a test, remove.
// Everything goes through the stack's API (api/v1/subscriptions), which needs its token.
"use strict";

import { KINDS, call, el, fieldOf, problem, readList, showFieldErrors, splitList } from "./dom.js";

const LIST_FIELDS = ["kinds", "languages", "statuses"];
// Wait after the last keystroke in a template field before asking for a preview.
const PREVIEW_DELAY_MS = 400;

// "template.body: ..." -> template.body (its own slot); other problems as everywhere.
function subscriptionFieldOf(text) {
  return text.startsWith("template.") ? text.split(":")[0].trim() : fieldOf(text);
}

// The template part of the form: null when both fields are empty (no template).
function templateOf(form) {
  const title = form.elements.template_title.value;
  const body = form.elements.template_body.value;
  if (!title.trim() && !body.trim()) return null;
  return { title: title.trim() ? title : null, body: body.trim() ? body : null };
}

function summary(sub) {
  const parts = [];
  if (sub.kinds.length) parts.push(sub.kinds.map((kind) => KINDS[kind] || kind).join("/"));
  if (sub.countries.length) parts.push(sub.countries.join(" "));
  if (sub.cities.length) parts.push(sub.cities.join(", "));
  if (sub.statuses.length) parts.push(sub.statuses.join("/"));
  if (sub.languages.length) parts.push(`sources ${sub.languages.join("/")}`);
  if (sub.min_killed !== null) parts.push(`≥ ${sub.min_killed} killed`);
  if (sub.min_sources > 1) parts.push(`≥ ${sub.min_sources} sources`);
  const filters = parts.join(" · ") || "every alert";
  return sub.template ? `${filters} · own template` : filters;
}

export class Subscriptions {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector("#subscription-form");
    this.table = root.querySelector("#subscriptions tbody");
    this.note = root.querySelector("#subscriptions-note");
    this.result = root.querySelector("#test-result");
    this.items = [];
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    this.form.querySelector(".cancel").addEventListener("click", () => this.reset());
    this.preview = root.querySelector("#template-preview");
    this.previewTimer = null;
    this.previewAsked = 0;
    this.form.querySelector(".preview").addEventListener("click", () => this.showPreview());
    for (const name of ["template_title", "template_body", "lang"]) {
      this.form.elements[name].addEventListener("input", () => {
        window.clearTimeout(this.previewTimer);
        this.previewTimer = window.setTimeout(() => this.showPreview(), PREVIEW_DELAY_MS);
      });
    }
  }

  // Render the sample alert with the form's template (nothing is sent) and show the text.
  async showPreview() {
    window.clearTimeout(this.previewTimer);
    const template = templateOf(this.form);
    const asked = ++this.previewAsked;
    if (template === null) {
      this.preview.dataset.state = "empty";
      this.preview.replaceChildren();
      return;
    }
    const body = { template, lang: this.form.elements.lang.value };
    const answer = await call("api/v1/subscriptions/preview", { method: "POST", body });
    if (asked !== this.previewAsked) return; // a newer preview was asked meanwhile
    for (const slot of this.form.querySelectorAll('[data-error-for^="template."]')) slot.textContent = "";
    if (!answer.ok) {
      const problems = answer.status === 422 ? answer.data.errors || [answer.data.detail] : [problem(answer)];
      this.preview.dataset.state = "invalid";
      this.preview.replaceChildren(el("p", { class: "field-error" }, problems.join("; ")));
      return;
    }
    this.preview.dataset.state = "ready";
    this.preview.replaceChildren(
      el("p", { class: "preview-title" }, answer.data.title),
      el("pre", {}, answer.data.text),
    );
  }

  async refresh() {
    const items = await readList(this.root, this.note, "api/v1/subscriptions");
    if (items === null) return;
    this.items = items;
    this.render();
  }

  render() {
    const rows = this.items.map((sub) => {
      const row = el(
        "tr",
        { "data-subscription-id": sub.id, "data-paused": String(sub.paused) },
        el("td", {}, sub.name || el("span", { class: "note" }, "unnamed")),
        el("td", { class: "mono channel" }, sub.channel),
        el("td", {}, summary(sub)),
        el("td", {}, sub.lang),
        el("td", {}, el("span", { class: `badge ${sub.paused ? "late" : "ok"}` }, sub.paused ? "paused" : "active")),
        el(
          "td",
          { class: "actions" },
          el("button", { type: "button", class: "edit" }, "Edit"),
          el("button", { type: "button", class: "pause" }, sub.paused ? "Resume" : "Pause"),
          el("button", { type: "button", class: "test" }, "Send a test"),
          el("button", { type: "button", class: "remove danger" }, "Remove"),
        ),
      );
      row.querySelector(".edit").addEventListener("click", () => this.edit(sub));
      row.querySelector(".pause").addEventListener("click", () => this.patch(sub.id, { paused: !sub.paused }));
      row.querySelector(".test").addEventListener("click", () => this.test(sub));
      row.querySelector(".remove").addEventListener("click", () => this.remove(sub));
      return row;
    });
    this.table.replaceChildren(...(rows.length ? rows : [el("tr", { class: "empty" }, el("td", { colspan: 6 }, "no subscription yet"))]));
  }

  values() {
    const form = this.form;
    const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((box) => box.value);
    const number = (name) => (form.elements[name].value.trim() === "" ? null : Number(form.elements[name].value));
    const body = {
      name: form.elements.name.value.trim() || null,
      channel: form.elements.channel.value.trim(),
      countries: splitList(form.elements.countries.value),
      cities: splitList(form.elements.cities.value),
      min_killed: number("min_killed"),
      min_sources: number("min_sources") ?? 1,
      lang: form.elements.lang.value,
    };
    for (const name of LIST_FIELDS) body[name] = checked(name);
    const secret = form.elements.secret.value;
    if (secret) body.secret = secret;
    body.template = templateOf(form);
    return body;
  }

  edit(sub) {
    const form = this.form;
    form.dataset.editing = sub.id;
    form.elements.name.value = sub.name || "";
    form.elements.channel.value = sub.channel;
    form.elements.countries.value = sub.countries.join(", ");
    form.elements.cities.value = sub.cities.join(", ");
    form.elements.min_killed.value = sub.min_killed ?? "";
    form.elements.min_sources.value = sub.min_sources;
    form.elements.lang.value = sub.lang;
    form.elements.secret.value = "";
    form.elements.secret.placeholder = sub.secret ? "kept unless changed" : "";
    form.elements.template_title.value = sub.template?.title || "";
    form.elements.template_body.value = sub.template?.body || "";
    this.showPreview();
    for (const name of LIST_FIELDS) {
      for (const box of form.querySelectorAll(`input[name=${name}]`)) box.checked = sub[name].includes(box.value);
    }
    showFieldErrors(form, [], subscriptionFieldOf);
    form.querySelector("legend").textContent = `Edit ${sub.name || sub.id}`;
    form.querySelector("button[type=submit]").textContent = "Save changes";
    form.elements.name.focus();
  }

  reset() {
    this.form.reset();
    delete this.form.dataset.editing;
    showFieldErrors(this.form, [], subscriptionFieldOf);
    this.preview.dataset.state = "empty";
    this.preview.replaceChildren();
    this.form.querySelector("legend").textContent = "New subscription";
    this.form.querySelector("button[type=submit]").textContent = "Create";
    this.form.elements.secret.placeholder = "";
  }

  async save() {
    const editing = this.form.dataset.editing;
    const body = this.values();
    const answer = editing
      ? await call(`api/v1/subscriptions/${encodeURIComponent(editing)}`, { method: "PATCH", body })
      : await call("api/v1/subscriptions", { method: "POST", body: Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null)) });
    if (answer.status === 422) {
      showFieldErrors(this.form, answer.data.errors || [answer.data.detail], subscriptionFieldOf);
      this.form.dataset.result = "invalid";
      return;
    }
    if (!answer.ok) {
      showFieldErrors(this.form, [problem(answer)], () => null);
      return;
    }
    this.form.dataset.result = editing ? "saved" : "created";
    this.reset();
    await this.refresh();
  }

  async patch(id, changes) {
    const answer = await call(`api/v1/subscriptions/${encodeURIComponent(id)}`, { method: "PATCH", body: changes });
    if (!answer.ok) this.note.textContent = problem(answer);
    await this.refresh();
  }

  async remove(sub) {
    if (!window.confirm(`Remove the subscription ${sub.name || sub.id}?`)) return;
    const answer = await call(`api/v1/subscriptions/${encodeURIComponent(sub.id)}`, { method: "DELETE" });
    if (!answer.ok && answer.status !== 204) this.note.textContent = problem(answer);
    await this.refresh();
  }

  async test(sub) {
    this.result.hidden = false;
    this.result.dataset.state = "sending";
    this.result.replaceChildren(el("p", {}, `Sending a test to ${sub.name || sub.id}…`));
    const answer = await call(`api/v1/subscriptions/${encodeURIComponent(sub.id)}/test`, { method: "POST" });
    if (!answer.ok) {
      this.result.dataset.state = "failed";
      this.result.replaceChildren(el("p", {}, problem(answer)));
      return;
    }
    const outcome = answer.data;
    this.result.dataset.state = outcome.ok ? "ok" : "failed";
    this.result.replaceChildren(
      el(
        "p",
        { class: "answer" },
        el("b", {}, outcome.ok ? "Delivered: " : "Failed: "),
        `${outcome.channel} — ${outcome.answer}`,
        outcome.status ? ` (HTTP ${outcome.status})` : "",
      ),
      el("pre", { class: "rendered" }, outcome.text),
    );
  }
}
