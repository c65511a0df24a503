// The world map: Natural Earth country outlines (world/countries-110m.json, vendored) decoded
// from TopoJSON and drawn in the Natural Earth projection, with one point per alert.
"use strict";

import { KINDS, el, svg, toll } from "./dom.js";

const WORLD_URL = "static/world/countries-110m.json";
const SCALE = 160;
export const WINDOWS = { "24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400 };

// The Natural Earth projection (Šavrič, Jenny, Patterson, Petrovič, Hurni 2011): polynomials
// in the latitude, longitude scaled by them. Degrees in, screen units out (y down).
export function project(lon, lat) {
  const lambda = (lon * Math.PI) / 180;
  const phi = (lat * Math.PI) / 180;
  const phi2 = phi * phi;
  const phi4 = phi2 * phi2;
  const x = lambda * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)));
  const y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)));
  return [x * SCALE, -y * SCALE];
}

const HALF_WIDTH = project(180, 0)[0];
const HALF_HEIGHT = -project(0, 90)[1];

// TopoJSON arcs are quantized and delta-encoded: undo both to get longitudes and latitudes.
function decodeArcs(topology) {
  const [scaleX, scaleY] = topology.transform.scale;
  const [moveX, moveY] = topology.transform.translate;
  return topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * scaleX + moveX, y * scaleY + moveY];
    });
  });
}

// A ring is a list of arc indexes; a negative index ~i is arc i walked backwards.
function ringPoints(arcs, indexes) {
  const points = [];
  for (const index of indexes) {
    const arc = index >= 0 ? arcs[index] : arcs[~index].slice().reverse();
    points.push(...(points.length ? arc.slice(1) : arc));
  }
  return points;
}

function ringPath(points) {
  return (
    points
      .map(([lon, lat], i) => {
        const [x, y] = project(lon, lat);
        return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
      })
      .join("") + "Z"
  );
}

export function countryPaths(topology) {
  const arcs = decodeArcs(topology);
  return topology.objects.countries.geometries.map((geometry) => {
    const polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.type === "MultiPolygon" ? geometry.arcs : [];
    const d = polygons.map((rings) => rings.map((ring) => ringPath(ringPoints(arcs, ring))).join("")).join("");
    return { name: (geometry.properties && geometry.properties.name) || "", d };
  });
}

// Radius by toll: the area grows with the number of people, a capture without toll stays small.
export function radius(alert) {
  const people = (alert.killed || 0) + (alert.wounded || 0);
  return Math.min(22, 4 + 1.6 * Math.sqrt(people));
}

export class WorldMap {
  constructor(root, onSelect) {
    this.root = root;
    this.onSelect = onSelect;
    this.window = "24h";
    this.alerts = [];
    this.now = Date.now() / 1000;
    this.svg = svg("svg", {
      id: "map",
      viewBox: `${-HALF_WIDTH} ${-HALF_HEIGHT} ${2 * HALF_WIDTH} ${2 * HALF_HEIGHT}`,
      role: "img",
      "aria-label": "map of the alerts",
    });
    this.outline = svg("g", { class: "countries" });
    this.points = svg("g", { class: "points" });
    this.svg.append(this.sphere(), this.outline, this.points);
    root.querySelector(".map-frame").append(this.svg);
    for (const button of root.querySelectorAll("[data-window]")) {
      button.addEventListener("click", () => this.setWindow(button.dataset.window));
    }
  }

  sphere() {
    const edge = [];
    for (let lat = -90; lat <= 90; lat += 5) edge.push([180, lat]);
    for (let lat = 90; lat >= -90; lat -= 5) edge.push([-180, lat]);
    return svg("path", { class: "sphere", d: ringPath(edge) });
  }

  async load() {
    const response = await fetch(WORLD_URL);
    if (!response.ok) throw new Error(`world outlines: HTTP ${response.status}`);
    const topology = await response.json();
    for (const country of countryPaths(topology)) {
      const path = svg("path", { d: country.d, "data-country": country.name });
      path.append(svg("title"));
      path.lastChild.textContent = country.name;
      this.outline.append(path);
    }
    this.root.dataset.outlines = String(this.outline.childElementCount);
  }

  setWindow(name) {
    this.window = name;
    for (const button of this.root.querySelectorAll("[data-window]")) {
      button.setAttribute("aria-pressed", String(button.dataset.window === name));
    }
    this.draw();
  }

  // `more`: the history had more alerts in 30 d than were read (the newest are drawn).
  update(alerts, now, more = false) {
    this.alerts = alerts;
    this.more = more;
    this.now = now;
    this.draw();
  }

  draw() {
    const since = this.now - WINDOWS[this.window];
    const shown = this.alerts.filter((alert) => (alert.first_seen_s ?? 0) >= since);
    const placed = shown.filter((alert) => alert.lat !== null && alert.lon !== null);
    // Biggest first, so small points stay on top and clickable.
    placed.sort((a, b) => radius(b) - radius(a));
    const points = placed.map((alert) => {
      const [x, y] = project(alert.lon, alert.lat);
      const point = svg("circle", {
        cx: x.toFixed(1),
        cy: y.toFixed(1),
        r: radius(alert).toFixed(1),
        class: `point ${alert.kind} status-${alert.status || "reported"}${alert.silenced_by ? " silenced" : ""}`,
        "data-alert-id": alert.id,
        tabindex: 0,
      });
      const title = svg("title");
      title.textContent = `${alert.place} — ${KINDS[alert.kind] || alert.kind}, ${alert.status}, ${toll(alert)}`;
      point.append(title);
      point.addEventListener("click", () => this.onSelect(alert.id));
      point.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") this.onSelect(alert.id);
      });
      return point;
    });
    this.points.replaceChildren(...points);
    const missing = shown.length - placed.length;
    this.root.querySelector(".map-note").replaceChildren(
      el(
        "span",
        {},
        `${placed.length} alert${placed.length === 1 ? "" : "s"} on the map`,
        missing ? `, ${missing} without coordinates` : "",
        ` (last ${this.window}${this.more && this.window !== "24h" ? ", newest only" : ""}).`,
      ),
    );
  }
}
