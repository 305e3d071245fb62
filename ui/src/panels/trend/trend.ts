// Park load and green share over a chosen period, from the store: 1 h point by point from the
// raw store, 24 h and 7 days as 15-minute intervals; up to now or up to any past instant. One
// uPlot instance per panel, updated in place with setData; destroyed when the panel is rebuilt.
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { h } from "../../dom";
import { type Key, lang, t } from "../../i18n";
import { type Period, type Series, toLocalValue, zonedToUnix } from "./series";

/** HH:MM in the park's time zone and language, with the date for periods over a day and the
 * seconds for the raw hour. */
function clock(unixSeconds: number, timeZone: string, hours: number): string {
  return new Intl.DateTimeFormat(lang(), {
    ...(hours > 24 ? { month: "2-digit", day: "2-digit" } : {}),
    ...(hours === 1 ? { second: "2-digit" } : {}),
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
    timeZone,
  }).format(new Date(unixSeconds * 1000));
}

export interface TrendPanel {
  el: HTMLElement;
  setData(series: Series, level: "raw" | "interval"): void;
  destroy(): void;
}

const TITLES: Record<Period["hours"], Key> = { 1: "trend_1h", 24: "trend_24h", 168: "trend_7d" };

export function trendPanel(timeZone: string, period: Period, onPeriod: (p: Period) => void): TrendPanel {
  const chart = h("div", { class: "trend-chart", "data-testid": "trend" });
  const choose = (hours: Period["hours"]) =>
    h(
      "button",
      {
        type: "button",
        class: "period",
        "data-testid": `period-${hours}`,
        "aria-pressed": String(period.hours === hours),
      },
      t(TITLES[hours]),
    );
  const buttons = ([1, 24, 168] as const).map((hours) => {
    const b = choose(hours);
    b.addEventListener("click", () => onPeriod({ ...period, hours }));
    return b;
  });
  const until = h("input", {
    type: "datetime-local",
    class: "period-until",
    // Not restored by the browser on a reload: the period is the page's state, not the form's.
    autocomplete: "off",
    "data-testid": "period-until",
    "aria-label": t("trend_until"),
    value: period.until_s === null ? "" : toLocalValue(period.until_s, timeZone),
  });
  until.addEventListener("change", () => {
    const at = zonedToUnix(until.value, timeZone);
    if (at !== null) onPeriod({ ...period, until_s: at });
  });
  const now = h("button", { type: "button", class: "period", "data-testid": "period-live", "aria-pressed": String(period.until_s === null) }, t("trend_live"));
  now.addEventListener("click", () => onPeriod({ ...period, until_s: null }));
  const el = h(
    "section",
    { class: "trend-panel", "data-period": String(period.hours), "data-until": period.until_s === null ? "live" : String(period.until_s) },
    h(
      "div",
      { class: "trend-head" },
      h("h2", { class: "panel-title-inline" }, t("trend_title")),
      h("div", { class: "periods", role: "group", "aria-label": t("trend_title") }, ...buttons, now, until),
    ),
    chart,
  );
  const css = getComputedStyle(document.documentElement);
  const colour = (name: string) => css.getPropertyValue(name).trim() || "#888";
  const axis = { stroke: colour("--text-muted"), grid: { stroke: "rgba(147,164,195,0.15)" }, ticks: { stroke: "rgba(147,164,195,0.3)" } };
  let plot: uPlot | null = null;
  let pending: Series | null = null;

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
          { ...axis, values: (_u, splits) => splits.map((v) => clock(v, timeZone, period.hours)) },
          { ...axis, scale: "mw", label: "MW" },
          { ...axis, scale: "pct", side: 1, label: "%", grid: { show: false } },
        ],
        series: [
          { label: t("trend_time"), value: (_u, v) => (v === null ? "--" : clock(v, timeZone, period.hours)) },
          { label: t("trend_facility"), scale: "mw", stroke: colour("--operating"), width: 2 },
          { label: t("trend_green"), scale: "pct", stroke: colour("--green"), width: 2, fill: "rgba(0,158,115,0.12)" },
        ],
      },
      pending ?? [[], [], []],
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
    setData(series, level) {
      pending = series;
      plot?.setData(series);
      el.dataset.points = String(series[0].length);
      el.dataset.level = level;
    },
    destroy() {
      destroyed = true;
      resize.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
}
