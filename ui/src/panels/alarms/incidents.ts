// The incidents view: the listed alarms grouped by the core along the power chain. Each incident
// says what it affects (centres, feeders, tenants, the jobs running there), what has happened
// (its time line from the event log) and what to do (the checklist of each kind of alarm in it).
// The building of each affected centre lights up on the map through its alarms.
import type { IncidentDto, Incidents, ProcedureDto } from "../../api/bindings";
import { h } from "../../dom";
import { eventKind, type Key, nameOf, num, t } from "../../i18n";

const SEVERITY_KEY: Record<string, Key> = {
  critical: "alarm_critical",
  major: "alarm_major",
  minor: "alarm_minor",
  warning: "alarm_warning",
};

const KIND_KEY: Record<string, Key> = {
  threshold: "alarm_kind_threshold",
  rate: "alarm_kind_rate",
  stale: "alarm_kind_stale",
  headroom: "alarm_kind_headroom",
  green_share: "alarm_kind_green_share",
  n1: "alarm_kind_n1",
};

function kindName(kind: string): string {
  const key = KIND_KEY[kind];
  return key ? t(key) : kind;
}

/** Time-line entries shown per incident (the newest); the count says how many there are. */
const TIMELINE_SHOWN = 20;
/** Jobs named per incident; the rest are counted. */
const JOBS_SHOWN = 8;
/** Alarms listed per incident and incidents drawn: in an alarm storm the view stays readable
 * (and quick to draw); the counts say how many more there are. */
const ALARMS_SHOWN = 20;
const INCIDENTS_SHOWN = 30;

function clock(unixSeconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone }).format(
    new Date(unixSeconds * 1000),
  );
}

/** What an event's detail adds in words: the alarm's rule and who acted (the log keeps JSON). */
function detailText(detail: string): string {
  try {
    const d = JSON.parse(detail) as { rule?: unknown; by?: unknown; text?: unknown; kind?: unknown; step?: unknown };
    // A checklist step: its kind and number as the list shows it (from 1).
    const step = typeof d.kind === "string" && typeof d.step === "number" ? `${kindName(d.kind)} ${d.step + 1}` : undefined;
    const parts = [d.rule, step, d.by, d.text].filter((x): x is string => typeof x === "string");
    return parts.map((p) => ` · ${p}`).join("");
  } catch {
    return "";
  }
}

/** The centres an incident touches, each a link to its racks, and how many racks they hold. */
function centreLinks(i: IncidentDto, names: Map<string, string>, act: IncidentActions): HTMLElement {
  const links = i.centres.map((id) => {
    const b = h("button", { type: "button", class: "link-button", "data-testid": `incident-centre-${id}` }, names.get(id) ?? id);
    b.addEventListener("click", () => act.openCentre(id));
    return b;
  });
  return h(
    "div",
    { class: "incident-fact", "data-testid": "incident-centres", "data-count": String(i.centres.length), "data-racks": String(i.racks) },
    h("span", { class: "ops-label" }, `${t("incident_centres")} (${num(i.centres.length)}) · ${num(i.racks)} ${t("incident_racks")}`),
    h("span", {}, ...(links.length === 0 ? ["—"] : links.flatMap((l, k) => (k === 0 ? [l] : [" · ", l])))),
  );
}

function fact(label: Key, testid: string, items: string[]): HTMLElement {
  return h(
    "div",
    { class: "incident-fact", "data-testid": testid, "data-count": String(items.length) },
    h("span", { class: "ops-label" }, `${t(label)} (${num(items.length)})`),
    h("span", {}, items.length === 0 ? "—" : items.join(" · ")),
  );
}

/** What the person at this console may do on an incident. */
export interface IncidentActions {
  /** Add a note to an incident's time line, or null on a read-only console (or for a viewer).
   * `settled` is called with the outcome before the view is redrawn. */
  note: ((incident: string, text: string, settled: (ok: boolean) => void) => void) | null;
  /** Why the last note could not be added, if it could not. */
  error: string | null;
  /** Open a centre (its halls, rack by rack). */
  openCentre(id: string): void;
  /** Tick off a checklist step, or null where the console may not. */
  tick: ((incident: string, kind: string, step: number) => void) | null;
}

/** One checklist step: done (by whom, when), a box to tick, or plain text. */
function stepItem(id: string, p: ProcedureDto, k: number, step: string, act: IncidentActions, timeZone: string): HTMLElement {
  const done = p.done.find((d) => d.step === k);
  const li = h("li", { "data-step": k, "data-done": String(done !== undefined) });
  if (done) {
    li.append(h("span", { class: "step-done" }, "✓ "), step, h("span", { class: "ops-label" }, ` · ${done.by} · ${clock(done.at_s, timeZone)}`));
  } else if (act.tick) {
    const tick = act.tick;
    const box = h("button", { type: "button", class: "step-box", "data-testid": `incident-step-${p.kind}-${k}`, "aria-label": `${t("incident_step_done")}: ${step}` }, "☐");
    box.addEventListener("click", () => {
      box.disabled = true;
      tick(id, p.kind, k);
    });
    li.append(box, " ", step);
  } else {
    li.append(step);
  }
  return li;
}

/** Notes being written, by incident: the view is redrawn as the park moves on, a draft is not
 * lost with it. */
const drafts = new Map<string, string>();

function noteForm(id: string, note: NonNullable<IncidentActions["note"]>): HTMLElement {
  const area = h("textarea", { class: "incident-note-text", "data-testid": "incident-note-text", rows: 2, maxlength: 1000, placeholder: t("incident_note_placeholder"), "aria-label": t("incident_note_add") });
  area.value = drafts.get(id) ?? "";
  area.addEventListener("input", () => drafts.set(id, area.value));
  const add = h("button", { type: "submit", class: "period", "data-testid": "incident-note-add" }, t("incident_note_add"));
  const form = h("form", { class: "incident-note", "data-testid": "incident-note" }, area, add);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = area.value.trim();
    if (text === "") return;
    add.disabled = true;
    note(id, text, (ok) => {
      if (ok) drafts.delete(id);
      add.disabled = false;
    });
  });
  return form;
}

function card(i: IncidentDto, names: Map<string, string>, timeZone: string, act: IncidentActions): HTMLElement {
  const timeline = i.timeline.slice(-TIMELINE_SHOWN).reverse();
  const jobs = i.jobs.slice(0, JOBS_SHOWN).map((j) => `${j.job} (${num(j.demand_kw / 1000, 1)} MW)`);
  if (i.jobs.length > JOBS_SHOWN) jobs.push(`+${num(i.jobs.length - JOBS_SHOWN)}`);
  return h(
    "article",
    { class: `incident alarm-${i.severity}`, "data-testid": "incident", "data-id": i.id, "data-severity": i.severity, "data-centres": i.centres.join(" ") },
    h(
      "h3",
      {},
      h("span", { class: "alarm-severity" }, t(SEVERITY_KEY[i.severity] ?? "alarm_warning")),
      ` ${i.centres.map((c) => names.get(c) ?? c).join("、") || i.alarms[0]?.target || ""} · ${t("incident_since")} ${clock(i.first_raised_s, timeZone)}`,
    ),
    h(
      "ul",
      { class: "alarm-list", "data-testid": "incident-alarms" },
      ...i.alarms.slice(0, ALARMS_SHOWN).map((a) =>
        h(
          "li",
          { class: `alarm alarm-${a.severity}`, "data-rule": a.rule, "data-target": a.target },
          h("strong", { class: "alarm-name" }, nameOf(a.name)),
          h("span", { class: "alarm-meta" }, `${a.target} · ${clock(a.raised_s, timeZone)}${a.acknowledged_by ? ` · ${t("alarm_acked_by")} ${a.acknowledged_by}` : ""}`),
        ),
      ),
    ),
    i.alarms.length > ALARMS_SHOWN ? h("p", { class: "ops-label", "data-testid": "incident-alarms-more" }, `+${num(i.alarms.length - ALARMS_SHOWN)} ${t("alarms_more")}`) : null,
    h(
      "div",
      { class: "incident-facts" },
      centreLinks(i, names, act),
      fact("incident_feeders", "incident-feeders", i.feeders),
      fact("incident_tenants", "incident-tenants", i.tenants.map((n) => nameOf(n))),
      fact("incident_jobs", "incident-jobs", jobs),
    ),
    h(
      "div",
      { class: "incident-columns" },
      h(
        "section",
        {},
        h("h4", { class: "ops-label" }, `${t("incident_timeline")} (${num(i.timeline.length)})`),
        act.note ? noteForm(i.id, act.note) : null,
        h(
          "ul",
          { class: "events", "data-testid": "incident-timeline" },
          ...timeline.map((e) =>
            h("li", { "data-kind": e.kind, "data-target": e.target, "data-at": e.at_s }, `${clock(e.at_s, timeZone)} · ${eventKind(e.kind)} · ${e.target}${detailText(e.detail)}`),
          ),
        ),
      ),
      h(
        "section",
        { "data-testid": "incident-procedures" },
        ...i.procedures.map((p) =>
          h(
            "div",
            { class: "procedure", "data-kind": p.kind },
            h("h4", { class: "ops-label" }, `${t("incident_procedure")}: ${kindName(p.kind)}`),
            p.steps.length === 0 ? h("p", { class: "ops-label" }, t("incident_no_procedure")) : h("ol", { class: "procedure-steps" }, ...p.steps.map((step, k) => stepItem(i.id, p, k, nameOf(step), act, timeZone))),
          ),
        ),
      ),
    ),
  );
}

/** The incidents of the listed alarms, the most severe first, then the newest (none: says so, calmly). */
export function incidentsView(incidents: Incidents, names: Map<string, string>, timeZone: string, act: IncidentActions): HTMLElement {
  return h(
    "section",
    { class: "ops-view incidents-view", "data-testid": "incidents", "data-count": String(incidents.incidents.length) },
    act.error ? h("p", { class: "warning", role: "alert", "data-testid": "incident-error" }, `${t("incident_note_failed")}: ${act.error}`) : null,
    incidents.incidents.length === 0
      ? h("p", { class: "ops-label", "data-testid": "incidents-none" }, t("incidents_none"))
      : h("div", { class: "incident-list" }, ...incidents.incidents.slice(0, INCIDENTS_SHOWN).map((i) => card(i, names, timeZone, act))),
    incidents.incidents.length > INCIDENTS_SHOWN ? h("p", { class: "ops-label", "data-testid": "incidents-more" }, `+${num(incidents.incidents.length - INCIDENTS_SHOWN)} ${t("incidents_more")}`) : null,
  );
}
