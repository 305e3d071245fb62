// The header: the park's name and date, and its totals in large type for a wall.
import type { ParkSummary } from "../../api/bindings";
import { h } from "../../dom";
import { date, type Key, nameOf, num, t } from "../../i18n";

export interface Tile {
  key: Key;
  value: string;
  unit: string;
  sub: string;
  id: string;
}

/** The tiles, as data (unit-tested without a DOM). */
export function tiles(s: ParkSummary): Tile[] {
  const inService = s.substations.filter((st) => st.in_service).length;
  const planned = s.substations.length - inService;
  return [
    {
      id: "centres",
      key: "kpi_centres",
      value: num(s.centres),
      unit: "",
      sub: `+${num(s.planned_centres)} ${t("kpi_planned")}`,
    },
    {
      id: "standard_racks",
      key: "kpi_standard_racks",
      value: num(s.standard_racks),
      unit: "",
      sub: `${t("kpi_target")} ${num(s.target_standard_racks)} · ${num(s.physical_racks)} ${t("kpi_physical_racks")}`,
    },
    {
      id: "it_capacity",
      key: "kpi_it_capacity",
      value: num(s.it_capacity_mw, 1),
      unit: t("unit_mw"),
      sub: `+${num(s.it_capacity_planned_mw, 1)} ${t("kpi_planned")}`,
    },
    {
      id: "pflops",
      key: "kpi_compute",
      value: num(s.pflops),
      unit: t("unit_pflops"),
      sub: `+${num(s.pflops_planned)} ${t("kpi_planned")} · ${t("kpi_target")} ${num(s.target_pflops)}`,
    },
    {
      id: "green",
      key: "kpi_green",
      value: num(s.green_capacity_mw),
      unit: t("unit_mw"),
      sub: `${t("kpi_storage")} ${num(s.storage_mw)} ${t("unit_mw")} / ${num(s.storage_mwh)} MWh`,
    },
    {
      id: "substations",
      key: "kpi_substations",
      value: num(inService),
      unit: "",
      sub: `${t("in_service")} · +${num(planned)} ${t("planned")}`,
    },
  ];
}

export function renderHeader(s: ParkSummary, onToggleLang: () => void): HTMLElement {
  const toggle = h(
    "button",
    { class: "lang-toggle", type: "button", "aria-label": t("language_switch_label"), "data-testid": "lang-toggle" },
    t("language_switch"),
  );
  toggle.addEventListener("click", onToggleLang);
  return h(
    "header",
    { class: "app-header" },
    h(
      "div",
      { class: "title-block" },
      h("div", { class: "app-title" }, t("app_title")),
      h("h1", { class: "park-name", "data-testid": "park-name" }, nameOf(s.name)),
      h("div", { class: "as-of" }, `${t("as_of")} ${date(s.date)} · ${s.time_zone}`),
    ),
    h(
      "ul",
      { class: "kpis" },
      ...tiles(s).map((tile) =>
        h(
          "li",
          { class: "kpi", "data-kpi": tile.id },
          h("div", { class: "kpi-label" }, t(tile.key)),
          h("div", { class: "kpi-value" }, tile.value, tile.unit ? h("span", { class: "kpi-unit" }, ` ${tile.unit}`) : null),
          h("div", { class: "kpi-sub" }, tile.sub),
        ),
      ),
    ),
    toggle,
  );
}
