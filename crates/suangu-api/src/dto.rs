//! Wire types: what the UI and the CLI's `--json` see. snake_case keys with unit suffixes
//! (`_mw`, `_mwh`, `_kv`, `_m`, `_ms`). Built from the core's model here and only here.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A name in both display languages.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Name {
    pub zh: String,
    pub en: String,
}

/// The park's totals, as `suangu check --json` prints them and the header shows them.
/// Operating and planned are kept apart.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ParkSummary {
    pub id: String,
    pub name: Name,
    /// The file the park was read from (or the built-in scenario's name).
    pub source: String,
    /// The date the scenario describes, `YYYY-MM-DD`.
    pub date: String,
    pub time_zone: String,
    pub area_mu: f64,
    /// Operating computing centres.
    pub centres: u32,
    pub planned_centres: u32,
    pub physical_racks: u32,
    pub physical_racks_planned: u32,
    /// Standard-rack equivalents (2.5 kW each).
    pub standard_racks: f64,
    pub standard_racks_planned: f64,
    pub it_capacity_mw: f64,
    pub it_capacity_planned_mw: f64,
    /// IT capacity x design PUE, operating centres.
    pub facility_capacity_mw: f64,
    pub pflops: f64,
    pub pflops_planned: f64,
    /// Wind and PV in service.
    pub green_capacity_mw: f64,
    pub green_capacity_planned_mw: f64,
    pub storage_mw: f64,
    pub storage_mwh: f64,
    pub target_standard_racks: u32,
    pub target_pflops: f64,
    pub substations: Vec<SubstationSummary>,
    /// Findings that did not stop the park from loading, as `file:line:col: field: message`.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SubstationSummary {
    pub id: String,
    pub name: Name,
    pub kv: f64,
    /// Sum of the transformer ratings.
    pub mva: f64,
    pub transformers: u32,
    pub in_service: bool,
}

/// Everything the park map draws, in park coordinates (metres, x east, y north).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ParkMap {
    pub id: String,
    pub name: Name,
    pub bounds_m: [f64; 2],
    pub zones: Vec<MapZone>,
    pub axes: Vec<MapAxis>,
    pub roads: Vec<MapRoad>,
    pub cores: Vec<MapCore>,
    pub centres: Vec<MapCentre>,
    pub substations: Vec<MapSubstation>,
    pub feeders: Vec<MapFeeder>,
    pub grid: Vec<MapGrid>,
    pub plants: Vec<MapPlant>,
    pub regions: Vec<MapRegion>,
    /// Latency ring boundaries, ascending.
    pub rings_ms: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapZone {
    pub id: String,
    pub name: Name,
    pub kind: ZoneKind,
    pub polygon_m: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    HubScheduling,
    IntelligentComputing,
    DataCentre,
    Energy,
    TalentTraining,
    SupportServices,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapAxis {
    pub id: String,
    pub name: Name,
    pub from_m: [f64; 2],
    pub to_m: [f64; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapRoad {
    pub id: String,
    pub from_m: [f64; 2],
    pub to_m: [f64; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapCore {
    pub id: String,
    pub name: Name,
    pub at_m: [f64; 2],
    pub radius_m: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CentreStatus {
    Operating,
    Planned,
}

/// How a centre is supplied right now, from the power-chain graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Supply {
    /// A and B feeds energised.
    Redundant,
    /// Single-fed by design, energised.
    SingleFed,
    /// Dual-fed, one side lost.
    RedundancyLost,
    /// No feed energised (also every planned centre before its supply is built).
    Lost,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapCentre {
    pub id: String,
    pub name: Name,
    /// What the map writes on the building: the short name, or the name.
    pub label: Name,
    pub operator: Name,
    pub zone: String,
    pub status: CentreStatus,
    /// South-west corner of the footprint.
    pub at_m: [f64; 2],
    pub size_m: [f64; 2],
    pub physical_racks: u32,
    pub standard_racks: f64,
    pub kw_per_rack: f64,
    pub it_capacity_mw: f64,
    pub design_pue: f64,
    pub pflops: f64,
    pub supply: Supply,
    pub feeds: Vec<MapFeed>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapFeed {
    pub feeder: String,
    /// "A" or "B".
    pub side: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapSubstation {
    pub id: String,
    pub name: Name,
    pub kv: f64,
    pub mva: f64,
    pub in_service: bool,
    pub at_m: [f64; 2],
    /// Grid connections or substations upstream.
    pub upstream: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapFeeder {
    pub id: String,
    pub substation: String,
    pub transformer: String,
    pub kv: f64,
    pub capacity_mw: f64,
    pub in_service: bool,
    /// Centres this feeder supplies.
    pub centres: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapGrid {
    pub id: String,
    pub name: Name,
    pub kv: f64,
    pub in_service: bool,
    pub bearing_deg: f64,
    pub distance_km: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PlantKind {
    Wind,
    Pv,
    Storage,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapPlant {
    pub id: String,
    pub name: Name,
    pub kind: PlantKind,
    pub capacity_mw: f64,
    pub energy_mwh: Option<f64>,
    pub in_service: bool,
    pub behind_meter: bool,
    pub connects_to: String,
    /// On the park map, or...
    pub at_m: Option<[f64; 2]>,
    /// ...off site, in a direction.
    pub off_site: Option<OffSite>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OffSite {
    pub bearing_deg: f64,
    pub distance_km: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    Demand,
    Hub,
    Paired,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapRegion {
    pub id: String,
    pub name: Name,
    pub kind: RegionKind,
    pub bearing_deg: f64,
    pub latency_ms: f64,
    /// The smallest latency ring that holds the link (ms), or null when outside every ring.
    pub ring_ms: Option<f64>,
}

/// An error a client can switch on by `code`.
#[derive(Debug, Clone, PartialEq, Serialize, TS, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// For `scenario_invalid`: every error with file, line and field.
    pub details: Vec<ScenarioIssue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The store could not be opened or read; live data and trends are unavailable.
    StoreUnavailable,
    /// A command's arguments are missing or out of range.
    BadArguments,
    /// The scenario file could not be read.
    ScenarioUnreadable,
    /// The scenario file was read but is not valid.
    ScenarioInvalid,
    /// No such command.
    UnknownCommand,
    /// The live park has no sample yet; try again in a moment. Also: a command that needs the
    /// digital twin (drill, N-1, capacity, schedule, centre detail) while the park is observed
    /// from its data sources (`suangu serve --config`); its message says so.
    NotReady,
    /// A command that changes something, refused by a read-only host (the browser wall server).
    ReadOnly,
    /// The store holds nothing for the period asked for (the message names the days it has).
    NoData,
    /// The person at this console may not do this in their role (an operator or admin must sign
    /// in); the refusal is in the audit log.
    Forbidden,
    /// Asked too often (sign-ins of one name after several failures): the message says when to
    /// try again.
    Throttled,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ScenarioIssue {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub field: String,
    pub kind: String,
    pub message: String,
}

/// Is a live value current?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    Live,
    /// No new data since `stale_since`.
    Stale,
    /// No source feeds this value (observed mode): it is NaN (`null` in JSON), shown as "—".
    /// Never a whole frame's quality.
    NotMeasured,
    /// A source is configured to feed this value and has sent nothing yet (observed mode): NaN,
    /// shown as "—" with "no data", and counted as stale. Never a whole frame's quality.
    NoData,
}

/// A park series whose value in a frame is not live (observed mode), e.g. `park/it_kw` for the
/// IT load card, `CM-N01/it_kw` for a centre.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SeriesLive {
    pub series: String,
    /// `stale`, `no_data` or `not_measured`.
    pub quality: Quality,
    /// Its newest point's instant (RFC 3339), when stale.
    pub stale_since: Option<String>,
}

/// The park now, pushed to every live screen (Tauri channel or server-sent events).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LiveFrame {
    pub seq: u32,
    /// The instant the values describe, RFC 3339 UTC, and as unix seconds.
    pub at: String,
    pub at_s: u32,
    pub quality: Quality,
    /// When the data went stale (RFC 3339), for `quality = "stale"`.
    pub stale_since: Option<String>,
    pub it_mw: f64,
    pub facility_mw: f64,
    pub green_mw: f64,
    pub wind_mw: f64,
    pub pv_mw: f64,
    /// min(green, load) / load right now (no storage, no netting).
    pub green_share_now: f64,
    pub pue: f64,
    pub outdoor_c: f64,
    pub centres: Vec<CentreLive>,
    pub zones: Vec<ZoneLive>,
    pub substations: Vec<SubstationLive>,
    /// Every park series whose value here is stale or not measured (observed mode, `suangu
    /// serve --config`); empty for the twin's frames, whose `quality` covers every value.
    pub series: Vec<SeriesLive>,
    pub links_down: Vec<String>,
    /// In-service substations and feeders not energised now (a trip, or cut off above).
    pub stations_down: Vec<String>,
    pub feeders_down: Vec<String>,
    /// The listed alarms: active, or cleared and not yet acknowledged; most severe first.
    pub alarms: Vec<AlarmDto>,
}

/// One alarm as the operators see it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AlarmDto {
    pub rule: String,
    /// The asset (or `park`, or a data source) it is about: the map lights it up.
    pub target: String,
    /// critical, major, minor or warning.
    pub severity: String,
    pub name: Name,
    pub active: bool,
    pub raised_s: u32,
    pub cleared_s: Option<u32>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_s: Option<u32>,
    pub shelved_until_s: Option<u32>,
    pub flapping: bool,
    pub value: Option<f64>,
    /// How many times it was raised.
    pub count: u32,
}

/// The incidents of the listed alarms (`park_incidents`), the most severe first, then the newest.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Incidents {
    /// Related alarms raised within this long of each other join one incident.
    pub window_s: u32,
    pub incidents: Vec<IncidentDto>,
}

/// Alarms that belong together (along the power chain, or on one target), with what they
/// affect, what has happened and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct IncidentDto {
    /// Its first alarm's rule and target, with the instant it was raised: stable while it lasts.
    pub id: String,
    /// The most severe of its alarms.
    pub severity: String,
    pub first_raised_s: u32,
    /// Its alarms in the order they were raised.
    pub alarms: Vec<AlarmDto>,
    /// The centres its alarms touch through the power chain, in scenario order.
    pub centres: Vec<String>,
    /// The physical racks of those centres (each opens from the incident, rack by rack).
    pub racks: u32,
    /// The feeders feeding those centres.
    pub feeders: Vec<String>,
    /// The operators of those centres (the tenants to inform).
    pub tenants: Vec<Name>,
    /// The planned jobs running in those centres now.
    pub jobs: Vec<ScheduledJob>,
    /// From the event log: its alarms' changes, drills and faults on its assets, the scheduler's
    /// outcomes, since shortly before its first alarm; in time order.
    pub timeline: Vec<EventDto>,
    /// The checklist of each kind of alarm in it.
    pub procedures: Vec<ProcedureDto>,
}

/// `incident_note`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NoteArgs {
    /// The incident's `id` (from `park_incidents`).
    pub incident: String,
    /// What was done or found: 1 to 1,000 characters, lines allowed.
    pub text: String,
}

/// What to do for one kind of alarm.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProcedureDto {
    /// threshold, rate, stale, headroom, green_share or n1.
    pub kind: String,
    /// The incident's rules of this kind.
    pub rules: Vec<String>,
    /// Steps in order; empty when the rules file gives none for this kind.
    pub steps: Vec<Name>,
    /// The steps ticked off (`incident_step`), by whom and when.
    pub done: Vec<StepDone>,
}

/// A checklist step ticked off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StepDone {
    /// Its index in the checklist, from 0.
    pub step: u32,
    pub by: String,
    pub at_s: u32,
}

/// `incident_step`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StepArgs {
    pub incident: String,
    /// The checklist's kind of alarm (threshold, rate, stale, headroom, green_share, n1).
    pub kind: String,
    /// The step, from 0.
    pub step: u32,
}

/// Who acts at the window (`account_whoami`, and the answer to a sign-in or sign-out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccountDto {
    /// The account signed in, or the operating-system user when nobody is.
    pub name: String,
    /// viewer, operator or admin.
    pub role: String,
    pub signed_in: bool,
    /// The store has accounts: without a sign-in the window is then a viewer (without any, a
    /// single-user desktop, it is an operator).
    pub accounts: bool,
}

/// `account_sign_in`'s arguments. Its `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SignInArgs {
    pub name: String,
    pub password: String,
}

impl std::fmt::Debug for SignInArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInArgs")
            .field("name", &self.name)
            .field("password", &"***")
            .finish()
    }
}

/// The arguments of a command that takes none: anything given is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// Arguments of `alarm_ack` and `alarm_shelve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AlarmArgs {
    pub rule: String,
    pub target: String,
    /// `alarm_shelve`: for how long (1 to 10,080 minutes); absent for `alarm_ack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub minutes: Option<u32>,
}

/// What an alarm action did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AlarmChangeDto {
    pub rule: String,
    pub target: String,
    /// acknowledged, shelved, unshelved.
    pub change: String,
    pub at_s: u32,
}

/// A substation's load now.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SubstationLive {
    pub id: String,
    pub load_mw: f64,
    /// Its load's quality (the frame's for the twin; its own series' when observed).
    pub quality: Quality,
    /// Its load's newest point (RFC 3339), when stale.
    pub stale_since: Option<String>,
}

/// A zone's IT load now, rolled up from its racks.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ZoneLive {
    pub id: String,
    pub rack_it_mw: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CentreLive {
    pub id: String,
    pub it_mw: f64,
    pub facility_mw: f64,
    pub utilisation: f64,
    pub supply: Supply,
    /// IT load shed because supply or cooling was lost.
    pub shed_mw: f64,
    /// Sum of the centre's rack power (racks rolled up to rows, halls, the centre).
    pub rack_it_mw: f64,
    /// Its IT load's quality: the frame's for the twin; its own series' when the park is
    /// observed from its sources (stale since its newest point, or not measured: NaN).
    pub quality: Quality,
    /// Its IT load's newest point (RFC 3339), when stale.
    pub stale_since: Option<String>,
}

/// Arguments of `park_trend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TrendArgs {
    /// How far back from `until_s`, 1..=168.
    pub hours: u32,
    /// End of the period, unix seconds; absent for now (the newest frame).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub until_s: Option<u32>,
}

/// Arguments of `series_history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HistoryArgs {
    /// A raw series of the park, e.g. `park/it_kw`, `CM-N01/it_kw`,
    /// `CM-N01.H1.R01.07/power_kw`.
    pub series: String,
    /// The period `[from_s, to_s)`, unix seconds; at most 400 days.
    pub from_s: u32,
    pub to_s: u32,
}

/// What the raw store holds for one series over a period: every point for up to two hours,
/// rollups (5-minute, hourly after retention) for longer periods.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct History {
    pub series: String,
    pub level: HistoryLevel,
    pub points: Vec<HistoryPoint>,
    /// Damaged stored chunks met on the way (moved aside); their points are missing.
    pub quarantined: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HistoryLevel {
    Raw,
    Rollup,
}

/// One raw point (min = mean = max) or one rollup bucket. No value when the point was bad or
/// the bucket held no good value: shown as a gap, never as zero.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HistoryPoint {
    pub t_s: u32,
    /// Bucket length (1 for a raw point).
    pub seconds: u32,
    pub mean: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub quality: PointQuality,
}

/// OPC UA-style quality of a point; a rollup is uncertain when some of its points were bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PointQuality {
    Good,
    Uncertain,
    Bad,
}

/// Park load and green share per 15 minutes, read from the store.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Trend {
    pub points: Vec<TrendPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TrendPoint {
    /// Interval start, unix seconds (UTC).
    pub start_s: u32,
    /// Mean IT and facility load over the interval.
    pub it_mw: f64,
    pub facility_mw: f64,
    /// Own green generation, mean over the interval.
    pub green_mw: f64,
    /// Market-based green share of the interval (delivered + green discharge) / load.
    pub green_share_market: f64,
}

/// Arguments of `park_replay`: the past instant, unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReplayArgs {
    pub at_s: u32,
}

/// Arguments of `rack_heatmap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HeatmapArgs {
    pub metric: RackMetricName,
    /// A past instant, unix seconds, read from the raw store; absent for now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub at_s: Option<u32>,
}

/// What the heatmap colours each rack by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RackMetricName {
    PowerKw,
    InletC,
    UtilisationPct,
}

/// Every physical rack as one cell of a `width` x `height` grid (row-major). Null outside the
/// centre blocks and where a rack has no data at that instant (shown as no data, never zero).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Heatmap {
    pub metric: RackMetricName,
    /// The instant shown (None when the live engine has no sample yet).
    pub at_s: Option<u32>,
    pub source: HeatmapSource,
    pub width: u32,
    pub height: u32,
    pub cells: Vec<Option<f64>>,
    /// The colour scale (metric units): fixed for temperature and utilisation, rack power from
    /// 0 to the largest value rounded up to 5 kW.
    pub scale_lo: f64,
    pub scale_hi: f64,
    pub blocks: Vec<HeatmapBlock>,
    /// Racks with a value, out of the operating centres' racks.
    pub racks_with_data: u32,
    pub racks: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HeatmapSource {
    /// The live engine's newest sample.
    Live,
    /// The raw store at a past instant.
    Raw,
}

/// One centre's block of cells.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HeatmapBlock {
    pub centre: String,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    /// A planned centre: drawn as planned, no racks report.
    pub planned: bool,
    /// Where its halls' racks are (cells outside them are aisles, not missing data).
    pub halls: Vec<HeatmapRect>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HeatmapRect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// Arguments of `park_capacity`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CapacityArgs {
    /// Planned assets to switch in, comma-separated ids, or `planned` for all of them ("what
    /// changes when it comes online").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub with: Option<String>,
}

/// Headroom now: every centre and the park.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Capacity {
    pub at_s: u32,
    pub centres: Vec<CentreHeadroom>,
    pub zones: Vec<ZoneHeadroom>,
    pub racks_installed: u32,
    pub racks_used: u32,
    pub racks_planned: u32,
    pub it_mw: f64,
    pub headroom_mw: f64,
    pub pflops: f64,
    pub pflops_allocated: f64,
    pub pflops_planned: f64,
    pub accelerators: Vec<AcceleratorUse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CentreHeadroom {
    pub centre: String,
    pub planned: bool,
    pub racks_installed: u32,
    pub racks_used: u32,
    pub it_mw: f64,
    pub it_capacity_mw: f64,
    /// IT load the supply chain could carry before a feeder or transformer is full.
    pub chain_limit_mw: f64,
    pub cooling_mw: f64,
    pub headroom_mw: f64,
    pub binding: BindingKind,
    /// The feeder or transformer, when the chain binds.
    pub binding_element: Option<String>,
    pub violation: bool,
    pub pflops: f64,
    pub pflops_allocated: f64,
}

/// A zone's operating centres summed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ZoneHeadroom {
    pub zone: String,
    pub racks_installed: u32,
    pub racks_used: u32,
    pub it_mw: f64,
    pub headroom_mw: f64,
    pub pflops: f64,
    pub pflops_allocated: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BindingKind {
    ItCapacity,
    Chain,
    Cooling,
    NoSupply,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AcceleratorUse {
    pub class: String,
    pub count: u32,
    pub allocated: f64,
}

/// What losing one element does (N-1 and drills).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Contingency {
    pub asset: String,
    pub kind: String,
    pub shed_mw: f64,
    pub lost_it_mw: f64,
    pub capped_it_mw: f64,
    pub racks_lost: u32,
    pub affected_centres: Vec<String>,
    pub lost_supply: Vec<String>,
    pub lost_redundancy: Vec<String>,
    /// IT load to cap in centres still supplied (overloads, cooling).
    pub capped: Vec<CappedDto>,
    pub overloads: Vec<OverloadDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CappedDto {
    pub centre: String,
    pub it_mw: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OverloadDto {
    pub element: String,
    pub load_mw: f64,
    pub rating_mw: f64,
}

/// N-1 for the state now, worst first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct N1 {
    pub at_s: u32,
    pub contingencies: Vec<Contingency>,
}

/// Arguments of `export_briefing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BriefingArgs {
    /// `day` or `week` (the ISO week, Monday to Sunday, holding `date`).
    pub period: String,
    /// A park day (YYYY-MM-DD).
    pub date: String,
    /// `zh-CN` or `en`.
    pub lang: String,
}

/// The files a briefing export wrote.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BriefingExport {
    /// The one-page summary (HTML, charts inline).
    pub html: String,
    /// Every chart as SVG and PNG.
    pub files: Vec<String>,
    pub intervals_stored: u32,
    pub intervals_in_period: u32,
    pub render_ms: u32,
}

/// Arguments of `park_ledger`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct LedgerArgs {
    /// A park day (YYYY-MM-DD); absent for today (the newest frame's day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub date: Option<String>,
}

/// The green ledger of a day, month to date and year to date, both ways side by side.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LedgerDay {
    pub date: String,
    pub day: LedgerPeriod,
    pub month_to_date: LedgerPeriod,
    pub year_to_date: LedgerPeriod,
    /// The day's 15-minute intervals.
    pub intervals: Vec<LedgerInterval>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LedgerPeriod {
    pub intervals: u32,
    pub load_mwh: f64,
    pub delivered_mwh: f64,
    pub stored_mwh: f64,
    pub exported_mwh: f64,
    pub curtailed_mwh: f64,
    pub import_mwh: f64,
    pub green_share_market: f64,
    pub green_share_location: f64,
    pub co2_market_t: f64,
    pub co2_location_t: f64,
    /// CO2 the own green power used avoided (its energy at the grid factor), t.
    pub co2_avoided_t: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LedgerInterval {
    pub start_s: u32,
    pub green_share_market: f64,
    pub green_share_location: f64,
    pub import_mwh: f64,
    pub curtailed_mwh: f64,
    /// Market-based share below 100 %.
    pub not_green: bool,
}

/// Arguments of `drill`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DrillArgs {
    /// Substation, transformer, feeder or cooling plant to trip.
    pub asset: String,
    /// How long the trip lasts, simulated minutes (1..=1440, default 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub minutes: Option<u32>,
}

/// A drill started in the live twin.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Drill {
    pub from_s: u32,
    pub until_s: u32,
    pub impact: Contingency,
    /// What happens to the twin's planned jobs.
    pub evacuation: Vec<EvacuationDto>,
}

/// `evacuation_approve`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ApproveArgs {
    /// The asset a drill runs on now (its plan is the one approved).
    pub asset: String,
}

/// An evacuation plan approved: by whom, when, and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Approval {
    pub at_s: u32,
    pub asset: String,
    pub by: String,
    /// Jobs moved to another centre, paused, and lost.
    pub moved: u32,
    pub paused: u32,
    pub lost: u32,
}

/// Arguments of `park_events`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EventsArgs {
    /// How far back from now, 1..=168.
    pub hours: u32,
}

/// Faults, drills and actions, newest last.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Events {
    pub events: Vec<EventDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct EventDto {
    pub at_s: u32,
    pub kind: String,
    pub target: String,
    pub detail: String,
}

/// The twin's job stream for the next 48 h, planned now: green first, then cheap hours.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Schedule {
    pub start_s: u32,
    pub slot_s: u32,
    /// Green power the rest of the park leaves for the jobs, per slot (forecast), MW.
    pub green_left_mw: Vec<f64>,
    pub price_cny_per_mwh: Vec<f64>,
    pub placements: Vec<ScheduledJob>,
    pub unplaced: u32,
    pub metrics: ScheduleMetrics,
    pub fcfs: ScheduleMetrics,
    pub greedy: ScheduleMetrics,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ScheduledJob {
    pub job: String,
    pub kind: String,
    /// The region it serves, if it has a latency promise there.
    pub origin: Option<String>,
    pub centre: String,
    pub start_s: u32,
    pub end_s: u32,
    pub demand_kw: f64,
    /// Why it is there, in numbers (the UI puts it in words).
    pub green_fraction: f64,
    pub deferred_s: u32,
    pub slack_s: u32,
    /// Tariff period at its start: peak, flat or valley.
    pub period: String,
    pub ring_ms: Option<f64>,
    pub latency_ms: Option<f64>,
}

/// A plan judged on the forecast it was made with.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ScheduleMetrics {
    pub job_energy_mwh: f64,
    pub green_energy_mwh: f64,
    pub green_share_market: f64,
    pub cost_cny: f64,
    pub missed_deadlines: u32,
    pub co2_market_t: f64,
    pub co2_location_t: f64,
}

/// One job's move after a drill.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct EvacuationDto {
    pub job: String,
    pub from: String,
    pub to: Option<String>,
    pub start_s: Option<u32>,
    pub paused: bool,
    pub lost: bool,
}

/// The demo pack being played, if any.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DemoStatus {
    pub active: bool,
    pub id: Option<String>,
    pub name: Option<Name>,
    pub start_s: u32,
    pub end_s: u32,
    /// Simulated now.
    pub now_s: u32,
    pub finished: bool,
    pub steps: Vec<DemoStepDto>,
    /// Every pack there is, to start one from the window.
    pub packs: Vec<DemoPackDto>,
}

/// A demo pack that can be played.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DemoPackDto {
    pub id: String,
    pub name: Name,
    /// How long the story lasts in real time at the pack's pace, seconds.
    pub real_s: u32,
}

/// Arguments of `demo_play`: the pack to play, or none to go back to the live park.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DemoArgs {
    #[serde(default)]
    #[ts(optional)]
    pub pack: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DemoStepDto {
    pub at_s: u32,
    pub label: Name,
    pub done: bool,
}

/// Arguments of `centre_detail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CentreArgs {
    pub centre: String,
}

/// One centre, from the map down to its racks, feeds and jobs.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CentreDetail {
    pub id: String,
    pub at_s: u32,
    pub headroom: CentreHeadroom,
    /// Each feed: feeder, side, energised now, its load and rating.
    pub feeds: Vec<FeedNow>,
    pub halls: Vec<HallRacks>,
    /// The colour scale of each rack metric (the heatmap's, over this centre's racks).
    pub scales: Vec<MetricScale>,
    /// Jobs planned here in the next 48 h.
    pub jobs: Vec<ScheduledJob>,
}

/// A rack metric's colour scale, in its unit.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MetricScale {
    pub metric: RackMetricName,
    pub lo: f64,
    pub hi: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FeedNow {
    pub feeder: String,
    pub side: String,
    pub energised: bool,
    pub load_mw: f64,
    pub rating_mw: f64,
}

/// A hall's racks now, row by row: power, inlet temperature and utilisation; empty when the
/// live park has no sample yet.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HallRacks {
    pub id: String,
    pub rows: u32,
    pub racks_per_row: u32,
    pub power_kw: Vec<f32>,
    pub inlet_c: Vec<f32>,
    pub utilisation_pct: Vec<f32>,
}

/// The data sources' health, as the ingest (`suangu run`) last reported it to the store.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Sources {
    pub sources: Vec<SourceHealthDto>,
}

/// One data source: its link, counters and stale series, and when that was reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SourceHealthDto {
    pub id: String,
    pub link: SourceLink,
    /// Points stored (good, uncertain and bad).
    #[ts(type = "number")]
    pub points: u64,
    #[ts(type = "number")]
    pub uncertain: u64,
    #[ts(type = "number")]
    pub bad: u64,
    /// Messages refused, by reason.
    #[ts(type = "Record<string, number>")]
    pub rejected: std::collections::BTreeMap<String, u64>,
    #[ts(type = "number")]
    pub duplicates: u64,
    #[ts(type = "number")]
    pub older: u64,
    #[ts(type = "number")]
    pub reconnects: u64,
    /// Series silent for more than 2.5 expected intervals.
    pub stale: Vec<String>,
    /// When the ingest made this report, Unix seconds (set on reading; a report long past means
    /// the ingest itself is not running).
    #[serde(default)]
    pub reported_s: u32,
    /// How often the ingest reports, in ms (a report older than three of these, and at least a
    /// minute, means the ingest is silent).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub report_every_ms: Option<u64>,
}

/// A data source's link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SourceLink {
    Connecting,
    Up,
    BackingOff {
        attempt: u32,
        #[ts(type = "number")]
        retry_in_ms: u64,
        error: String,
    },
    Misconfigured {
        reason: String,
    },
    Stopped,
}
