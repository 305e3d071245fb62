// Wall mode: a playlist of screens on a fixed logical canvas (1080 px high, at least 1920 wide,
// wider for wide walls) scaled to the wall's native resolution; a clock; the live link's state
// in large type; a screen that fails is skipped and the playlist carries on; a screen that stops
// updating is rebuilt; an operator can pin a screen (the pin button, or the P key).
//
// A screen is built once and kept (hidden while another is shown), then refreshed in place when
// the playlist comes back to it: a wall turns its playlist thousands of times a day, and a turn
// that built every screen anew would make the browser compile, shape text and collect for
// nothing. A screen is built again only when it failed or stopped taking frames.
import type { LiveFrame, ParkMap, ParkSummary } from "../api/bindings";
import type { Gateway, LinkState } from "../api/gateway";
import { h } from "../dom";
import { nameOf, t, time as clockTime } from "../i18n";
import { badge } from "../panels/live/live";
import { DEFAULT_PLAYLIST, type Entry, entryKey, parsePlaylist, Rotation } from "./playlist";
import { buildScreen, TITLE, type WallScreen } from "./screens";

const HEIGHT = 1080;
const MIN_WIDTH = 1920;
/** A screen that has not taken a frame for this long while frames arrive is rebuilt. */
const STUCK_MS = 20_000;
/** A screen that has not built within this long has failed. */
const BUILD_TIMEOUT_MS = 15_000;
/** At most this many built screens are kept (the least recently shown is let go): a centre's
 * screen holds thousands of racks. */
const MAX_KEPT = 6;

export interface WallOptions {
  playlist: string | null;
  pin: string | null;
}

/** The logical canvas for a viewport, and its scale: full height, as wide as the wall's shape
 * allows (never narrower than 1920; a narrower wall letterboxes). */
export function canvasSize(width: number, height: number): { width: number; scale: number } {
  const logical = Math.max(MIN_WIDTH, Math.round((HEIGHT * width) / Math.max(1, height)));
  return { width: logical, scale: Math.min(width / logical, height / HEIGHT) };
}

export function startWall(root: HTMLElement, gateway: Gateway, summary: ParkSummary, map: ParkMap, options: WallOptions): void {
  const parsed = parsePlaylist(options.playlist ?? DEFAULT_PLAYLIST);
  const rotation = new Rotation(parsed.entries.length > 0 ? parsed.entries : parsePlaylist(DEFAULT_PLAYLIST).entries);
  if (options.pin) rotation.pin(options.pin);
  // What the wall has skipped or rebuilt, newest last; bounded (a wall runs for days).
  const notes = [...parsed.errors];
  const note_ = (text: string) => {
    notes.push(text);
    if (notes.length > 20) notes.splice(0, notes.length - 20);
  };

  const title = h("div", { class: "wall-title", "data-testid": "wall-title" });
  const link = h("div", { class: "wall-link quality", "data-testid": "wall-link" });
  const clock = h("div", { class: "wall-clock", "data-testid": "wall-clock" });
  const pin = h("button", { type: "button", class: "wall-pin", "data-testid": "wall-pin", "aria-pressed": "false" });
  const stage = h("main", { class: "wall-stage", "data-testid": "wall-stage" });
  const dots = h("ol", { class: "wall-dots" });
  const note = h("div", { class: "wall-note", "data-testid": "wall-note" });
  const canvas = h(
    "div",
    { class: "wall-canvas", "data-testid": "wall-canvas" },
    h("header", { class: "wall-bar" }, h("div", { class: "wall-park" }, nameOf(summary.name)), title, link, clock, pin),
    stage,
    h("footer", { class: "wall-foot" }, dots, note),
  );
  root.replaceChildren(h("div", { class: "wall-viewport", "data-testid": "wall" }, canvas));
  document.body.classList.add("wall-mode");

  const fit = () => {
    const { width, scale } = canvasSize(window.innerWidth, window.innerHeight);
    canvas.style.width = `${width}px`;
    canvas.style.transform = `scale(${scale})`;
    canvas.dataset.scale = String(scale);
    canvas.dataset.width = String(width);
  };
  window.addEventListener("resize", fit);
  fit();

  let frame: LiveFrame | null = null;
  let state: LinkState = "connecting";
  let screen: WallScreen | null = null;
  /** The screens built, by entry, least recently shown first. */
  const kept = new Map<string, WallScreen>();
  const letGo = (key: string) => {
    const s = kept.get(key);
    if (!s) return;
    kept.delete(key);
    s.destroy();
    s.el.remove();
    if (screen === s) screen = null;
  };
  let lastOk = Date.now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let generation = 0;

  const stateOf = () => badge(frame, state, summary.time_zone);
  const showLink = () => {
    const b = stateOf();
    link.textContent = b.text;
    link.dataset.state = b.state;
    canvas.dataset.link = b.state;
  };
  const showPlaylist = (current: Entry) => {
    dots.replaceChildren(
      ...rotation.entries.map((e) =>
        h("li", { "data-entry": entryKey(e), "aria-current": String(e === current) }, `${t(TITLE[e.screen])}${e.arg ? ` ${e.arg}` : ""}`),
      ),
    );
    note.textContent = notes.slice(-2).join(" · ");
    pin.textContent = rotation.pinned ? `📌 ${t("wall_unpin")}` : t("wall_pin");
    pin.setAttribute("aria-pressed", String(rotation.pinned !== null));
  };

  /** Show `entry` (built, or refreshed if kept; built anew with `rebuild`); on failure note it
   * and move on at once. */
  const show = async (entry: Entry, rebuild = false) => {
    const mine = ++generation;
    const key = entryKey(entry);
    if (timer) clearTimeout(timer);
    title.textContent = `${t(TITLE[entry.screen])}${entry.arg ? ` · ${entry.arg}` : ""}`;
    canvas.dataset.screen = key;
    showPlaylist(entry);
    if (rebuild) letGo(key);
    const have = kept.get(key);
    let deadline: ReturnType<typeof setTimeout> | undefined;
    try {
      const ready = await Promise.race([
        have ? (have.refresh?.() ?? Promise.resolve()).then(() => have) : buildScreen(entry.screen, entry.arg, { gateway, summary, map, frame, state: stateOf().state }),
        new Promise<never>((_, fail) => {
          deadline = setTimeout(() => fail(new Error(t("wall_timeout"))), BUILD_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(deadline);
      if (mine !== generation) {
        if (!have) ready.destroy();
        return;
      }
      // Most recently shown last; the oldest let go beyond the bound.
      kept.delete(key);
      kept.set(key, ready);
      for (const old of [...kept.keys()].slice(0, Math.max(0, kept.size - MAX_KEPT))) letGo(old);
      if (!have) stage.append(ready.el);
      for (const s of kept.values()) s.el.hidden = s !== ready;
      screen = ready;
      // A kept screen missed the frames that came while it was hidden.
      if (have && frame) ready.update(frame, stateOf().state);
      stage.dataset.screen = key;
      lastOk = Date.now();
      timer = setTimeout(() => void next(false), entry.dwell_s * 1000);
    } catch (e) {
      clearTimeout(deadline);
      if (mine !== generation) return;
      // A kept screen that cannot refresh is built anew next time.
      letGo(key);
      note_(`${t("wall_skipped")} ${key}: ${e instanceof Error ? e.message : String(e)}`);
      canvas.dataset.skipped = String(Number(canvas.dataset.skipped ?? 0) + 1);
      void next(true);
    }
  };
  const next = async (failed: boolean) => {
    const { entry, wait_s } = rotation.advance(failed);
    // Whole turns of the playlist (the soak benchmark waits for one).
    if (entry === rotation.entries[0]) canvas.dataset.turns = String(Number(canvas.dataset.turns ?? 0) + 1);
    if (wait_s > 0) {
      timer = setTimeout(() => void show(entry), wait_s * 1000);
      return;
    }
    await show(entry);
  };

  pin.addEventListener("click", () => togglePin());
  window.addEventListener("keydown", (e) => {
    if (e.key === "p" || e.key === "P") togglePin();
  });
  const togglePin = () => {
    rotation.pin(rotation.pinned ? null : entryKey(rotation.current()));
    showPlaylist(rotation.current());
  };

  gateway.subscribe(
    "live",
    (f) => {
      frame = f;
      state = "open";
      canvas.dataset.at = String(f.at_s);
      // Frames this wall has taken (the soak benchmark reads it).
      document.body.dataset.frames = String(Number(document.body.dataset.frames ?? 0) + 1);
      showLink();
      if (!screen) return;
      try {
        screen.update(f, stateOf().state);
        lastOk = Date.now();
      } catch (e) {
        // A screen that cannot take a frame is rebuilt (the watchdog's job, done at once).
        note_(`${t("wall_rebuilt")} ${entryKey(rotation.current())}: ${String(e)}`);
        void show(rotation.current(), true);
      }
    },
    (s) => {
      state = s;
      showLink();
      // The numbers on screen grey out while the link is down: never an old number as live.
      if (screen && frame) screen.update(frame, stateOf().state);
    },
  );

  // The watchdog: a screen that stopped taking frames while frames arrive is rebuilt.
  setInterval(() => {
    if (state === "open" && screen && Date.now() - lastOk > STUCK_MS) {
      note_(`${t("wall_rebuilt")} ${entryKey(rotation.current())}`);
      void show(rotation.current(), true);
    }
  }, 5000);

  const time = () => clockTime(new Date().toISOString(), summary.time_zone);
  clock.textContent = time();
  setInterval(() => {
    clock.textContent = time();
  }, 1000);
  showLink();
  void show(rotation.current());
}
