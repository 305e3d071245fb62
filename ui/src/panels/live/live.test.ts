import { describe, expect, it } from "vitest";
import type { LiveFrame } from "../../api/bindings";
import { setLang } from "../../i18n";
import { CARDS, badge, cardValue } from "./live";

const frame: LiveFrame = {
  seq: 1,
  at: "2026-04-01T02:00:00Z",
  at_s: 1775008800,
  quality: "live",
  stale_since: null,
  it_mw: 190.04,
  facility_mw: 220.5,
  green_mw: 300,
  wind_mw: 250,
  pv_mw: 50,
  green_share_now: 1,
  pue: 1.1602,
  outdoor_c: 4.26,
  centres: [],
  zones: [],
  substations: [],
  series: [],
  links_down: [],
  stations_down: [],
  feeders_down: [],
  alarms: [],
};

describe("live panel", () => {
  it("formats every card", () => {
    setLang("en");
    const values = Object.fromEntries(CARDS.map((c) => [c.id, cardValue(c, frame, "live").text]));
    expect(values).toEqual({ facility: "220.5", it: "190", green_share: "100", pue: "1.16", wind: "250", pv: "50", outdoor: "4.3" });
  });

  it("shows a value that is not a number as bad data, never as a number", () => {
    const pue = CARDS.find((c) => c.id === "pue");
    if (!pue) throw new Error("no PUE card");
    expect(cardValue(pue, { ...frame, pue: Number.NaN }, "live")).toEqual({ text: "—", quality: "bad" });
    expect(cardValue(pue, { ...frame, pue: Number.POSITIVE_INFINITY }, "stale").quality).toBe("bad");
    expect(cardValue(pue, frame, "stale")).toEqual({ text: "1.16", quality: "stale" });
  });

  it("never shows an old number as live", () => {
    setLang("en");
    expect(badge(frame, "open", "Asia/Shanghai")).toEqual({ text: "live", state: "live" });
    expect(badge(frame, "reconnecting", "Asia/Shanghai").state).toBe("reconnecting");
    expect(badge(null, "connecting", "Asia/Shanghai").state).toBe("connecting");
    const stale = badge({ ...frame, quality: "stale", stale_since: "2026-04-01T02:00:00Z" }, "open", "Asia/Shanghai");
    expect(stale.state).toBe("stale");
    expect(stale.text).toBe("stale since 10:00:00");
    setLang("zh-CN");
    expect(badge(frame, "open", "Asia/Shanghai").text).toBe("实时");
  });
});
