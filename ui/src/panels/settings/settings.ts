// Settings: language, theme, the demo packs (played from here on the desktop app) and where the
// data comes from, with each source's state now.
import type { AccountDto, BriefingArgs, BriefingExport, DemoStatus, LiveFrame, ParkSummary, SourceHealthDto } from "../../api/bindings";
import { GatewayError, type LinkState } from "../../api/gateway";
import { h } from "../../dom";
import { type Key, type Lang, lang, nameOf, num, t } from "../../i18n";
import { THEMES, type Theme, theme } from "../../theme/theme";
import { DEFAULT_PLAYLIST } from "../../wall/playlist";
import { badge } from "../live/live";

export interface SettingsState {
  summary: ParkSummary;
  host: "tauri" | "http";
  readOnly: boolean;
  demo: DemoStatus | null;
  frame: LiveFrame | null;
  link: LinkState;
  /** Why live data is unavailable (the store could not be opened), or null. */
  unavailable: string | null;
  /** A demo that could not be started, and why. */
  demoError: string | null;
  /** The real data sources' health, as the ingest (`suangu run`) last reported it. */
  ingest: SourceHealthDto[];
  /** Now, Unix seconds (the age of each report). */
  nowS: number;
  /** Who acts at this console (the desktop app), or null where the host has no people. */
  account: AccountDto | null;
  /** Why the last sign-in failed, if it did. */
  accountError: string | null;
}

/** A report older than three of the ingest's report intervals (and at least a minute) means the
 * ingest itself has stopped reporting. */
function silentAfterS(s: SourceHealthDto): number {
  return Math.max(60, (3 * (s.report_every_ms ?? 10_000)) / 1000);
}

const LINK_KEY: Record<SourceHealthDto["link"]["state"], Key> = {
  connecting: "src_connecting",
  up: "src_up",
  backing_off: "src_backing_off",
  misconfigured: "src_misconfigured",
  stopped: "src_stopped",
};

/** One real source: its link (with why, when down), its counters, and its stale series greyed. */
function ingestSource(s: SourceHealthDto, nowS: number): HTMLElement {
  const age = Math.max(0, Math.round(nowS - s.reported_s));
  const old = age > silentAfterS(s);
  const why = s.link.state === "backing_off" ? s.link.error : s.link.state === "misconfigured" ? s.link.reason : null;
  const quality = old || s.link.state === "stopped" ? "stale" : s.link.state === "up" ? (s.stale.length > 0 ? "stale" : "live") : s.link.state === "connecting" ? "reconnecting" : "bad";
  const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
  return h(
    "li",
    { class: "ingest-source", "data-testid": `ingest-${s.id}`, "data-quality": quality, "data-link": s.link.state },
    h("strong", {}, s.id),
    h("span", { class: "ingest-link" }, why ? `${t(LINK_KEY[s.link.state])}: ${why}` : t(LINK_KEY[s.link.state])),
    h(
      "span",
      { class: "ops-label" },
      `${num(s.points)} ${t("src_points")} · ${num(s.uncertain)} ${t("src_uncertain")} · ${num(s.bad)} ${t("src_bad")} · ${num(rejected)} ${t("src_rejected")} · ${num(s.duplicates)} ${t("src_duplicates")}`,
    ),
    h("span", { class: old ? "warning" : "ops-label", "data-testid": `ingest-${s.id}-age` }, old ? `${t("src_report_old")} ${num(age)} s` : `${t("src_reported")} ${num(age)} s`),
    s.stale.length > 0
      ? h("ul", { class: "ingest-stale", "data-testid": `ingest-${s.id}-stale`, "aria-label": t("src_stale") }, ...s.stale.map((series) => h("li", { "data-quality": "stale", "data-series": series }, series)))
      : null,
  );
}

export interface SettingsActions {
  /** Open the wall window (the desktop app), or null where the host has no windows. */
  openWall: ((playlist: string) => void) | null;
  lang(next: Lang): void;
  theme(next: Theme): void;
  /** Play a pack, or go back to the live park (null). */
  play(pack: string | null): void;
  /** Write a briefing (the desktop app), or null where the host writes no files. */
  exportBriefing: ((args: BriefingArgs) => Promise<BriefingExport>) | null;
  /** Sign in with a local account, or out (the desktop app). */
  signIn(name: string, password: string): void;
  signOut(): void;
}

const ROLE_KEY: Record<string, Key> = { viewer: "role_viewer", operator: "role_operator", admin: "role_admin" };

/** Who acts here, in which role, and the sign-in form (or sign-out). Without accounts in the
 * store the desktop is a single-user console: its user is an operator, and says so. */
function accountControls(account: AccountDto, error: string | null, act: SettingsActions): HTMLElement[] {
  const who = h(
    "p",
    { "data-testid": "account-who", "data-role": account.role, "data-signed-in": String(account.signed_in) },
    `${account.name} · ${t(ROLE_KEY[account.role] ?? "role_viewer")}`,
    h("span", { class: "ops-label" }, ` · ${t(account.signed_in ? "account_signed_in" : account.accounts ? "account_signed_out" : "account_single_user")}`),
  );
  if (account.signed_in) {
    return [who, choice(t("account_sign_out"), false, "account-sign-out", () => act.signOut())];
  }
  if (!account.accounts) return [who];
  const name = h("input", { type: "text", "data-testid": "account-name", autocomplete: "username", "aria-label": t("account_name"), placeholder: t("account_name") });
  const password = h("input", { type: "password", "data-testid": "account-password", autocomplete: "current-password", "aria-label": t("account_password"), placeholder: t("account_password") });
  const form = h("form", { class: "account-form", "data-testid": "account-form" }, name, password, h("button", { type: "submit", class: "period", "data-testid": "account-sign-in" }, t("account_sign_in")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act.signIn(name.value.trim(), password.value);
    password.value = "";
  });
  const shown: HTMLElement[] = [who, form];
  if (error) shown.push(h("p", { class: "warning", role: "alert", "data-testid": "account-error" }, `${t("account_failed")}: ${error}`));
  return shown;
}

/** The briefing form's choices and its last outcome, kept across renders. */
const briefing: { args: BriefingArgs | null; busy: boolean; done: BriefingExport | null; error: string | null } = {
  args: null,
  busy: false,
  done: null,
  error: null,
};

/** The park day of `at_s` in the park's zone (YYYY-MM-DD). */
function parkDay(atS: number, timeZone: string): string {
  // From the parts: how a whole date is formatted differs between engines (WebKitGTK: 11/28/2026).
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(atS * 1000));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** Export a day's or week's briefing: period, day and language, then the files written. */
function briefingControls(state: SettingsState, act: SettingsActions): HTMLElement[] {
  const args = (briefing.args ??= {
    period: "day",
    date: state.frame ? parkDay(state.frame.at_s, state.summary.time_zone) : state.summary.date,
    lang: lang(),
  });
  const made = h("div", { class: "briefing-outcome", "aria-live": "polite" });
  // Settings may be drawn again while an export runs: its outcome goes where it is shown then.
  const show = (outcome = document.querySelector<HTMLElement>(".briefing-outcome") ?? made) => {
    if (briefing.busy) outcome.replaceChildren(h("p", { class: "ops-label", "data-testid": "briefing-busy" }, t("briefing_busy")));
    else if (briefing.error) outcome.replaceChildren(h("p", { class: "warning", role: "alert", "data-testid": "briefing-error" }, briefing.error));
    else if (briefing.done) {
      const d = briefing.done;
      outcome.replaceChildren(
        h(
          "p",
          { class: "ops-label", "data-testid": "briefing-done", "data-html": d.html },
          `${t("briefing_written")}: `,
          h("code", {}, d.html),
          ` · ${num(d.files.length)} ${t("briefing_files")} · ${num(d.intervals_stored)} / ${num(d.intervals_in_period)} ${t("briefing_intervals")} · ${num(d.render_ms)} ms`,
        ),
      );
    } else outcome.replaceChildren();
  };
  show(made);
  if (!act.exportBriefing) return [h("p", { class: "ops-label", "data-testid": "briefing-read-only" }, t("briefing_read_only"))];
  const write = act.exportBriefing;
  const periods = h(
    "div",
    { class: "settings-choices" },
    ...(["day", "week"] as const).map((p) => {
      const b = choice(t(p === "day" ? "briefing_day" : "briefing_week"), args.period === p, `briefing-period-${p}`, () => {
        args.period = p;
        for (const other of periods.querySelectorAll("button")) other.setAttribute("aria-pressed", String(other === b));
      });
      return b;
    }),
  );
  const date = h("input", { type: "date", class: "settings-date", "data-testid": "briefing-date", value: args.date, "aria-label": t("briefing_date") });
  date.addEventListener("change", () => (args.date = date.value));
  const langs = h(
    "div",
    { class: "settings-choices" },
    ...(["zh-CN", "en"] as const).map((l) => {
      const b = choice(l === "zh-CN" ? "中文" : "English", args.lang === l, `briefing-lang-${l}`, () => {
        args.lang = l;
        for (const other of langs.querySelectorAll("button")) other.setAttribute("aria-pressed", String(other === b));
      });
      return b;
    }),
  );
  const go = h("button", { type: "button", class: "period", "data-testid": "briefing-export", disabled: briefing.busy }, t("briefing_export"));
  go.addEventListener("click", () => {
    briefing.busy = true;
    briefing.error = null;
    show();
    write({ ...args })
      .then((done) => {
        briefing.done = done;
      })
      .catch((e: unknown) => {
        briefing.done = null;
        const message = e instanceof Error ? e.message : String(e);
        const noData = e instanceof GatewayError && e.error.code === "no_data";
        briefing.error = `${t("briefing_failed")}: ${noData ? `${t("error_no_data")} (${message})` : message}`;
      })
      .finally(() => {
        briefing.busy = false;
        for (const b of document.querySelectorAll<HTMLButtonElement>("[data-testid=briefing-export]")) b.disabled = false;
        show();
      });
  });
  return [h("p", { class: "ops-label" }, t("briefing_note")), periods, date, langs, go, made];
}

const THEME_KEY: Record<Theme, Key> = { dark: "theme_dark", contrast: "theme_contrast" };

function choice(label: string, pressed: boolean, testid: string, onClick: () => void, disabled = false): HTMLButtonElement {
  const b = h("button", { type: "button", class: "period", "data-testid": testid, "aria-pressed": String(pressed), disabled }, label);
  b.addEventListener("click", onClick);
  return b;
}

function section(title: Key, testid: string, ...body: (HTMLElement | null)[]): HTMLElement {
  return h("section", { class: "settings-section", "data-testid": testid }, h("h3", { class: "settings-title" }, t(title)), ...body);
}

/** The wall: a playlist, and a button to open the wall window or the address for a browser. */
function wallControls(act: SettingsActions): HTMLElement[] {
  const playlist = h("input", { type: "text", class: "settings-playlist", "data-testid": "wall-playlist", value: DEFAULT_PLAYLIST, "aria-label": t("settings_wall") });
  const address = () => `${location.origin}${location.pathname}?wall=${encodeURIComponent(playlist.value.trim())}`;
  if (act.openWall) {
    const open = act.openWall;
    const b = h("button", { type: "button", class: "period", "data-testid": "wall-open" }, t("wall_open"));
    b.addEventListener("click", () => open(playlist.value.trim()));
    return [h("p", { class: "ops-label" }, t("wall_note")), playlist, b];
  }
  const link = h("a", { class: "wall-address", "data-testid": "wall-address", target: "_blank", rel: "noopener" });
  const show = () => {
    link.href = address();
    link.textContent = address();
  };
  playlist.addEventListener("input", show);
  show();
  return [h("p", { class: "ops-label" }, t("wall_note_browser")), playlist, link];
}

export function settingsView(state: SettingsState, act: SettingsActions): HTMLElement {
  const languages = h(
    "div",
    { class: "settings-choices" },
    choice("中文", lang() === "zh-CN", "settings-lang-zh-CN", () => act.lang("zh-CN")),
    choice("English", lang() === "en", "settings-lang-en", () => act.lang("en")),
  );
  const themes = h(
    "div",
    { class: "settings-choices" },
    ...THEMES.map((th) => choice(t(THEME_KEY[th]), theme() === th, `settings-theme-${th}`, () => act.theme(th))),
  );
  const demo = state.demo;
  const playing = demo?.active ? demo.id : null;
  const packs = h(
    "ul",
    { class: "settings-packs" },
    ...(demo?.packs ?? []).map((p) =>
      h(
        "li",
        { "data-pack": p.id },
        choice(p.id === playing ? `▶ ${t("demo_playing")}` : t("demo_play"), p.id === playing, `demo-play-${p.id}`, () => act.play(p.id), state.readOnly),
        h("strong", {}, nameOf(p.name)),
        h("span", { class: "ops-label" }, `${t("demo_length")} ${num(p.real_s)} s`),
      ),
    ),
  );
  const stop = playing ? choice(t("demo_stop"), false, "demo-stop", () => act.play(null), state.readOnly) : null;
  const live = badge(state.frame, state.link, state.summary.time_zone);
  const row = (label: Key, value: string, quality: string, testid: string) =>
    h("tr", { "data-testid": testid, "data-quality": quality }, h("th", {}, t(label)), h("td", {}, value));
  const sources = h(
    "table",
    { class: "settings-sources" },
    h(
      "tbody",
      {},
      row("source_park", state.summary.source, "live", "source-park"),
      row("source_live", `${t("source_twin")} · ${state.unavailable === null ? live.text : t("quality_bad")}`, state.unavailable === null ? live.state : "bad", "source-live"),
      row("source_store", state.unavailable ?? t("source_store_ok"), state.unavailable === null ? "live" : "bad", "source-store"),
      row("source_host", t(state.host === "tauri" ? "host_tauri" : "host_http"), "live", "source-host"),
    ),
  );
  return h(
    "section",
    { class: "ops-view settings", "data-testid": "settings" },
    state.account ? section("settings_account", "settings-account", ...accountControls(state.account, state.accountError, act)) : null,
    section("settings_language", "settings-language", languages),
    section("settings_theme", "settings-theme", themes),
    section(
      "settings_demo",
      "settings-demo",
      h("p", { class: "ops-label" }, t(state.readOnly ? "demo_read_only" : "settings_demo_note")),
      packs,
      stop,
      state.demoError ? h("p", { class: "warning", role: "alert", "data-testid": "demo-error" }, `${t("demo_failed")}: ${state.demoError}`) : null,
    ),
    section("settings_wall", "settings-wall", ...wallControls(act)),
    section("settings_briefing", "settings-briefing", ...briefingControls(state, act)),
    section(
      "settings_sources",
      "settings-sources",
      sources,
      h("h4", { class: "ops-label" }, t("src_ingest")),
      state.ingest.length > 0
        ? h("ul", { class: "ingest-sources", "data-testid": "ingest-sources" }, ...state.ingest.map((s) => ingestSource(s, state.nowS)))
        : h("p", { class: "ops-label", "data-testid": "ingest-none" }, t("src_none")),
    ),
  );
}
