// Helpers shared by the console's modules: building nodes, times, and calls to the page's API.
// Text from the outside world (feeds, alerts, users) is only ever set as text, never as markup.
"use strict";

export const SVG_NS = "http://www.w3.org/2000/svg";
// The API token, when the stack has one: asked once, kept for this browser tab's session only.
export const TOKEN_KEY = "vigie.api_token";
export const KINDS = { city_capture: "capture", casualty_report: "casualties" };

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function svg(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  return node;
}

export function toSeconds(value) {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") return value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed / 1000;
}

export function absolute(value) {
  const seconds = toSeconds(value);
  return seconds ? new Date(seconds * 1000).toISOString().replace(".000", "") : "";
}

// A past moment (the default) is never "in 1 s": a second of clock skew between the server
// and the page reads "just now".
export function relative(value, now, past = true) {
  const seconds = toSeconds(value);
  if (seconds === null) return "—";
  const raw = Math.round(seconds - now);
  const delta = past ? Math.min(raw, 0) : raw;
  const size = Math.abs(delta);
  if (size < 1) return "just now";
  const text =
    size < 60
      ? `${size} s`
      : size < 3600
        ? `${Math.round(size / 60)} min`
        : size < 172800
          ? `${(size / 3600).toFixed(1)} h`
          : `${Math.round(size / 86400)} d`;
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

export function time(value, now, past = true) {
  const exact = absolute(value);
  return el("time", { datetime: exact, title: exact }, relative(value, now, past));
}

export function nowSeconds() {
  return Date.now() / 1000;
}

export function authHeaders() {
  const token = window.sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// One call to the stack: { status, ok, data } whatever happens; `status` 0 when unreachable.
// A 401 tells the page to ask for the token again (the `vigie:token-refused` event).
export async function call(path, { method = "GET", body } = {}) {
  const headers = { ...authHeaders() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    return { status: 0, ok: false, data: { detail: `unreachable: ${error.message}` } };
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.status === 401) document.dispatchEvent(new CustomEvent("vigie:token-refused"));
  return { status: response.status, ok: response.ok, data };
}

// Why an API call failed, in words for the page.
export function problem(answer) {
  if (answer.status === 503) return "The API is off: start the stack with VIGIE_API_TOKEN set to manage this here.";
  if (answer.status === 401) return "The API token is needed (asked above).";
  const detail = answer.data && (answer.data.detail || answer.data.error);
  return detail ? String(detail) : `HTTP ${answer.status}`;
}

export function toll(alert) {
  const parts = [];
  const about = alert.approximate ? "~" : "";
  if (alert.killed !== null && alert.killed !== undefined) parts.push(`${about}${alert.killed} killed`);
  if (alert.wounded !== null && alert.wounded !== undefined) parts.push(`${about}${alert.wounded} wounded`);
  return parts.join(", ") || "—";
}

// Each "field: message" of a 422 shown next to its field (`[data-error-for=field]`); the rest
// in the form's general error line. Returns how many were placed.
export function showFieldErrors(form, problems, fieldOf) {
  for (const node of form.querySelectorAll("[data-error-for]")) node.textContent = "";
  const general = [];
  for (const text of problems) {
    const field = fieldOf(text);
    const slot = field && form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (slot) slot.textContent = slot.textContent ? `${slot.textContent}; ${messageOf(text)}` : messageOf(text);
    else general.push(text);
  }
  const line = form.querySelector(".form-error");
  if (line) line.textContent = general.join("; ");
}

// "countries.0: ..." or "channel: ..." -> the form field the problem belongs to.
export function fieldOf(text) {
  return text.split(":")[0].split(".")[0].trim();
}

export function messageOf(text) {
  const at = text.indexOf(": ");
  return at >= 0 ? text.slice(at + 2) : text;
}

export function splitList(text) {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

// Read a list from the API for a section: its data, or null after saying why in `note`
// (the section's `data-state` says which: ready or unavailable).
export async function readList(section, note, path) {
  const answer = await call(path);
  section.dataset.state = answer.ok ? "ready" : "unavailable";
  note.textContent = answer.ok ? "" : problem(answer);
  return answer.ok ? answer.data : null;
}
