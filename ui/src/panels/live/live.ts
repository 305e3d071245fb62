// The live panel: the park now, in large type, updated in place on every frame, with the data's
// quality (live / stale since / connection state) always shown — never a silent old number.
import type { LiveFrame, Quality } from "../../api/bindings";
import type { LinkState } from "../../api/gateway";
import { h } from "../../dom";
import { type Key, num, t, time } from "../../i18n";

interface Card {
  key: Key;
  unit: string;
  /** The park series it shows (its own quality when the park is observed from its sources). */
  series: string;
  /** The number, in the card's unit. */
  raw: (f: LiveFrame) => number;
  digits: number;
  id: string;
}

/** The cards, as data. */
export const CARDS: Card[] = [
  { id: "facility", key: "live_facility", unit: "MW", series: "park/facility_kw", raw: (f) => f.facility_mw, digits: 1 },
  { id: "it", key: "live_it", unit: "MW", series: "park/it_kw", raw: (f) => f.it_mw, digits: 1 },
  { id: "green_share", key: "live_green_share", unit: "%", series: "park/green_share", raw: (f) => (Number.isFinite(f.green_share_now) ? f.green_share_now * 100 : Number.NaN), digits: 1 },
  { id: "pue", key: "live_pue", unit: "", series: "park/pue", raw: (f) => f.pue, digits: 3 },
  { id: "wind", key: "live_wind", unit: "MW", series: "park/wind_kw", raw: (f) => f.wind_mw, digits: 0 },
  { id: "pv", key: "live_pv", unit: "MW", series: "park/pv_kw", raw: (f) => f.pv_mw, digits: 0 },
  { id: "outdoor", key: "live_outdoor", unit: "°C", series: "park/outdoor_c", raw: (f) => f.outdoor_c, digits: 1 },
];

/** What a value's own quality says beside it: "stale since 10:15:00" (in the park's time zone),
 * "no data yet" (a source should feed it and has sent nothing), "not measured", or nothing while
 * it is live. */
export function qualityNote(quality: Quality, staleSince: string | null, timeZone: string): string {
  if (quality === "not_measured") return t("quality_not_measured");
  if (quality === "no_data") return t("quality_no_data");
  if (quality === "stale") return staleSince ? `${t("quality_stale")} ${t("quality_since")} ${time(staleSince, timeZone)}` : t("quality_stale");
  return "";
}

/** One card's text, quality and note. A series no source feeds is "not measured" ("—"); one a
 * source should feed but has sent nothing is "no data yet" ("—", flagged); one
 * whose feed stopped keeps its last number, greyed, "stale since" its last point (never frozen
 * as if live, never a zero); otherwise a number that is not a number is bad data, shown as such,
 * never as a zero or a blank that looks like one; else the frame's state. */
export function cardValue(card: Card, frame: LiveFrame, state: string, timeZone: string): { text: string; quality: string; note: string } {
  const own = frame.series.find((s) => s.series === card.series);
  const v = card.raw(frame);
  if (own?.quality === "not_measured" || own?.quality === "no_data") return { text: "—", quality: own.quality, note: qualityNote(own.quality, null, timeZone) };
  if (!Number.isFinite(v)) return { text: "—", quality: "bad", note: "" };
  if (own?.quality === "stale" && state !== "reconnecting") return { text: num(v, card.digits), quality: "stale", note: qualityNote(own.quality, own.stale_since, timeZone) };
  return { text: num(v, card.digits), quality: state, note: "" };
}

/** A quality badge element (live / stale since / reconnecting), for any panel of live data;
 * `asOfS` when the panel shows an answer computed at that (data) instant rather than the frame. */
export function qualityBadge(frame: LiveFrame | null, link: LinkState, timeZone: string, testid: string, asOfS?: number, replay = false): HTMLElement {
  const b = badge(frame, link, timeZone, replay);
  const instant = asOfS !== undefined ? new Date(asOfS * 1000).toISOString() : frame?.at;
  const at = instant ? ` · ${t("quality_as_of")} ${time(instant, timeZone)}` : "";
  return h("span", { class: "quality", "data-state": b.state, "data-testid": testid }, `${b.text}${at}`);
}

/** What the quality badge says; in replay, that the picture is a recorded one, and when. */
export function badge(frame: LiveFrame | null, link: LinkState, timeZone: string, replay = false): { text: string; state: string } {
  if (replay) return frame ? { text: `${t("replay")} ${time(frame.at, timeZone)}`, state: "replay" } : { text: t("replay_none"), state: "bad" };
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
  update(frame: LiveFrame | null, link: LinkState, replay?: boolean): void;
}

export function livePanel(timeZone: string): LivePanel {
  const values = new Map<string, HTMLElement>();
  const items = new Map<string, HTMLElement>();
  const notes = new Map<string, HTMLElement>();
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
        const note = h("div", { class: "live-note", "data-testid": `live-note-${card.id}` });
        notes.set(card.id, note);
        const item = h(
          "li",
          { class: "live-card", "data-live": card.id },
          h("div", { class: "live-label" }, t(card.key)),
          h("div", {}, value, card.unit ? h("span", { class: "live-unit" }, ` ${card.unit}`) : null),
          note,
        );
        items.set(card.id, item);
        return item;
      }),
    ),
    h("div", { class: "live-foot" }, `${t("live_at")} `, at),
  );
  return {
    el,
    update(frame, link, replay = false) {
      const b = badge(frame, link, timeZone, replay);
      status.textContent = b.text;
      status.dataset.state = b.state;
      el.dataset.quality = b.state;
      if (!frame) {
        // No picture (not yet, or nothing recorded at a replayed instant): no numbers at all.
        for (const v of values.values()) v.textContent = "—";
        for (const n of notes.values()) n.textContent = "";
        at.textContent = "—";
        return;
      }
      for (const card of CARDS) {
        const shown = cardValue(card, frame, b.state, timeZone);
        const v = values.get(card.id);
        if (v) v.textContent = shown.text;
        const n = notes.get(card.id);
        if (n && n.textContent !== shown.note) n.textContent = shown.note;
        const item = items.get(card.id);
        if (item) {
          item.dataset.quality = shown.quality;
          item.title = shown.quality === "bad" ? t("quality_bad") : shown.note;
        }
      }
      at.textContent = time(frame.at, timeZone);
    },
  };
}
