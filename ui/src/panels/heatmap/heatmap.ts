// The rack heatmap: every physical rack of the park as one cell, each centre a labelled block,
// coloured by power, inlet temperature or utilisation; now, or at the instant the trend period
// ends. One canvas, painted from an RGBA buffer and scaled by CSS.
import type { Heatmap, MapCentre, RackMetricName } from "../../api/bindings";
import { h } from "../../dom";
import { type Key, lang, nameOf, num, t } from "../../i18n";
import { colour, paint, scale } from "./paint";

export interface HeatmapPanel {
  el: HTMLElement;
  setData(heatmap: Heatmap): void;
  destroy(): void;
}

export const METRICS: RackMetricName[] = ["power_kw", "inlet_c", "utilisation_pct"];
const METRIC_KEY: Record<RackMetricName, Key> = {
  power_kw: "heatmap_power",
  inlet_c: "heatmap_inlet",
  utilisation_pct: "heatmap_utilisation",
};
const UNIT: Record<RackMetricName, string> = { power_kw: "kW", inlet_c: "°C", utilisation_pct: "%" };
const NO_DATA: [number, number, number] = [72, 80, 96];

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
  let current: Heatmap | null = null;

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
      canvas.width = heatmap.width;
      canvas.height = heatmap.height;
      const ctx = canvas.getContext("2d");
      const range = scale(heatmap.metric, heatmap.cells);
      if (ctx) {
        const image = ctx.createImageData(heatmap.width, heatmap.height);
        const inBlock = blockMask(heatmap);
        paint(heatmap.cells, range, (i) => inBlock[i] === 1, NO_DATA, image.data);
        ctx.putImageData(image, 0, 0);
      }
      const unit = UNIT[heatmap.metric];
      const stops = [0, 0.25, 0.5, 0.75, 1].map((s) => `rgb(${colour(s).join(",")}) ${s * 100}%`).join(",");
      legend.replaceChildren(
        h("span", {}, `${num(range[0])} ${unit}`),
        h("span", { class: "heatmap-bar", style: `background:linear-gradient(90deg,${stops})` }),
        h("span", {}, `${num(range[1])} ${unit}`),
        h("span", { class: "heatmap-swatch", style: `background:rgb(${NO_DATA.join(",")})` }),
        h("span", {}, t("heatmap_no_data")),
      );
      const when =
        heatmap.at_s === null
          ? "--"
          : new Intl.DateTimeFormat(lang(), {
              month: "2-digit",
              day: "2-digit",
              hour: "2-digit",
              minute: "2-digit",
              second: "2-digit",
              hour12: false,
              timeZone,
            }).format(new Date(heatmap.at_s * 1000));
      const source = t(heatmap.source === "live" ? "heatmap_live" : "heatmap_history");
      status.textContent =
        heatmap.source === "raw" && heatmap.racks_with_data === 0
          ? `${source} ${when}: ${t("heatmap_none_recorded")}`
          : `${source} ${when} · ${num(heatmap.racks_with_data)} / ${num(heatmap.racks)} ${t("heatmap_racks")}`;
      el.dataset.source = heatmap.source;
      el.dataset.racks = String(heatmap.racks);
      el.dataset.withData = String(heatmap.racks_with_data);
      el.dataset.at = heatmap.at_s === null ? "" : String(heatmap.at_s);
      layout();
    },
    destroy() {
      resize.disconnect();
    },
  };
}

/** 1 where a cell is a rack that should report (inside a hall of an operating centre); a
 * planned centre's racks are left clear, under its "planned" label. */
function blockMask(heatmap: Heatmap): Uint8Array {
  const mask = new Uint8Array(heatmap.width * heatmap.height);
  for (const b of heatmap.blocks) {
    if (b.planned) continue;
    for (const r of b.halls) {
      for (let y = r.y; y < r.y + r.h; y++) mask.fill(1, y * heatmap.width + r.x, y * heatmap.width + r.x + r.w);
    }
  }
  return mask;
}
