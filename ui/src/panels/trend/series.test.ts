import { describe, expect, it } from "vitest";
import type { History } from "../../api/bindings";
import { historySeries, toLocalValue, toSeries, zonedToUnix } from "./series";

describe("trend series", () => {
  it("turns points into aligned x, MW and percent columns", () => {
    const [xs, mw, pct] = toSeries({
      points: [
        { start_s: 900, it_mw: 100, facility_mw: 120, green_mw: 90, green_share_market: 0.75 },
        { start_s: 1800, it_mw: 110, facility_mw: 130, green_mw: 200, green_share_market: 1 },
      ],
    });
    expect(xs).toEqual([900, 1800]);
    expect(mw).toEqual([120, 130]);
    expect(pct).toEqual([75, 100]);
  });

  it("is empty for no points", () => {
    expect(toSeries({ points: [] })).toEqual([[], [], []]);
  });
});

describe("raw history series", () => {
  const point = (t_s: number, mean: number | null) => ({
    t_s,
    seconds: 1,
    mean,
    min: mean,
    max: mean,
    quality: mean === null ? ("bad" as const) : ("good" as const),
  });
  const history = (series: string, points: ReturnType<typeof point>[]): History => ({
    series,
    level: "raw",
    points,
    quarantined: [],
  });

  it("joins load and share on time, in MW and percent, and keeps bad points as gaps", () => {
    const [xs, mw, pct] = historySeries(
      history("park/facility_kw", [point(10, 180_400), point(11, null), point(12, 181_000)]),
      history("park/green_share", [point(10, 0.9123), point(11, 0.95)]),
    );
    expect(xs).toEqual([10, 11, 12]);
    expect(mw).toEqual([180.4, null, 181]);
    expect(pct).toEqual([91.2, 95, null]);
  });
});

describe("zoned time", () => {
  it("reads a wall time in the park's zone", () => {
    // 08:30 in Shanghai (UTC+8, no DST) is 00:30 UTC.
    expect(zonedToUnix("2026-04-01T08:30", "Asia/Shanghai")).toBe(Date.UTC(2026, 3, 1, 0, 30) / 1000);
    expect(zonedToUnix("2026-04-01T08:30", "UTC")).toBe(Date.UTC(2026, 3, 1, 8, 30) / 1000);
  });

  it("writes a wall time back, round trip", () => {
    const t = Date.UTC(2026, 3, 1, 0, 30) / 1000;
    expect(toLocalValue(t, "Asia/Shanghai")).toBe("2026-04-01T08:30");
    expect(zonedToUnix(toLocalValue(t, "Asia/Shanghai"), "Asia/Shanghai")).toBe(t);
  });

  it("refuses what is not a date", () => {
    expect(zonedToUnix("", "Asia/Shanghai")).toBeNull();
    expect(zonedToUnix("yesterday", "Asia/Shanghai")).toBeNull();
  });
});
