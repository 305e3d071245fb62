//! Incidents: the listed alarms grouped by the core (`alarms::incidents::group`, along the power
//! chain), each with what it affects (centres, their feeders, tenants and running jobs), its time
//! line from the event log and the checklist of each kind of alarm in it.

use crate::dto::{ApiError, ErrorCode, EventDto, IncidentDto, Incidents, NoteArgs, ProcedureDto};
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
            let (problem, plan) = self.live_plan().await;
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
                let timeline = events
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
        let text = args.text.trim();
        let chars = text.chars().count();
        if chars == 0 || chars > MAX_NOTE_CHARS {
            return Err(bad(format!(
                "a note is 1 to {MAX_NOTE_CHARS} characters, not {chars}"
            )));
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(bad(
                "a note may hold line breaks but no other control characters".to_owned(),
            ));
        }
        let open = self.incidents().await?;
        let incident = open
            .incidents
            .iter()
            .find(|i| i.id == args.incident)
            .ok_or_else(|| {
                bad(format!(
                    "no open incident {:?} (open: {})",
                    args.incident,
                    open.incidents
                        .iter()
                        .map(|i| i.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        let target = incident
            .alarms
            .first()
            .map_or_else(|| "park".to_owned(), |a| a.target.clone());
        let event = Event {
            at: self.engine().now(),
            kind: "note".to_owned(),
            target,
            detail: serde_json::json!({ "incident": incident.id, "by": by, "text": text })
                .to_string(),
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

fn bad(message: String) -> ApiError {
    ApiError {
        code: ErrorCode::BadArguments,
        message: format!("incident_note: {message}"),
        details: Vec::new(),
    }
}

/// Whether `event` is part of an incident on the targets `on`: anything on one of them (alarm
/// changes, drills, trips, cooling losses, notes), and the scheduler's outcomes (park-wide).
fn belongs(event: &Event, on: &BTreeSet<&str>) -> bool {
    event.kind == "schedule" || on.contains(event.target.as_str())
}

fn seconds(t: Timestamp) -> u32 {
    u32::try_from(t.as_second()).unwrap_or(0)
}
