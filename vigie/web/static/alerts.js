// Where the console's alerts come from, and the alert detail view.
// The alert-history API (api/v1/alerts) is used when the stack has one; otherwise the recent
// alerts the status page keeps (api/alerts). Both are turned into the same rows.
"use strict";

import { KINDS, absolute, call, el, svg, time, toSeconds, toll } from "./dom.js";

const HISTORY_LIMIT = 500;
const HISTORY_DAYS = 30;
const HISTORY_RETRY_MS = 60000;

// A history record (GET api/v1/alerts[/{id}]: `place` an object, toll at the top, sources by
// `feed`, evidence per revision) or an Alert as the stream writes it (`event`) into a console
// row; a console row (api/alerts) is returned as it is.
export function rowFromAlert(alert) {
  if (alert.event) return rowFromStream(alert);
  if (alert.place && typeof alert.place === "object") return rowFromHistory(alert);
  return alert;
}

function rowFromHistory(record) {
  const place = record.place || {};
  const revisions = (record.revisions || []).map((r) => ({
    revision: Number(r.revision || 0),
    reason: r.reason || "",
    status: r.status || "",
    killed: r.killed ?? null,
    wounded: r.wounded ?? null,
    approximate: Boolean(r.approximate),
    updated_at: r.updated || r.updated_at || null,
    silenced_by: r.silenced_by ?? null,
  }));
  const sentences = (record.revisions || []).map((r) => r.evidence && r.evidence.text).filter(Boolean);
  return {
    ...common(record),
    ...placeFields(place),
    killed: record.killed ?? null,
    wounded: record.wounded ?? null,
    approximate: Boolean(record.approximate),
    group: null,
    sources: (record.sources || []).map((source) => ({
      source: source.feed || source.source || "",
      lang: source.lang || "",
      url: source.url || "",
      title: source.title || "",
      seen_at: source.published_at || source.seen_at || "",
    })),
    updated_at: record.updated || record.updated_at || null,
    evidence: [...new Set(sentences)],
    revisions,
    from_history: true,
  };
}

function rowFromStream(alert) {
  const event = alert.event || {};
  const place = event.place || {};
  const casualties = event.casualties || {};
  return {
    ...common({ ...alert, status: event.status, actor: event.actor, from_actor: event.from_actor }),
    kind: alert.kind || event.kind || "",
    ...placeFields(place),
    killed: casualties.killed ?? null,
    wounded: casualties.wounded ?? null,
    approximate: Boolean(casualties.approximate),
    group: casualties.group ?? null,
    sources: (alert.sources || []).map((source) => ({
      source: source.source || "",
      lang: source.lang || "",
      url: source.url || "",
      title: source.title || "",
      seen_at: source.seen_at || "",
    })),
    updated_at: alert.updated_at,
    attribution: event.attribution ?? null,
    evidence: event.evidence ? [event.evidence] : [],
    revisions: alert.revisions || [],
  };
}

function placeFields(place) {
  return {
    place: place.canonical || place.name || "",
    place_as_written: place.name || "",
    country: place.country || "",
    lat: place.lat ?? null,
    lon: place.lon ?? null,
  };
}

// The fields both shapes name alike.
function common(record) {
  const headline = record.headline || {};
  return {
    id: String(record.id),
    revision: Number(record.revision || 0),
    kind: record.kind || "",
    status: record.status || "",
    headline: { fr: headline.fr || "", en: headline.en || "" },
    first_seen: record.first_seen,
    reason: record.reason || "",
    actor: record.actor ?? null,
    from_actor: record.from_actor ?? null,
    attribution: null,
    supersedes: record.supersedes ?? null,
    silenced_by: record.silenced_by ?? null,
    backfill: Boolean(record.backfill),
  };
}

function withSeconds(row) {
  return { ...row, first_seen_s: toSeconds(row.first_seen) };
}

export class AlertSource {
  constructor() {
    // true while the history API answers; false once it said it does not exist (404).
    this.history = null;
    // A history that answered 503 (not running, no token) is asked again after a while.
    this.retryAt = 0;
  }

  async list(now) {
    if (this.history !== false && Date.now() >= this.retryAt) {
      const since = new Date((now - HISTORY_DAYS * 86400) * 1000).toISOString();
      const answer = await call(`api/v1/alerts?since=${encodeURIComponent(since)}&limit=${HISTORY_LIMIT}&format=json`);
      const items = answer.ok && answer.data && (Array.isArray(answer.data) ? answer.data : answer.data.alerts);
      if (Array.isArray(items)) {
        this.history = true;
        const more = Boolean(answer.data.next_cursor);
        return { from: "history", alerts: items.map(rowFromAlert).map(withSeconds), more };
      }
      this.history = answer.status === 404 ? false : null;
      this.retryAt = Date.now() + HISTORY_RETRY_MS;
    }
    const answer = await call("api/alerts");
    if (!answer.ok) throw new Error((answer.data && answer.data.error) || `HTTP ${answer.status}`);
    return { from: "recent", alerts: answer.data.alerts.map(withSeconds) };
  }

  // The full record of one alert: the history API's when there is one, else the row in hand.
  async detail(row) {
    if (this.history !== true && !row.from_history) return row;
    const answer = await call(`api/v1/alerts/${encodeURIComponent(row.id)}`);
    return answer.ok && answer.data ? { ...row, ...rowFromAlert(answer.data) } : row;
  }
}

// Toll over the revisions, as a small line chart; null when there is nothing to draw.
function tollChart(revisions) {
  const points = revisions.filter((r) => r.killed !== null && r.killed !== undefined);
  if (points.length < 2) return null;
  const width = 240;
  const height = 60;
  const peak = Math.max(1, ...points.map((r) => r.killed));
  const step = width / (points.length - 1);
  const xy = points.map((r, i) => [i * step, height - 6 - (r.killed / peak) * (height - 16)]);
  const chart = svg("svg", { viewBox: `-8 -4 ${width + 16} ${height + 8}`, class: "toll-chart", role: "img" });
  chart.append(svg("polyline", { points: xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ") }));
  xy.forEach(([x, y], i) => {
    chart.append(svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 3 }));
    const label = svg("text", { x: x.toFixed(1), y: (y - 6).toFixed(1), "text-anchor": "middle" });
    label.textContent = String(points[i].killed);
    chart.append(label);
  });
  return chart;
}

function fact(label, value) {
  if (value === null || value === undefined || value === "") return null;
  return [el("dt", {}, label), el("dd", {}, value)];
}

export function renderDetail(container, alert, now, onSilence) {
  const place = [alert.place, alert.country ? `(${alert.country})` : ""].join(" ").trim();
  const written = alert.place_as_written && alert.place_as_written !== alert.place ? `written “${alert.place_as_written}”` : "";
  const coordinates = alert.lat !== null && alert.lon !== null ? `${alert.lat.toFixed(2)}, ${alert.lon.toFixed(2)}` : "";
  const sources = alert.sources.map((source) =>
    el(
      "li",
      { "data-source": source.source },
      source.url ? el("a", { href: source.url, rel: "noreferrer", target: "_blank" }, source.source) : source.source,
      " ",
      el("span", { class: "lang" }, source.lang || "?"),
      " ",
      source.seen_at ? time(source.seen_at, now) : null,
      source.title ? el("div", { class: "source-title" }, source.title) : null,
    ),
  );
  const revisions = (alert.revisions || []).map((r) =>
    el(
      "tr",
      {},
      el("td", {}, r.revision),
      el("td", {}, r.reason || "—"),
      el("td", {}, r.updated_at ? time(r.updated_at, now) : "—"),
      el("td", { class: "num" }, toll(r)),
      el("td", {}, r.status || "—", r.silenced_by ? el("span", { class: "badge silenced", title: `silence ${r.silenced_by}` }, "silenced") : null),
    ),
  );
  const parts = [
    el(
      "div",
      { class: "detail-head" },
      el("span", { class: `kind ${alert.kind}` }, KINDS[alert.kind] || alert.kind),
      el("span", { class: `badge status-${alert.status}` }, alert.status || "reported"),
      alert.revision ? el("span", { class: "revision" }, `revision ${alert.revision}`) : null,
      alert.silenced_by ? el("span", { class: "badge silenced" }, `silenced (${alert.silenced_by})`) : null,
      alert.backfill ? el("span", { class: "badge" }, "backfill") : null,
    ),
    el("h3", { lang: "en", class: "headline-en" }, el("b", {}, "EN "), alert.headline.en || "—"),
    el("h3", { lang: "fr", class: "headline-fr" }, el("b", {}, "FR "), alert.headline.fr || "—"),
    el(
      "dl",
      { class: "facts" },
      fact("place", [place, written].filter(Boolean).join(", ")),
      fact("coordinates", coordinates),
      fact("casualties", toll(alert) === "—" ? null : `${toll(alert)}${alert.group ? ` (${alert.group})` : ""}`),
      fact("actor", alert.actor ? `${alert.actor}${alert.from_actor ? ` (from ${alert.from_actor})` : ""}` : null),
      fact("attribution", alert.attribution),
      fact("first seen", alert.first_seen ? el("span", {}, time(alert.first_seen, now), " ", absolute(alert.first_seen)) : null),
      fact("updated", alert.updated_at ? time(alert.updated_at, now) : null),
      fact("supersedes", alert.supersedes),
      fact("alert id", el("span", { class: "mono" }, alert.id)),
    ),
    el("h4", {}, `Sources (${alert.sources.length})`),
    el("ul", { class: "detail-sources" }, sources),
    el("h4", {}, "Evidence"),
    alert.evidence && alert.evidence.length
      ? el("div", { class: "evidence" }, alert.evidence.map((sentence) => el("blockquote", {}, sentence)))
      : el("p", { class: "note" }, "no sentence kept"),
    // The history's timeline is shown from its first revision; the recent alerts' once revised.
    revisions.length > 1 || (alert.from_history && revisions.length)
      ? el(
          "div",
          { class: "revisions" },
          el("h4", {}, "Revisions"),
          tollChart(alert.revisions),
          el(
            "table",
            {},
            el("thead", {}, el("tr", {}, el("th", {}, "rev"), el("th", {}, "why"), el("th", {}, "when"), el("th", { class: "num" }, "toll"), el("th", {}, "status"))),
            el("tbody", {}, revisions),
          ),
        )
      : null,
    el(
      "p",
      { class: "detail-actions" },
      el("button", { type: "button", class: "silence-like" }, "Silence alerts like this…"),
    ),
  ];
  container.replaceChildren(...parts.filter(Boolean));
  container.querySelector(".silence-like").addEventListener("click", () => onSilence(alert));
}
