//! The scheduler on hand-built problems (one hour = four 15-minute slots), its baselines, the
//! jobs format, and properties on generated problems.

use jiff::Timestamp;
use proptest::prelude::*;
use suangu_core::jobs::{Job, JobKind, from_csv, from_json};
use suangu_core::schedule::{
    Move, Placement, Plan, Problem, Reason, Site, SlotSupply, Strategy, Unplaced, evacuate,
    evaluate, plan, tou_price,
};

const T0: i64 = 1_782_864_000; // 2026-07-01T00:00:00Z, 08:00 in Shanghai

fn at(slot: i64) -> Timestamp {
    Timestamp::from_second(T0 + slot * 900).expect("ts")
}

/// 24 slots; green surplus only in slots 8..16; the valley price in slots 12..24.
fn supply() -> Vec<SlotSupply> {
    (0..24)
        .map(|t| {
            let (price, period) = tou_price(450.0, if t >= 12 { 13 } else { 9 });
            SlotSupply {
                green_mw: if (8..16).contains(&t) { 12.0 } else { 2.0 },
                green_behind_meter_mw: 0.0,
                base_load_mw: 10.0,
                price_cny_per_mwh: price,
                period,
            }
        })
        .collect()
}

fn site(id: &str, headroom_mw: f64, latency: f64) -> Site {
    Site {
        id: id.into(),
        headroom_mw,
        pue: 1.0,
        accelerators: vec![("gpu_training".into(), 100)],
        latency_ms: vec![("YRD".into(), latency)],
    }
}

fn job(id: &str, kw: f64, hours: f64, earliest: i64, deadline: i64) -> Job {
    Job {
        id: id.into(),
        kind: JobKind::Batch,
        origin: None,
        accelerators: None,
        demand_kw: kw,
        duration_s: (hours * 3600.0) as i64,
        earliest: at(earliest),
        deadline: at(deadline),
        ring_ms: None,
        preemptible: false,
    }
}

fn problem(jobs: Vec<Job>, sites: Vec<Site>) -> Problem {
    Problem {
        start: at(0),
        slot_s: 900,
        supply: supply(),
        sites,
        jobs,
        grid_factor_t_per_mwh: 0.5,
    }
}

#[test]
fn a_flexible_job_waits_for_the_green_hours_and_fcfs_does_not() {
    let p = problem(
        vec![job("J1", 1000.0, 1.0, 0, 24)],
        vec![site("A", 5.0, 10.0)],
    );
    let ours = plan(&p, Strategy::Green);
    // Green surplus 2 MW in slots 8..16: the first greenest, cheapest start is slot 12 (green and
    // valley).
    assert_eq!(ours.placements[0].start, at(12));
    assert!((ours.placements[0].reason.green_fraction - 1.0).abs() < 1e-9);
    assert_eq!(ours.placements[0].reason.deferred_s, 12 * 900);
    let fcfs = plan(&p, Strategy::FirstComeFirstServed);
    assert_eq!(fcfs.placements[0].start, at(0));
    let greedy = plan(&p, Strategy::Greedy);
    assert_eq!(
        greedy.placements[0].start,
        at(8),
        "greedy: greenest, then earliest"
    );
    let (m_ours, m_fcfs) = (
        evaluate(&p, &ours, &p.supply),
        evaluate(&p, &fcfs, &p.supply),
    );
    assert!((m_ours.green_energy_mwh - 1.0).abs() < 1e-9);
    assert_eq!(m_fcfs.green_energy_mwh, 0.0);
    assert!((m_fcfs.co2_market_t - 0.5).abs() < 1e-9);
    assert!(m_ours.cost_cny < m_fcfs.cost_cny);
}

#[test]
fn latency_promises_and_capacity_are_kept() {
    let mut near = job("near", 800.0, 1.0, 0, 4);
    near.origin = Some("YRD".into());
    near.ring_ms = Some(12.0);
    let mut far = near.clone();
    far.id = "too-strict".into();
    far.ring_ms = Some(5.0);
    let second = job("second", 800.0, 1.0, 0, 4);
    let p = problem(
        vec![near, far, second],
        vec![site("A", 1.0, 10.0), site("B", 1.0, 14.0)],
    );
    let out = plan(&p, Strategy::Green);
    let placed = |id: &str| out.placements.iter().find(|x| x.job == id);
    assert_eq!(
        placed("near").map(|x| x.site.as_str()),
        Some("A"),
        "only A is within 12 ms"
    );
    assert_eq!(placed("near").and_then(|x| x.reason.latency_ms), Some(10.0));
    assert!(
        out.unplaced
            .contains(&("too-strict".to_owned(), Unplaced::NoSite))
    );
    // "second" has no promise: B has the room A no longer has in that hour.
    assert_eq!(placed("second").map(|x| x.site.as_str()), Some("B"));
    let crowded = problem(
        vec![job("x", 800.0, 1.0, 0, 4), job("y", 800.0, 1.0, 0, 4)],
        vec![site("A", 1.0, 10.0)],
    );
    let out = plan(&crowded, Strategy::Green);
    assert_eq!(out.unplaced, vec![("y".to_owned(), Unplaced::NoCapacity)]);
    assert_eq!(
        evaluate(&crowded, &out, &crowded.supply).missed_deadlines,
        1
    );
}

fn placed(job: &str, site: &str, from: i64, to: i64) -> Placement {
    Placement {
        job: job.into(),
        site: site.into(),
        start: at(from),
        end: at(to),
        reason: Reason {
            deferred_s: 0,
            green_fraction: 0.0,
            period: suangu_core::tariff::Period::Flat,
            ring_ms: None,
            latency_ms: None,
            slack_s: 0,
        },
    }
}

#[test]
fn a_trip_evacuates_what_no_longer_fits_keeping_unpausable_work_first() {
    let mut x = job("X", 800.0, 1.0, 0, 8);
    x.preemptible = false;
    let mut y = job("Y", 800.0, 2.0, 0, 24);
    y.preemptible = true;
    let w = job("W", 900.0, 1.0, 0, 4);
    let plan = Plan {
        placements: vec![
            placed("X", "A", 4, 8),
            placed("Y", "A", 4, 12),
            placed("W", "B", 0, 4),
        ],
        unplaced: vec![],
    };
    // A trips down to 0.9 MW at slot 2: X (cannot pause) stays; Y moves to where there is room:
    // B once W is done, or A once X is done (it takes A at slot 8, where the green hours begin).
    let after = problem(
        vec![x.clone(), y.clone(), w.clone()],
        vec![site("A", 0.9, 10.0), site("B", 1.0, 14.0)],
    );
    let out = evacuate(&after, &plan, at(2));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].job, "Y");
    assert_eq!(out[0].from, "A");
    match &out[0].action {
        Move::To { site, start } => {
            let free_from = if site == "A" { at(8) } else { at(4) };
            assert!(*start >= free_from, "{site} at {start}");
            assert_eq!((site.as_str(), *start), ("A", at(8)));
        }
        other => panic!("Y should move, not {other:?}"),
    }
    // A is lost and B has 0.5 MW: X (not preemptible) is lost, Y pauses.
    let after = problem(
        vec![x, y, w],
        vec![site("A", 0.0, 10.0), site("B", 0.5, 14.0)],
    );
    let out = evacuate(&after, &plan, at(2));
    let action = |id: &str| out.iter().find(|e| e.job == id).map(|e| e.action.clone());
    assert_eq!(action("X"), Some(Move::Lost));
    assert_eq!(action("Y"), Some(Move::Paused));
    // W ends before the trip matters only if it no longer fits: 0.9 MW on 0.5 MW is evicted.
    assert!(action("W").is_some());
}

#[test]
fn jobs_read_from_csv_and_json_with_row_and_field_errors() {
    let csv = "id,kind,origin,accelerator_class,accelerators,demand_kw,duration_h,earliest,deadline,ring_ms,preemptible\n\
               T1,training,YRD,gpu_training,64,420,6,2026-07-01T00:00:00Z,2026-07-02T00:00:00Z,,false\n\
               B1,batch,,,0,150,2,2026-07-01T00:00:00Z,2026-07-01T12:00:00Z,,true\n";
    let jobs = from_csv(csv).expect("valid");
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[0].accelerators, Some(("gpu_training".into(), 64)));
    assert!(jobs[1].preemptible && jobs[1].origin.is_none());
    let bad = csv.replace("B1,batch", "B1,crypto");
    let err = from_csv(&bad).expect_err("bad kind");
    assert_eq!((err.row, err.field.as_str()), (2, "kind"));
    let bad = csv.replace(",150,", ",lots,");
    let err = from_csv(&bad).expect_err("bad number");
    assert_eq!((err.row, err.field.as_str()), (2, "demand_kw"), "{err}");
    let short = csv.replace("2026-07-01T12:00:00Z", "2026-07-01T01:00:00Z");
    assert_eq!(from_csv(&short).expect_err("window").field, "deadline");
    let json = r#"[{"id":"I1","kind":"inference","origin":"YRD","demand_kw":80,"duration_h":1,
        "earliest":"2026-07-01T00:00:00Z","deadline":"2026-07-01T04:00:00Z","ring_ms":14}]"#;
    assert_eq!(from_json(json).expect("json")[0].ring_ms, Some(14.0));
    let err =
        from_json(&json.replace("\"duration_h\":1", "\"duration_h\":\"one\"")).expect_err("bad");
    assert_eq!((err.row, err.field.as_str()), (1, "duration_h"), "{err}");
}

prop_compose! {
    fn jobs()(specs in prop::collection::vec((100.0f64..2000.0, 1u8..8, 0i64..16, 0i64..12, any::<bool>()), 1..20)) -> Vec<Job> {
        specs.into_iter().enumerate().map(|(i, (kw, quarters, earliest, extra, ring))| {
            let hours = f64::from(quarters) / 4.0;
            let mut j = job(&format!("J{i}"), kw, hours, earliest, earliest + i64::from(quarters) + extra);
            if ring {
                j.origin = Some("YRD".into());
                j.ring_ms = Some(12.0);
            }
            j
        }).collect()
    }
}

proptest! {
    /// Every placement keeps capacity, its window and its latency promise, for every strategy;
    /// planning twice gives the same plan.
    #[test]
    fn plans_never_violate_capacity_windows_or_rings(jobs in jobs()) {
        let p = problem(jobs, vec![site("A", 3.0, 10.0), site("B", 2.0, 14.0)]);
        for strategy in [Strategy::Green, Strategy::FirstComeFirstServed, Strategy::Greedy] {
            let out = plan(&p, strategy);
            prop_assert_eq!(&out, &plan(&p, strategy));
            prop_assert_eq!(out.placements.len() + out.unplaced.len(), p.jobs.len());
            let mut load = vec![vec![0.0; 24]; 2];
            for x in &out.placements {
                let j = p.jobs.iter().find(|j| j.id == x.job).expect("job");
                prop_assert!(x.start >= j.earliest && x.end <= j.deadline);
                let s = if x.site == "A" { 0 } else { 1 };
                if j.ring_ms.is_some() {
                    prop_assert_eq!(s, 0, "only A keeps 12 ms");
                }
                let from = ((x.start.as_second() - T0) / 900) as usize;
                let to = ((x.end.as_second() - T0) / 900) as usize;
                for slot in &mut load[s][from..to] {
                    *slot += j.demand_kw / 1000.0;
                }
            }
            prop_assert!(load[0].iter().all(|mw| *mw <= 3.0 + 1e-9));
            prop_assert!(load[1].iter().all(|mw| *mw <= 2.0 + 1e-9));
            let m = evaluate(&p, &out, &p.supply);
            prop_assert!((0.0..=1.0 + 1e-9).contains(&m.green_share_market));
        }
    }
}
