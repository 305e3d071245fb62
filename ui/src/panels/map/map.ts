// The park map: zones, roads and axes, computing centres (by status and supply), substations
// and feeders, green plants and grid connections, and network links to the eastern regions.
// Drawn as SVG in park coordinates so it stays crisp from a laptop to a 4K wall.
import type { LiveFrame, MapCentre, ParkMap, PlantKind, Supply } from "../../api/bindings";
import { s } from "../../dom";
import { type Key, nameOf, num, t } from "../../i18n";
import { qualityNote } from "../live/live";
import { edgePoint, type Frame, frame, polygonPoints, type Screen, toScreen, topLeft } from "./layout";

const SUPPLY_KEY: Record<Supply, Key> = {
  redundant: "supply_redundant",
  single_fed: "supply_single_fed",
  redundancy_lost: "supply_redundancy_lost",
  lost: "supply_lost",
};

const PLANT_KEY: Record<PlantKind, Key> = { wind: "legend_wind", pv: "legend_pv", storage: "legend_storage" };
const PLANT_GLYPH: Record<PlantKind, Key> = { wind: "glyph_wind", pv: "glyph_pv", storage: "glyph_storage" };

export function renderMap(map: ParkMap): SVGSVGElement {
  const f = frame(map.bounds_m);
  const L = f.label;
  const pt = (p: readonly [number, number]) => toScreen(f, p);
  const root = s("svg", {
    class: "park-map",
    viewBox: f.viewBox.join(" "),
    preserveAspectRatio: "xMidYMid meet",
    role: "img",
    "aria-label": t("map_label"),
    "data-park": map.id,
  });

  // Base layer: park outline, zones, roads, axes, the plan's centres.
  const base = s("g", { class: "layer-base" });
  base.append(s("rect", { class: "park-outline", x: 0, y: 0, width: map.bounds_m[0], height: map.bounds_m[1] }));
  for (const zone of map.zones) {
    const [x, y] = pt(topLeft(zone.polygon_m));
    base.append(
      s(
        "g",
        { class: `zone zone-${zone.kind}`, "data-id": zone.id },
        s("polygon", { points: polygonPoints(f, zone.polygon_m) }),
        s("text", { class: "zone-label", x: x + L * 0.6, y: y + L * 1.5, "font-size": L * 1.05 }, nameOf(zone.name)),
      ),
    );
  }
  for (const road of map.roads) {
    const [x1, y1] = pt(road.from_m);
    const [x2, y2] = pt(road.to_m);
    base.append(s("line", { class: "road", x1, y1, x2, y2, "stroke-width": L * 0.35 }));
  }
  for (const axis of map.axes) {
    const [x1, y1] = pt(axis.from_m);
    const [x2, y2] = pt(axis.to_m);
    base.append(
      s("line", { class: "axis", x1, y1, x2, y2, "stroke-width": L * 0.22, "stroke-dasharray": `${L * 1.2} ${L * 0.6}` }),
    );
  }
  for (const core of map.cores) {
    const [cx, cy] = pt(core.at_m);
    base.append(
      s(
        "g",
        { class: "core", "data-id": core.id },
        s("circle", { cx, cy, r: core.radius_m, "stroke-width": L * 0.15 }),
        s("text", { class: "core-label", x: cx, y: cy + L * 0.35, "font-size": L * 0.9, "text-anchor": "middle" }, nameOf(core.name)),
      ),
    );
  }
  root.append(base);

  // Power layer: grid connections, substations, feeders to the centres they supply.
  const power = s("g", { class: "layer-power" });
  const stationAt = new Map(map.substations.map((st) => [st.id, pt(st.at_m)] as const));
  const gridAt = new Map(map.grid.map((g) => [g.id, edgePoint(f, g.bearing_deg, 0.3)] as const));
  const centreAt = new Map(map.centres.map((c) => [c.id, centreMiddle(f, c)] as const));
  for (const station of map.substations) {
    const at = stationAt.get(station.id);
    for (const up of station.upstream) {
      const from = gridAt.get(up) ?? stationAt.get(up);
      if (!from || !at) continue;
      power.append(line("supply-line", from, at, L * 0.18, !station.in_service));
    }
  }
  const feederPairs = new Map<string, { station: string; centre: string; inService: boolean; feeders: string[] }>();
  for (const feeder of map.feeders) {
    for (const centre of feeder.centres) {
      const key = `${feeder.substation}->${centre}`;
      const known = feederPairs.get(key);
      feederPairs.set(key, {
        station: feeder.substation,
        centre,
        inService: (known?.inService ?? false) || feeder.in_service,
        feeders: [...(known?.feeders ?? []), ...(feeder.in_service ? [feeder.id] : [])],
      });
    }
  }
  for (const { station, centre, inService, feeders } of feederPairs.values()) {
    const from = stationAt.get(station);
    const to = centreAt.get(centre);
    if (!from || !to) continue;
    const l = line("feeder", from, to, L * 0.1, !inService);
    // The in-service feeders this line stands for: the live overlay marks it when they drop.
    l.dataset.feeders = feeders.join(" ");
    power.append(l);
  }
  for (const g of map.grid) {
    const at = gridAt.get(g.id);
    if (!at) continue;
    power.append(
      s(
        "g",
        { class: "grid-node", "data-id": g.id, "data-in-service": String(g.in_service) },
        s("title", {}, `${nameOf(g.name)} · ${num(g.kv)} kV`),
        s("circle", { cx: at[0], cy: at[1], r: L * 0.8 }),
        s("text", { x: at[0], y: at[1] + L * 0.35, "font-size": L * 0.7, "text-anchor": "middle", class: "glyph" }, "⚡"),
        s("text", { class: "asset-label", x: at[0], y: at[1] + L * 2, "font-size": L * 0.8, "text-anchor": "middle" }, nameOf(g.name)),
      ),
    );
  }
  for (const station of map.substations) {
    const [x, y] = stationAt.get(station.id) ?? [0, 0];
    const size = L * 2.2;
    power.append(
      s(
        "g",
        { class: "substation", "data-id": station.id, "data-in-service": String(station.in_service) },
        s("title", {}, `${nameOf(station.name)} · ${num(station.kv)} kV · ${num(station.mva)} MVA · ${t(station.in_service ? "in_service" : "planned")}`),
        s("rect", { x: x - size / 2, y: y - size / 2, width: size, height: size, rx: L * 0.2, "stroke-width": L * 0.15 }),
        s("text", { class: "substation-kv", x, y: y + L * 0.35, "font-size": L * 0.75, "text-anchor": "middle" }, `${num(station.kv)}`),
        s("text", { class: "asset-label", x, y: y + size / 2 + L * 1.1, "font-size": L * 0.85, "text-anchor": "middle" }, nameOf(station.name)),
        s("text", { class: "substation-load", x, y: y + size / 2 + L * 2.1, "font-size": L * 0.8, "text-anchor": "middle" }, ""),
      ),
    );
  }
  root.append(power);

  // Green plants: on the map when they are on site, on the margin by bearing when not.
  const green = s("g", { class: "layer-green" });
  for (const plant of map.plants) {
    const at: Screen = plant.at_m
      ? pt(plant.at_m)
      : edgePoint(f, plant.off_site?.bearing_deg ?? 0, 0.5);
    const target = plant.behind_meter ? stationAt.get(plant.connects_to) : gridAt.get(plant.connects_to);
    if (target) green.append(line("green-line", at, target, L * 0.14, !plant.in_service));
    const capacity =
      plant.energy_mwh === null
        ? `${num(plant.capacity_mw)} ${t("unit_mw")}`
        : `${num(plant.capacity_mw)} ${t("unit_mw")} / ${num(plant.energy_mwh)} MWh`;
    green.append(
      s(
        "g",
        { class: `plant plant-${plant.kind}`, "data-id": plant.id, "data-in-service": String(plant.in_service) },
        s("title", {}, `${nameOf(plant.name)} · ${t(PLANT_KEY[plant.kind])} · ${capacity}`),
        s("circle", { cx: at[0], cy: at[1], r: L * 1.1, "stroke-width": L * 0.15 }),
        s(
          "text",
          { class: "glyph", x: at[0], y: at[1] + L * 0.38, "font-size": L * 0.95, "text-anchor": "middle" },
          t(PLANT_GLYPH[plant.kind]),
        ),
        s("text", { class: "asset-label", x: at[0], y: at[1] + L * 2.3, "font-size": L * 0.85, "text-anchor": "middle" }, nameOf(plant.name)),
        s("text", { class: "asset-value", x: at[0], y: at[1] + L * 3.3, "font-size": L * 0.8, "text-anchor": "middle" }, capacity),
      ),
    );
  }
  root.append(green);

  // Network: an arrow from the park's edge toward each region, labelled with latency and ring.
  const net = s("g", { class: "layer-network" });
  for (const region of map.regions) {
    const start = edgePoint(f, region.bearing_deg, 0.04);
    const end = edgePoint(f, region.bearing_deg, 0.6);
    const ring = region.ring_ms === null ? "" : ` · ${t("ring")} ${num(region.ring_ms)}`;
    net.append(
      s(
        "g",
        { class: `link link-${region.kind}`, "data-id": region.id },
        s("title", {}, `${nameOf(region.name)} · ${num(region.latency_ms, 1)} ${t("ms")}${ring}`),
        s("line", { x1: start[0], y1: start[1], x2: end[0], y2: end[1], "stroke-width": L * 0.15, "marker-end": "url(#arrow)" }),
        s("text", { class: "link-label", x: end[0], y: end[1] - L * 1.6, "font-size": L * 0.9, "text-anchor": "middle" }, nameOf(region.name)),
        s("text", { class: "link-value", x: end[0], y: end[1] - L * 0.5, "font-size": L * 0.8, "text-anchor": "middle" }, `${num(region.latency_ms, 1)} ${t("ms")}${ring}`),
      ),
    );
  }
  root.append(
    s(
      "defs",
      {},
      s(
        "marker",
        { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" },
        s("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }),
      ),
    ),
  );
  root.append(net);

  // Centres on top: the things command staff look for.
  const centres = s("g", { class: "layer-centres" });
  for (const c of map.centres) centres.append(centre(f, c));
  root.append(centres);
  return root;
}

function centreMiddle(f: Frame, c: MapCentre): Screen {
  const [x, y] = toScreen(f, [c.at_m[0] + c.size_m[0] / 2, c.at_m[1] + c.size_m[1] / 2]);
  return [x, y];
}

function centre(f: Frame, c: MapCentre): SVGGElement {
  const L = f.label;
  // Footprint's north-west corner on screen (y flipped).
  const [x, y] = toScreen(f, [c.at_m[0], c.at_m[1] + c.size_m[1]]);
  const [w, h] = c.size_m;
  const detail = [
    nameOf(c.name),
    nameOf(c.operator),
    `${num(c.standard_racks)} ${t("kpi_standard_racks")} · ${num(c.it_capacity_mw, 1)} ${t("unit_mw")} · ${num(c.pflops)} PFLOPS`,
    `${t(c.status === "planned" ? "planned" : "in_service")} · ${t(SUPPLY_KEY[c.supply])}`,
  ].join("\n");
  return s(
    "g",
    {
      class: `centre status-${c.status} supply-${c.supply}`,
      "data-id": c.id,
      "data-status": c.status,
      "data-supply": c.supply,
      "data-name": nameOf(c.name),
      tabindex: 0,
    },
    s("title", {}, detail),
    s("rect", { x, y, width: w, height: h, rx: L * 0.25, "stroke-width": L * 0.18 }),
    s("text", { class: "centre-label", x: x + w / 2, y: y + h + L * 1.2, "font-size": L, "text-anchor": "middle" }, nameOf(c.label)),
    s(
      "text",
      { class: "centre-value", x: x + w / 2, y: y + h / 2 + L * 0.35, "font-size": L * 0.85, "text-anchor": "middle" },
      `${num(c.pflops)} P`,
    ),
    // "stale since …" under the value, when its load's feed has stopped.
    s("text", { class: "centre-note", x: x + w / 2, y: y + h / 2 + L * 1.35, "font-size": L * 0.7, "text-anchor": "middle" }, ""),
  );
}

function line(cls: string, [x1, y1]: Screen, [x2, y2]: Screen, width: number, planned: boolean): SVGLineElement {
  return s("line", {
    class: `${cls}${planned ? " planned" : ""}`,
    x1,
    y1,
    x2,
    y2,
    "stroke-width": width,
    "stroke-dasharray": planned ? `${width * 6} ${width * 4}` : undefined,
  });
}

/** The legend: one entry per symbol on the map. */
export function renderLegend(): HTMLElement {
  const items: [string, Key][] = [
    ["operating", "legend_operating"],
    ["planned", "legend_planned"],
    ["substation", "legend_substation"],
    ["feeder", "legend_feeder"],
    ["wind", "legend_wind"],
    ["pv", "legend_pv"],
    ["storage", "legend_storage"],
    ["grid", "legend_grid"],
    ["link", "legend_link"],
    ["lost", "supply_lost"],
  ];
  const list = document.createElement("ul");
  list.className = "legend";
  for (const [cls, key] of items) {
    const li = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = `swatch swatch-${cls}`;
    li.append(swatch, t(key));
    list.append(li);
  }
  return list;
}

/** Live overlay: each centre's IT load and supply state, updated in place (the static map is
 * drawn once; a fault turns its building at once). A load that is not live says so on its
 * building: greyed "stale since" its last point (in the park's `timeZone`), or greyed "—" when
 * no source measures it. */
export function updateMapLive(root: SVGSVGElement, frame: LiveFrame, timeZone: string): void {
  // What a trip (fault or drill) has de-energised: feeder lines and substations light up.
  const down = new Set(frame.feeders_down);
  for (const l of root.querySelectorAll<SVGLineElement>("line.feeder[data-feeders]")) {
    const feeders = (l.dataset.feeders ?? "").split(" ").filter((f) => f !== "");
    const lost = feeders.filter((f) => down.has(f)).length;
    const state = lost === 0 ? "up" : lost === feeders.length ? "down" : "degraded";
    if (l.dataset.state !== state) l.dataset.state = state;
  }
  // Alarms light up their asset: the most severe active one decides.
  const rank = ["warning", "minor", "major", "critical"];
  const alarmed = new Map<string, string>();
  for (const a of frame.alarms) {
    if (!a.active || a.shelved_until_s !== null) continue;
    const was = alarmed.get(a.target);
    if (!was || rank.indexOf(a.severity) > rank.indexOf(was)) alarmed.set(a.target, a.severity);
  }
  for (const g of root.querySelectorAll<SVGGElement>("g.centre, g.substation")) {
    const severity = alarmed.get(g.dataset.id ?? "");
    if (severity === undefined) {
      if (g.dataset.alarm !== undefined) delete g.dataset.alarm;
    } else if (g.dataset.alarm !== severity) g.dataset.alarm = severity;
  }
  const stationsDown = new Set(frame.stations_down);
  for (const g of root.querySelectorAll<SVGGElement>("g.substation")) {
    const energised = String(!stationsDown.has(g.dataset.id ?? ""));
    if (g.dataset.energised !== energised) g.dataset.energised = energised;
  }
  for (const st of frame.substations) {
    const g = root.querySelector<SVGGElement>(`g.substation[data-id="${CSS.escape(st.id)}"]`);
    const load = g?.querySelector(".substation-load");
    if (!g || !load || g.dataset.inService !== "true") continue;
    if (g.dataset.quality !== st.quality) g.dataset.quality = st.quality;
    load.textContent = st.quality === "not_measured" || st.quality === "no_data" || !Number.isFinite(st.load_mw) ? "—" : `${num(st.load_mw, 1)} MW`;
  }
  for (const c of frame.centres) {
    const g = root.querySelector<SVGGElement>(`g.centre[data-id="${CSS.escape(c.id)}"]`);
    if (!g) continue;
    if (g.dataset.supply !== c.supply) {
      g.classList.remove(`supply-${g.dataset.supply ?? ""}`);
      g.classList.add(`supply-${c.supply}`);
      g.dataset.supply = c.supply;
    }
    if (g.dataset.status === "planned") continue;
    if (g.dataset.quality !== c.quality) g.dataset.quality = c.quality;
    const value = g.querySelector(".centre-value");
    if (value) value.textContent = c.quality === "not_measured" || c.quality === "no_data" || !Number.isFinite(c.it_mw) ? "—" : `${num(c.it_mw, 1)} MW`;
    const note = g.querySelector(".centre-note");
    // Not measured is the "—" alone (a note on every unfed building would bury the map); a fed
    // one that is stale, or has sent nothing yet, says so.
    const said = c.quality === "stale" || c.quality === "no_data" ? qualityNote(c.quality, c.stale_since, timeZone) : "";
    if (note && note.textContent !== said) note.textContent = said;
  }
}
