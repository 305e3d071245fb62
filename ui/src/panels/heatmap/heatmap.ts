// The rack heatmap: every physical rack of the park as one cell, each centre a labelled block,
// coloured by power, inlet temperature or utilisation; now, or at the instant the trend period
// ends. One canvas, painted from an RGBA buffer and scaled by CSS.
import type { Heatmap, MapCentre, RackMetricName } from "../../api/bindings";
import { h } from "../../dom";
import { type Key, lang, nameOf, num, t } from "../../i18n";
import { fromHeatmap, type HeatmapFrame, paintFrame, palette } from "./frame";
import { colour } from "./paint";

export interface HeatmapPanel {
  el: HTMLElement;
  /** The layout (centre blocks, labels) and the racks' values, from the JSON answer. */
  setData(heatmap: Heatmap): void;
  /** New values for the same layout: the binary frame of every live update. */
  setFrame(frame: HeatmapFrame): void;
  /** Whether the layout is known (frames can be painted). */
  ready(): boolean;
  destroy(): void;
}

export const METRICS: RackMetricName[] = ["power_kw", "inlet_c", "utilisation_pct"];
export const METRIC_KEY: Record<RackMetricName, Key> = {
  power_kw: "heatmap_power",
  inlet_c: "heatmap_inlet",
  utilisation_pct: "heatmap_utilisation",
};
export const UNIT: Record<RackMetricName, string> = { power_kw: "kW", inlet_c: "°C", utilisation_pct: "%" };
const NO_DATA: [number, number, number] = [72, 80, 96];
const LUT = palette(NO_DATA);

export function heatmapPanel(
  centres: MapCentre[],
  metric: RackMetricName,
  timeZone: string,
  onMetric: (m: RackMetricName) => void,
): HeatmapPanel {
  const label = new Map(centres.map((c) => [c.id, nameOf(c.label)]));
  const buttons = METRICS.map((m) => {
    const b = h(
      "button",
      { type: "button", class: "period", "data-testid": `heatmap-metric-${m}`, "aria-pressed": String(m === metric) },
      t(METRIC_KEY[m]),
    );
    b.addEventListener("click", () => onMetric(m));
    return b;
  });
  const status = h("span", { class: "heatmap-status", "data-testid": "heatmap-status" }, t("loading"));
  const canvas = h("canvas", { class: "heatmap-canvas", "aria-label": t("heatmap_title") });
  const labels = h("div", { class: "heatmap-labels" });
  const stage = h("div", { class: "heatmap-stage" }, canvas, labels);
  const legend = h("div", { class: "heatmap-legend" });
  const el = h(
    "section",
    { class: "heatmap-view", "data-testid": "heatmap", "data-metric": metric },
    h("div", { class: "heatmap-head" }, h("div", { class: "periods", role: "group" }, ...buttons), status),
    stage,
    legend,
  );
  // Made once: a formatter costs more to build than a frame to paint.
  const stamp = new Intl.DateTimeFormat(lang(), { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone });
  let current: Heatmap | null = null;
  let laidOut: Heatmap | null = null;
  let image: ImageData | null = null;

  const layout = () => {
    if (!current || stage.clientWidth === 0) return;
    const k = Math.max(0.1, Math.min(stage.clientWidth / current.width, stage.clientHeight / current.height));
    canvas.style.width = `${current.width * k}px`;
    canvas.style.height = `${current.height * k}px`;
    labels.replaceChildren(
      // A planned centre: its halls outlined, dashed, like the map draws it.
      ...current.blocks
        .filter((b) => b.planned)
        .flatMap((b) =>
          b.halls.map((r) =>
            h("span", { class: "heatmap-planned", style: `left:${r.x * k}px;top:${r.y * k}px;width:${r.w * k}px;height:${r.h * k}px` }),
          ),
        ),
      ...current.blocks.map((b) =>
        h(
          "span",
          {
            class: b.planned ? "heatmap-label planned" : "heatmap-label",
            style: `left:${b.x * k}px;top:${b.y * k}px;width:${b.w * k}px`,
          },
          `${label.get(b.centre) ?? b.centre}${b.planned ? ` · ${t("legend_planned")}` : ""}`,
        ),
      ),
    );
  };
  const resize = new ResizeObserver(layout);
  resize.observe(stage);

  return {
    el,
    setData(heatmap) {
      current = heatmap;
      this.setFrame(fromHeatmap(heatmap));
    },
    setFrame(frame) {
      if (!current) return;
      if (canvas.width !== frame.width || canvas.height !== frame.height) {
        canvas.width = frame.width;
        canvas.height = frame.height;
        image = null;
      }
      const ctx = canvas.getContext("2d");
      const range: [number, number] = [frame.lo, frame.hi];
      if (ctx) {
        image ??= ctx.createImageData(frame.width, frame.height);
        paintFrame(frame, LUT, new Uint32Array(image.data.buffer));
        ctx.putImageData(image, 0, 0);
      }
      const unit = UNIT[frame.metric];
      const legendKey = `${frame.metric}/${range[0]}/${range[1]}/${lang()}`;
      if (legend.dataset.key !== legendKey) {
        legend.dataset.key = legendKey;
        const stops = [0, 0.25, 0.5, 0.75, 1].map((s) => `rgb(${colour(s).join(",")}) ${s * 100}%`).join(",");
        legend.replaceChildren(
          h("span", {}, `${num(range[0])} ${unit}`),
          h("span", { class: "heatmap-bar", style: `background:linear-gradient(90deg,${stops})` }),
          h("span", {}, `${num(range[1])} ${unit}`),
          h("span", { class: "heatmap-swatch", style: `background:rgb(${NO_DATA.join(",")})` }),
          h("span", {}, t("heatmap_no_data")),
        );
      }
      const when = frame.at_s === null ? "--" : stamp.format(new Date(frame.at_s * 1000));
      const source = t(frame.source === "live" ? "heatmap_live" : "heatmap_history");
      status.textContent =
        frame.source === "raw" && frame.racks_with_data === 0
          ? `${source} ${when}: ${t("heatmap_none_recorded")}`
          : `${source} ${when} · ${num(frame.racks_with_data)} / ${num(frame.racks)} ${t("heatmap_racks")}`;
      el.dataset.source = frame.source;
      el.dataset.racks = String(frame.racks);
      el.dataset.withData = String(frame.racks_with_data);
      el.dataset.at = frame.at_s === null ? "" : String(frame.at_s);
      if (laidOut !== current) {
        laidOut = current;
        layout();
      }
    },
    ready() {
      return current !== null;
    },
    destroy() {
      resize.disconnect();
    },
  };
}
