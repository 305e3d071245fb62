// Replay: a time slider over a past period that redraws the whole picture (map colours, the live
// panel, the event time line) as it was, from the store, at a chosen speed; leaving it returns
// to live. The frames come from the core (`park_replay`); this panel only says which instant.
import type { EventDto } from "../../api/bindings";
import { h } from "../../dom";
import { eventKind, lang, t } from "../../i18n";

export interface ReplayState {
  from_s: number;
  to_s: number;
  at_s: number;
  /** Simulated seconds per real second while playing. */
  speed: number;
  playing: boolean;
}

export const SPEEDS = [1, 10, 60, 600, 3600];

export interface ReplayActions {
  seek(at_s: number): void;
  play(playing: boolean): void;
  speed(speed: number): void;
  exit(): void;
}

/** The events recorded up to `at_s` in the period, newest first (pure). */
export function eventsUpTo(events: EventDto[], state: ReplayState, at_s: number): EventDto[] {
  return events.filter((e) => e.at_s >= state.from_s && e.at_s <= at_s).sort((a, b) => b.at_s - a.at_s);
}

export function replayBar(state: ReplayState, events: EventDto[], timeZone: string, act: ReplayActions): { el: HTMLElement; show(at_s: number, note: string | null): void } {
  const stamp = new Intl.DateTimeFormat(lang(), { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone });
  const slider = h("input", {
    type: "range",
    class: "replay-slider",
    "data-testid": "replay-slider",
    min: state.from_s,
    max: state.to_s,
    step: 1,
    value: state.at_s,
    "aria-label": t("replay_slider"),
  });
  slider.addEventListener("input", () => act.seek(Number(slider.value)));
  const when = h("strong", { class: "replay-at", "data-testid": "replay-at" });
  const play = h("button", { type: "button", class: "period", "data-testid": "replay-play", "aria-pressed": String(state.playing) }, state.playing ? t("replay_pause") : t("replay_play"));
  play.addEventListener("click", () => act.play(!state.playing));
  const speeds = h(
    "div",
    { class: "periods", role: "group" },
    ...SPEEDS.map((s) => {
      const b = h("button", { type: "button", class: "period", "data-testid": `replay-speed-${s}`, "aria-pressed": String(s === state.speed) }, `${s}x`);
      b.addEventListener("click", () => act.speed(s));
      return b;
    }),
  );
  const exit = h("button", { type: "button", class: "period replay-exit", "data-testid": "replay-exit" }, t("replay_exit"));
  exit.addEventListener("click", () => act.exit());
  // Where things happened: a mark on the track for each event of the period.
  const span = Math.max(1, state.to_s - state.from_s);
  const marks = h(
    "div",
    { class: "replay-marks" },
    ...events
      .filter((e) => e.at_s >= state.from_s && e.at_s <= state.to_s)
      .map((e) => h("span", { class: "replay-mark", "data-kind": e.kind, "data-at": e.at_s, "data-target": e.target, style: `left:${((e.at_s - state.from_s) / span) * 100}%`, title: `${stamp.format(new Date(e.at_s * 1000))} ${eventKind(e.kind)} ${e.target}` })),
  );
  const recent = h("ul", { class: "replay-events", "data-testid": "replay-events" });
  const note = h("span", { class: "warning", "data-testid": "replay-note" });
  const el = h(
    "div",
    { class: "replay-bar", "data-testid": "replay", role: "region", "aria-label": t("replay") },
    h("strong", {}, t("replay")),
    when,
    play,
    speeds,
    h("div", { class: "replay-track" }, slider, marks),
    recent,
    note,
    exit,
  );
  return {
    el,
    show(at_s, why) {
      note.textContent = why ?? "";
      when.textContent = stamp.format(new Date(at_s * 1000));
      if (Number(slider.value) !== at_s) slider.value = String(at_s);
      el.dataset.at = String(at_s);
      recent.replaceChildren(...eventsUpTo(events, state, at_s).slice(0, 3).map((e) => h("li", { "data-kind": e.kind }, `${stamp.format(new Date(e.at_s * 1000))} ${eventKind(e.kind)} ${e.target}`)));
    },
  };
}
