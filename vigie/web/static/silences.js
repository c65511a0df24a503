// Silences in the browser (Alertmanager's idea): matchers, an end, a comment; expire early.
"use strict";

import { call, el, fieldOf, problem, readList, showFieldErrors, time } from "./dom.js";

const NAMES = ["kind", "country", "place", "source", "status"];
const OPS = ["=", "!=", "=~"];

export class Silences {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector("#silence-form");
    this.table = root.querySelector("#silences tbody");
    this.note = root.querySelector("#silences-note");
    this.matchers = this.form.querySelector(".matchers");
    this.form.querySelector(".add-matcher").addEventListener("click", () => this.addMatcher());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    this.addMatcher();
  }

  addMatcher(name = "country", op = "=", value = "") {
    const row = el(
      "div",
      { class: "matcher" },
      el("select", { name: "matcher-name", "aria-label": "field" }, NAMES.map((n) => el("option", { value: n, selected: n === name }, n))),
      el("select", { name: "matcher-op", "aria-label": "operator" }, OPS.map((o) => el("option", { value: o, selected: o === op }, o))),
      el("input", { name: "matcher-value", "aria-label": "value", value, placeholder: "SY, city_capture, Alep.* …" }),
      el("button", { type: "button", class: "drop", "aria-label": "remove matcher" }, "×"),
    );
    row.querySelector(".drop").addEventListener("click", () => row.remove());
    this.matchers.append(row);
    return row;
  }

  // Pre-fill the form from an alert: its kind and its place, for the operator to adjust.
  prefill(alert) {
    this.matchers.replaceChildren();
    this.addMatcher("kind", "=", alert.kind);
    this.addMatcher("place", "=", alert.place);
    this.form.elements.comment.value = "";
    this.form.scrollIntoView({ behavior: "smooth" });
    this.form.elements.comment.focus();
  }

  async refresh(now) {
    const silences = await readList(this.root, this.note, "api/v1/silences");
    if (silences === null) return;
    const rows = silences.map((silence) => {
      const row = el(
        "tr",
        { "data-silence-id": silence.id, "data-state": silence.state },
        el("td", { class: "mono" }, silence.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(" ")),
        el("td", {}, el("span", { class: `badge ${silence.state === "active" ? "ok" : silence.state === "pending" ? "late" : ""}` }, silence.state)),
        el("td", {}, time(silence.starts_at, now)),
        el("td", {}, time(silence.ends_at, now)),
        el("td", {}, silence.comment),
        el("td", {}, silence.created_by || "—"),
        el("td", {}, silence.state === "expired" ? null : el("button", { type: "button", class: "expire" }, "Expire")),
      );
      const expire = row.querySelector(".expire");
      if (expire) expire.addEventListener("click", () => this.expire(silence.id));
      return row;
    });
    this.table.replaceChildren(...(rows.length ? rows : [el("tr", { class: "empty" }, el("td", { colspan: 7 }, "no silence"))]));
  }

  async save() {
    const form = this.form;
    const matchers = [...this.matchers.querySelectorAll(".matcher")].map((row) => ({
      name: row.querySelector("[name=matcher-name]").value,
      op: row.querySelector("[name=matcher-op]").value,
      value: row.querySelector("[name=matcher-value]").value.trim(),
    }));
    const hours = Number(form.elements.duration.value);
    // datetime-local is the browser's local time; empty starts now.
    const startText = form.elements.starts_at.value;
    const start = startText ? new Date(startText).getTime() : Date.now();
    const body = {
      matchers,
      ends_at: new Date(start + hours * 3600 * 1000).toISOString(),
      comment: form.elements.comment.value.trim(),
    };
    if (startText) body.starts_at = new Date(start).toISOString();
    const author = form.elements.created_by.value.trim();
    if (author) body.created_by = author;
    const answer = await call("api/v1/silences", { method: "POST", body });
    if (answer.status === 422) {
      showFieldErrors(form, answer.data.errors || [answer.data.detail], fieldOf);
      form.dataset.result = "invalid";
      return;
    }
    if (!answer.ok) {
      showFieldErrors(form, [problem(answer)], () => null);
      return;
    }
    showFieldErrors(form, [], fieldOf);
    form.dataset.result = "created";
    form.elements.comment.value = "";
    form.elements.starts_at.value = "";
    this.matchers.replaceChildren();
    this.addMatcher();
    await this.refresh(Date.now() / 1000);
  }

  async expire(id) {
    const answer = await call(`api/v1/silences/${encodeURIComponent(id)}`, { method: "DELETE" });
    if (!answer.ok) this.note.textContent = problem(answer);
    await this.refresh(Date.now() / 1000);
  }
}
