import { describe, expect, it } from "vitest";
import { toSeries } from "./series";

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
