// Words and shapes for the operations panels (pure; unit-tested).
import type { CentreHeadroom, Contingency, LedgerInterval, ScheduledJob } from "../../api/bindings";
import { num, t } from "../../i18n";

/** "power-bound: 3.2 MW left on F-203", in the current language. */
export function bindingText(c: CentreHeadroom): string {
  if (c.planned) return t("cap_planned");
  const left = `${num(c.headroom_mw, 1)} MW`;
  switch (c.binding) {
    case "no_supply":
      return t("cap_no_supply");
    case "chain":
      return `${t("cap_power_bound")} · ${c.binding_element ?? ""} ${t("cap_left")} ${left}`;
    case "cooling":
      return `${t("cap_cooling_bound")} · ${t("cap_left")} ${left}`;
    default:
      return `${t("cap_it_bound")} · ${t("cap_left")} ${left}`;
  }
}

/** Bar segments as fractions of the centre's IT capacity: used, then headroom (the rest is
 * what the binding constraint takes away). */
export function bar(c: CentreHeadroom): { used: number; headroom: number } {
  const cap = c.it_capacity_mw > 0 ? c.it_capacity_mw : 1;
  const used = Math.min(1, Math.max(0, c.it_mw / cap));
  const headroom = Math.min(1 - used, Math.max(0, c.headroom_mw / cap));
  return { used, headroom };
}

/** The centres a contingency touches, as "lost: A, B · redundancy: C". */
export function impactText(c: Contingency): string {
  const parts: string[] = [];
  if (c.lost_supply.length > 0) parts.push(`${t("n1_lost")}: ${c.lost_supply.join(", ")}`);
  if (c.lost_redundancy.length > 0) parts.push(`${t("n1_redundancy")}: ${c.lost_redundancy.join(", ")}`);
  if (c.overloads.length > 0)
    parts.push(`${t("n1_overload")}: ${c.overloads.map((o) => `${o.element} ${num(o.load_mw, 1)}/${num(o.rating_mw, 1)} MW`).join(", ")}`);
  return parts.length === 0 ? t("n1_none") : parts.join(" · ");
}

/** Colour class of an interval by its market-based green share. */
export function shareClass(i: LedgerInterval): "green" | "partial" | "grey" {
  if (!i.not_green) return "green";
  return i.green_share_market >= 0.5 ? "partial" : "grey";
}

const PERIOD_KEY = { peak: "sched_peak", flat: "sched_flat", valley: "sched_valley" } as const;

/** Why a job is where it is: "deferred 6 h · valley · 92 % green · 11 ms ≤ 14 ms · 9 h slack". */
export function reasonText(j: ScheduledJob): string {
  const hours = (s: number) => `${num(s / 3600, 1)} h`;
  const period = t(PERIOD_KEY[j.period as keyof typeof PERIOD_KEY] ?? "sched_flat");
  const parts = [j.deferred_s > 0 ? `${t("sched_deferred")} ${hours(j.deferred_s)}` : t("sched_on_time"), period, `${num(j.green_fraction * 100)} % ${t("sched_green")}`];
  if (j.ring_ms !== null && j.latency_ms !== null) parts.push(`${num(j.latency_ms, 1)} ms ≤ ${num(j.ring_ms)} ms`);
  parts.push(t("sched_slack").replace("{h}", hours(j.slack_s)));
  return parts.join(" · ");
}

/** IT energy (MWh) of the planned jobs serving each region, largest first. */
export function regionsServed(jobs: ScheduledJob[]): [string, number][] {
  const mwh = new Map<string, number>();
  for (const j of jobs) {
    if (j.origin === null) continue;
    mwh.set(j.origin, (mwh.get(j.origin) ?? 0) + (j.demand_kw / 1000) * ((j.end_s - j.start_s) / 3600));
  }
  return [...mwh.entries()].map(([r, v]): [string, number] => [r, Math.round(v * 1000) / 1000]).sort((a, b) => b[1] - a[1]);
}
