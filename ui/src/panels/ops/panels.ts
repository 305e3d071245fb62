// The operations views of the main panel: capacity headroom, the green ledger, N-1 with drills
// and the event time line. Each is rebuilt from the core's answer when it changes.
import type { Approval, Capacity, CentreDetail, HallRacks, RackMetricName, DemoStatus, Drill, Events, LedgerDay, LedgerPeriod, LiveFrame, N1, ParkMap, ParkSummary, Schedule, ScheduleMetrics } from "../../api/bindings";
import { h, s } from "../../dom";
import { eventKind, nameOf, num, t } from "../../i18n";
import { METRIC_KEY, METRICS, UNIT } from "../heatmap/heatmap";
import { colour as heat } from "../heatmap/paint";
import { bar, bindingText, impactText, reasonText, regionsServed, shareClass } from "./format";

const pct = (ratio: number) => `${num(ratio * 100, 1)} %`;

function clock(unixSeconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone }).format(
    new Date(unixSeconds * 1000),
  );
}

export function capacityView(cap: Capacity, online: Capacity | null, names: Map<string, string>, zoneNames: Map<string, string>): HTMLElement {
  const totals = h(
    "div",
    { class: "ops-totals" },
    h("div", { class: "ops-kpi", "data-testid": "cap-headroom" }, h("span", { class: "ops-label" }, t("cap_park")), h("strong", {}, `${num(cap.headroom_mw, 1)} MW`)),
    h("div", { class: "ops-kpi" }, h("span", { class: "ops-label" }, t("cap_racks")), h("strong", {}, `${num(cap.racks_used)} / ${num(cap.racks_installed)} / ${num(cap.racks_planned)}`)),
    h("div", { class: "ops-kpi" }, h("span", { class: "ops-label" }, t("cap_compute")), h("strong", {}, `${num(cap.pflops_allocated)} / ${num(cap.pflops)} PFLOPS`)),
    online
      ? h("div", { class: "ops-kpi", "data-testid": "cap-online" }, h("span", { class: "ops-label" }, t("cap_switch_in")), h("strong", {}, `+${num(online.headroom_mw - cap.headroom_mw, 1)} MW · ${num(online.racks_installed)} ${t("cap_racks").split(" ")[0] ?? ""}`))
      : null,
  );
  const rows = cap.centres.map((c) => {
    const b = bar(c);
    return h(
      "div",
      { class: `cap-row${c.violation ? " violation" : ""}${c.planned ? " planned" : ""}`, "data-centre": c.centre, "data-binding": c.binding },
      h("span", { class: "cap-name" }, names.get(c.centre) ?? c.centre),
      h(
        "span",
        { class: "cap-bar", role: "img", "aria-label": `${num(c.it_mw, 1)} / ${num(c.it_capacity_mw, 1)} MW` },
        h("span", { class: "cap-used", style: `width:${b.used * 100}%` }),
        h("span", { class: "cap-free", style: `width:${b.headroom * 100}%` }),
      ),
      h("span", { class: "cap-mw" }, `${num(c.it_mw, 1)} / ${num(c.it_capacity_mw, 1)} MW`),
      h("span", { class: "cap-binding" }, `${c.violation ? `${t("cap_violation")} · ` : ""}${bindingText(c)}`),
    );
  });
  const zones = h(
    "div",
    { class: "cap-zones", "data-testid": "cap-zones" },
    ...cap.zones
      .filter((z) => z.racks_installed > 0)
      .map((z) =>
        h(
          "div",
          { class: "ops-kpi", "data-zone": z.zone },
          h("span", { class: "ops-label" }, zoneNames.get(z.zone) ?? z.zone),
          h("strong", {}, `+${num(z.headroom_mw, 1)} MW`),
          h("span", { class: "ops-label" }, `${num(z.it_mw, 1)} MW · ${num(z.pflops_allocated)} / ${num(z.pflops)} PFLOPS`),
        ),
      ),
  );
  const accelerators = h(
    "p",
    { class: "ops-label", "data-testid": "cap-accelerators" },
    `${t("cap_accelerators")}: `,
    cap.accelerators.map((a) => `${a.class} ${num(a.allocated)} / ${num(a.count)}`).join(" · "),
  );
  return h("section", { class: "ops-view", "data-testid": "capacity" }, totals, zones, accelerators, h("div", { class: "cap-list" }, ...rows));
}

function periodCard(label: string, p: LedgerPeriod, testid: string): HTMLElement {
  return h(
    "div",
    { class: "ledger-card", "data-testid": testid },
    h("span", { class: "ops-label" }, label),
    h(
      "div",
      { class: "ledger-shares" },
      h("span", {}, h("strong", { class: "share-market" }, pct(p.green_share_market)), ` ${t("ledger_market")}`),
      h("span", {}, h("strong", { class: "share-location" }, pct(p.green_share_location)), ` ${t("ledger_location")}`),
    ),
    h("span", { class: "ledger-co2" }, `CO₂ ${num(p.co2_market_t, 1)} t · ${num(p.co2_location_t, 1)} t`),
    h(
      "span",
      { class: "ledger-flows", title: t("ledger_flows") },
      `${t("ledger_flows")}: ${[p.delivered_mwh, p.stored_mwh, p.exported_mwh, p.curtailed_mwh, p.import_mwh].map((v) => num(v)).join(" / ")} MWh`,
    ),
  );
}

export function ledgerView(l: LedgerDay, timeZone: string): HTMLElement {
  const strip = h(
    "div",
    { class: "ledger-strip", "data-testid": "ledger-strip" },
    ...l.intervals.map((i) =>
      h("span", {
        class: `ledger-cell ${shareClass(i)}`,
        title: `${clock(i.start_s, timeZone)} · ${pct(i.green_share_market)}`,
        "data-not-green": String(i.not_green),
      }),
    ),
  );
  const notGreen = l.intervals.filter((i) => i.not_green);
  return h(
    "section",
    { class: "ops-view", "data-testid": "ledger", "data-date": l.date, "data-not-green": String(notGreen.length) },
    h(
      "div",
      { class: "ledger-cards" },
      periodCard(`${t("ledger_day")} ${l.date}`, l.day, "ledger-day"),
      periodCard(t("ledger_month"), l.month_to_date, "ledger-month"),
      periodCard(t("ledger_year"), l.year_to_date, "ledger-year"),
    ),
    strip,
    h("h3", { class: "ops-label" }, `${t("ledger_not_green")}: ${notGreen.length}`),
    notGreen.length === 0
      ? h("p", { class: "ledger-all-green" }, t("ledger_all_green"))
      : h(
          "ul",
          { class: "ledger-not-green" },
          ...notGreen.map((i) => h("li", {}, `${clock(i.start_s, timeZone)} · ${pct(i.green_share_market)} · ${num(i.import_mwh, 1)} MWh`)),
        ),
  );
}

export function n1View(
  n1: N1,
  events: Events | null,
  readOnly: boolean,
  timeZone: string,
  onDrill: (asset: string) => void,
): HTMLElement {
  const rows = n1.contingencies.slice(0, 14).map((c) => {
    const button = h(
      "button",
      { type: "button", class: "period drill-button", "data-testid": `drill-${c.asset}`, title: readOnly ? t("n1_drill_readonly") : t("n1_drill") },
      t("n1_drill"),
    );
    button.disabled = readOnly;
    button.addEventListener("click", () => onDrill(c.asset));
    return h(
      "tr",
      { "data-asset": c.asset },
      h("td", {}, h("strong", {}, c.asset), h("span", { class: "ops-label" }, ` ${c.kind}`)),
      h("td", { class: "n1-shed" }, `${num(c.shed_mw, 1)} MW`),
      h("td", {}, impactText(c)),
      h("td", {}, button),
    );
  });
  // Faults, drills, approvals and the scheduler's outcomes: alarm changes (many in a cascade,
  // N-1 ones with every drill) are in the alarm list and the incidents, not here.
  const timeline = (events?.events ?? []).filter((e) => !e.kind.startsWith("alarm_")).slice(-12).reverse();
  return h(
    "section",
    { class: "ops-view n1-view", "data-testid": "n1" },
    h(
      "table",
      { class: "n1-table" },
      h("thead", {}, h("tr", {}, h("th", {}, t("n1_asset")), h("th", {}, t("n1_shed")), h("th", {}, t("n1_impact")), h("th", {}, ""))),
      h("tbody", {}, ...rows),
    ),
    h("h3", { class: "ops-label" }, t("n1_events")),
    h(
      "ul",
      { class: "events", "data-testid": "events" },
      ...timeline.map((e) => h("li", { "data-kind": e.kind, "data-at": e.at_s }, `${clock(e.at_s, timeZone)} · ${eventKind(e.kind)} · ${e.target}`)),
    ),
  );
}

/** The banner over the map while a drill runs: what was tripped, what it costs, until when. */
export function drillBanner(drill: Drill, timeZone: string): HTMLElement {
  return h(
    "div",
    { class: "drill-banner", role: "status", "data-testid": "drill-banner", "data-asset": drill.impact.asset },
    h("strong", {}, `${t("n1_drill_running")}: ${drill.impact.asset}`),
    ` · ${t("n1_shed")} ${num(drill.impact.shed_mw, 1)} MW · ${impactText(drill.impact)} · ${clock(drill.from_s, timeZone)}–${clock(drill.until_s, timeZone)}`,
  );
}

function metricsCard(label: string, m: ScheduleMetrics, testid: string): HTMLElement {
  return h(
    "div",
    { class: "ops-kpi", "data-testid": testid },
    h("span", { class: "ops-label" }, label),
    h("strong", {}, pct(m.green_share_market)),
    h("span", { class: "ops-label" }, `CO₂ ${num(m.co2_market_t, 1)} t · ${num(m.cost_cny)} CNY · ${m.missed_deadlines} ${t("sched_missed")}`),
  );
}

const KIND_COLOUR: Record<string, string> = { training: "var(--operating)", inference: "var(--power)", batch: "var(--storage)" };

/** The plan as a Gantt chart: one lane per centre, the green power the park leaves above. */
export function scheduleView(plan: Schedule, names: Map<string, string>, order: string[], timeZone: string): HTMLElement {
  const slots = plan.green_left_mw.length;
  const span = slots * plan.slot_s;
  const centres = order.filter((c) => plan.placements.some((p) => p.centre === c));
  // Jobs in a lane stack in rows so none hides another.
  const rows = new Map<string, number>();
  const laneRows = new Map<string, number>();
  for (const c of centres) {
    const ends: number[] = [];
    for (const p of plan.placements.filter((x) => x.centre === c).sort((a, b) => a.start_s - b.start_s)) {
      let r = ends.findIndex((e) => e <= p.start_s);
      if (r < 0) {
        r = ends.length;
        ends.push(0);
      }
      ends[r] = p.end_s;
      rows.set(p.job, r);
    }
    laneRows.set(c, Math.max(1, ends.length));
  }
  const W = 1200;
  const labelW = 130;
  const greenH = 60;
  const rowH = 6;
  const x = (t: number) => labelW + ((t - plan.start_s) / span) * (W - labelW);
  const maxGreen = Math.max(1, ...plan.green_left_mw);
  const area = plan.green_left_mw
    .map((g, i) => `${x(plan.start_s + i * plan.slot_s)},${greenH - (g / maxGreen) * (greenH - 4)}`)
    .join(" ");
  const svg = s("svg", { class: "gantt", viewBox: "", "data-testid": "gantt", role: "img", "aria-label": t("view_schedule") });
  svg.append(
    s("polygon", { class: "gantt-green", points: `${labelW},${greenH} ${area} ${W},${greenH}` }),
    s("text", { x: 4, y: 14, class: "gantt-label" }, t("sched_green_left")),
  );
  for (let hour = 0; hour <= slots / 4; hour += 6) {
    const t0 = plan.start_s + hour * 3600;
    svg.append(
      s("line", { class: "gantt-grid", x1: x(t0), x2: x(t0), y1: 0, y2: 9999 }),
      s("text", { x: x(t0) + 2, y: greenH + 12, class: "gantt-label" }, clock(t0, timeZone)),
    );
  }
  let y = greenH + 20;
  for (const c of centres) {
    const lane = laneRows.get(c) ?? 1;
    svg.append(s("text", { x: 4, y: y + 10, class: "gantt-centre" }, names.get(c) ?? c));
    for (const p of plan.placements.filter((q) => q.centre === c)) {
      const r = rows.get(p.job) ?? 0;
      svg.append(
        s(
          "rect",
          {
            x: x(p.start_s),
            y: y + r * rowH,
            width: Math.max(1, x(p.end_s) - x(p.start_s)),
            height: rowH - 1,
            fill: KIND_COLOUR[p.kind] ?? "var(--text-muted)",
            "data-job": p.job,
          },
          s("title", {}, `${p.job} (${p.kind}, ${num(p.demand_kw)} kW) ${clock(p.start_s, timeZone)}–${clock(p.end_s, timeZone)}: ${reasonText(p)}`),
        ),
      );
    }
    y += lane * rowH + 8;
  }
  svg.setAttribute("viewBox", `0 0 ${W} ${y}`);
  return h(
    "section",
    { class: "ops-view", "data-testid": "schedule", "data-jobs": String(plan.placements.length) },
    h(
      "div",
      { class: "ops-totals" },
      metricsCard(t("sched_ours"), plan.metrics, "sched-ours"),
      metricsCard(t("sched_fcfs"), plan.fcfs, "sched-fcfs"),
      metricsCard(t("sched_greedy"), plan.greedy, "sched-greedy"),
    ),
    svg,
  );
}

/** After a drill: what happens to the planned jobs. */
/** A drill's evacuation plan, with who approved it, or the button to approve it (an operator's;
 * null where the console may not). */
export function evacuationList(drill: Drill, timeZone: string, approval: Approval | null, approve: (() => void) | null): HTMLElement {
  let decision: HTMLElement | null = null;
  if (approval) {
    decision = h("p", { class: "ops-label", "data-testid": "evacuation-approved" }, `${t("sched_approved")} ${approval.by} · ${clock(approval.at_s, timeZone)}`);
  } else if (approve) {
    const b = h("button", { type: "button", class: "period", "data-testid": "evacuation-approve" }, t("sched_approve"));
    b.addEventListener("click", () => {
      b.disabled = true;
      approve();
    });
    decision = b;
  }
  return h(
    "section",
    { class: "ops-view", "data-testid": "evacuation" },
    h("h3", { class: "ops-label" }, `${t("sched_evacuation")} (${drill.impact.asset}): ${drill.evacuation.length}`),
    decision,
    h(
      "ul",
      { class: "events" },
      ...drill.evacuation.map((e) =>
        h(
          "li",
          { "data-job": e.job },
          `${e.job} · ${e.from} → ${e.to ? `${e.to} ${e.start_s === null ? "" : clock(e.start_s, timeZone)}` : t(e.paused ? "sched_paused" : "sched_lost")}`,
        ),
      ),
    ),
  );
}

/** The demo pack being played: its name, how far it is, and its steps (done ones ticked). */
export function demoBanner(demo: DemoStatus, nowS: number, timeZone: string): HTMLElement {
  const span = Math.max(1, demo.end_s - demo.start_s);
  const progress = Math.min(1, Math.max(0, (nowS - demo.start_s) / span));
  const finished = nowS >= demo.end_s;
  return h(
    "div",
    { class: "demo-banner", "data-testid": "demo", "data-finished": String(finished), "data-id": demo.id ?? "" },
    h("strong", {}, `${t("demo")}: ${demo.name ? nameOf(demo.name) : ""}`),
    h("span", { class: "demo-bar" }, h("span", { class: "demo-fill", style: `width:${progress * 100}%` })),
    h("span", {}, finished ? t("demo_finished") : `${clock(nowS, timeZone)} · ${num(progress * 100)} %`),
    ...demo.steps.map((step) => h("span", { class: "demo-step", "data-done": String(nowS >= step.at_s) }, `${nowS >= step.at_s ? "✓" : "○"} ${nameOf(step.label)}`)),
  );
}

function tile(label: string, value: string, sub: string, testid: string, quality?: string): HTMLElement {
  return h(
    "div",
    { class: "ops-kpi overview-tile", "data-testid": testid, "data-quality": quality ?? "store" },
    h("span", { class: "ops-label" }, label),
    h("strong", {}, value),
    h("span", { class: "ops-label" }, sub),
  );
}

function progress(label: string, value: number, target: number, unit: string, testid: string): HTMLElement {
  const share = target > 0 ? Math.min(1, value / target) : 0;
  return h(
    "div",
    { class: "overview-progress", "data-testid": testid },
    h("span", { class: "ops-label" }, `${label}: ${num(value)} / ${num(target)} ${unit} (${num(share * 100)} %)`),
    h("span", { class: "cap-bar" }, h("span", { class: "cap-used", style: `width:${share * 100}%` })),
  );
}

/** The park at a glance for an executive: what runs, how green, how efficient, for whom. */
export function overviewView(
  summary: ParkSummary,
  map: ParkMap,
  frame: LiveFrame | null,
  cap: Capacity | null,
  ledger: LedgerDay | null,
  schedule: Schedule | null,
): HTMLElement {
  const quality = frame === null ? "bad" : frame.quality;
  const regions = new Map(map.regions.map((r) => [r.id, nameOf(r.name)]));
  const tiles = [
    cap ? tile(t("ov_racks"), `${num(cap.racks_used)} / ${num(cap.racks_installed)}`, `${t("ov_planned")} ${num(cap.racks_planned)}`, "ov-racks") : null,
    cap ? tile(t("ov_compute"), `${num(cap.pflops_allocated)} PFLOPS`, `${t("ov_utilisation")} ${pct(cap.pflops > 0 ? cap.pflops_allocated / cap.pflops : 0)}`, "ov-compute") : null,
    frame ? tile(t("ov_green_now"), pct(frame.green_share_now), t("ledger_market"), "ov-green-now", quality) : null,
    ledger ? tile(t("ov_green_today"), `${pct(ledger.day.green_share_market)} · ${pct(ledger.day.green_share_location)}`, `${t("ledger_market")} · ${t("ledger_location")}`, "ov-green-today") : null,
    ledger ? tile(t("ov_green_year"), `${pct(ledger.year_to_date.green_share_market)} · ${pct(ledger.year_to_date.green_share_location)}`, `${t("ledger_market")} · ${t("ledger_location")}`, "ov-green-year") : null,
    frame ? tile("PUE", num(frame.pue, 3), t("ov_now"), "ov-pue", quality) : null,
    ledger ? tile(t("ov_co2_avoided"), `${num(ledger.year_to_date.co2_avoided_t)} t`, `${t("ledger_day")} ${num(ledger.day.co2_avoided_t, 1)} t`, "ov-co2") : null,
  ].filter((x): x is HTMLElement => x !== null);
  const served = schedule ? regionsServed(schedule.placements) : [];
  return h(
    "section",
    { class: "ops-view", "data-testid": "overview" },
    h("div", { class: "overview-tiles" }, ...tiles),
    progress(t("ov_target_racks"), summary.standard_racks, summary.target_standard_racks, t("ov_standard_racks"), "ov-target-racks"),
    progress(t("ov_target_pflops"), summary.pflops, summary.target_pflops, "PFLOPS", "ov-target-pflops"),
    h("h3", { class: "ops-label" }, t("ov_regions")),
    h(
      "ul",
      { class: "overview-regions", "data-testid": "ov-regions" },
      ...served.map(([r, mwh]) => h("li", { "data-region": r }, `${regions.get(r) ?? r}: ${num(mwh, 1)} MWh`)),
    ),
  );
}

/** One centre: its headroom and binding constraint, its feeds now, every rack row by row
 * coloured by the chosen metric (colour-blind-safe scale), and the jobs planned there. A click on
 * a hall shows that hall alone, larger, rack by rack. */
export function centreView(
  d: CentreDetail,
  name: string,
  timeZone: string,
  state: { metric: RackMetricName; hall: string | null },
  act: { back(): void; metric(m: RackMetricName): void; hall(id: string | null): void },
): HTMLElement {
  const focus = d.halls.find((hall) => hall.id === state.hall) ?? null;
  const back = h("button", { type: "button", class: "period", "data-testid": focus ? "hall-back" : "centre-back" }, `← ${focus ? name : t("view_map")}`);
  back.addEventListener("click", () => (focus ? act.hall(null) : act.back()));
  const metrics = METRICS.map((m) => {
    const b = h("button", { type: "button", class: "period", "data-testid": `centre-metric-${m}`, "aria-pressed": String(m === state.metric) }, t(METRIC_KEY[m]));
    b.addEventListener("click", () => act.metric(m));
    return b;
  });
  const c = d.headroom;
  const scale = d.scales.find((x) => x.metric === state.metric);
  const [lo, hi] = scale ? [scale.lo, scale.hi] : [0, 1];
  const unit = UNIT[state.metric];
  const valuesOf = (hall: HallRacks) => (state.metric === "power_kw" ? hall.power_kw : state.metric === "inlet_c" ? hall.inlet_c : hall.utilisation_pct);
  const drawHall = (hall: HallRacks, large: boolean) => {
    const values = valuesOf(hall);
    const rows = Array.from({ length: hall.rows }, (_, r) =>
      h(
        "div",
        { class: "rack-row", "data-row": r + 1 },
        large ? h("span", { class: "row-label" }, `R${r + 1}`) : null,
        ...Array.from({ length: hall.racks_per_row }, (_, k) => {
          const v = values[r * hall.racks_per_row + k];
          return h("span", {
            class: "rack",
            style: v === undefined ? "" : `background:rgb(${heat((v - lo) / (hi - lo || 1)).join(",")})`,
            title: v === undefined ? t("heatmap_no_data") : `${hall.id} R${r + 1}.${k + 1}: ${num(v, 1)} ${unit}`,
          });
        }),
      ),
    );
    const el = h("div", { class: large ? "hall hall-focus" : "hall", "data-hall": hall.id }, h("span", { class: "ops-label" }, hall.id), ...rows);
    if (!large) {
      el.setAttribute("role", "button");
      el.title = hall.id;
      el.addEventListener("click", () => act.hall(hall.id));
    }
    return el;
  };
  return h(
    "section",
    { class: "ops-view", "data-testid": "centre", "data-id": d.id, "data-metric": state.metric, "data-hall": focus?.id ?? "" },
    h("div", { class: "heatmap-head" }, back, h("h3", { class: "centre-title" }, focus ? `${name} · ${focus.id}` : name), h("div", { class: "periods", role: "group" }, ...metrics)),
    h(
      "div",
      { class: "ops-totals" },
      tile("IT", `${num(c.it_mw, 1)} / ${num(c.it_capacity_mw, 1)} MW`, bindingText(c), "centre-it"),
      tile(t("cap_racks").split(" ")[0] ?? "", `${num(c.racks_used)} / ${num(c.racks_installed)}`, `${num(c.pflops_allocated)} / ${num(c.pflops)} PFLOPS`, "centre-racks"),
      ...d.feeds.map((f) =>
        tile(`${f.feeder} (${f.side})`, `${num(f.load_mw, 1)} / ${num(f.rating_mw, 1)} MW`, f.energised ? t("quality_live") : t("cap_no_supply"), `feed-${f.feeder}`, f.energised ? "live" : "bad"),
      ),
    ),
    h("div", { class: "ops-label centre-scale" }, `${num(lo)} – ${num(hi)} ${unit}`),
    focus ? drawHall(focus, true) : h("div", { class: "halls" }, ...d.halls.map((hall) => drawHall(hall, false))),
    h("h3", { class: "ops-label" }, `${t("centre_jobs")}: ${d.jobs.length}`),
    h(
      "ul",
      { class: "events", "data-testid": "centre-jobs" },
      ...d.jobs.slice(0, 20).map((j) => h("li", {}, `${clock(j.start_s, timeZone)}–${clock(j.end_s, timeZone)} ${j.job} · ${reasonText(j)}`)),
    ),
  );
}

/** One zone: its totals and its centres (headroom bars); a centre opens its own view. */
export function zoneView(
  zoneId: string,
  zoneName: string,
  cap: Capacity,
  centres: { id: string; zone: string; name: string }[],
  onCentre: (id: string) => void,
  onBack: () => void,
): HTMLElement {
  const back = h("button", { type: "button", class: "period", "data-testid": "zone-back" }, `← ${t("view_map")}`);
  back.addEventListener("click", onBack);
  const zone = cap.zones.find((z) => z.zone === zoneId);
  const mine = centres.filter((c) => c.zone === zoneId);
  const rows = mine.map((c) => {
    const head = cap.centres.find((x) => x.centre === c.id);
    const open = h("button", { type: "button", class: "period", "data-testid": `zone-centre-${c.id}` }, c.name);
    open.addEventListener("click", () => onCentre(c.id));
    if (!head) return h("div", { class: "cap-row" }, open);
    const b = bar(head);
    return h(
      "div",
      { class: `cap-row${head.violation ? " violation" : ""}${head.planned ? " planned" : ""}`, "data-centre": c.id },
      open,
      h("span", { class: "cap-bar" }, h("span", { class: "cap-used", style: `width:${b.used * 100}%` }), h("span", { class: "cap-free", style: `width:${b.headroom * 100}%` })),
      h("span", { class: "cap-mw" }, `${num(head.it_mw, 1)} / ${num(head.it_capacity_mw, 1)} MW`),
      h("span", { class: "cap-binding" }, bindingText(head)),
    );
  });
  return h(
    "section",
    { class: "ops-view", "data-testid": "zone", "data-id": zoneId },
    h("div", { class: "heatmap-head" }, back, h("h3", { class: "centre-title" }, zoneName)),
    zone
      ? h(
          "div",
          { class: "ops-totals" },
          tile("IT", `${num(zone.it_mw, 1)} MW`, `+${num(zone.headroom_mw, 1)} MW ${t("cap_left")}`, "zone-it"),
          tile(t("cap_racks").split(" ")[0] ?? "", `${num(zone.racks_used)} / ${num(zone.racks_installed)}`, `${num(zone.pflops_allocated)} / ${num(zone.pflops)} PFLOPS`, "zone-racks"),
        )
      : null,
    h("div", { class: "cap-list" }, ...rows),
  );
}
