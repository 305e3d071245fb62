//! What a briefing shows, from what the store holds for its period: one slot per 15-minute
//! interval (empty where nothing was stored: charts break there, never interpolate), each
//! centre's utilisation, the KPIs and the period's drills and faults. Pure once loaded.

use crate::period::Period;
use jiff::Timestamp;
use jiff::civil::Date;
use suangu_core::Park;
use suangu_core::scenario::{Name, Status};
use suangu_engine::kpi::{PeriodKpis, kpis};
use suangu_store::{AggregateRow, Event, LedgerRow, Level, Scope, Store, StoreError};

/// The store's rows for one period.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub ledger: Vec<LedgerRow>,
    /// The park's 15-minute aggregates.
    pub park: Vec<AggregateRow>,
    /// Each centre's 15-minute aggregates, in the scenario's order.
    pub centres: Vec<Vec<AggregateRow>>,
    pub events: Vec<Event>,
}

/// Read the period's rows of `park` from `store`.
pub async fn load<S: Store>(store: &S, park: &Park, period: &Period) -> Result<Data, StoreError> {
    let s = park.scenario();
    let id = s.park.id.as_str();
    let (from, to) = (period.from, period.to);
    let mut centres = Vec::with_capacity(s.centres.len());
    for c in &s.centres {
        let rows = store
            .aggregates(id, Level::Quarter, Scope::Centre, c.id.as_str(), from, to)
            .await?;
        centres.push(rows);
    }
    Ok(Data {
        ledger: store.ledger(id, from, to).await?,
        park: store
            .aggregates(id, Level::Quarter, Scope::Park, id, from, to)
            .await?,
        centres,
        events: store.events(id, from, to).await?,
    })
}

/// The local days of `park` that hold ledger rows, for "there is data for …" when a period has
/// none.
pub async fn days_with_data<S: Store>(
    store: &S,
    park: &Park,
    tz: &jiff::tz::TimeZone,
) -> Result<Vec<Date>, StoreError> {
    let rows = store
        .ledger(
            &park.scenario().park.id,
            Timestamp::UNIX_EPOCH,
            Timestamp::MAX,
        )
        .await?;
    let mut days: Vec<Date> = rows
        .iter()
        .map(|r| tz.to_datetime(r.start).date())
        .collect();
    days.dedup();
    Ok(days)
}

/// One 15-minute interval, in average MW over the interval (energy / hours) and ratios.
#[derive(Debug, Clone, PartialEq)]
pub struct Quarter {
    pub start: Timestamp,
    /// The park's load (facility), served by the four sources below, which sum to it.
    pub load_mw: f64,
    /// Green generation behind the meter delivered to the load.
    pub own_green_mw: f64,
    /// Contracted green generation delivered to the load.
    pub contract_green_mw: f64,
    /// Green energy out of storage.
    pub storage_green_mw: f64,
    /// Grid import serving the load.
    pub import_mw: f64,
    /// All green generation (delivered, stored, exported or curtailed).
    pub green_generation_mw: f64,
    pub share_market: f64,
    pub share_location: f64,
    pub curtailed_mwh: f64,
    pub exported_mwh: f64,
    /// Facility over IT energy (None without the park's aggregate or with no IT load).
    pub pue: Option<f64>,
}

/// A centre's use of its IT capacity over the intervals stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CentreUse {
    pub id: String,
    pub name: Name,
    pub capacity_mw: f64,
    pub mean_it_mw: f64,
    pub peak_it_mw: f64,
}

impl CentreUse {
    pub fn mean_utilisation(&self) -> f64 {
        self.mean_it_mw / self.capacity_mw
    }
    pub fn peak_utilisation(&self) -> f64 {
        self.peak_it_mw / self.capacity_mw
    }
}

/// A fault or drill, with its end when it had one.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub at: Timestamp,
    pub until: Option<Timestamp>,
    pub kind: String,
    pub target: String,
}

/// Everything a briefing draws and says.
#[derive(Debug, Clone)]
pub struct Briefing {
    pub park_id: String,
    pub park_name: Name,
    pub period: Period,
    /// One per 15-minute interval of the period; None where the store has none.
    pub slots: Vec<Option<Quarter>>,
    /// Centres with stored intervals in the period, in the scenario's order.
    pub centres: Vec<CentreUse>,
    pub kpis: PeriodKpis,
    /// When the park's IT load peaked.
    pub peak_it_at: Option<Timestamp>,
    /// Intervals not fully green (market-based).
    pub not_green: usize,
    pub incidents: Vec<Incident>,
    /// The alarms raised in the period, most severe and most frequent first (at most five).
    pub top_alarms: Vec<AlarmCount>,
    /// The scheduler's outcomes recorded in the period (`schedule` events), in time order.
    pub schedule: Vec<ScheduleOutcome>,
}

/// One planner's result as recorded: the green share of its jobs' energy, cost and misses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanResult {
    pub green_share: f64,
    pub cost_cny: f64,
    pub missed: u32,
}

/// The live plan beside both baselines at one instant (the engine records one an hour).
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleOutcome {
    pub at: Timestamp,
    pub ours: PlanResult,
    pub fcfs: PlanResult,
    pub greedy: PlanResult,
}

/// The `schedule` events that can be read (one that cannot is left out, never guessed).
fn schedule_outcomes(events: &[Event]) -> Vec<ScheduleOutcome> {
    let result = |v: &serde_json::Value| {
        Some(PlanResult {
            green_share: v.get("green_share_market")?.as_f64()?,
            cost_cny: v.get("cost_cny")?.as_f64()?,
            missed: u32::try_from(v.get("missed_deadlines")?.as_u64()?).ok()?,
        })
    };
    events
        .iter()
        .filter(|e| e.kind == "schedule")
        .filter_map(|e| {
            let d: serde_json::Value = serde_json::from_str(&e.detail).ok()?;
            Some(ScheduleOutcome {
                at: e.at,
                ours: result(d.get("ours")?)?,
                fcfs: result(d.get("fcfs")?)?,
                greedy: result(d.get("greedy")?)?,
            })
        })
        .collect()
}

/// How often an alarm (a rule on a target) was raised in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmCount {
    pub rule: String,
    pub target: String,
    pub severity: String,
    pub raised: u32,
}

/// The top five of the period's `alarm_raised` events, by severity then count.
fn top_alarms(events: &[Event]) -> Vec<AlarmCount> {
    let rank = |severity: &str| match severity {
        "critical" => 0,
        "major" => 1,
        "minor" => 2,
        _ => 3,
    };
    let mut counts: Vec<AlarmCount> = Vec::new();
    for e in events.iter().filter(|e| e.kind == "alarm_raised") {
        let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
        let field = |name: &str| {
            detail
                .get(name)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned()
        };
        let (rule, severity) = (field("rule"), field("severity"));
        match counts
            .iter_mut()
            .find(|c| c.rule == rule && c.target == e.target)
        {
            Some(c) => c.raised += 1,
            None => counts.push(AlarmCount {
                rule,
                target: e.target.clone(),
                severity,
                raised: 1,
            }),
        }
    }
    counts.sort_by(|a, b| {
        rank(&a.severity)
            .cmp(&rank(&b.severity))
            .then(b.raised.cmp(&a.raised))
            .then(a.rule.cmp(&b.rule))
    });
    counts.truncate(5);
    counts
}

impl Briefing {
    pub fn build(park: &Park, period: Period, data: &Data) -> Self {
        let s = park.scenario();
        let mut slots: Vec<Option<Quarter>> = vec![None; period.quarters()];
        let pue_at = |start: Timestamp| {
            data.park
                .iter()
                .find(|a| a.start == start)
                .filter(|a| a.it.0 > 0.0)
                .map(|a| a.facility.0 / a.it.0)
        };
        let mut not_green = 0;
        for row in &data.ledger {
            let Some(slot) = period.slot(row.start) else {
                continue;
            };
            let l = &row.ledger;
            let mw = |mwh: f64| {
                if row.hours > 0.0 {
                    mwh / row.hours
                } else {
                    0.0
                }
            };
            let share = |green: f64| {
                if l.load.0 > 0.0 {
                    green / l.load.0
                } else {
                    1.0
                }
            };
            let market = share(l.delivered.0 + l.green_discharged.0);
            if market < 1.0 - 1e-9 {
                not_green += 1;
            }
            slots[slot] = Some(Quarter {
                start: row.start,
                load_mw: mw(l.load.0),
                own_green_mw: mw(l.delivered_behind_meter.0),
                contract_green_mw: mw(l.delivered.0 - l.delivered_behind_meter.0),
                storage_green_mw: mw(l.green_discharged.0),
                import_mw: mw(l.import.0),
                green_generation_mw: mw(l.generation().0),
                share_market: market,
                share_location: share(l.delivered_behind_meter.0),
                curtailed_mwh: l.curtailed.0,
                exported_mwh: l.exported.0,
                pue: pue_at(row.start),
            });
        }
        let centres = s
            .centres
            .iter()
            .zip(&data.centres)
            // A planned centre has no IT load to use its capacity with.
            .filter(|(c, rows)| c.status == Status::Operating && !rows.is_empty())
            .map(|(c, rows)| {
                let hours = rows.len() as f64 * 0.25;
                CentreUse {
                    id: c.id.to_string(),
                    name: c.short_name.clone().unwrap_or_else(|| c.name.clone()),
                    capacity_mw: c.it_capacity_mw.value.0,
                    mean_it_mw: rows.iter().map(|r| r.it.0).sum::<f64>() / hours,
                    peak_it_mw: rows.iter().map(|r| r.peak_it.0).fold(0.0, f64::max),
                }
            })
            .collect();
        let peak_it_at = data
            .park
            .iter()
            .filter(|a| a.peak_it.0 > 0.0)
            .max_by(|a, b| a.peak_it.0.total_cmp(&b.peak_it.0))
            .map(|a| a.start);
        let incidents = data
            .events
            .iter()
            // Faults and drills; alarms are counted below, and a clear ends a fault.
            .filter(|e| e.kind != "clear" && e.kind != "schedule" && !e.kind.starts_with("alarm_"))
            .map(|e| Incident {
                at: e.at,
                until: until_of(&e.detail),
                kind: e.kind.clone(),
                target: e.target.clone(),
            })
            .collect();
        let top_alarms = top_alarms(&data.events);
        Self {
            top_alarms,
            schedule: schedule_outcomes(&data.events),
            park_id: s.park.id.clone(),
            park_name: s.park.name.clone(),
            kpis: kpis(park, &data.ledger, &data.park),
            period,
            slots,
            centres,
            peak_it_at,
            not_green,
            incidents,
        }
    }

    /// Intervals that hold data.
    pub fn stored(&self) -> usize {
        self.slots.iter().flatten().count()
    }
}

/// The `until` of an event's JSON detail, when it has a readable one.
fn until_of(detail: &str) -> Option<Timestamp> {
    let value: serde_json::Value = serde_json::from_str(detail).ok()?;
    value.get("until")?.as_str()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_alarms_are_the_most_severe_then_the_most_frequent() {
        let raised = |rule: &str, target: &str, severity: &str| Event {
            at: Timestamp::UNIX_EPOCH,
            kind: "alarm_raised".into(),
            target: target.into(),
            detail: format!(r#"{{"rule":"{rule}","severity":"{severity}"}}"#),
        };
        let mut events = vec![
            raised("pue", "park", "minor"),
            raised("pue", "park", "minor"),
            raised("lost", "SS-110-2", "critical"),
            raised("step", "park", "major"),
        ];
        events.push(Event {
            kind: "alarm_acknowledged".into(),
            ..raised("lost", "SS-110-2", "critical")
        });
        let top = top_alarms(&events);
        let said: Vec<(&str, u32)> = top.iter().map(|c| (c.rule.as_str(), c.raised)).collect();
        assert_eq!(said, [("lost", 1), ("step", 1), ("pue", 2)]);
    }

    #[test]
    fn until_is_read_from_the_detail_or_left_out() {
        assert_eq!(
            until_of(r#"{"until":"2026-04-01T03:00:00Z"}"#),
            Some("2026-04-01T03:00:00Z".parse().expect("ts"))
        );
        assert_eq!(until_of("{}"), None);
        assert_eq!(until_of("not json"), None);
        assert_eq!(until_of(r#"{"until":"yesterday"}"#), None);
    }
}
