// Vigie status page: polls api/status and redraws. No framework, nothing from a CDN.
// Feed and alert text comes from the outside world: it is only ever set as textContent.
// Vigie console: polls api/status and api/alerts and redraws; manages subscriptions and
// silences through the API. No framework, nothing loaded from outside the page's origin.
// Feed and alert text comes from the outside world: it is only ever set as text.
"use strict";

import { AlertSource, renderDetail } from "./alerts.js";
import { bucketName, lagChart, stackedChart, timeChart, windowName } from "./charts.js";
import { KINDS, TOKEN_KEY, absolute, authHeaders, el, relative, svg, time, toll } from "./dom.js";
import { HistoryView } from "./history.js";
import { WorldMap } from "./map.js";
import { FeedManager } from "./feeds.js";
import { Silences } from "./silences.js";
import { Subscriptions } from "./subscriptions.js";

const REFRESH_MS = 5000;
// Subscriptions and silences change only when someone changes them: read less often.
const CONFIG_REFRESH_MS = 30000;
const STATS = [
  ["items", "items"],
  ["detections", "detections"],
  ["alerts", "alerts"],
  ["deliveries", "deliveries"],
  ["dead", "dead letters"],
];
// What the footer calls each URL of the stack (`metrics_<process>` for the rest).
const URL_LABELS = { status: "this page", demo_feeds: "demo feeds", metrics_broker: "broker metrics" };

// Per-minute counts as bars on a square-root scale: one burst (a feed's first poll) no longer
// flattens every other minute to nothing; any non-zero minute stays visible.
export function sparkline(counts) {
  const width = 180;
  const height = 36;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "spark", role: "img" });
  const peak = Math.max(1, ...counts);
  const step = width / Math.max(1, counts.length);
  counts.forEach((count, i) => {
    if (!count) return;
    const tall = Math.max(2, Math.sqrt(count / peak) * (height - 2));
    chart.append(
      svg("rect", { x: (i * step).toFixed(1), y: (height - tall).toFixed(1), width: Math.max(1, step - 0.6).toFixed(1), height: tall.toFixed(1), class: "bar" }),
    );
  });
  chart.append(svg("line", { x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5, class: "base" }));
  const title = svg("title");
  title.textContent = `per minute, last ${counts.length} min; peak ${peak} (square-root scale)`;
  chart.append(title);
  return chart;
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
      el("div", { class: "axis" }, el("span", {}, "−60 min"), el("span", {}, total ? `peak ${Math.max(...counts)}/min` : ""), el("span", {}, "now")),
    );
  });
  document.getElementById("throughput-cards").replaceChildren(...cards);
}

const PIPELINE_CHARTS = [
  ["items", "Items read", "items"],
  ["detections", "Detections", "detections"],
  ["alerts", "Alerts", "alerts"],
];

function renderCharts(charts) {
  if (!charts || !charts.start) return;
  const per = `per ${bucketName(charts.bucket_s)}`;
  const figures = PIPELINE_CHARTS.map(([key, title, unit]) =>
    timeChart(key, `${title} ${per}`, unit, charts.pipeline.series[key] || [], charts.start, charts.bucket_s),
  );
  figures.push(stackedChart("outcomes", `Deliveries by outcome ${per}`, charts.outcomes.series, charts.start, charts.bucket_s));
  const minutes = charts.minutes || 24 * 60;
  const window = windowName(minutes);
  document.getElementById("day-title").textContent = `Last ${window.replace(/ h$/, " hours")}`;
  // A fresh stack: say why the charts cover less than a day.
  const note = document.getElementById("charts-window");
  note.hidden = minutes >= 24 * 60;
  note.textContent = `Nothing was counted before the last ${window}, so the charts show it ${per}; they widen to 24 h as counts build up.`;
  document.getElementById("day-charts").replaceChildren(...figures);
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
      el("td", {}, time(feed.next_poll_at, now, false)),
    ),
  );
  replaceRows("feeds", rows, "no feed polled yet", 9);
}

function renderAlerts(alerts, now) {
  const rows = alerts.map((alert) => {
    const place = alert.country ? `${alert.place} (${alert.country})` : alert.place;
    const sources = alert.sources.map((source) =>
      el("li", {}, source.url ? el("a", { href: source.url, rel: "noreferrer" }, source.source) : source.source, ` ${source.lang}`),
    );
    const row = el(
      "tr",
      { "data-alert-id": alert.id, "data-revision": alert.revision, class: "clickable", title: "show the detail" },
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
    row.addEventListener("click", (event) => {
      if (!event.target.closest("a")) openDetail(alert.id);
    });
    return row;
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
  document.getElementById("lag-chart").replaceChildren(lagChart(lag.groups));
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

export function urlLabel(name) {
  if (URL_LABELS[name]) return URL_LABELS[name];
  if (name.startsWith("metrics_")) return `${name.slice("metrics_".length)} metrics`;
  return name.replaceAll("_", " ");
}

function renderEndpoints(urls) {
  const links = Object.entries(urls)
    .sort()
    .map(([name, url]) => el("a", { href: url, title: url, "data-url": name }, urlLabel(name)));
  document.getElementById("endpoints").replaceChildren(...links);
}

function setConnection(state, text) {
  const node = document.getElementById("connection");
  node.dataset.state = state;
  node.textContent = text;
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
  configReadAt = 0;
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
    renderCharts(data.charts);
    renderFeeds(data.feeds, now);
    feedManager.refresh(now);
    renderAlerts(data.alerts, now);
    renderLag(data.lag, now);
    renderDead(data.dead, now);
    renderEndpoints(data.urls);
    await refreshAlerts(now);
    historyView.follow();
    if (Date.now() - configReadAt >= CONFIG_REFRESH_MS) {
      configReadAt = Date.now();
      subscriptions.refresh();
      silences.refresh(now);
    }
    document.getElementById("updated").textContent = `updated ${absolute(now)}`;
    setConnection("live", "live");
    document.body.dataset.loaded = "true";
  } catch (error) {
    setConnection("down", `unreachable: ${error.message}`);
  } finally {
    if (!locked) window.setTimeout(refresh, REFRESH_MS);
  }
}

// ---- the console: map, detail, subscriptions, silences ----

const source = new AlertSource();
let consoleAlerts = [];
let configReadAt = 0;
const map = new WorldMap(document.getElementById("map-section"), (id) => openDetail(id));
const subscriptions = new Subscriptions(document.getElementById("subscriptions-section"));
const silences = new Silences(document.getElementById("silences-section"));
const feedManager = new FeedManager(document.getElementById("feeds-section"));
const dialog = document.getElementById("alert-detail");
const historyView = new HistoryView(document.getElementById("history-section"), (row) => openDetail(row.id, row));

async function refreshAlerts(now) {
  try {
    const { from, alerts, more } = await source.list(now);
    consoleAlerts = alerts;
    map.update(alerts, now, more);
    document.getElementById("map-section").dataset.from = from;
  } catch (error) {
    document.querySelector("#map-section .map-note").textContent = `cannot read the alerts: ${error.message}`;
  }
}

// `given`: the row in hand (a History row); else the one the map and the latest alerts know.
async function openDetail(id, given) {
  const row = given || consoleAlerts.find((alert) => alert.id === id);
  if (!row) return;
  const alert = await source.detail(row);
  renderDetail(dialog.querySelector(".detail-body"), alert, Date.now() / 1000, (like) => {
    dialog.close();
    silences.prefill(like);
  });
  dialog.dataset.alertId = id;
  if (!dialog.open) dialog.showModal();
}

dialog.querySelector(".close").addEventListener("click", () => dialog.close());
dialog.addEventListener("click", (event) => {
  if (event.target === dialog) dialog.close();
});
document.addEventListener("vigie:token-refused", () => {
  if (document.getElementById("token-form").hidden) askForToken(window.sessionStorage.getItem(TOKEN_KEY) !== null);
});
document.getElementById("token-form").addEventListener("submit", onTokenSubmitted);
map
  .load()
  .catch((error) => {
    document.querySelector("#map-section .map-note").textContent = `cannot draw the map: ${error.message}`;
  })
  .finally(() => map.draw());
refresh();
