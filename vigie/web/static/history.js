// The History view: the alert history (api/v1/alerts) searched with filters, a page at a time
// (cursor paging), each row opening the alert detail, and exports carrying the same filters.
"use strict";

import { rowFromAlert } from "./alerts.js";
import { KINDS, authHeaders, call, el, nowSeconds, problem, time, toll } from "./dom.js";

const PAGE_SIZE = 50;
const PERIODS = { "24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400 };
const EXPORTS = { csv: "csv", jsonl: "jsonl", geojson: "geojson" };
// Filters typed as they are sent (the query string names them alike).
const TEXT_FILTERS = ["kind", "status", "country", "place", "q", "min_killed"];

// A datetime-local value (the browser's local time) as ISO 8601 UTC; "" when empty or wrong.
function isoFromLocal(value) {
  if (!value) return "";
  const moment = new Date(value);
  return Number.isNaN(moment.getTime()) ? "" : moment.toISOString();
}

export class HistoryView {
  constructor(root, onOpen) {
    this.root = root;
    this.onOpen = onOpen;
    this.form = root.querySelector("#history-form");
    this.body = root.querySelector("#history tbody");
    this.note = root.querySelector("#history-note");
    this.moreButton = root.querySelector("#history-more");
    this.cursor = null;
    this.rows = [];
    this.query = new URLSearchParams();
    // Each search counts: the answer of an older one is dropped.
    this.generation = 0;
    // Until someone searches or pages, the view follows the stack (see `follow`).
    this.touched = false;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.touched = true;
      this.search();
    });
    // A filter being changed is not searched behind the user's back.
    this.form.addEventListener("input", () => {
      this.touched = true;
    });
    this.form.elements.period.addEventListener("change", () => this.showRange());
    this.moreButton.addEventListener("click", () => {
      this.touched = true;
      this.more();
    });
    for (const link of root.querySelectorAll("a[data-export]")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        this.download(link.dataset.export);
      });
    }
    this.showRange();
    this.updateExports();
  }

  showRange() {
    const custom = this.form.elements.period.value === "range";
    for (const name of ["since", "until"]) this.form.elements[name].disabled = !custom;
  }

  // The filters of the form as query parameters (no limit, no cursor).
  filters() {
    const form = this.form.elements;
    const query = new URLSearchParams();
    const period = form.period.value;
    if (PERIODS[period]) {
      query.set("since", new Date((nowSeconds() - PERIODS[period]) * 1000).toISOString());
    } else if (period === "range") {
      const since = isoFromLocal(form.since.value);
      const until = isoFromLocal(form.until.value);
      if (since) query.set("since", since);
      if (until) query.set("until", until);
    }
    for (const name of TEXT_FILTERS) {
      const value = form[name].value.trim();
      if (value) query.set(name, value);
    }
    return query;
  }

  updateExports() {
    for (const link of this.root.querySelectorAll("a[data-export]")) {
      const query = new URLSearchParams(this.query);
      query.set("format", EXPORTS[link.dataset.export]);
      link.href = `api/v1/alerts?${query}`;
    }
  }

  // Search again with the form as it is, as long as nobody searched or paged yet.
  follow() {
    if (!this.touched) this.search();
  }

  // A new search: the first page of what the filters match.
  async search() {
    this.generation += 1;
    this.query = this.filters();
    this.cursor = null;
    this.rows = [];
    this.updateExports();
    this.root.dataset.state = "searching";
    await this.more();
  }

  async more() {
    const query = new URLSearchParams(this.query);
    query.set("limit", String(PAGE_SIZE));
    if (this.cursor) query.set("cursor", this.cursor);
    this.moreButton.disabled = true;
    const generation = this.generation;
    const answer = await call(`api/v1/alerts?${query}`);
    if (generation !== this.generation) return;
    if (!answer.ok || !answer.data || !Array.isArray(answer.data.alerts)) {
      this.root.dataset.state = "unavailable";
      this.note.textContent = answer.status === 503 && answer.data && answer.data.detail ? String(answer.data.detail) : problem(answer);
      this.moreButton.hidden = true;
      if (!this.cursor) this.body.replaceChildren(el("tr", { class: "empty" }, el("td", { colspan: 7 }, "history not available")));
      return;
    }
    const now = nowSeconds();
    const rows = answer.data.alerts.map(rowFromAlert);
    if (!this.cursor) this.body.replaceChildren();
    this.rows.push(...rows);
    this.body.append(...rows.map((row) => this.renderRow(row, now)));
    if (!this.rows.length) {
      this.body.append(el("tr", { class: "empty" }, el("td", { colspan: 7 }, "no alert matches")));
    }
    this.cursor = answer.data.next_cursor || null;
    this.moreButton.hidden = !this.cursor;
    this.moreButton.disabled = false;
    this.note.textContent = `${this.rows.length} alert${this.rows.length === 1 ? "" : "s"} shown${this.cursor ? ", more below" : ""}.`;
    this.root.dataset.state = "ready";
    this.root.dataset.shown = String(this.rows.length);
  }

  renderRow(alert, now) {
    const place = alert.country ? `${alert.place} (${alert.country})` : alert.place;
    const row = el(
      "tr",
      { "data-alert-id": alert.id, class: `clickable${alert.silenced_by ? " silenced" : ""}`, title: "show the detail" },
      el("td", {}, time(alert.first_seen, now)),
      el("td", {}, el("span", { class: `kind ${alert.kind}` }, KINDS[alert.kind] || alert.kind)),
      el(
        "td",
        {},
        el("span", { class: `badge status-${alert.status}` }, alert.status || "reported"),
        alert.silenced_by ? el("span", { class: "badge silenced", title: `silence ${alert.silenced_by}` }, "silenced") : null,
        alert.backfill ? el("span", { class: "badge" }, "backfill") : null,
      ),
      el("td", { class: "place" }, place || "—"),
      el("td", { class: "num" }, toll(alert)),
      el("td", { class: "num" }, alert.revision),
      el("td", { class: "headline" }, el("div", { lang: "en" }, alert.headline.en || alert.headline.fr || "—")),
    );
    row.addEventListener("click", () => this.onOpen(alert));
    return row;
  }

  // The API wants its token in a header: the export is fetched, then saved from a Blob.
  async download(format) {
    const link = this.root.querySelector(`a[data-export="${format}"]`);
    this.root.dataset.export = "running";
    let response;
    try {
      response = await fetch(link.getAttribute("href"), { headers: authHeaders(), cache: "no-store" });
    } catch (error) {
      this.note.textContent = `export failed: ${error.message}`;
      this.root.dataset.export = "failed";
      return;
    }
    if (!response.ok) {
      let data = null;
      try {
        data = await response.json();
      } catch {
        data = null;
      }
      this.note.textContent = `export failed: ${problem({ status: response.status, data })}`;
      this.root.dataset.export = "failed";
      return;
    }
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const save = el("a", { href: url, download: `vigie-alerts.${format}` });
    document.body.append(save);
    save.click();
    save.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10000);
    this.root.dataset.export = "done";
  }
}
