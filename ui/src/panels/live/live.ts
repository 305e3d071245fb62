// The live panel: the park now, in large type, updated in place on every frame, with the data's
// quality (live / stale since / connection state) always shown — never a silent old number.
import type { LiveFrame } from "../../api/bindings";
import type { LinkState } from "../../api/gateway";
import { h } from "../../dom";
import { type Key, num, t, time } from "../../i18n";

interface Card {
  key: Key;
  unit: string;
  value: (f: LiveFrame) => string;
  id: string;
}

/** The cards, as data. */
export const CARDS: Card[] = [
  { id: "facility", key: "live_facility", unit: "MW", value: (f) => num(f.facility_mw, 1) },
  { id: "it", key: "live_it", unit: "MW", value: (f) => num(f.it_mw, 1) },
  { id: "green_share", key: "live_green_share", unit: "%", value: (f) => num(f.green_share_now * 100, 1) },
  { id: "pue", key: "live_pue", unit: "", value: (f) => num(f.pue, 3) },
  { id: "wind", key: "live_wind", unit: "MW", value: (f) => num(f.wind_mw, 0) },
  { id: "pv", key: "live_pv", unit: "MW", value: (f) => num(f.pv_mw, 0) },
  { id: "outdoor", key: "live_outdoor", unit: "°C", value: (f) => num(f.outdoor_c, 1) },
];

/** What the quality badge says. */
export function badge(frame: LiveFrame | null, link: LinkState, timeZone: string): { text: string; state: string } {
  if (link !== "open" && frame === null) {
    return { text: t(link === "connecting" ? "link_connecting" : "link_reconnecting"), state: link };
  }
  if (link === "reconnecting") return { text: t("link_reconnecting"), state: "reconnecting" };
  if (frame?.quality === "stale") {
    const since = frame.stale_since ? ` ${t("quality_since")} ${time(frame.stale_since, timeZone)}` : "";
    return { text: `${t("quality_stale")}${since}`, state: "stale" };
  }
  return { text: t("quality_live"), state: "live" };
}

export interface LivePanel {
  el: HTMLElement;
  update(frame: LiveFrame | null, link: LinkState): void;
}

export function livePanel(timeZone: string): LivePanel {
  const values = new Map<string, HTMLElement>();
  const status = h("span", { class: "quality", "data-testid": "live-quality" });
  const at = h("span", { class: "live-at", "data-testid": "live-at" });
  const el = h(
    "section",
    { class: "live-panel", "aria-live": "off" },
    h("h2", { class: "panel-title-inline" }, t("live_title"), " ", status),
    h(
      "ul",
      { class: "live-cards" },
      ...CARDS.map((card) => {
        const value = h("span", { class: "live-value" }, "—");
        values.set(card.id, value);
        return h(
          "li",
          { class: "live-card", "data-live": card.id },
          h("div", { class: "live-label" }, t(card.key)),
          h("div", {}, value, card.unit ? h("span", { class: "live-unit" }, ` ${card.unit}`) : null),
        );
      }),
    ),
    h("div", { class: "live-foot" }, `${t("live_at")} `, at),
  );
  return {
    el,
    update(frame, link) {
      const b = badge(frame, link, timeZone);
      status.textContent = b.text;
      status.dataset.state = b.state;
      el.dataset.quality = b.state;
      if (!frame) return;
      for (const card of CARDS) {
        const v = values.get(card.id);
        if (v) v.textContent = card.value(frame);
      }
      at.textContent = time(frame.at, timeZone);
    },
  };
}
