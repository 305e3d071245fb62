// The wall's playlist (pure; unit-tested): which screens, how long each, which is pinned, and
// what comes next when one fails. Written as `kpis:20,map:30,centre/CM-N02:15` (screen, an
// optional argument after a slash, dwell seconds) in the address (`?wall=...`) or the app's
// `--wall` flag.

export const SCREENS = ["kpis", "map", "green", "capacity", "centre", "alarms"] as const;
export type ScreenName = (typeof SCREENS)[number];

export interface Entry {
  screen: ScreenName;
  /** What the screen shows, where it takes one (a centre's id). */
  arg: string | null;
  dwell_s: number;
}

export const DEFAULT_PLAYLIST = "kpis:20,map:30,green:20,capacity:20,alarms:15";
/** Dwell bounds: long enough to read, short enough that a wall moves. */
const MIN_DWELL_S = 3;
const MAX_DWELL_S = 3600;

/** Parse a playlist; every entry that cannot be played is named in `errors` and left out. */
export function parsePlaylist(text: string): { entries: Entry[]; errors: string[] } {
  const entries: Entry[] = [];
  const errors: string[] = [];
  for (const [i, raw] of text.split(",").entries()) {
    const item = raw.trim();
    if (item === "") continue;
    const m = /^([a-z0-9]+)(?:\/([A-Za-z0-9_~-]+))?(?::(\d+))?$/.exec(item);
    const screen = SCREENS.find((s) => s === m?.[1]);
    if (!m || !screen) {
      errors.push(`entry ${i + 1} "${item}": expected screen[/arg][:seconds], screens: ${SCREENS.join(", ")}`);
      continue;
    }
    const dwell = m[3] === undefined ? 20 : Number(m[3]);
    if (dwell < MIN_DWELL_S || dwell > MAX_DWELL_S) {
      errors.push(`entry ${i + 1} "${item}": dwell ${dwell} s, expected ${MIN_DWELL_S}..${MAX_DWELL_S}`);
      continue;
    }
    if (screen === "centre" && !m[2]) {
      errors.push(`entry ${i + 1} "${item}": the centre screen needs a centre id (centre/CM-N02)`);
      continue;
    }
    entries.push({ screen, arg: m[2] ?? null, dwell_s: dwell });
  }
  return { entries, errors };
}

export function entryKey(e: Entry): string {
  return e.arg === null ? e.screen : `${e.screen}/${e.arg}`;
}

/** Where the wall is in its playlist. A failed screen is skipped at once; when every screen has
 * failed in a row, the wall waits a dwell before trying again (never a tight loop). A pinned
 * screen stays until unpinned. */
export class Rotation {
  private index = 0;
  private failedInRow = 0;
  pinned: string | null = null;

  constructor(readonly entries: Entry[]) {
    if (entries.length === 0) throw new Error("an empty playlist");
  }

  current(): Entry {
    return this.entries[this.index] as Entry;
  }

  /** Move on after the current screen's dwell (or its failure); returns the next entry and how
   * long to wait before showing it (0 unless everything failed in a row). */
  advance(failed: boolean): { entry: Entry; wait_s: number } {
    this.failedInRow = failed ? this.failedInRow + 1 : 0;
    if (this.pinned !== null) {
      const pinned = this.entries.findIndex((e) => entryKey(e) === this.pinned);
      if (pinned >= 0 && !failed) {
        this.index = pinned;
        return { entry: this.current(), wait_s: 0 };
      }
    }
    this.index = (this.index + 1) % this.entries.length;
    const allFailed = this.failedInRow >= this.entries.length;
    if (allFailed) this.failedInRow = 0;
    return { entry: this.current(), wait_s: allFailed ? this.current().dwell_s : 0 };
  }

  /** Pin a screen of the playlist, going to it (or unpin with null). A key that is not in the
   * playlist pins nothing. */
  pin(key: string | null): void {
    const at = key === null ? -1 : this.entries.findIndex((e) => entryKey(e) === key);
    this.pinned = at >= 0 ? key : null;
    if (at >= 0) this.index = at;
  }
}
