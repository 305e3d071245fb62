//! Incidents: the listed alarms grouped by the core (`alarms::incidents::group`, along the power
//! chain), each with what it affects (centres, their feeders, tenants and running jobs), its time
//! line from the event log and the checklist of each kind of alarm in it.

use crate::dto::{
    ApiError, ErrorCode, EventDto, IncidentDto, Incidents, NoteArgs, ProcedureDto, StepArgs,
    StepDone,
};
use crate::live::{Live, alarm_dto, store_error};
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use suangu_core::alarms::{AlarmKey, AlarmRecord, AlarmView, group};
use suangu_store::{Event, Store};

/// Related alarms raised within this long of each other are one incident. Origin: assumption
/// (a cascade along the power chain shows within minutes; ISA-18.2 practice groups alarms of one
/// upset over about that long).
pub const WINDOW_S: u64 = 600;
/// The time line starts this long before the first alarm (the trip or drill that caused it).
const LEAD_S: i64 = 900;

impl<S: Store + 'static> Live<S> {
    /// The incidents of the alarms listed now, the most severe first, then the newest.
    pub async fn incidents(&self) -> Result<Incidents, ApiError> {
        let engine = self.engine();
        let park = engine.park();
        let listed: Vec<AlarmView> = engine
            .latest()
            .map(|f| f.alarms.as_ref().clone())
            .unwrap_or_default();
        let records: Vec<AlarmRecord> = listed
            .iter()
            .map(|a| AlarmRecord {
                key: a.key.clone(),
                severity: a.severity,
                raised_at: a.raised_at,
            })
            .collect();
        let grouped = group(&records, park, WINDOW_S);
        // By key: an alarm storm (thousands listed) is looked up, not searched.
        let by_key: HashMap<&AlarmKey, &AlarmView> = listed.iter().map(|a| (&a.key, a)).collect();
        let now = engine.now();
        let events = match grouped.iter().map(|i| i.first_raised).min() {
            Some(first) => {
                let from = Timestamp::from_second(first.as_second() - LEAD_S).unwrap_or(first);
                let to = Timestamp::from_second(now.as_second() + 1).unwrap_or(now);
                self.store()
                    .events(&park.scenario().park.id, from, to)
                    .await
                    .map_err(store_error)?
            }
            None => Vec::new(),
        };
        let placements = if grouped.is_empty() {
            Vec::new()
        } else {
            let (problem, plan) = self.live_plan("park_incidents").await?;
            crate::ops::scheduled_jobs(&problem, &plan)
        };
        let now_s = seconds(now);
        let scenario = park.scenario();
        // Most severe first, then the newest: what needs a person most is on top.
        let mut grouped = grouped;
        grouped.sort_by_key(|i| (i.severity, std::cmp::Reverse(i.first_raised)));
        let incidents: Vec<IncidentDto> = grouped
            .iter()
            .map(|incident| {
                let alarms: Vec<&AlarmView> = incident
                    .alarms
                    .iter()
                    .filter_map(|r| by_key.get(&r.key).copied())
                    .collect();
                let centres = &incident.centres;
                let serving = || {
                    scenario
                        .centres
                        .iter()
                        .filter(|c| centres.iter().any(|id| *id == c.id.as_str()))
                };
                let feeders: BTreeSet<String> = serving()
                    .flat_map(|c| c.feeds.iter().map(|f| f.feeder.to_string()))
                    .collect();
                let mut tenants = Vec::new();
                for centre in serving() {
                    let tenant = crate::name(&centre.operator);
                    if !tenants.contains(&tenant) {
                        tenants.push(tenant);
                    }
                }
                let mut on: BTreeSet<&str> = alarms.iter().map(|a| a.key.target.as_str()).collect();
                on.extend(centres.iter().map(String::as_str));
                on.extend(feeders.iter().map(String::as_str));
                let lead = incident.first_raised.as_second() - LEAD_S;
                let timeline: Vec<EventDto> = events
                    .iter()
                    .filter(|e| e.at.as_second() >= lead && belongs(e, &on))
                    .map(|e| EventDto {
                        at_s: seconds(e.at),
                        kind: e.kind.clone(),
                        target: e.target.clone(),
                        detail: e.detail.clone(),
                    })
                    .collect();
                let mut kinds: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
                let rules = engine.rules();
                for alarm in &alarms {
                    if let Some(rule) = rules.and_then(|r| r.rule(&alarm.key.rule)) {
                        let ids = kinds.entry(rule.condition.kind()).or_default();
                        if !ids.contains(&rule.id) {
                            ids.push(rule.id.clone());
                        }
                    }
                }
                let procedures = kinds
                    .into_iter()
                    .map(|(kind, ids)| ProcedureDto {
                        kind: kind.to_owned(),
                        steps: rules
                            .and_then(|r| r.procedures.get(kind))
                            .map(|steps| steps.iter().map(crate::name).collect())
                            .unwrap_or_default(),
                        done: steps_done(&timeline, kind),
                        rules: ids,
                    })
                    .collect();
                let first = &incident.alarms[0];
                IncidentDto {
                    id: format!(
                        "{}@{}#{}",
                        first.key.rule,
                        first.key.target,
                        seconds(incident.first_raised)
                    ),
                    severity: incident.severity.as_str().to_owned(),
                    first_raised_s: seconds(incident.first_raised),
                    alarms: alarms.iter().map(|a| alarm_dto(a)).collect(),
                    centres: centres.clone(),
                    jobs: placements
                        .iter()
                        .filter(|j| centres.contains(&j.centre))
                        .filter(|j| j.start_s <= now_s && now_s < j.end_s)
                        .cloned()
                        .collect(),
                    racks: serving().map(|c| c.physical_racks.value).sum(),
                    feeders: feeders.into_iter().collect(),
                    tenants,
                    timeline,
                    procedures,
                }
            })
            .collect();
        Ok(Incidents {
            window_s: u32::try_from(WINDOW_S).unwrap_or(u32::MAX),
            incidents,
        })
    }
}

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;

impl<S: Store + 'static> Live<S> {
    /// Add `by`'s note to the open incident `args.incident`: an event (`note`) on its first
    /// alarm's target at the park's now, so it sits on the incident's time line in order. An
    /// empty, over-long or control-character note, or an incident not open now, is refused.
    pub async fn incident_note(&self, args: NoteArgs, by: &str) -> Result<EventDto, ApiError> {
        const NOTE: &str = "incident_note";
        let text = args.text.trim();
        let chars = text.chars().count();
        if chars == 0 || chars > MAX_NOTE_CHARS {
            return Err(bad(
                NOTE,
                format!("a note is 1 to {MAX_NOTE_CHARS} characters, not {chars}"),
            ));
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(bad(
                NOTE,
                "a note may hold line breaks but no other control characters".to_owned(),
            ));
        }
        let incident = self.open_incident(NOTE, &args.incident).await?;
        let detail = serde_json::json!({ "incident": incident.id, "by": by, "text": text });
        self.on_time_line(&incident, "note", detail).await
    }

    /// `by` ticks off step `args.step` (from 0) of the checklist of kind `args.kind` of the open
    /// incident `args.incident`: an event (`procedure_step`) on its time line, which the
    /// incident's procedure then shows as done, by whom and when. A step that is not on that
    /// checklist, or is done already, is refused.
    pub async fn incident_step(&self, args: StepArgs, by: &str) -> Result<EventDto, ApiError> {
        const STEP: &str = "incident_step";
        let incident = self.open_incident(STEP, &args.incident).await?;
        let procedure = incident
            .procedures
            .iter()
            .find(|p| p.kind == args.kind)
            .ok_or_else(|| {
                bad(
                    STEP,
                    format!(
                        "incident {:?} has no {:?} checklist",
                        incident.id, args.kind
                    ),
                )
            })?;
        if usize::try_from(args.step).map_or(true, |s| s >= procedure.steps.len()) {
            return Err(bad(
                STEP,
                format!(
                    "the {} checklist has steps 0 to {}, not {}",
                    args.kind,
                    procedure.steps.len().saturating_sub(1),
                    args.step
                ),
            ));
        }
        if let Some(done) = procedure.done.iter().find(|d| d.step == args.step) {
            return Err(bad(
                STEP,
                format!("step {} is done already (by {})", args.step, done.by),
            ));
        }
        let detail = serde_json::json!({
            "incident": incident.id, "by": by, "kind": args.kind, "step": args.step,
        });
        self.on_time_line(&incident, "procedure_step", detail).await
    }

    /// The incident `id` if it is open now, or a refusal naming the open ones.
    async fn open_incident(&self, command: &str, id: &str) -> Result<IncidentDto, ApiError> {
        let open = self.incidents().await?;
        let ids: Vec<&str> = open.incidents.iter().map(|i| i.id.as_str()).collect();
        let message = format!("no open incident {id:?} (open: {})", ids.join(", "));
        open.incidents
            .into_iter()
            .find(|i| i.id == id)
            .ok_or_else(|| bad(command, message))
    }

    /// Record an event of `kind` on `incident`'s first alarm's target at the park's now.
    async fn on_time_line(
        &self,
        incident: &IncidentDto,
        kind: &str,
        detail: serde_json::Value,
    ) -> Result<EventDto, ApiError> {
        let target = incident
            .alarms
            .first()
            .map_or_else(|| "park".to_owned(), |a| a.target.clone());
        let event = Event {
            at: self.engine().now(),
            kind: kind.to_owned(),
            target,
            detail: detail.to_string(),
        };
        let park = self.engine().park();
        self.store()
            .add_event(&park.scenario().park.id, &event)
            .await
            .map_err(store_error)?;
        Ok(EventDto {
            at_s: seconds(event.at),
            kind: event.kind,
            target: event.target,
            detail: event.detail,
        })
    }
}

fn bad(command: &str, message: String) -> ApiError {
    ApiError {
        code: ErrorCode::BadArguments,
        message: format!("{command}: {message}"),
        details: Vec::new(),
    }
}

/// The checklist steps of `kind` ticked off on a time line (`procedure_step` events), each the
/// first time it was.
fn steps_done(timeline: &[EventDto], kind: &str) -> Vec<StepDone> {
    let mut done: Vec<StepDone> = Vec::new();
    for event in timeline.iter().filter(|e| e.kind == "procedure_step") {
        let Ok(d) = serde_json::from_str::<serde_json::Value>(&event.detail) else {
            continue;
        };
        let step = d["step"].as_u64().and_then(|s| u32::try_from(s).ok());
        if let (Some(step), true) = (step, d["kind"] == kind)
            && !done.iter().any(|x| x.step == step)
        {
            done.push(StepDone {
                step,
                by: d["by"].as_str().unwrap_or_default().to_owned(),
                at_s: event.at_s,
            });
        }
    }
    done
}

/// Whether `event` is part of an incident on the targets `on`: anything on one of them (alarm
/// changes, drills, trips, cooling losses, notes), and the scheduler's outcomes (park-wide).
fn belongs(event: &Event, on: &BTreeSet<&str>) -> bool {
    event.kind == "schedule" || on.contains(event.target.as_str())
}

fn seconds(t: Timestamp) -> u32 {
    u32::try_from(t.as_second()).unwrap_or(0)
}
