// The 24 h trend of park load and green share, from the store. One uPlot instance per panel,
// updated in place with setData; destroyed when the panel is rebuilt.
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Trend } from "../../api/bindings";
import { h } from "../../dom";
import { lang, t } from "../../i18n";

/** HH:MM in the park's time zone and the current language. */
function clock(unixSeconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat(lang(), { hour: "2-digit", minute: "2-digit", hour12: false, timeZone }).format(
    new Date(unixSeconds * 1000),
  );
}
import { toSeries } from "./series";

export interface TrendPanel {
  el: HTMLElement;
  setData(trend: Trend): void;
  destroy(): void;
}

export function trendPanel(timeZone: string): TrendPanel {
  const chart = h("div", { class: "trend-chart", "data-testid": "trend" });
  const el = h("section", { class: "trend-panel" }, h("h2", { class: "panel-title-inline" }, t("trend_title")), chart);
  const css = getComputedStyle(document.documentElement);
  const colour = (name: string) => css.getPropertyValue(name).trim() || "#888";
  const axis = { stroke: colour("--text-muted"), grid: { stroke: "rgba(147,164,195,0.15)" }, ticks: { stroke: "rgba(147,164,195,0.3)" } };
  let plot: uPlot | null = null;
  let pending: Trend | null = null;

  let building = false;
  let destroyed = false;
  const build = async () => {
    building = true;
    // Loaded on demand, after the locale guard, in its own chunk.
    const { default: UPlot } = await import("uplot");
    if (destroyed) return;
    const width = Math.max(200, chart.clientWidth);
    const height = Math.max(120, chart.clientHeight - 56);
    plot = new UPlot(
      {
        width,
        height,
        tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), timeZone),
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, pct: { range: [0, 100] } },
        axes: [
          { ...axis, values: (_u, splits) => splits.map((v) => clock(v, timeZone)) },
          { ...axis, scale: "mw", label: "MW" },
          { ...axis, scale: "pct", side: 1, label: "%", grid: { show: false } },
        ],
        series: [
          { label: t("trend_time"), value: (_u, v) => (v === null ? "--" : clock(v, timeZone)) },
          { label: t("trend_facility"), scale: "mw", stroke: colour("--operating"), width: 2 },
          { label: t("trend_green"), scale: "pct", stroke: colour("--green"), width: 2, fill: "rgba(0,158,115,0.12)" },
        ],
      },
      pending ? toSeries(pending) : [[], [], []],
      chart,
    );
  };

  const resize = new ResizeObserver(() => {
    if (!plot && !building && chart.clientWidth > 0) void build();
    else plot?.setSize({ width: Math.max(200, chart.clientWidth), height: Math.max(120, chart.clientHeight - 56) });
  });
  resize.observe(chart);

  return {
    el,
    setData(trend) {
      pending = trend;
      plot?.setData(toSeries(trend));
      el.dataset.points = String(trend.points.length);
    },
    destroy() {
      destroyed = true;
      resize.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
}
