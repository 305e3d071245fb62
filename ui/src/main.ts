// Entry point: connect to the core through whichever host we run in, then draw the screen.
import "./locale-guard";
import "./theme/fonts.css";
import "./theme/tokens.css";
import "./app.css";
import type { Capacity, CentreDetail, AccountDto, Approval, DemoStatus, Drill, EventDto, Events, Heatmap, Incidents, LedgerDay, LiveFrame, N1, ParkMap, ParkSummary, RackMetricName, Schedule, SourceHealthDto } from "./api/bindings";
import { connect, type Failure, type Gateway, GatewayError, type LinkState, transport } from "./api/gateway";
import { h } from "./dom";
import { type Key, lang, nameOf, onLangChange, setLang, t } from "./i18n";
import { messages } from "./i18n/messages";
import { renderHeader } from "./panels/header/header";
import { badge, type LivePanel, livePanel, qualityBadge } from "./panels/live/live";
import { renderLegend, renderMap, updateMapLive } from "./panels/map/map";
import { type HeatmapPanel, heatmapPanel } from "./panels/heatmap/heatmap";
import { decodeFrame, type HeatmapFrame } from "./panels/heatmap/frame";
import { capacityView, centreView, zoneView, demoBanner, drillBanner, evacuationList, ledgerView, n1View, overviewView, scheduleView } from "./panels/ops/panels";
import { historySeries, type Period, type Series, toSeries } from "./panels/trend/series";
import { type TrendPanel, trendPanel } from "./panels/trend/trend";
import { settingsView } from "./panels/settings/settings";
import { alarmList } from "./panels/alarms/alarms";
import { incidentsView } from "./panels/alarms/incidents";
import { type ReplayState, replayBar } from "./panels/replay/replay";
import { initialTheme, setTheme } from "./theme/theme";

type View =
  | { kind: "loading" }
  | { kind: "ready"; summary: ParkSummary; map: ParkMap; host: "tauri" | "http" }
  | { kind: "failed"; failure: Failure };

const app = document.getElementById("app") as HTMLElement;
let view: View = { kind: "loading" };

/** Live state lives outside the rendered DOM: a language switch rebuilds the panels and they
 * pick up the latest values at once. */
const live: {
  frame: LiveFrame | null;
  link: LinkState;
  trend: { series: Series; level: "raw" | "interval" } | null;
  /** When the trend was last fetched (data time), to refresh it as time moves on. */
  trendAt: number;
  period: Period;
  panel: LivePanel | null;
  chart: TrendPanel | null;
  map: SVGSVGElement | null;
  unavailable: string | null;
  /** What the main panel shows. */
  view: MainView;
  metric: RackMetricName;
  heatmap: HeatmapPanel | null;
  heatmapData: Heatmap | null;
  /** The newest binary frame painted over the layout of `heatmapData`. */
  heatmapFrame: HeatmapFrame | null;
  /** Stops the live heatmap stream. */
  heatmapStop: (() => void) | null;
  demo: DemoStatus | null;
  /** The data sources' health as the ingest last reported it (Settings). */
  sources: SourceHealthDto[];
  demoEl: HTMLElement | null;
  /** Where the alarm list is drawn (the side panel). */
  alarmsEl: HTMLElement | null;
  /** Why the last alarm action failed, shown in the list until one succeeds. */
  alarmError: string | null;
  /** Where the open view shows its data's quality. */
  qualitySlot: HTMLElement | null;
  /** Replay of a past period, when on: the picture shows `frame` (from the store). */
  replay: {
    state: ReplayState;
    events: EventDto[];
    frame: LiveFrame | null;
    bar: { el: HTMLElement; show(at_s: number, note: string | null): void } | null;
    timer: ReturnType<typeof setInterval> | null;
    request: number;
    /** Why there is no picture at the instant asked (nothing recorded then). */
    note: string | null;
  } | null;
  /** A demo that could not be started, and why. */
  demoError: string | null;
  /** Who acts at this console (the desktop app), and why the last sign-in failed. */
  account: AccountDto | null;
  accountError: string | null;
  /** Why the last incident note could not be added. */
  incidentError: string | null;
  ops: {
    capacity: Capacity | null;
    online: Capacity | null;
    ledger: LedgerDay | null;
    n1: N1 | null;
    events: Events | null;
    drill: Drill | null;
    /** The running drill's plan, approved (by whom, when), or null. */
    approval: Approval | null;
    schedule: Schedule | null;
    incidents: Incidents | null;
    centre: CentreDetail | null;
    centreId: string | null;
    /** The hall shown alone in the centre view, or null for all of them. */
    hallId: string | null;
    zoneId: string | null;
    at: number;
    /** When they were last fetched, real time (ms). */
    fetchedMs: number;
  };
} = {
  frame: null,
  link: "connecting",
  trend: null,
  trendAt: -1,
  period: { hours: 24, until_s: null },
  panel: null,
  chart: null,
  map: null,
  unavailable: null,
  view: "map",
  metric: "power_kw",
  heatmap: null,
  heatmapData: null,
  heatmapFrame: null,
  heatmapStop: null,
  demo: null,
  sources: [],
  demoEl: null,
  alarmsEl: null,
  alarmError: null,
  qualitySlot: null,
  replay: null,
  demoError: null,
  account: null,
  accountError: null,
  incidentError: null,
  ops: { capacity: null, online: null, ledger: null, n1: null, events: null, drill: null, approval: null, schedule: null, incidents: null, centre: null, centreId: null, hallId: null, zoneId: null, at: -1, fetchedMs: 0 },
};

type MainView = "zone" | "centre" | "overview" | "map" | "heatmap" | "capacity" | "ledger" | "n1" | "schedule" | "incidents" | "settings";
const VIEWS: [MainView, Key][] = [
  ["overview", "view_overview"],
  ["map", "view_map"],
  ["heatmap", "view_heatmap"],
  ["capacity", "view_capacity"],
  ["ledger", "view_ledger"],
  ["n1", "view_n1"],
  ["schedule", "view_schedule"],
  ["incidents", "view_incidents"],
  ["settings", "view_settings"],
];
let gatewayRef: Gateway | null = null;
/** What the alarm list shows now (rule, target and state of each alarm, and the last error). */
let shownAlarms = "";

// WebKit's console is invisible in tests and to users: show script errors on the page.
function showFatal(message: string): void {
  const box = document.getElementById("fatal");
  if (!box) return;
  box.hidden = false;
  box.textContent = `${t("error_script")}: ${message}`;
}
window.addEventListener("error", (e) => showFatal(String(e.message)));
window.addEventListener("unhandledrejection", (e) => showFatal(String(e.reason)));

function render(): void {
  document.documentElement.lang = lang();
  document.title = t("app_title");
  if (view.kind === "loading") {
    app.replaceChildren(h("div", { class: "loading" }, t("loading")));
    return;
  }
  if (view.kind === "failed") {
    app.replaceChildren(renderFailure(view.failure));
    return;
  }
  const { summary, map, host } = view;
  const toggle = () => setLang(lang() === "zh-CN" ? "en" : "zh-CN");
  live.chart?.destroy();
  live.panel = livePanel(summary.time_zone);
  live.chart = trendPanel(summary.time_zone, live.period, (period) => {
    live.period = period;
    live.trend = null;
    live.heatmapData = null;
    render();
    applyLive();
    if (gatewayRef) {
      void refreshTrend(gatewayRef);
      void refreshHeatmap(gatewayRef);
    }
  });
  live.map = renderMap(map);
  // A click on a building opens it (its racks, feeds and jobs); on a zone, its centres.
  const openCentre = (id: string | null) => {
    live.ops.centreId = id;
    live.ops.centre = null;
    live.ops.hallId = null;
    live.view = "centre";
    render();
    applyLive();
    if (gatewayRef) void refreshOps(gatewayRef);
  };
  for (const g of live.map.querySelectorAll<SVGGElement>("g.centre")) {
    g.addEventListener("click", () => openCentre(g.dataset.id ?? null));
  }
  for (const g of live.map.querySelectorAll<SVGGElement>("g.zone")) {
    g.addEventListener("click", () => {
      live.ops.zoneId = g.dataset.id ?? null;
      live.view = "zone";
      render();
      applyLive();
      if (gatewayRef) void refreshOps(gatewayRef);
    });
  }
  live.heatmap?.destroy();
  live.heatmap =
    live.view === "heatmap"
      ? heatmapPanel(map.centres, live.metric, summary.time_zone, (metric) => {
          live.metric = metric;
          live.heatmapData = null;
          render();
          applyLive();
          if (gatewayRef) void refreshHeatmap(gatewayRef);
        })
      : null;
  // The live heatmap follows every sample of the racks, pushed as binary frames; a past
  // instant is one answer from the store.
  live.heatmapStop?.();
  live.heatmapStop = null;
  if (live.heatmap && gatewayRef && live.period.until_s === null) {
    const panel = live.heatmap;
    live.heatmapStop = gatewayRef.heatmap(
      live.metric,
      (buffer) => {
        try {
          live.heatmapFrame = decodeFrame(buffer);
          panel.setFrame(live.heatmapFrame);
        } catch (e) {
          showFatal(String(e));
        }
      },
      () => {},
    );
  }
  const tab = (view: MainView, key: Key) => {
    const b = h("button", { type: "button", class: "period", "data-testid": `view-${view}`, "aria-pressed": String(live.view === view) }, t(key));
    b.addEventListener("click", () => {
      live.view = view;
      render();
      applyLive();
      if (view === "heatmap" && gatewayRef) void refreshHeatmap(gatewayRef);
      if (gatewayRef) void refreshOps(gatewayRef);
    });
    return b;
  };
  const names = new Map(map.centres.map((c) => [c.id, nameOf(c.label)]));
  // The live drill's banner; in replay the picture (and its event list) is the recorded one.
  const drilling = live.replay === null && live.ops.drill !== null && (live.frame?.at_s ?? 0) < live.ops.drill.until_s ? live.ops.drill : null;
  const opsView = (): HTMLElement[] => {
    const o = live.ops;
    const waiting = () => [h("div", { class: "loading" }, t("loading"))];
    switch (live.view) {
      case "capacity":
        return o.capacity ? [capacityView(o.capacity, o.online, names, new Map(map.zones.map((z) => [z.id, nameOf(z.name)])))] : waiting();
      case "ledger":
        return o.ledger ? [ledgerView(o.ledger, summary.time_zone)] : waiting();
      case "n1":
        return o.n1
          ? [
              n1View(o.n1, o.events, !canAct(), summary.time_zone, (asset) => void runDrill(asset)),
              ...(o.drill ? [evacuationList(o.drill, summary.time_zone, o.approval, canAct() ? () => void approveEvacuation() : null)] : []),
            ]
          : waiting();
      case "centre":
        return o.centre
          ? [
              centreView(o.centre, names.get(o.centre.id) ?? o.centre.id, summary.time_zone, { metric: live.metric, hall: o.hallId }, {
                back: () => {
                  live.view = "map";
                  render();
                  applyLive();
                },
                metric: (m) => {
                  live.metric = m;
                  render();
                  applyLive();
                },
                hall: (id) => {
                  o.hallId = id;
                  render();
                  applyLive();
                },
              }),
            ]
          : waiting();
      case "zone": {
        const zone = map.zones.find((z) => z.id === o.zoneId);
        return o.capacity && zone
          ? [
              zoneView(
                zone.id,
                nameOf(zone.name),
                o.capacity,
                map.centres.map((c) => ({ id: c.id, zone: c.zone, name: nameOf(c.label) })),
                (id) => openCentre(id),
                () => {
                  live.view = "map";
                  render();
                  applyLive();
                },
              ),
            ]
          : waiting();
      }
      case "overview":
        return [overviewView(summary, map, live.frame, o.capacity, o.ledger, o.schedule)];
      case "settings":
        return [
          settingsView(
            { summary, host, readOnly: !canAct(), account: live.account, accountError: live.accountError, demo: live.demo, frame: live.frame, link: live.link, unavailable: live.unavailable, demoError: live.demoError, ingest: live.sources, nowS: Date.now() / 1000 },
            {
              lang: (next) => setLang(next),
              theme: (next) => {
                setTheme(next);
                render();
                applyLive();
              },
              play: (pack) => void playDemo(pack),
              exportBriefing: gatewayRef && canAct() ? (args) => gatewayRef!.call("export_briefing", args) : null,
              signIn: (name, password) => void account((a) => a.signIn(name, password)),
              signOut: () => void account((a) => a.signOut()),
              openWall: gatewayRef?.openWall
                ? (playlist) => {
                    gatewayRef?.openWall?.(playlist).catch((e: unknown) => showFatal(e instanceof GatewayError ? e.error.message : String(e)));
                  }
                : null,
            },
          ),
        ];
      case "schedule":
        return o.schedule ? [scheduleView(o.schedule, names, map.centres.map((c) => c.id), summary.time_zone)] : waiting();
      case "incidents":
        return o.incidents
          ? [
              incidentsView(o.incidents, names, summary.time_zone, {
                error: live.incidentError,
                openCentre: (id) => openCentre(id),
                tick: gatewayRef && canAct() ? (incident, kind, step) => void tickStep(incident, kind, step) : null,
                note: gatewayRef && canAct() ? (incident, text, settled) => void addNote(incident, text, settled) : null,
              }),
            ]
          : waiting();
      default:
        return [];
    }
  };
  app.replaceChildren(
    renderHeader(summary, toggle),
    h(
      "div",
      { class: "body" },
      h(
        "main",
        { class: "map-panel", "aria-label": t("map_title") },
        h("div", { class: "view-tabs", role: "tablist" }, ...VIEWS.map(([v, key]) => tab(v, key)), replayToggle()),
        ...(live.view === "map"
          ? [live.map, renderLegend(), (live.qualitySlot = h("div", { class: "map-quality" })), ...(drilling ? [drillBanner(drilling, summary.time_zone)] : [])]
          : live.heatmap
            ? [live.heatmap.el]
            : [h("div", { class: "ops-stage" }, (live.qualitySlot = h("div", { class: "ops-quality" })), ...opsView())]),
      ),
      h(
        "aside",
        { class: "side" },
        (live.alarmsEl = h("div", { class: "alarms-slot" })),
        live.unavailable === null
          ? live.panel.el
          : h("section", { class: "live-panel", "data-quality": "bad" }, h("h2", {}, t("live_unavailable")), h("p", {}, live.unavailable)),
        live.chart.el,
      ),
    ),
    (live.demoEl = h("div", { class: "demo-slot" })),
    ...(live.replay ? [(live.replay.bar = replayBar(live.replay.state, live.replay.events, summary.time_zone, replayActions())).el] : []),
    h(
      "footer",
      { class: "status-line" },
      h("span", {}, `${t("source")}: ${summary.source}`),
      h("span", { "data-testid": "host" }, t(host === "tauri" ? "host_tauri" : "host_http")),
      ...summary.warnings.map((w) => h("span", { class: "warning" }, w)),
    ),
  );
}

const FAILURE_KEY: Record<Failure["code"], Key> = {
  transport: "error_transport",
  store_unavailable: "live_unavailable",
  bad_arguments: "error_unknown_command",
  scenario_invalid: "error_scenario_invalid",
  scenario_unreadable: "error_scenario_unreadable",
  unknown_command: "error_unknown_command",
  not_ready: "error_not_ready",
  read_only: "error_read_only",
  no_data: "error_no_data",
  forbidden: "error_forbidden",
  throttled: "account_throttled",
};

/** The localised name of a scenario error kind (the core's stable snake_case code). */
function kindLabel(kind: string): string {
  const key = `kind_${kind}`;
  return isKey(key) ? t(key) : kind;
}

function isKey(key: string): key is Key {
  return key in messages.en;
}

function renderFailure(failure: Failure): HTMLElement {
  return h(
    "section",
    { class: "failure", role: "alert", "data-testid": "failure" },
    h("h1", {}, t("error_title")),
    h("h2", {}, t(FAILURE_KEY[failure.code])),
    failure.details.length === 0
      ? h("pre", {}, failure.message)
      : h(
          "ul",
          {},
          ...failure.details.map((d) =>
            h(
              "li",
              {},
              h("code", {}, `${d.file}:${d.line}:${d.column}`),
              " ",
              h("strong", {}, kindLabel(d.kind)),
              ` ${d.field}: ${d.message}`,
            ),
          ),
        ),
  );
}

function applyLive(): void {
  // In replay the picture is the recorded one; live frames keep arriving underneath.
  const replaying = live.replay !== null;
  const shown = replaying ? (live.replay?.frame ?? null) : live.frame;
  live.panel?.update(shown, live.link, replaying);
  if (live.replay) live.replay.bar?.show(live.replay.state.at_s, live.replay.note);
  // Every view of live data says how current it is: the map the frame's state, an operations
  // view the instant its answer was computed at.
  if (view.kind === "ready" && live.qualitySlot) {
    const tz = view.summary.time_zone;
    const onMap = live.view === "map";
    const asOf = onMap || live.view === "settings" || live.ops.at <= 0 ? undefined : live.ops.at;
    live.qualitySlot.replaceChildren(qualityBadge(shown, live.link, tz, onMap ? "map-quality" : "ops-quality", replaying ? undefined : asOf, replaying));
    if (live.map) live.map.dataset.quality = badge(shown, live.link, tz, replaying).state;
  }
  if (shown && live.map && view.kind === "ready") updateMapLive(live.map, shown, view.summary.time_zone);
  if (live.trend) live.chart?.setData(live.trend.series, live.trend.level);
  // A rebuilt heatmap panel starts from the last answers (layout, then the newest frame).
  if (live.heatmap && !live.heatmap.ready() && live.heatmapData?.metric === live.metric) {
    live.heatmap.setData(live.heatmapData);
    if (live.heatmapFrame) live.heatmap.setFrame(live.heatmapFrame);
  }
  if (live.alarmsEl && view.kind === "ready" && !replaying) {
    const alarms = live.frame?.alarms ?? [];
    // Redrawn only when what it shows changes (not every frame): buttons stay under the pointer.
    const key = JSON.stringify([alarms.map((a) => [a.rule, a.target, a.active, a.acknowledged_by, a.shelved_until_s, a.flapping, a.count]), live.alarmError]);
    const changed = key !== shownAlarms;
    if (changed || live.alarmsEl.childElementCount === 0) {
      shownAlarms = key;
      const gateway = gatewayRef;
      // The incidents follow their alarms at once (when they change: not when the page is
      // redrawn, or each redraw would fetch and redraw again).
      if (changed && gateway && live.view === "incidents") void refreshOps(gateway);
      live.alarmsEl.replaceChildren(
        alarmList(alarms, view.summary.time_zone, {
          error: live.alarmError,
          act:
            gateway && canAct()
              ? (a, minutes) => {
                  const done = minutes === null ? gateway.call("alarm_ack", { rule: a.rule, target: a.target }) : gateway.call("alarm_shelve", { rule: a.rule, target: a.target, minutes });
                  done
                    .then(() => (live.alarmError = null))
                    .catch((e: unknown) => (live.alarmError = e instanceof GatewayError ? e.error.message : String(e)))
                    .finally(() => applyLive());
                }
              : null,
        }),
      );
    }
  }
  if (live.demo?.active && live.demoEl && view.kind === "ready") {
    live.demoEl.replaceChildren(demoBanner(live.demo, live.frame?.at_s ?? live.demo.start_s, view.summary.time_zone));
  }
}

/** Fetch what the open operations view shows, and redraw. */
async function refreshOps(gateway: Gateway): Promise<void> {
  const o = live.ops;
  const asked = live.view;
  o.at = live.frame?.at_s ?? 0;
  o.fetchedMs = Date.now();
  try {
    if (live.view === "capacity") {
      const [capacity, online] = await Promise.all([
        gateway.call("park_capacity", {}),
        gateway.call("park_capacity", { with: "planned" }).catch(() => null),
      ]);
      o.capacity = capacity;
      o.online = hasPlanned() ? online : null;
    } else if (live.view === "ledger") {
      o.ledger = await gateway.call("park_ledger", {});
    } else if (live.view === "zone") {
      o.capacity = await gateway.call("park_capacity", {});
    } else if (live.view === "centre" && o.centreId) {
      o.centre = await gateway.call("centre_detail", { centre: o.centreId });
    } else if (live.view === "overview") {
      [o.capacity, o.ledger, o.schedule] = await Promise.all([
        gateway.call("park_capacity", {}),
        gateway.call("park_ledger", {}),
        gateway.call("park_schedule", {}),
      ]);
    } else if (live.view === "schedule") {
      o.schedule = await gateway.call("park_schedule", {});
    } else if (live.view === "incidents") {
      o.incidents = await gateway.call("park_incidents", {});
    } else if (live.view === "settings") {
      const [demo, sources] = await Promise.all([gateway.call("demo_status", {}), gateway.call("park_sources", {})]);
      live.demo = demo;
      live.sources = sources.sources;
    } else if (live.view === "n1") {
      [o.n1, o.events] = await Promise.all([gateway.call("park_n1", {}), gateway.call("park_events", { hours: 24 })]);
    } else {
      return;
    }
    // Someone writing a note keeps the view they write in (and their focus); it is redrawn with
    // the new answer once they leave it.
    if (live.view === "incidents" && document.activeElement?.closest("[data-testid=incident-note]")) return;
    // The user has moved on meanwhile: the answer is kept, the view they are in is not redrawn.
    if (live.view !== asked) return;
    render();
    applyLive();
  } catch (e) {
    showFatal(e instanceof GatewayError ? e.error.message : String(e));
  }
}

/** Add a note to an incident; the view is fetched again to show it on the time line (or the
 * refusal, with the draft kept). */
async function addNote(incident: string, text: string, settled: (ok: boolean) => void): Promise<void> {
  if (!gatewayRef) return;
  try {
    await gatewayRef.call("incident_note", { incident, text });
    live.incidentError = null;
    settled(true);
  } catch (e) {
    live.incidentError = e instanceof GatewayError ? e.error.message : String(e);
    settled(false);
  }
  // The form gives the view back to be redrawn.
  if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  await refreshOps(gatewayRef);
}

/** Tick off a step of an incident's checklist; the view is fetched again to show it done. */
async function tickStep(incident: string, kind: string, step: number): Promise<void> {
  if (!gatewayRef) return;
  try {
    await gatewayRef.call("incident_step", { incident, kind, step });
    live.incidentError = null;
  } catch (e) {
    live.incidentError = e instanceof GatewayError ? e.error.message : String(e);
  }
  await refreshOps(gatewayRef);
}

/** Whether the person at this console may change something: not on a read-only host, and not as
 * a viewer (the core refuses it either way; the buttons say so first). */
function canAct(): boolean {
  return gatewayRef !== null && !gatewayRef.readOnly && live.account?.role !== "viewer";
}

/** Ask the host who acts here, or sign in or out; the page follows the new role. */
async function account(step: (a: NonNullable<Gateway["account"]>) => Promise<AccountDto>): Promise<void> {
  const host = gatewayRef?.account;
  if (!host) return;
  try {
    live.account = await step(host);
    live.accountError = null;
  } catch (e) {
    // The core's refusals in the page's language; anything else as the host said it.
    const code = e instanceof GatewayError ? e.error.code : null;
    live.accountError =
      code === "bad_arguments" ? t("account_refused") : code === "throttled" ? t("account_throttled") : e instanceof GatewayError ? e.error.message : String(e);
  }
  render();
  applyLive();
}

/** Whether the park has planned assets to switch in ("what changes when they come online"). */
function hasPlanned(): boolean {
  return view.kind === "ready" && (view.map.centres.some((c) => c.status === "planned") || view.map.substations.some((st) => !st.in_service));
}

function replayToggle(): HTMLElement {
  const b = h("button", { type: "button", class: "period replay-toggle", "data-testid": "replay-toggle", "aria-pressed": String(live.replay !== null) }, t("replay"));
  b.addEventListener("click", () => (live.replay ? replayActions().exit() : void startReplay()));
  return b;
}

/** Replay the last 24 hours, from ten minutes ago, at 60x, paused. */
async function startReplay(): Promise<void> {
  if (!gatewayRef || !live.frame) return;
  const to_s = live.frame.at_s;
  const events = await gatewayRef.call("park_events", { hours: 24 }).catch(() => ({ events: [] }));
  live.replay = { state: { from_s: to_s - 86_400, to_s, at_s: to_s - 600, speed: 60, playing: false }, events: events.events, frame: null, bar: null, timer: null, request: 0, note: null };
  live.view = "map";
  render();
  applyLive();
  seekReplay(to_s - 600);
}

/** Show the recorded picture at `at_s` (the newest request wins); marks the page once painted. */
function seekReplay(at_s: number): void {
  const r = live.replay;
  if (!r || !gatewayRef) return;
  r.state.at_s = Math.min(r.state.to_s, Math.max(r.state.from_s, Math.round(at_s)));
  r.bar?.show(r.state.at_s, r.note);
  const mine = ++r.request;
  const at = r.state.at_s;
  gatewayRef.call("park_replay", { at_s: at }).then(
    (frame) => {
      if (live.replay !== r || mine !== r.request) return;
      r.frame = frame;
      r.note = null;
      applyLive();
      requestAnimationFrame(() =>
        setTimeout(() => {
          document.body.dataset.replayPaintedMs = String(performance.now());
          document.body.dataset.replayPainted = String(at);
        }, 0),
      );
    },
    (e) => {
      if (live.replay !== r || mine !== r.request) return;
      // Nothing recorded then: say so, and show no numbers rather than other times' ones.
      r.frame = null;
      r.note = e instanceof GatewayError ? e.error.message : String(e);
      applyLive();
      document.body.dataset.replayPaintedMs = String(performance.now());
      document.body.dataset.replayPainted = String(at);
    },
  );
}

function replayActions() {
  return {
    seek: (at_s: number) => seekReplay(at_s),
    play: (playing: boolean) => {
      const r = live.replay;
      if (!r) return;
      r.state.playing = playing;
      if (r.timer) clearInterval(r.timer);
      r.timer = playing
        ? setInterval(() => {
            if (r.state.at_s >= r.state.to_s) return replayActions().play(false);
            seekReplay(r.state.at_s + r.state.speed);
          }, 1000)
        : null;
      render();
      applyLive();
    },
    speed: (speed: number) => {
      if (!live.replay) return;
      live.replay.state.speed = speed;
      render();
      applyLive();
    },
    exit: () => {
      if (live.replay?.timer) clearInterval(live.replay.timer);
      live.replay = null;
      delete document.body.dataset.replayPainted;
      render();
      applyLive();
    },
  };
}

/** Restart the park on a demo pack (or back to live), then start the page afresh on it: every
 * panel, stream and cached answer belonged to the park that was stopped. */
async function playDemo(pack: string | null): Promise<void> {
  if (!gatewayRef) return;
  try {
    await gatewayRef.call("demo_play", pack === null ? {} : { pack });
    window.location.reload();
  } catch (e) {
    live.demoError = e instanceof GatewayError ? e.error.message : String(e);
    render();
    applyLive();
  }
}

/** Approve the running drill's evacuation plan (the core records who and when). */
async function approveEvacuation(): Promise<void> {
  const drill = live.ops.drill;
  if (!gatewayRef || !drill) return;
  try {
    live.ops.approval = await gatewayRef.call("evacuation_approve", { asset: drill.impact.asset });
    render();
    applyLive();
  } catch (e) {
    showFatal(e instanceof GatewayError ? e.error.message : String(e));
  }
}

/** Trip an asset in the live twin; the map shows the impact at once. */
async function runDrill(asset: string): Promise<void> {
  if (!gatewayRef) return;
  try {
    live.ops.drill = await gatewayRef.call("drill", { asset });
    live.ops.approval = null;
    live.view = "map";
    render();
    applyLive();
  } catch (e) {
    showFatal(e instanceof GatewayError ? e.error.message : String(e));
  }
}

/** Fetch the heatmap's layout with its values (JSON): live, the stream takes over from there;
 * at a past instant, from the raw store. */
async function refreshHeatmap(gateway: Gateway): Promise<void> {
  const panel = live.heatmap;
  if (live.view !== "heatmap" || !panel || panel.ready()) return;
  try {
    const until = live.period.until_s;
    const args = until === null ? { metric: live.metric } : { metric: live.metric, at_s: until };
    live.heatmapData = await gateway.call("rack_heatmap", args);
    live.heatmapFrame = null;
    panel.setData(live.heatmapData);
  } catch (e) {
    showFatal(e instanceof GatewayError ? e.error.message : String(e));
  }
}

async function refreshTrend(gateway: Gateway): Promise<void> {
  try {
    const { hours, until_s } = live.period;
    live.trendAt = live.frame?.at_s ?? 0;
    if (hours === 1) {
      // The last hour point by point from the raw store.
      const to_s = (until_s ?? live.frame?.at_s ?? Math.floor(Date.now() / 1000)) + 1;
      const from_s = to_s - 3600;
      const [facility, share] = await Promise.all([
        gateway.call("series_history", { series: "park/facility_kw", from_s, to_s }),
        gateway.call("series_history", { series: "park/green_share", from_s, to_s }),
      ]);
      live.trend = { series: historySeries(facility, share), level: "raw" };
    } else {
      const trend = await gateway.call("park_trend", until_s === null ? { hours } : { hours, until_s });
      live.trend = { series: toSeries(trend), level: "interval" };
    }
    live.unavailable = null;
    live.chart?.setData(live.trend.series, live.trend.level);
  } catch (e) {
    const failure = e instanceof GatewayError ? e.error : transport(String(e));
    if (failure.code === "store_unavailable" && live.unavailable === null) {
      live.unavailable = failure.message;
      render();
    }
  }
}

function startLive(gateway: Gateway): void {
  gateway.subscribe(
    "live",
    (frame) => {
      live.frame = frame;
      live.link = "open";
      // Frames this page has taken (the soak benchmark reads it).
      document.body.dataset.frames = String(Number(document.body.dataset.frames ?? 0) + 1);
      applyLive();
      // Up to now: fetch again as data time moves on (every 10 s of raw history, every new
      // 15-minute interval); a past period stays as it is.
      if (live.period.until_s === null) {
        const every = live.period.hours === 1 ? 10 : 900;
        if (Math.floor(frame.at_s / every) !== Math.floor(live.trendAt / every)) void refreshTrend(gateway);
      }
      // Operations views follow the park every 30 s of data time (the schedule every interval),
      // and at most every 5 s of real time: an accelerated twin must not re-plan every frame.
      const every = live.view === "schedule" ? 900 : 30;
      const moved = Math.floor(frame.at_s / every) !== Math.floor(live.ops.at / every);
      if (["zone", "centre", "overview", "capacity", "ledger", "n1", "schedule", "incidents", "settings"].includes(live.view) && moved && Date.now() - live.ops.fetchedMs >= 5000) {
        void refreshOps(gateway);
      }
    },
    (state) => {
      live.link = state;
      applyLive();
    },
  );
}

async function start(): Promise<void> {
  setTheme(initialTheme(), false);
  render();
  onLangChange(() => {
    render();
    applyLive();
  });
  try {
    const gateway = await connect();
    gatewayRef = gateway;
    const [summary, map, person] = await Promise.all([
      gateway.call("park_summary", {}),
      gateway.call("park_map", {}),
      // Who acts here, known before the first drawing (the page is not redrawn under the user).
      gateway.account?.whoami().catch(() => null) ?? null,
    ]);
    live.account = person;
    // Wall mode: `?wall` (a playlist may follow: `?wall=kpis:20,map:30`, and `&pin=map`).
    const params = new URLSearchParams(location.search);
    if (params.has("wall")) {
      const { startWall } = await import("./wall/wall");
      startWall(app, gateway, summary, map, { playlist: params.get("wall") || null, pin: params.get("pin") });
      onLangChange(() => location.reload());
      return;
    }
    view = { kind: "ready", summary, map, host: gateway.host };
    render();
    // The first painted map, for the window's start-up benchmark (tests/e2e/bench-window.mjs).
    requestAnimationFrame(() => setTimeout(() => performance.mark("suangu:map-painted"), 0));
    startLive(gateway);
    void refreshTrend(gateway);
    gateway.call("demo_status", {}).then(
      (demo) => {
        live.demo = demo;
        applyLive();
      },
      () => {},
    );
    return;
  } catch (e) {
    view = { kind: "failed", failure: e instanceof GatewayError ? e.error : transport(String(e)) };
  }
  render();
}

void start();
