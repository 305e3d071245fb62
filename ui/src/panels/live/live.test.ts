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

const TZ = "Asia/Shanghai";

describe("live panel", () => {
  it("formats every card", () => {
    setLang("en");
    const values = Object.fromEntries(CARDS.map((c) => [c.id, cardValue(c, frame, "live", TZ).text]));
    expect(values).toEqual({ facility: "220.5", it: "190", green_share: "100", pue: "1.16", wind: "250", pv: "50", outdoor: "4.3" });
  });

  it("shows a value that is not a number as bad data, never as a number", () => {
    const pue = CARDS.find((c) => c.id === "pue");
    if (!pue) throw new Error("no PUE card");
    expect(cardValue(pue, { ...frame, pue: Number.NaN }, "live", TZ)).toEqual({ text: "—", quality: "bad", note: "" });
    expect(cardValue(pue, { ...frame, pue: Number.POSITIVE_INFINITY }, "stale", TZ).quality).toBe("bad");
    expect(cardValue(pue, frame, "stale", TZ)).toEqual({ text: "1.16", quality: "stale", note: "" });
    // No value at all (null on the wire) is no number either: never a 0.
    const share = CARDS.find((c) => c.id === "green_share");
    if (!share) throw new Error("no green share card");
    expect(cardValue(share, { ...frame, green_share_now: null as unknown as number }, "live", TZ).text).toBe("—");
  });

  it("greys a series whose feed stopped, since its last point, and says what is not measured", () => {
    setLang("en");
    const it = CARDS.find((c) => c.id === "it");
    const pue = CARDS.find((c) => c.id === "pue");
    if (!it || !pue) throw new Error("no card");
    const observed: LiveFrame = {
      ...frame,
      pue: Number.NaN,
      series: [
        { series: "park/it_kw", quality: "stale", stale_since: "2026-04-01T01:58:30Z" },
        { series: "park/pue", quality: "not_measured", stale_since: null },
        { series: "park/wind_kw", quality: "no_data", stale_since: null },
      ],
    };
    expect(cardValue(it, observed, "live", TZ)).toEqual({ text: "190", quality: "stale", note: "stale since 09:58:30" });
    expect(cardValue(pue, observed, "live", TZ)).toEqual({ text: "—", quality: "not_measured", note: "not measured" });
    // Fed by a source that has sent nothing: "—", flagged, never a number and never "not measured".
    const wind = CARDS.find((c) => c.id === "wind");
    if (!wind) throw new Error("no wind card");
    expect(cardValue(wind, { ...observed, wind_mw: Number.NaN }, "live", TZ)).toEqual({ text: "—", quality: "no_data", note: "no data yet" });
    // The others stay live; a lost link still says so first.
    expect(cardValue(CARDS[0] as (typeof CARDS)[number], observed, "live", TZ).quality).toBe("live");
    expect(cardValue(it, observed, "reconnecting", TZ).quality).toBe("reconnecting");
    setLang("zh-CN");
    expect(cardValue(it, observed, "live", TZ).note).toBe("数据过期 自 09:58:30");
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
