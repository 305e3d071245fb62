// Shaping a trend into chart series (pure; unit-tested).
import type { Trend } from "../../api/bindings";

/** x (unix seconds), facility MW, green share in percent. */
export type Series = [number[], number[], number[]];

export function toSeries(trend: Trend): Series {
  const xs: number[] = [];
  const facility: number[] = [];
  const green: number[] = [];
  for (const p of trend.points) {
    xs.push(p.start_s);
    facility.push(p.facility_mw);
    green.push(Math.round(p.green_share_market * 1000) / 10);
  }
  return [xs, facility, green];
}
