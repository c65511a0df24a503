// The console's charts as inline SVG: counts per 5 minutes over 24 h, or over the last hours
// only while nothing older was counted (the last hour per minute), as bars with a time axis and
// a value scale; deliveries by outcome (stacked); consumer lag per group (horizontal bars).
// Each chart has a title and a text summary for screen readers; nothing is loaded from outside.
"use strict";

import { el, svg } from "./dom.js";

const WIDTH = 720;
const HEIGHT = 150;
const LEFT = 44;
const BOTTOM = 20;
const TOP = 8;
// Time labels: the first step giving at most MAX_TICKS labels over the window.
const TICK_STEPS = [300, 600, 1800, 3600, 7200, 4 * 3600];
const MAX_TICKS = 6;

// "minute" or "5 minutes": what one bar of `bucketSeconds` stands for.
export function bucketName(bucketSeconds) {
  return bucketSeconds === 60 ? "minute" : `${Math.round(bucketSeconds / 60)} minutes`;
}

// "24 h", "hour", "15 minutes": a window of `minutes`.
export function windowName(minutes) {
  if (minutes === 60) return "hour";
  return minutes < 60 ? `${minutes} minutes` : `${Math.round(minutes / 60)} h`;
}

// The smallest 1, 2 or 5 times a power of ten at or above `value`: the top of the value scale.
export function niceCeiling(value) {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

// A scale value short enough for the left margin on a busy stack: 2,000 then 20k, 1.5M.
function compact(value) {
  if (value >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (value >= 1e4) return `${+(value / 1e3).toFixed(1)}k`;
  return value.toLocaleString("en");
}

function clock(seconds) {
  const date = new Date(seconds * 1000);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

function text(x, y, content, attrs) {
  const node = svg("text", { x: x.toFixed(1), y: y.toFixed(1), ...attrs });
  node.textContent = content;
  return node;
}

// The frame of a time chart: value scale (0, half, top) with grid lines, time labels at a step
// that fits the window, and the functions placing a bucket and a value.
function timeFrame(chart, start, bucketSeconds, buckets, top) {
  const plotWidth = WIDTH - LEFT - 4;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const y = (value) => TOP + plotHeight - (value / top) * plotHeight;
  for (const value of [0, top / 2, top]) {
    if (value !== Math.round(value)) continue;
    chart.append(svg("line", { x1: LEFT, x2: WIDTH - 4, y1: y(value).toFixed(1), y2: y(value).toFixed(1), class: value ? "grid" : "base" }));
    chart.append(text(LEFT - 6, y(value) + 4, compact(value), { class: "tick", "text-anchor": "end" }));
  }
  const step = plotWidth / buckets;
  const end = start + buckets * bucketSeconds;
  const span = buckets * bucketSeconds;
  const tick = TICK_STEPS.find((seconds) => span / seconds <= MAX_TICKS) || TICK_STEPS[TICK_STEPS.length - 1];
  for (let at = Math.ceil(start / tick) * tick; at <= end; at += tick) {
    const x = LEFT + ((at - start) / bucketSeconds) * step;
    chart.append(svg("line", { x1: x.toFixed(1), x2: x.toFixed(1), y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM + 4, class: "base" }));
    chart.append(text(x, HEIGHT - 5, clock(at), { class: "tick", "text-anchor": "middle" }));
  }
  return { step, y, plotHeight };
}

function figure(name, title, summary, chart) {
  const titleId = `chart-${name}-title`;
  const summaryId = `chart-${name}-summary`;
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-labelledby", `${titleId} ${summaryId}`);
  return el(
    "figure",
    { class: "chart", "data-chart": name },
    el("figcaption", { id: titleId }, title),
    chart,
    el("p", { class: "chart-summary", id: summaryId }, summary),
  );
}

function newChart(height) {
  return svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, class: "chart-svg" });
}

// One counter per bucket: `counts` oldest first, bucket `i` starting at start + i * bucketSeconds.
export function timeChart(name, title, unit, counts, start, bucketSeconds) {
  const chart = newChart(HEIGHT);
  const peak = Math.max(0, ...counts);
  const frame = timeFrame(chart, start, bucketSeconds, counts.length, niceCeiling(peak));
  counts.forEach((count, i) => {
    if (!count) return;
    const top = Math.min(frame.y(count), HEIGHT - BOTTOM - 2);
    const bar = svg("rect", { x: (LEFT + i * frame.step).toFixed(1), y: top.toFixed(1), width: Math.max(1, frame.step - 0.4).toFixed(2), height: (HEIGHT - BOTTOM - top).toFixed(1), class: "bar" });
    const tip = svg("title");
    tip.textContent = `${clock(start + i * bucketSeconds)}: ${count} ${unit}`;
    bar.append(tip);
    chart.append(bar);
  });
  const total = counts.reduce((sum, count) => sum + count, 0);
  const peakAt = counts.indexOf(peak);
  const window = windowName(Math.round((counts.length * bucketSeconds) / 60));
  const bucket = bucketName(bucketSeconds);
  const summary = total
    ? `${total.toLocaleString("en")} ${unit} in the last ${window}; busiest ${bucket}: ${peak} at ${clock(start + peakAt * bucketSeconds)}; last ${bucket}: ${counts[counts.length - 1] || 0}.`
    : `No ${unit} in the last ${window}.`;
  return figure(name, title, summary, chart);
}

// Several outcomes stacked per bucket, with a legend giving each outcome's total.
export function stackedChart(name, title, series, start, bucketSeconds) {
  const chart = newChart(HEIGHT);
  const labels = Object.keys(series);
  const buckets = Math.max(0, ...labels.map((label) => series[label].length));
  const sums = Array.from({ length: buckets }, (_, i) => labels.reduce((sum, label) => sum + (series[label][i] || 0), 0));
  const frame = timeFrame(chart, start, bucketSeconds, buckets, niceCeiling(Math.max(0, ...sums)));
  for (let i = 0; i < buckets; i += 1) {
    let base = 0;
    for (const label of labels) {
      const count = series[label][i] || 0;
      if (!count) continue;
      const low = frame.y(base);
      const high = Math.min(frame.y(base + count), low - 2);
      base += count;
      const bar = svg("rect", { x: (LEFT + i * frame.step).toFixed(1), y: high.toFixed(1), width: Math.max(1, frame.step - 0.4).toFixed(2), height: (low - high).toFixed(1), class: `bar outcome-${label}` });
      const tip = svg("title");
      tip.textContent = `${clock(start + i * bucketSeconds)}: ${count} ${label}`;
      bar.append(tip);
      chart.append(bar);
    }
  }
  const totals = labels.map((label) => [label, series[label].reduce((sum, count) => sum + count, 0)]);
  const legend = el(
    "ul",
    { class: "legend" },
    totals.map(([label, total]) => el("li", { "data-outcome": label }, el("span", { class: `swatch outcome-${label}` }), `${label} ${total.toLocaleString("en")}`)),
  );
  const spoken = totals.filter(([, total]) => total).map(([label, total]) => `${total} ${label}`);
  const window = windowName(Math.round((buckets * bucketSeconds) / 60));
  const summary = spoken.length ? `Last ${window}: ${spoken.join(", ")}.` : `No deliveries in the last ${window}.`;
  const node = figure(name, title, summary, chart);
  node.insertBefore(legend, node.querySelector(".chart-summary"));
  return node;
}

// One horizontal bar per consumer group, its value written beside it.
export function lagChart(groups) {
  const names = Object.keys(groups).sort();
  const row = 22;
  const width = 460;
  const height = Math.max(1, names.length) * row + 4;
  // Narrower than the time charts: it sits in a half-width column and its text stays legible.
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart-svg lag-svg" });
  const top = niceCeiling(Math.max(0, ...names.map((group) => groups[group].lag)));
  const labelWidth = 150;
  const plotWidth = width - labelWidth - 70;
  names.forEach((group, i) => {
    const lag = groups[group].lag;
    const y = 2 + i * row;
    chart.append(text(labelWidth - 8, y + 15, group, { class: "tick", "text-anchor": "end" }));
    const length = lag ? Math.max(2, (lag / top) * plotWidth) : 0;
    chart.append(svg("rect", { x: labelWidth, y: y + 3, width: length.toFixed(1), height: row - 6, class: "bar", "data-group": group }));
    chart.append(text(labelWidth + length + 6, y + 15, lag.toLocaleString("en"), { class: "value" }));
  });
  const total = names.reduce((sum, group) => sum + groups[group].lag, 0);
  const summary = names.length
    ? `${total.toLocaleString("en")} records waiting over ${names.length} groups: ${names.map((group) => `${group} ${groups[group].lag}`).join(", ")}.`
    : "Lag not measured yet.";
  return figure("lag", "Records waiting per consumer group", summary, chart);
}
