// Shaping trends and raw history into chart series, and the period arithmetic (pure;
// unit-tested).
import type { History, Trend } from "../../api/bindings";

/** x (unix seconds), facility MW, green share in percent; null is a gap, never a zero. */
export type Series = [number[], (number | null)[], (number | null)[]];

/** How much history the panel shows: the last `hours` up to `until_s` (null: up to now). */
export interface Period {
  hours: 1 | 24 | 168;
  until_s: number | null;
}

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

/** Raw 1 Hz history of `park/facility_kw` and `park/green_share`, joined on time. */
export function historySeries(facilityKw: History, greenShare: History): Series {
  const share = new Map<number, number | null>();
  for (const p of greenShare.points) share.set(p.t_s, p.mean);
  const xs: number[] = [];
  const facility: (number | null)[] = [];
  const green: (number | null)[] = [];
  for (const p of facilityKw.points) {
    xs.push(p.t_s);
    facility.push(p.mean === null ? null : Math.round(p.mean / 100) / 10);
    const g = share.get(p.t_s);
    green.push(g === undefined || g === null ? null : Math.round(g * 1000) / 10);
  }
  return [xs, facility, green];
}

/** Year, month, day, hour and minute of `unixSeconds` as the clock in `timeZone` shows them. */
function wallClock(unixSeconds: number, timeZone: string): [number, number, number, number, number] {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(new Date(unixSeconds * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return [get("year"), get("month"), get("day"), get("hour"), get("minute")];
}

/** A `datetime-local` value ("2026-04-01T08:30") for `unixSeconds` as wall time in `timeZone`. */
export function toLocalValue(unixSeconds: number, timeZone: string): string {
  const [y, mo, d, hh, mm] = wallClock(unixSeconds, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${y}-${two(mo)}-${two(d)}T${two(hh)}:${two(mm)}`;
}

/** Unix seconds of a `datetime-local` value ("2026-04-01T08:30") read as wall time in
 * `timeZone`; null when it is not a valid date. */
export function zonedToUnix(local: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return null;
  const [y, mo, d, hh, mm] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, hh, mm) / 1000;
  // The zone's offset at about that instant, from how the zone shows it.
  const offset = (at: number) => {
    const [sy, smo, sd, shh, smm] = wallClock(at, timeZone);
    return Date.UTC(sy, smo - 1, sd, shh, smm) / 1000 - at;
  };
  const first = asUtc - offset(asUtc);
  return Number.isFinite(first) ? asUtc - offset(first) : null;
}
