// Vigie status page: polls api/status and redraws. No framework, nothing from a CDN.
// Feed and alert text comes from the outside world: it is only ever set as textContent.
"use strict";

const REFRESH_MS = 5000;
// The API token, when the stack has one: asked once, kept for this browser tab's session only.
const TOKEN_KEY = "vigie.api_token";
const STATS = [
  ["items", "items"],
  ["detections", "detections"],
  ["alerts", "alerts"],
  ["deliveries", "deliveries"],
  ["dead", "dead letters"],
];
const KINDS = { city_capture: "capture", casualty_report: "casualties" };
const SVG_NS = "http://www.w3.org/2000/svg";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function absolute(seconds) {
  return seconds ? new Date(seconds * 1000).toISOString().replace(".000", "") : "";
}

function toSeconds(value) {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") return value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed / 1000;
}

function relative(value, now) {
  const seconds = toSeconds(value);
  if (seconds === null) return "—";
  const delta = Math.round(seconds - now);
  const size = Math.abs(delta);
  if (size < 1) return "just now";
  const text =
    size < 60 ? `${size} s` : size < 3600 ? `${Math.round(size / 60)} min` : `${(size / 3600).toFixed(1)} h`;
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

function time(value, now) {
  return el("time", { datetime: absolute(toSeconds(value)), title: absolute(toSeconds(value)) }, relative(value, now));
}

function sparkline(counts) {
  const width = 180;
  const height = 36;
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  const peak = Math.max(1, ...counts);
  const step = counts.length > 1 ? width / (counts.length - 1) : width;
  const points = counts.map((count, i) => `${(i * step).toFixed(1)},${(height - 2 - (count / peak) * (height - 4)).toFixed(1)}`);
  const area = document.createElementNS(SVG_NS, "polygon");
  area.setAttribute("points", `0,${height} ${points.join(" ")} ${width},${height}`);
  area.setAttribute("class", "area");
  const line = document.createElementNS(SVG_NS, "polyline");
  line.setAttribute("points", points.join(" "));
  line.setAttribute("class", "line");
  svg.append(area, line);
  return svg;
}

function replaceRows(tableId, rows, emptyText, columns) {
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren(...(rows.length ? rows : [el("tr", { class: "empty" }, el("td", { colspan: columns }, emptyText))]));
}

function renderThroughput(throughput) {
  const cards = STATS.map(([key, label]) => {
    const counts = throughput.series[key] || [];
    const total = throughput.totals[key] || 0;
    return el(
      "div",
      { class: `card stat-${key}`, "data-stat": key },
      el("div", { class: "label" }, label),
      el("div", { class: "value" }, total.toLocaleString("en")),
      sparkline(counts),
    );
  });
  document.getElementById("throughput-cards").replaceChildren(...cards);
}

function renderFeeds(feeds, now) {
  const rows = feeds.map((feed) =>
    el(
      "tr",
      { "data-feed": feed.name, "data-state": feed.state },
      el("td", { title: feed.url }, feed.name),
      el("td", {}, feed.lang || "—"),
      el("td", {}, el("span", { class: `badge ${feed.state}` }, feed.state)),
      el("td", {}, time(feed.last_success_at, now)),
      el(
        "td",
        { class: "error-text", title: feed.last_error || "" },
        feed.last_error ? `${feed.last_error} (${relative(feed.last_error_at, now)})` : "—",
      ),
      el("td", {}, feed.http_status ?? "—"),
      el("td", { class: "num" }, feed.items_last_hour ?? "—"),
      el("td", { class: "num" }, feed.items_total),
      el("td", {}, time(feed.next_poll_at, now)),
    ),
  );
  replaceRows("feeds", rows, "no feed polled yet", 9);
}

function toll(alert) {
  const parts = [];
  const about = alert.approximate ? "~" : "";
  if (alert.killed !== null && alert.killed !== undefined) parts.push(`${about}${alert.killed} killed`);
  if (alert.wounded !== null && alert.wounded !== undefined) parts.push(`${about}${alert.wounded} wounded`);
  return parts.join(", ") || "—";
}

function renderAlerts(alerts, now) {
  const rows = alerts.map((alert) => {
    const place = alert.country ? `${alert.place} (${alert.country})` : alert.place;
    const sources = alert.sources.map((source) =>
      el("li", {}, source.url ? el("a", { href: source.url, rel: "noreferrer" }, source.source) : source.source, ` ${source.lang}`),
    );
    return el(
      "tr",
      { "data-alert-id": alert.id, "data-revision": alert.revision },
      el("td", {}, time(alert.first_seen, now)),
      el(
        "td",
        {},
        el("span", { class: `kind ${alert.kind}` }, KINDS[alert.kind] || alert.kind),
        alert.status && alert.status !== "reported" ? el("span", { class: "status" }, alert.status) : null,
        alert.revision ? el("span", { class: "revision" }, `rev ${alert.revision}`) : null,
      ),
      el("td", { class: "place", title: alert.place_as_written }, place || "—"),
      el("td", { class: "num" }, toll(alert)),
      el(
        "td",
        { class: "headline" },
        el("div", { lang: "fr", class: "fr" }, el("b", {}, "FR "), alert.headline.fr || "—"),
        el("div", { lang: "en", class: "en" }, el("b", {}, "EN "), alert.headline.en || "—"),
      ),
      el("td", {}, el("ul", { class: "sources" }, ...sources)),
    );
  });
  replaceRows("alerts", rows, "no alert yet", 6);
}

function renderLag(lag, now) {
  const rows = Object.entries(lag.groups).map(([group, entry]) => {
    const partitions = lag.partitions
      .filter((p) => p.group === group)
      .map((p) => `${p.partition}:${p.lag}`)
      .join(" ");
    return el(
      "tr",
      { "data-group": group },
      el("td", {}, group),
      el("td", {}, entry.topic),
      el("td", { class: "num" }, entry.lag),
      el("td", { class: "mono" }, partitions),
    );
  });
  replaceRows("lag", rows, "not measured yet", 4);
  const note = lag.error ? `last reading failed: ${lag.error}` : "";
  const measured = lag.measured_at ? `measured ${relative(lag.measured_at, now)}. ` : "";
  document.getElementById("lag-note").textContent = measured + note;
}

function renderDead(dead, now) {
  const rows = dead.map((letter) =>
    el(
      "tr",
      { "data-dead-id": letter.id },
      el("td", {}, time(letter.failed_at, now)),
      el("td", {}, letter.channel),
      el("td", { class: "mono" }, letter.subscription_id),
      el("td", { class: "error-text" }, letter.reason),
      el("td", {}, letter.headline || letter.alert_id || "—"),
    ),
  );
  replaceRows("dead", rows, "none", 5);
}

function renderEndpoints(urls) {
  const links = Object.entries(urls)
    .sort()
    .map(([name, url]) => el("a", { href: url }, name.replace("metrics_", "metrics: ")));
  document.getElementById("endpoints").replaceChildren(...links);
}

function setConnection(state, text) {
  const node = document.getElementById("connection");
  node.dataset.state = state;
  node.textContent = text;
}

function authHeaders() {
  const token = window.sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function askForToken(wrong) {
  const form = document.getElementById("token-form");
  document.getElementById("token-note").textContent = wrong
    ? "That token was refused. Enter the stack's API token (VIGIE_API_TOKEN)."
    : "This stack needs its API token (VIGIE_API_TOKEN) to show its status.";
  form.hidden = false;
  document.getElementById("token-input").focus();
}

function onTokenSubmitted(event) {
  event.preventDefault();
  const input = document.getElementById("token-input");
  const token = input.value.trim();
  if (!token) return;
  window.sessionStorage.setItem(TOKEN_KEY, token);
  input.value = "";
  document.getElementById("token-form").hidden = true;
  setConnection("connecting", "connecting…");
  refresh();
}

async function refresh() {
  let locked = false;
  try {
    const response = await fetch("api/status", { cache: "no-store", headers: authHeaders() });
    if (response.status === 401) {
      // Polling waits for the token: a refused one is forgotten and asked for again.
      const hadToken = window.sessionStorage.getItem(TOKEN_KEY) !== null;
      window.sessionStorage.removeItem(TOKEN_KEY);
      locked = true;
      setConnection("locked", "token needed");
      askForToken(hadToken);
      return;
    }
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
    const now = data.generated_at;
    renderThroughput(data.throughput);
    renderFeeds(data.feeds, now);
    renderAlerts(data.alerts, now);
    renderLag(data.lag, now);
    renderDead(data.dead, now);
    renderEndpoints(data.urls);
    document.getElementById("updated").textContent = `updated ${absolute(now)}`;
    setConnection("live", "live");
    document.body.dataset.loaded = "true";
  } catch (error) {
    setConnection("down", `unreachable: ${error.message}`);
  } finally {
    if (!locked) window.setTimeout(refresh, REFRESH_MS);
  }
}

document.getElementById("token-form").addEventListener("submit", onTokenSubmitted);
refresh();
