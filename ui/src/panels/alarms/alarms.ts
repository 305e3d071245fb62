// The alarm list: what needs a person now, most severe first. Each alarm names its asset (the
// map lights the same building), when it was raised, whether it is still active, and who
// acknowledged it; an operator console acknowledges or shelves from here.
import type { AlarmDto } from "../../api/bindings";
import { h } from "../../dom";
import { type Key, nameOf, num, t, time } from "../../i18n";

export interface AlarmActions {
  /** Acknowledge or shelve (minutes), or null on a read-only console. A failure is shown by the
   * caller (the list may be redrawn meanwhile), through `error`. */
  act: ((alarm: AlarmDto, shelveMinutes: number | null) => void) | null;
  /** The last action's failure, if any. */
  error: string | null;
}

const SEVERITY_KEY: Record<string, Key> = {
  critical: "alarm_critical",
  major: "alarm_major",
  minor: "alarm_minor",
  warning: "alarm_warning",
};

/** Rows drawn at most: in an alarm storm the list stays a list (the most severe first), and the
 * count says how many more there are. */
const SHOWN = 50;

const iso = (s: number) => new Date(s * 1000).toISOString();

function row(a: AlarmDto, timeZone: string, actions: AlarmActions): HTMLElement {
  const acked = a.acknowledged_by !== null;
  const state = a.shelved_until_s !== null ? t("alarm_shelved") : a.active ? t("alarm_active") : t("alarm_cleared");
  const buttons: HTMLElement[] = [];
  if (actions.act) {
    const act = actions.act;
    const button = (label: Key, testid: string, shelve: number | null) => {
      const b = h("button", { type: "button", class: "period alarm-action", "data-testid": testid }, t(label));
      b.addEventListener("click", () => {
        b.disabled = true;
        act(a, shelve);
      });
      return b;
    };
    if (!acked) buttons.push(button("alarm_ack", `alarm-ack-${a.rule}-${a.target}`, null));
    if (a.shelved_until_s === null) buttons.push(button("alarm_shelve", `alarm-shelve-${a.rule}-${a.target}`, 30));
  }
  return h(
    "li",
    {
      class: `alarm alarm-${a.severity}`,
      "data-rule": a.rule,
      "data-target": a.target,
      "data-severity": a.severity,
      "data-active": String(a.active),
      "data-acked": String(acked),
    },
    h("span", { class: "alarm-severity" }, t(SEVERITY_KEY[a.severity] ?? "alarm_warning")),
    h("strong", { class: "alarm-name" }, nameOf(a.name)),
    h(
      "span",
      { class: "alarm-meta" },
      `${a.target} · ${time(iso(a.raised_s), timeZone)} · ${state}${a.count > 1 ? ` · ×${num(a.count)}` : ""}${a.flapping ? ` · ${t("alarm_flapping")}` : ""}`,
    ),
    acked ? h("span", { class: "alarm-ack", "data-testid": `alarm-acked-${a.rule}-${a.target}` }, `${t("alarm_acked_by")} ${a.acknowledged_by}`) : null,
    ...buttons,
  );
}

/** The alarm list of a frame (empty: says so, calmly). */
export function alarmList(alarms: AlarmDto[], timeZone: string, actions: AlarmActions): HTMLElement {
  const unacked = alarms.filter((a) => a.acknowledged_by === null).length;
  return h(
    "section",
    { class: "alarms-panel", "data-testid": "alarms", "data-count": String(alarms.length), "data-unacked": String(unacked), "aria-live": "assertive" },
    h("h2", {}, `${t("alarms_title")} `, h("span", { class: unacked > 0 ? "alarm-count alarm-count-open" : "alarm-count" }, num(alarms.length))),
    alarms.length === 0
      ? h("p", { class: "ops-label", "data-testid": "alarms-none" }, t("alarms_none"))
      : h("ul", { class: "alarm-list" }, ...alarms.slice(0, SHOWN).map((a) => row(a, timeZone, actions))),
    alarms.length > SHOWN ? h("p", { class: "ops-label", "data-testid": "alarms-more" }, `+${num(alarms.length - SHOWN)} ${t("alarms_more")}`) : null,
    actions.error ? h("p", { class: "warning", role: "alert", "data-testid": "alarm-error" }, `${t("alarm_failed")}: ${actions.error}`) : null,
  );
}
