// The wall's screens, drawn for a 1080-pixel-high logical canvas and read from across a room:
// no text under 24 px. Each is built once from the core's answers (a build that fails is skipped
// by the playlist), updated in place with every live frame while it is shown, and refreshed in
// place (its answers asked for again) each time the playlist comes back to it.
import type { AlarmDto, LiveFrame, ParkMap, ParkSummary } from "../api/bindings";
import type { Gateway } from "../api/gateway";
import { h } from "../dom";
import { type Key, nameOf, num, t } from "../i18n";
import { colour as heat } from "../panels/heatmap/paint";
import { CARDS, cardValue } from "../panels/live/live";
import { renderMap, updateMapLive } from "../panels/map/map";
import { bar, bindingText } from "../panels/ops/format";
import { toSeries } from "../panels/trend/series";
import type { ScreenName } from "./playlist";

export interface WallContext {
  gateway: Gateway;
  summary: ParkSummary;
  map: ParkMap;
  frame: LiveFrame | null;
  /** The live state of the frame (live, stale, reconnecting). */
  state: string;
}

export interface WallScreen {
  el: HTMLElement;
  update(frame: LiveFrame, state: string): void;
  /** Ask for the screen's answers again and show them in place (screens drawn from the live
   * frame alone have none); a refresh that fails fails the screen. */
  refresh?(): Promise<void>;
  destroy(): void;
}

export const TITLE: Record<ScreenName, Key> = {
  kpis: "wall_kpis",
  map: "view_map",
  green: "wall_green",
  capacity: "view_capacity",
  centre: "wall_centre",
  alarms: "alarms_title",
};

/** Smallest text on the wall canvas, logical pixels. */
export const MIN_TEXT_PX = 24;

const pct = (ratio: number) => `${num(ratio * 100, 1)} %`;

export async function buildScreen(name: ScreenName, arg: string | null, ctx: WallContext): Promise<WallScreen> {
  switch (name) {
    case "kpis":
      return kpis(ctx);
    case "map":
      return mapScreen(ctx);
    case "green":
      return green(ctx);
    case "capacity":
      return capacity(ctx);
    case "centre":
      return centre(ctx, arg ?? "");
    case "alarms":
      return alarmsScreen(ctx);
  }
}

const SEVERITY: Record<string, Key> = { critical: "alarm_critical", major: "alarm_major", minor: "alarm_minor", warning: "alarm_warning" };

/** The alarms now, most severe first, read from across the room: what, where, since when, and
 * whether a person has acknowledged it. A wall only shows them: acknowledging is an operator's. */
function alarmsScreen(ctx: WallContext): WallScreen {
  const el = h("div", { class: "wall-alarms" });
  let shown = "";
  const render = (alarms: AlarmDto[]) => {
    const key = JSON.stringify(alarms.map((a) => [a.rule, a.target, a.active, a.acknowledged_by, a.shelved_until_s]));
    if (key === shown) return;
    shown = key;
    const listed = alarms.filter((a) => a.shelved_until_s === null);
    if (listed.length === 0) {
      el.replaceChildren(h("div", { class: "wall-tile wall-alarms-none", "data-quality": "live" }, h("span", { class: "wall-value" }, t("alarms_none"))));
      return;
    }
    const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: ctx.summary.time_zone });
    el.replaceChildren(
      ...listed.slice(0, 6).map((a) =>
        h(
          "div",
          { class: `wall-alarm wall-alarm-${a.severity}`, "data-rule": a.rule, "data-target": a.target, "data-active": String(a.active) },
          h("span", { class: "wall-alarm-severity" }, t(SEVERITY[a.severity] ?? "alarm_warning")),
          h("span", { class: "wall-alarm-name" }, nameOf(a.name)),
          h(
            "span",
            { class: "wall-alarm-meta" },
            `${a.target} · ${clock.format(new Date(a.raised_s * 1000))} · ${t(a.active ? "alarm_active" : "alarm_cleared")}${a.acknowledged_by !== null ? ` · ${t("alarm_acked_by")} ${a.acknowledged_by}` : ""}`,
          ),
        ),
      ),
      ...(listed.length > 6 ? [h("div", { class: "wall-alarm-more" }, `+${num(listed.length - 6)} ${t("alarms_more")}`)] : []),
    );
  };
  render(ctx.frame?.alarms ?? []);
  return { el, update: (frame) => render(frame.alarms), destroy() {} };
}

/** The park now in eight numbers, each with its quality. */
function kpis(ctx: WallContext): WallScreen {
  const { summary } = ctx;
  const values = new Map<string, HTMLElement>();
  const tiles = new Map<string, HTMLElement>();
  const tile = (id: string, label: string, unit: string) => {
    const value = h("span", { class: "wall-value" }, "—");
    values.set(id, value);
    const el = h("div", { class: "wall-tile", "data-kpi": id }, h("div", { class: "wall-label" }, label), h("div", {}, value, unit ? h("span", { class: "wall-unit" }, ` ${unit}`) : null), h("div", { class: "wall-note" }));
    tiles.set(id, el);
    return el;
  };
  const el = h(
    "div",
    { class: "wall-kpis" },
    ...CARDS.map((c) => tile(c.id, t(c.key), c.unit)),
    tile("pflops", t("kpi_compute"), "PFLOPS"),
  );
  (values.get("pflops") as HTMLElement).textContent = num(summary.pflops);
  (tiles.get("pflops") as HTMLElement).dataset.quality = "scenario";
  const update = (frame: LiveFrame, state: string) => {
    for (const card of CARDS) {
      const shown = cardValue(card, frame, state, summary.time_zone);
      (values.get(card.id) as HTMLElement).textContent = shown.text;
      const tile = tiles.get(card.id) as HTMLElement;
      tile.dataset.quality = shown.quality;
      const note = tile.querySelector(".wall-note");
      if (note && note.textContent !== shown.note) note.textContent = shown.note;
    }
  };
  if (ctx.frame) update(ctx.frame, ctx.state);
  return { el, update, destroy() {} };
}

/** The park map cropped to the park itself (the links to the east and the plants far out are
 * the desk screens'), its labels raised to wall size, secondary labels left out. */
function mapScreen(ctx: WallContext): WallScreen {
  const svg = renderMap(ctx.map);
  svg.classList.add("wall-map");
  const el = h("div", { class: "wall-map-stage" }, svg);
  let cropped = false;
  const crop = () => {
    const zones = [...svg.querySelectorAll<SVGGElement>("g.zone")].map((z) => z.getBBox());
    if (cropped || zones.length === 0) return;
    const x0 = Math.min(...zones.map((b) => b.x));
    const y0 = Math.min(...zones.map((b) => b.y));
    const x1 = Math.max(...zones.map((b) => b.x + b.width));
    const y1 = Math.max(...zones.map((b) => b.y + b.height));
    const pad = 0.06 * Math.max(x1 - x0, y1 - y0);
    svg.setAttribute("viewBox", `${x0 - pad} ${y0 - pad} ${x1 - x0 + 2 * pad} ${y1 - y0 + 2 * pad}`);
    cropped = true;
  };
  // Label size in the map's own units: MIN_TEXT_PX logical pixels at the map's drawn scale.
  const fit = () => {
    crop();
    const canvas = el.closest<HTMLElement>(".wall-canvas");
    const ctm = svg.getScreenCTM();
    const scale = Number(canvas?.dataset.scale ?? 1);
    if (!ctm || ctm.a === 0) return;
    svg.style.setProperty("--wall-text", `${(MIN_TEXT_PX * scale) / ctm.a}px`);
    declutter(svg);
  };
  const resize = new ResizeObserver(fit);
  resize.observe(el);
  // A centre's "stale since" note comes and goes with its feed: the labels are decluttered again
  // when one does (not every frame).
  const notes = () => [...svg.querySelectorAll(".centre-note")].map((n) => n.textContent).join("|");
  if (ctx.frame) updateMapLive(svg, ctx.frame, ctx.summary.time_zone);
  return {
    el,
    update(frame) {
      const before = notes();
      updateMapLive(svg, frame, ctx.summary.time_zone);
      if (notes() !== before) fit();
    },
    destroy() {
      resize.disconnect();
    },
  };
}

/** At wall size some labels would overlap: keep them in order of importance (each centre's
 * load, then its name, then the stations') and hide one that would cover a kept one. */
export function declutter(svg: SVGSVGElement): void {
  const order = [".centre-value", ".centre-label", ".centre-note", ".asset-label", ".substation-load", ".link-label"];
  const kept: DOMRect[] = [];
  const overlaps = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  for (const selector of order) {
    for (const text of svg.querySelectorAll<SVGTextElement>(selector)) {
      text.classList.remove("decluttered");
      const box = text.getBoundingClientRect();
      if (box.width === 0) continue;
      if (kept.some((k) => overlaps(k, box))) text.classList.add("decluttered");
      else kept.push(box);
    }
  }
}

/** Green power: the share now, today's both ways, and the last 24 hours. */
async function green(ctx: WallContext): Promise<WallScreen> {
  const fetch = () => Promise.all([ctx.gateway.call("park_ledger", {}), ctx.gateway.call("park_trend", { hours: 24 })]);
  const [[ledger, trend], { default: UPlot }] = await Promise.all([fetch(), import("uplot")]);
  const now = h("span", { class: "wall-value wall-green" }, "—");
  const market = h("span", { class: "wall-value" });
  const location = h("span", { class: "wall-value" });
  const chart = h("div", { class: "wall-chart" });
  const el = h(
    "div",
    { class: "wall-green-screen" },
    h(
      "div",
      { class: "wall-kpis wall-kpis-3" },
      h("div", { class: "wall-tile", "data-kpi": "green-now" }, h("div", { class: "wall-label" }, t("ov_green_now")), now),
      h("div", { class: "wall-tile", "data-quality": "store" }, h("div", { class: "wall-label" }, `${t("ledger_day")} · ${t("ledger_market")}`), market),
      h("div", { class: "wall-tile", "data-quality": "store" }, h("div", { class: "wall-label" }, `${t("ledger_day")} · ${t("ledger_location")}`), location),
    ),
    chart,
  );
  let series = toSeries(trend);
  const show = (day: typeof ledger.day) => {
    market.textContent = pct(day.green_share_market);
    location.textContent = pct(day.green_share_location);
  };
  show(ledger.day);
  const css = getComputedStyle(document.documentElement);
  const colour = (name: string) => css.getPropertyValue(name).trim() || "#888";
  const font = `${MIN_TEXT_PX}px "Suangu Sans", sans-serif`;
  const axis = { stroke: colour("--text-muted"), font, labelFont: font, size: 90, grid: { stroke: "rgba(147,164,195,0.15)" } };
  const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: ctx.summary.time_zone });
  let plot: uPlot | null = null;
  // Drawn once the chart has a size (never while the screen is hidden), then given new data.
  const draw = () => {
    if (plot || chart.clientWidth === 0) return;
    plot = new UPlot(
      {
        width: chart.clientWidth,
        height: chart.clientHeight,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, pct: { range: [0, 100] } },
        axes: [
          { ...axis, values: (_u, splits) => splits.map((v) => clock.format(new Date(v * 1000))) },
          { ...axis, scale: "mw", label: "MW", labelSize: 40 },
          { ...axis, scale: "pct", side: 1, label: "%", labelSize: 40, grid: { show: false } },
        ],
        series: [{}, { scale: "mw", stroke: colour("--operating"), width: 4 }, { scale: "pct", stroke: colour("--green"), width: 4, fill: "rgba(0,158,115,0.15)" }],
      },
      series,
      chart,
    );
  };
  const resize = new ResizeObserver(draw);
  resize.observe(chart);
  const update = (frame: LiveFrame) => {
    now.textContent = Number.isFinite(frame.green_share_now) ? pct(frame.green_share_now) : "—";
  };
  if (ctx.frame) update(ctx.frame);
  return {
    el,
    update,
    async refresh() {
      const [ledger, trend] = await fetch();
      show(ledger.day);
      series = toSeries(trend);
      plot?.setData(series);
    },
    destroy() {
      resize.disconnect();
      plot?.destroy();
    },
  };
}

/** Headroom of every centre, the binding constraint named. */
async function capacity(ctx: WallContext): Promise<WallScreen> {
  const names = new Map(ctx.map.centres.map((c) => [c.id, nameOf(c.label)]));
  const el = h("div", { class: "wall-capacity" });
  const fill = async () => {
    const cap = await ctx.gateway.call("park_capacity", {});
    el.replaceChildren(
      h("div", { class: "wall-tile wall-wide", "data-quality": "live" }, h("div", { class: "wall-label" }, t("cap_park")), h("span", { class: "wall-value" }, `${num(cap.headroom_mw, 1)} MW`)),
      ...cap.centres.map((c) => {
        const b = bar(c);
        return h(
          "div",
          { class: `wall-cap-row${c.planned ? " planned" : ""}`, "data-centre": c.centre },
          h("span", { class: "wall-cap-name" }, names.get(c.centre) ?? c.centre),
          h("span", { class: "cap-bar" }, h("span", { class: "cap-used", style: `width:${b.used * 100}%` }), h("span", { class: "cap-free", style: `width:${b.headroom * 100}%` })),
          h("span", { class: "wall-cap-mw" }, `${num(c.it_mw, 1)} / ${num(c.it_capacity_mw, 1)} MW`),
          h("span", { class: "wall-cap-binding" }, bindingText(c)),
        );
      }),
    );
  };
  await fill();
  return { el, update() {}, refresh: fill, destroy() {} };
}

/** One centre: its load, its feeds, and its racks by power. */
async function centre(ctx: WallContext, id: string): Promise<WallScreen> {
  const name = nameOf(ctx.map.centres.find((c) => c.id === id)?.label ?? { zh: id, en: id });
  const el = h("div", { class: "wall-centre" });
  const fill = async () => {
    const d = await ctx.gateway.call("centre_detail", { centre: id });
    const scale = d.scales.find((x) => x.metric === "power_kw");
    const [lo, hi] = scale ? [scale.lo, scale.hi] : [0, 1];
    el.replaceChildren(
      h(
        "div",
        { class: "wall-kpis wall-kpis-3" },
        h("div", { class: "wall-tile" }, h("div", { class: "wall-label" }, name), h("span", { class: "wall-value" }, `${num(d.headroom.it_mw, 1)} / ${num(d.headroom.it_capacity_mw, 1)} MW`)),
        ...d.feeds.map((f) =>
          h(
            "div",
            { class: "wall-tile", "data-quality": f.energised ? "live" : "bad" },
            h("div", { class: "wall-label" }, `${f.feeder} (${f.side})`),
            h("span", { class: "wall-value" }, f.energised ? `${num(f.load_mw, 1)} MW` : t("cap_no_supply")),
          ),
        ),
      ),
      h(
        "div",
        { class: "wall-halls" },
        ...d.halls.map((hall) =>
          h(
            "div",
            { class: "wall-hall" },
            ...Array.from({ length: hall.rows }, (_, r) =>
              h(
                "div",
                { class: "rack-row" },
                ...Array.from({ length: hall.racks_per_row }, (_, k) => {
                  const v = hall.power_kw[r * hall.racks_per_row + k];
                  return h("span", { class: "rack", style: v === undefined ? "" : `background:rgb(${heat((v - lo) / (hi - lo || 1)).join(",")})` });
                }),
              ),
            ),
          ),
        ),
      ),
    );
  };
  await fill();
  return { el, update() {}, refresh: fill, destroy() {} };
}
