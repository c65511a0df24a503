// Feeds in the browser: list with health, add, pause/resume, remove (api/v1/feeds).
// The poller picks a change up within one poll interval; the list above shows its polls.
"use strict";

import { call, el, fieldOf, nowSeconds, problem, readList, showFieldErrors, time } from "./dom.js";

export class FeedManager {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector("#feed-form");
    this.table = root.querySelector("#feed-list tbody");
    this.note = root.querySelector("#feed-list-note");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
  }

  async refresh(now) {
    const feeds = await readList(this.root, this.note, "api/v1/feeds");
    if (feeds === null) return;
    const at = now ?? nowSeconds();
    const rows = feeds.map((feed) => {
      const health = feed.health || {};
      const row = el(
        "tr",
        { "data-feed-name": feed.name, "data-paused": String(feed.paused), "data-polled": String(Boolean(health.last_poll_at)) },
        el("td", {}, feed.name),
        el("td", { class: "mono" }, feed.url),
        el("td", {}, feed.lang || "—"),
        el("td", { class: "num" }, `${feed.interval} s`),
        el("td", {}, el("span", { class: `badge ${feed.paused ? "late" : "ok"}` }, feed.paused ? "paused" : "active")),
        el("td", { class: "last-poll" }, health.last_poll_at ? time(Number(health.last_poll_at), at) : "not yet"),
        el("td", { class: "error-text", title: health.last_error || "" }, health.last_error || "—"),
        el(
          "td",
          { class: "actions" },
          el("button", { type: "button", class: "pause" }, feed.paused ? "Resume" : "Pause"),
          el("button", { type: "button", class: "remove danger" }, "Remove"),
        ),
      );
      row.querySelector(".pause").addEventListener("click", () => this.patch(feed.name, { paused: !feed.paused }));
      row.querySelector(".remove").addEventListener("click", () => this.remove(feed));
      return row;
    });
    this.table.replaceChildren(...(rows.length ? rows : [el("tr", { class: "empty" }, el("td", { colspan: 8 }, "no feed yet"))]));
  }

  values() {
    const body = {};
    for (const name of ["name", "url", "lang", "interval", "format"]) {
      const value = this.form.elements[name].value.trim();
      if (value) body[name] = name === "interval" ? Number(value) : value;
    }
    return body;
  }

  async save() {
    const answer = await call("api/v1/feeds", { method: "POST", body: this.values() });
    if (answer.status === 422) {
      showFieldErrors(this.form, answer.data.errors || [answer.data.detail], fieldOf);
      this.form.dataset.result = "invalid";
      return;
    }
    if (!answer.ok) {
      showFieldErrors(this.form, [problem(answer)], () => null);
      return;
    }
    this.form.dataset.result = "created";
    this.form.reset();
    showFieldErrors(this.form, [], fieldOf);
    await this.refresh();
  }

  async patch(name, changes) {
    const answer = await call(`api/v1/feeds/${encodeURIComponent(name)}`, { method: "PATCH", body: changes });
    if (!answer.ok) this.note.textContent = problem(answer);
    await this.refresh();
  }

  async remove(feed) {
    if (!window.confirm(`Remove the feed ${feed.name}?`)) return;
    const answer = await call(`api/v1/feeds/${encodeURIComponent(feed.name)}`, { method: "DELETE" });
    if (!answer.ok && answer.status !== 204) this.note.textContent = problem(answer);
    await this.refresh();
  }
}
