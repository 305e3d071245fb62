//! Operations on the live park: capacity headroom, N-1, the green ledger by period, drills and
//! the event time line. The numbers come from the core; this module only shapes them.

use crate::dto::{
    AcceleratorUse, ApiError, Approval, ApproveArgs, BindingKind, Capacity, CapacityArgs,
    CappedDto, CentreArgs, CentreDetail, CentreHeadroom, Contingency, DemoPackDto, DemoStatus,
    DemoStepDto, Drill, DrillArgs, ErrorCode, EvacuationDto, EventDto, Events, EventsArgs, FeedNow,
    HallRacks, LedgerArgs, LedgerDay, LedgerInterval, LedgerPeriod, MetricScale, N1, OverloadDto,
    RackMetricName, Schedule, ScheduleMetrics, ScheduledJob, ZoneHeadroom,
};
use crate::live::{Live, store_error, twin_error};
use jiff::Timestamp;
use suangu_core::Park;
use suangu_core::capacity::{Binding, capacity};
use suangu_core::contingency::{ElementKind, Impact, Network, State};
use suangu_core::green::{GreenKpis, periods};
use suangu_core::interval::CentrePower;
use suangu_core::schedule::{Metrics, Move, Plan, Problem, Strategy, evacuate, evaluate, plan};
use suangu_core::tariff::Period;
use suangu_core::units::Mw;
use suangu_engine::live::{EngineError, RackFrame};
use suangu_engine::plan::problem_at;
use suangu_sim::FaultKind;
use suangu_store::{Event, Store};

/// Every built-in demo pack, for the window's picker.
fn packs() -> Vec<DemoPackDto> {
    suangu_sim::demo_packs()
        .iter()
        .map(|p| DemoPackDto {
            id: p.id.to_owned(),
            name: crate::name(&p.name()),
            real_s: (p.length_s as f64 / p.speed).ceil() as u32,
        })
        .collect()
}

fn bad(command: &str, message: String) -> ApiError {
    ApiError {
        code: ErrorCode::BadArguments,
        message: format!("{command}: {message}"),
        details: Vec::new(),
    }
}

fn seconds(t: Timestamp) -> u32 {
    u32::try_from(t.as_second()).unwrap_or(0)
}

/// The wire form of an impact (N-1, drills; also what `suangu drill --json` prints).
pub fn contingency(park: &Park, i: &Impact) -> Contingency {
    Contingency {
        asset: i.element.id.clone(),
        kind: i.element.kind.as_str().to_owned(),
        shed_mw: i.shed().0,
        lost_it_mw: i.lost_it.0,
        capped_it_mw: i.capped_it().0,
        racks_lost: i.racks_lost,
        affected_centres: i.affected_centres(park),
        lost_supply: i.lost_supply.clone(),
        lost_redundancy: i.lost_redundancy.clone(),
        capped: i
            .capped
            .iter()
            .map(|(centre, mw)| CappedDto {
                centre: centre.clone(),
                it_mw: mw.0,
            })
            .collect(),
        overloads: i
            .overloads
            .iter()
            .map(|o| OverloadDto {
                element: o.element.id.clone(),
                load_mw: o.load.0,
                rating_mw: o.rating.0,
            })
            .collect(),
    }
}

/// The wire form of a ledger period (also what `suangu ledger --json` prints).
pub fn period(k: &GreenKpis) -> LedgerPeriod {
    LedgerPeriod {
        intervals: u32::try_from(k.intervals).unwrap_or(u32::MAX),
        load_mwh: k.load.0,
        delivered_mwh: k.delivered.0,
        stored_mwh: k.stored.0,
        exported_mwh: k.exported.0,
        curtailed_mwh: k.curtailed.0,
        import_mwh: k.import.0,
        green_share_market: k.green_share_market.0,
        green_share_location: k.green_share_location.0,
        co2_market_t: k.co2_market_t,
        co2_location_t: k.co2_location_t,
        co2_avoided_t: k.co2_avoided_t,
    }
}

fn secs(s: i64) -> u32 {
    u32::try_from(s.max(0)).unwrap_or(u32::MAX)
}

/// The wire form of a plan's placements.
pub(crate) fn scheduled_jobs(p: &Problem, plan: &Plan) -> Vec<ScheduledJob> {
    plan.placements
        .iter()
        .filter_map(|x| {
            let job = p.jobs.iter().find(|j| j.id == x.job)?;
            Some(ScheduledJob {
                job: x.job.clone(),
                kind: job.kind.as_str().to_owned(),
                origin: job.origin.clone(),
                centre: x.site.clone(),
                start_s: seconds(x.start),
                end_s: seconds(x.end),
                demand_kw: job.demand_kw,
                green_fraction: x.reason.green_fraction,
                deferred_s: secs(x.reason.deferred_s),
                slack_s: secs(x.reason.slack_s),
                period: match x.reason.period {
                    Period::Peak => "peak",
                    Period::Flat => "flat",
                    Period::Valley => "valley",
                }
                .to_owned(),
                ring_ms: x.reason.ring_ms,
                latency_ms: x.reason.latency_ms,
            })
        })
        .collect()
}

fn metrics(m: &Metrics) -> ScheduleMetrics {
    ScheduleMetrics {
        job_energy_mwh: m.job_energy_mwh,
        green_energy_mwh: m.green_energy_mwh,
        green_share_market: m.green_share_market,
        cost_cny: m.cost_cny,
        missed_deadlines: u32::try_from(m.missed_deadlines).unwrap_or(u32::MAX),
        co2_market_t: m.co2_market_t,
        co2_location_t: m.co2_location_t,
    }
}

/// The live state the analyses start from: the newest frame's load per centre and utilisation.
struct Now {
    at: Timestamp,
    power: Vec<CentrePower>,
    utilisation: Vec<f64>,
    trips: Vec<String>,
    cooling: Vec<String>,
}

impl<S: Store + 'static> Live<S> {
    /// For `command`: in observed mode there is no twin to say what is tripped (`not_ready`).
    async fn now(&self, command: &str) -> Result<Now, ApiError> {
        let frame = self.engine().latest().ok_or_else(|| ApiError {
            code: ErrorCode::NotReady,
            message: "the live park has no sample yet".to_owned(),
            details: Vec::new(),
        })?;
        let (trips, cooling) = self
            .engine()
            .outages(frame.at)
            .await
            .map_err(|e| twin_error(command, e))?;
        Ok(Now {
            at: frame.at,
            power: frame
                .centres
                .iter()
                .map(|c| CentrePower {
                    it: Mw(c.it_mw),
                    facility: Mw(c.facility_mw),
                })
                .collect(),
            utilisation: frame.centres.iter().map(|c| c.utilisation).collect(),
            trips,
            cooling,
        })
    }

    /// Headroom of every centre and the park now, optionally with planned assets switched in.
    pub async fn capacity(&self, args: CapacityArgs) -> Result<Capacity, ApiError> {
        let now = self.now("park_capacity").await?;
        // `planned` switches in every planned asset at once.
        let mut with = args.with.unwrap_or_default();
        if with.trim() == "planned" {
            with = self.engine().park().planned_ids().join(",");
        }
        let ids: Vec<&str> = with
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .collect();
        let park = if ids.is_empty() {
            self.engine().park().clone()
        } else {
            self.engine()
                .park()
                .with_in_service(&ids)
                .map_err(|unknown| {
                    bad(
                        "park_capacity",
                        format!("not planned assets of this park: {}", unknown.join(", ")),
                    )
                })?
        };
        let trips: Vec<&str> = now.trips.iter().map(String::as_str).collect();
        let cooling: Vec<&str> = now.cooling.iter().map(String::as_str).collect();
        let cap = capacity(&park, &now.power, &now.utilisation, &trips, &cooling);
        Ok(Capacity {
            at_s: seconds(now.at),
            centres: cap
                .centres
                .iter()
                .map(|c| {
                    let (binding, element) = match &c.binding {
                        Binding::ItCapacity => (BindingKind::ItCapacity, None),
                        Binding::Chain(id) => (BindingKind::Chain, Some(id.clone())),
                        Binding::Cooling => (BindingKind::Cooling, None),
                        Binding::NoSupply => (BindingKind::NoSupply, None),
                    };
                    CentreHeadroom {
                        centre: c.centre.clone(),
                        planned: c.planned,
                        racks_installed: c.racks_installed,
                        racks_used: c.racks_used,
                        it_mw: c.it.0,
                        it_capacity_mw: c.it_capacity.0,
                        chain_limit_mw: c.chain_limit.0,
                        cooling_mw: c.cooling.0,
                        headroom_mw: c.headroom.0,
                        binding,
                        binding_element: element,
                        violation: c.violation,
                        pflops: c.pflops,
                        pflops_allocated: c.pflops_allocated,
                    }
                })
                .collect(),
            zones: cap
                .zones
                .iter()
                .map(|z| ZoneHeadroom {
                    zone: z.zone.clone(),
                    racks_installed: z.racks_installed,
                    racks_used: z.racks_used,
                    it_mw: z.it.0,
                    headroom_mw: z.headroom.0,
                    pflops: z.pflops,
                    pflops_allocated: z.pflops_allocated,
                })
                .collect(),
            racks_installed: cap.racks_installed,
            racks_used: cap.racks_used,
            racks_planned: cap.racks_planned,
            it_mw: cap.it.0,
            headroom_mw: cap.headroom.0,
            pflops: cap.pflops,
            pflops_allocated: cap.pflops_allocated,
            pflops_planned: cap.pflops_planned,
            accelerators: cap
                .accelerators
                .iter()
                .map(|(class, (count, allocated))| AcceleratorUse {
                    class: class.clone(),
                    count: *count,
                    allocated: *allocated,
                })
                .collect(),
        })
    }

    /// N-1 for the state now, worst first.
    pub async fn n1(&self) -> Result<N1, ApiError> {
        let now = self.now("park_n1").await?;
        let park = self.engine().park();
        let trips: Vec<&str> = now.trips.iter().map(String::as_str).collect();
        let cooling: Vec<&str> = now.cooling.iter().map(String::as_str).collect();
        let state = State {
            power: &now.power,
            outages: &trips,
            cooling_lost: &cooling,
        };
        Ok(N1 {
            at_s: seconds(now.at),
            contingencies: Network::of(park)
                .n1(&state)
                .iter()
                .map(|i| contingency(park, i))
                .collect(),
        })
    }

    /// One centre, from the map down to its racks, its feeds and its planned jobs.
    pub async fn centre_detail(&self, args: CentreArgs) -> Result<CentreDetail, ApiError> {
        if self.engine().observed() {
            return Err(twin_error("centre_detail", EngineError::Observed));
        }
        let park = self.engine().park();
        let s = park.scenario();
        let index = s
            .centres
            .iter()
            .position(|c| c.id.as_str() == args.centre)
            .ok_or_else(|| bad("centre_detail", format!("no centre {:?}", args.centre)))?;
        let centre = &s.centres[index];
        let cap = self.capacity(CapacityArgs::default()).await?;
        let headroom = cap
            .centres
            .into_iter()
            .find(|c| c.centre == args.centre)
            .ok_or_else(|| {
                bad(
                    "centre_detail",
                    format!("no capacity for {:?}", args.centre),
                )
            })?;
        let frame = self.engine().latest();
        let down: Vec<String> = frame
            .as_ref()
            .map(|f| f.feeders_down.clone())
            .unwrap_or_default();
        let (trips, _) = self
            .engine()
            .outages(self.engine().now())
            .await
            .map_err(|e| twin_error("centre_detail", e))?;
        let trips: Vec<&str> = trips.iter().map(String::as_str).collect();
        let facility: Vec<Mw> = frame
            .as_ref()
            .map(|f| f.centres.iter().map(|c| Mw(c.facility_mw)).collect())
            .unwrap_or_default();
        let loading = park.loading(&trips, &facility);
        let feeds = centre
            .feeds
            .iter()
            .map(|feed| {
                let f = s.feeders.iter().position(|x| x.id == feed.feeder);
                FeedNow {
                    feeder: feed.feeder.to_string(),
                    side: format!("{:?}", feed.side),
                    energised: !down.iter().any(|d| *d == feed.feeder.as_str()),
                    load_mw: f
                        .and_then(|i| loading.feeders.get(i))
                        .map_or(0.0, |mw| mw.0),
                    rating_mw: f.map_or(0.0, |i| s.feeders[i].capacity_mw.value.0),
                }
            })
            .collect();
        // This centre's racks are a contiguous range of the rack order.
        let first: usize = s.centres[..index]
            .iter()
            .map(|c| c.halls.iter().map(|h| h.racks() as usize).sum::<usize>())
            .sum();
        let racks = self.engine().racks();
        let mut at = first;
        let halls: Vec<HallRacks> = centre
            .halls
            .iter()
            .map(|h| {
                let n = h.racks() as usize;
                let range = at..at + n;
                at += n;
                let column = |pick: fn(&RackFrame) -> &[f32], scale: f32| {
                    racks
                        .as_deref()
                        .and_then(|r| pick(r).get(range.clone()))
                        .map(|v| v.iter().map(|x| x * scale).collect())
                        .unwrap_or_default()
                };
                HallRacks {
                    id: h.id.clone(),
                    rows: h.rows,
                    racks_per_row: h.racks_per_row,
                    power_kw: column(|r| &r.power_kw, 1.0),
                    inlet_c: column(|r| &r.inlet_c, 1.0),
                    utilisation_pct: column(|r| &r.utilisation, 100.0),
                }
            })
            .collect();
        // Only our plan: the baselines the schedule view compares with are not needed here.
        let (p, ours) = self.live_plan("centre_detail").await?;
        let jobs = scheduled_jobs(&p, &ours)
            .into_iter()
            .filter(|j| j.centre == args.centre)
            .collect();
        let scales = [
            RackMetricName::PowerKw,
            RackMetricName::InletC,
            RackMetricName::UtilisationPct,
        ]
        .into_iter()
        .map(|metric| {
            let values: Vec<Option<f64>> = halls
                .iter()
                .flat_map(|h| match metric {
                    RackMetricName::PowerKw => &h.power_kw,
                    RackMetricName::InletC => &h.inlet_c,
                    RackMetricName::UtilisationPct => &h.utilisation_pct,
                })
                .map(|v| Some(f64::from(*v)))
                .collect();
            let (lo, hi) = crate::heatmap::scale(metric, &values);
            MetricScale { metric, lo, hi }
        })
        .collect();
        Ok(CentreDetail {
            id: args.centre,
            at_s: seconds(self.engine().now()),
            headroom,
            feeds,
            halls,
            scales,
            jobs,
        })
    }

    /// The demo pack being played, its progress and steps.
    pub fn demo_status(&self) -> DemoStatus {
        let now = self.engine().now();
        match self.engine().demo() {
            None => DemoStatus {
                active: false,
                id: None,
                name: None,
                start_s: 0,
                end_s: 0,
                now_s: seconds(now),
                finished: false,
                steps: Vec::new(),
                packs: packs(),
            },
            Some((pack, start)) => {
                let end = start.as_second() + pack.length_s;
                DemoStatus {
                    active: true,
                    id: Some(pack.id.to_owned()),
                    name: Some(crate::name(&pack.name())),
                    start_s: seconds(start),
                    end_s: u32::try_from(end).unwrap_or(u32::MAX),
                    now_s: seconds(now),
                    finished: now.as_second() >= end,
                    steps: pack
                        .steps
                        .iter()
                        .map(|s| DemoStepDto {
                            at_s: u32::try_from(start.as_second() + s.at_s).unwrap_or(u32::MAX),
                            label: crate::dto::Name {
                                zh: s.label.0.to_owned(),
                                en: s.label.1.to_owned(),
                            },
                            done: now.as_second() >= start.as_second() + s.at_s,
                        })
                        .collect(),
                    packs: packs(),
                }
            }
        }
    }

    /// The twin's jobs for the 48 h from the current 15-minute slot, and their plan.
    pub(crate) async fn live_plan(&self, command: &str) -> Result<(Problem, Plan), ApiError> {
        let now = self.engine().now();
        self.engine()
            .with_twin(|twin| suangu_engine::plan::live_plan(twin, now))
            .await
            .map_err(|e| twin_error(command, e))
    }

    /// The twin's job stream for the next 48 h planned now, beside both baselines (judged on the
    /// forecast the plan was made with).
    pub async fn schedule(&self) -> Result<Schedule, ApiError> {
        let (p, ours) = self.live_plan("park_schedule").await?;
        let fcfs = plan(&p, Strategy::FirstComeFirstServed);
        let greedy = plan(&p, Strategy::Greedy);
        Ok(Schedule {
            start_s: seconds(p.start),
            slot_s: secs(p.slot_s),
            green_left_mw: p
                .supply
                .iter()
                .map(|s| (s.green_mw - s.base_load_mw).max(0.0))
                .collect(),
            price_cny_per_mwh: p.supply.iter().map(|s| s.price_cny_per_mwh).collect(),
            placements: scheduled_jobs(&p, &ours),
            unplaced: u32::try_from(ours.unplaced.len()).unwrap_or(u32::MAX),
            metrics: metrics(&evaluate(&p, &ours, &p.supply)),
            fcfs: metrics(&evaluate(&p, &fcfs, &p.supply)),
            greedy: metrics(&evaluate(&p, &greedy, &p.supply)),
        })
    }

    /// Trip `asset` in the live twin for some simulated minutes; the impact is the core's for the
    /// state just before. Recorded as a `drill` event (and the twin's trip as a fault event).
    pub async fn drill(&self, args: DrillArgs) -> Result<Drill, ApiError> {
        let minutes = args.minutes.unwrap_or(15);
        if !(1..=1440).contains(&minutes) {
            return Err(bad(
                "drill",
                format!("minutes must be 1..=1440, not {minutes}"),
            ));
        }
        let park = self.engine().park();
        let net = Network::of(park);
        let element = net.element(&args.asset).ok_or_else(|| {
            let mut near: Vec<(f64, &str)> = net
                .ids()
                .map(|id| (strsim::normalized_levenshtein(id, &args.asset), id))
                .collect();
            near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            let closest: Vec<&str> = near.iter().take(3).map(|(_, id)| *id).collect();
            bad(
                "drill",
                format!("no asset {:?}; closest: {}", args.asset, closest.join(", ")),
            )
        })?;
        let now = self.now("drill").await?;
        let trips: Vec<&str> = now.trips.iter().map(String::as_str).collect();
        let cooling: Vec<&str> = now.cooling.iter().map(String::as_str).collect();
        let state = State {
            power: &now.power,
            outages: &trips,
            cooling_lost: &cooling,
        };
        let impact = contingency(park, &net.impact(&state, element.clone()));
        let (before, planned) = self.live_plan("drill").await?;
        let until = Timestamp::from_second(now.at.as_second() + i64::from(minutes) * 60)
            .map_err(|e| bad("drill", e.to_string()))?;
        let kind = if element.kind == ElementKind::CoolingPlant {
            FaultKind::CoolingLoss(element.id.clone())
        } else {
            FaultKind::Trip(element.id.clone())
        };
        self.engine()
            .inject(kind, now.at, Some(until))
            .await
            .map_err(|e| match e {
                EngineError::Observed => twin_error("drill", e),
                e => bad("drill", e.to_string()),
            })?;
        // The planned jobs after the trip: what moves, pauses or is lost.
        let evacuation = self
            .engine()
            .with_twin(|twin| {
                let after = problem_at(
                    twin,
                    before.start,
                    now.at,
                    before.supply.len(),
                    before.jobs.clone(),
                );
                evacuate(&after, &planned, now.at)
            })
            .await
            .map_err(|e| twin_error("drill", e))?
            .into_iter()
            .map(|e| {
                let (to, start_s, paused, lost) = match e.action {
                    Move::To { site, start } => (Some(site), Some(seconds(start)), false, false),
                    Move::Paused => (None, None, true, false),
                    Move::Lost => (None, None, false, true),
                };
                EvacuationDto {
                    job: e.job,
                    from: e.from,
                    to,
                    start_s,
                    paused,
                    lost,
                }
            })
            .collect();
        let detail = serde_json::json!({
            "until": until.to_string(),
            "shed_mw": impact.shed_mw,
            "affected_centres": impact.affected_centres,
        });
        self.store()
            .add_event(
                &park.scenario().park.id,
                &Event {
                    at: now.at,
                    kind: "drill".to_owned(),
                    target: element.id,
                    detail: detail.to_string(),
                },
            )
            .await
            .map_err(store_error)?;
        let drill = Drill {
            from_s: seconds(now.at),
            until_s: seconds(until),
            impact,
            evacuation,
        };
        if let Ok(mut drills) = self.drills.lock() {
            drills.insert(drill.impact.asset.clone(), drill.clone());
        }
        Ok(drill)
    }

    /// `by` approves the evacuation plan of the drill running on `args.asset` (the plan as it
    /// was shown when the drill started): recorded as an event (`evacuation_approved`) on the
    /// asset at the park's now, with what moves, pauses and is lost. Refused when no drill runs
    /// on that asset now. Handing the plan to a cluster scheduler is not Suangu's: the approval
    /// is the accountable decision, on the time line and in the audit log.
    pub async fn evacuation_approve(
        &self,
        args: ApproveArgs,
        by: &str,
    ) -> Result<Approval, ApiError> {
        let now = self.engine().now();
        let drill = self
            .drills
            .lock()
            .ok()
            .and_then(|d| d.get(&args.asset).cloned())
            .filter(|d| i64::from(d.until_s) > now.as_second())
            .ok_or_else(|| {
                bad(
                    "evacuation_approve",
                    format!(
                        "no drill runs on {:?} now: only a running drill's plan can be approved",
                        args.asset
                    ),
                )
            })?;
        let count =
            |f: fn(&EvacuationDto) -> bool| drill.evacuation.iter().filter(|e| f(e)).count();
        let (moved, paused, lost) = (
            count(|e| e.to.is_some()),
            count(|e| e.paused),
            count(|e| e.lost),
        );
        let park = self.engine().park();
        let event = Event {
            at: now,
            kind: "evacuation_approved".to_owned(),
            target: args.asset.clone(),
            detail: serde_json::json!({
                "by": by,
                "drill_from": drill.from_s,
                "moved": moved,
                "paused": paused,
                "lost": lost,
            })
            .to_string(),
        };
        self.store()
            .add_event(&park.scenario().park.id, &event)
            .await
            .map_err(store_error)?;
        Ok(Approval {
            at_s: seconds(now),
            asset: args.asset,
            by: by.to_owned(),
            moved: u32::try_from(moved).unwrap_or(u32::MAX),
            paused: u32::try_from(paused).unwrap_or(u32::MAX),
            lost: u32::try_from(lost).unwrap_or(u32::MAX),
        })
    }

    /// The data sources' health from the store (what `suangu run` last reported), each with when
    /// it was reported. A report that cannot be read is shown as such, never dropped.
    pub async fn sources(&self) -> Result<crate::dto::Sources, ApiError> {
        let park = self.engine().park();
        let reports = self
            .store()
            .source_health(&park.scenario().park.id)
            .await
            .map_err(store_error)?;
        let sources = reports
            .into_iter()
            .map(|r| {
                let mut h = serde_json::from_str::<crate::dto::SourceHealthDto>(&r.report)
                    .unwrap_or_else(|e| crate::dto::SourceHealthDto {
                        id: r.source.clone(),
                        link: crate::dto::SourceLink::Misconfigured {
                            reason: format!("its health report could not be read: {e}"),
                        },
                        points: 0,
                        uncertain: 0,
                        bad: 0,
                        rejected: Default::default(),
                        duplicates: 0,
                        older: 0,
                        reconnects: 0,
                        stale: Vec::new(),
                        reported_s: 0,
                        report_every_ms: None,
                    });
                h.reported_s = seconds(r.at);
                h
            })
            .collect();
        Ok(crate::dto::Sources { sources })
    }

    /// The green ledger of a park day (default today), its month and year to date.
    pub async fn ledger(&self, args: LedgerArgs) -> Result<LedgerDay, ApiError> {
        let park = self.engine().park();
        let s = park.scenario();
        let tz = jiff::tz::TimeZone::get(&s.park.time_zone)
            .map_err(|e| bad("park_ledger", e.to_string()))?;
        let day = match &args.date {
            Some(text) => text
                .parse::<jiff::civil::Date>()
                .map_err(|e| bad("park_ledger", format!("date {text}: {e}")))?,
            None => tz.to_datetime(self.engine().now()).date(),
        };
        let start_of = |d: jiff::civil::Date| {
            tz.to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .map_err(|e| bad("park_ledger", e.to_string()))
        };
        let from = start_of(jiff::civil::date(day.year(), 1, 1))?;
        let to = start_of(
            day.tomorrow()
                .map_err(|e| bad("park_ledger", e.to_string()))?,
        )?;
        let rows = self
            .store()
            .ledger(&s.park.id, from, to)
            .await
            .map_err(store_error)?;
        let rows: Vec<_> = rows.into_iter().map(|r| (r.start, r.ledger)).collect();
        let p = periods(&rows, day, &tz, s.green.grid_factor_t_per_mwh.value);
        let intervals = rows
            .iter()
            .filter(|(t, _)| tz.to_datetime(*t).date() == day)
            .map(|(t, l)| {
                let load = l.load.0;
                let share = |green: f64| if load > 0.0 { green / load } else { 0.0 };
                let market = share(l.delivered.0 + l.green_discharged.0);
                LedgerInterval {
                    start_s: seconds(*t),
                    green_share_market: market,
                    green_share_location: share(l.delivered_behind_meter.0),
                    import_mwh: l.import.0,
                    curtailed_mwh: l.curtailed.0,
                    not_green: load > 0.0 && market < 1.0 - 1e-9,
                }
            })
            .collect();
        Ok(LedgerDay {
            date: day.to_string(),
            day: period(&p.day),
            month_to_date: period(&p.month),
            year_to_date: period(&p.year),
            intervals,
        })
    }

    /// Faults, drills and actions of the last `hours`.
    pub async fn events(&self, args: EventsArgs) -> Result<Events, ApiError> {
        if !(1..=168).contains(&args.hours) {
            return Err(bad(
                "park_events",
                format!("hours must be 1..=168, not {}", args.hours),
            ));
        }
        let now = self.engine().now();
        let from = Timestamp::from_second(now.as_second() - i64::from(args.hours) * 3600)
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let to = Timestamp::from_second(now.as_second() + 1).unwrap_or(now);
        let events = self
            .store()
            .events(&self.engine().park().scenario().park.id, from, to)
            .await
            .map_err(store_error)?;
        Ok(Events {
            events: events
                .into_iter()
                .map(|e| EventDto {
                    at_s: seconds(e.at),
                    kind: e.kind,
                    target: e.target,
                    detail: e.detail,
                })
                .collect(),
        })
    }
}
