//! The one API every client uses: the Tauri window (through one-line adapters in `src-tauri`),
//! the HTTP server and the CLI's `--json`. Wire types live in [`dto`]; the command contract is
//! declared once in [`COMMANDS`] and TypeScript bindings are generated from it ([`bindings`]).
//!
//! Architecture invariant: no Tauri, no HTTP framework, no async here. Reading the scenario file
//! is the only I/O, and it happens once, in [`Api::open`].

pub mod accounts;
mod alarms;
pub mod audit;
pub mod bindings;
mod briefing;
pub mod console;
pub mod dto;
pub mod heatmap;
pub mod incidents;
pub mod live;
pub mod logs;
mod map;
pub mod ops;
pub mod replay;

use dto::{ApiError, ErrorCode, Name, ParkMap, ParkSummary, ScenarioIssue, SubstationSummary};
use std::path::Path;
use suangu_core::{Park, ScenarioErrors};

/// A read-only command of the contract: its name, arguments, result type, what it does.
pub struct CommandSpec {
    pub name: &'static str,
    pub doc: &'static str,
    /// Changes something (a drill): refused by read-only hosts such as the browser wall server.
    pub mutating: bool,
    pub args: fn(&ts_rs::Config) -> String,
    pub result: fn(&ts_rs::Config) -> String,
}

fn ts_name<T: ts_rs::TS>(cfg: &ts_rs::Config) -> String {
    T::name(cfg)
}

fn no_args(_: &ts_rs::Config) -> String {
    "Record<string, never>".to_owned()
}

/// Every command the UI may call.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "park_summary",
        mutating: false,
        doc: "The park's totals: centres, racks, IT capacity, PFLOPS, green capacity, substations.",
        args: no_args,
        result: ts_name::<ParkSummary>,
    },
    CommandSpec {
        name: "park_map",
        mutating: false,
        doc: "Everything the park map draws, in park coordinates (metres).",
        args: no_args,
        result: ts_name::<ParkMap>,
    },
    CommandSpec {
        name: "park_trend",
        mutating: false,
        doc: "Park load and green share per 15 minutes over some hours up to now or a past instant, from the store.",
        args: ts_name::<dto::TrendArgs>,
        result: ts_name::<dto::Trend>,
    },
    CommandSpec {
        name: "series_history",
        mutating: false,
        doc: "One raw series over any past period: every point up to two hours, rollups beyond.",
        args: ts_name::<dto::HistoryArgs>,
        result: ts_name::<dto::History>,
    },
    CommandSpec {
        name: "rack_heatmap",
        mutating: false,
        doc: "Every physical rack's power, inlet temperature or utilisation, now or at a past instant.",
        args: ts_name::<dto::HeatmapArgs>,
        result: ts_name::<dto::Heatmap>,
    },
    CommandSpec {
        name: "park_capacity",
        mutating: false,
        doc: "Headroom of every centre and the park now (space, power, cooling, compute), the binding constraint named; planned assets can be switched in.",
        args: ts_name::<dto::CapacityArgs>,
        result: ts_name::<dto::Capacity>,
    },
    CommandSpec {
        name: "park_n1",
        mutating: false,
        doc: "N-1 for the state now: every substation, transformer, feeder and cooling plant lost in turn, worst first.",
        args: no_args,
        result: ts_name::<dto::N1>,
    },
    CommandSpec {
        name: "park_ledger",
        mutating: false,
        doc: "The green ledger of a park day (default today), month and year to date, both ways; the day's intervals.",
        args: ts_name::<dto::LedgerArgs>,
        result: ts_name::<dto::LedgerDay>,
    },
    CommandSpec {
        name: "drill",
        mutating: true,
        doc: "Trip an asset in the live twin for some simulated minutes; returns the impact; recorded as an event.",
        args: ts_name::<dto::DrillArgs>,
        result: ts_name::<dto::Drill>,
    },
    CommandSpec {
        name: "park_schedule",
        mutating: false,
        doc: "The twin's job stream for the next 48 h, planned now (green first, then cheap hours), beside first-come-first-served and greedy.",
        args: no_args,
        result: ts_name::<dto::Schedule>,
    },
    CommandSpec {
        name: "centre_detail",
        mutating: false,
        doc: "One centre now: headroom and binding constraint, its feeds, every rack row by row, its planned jobs.",
        args: ts_name::<dto::CentreArgs>,
        result: ts_name::<dto::CentreDetail>,
    },
    CommandSpec {
        name: "demo_status",
        mutating: false,
        doc: "The demo pack being played (started with --demo), its progress and its steps.",
        args: no_args,
        result: ts_name::<dto::DemoStatus>,
    },
    CommandSpec {
        name: "park_replay",
        mutating: false,
        doc: "The live picture at a past instant, from the store: the park's recorded series and what was tripped then.",
        args: ts_name::<dto::ReplayArgs>,
        result: ts_name::<dto::LiveFrame>,
    },
    CommandSpec {
        name: "demo_play",
        mutating: true,
        doc: "Restart the live park on a demo pack (its start, pace and assets), or back to live without one.",
        args: ts_name::<dto::DemoArgs>,
        result: ts_name::<dto::DemoStatus>,
    },
    CommandSpec {
        name: "park_events",
        mutating: false,
        doc: "Faults, drills and actions of the last hours.",
        args: ts_name::<dto::EventsArgs>,
        result: ts_name::<dto::Events>,
    },
    CommandSpec {
        name: "park_sources",
        mutating: false,
        doc: "The data sources' health (link, counters, stale series) as the ingest last reported it.",
        args: no_args,
        result: ts_name::<dto::Sources>,
    },
    CommandSpec {
        name: "alarm_ack",
        mutating: true,
        doc: "Acknowledge an alarm (by the console's person; logged in the audit log).",
        args: ts_name::<dto::AlarmArgs>,
        result: ts_name::<dto::AlarmChangeDto>,
    },
    CommandSpec {
        name: "alarm_shelve",
        mutating: true,
        doc: "Shelve an alarm for some minutes: it leaves the list and comes back, if still active, when the shelf ends.",
        args: ts_name::<dto::AlarmArgs>,
        result: ts_name::<dto::AlarmChangeDto>,
    },
    CommandSpec {
        name: "export_briefing",
        mutating: true,
        doc: "Write a day's or week's briefing (charts as PNG and SVG, a one-page HTML summary) from the store into the desktop's downloads.",
        args: ts_name::<dto::BriefingArgs>,
        result: ts_name::<dto::BriefingExport>,
    },
    CommandSpec {
        name: "park_incidents",
        mutating: false,
        doc: "The listed alarms grouped into incidents along the power chain: what each affects (centres, feeders, tenants, running jobs), its time line and the checklist of each kind of alarm in it.",
        args: no_args,
        result: ts_name::<dto::Incidents>,
    },
    CommandSpec {
        name: "incident_note",
        mutating: true,
        doc: "Add a note to an open incident's time line (by the console's person; logged in the audit log).",
        args: ts_name::<dto::NoteArgs>,
        result: ts_name::<dto::EventDto>,
    },
    CommandSpec {
        name: "incident_step",
        mutating: true,
        doc: "Tick off a step of an open incident's checklist (by the console's person; on the time line and in the audit log).",
        args: ts_name::<dto::StepArgs>,
        result: ts_name::<dto::EventDto>,
    },
    CommandSpec {
        name: "evacuation_approve",
        mutating: true,
        doc: "Approve the evacuation plan of the drill running on an asset (by the console's person; on the time line and in the audit log).",
        args: ts_name::<dto::ApproveArgs>,
        result: ts_name::<dto::Approval>,
    },
];

/// Streams pushed to the UI (a Tauri channel in the window, server-sent events over HTTP).
pub struct StreamSpec {
    pub name: &'static str,
    pub doc: &'static str,
    pub item: fn(&ts_rs::Config) -> String,
}

pub const STREAMS: &[StreamSpec] = &[StreamSpec {
    name: "live",
    doc: "The park now, about once a second: load, green share, PUE, each centre's state.",
    item: ts_name::<dto::LiveFrame>,
}];

/// The most JSON any command's arguments may take. The largest legitimate call (a series name
/// and two instants) is under 200 bytes; anything near this bound is not one of our consoles.
pub const MAX_ARGS_BYTES: usize = 4096;

/// Typed arguments of `command` from JSON: arguments over [`MAX_ARGS_BYTES`], unknown fields and
/// wrong types are bad arguments, named.
pub fn parse<T: serde::de::DeserializeOwned>(
    command: &str,
    args: serde_json::Value,
) -> Result<T, ApiError> {
    let bad = |message: String| ApiError {
        code: ErrorCode::BadArguments,
        message: format!("{command}: {message}"),
        details: Vec::new(),
    };
    let size = json_size(&args);
    if size > MAX_ARGS_BYTES {
        return Err(bad(format!(
            "arguments of {size} bytes; at most {MAX_ARGS_BYTES}"
        )));
    }
    serde_json::from_value(args).map_err(|e| bad(e.to_string()))
}

/// The size of `value` written as JSON, counted without keeping the text.
fn json_size(value: &serde_json::Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing a Value to a counter cannot fail (no I/O, string keys only).
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

fn to_json<T: serde::Serialize>(value: T) -> Result<serde_json::Value, ApiError> {
    Ok(serde_json::to_value(value).unwrap_or(serde_json::Value::Null))
}

/// The park a client is looking at, and the answers to its commands.
#[derive(Debug, Clone)]
pub struct Api {
    park: Park,
    source: String,
}

impl Api {
    /// Read and validate a scenario file, or the built-in Qingyang scenario when `path` is None.
    pub fn open(path: Option<&Path>) -> Result<Self, ApiError> {
        match path {
            None => Self::from_text(suangu_core::QINGYANG, suangu_core::QINGYANG_NAME),
            Some(path) => {
                let shown = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|e| ApiError {
                    code: ErrorCode::ScenarioUnreadable,
                    message: format!("cannot read scenario {shown}: {e}"),
                    details: Vec::new(),
                })?;
                Self::from_text(&text, &shown)
            }
        }
    }

    /// Validate scenario text; `source` names it in messages.
    pub fn from_text(text: &str, source: &str) -> Result<Self, ApiError> {
        let park = suangu_core::load_str(text, source).map_err(invalid)?;
        Ok(Self {
            park,
            source: source.to_owned(),
        })
    }

    pub fn park(&self) -> &Park {
        &self.park
    }

    /// The same park with every planned asset in service (for demo packs that show the park
    /// once B01 and the 330 kV station are built).
    pub fn with_planned_online(self) -> Self {
        let ids = self.park.planned_ids();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        match self.park.with_in_service(&ids) {
            Ok(park) => Self {
                park,
                source: format!("{} + planned assets online", self.source),
            },
            Err(_) => self,
        }
    }

    pub fn park_summary(&self) -> ParkSummary {
        let s = self.park.scenario();
        let t = self.park.totals();
        ParkSummary {
            id: s.park.id.clone(),
            name: name(&s.park.name),
            source: self.source.clone(),
            date: s.park.date.to_string(),
            time_zone: s.park.time_zone.clone(),
            area_mu: s.park.area_mu.value.0,
            centres: count(t.centres),
            planned_centres: count(t.planned_centres),
            physical_racks: clamp_u32(t.physical_racks),
            physical_racks_planned: clamp_u32(t.physical_racks_planned),
            standard_racks: t.standard_racks,
            standard_racks_planned: t.standard_racks_planned,
            it_capacity_mw: t.it_capacity.0,
            it_capacity_planned_mw: t.it_capacity_planned.0,
            facility_capacity_mw: t.facility_capacity.0,
            pflops: t.pflops.0,
            pflops_planned: t.pflops_planned.0,
            green_capacity_mw: t.green_capacity.0,
            green_capacity_planned_mw: t.green_capacity_planned.0,
            storage_mw: t.storage_power.0,
            storage_mwh: t.storage_energy.0,
            target_standard_racks: s.park.targets.standard_racks.value,
            target_pflops: s.park.targets.pflops.value.0,
            substations: t
                .substations
                .iter()
                .zip(&s.substations)
                .map(|(total, station)| SubstationSummary {
                    id: total.id.clone(),
                    name: name(&station.name),
                    kv: total.kv.0,
                    mva: total.mva.0,
                    transformers: count(total.transformers),
                    in_service: total.in_service,
                })
                .collect(),
            warnings: self
                .park
                .warnings()
                .iter()
                .map(ToString::to_string)
                .collect(),
        }
    }

    pub fn park_map(&self) -> ParkMap {
        map::park_map(&self.park)
    }

    /// Answer a command by name with its JSON result (the HTTP server's single route).
    pub fn call(&self, command: &str) -> Result<serde_json::Value, ApiError> {
        let json = match command {
            "park_summary" => serde_json::to_value(self.park_summary()),
            "park_map" => serde_json::to_value(self.park_map()),
            other => {
                return Err(ApiError {
                    code: ErrorCode::UnknownCommand,
                    message: format!("no command named \"{other}\""),
                    details: Vec::new(),
                });
            }
        };
        // The DTOs are plain data (no maps with non-string keys, no non-finite floats
        // unless the scenario had them, which the loader rejects), so this cannot fail.
        Ok(json.unwrap_or(serde_json::Value::Null))
    }
}

pub(crate) fn invalid(errors: ScenarioErrors) -> ApiError {
    ApiError {
        code: ErrorCode::ScenarioInvalid,
        message: errors.to_string(),
        details: errors
            .0
            .iter()
            .map(|e| ScenarioIssue {
                file: e.file.clone(),
                line: clamp_u32(e.line as u64),
                column: clamp_u32(e.column as u64),
                field: e.field.clone(),
                kind: e.kind.to_string(),
                message: e.message.clone(),
            })
            .collect(),
    }
}

pub(crate) fn name(n: &suangu_core::scenario::Name) -> Name {
    Name {
        zh: n.zh.clone(),
        en: n.en.clone(),
    }
}

pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(crate) fn clamp_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A client's view of one park: the static API and, when the store could be opened, the live
/// engine. Hosts dispatch every command through [`Session::call`] or its typed methods.
pub struct Session<S: suangu_store::Store + 'static> {
    pub api: Api,
    pub live: Result<live::Live<S>, ApiError>,
}

impl<S: suangu_store::Store + 'static> Session<S> {
    /// The live side, or why it is unavailable.
    pub fn live(&self) -> Result<&live::Live<S>, ApiError> {
        self.live.as_ref().map_err(Clone::clone)
    }

    /// Answer any command by name; `args` is a JSON object (empty for commands without).
    pub async fn call(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, ApiError> {
        match command {
            "park_trend" => to_json(self.live()?.park_trend(parse(command, args)?).await?),
            "series_history" => to_json(self.live()?.series_history(parse(command, args)?).await?),
            "park_capacity" => {
                let args: dto::CapacityArgs = parse("park_capacity", args)?;
                to_json(self.live()?.capacity(args).await?)
            }
            "park_n1" => {
                parse::<dto::NoArgs>(command, args)?;
                to_json(self.live()?.n1().await?)
            }
            "park_schedule" => {
                parse::<dto::NoArgs>(command, args)?;
                to_json(self.live()?.schedule().await?)
            }
            "demo_status" => {
                parse::<dto::NoArgs>(command, args)?;
                to_json(self.live()?.demo_status())
            }
            "park_replay" => to_json(self.live()?.replay(parse("park_replay", args)?).await?),
            // An alarm is acknowledged by a person a host names (and logs).
            "alarm_ack" | "alarm_shelve" | "incident_note" | "incident_step"
            | "evacuation_approve" => Err(ApiError {
                code: ErrorCode::ReadOnly,
                message: format!("{command}: this host has no operator to act"),
                details: Vec::new(),
            }),
            // Files are written by a desktop host, into a folder of its choosing.
            "export_briefing" => Err(ApiError {
                code: ErrorCode::ReadOnly,
                message: "export_briefing: this host does not write files; use `suangu report`"
                    .to_owned(),
                details: Vec::new(),
            }),
            // Restarting the park is the host's (see `console::Console`), not a session's.
            "demo_play" => Err(ApiError {
                code: ErrorCode::ReadOnly,
                message: "demo_play: this host plays demo packs only from its command line"
                    .to_owned(),
                details: Vec::new(),
            }),
            "centre_detail" => {
                let args: dto::CentreArgs = parse("centre_detail", args)?;
                to_json(self.live()?.centre_detail(args).await?)
            }
            "park_ledger" => {
                let args: dto::LedgerArgs = parse("park_ledger", args)?;
                to_json(self.live()?.ledger(args).await?)
            }
            "drill" => {
                let args: dto::DrillArgs = parse("drill", args)?;
                to_json(self.live()?.drill(args).await?)
            }
            "park_events" => {
                let args: dto::EventsArgs = parse("park_events", args)?;
                to_json(self.live()?.events(args).await?)
            }
            "park_sources" => {
                parse::<dto::NoArgs>(command, args)?;
                to_json(self.live()?.sources().await?)
            }
            "park_incidents" => {
                parse::<dto::NoArgs>(command, args)?;
                to_json(self.live()?.incidents().await?)
            }
            "rack_heatmap" => to_json(self.live()?.rack_heatmap(parse(command, args)?).await?),
            "park_summary" | "park_map" => {
                parse::<dto::NoArgs>(command, args)?;
                self.api.call(command)
            }
            other => self.api.call(other),
        }
    }

    /// Stop the live engine (its streams end) after writing what it holds.
    pub async fn shutdown(&self) {
        if let Ok(live) = &self.live {
            live.shutdown().await;
        }
    }
}

/// Whether `command` changes something (see [`CommandSpec::mutating`]).
pub fn is_mutating(command: &str) -> bool {
    COMMANDS.iter().any(|c| c.name == command && c.mutating)
}
