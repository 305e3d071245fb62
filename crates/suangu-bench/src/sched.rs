//! The scheduler (issue 6): plan 10,000 twin-generated jobs over Qingyang's 11 operating
//! centres and 192 slots (48 h), ours beside the first-come-first-served baseline in the same run
//! (time and green energy, judged on the actual twin); then a re-plan of the same jobs after a
//! substation trip.

use crate::ms;
use jiff::Timestamp;
use std::time::Instant;
use suangu_core::schedule::{Strategy, evaluate, plan};
use suangu_engine::plan::{actual, problem};
use suangu_sim::{Fault, FaultKind, Twin, generate_jobs};

type Error = Box<dyn std::error::Error>;

/// Ours against the oracle on small instances: green energy used, as a share of the best possible.
fn quality(smoke: bool) -> Result<(), Error> {
    use suangu_bench::oracle::{small_instance, solve};
    let count = if smoke { 3 } else { 30 };
    let (mut ratios, mut oracle_time, mut proven) = (Vec::new(), std::time::Duration::ZERO, 0);
    for seed in 0..count {
        let p = small_instance(seed);
        let ours = evaluate(&p, &plan(&p, Strategy::Green), &p.supply).green_energy_mwh;
        let fcfs =
            evaluate(&p, &plan(&p, Strategy::FirstComeFirstServed), &p.supply).green_energy_mwh;
        let best = solve(&p, std::time::Duration::from_secs(20))?;
        oracle_time += best.took;
        proven += usize::from(best.optimal);
        if best.green_mwh > 1e-9 {
            ratios.push((ours / best.green_mwh, fcfs / best.green_mwh));
        }
    }
    let mean =
        |f: fn(&(f64, f64)) -> f64| ratios.iter().map(f).sum::<f64>() / ratios.len().max(1) as f64;
    let worst = ratios.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
    println!(
        "schedule quality: {count} small instances (6 jobs, 2 centres, 24 slots, green 30-70 % of job energy): ours {:.2} % of the oracle's green energy on average (worst {:.1} %), FCFS {:.1} % (goal >= 97 %); oracle {:.0} ms per instance, {proven}/{count} proven optimal",
        100.0 * mean(|r| r.0),
        100.0 * worst,
        100.0 * mean(|r| r.1),
        oracle_time.as_secs_f64() * 1000.0 / count as f64
    );
    Ok(())
}

/// Four simulated weeks, one per season, re-planned every 6 h, ours against FCFS.
fn seasons(smoke: bool) -> Result<(), Error> {
    use suangu_engine::plan::rolling;
    let park = suangu_core::qingyang().map_err(|e| e.to_string())?;
    let twin = Twin::new(park, 1);
    let (days, n) = if smoke { (1, 60) } else { (7, 700) };
    let weeks = [
        "2026-01-12T00:00:00+08:00",
        "2026-04-13T00:00:00+08:00",
        "2026-07-13T00:00:00+08:00",
        "2026-10-12T00:00:00+08:00",
    ];
    let (mut ours_co2, mut fcfs_co2) = (0.0, 0.0);
    for week in weeks {
        let start: Timestamp = week.parse()?;
        let jobs = generate_jobs(&twin, start, days * 24, n);
        let t = Instant::now();
        let ours = rolling(&twin, start, days, 6, &jobs, Strategy::Green);
        let took = t.elapsed();
        let fcfs = rolling(&twin, start, days, 6, &jobs, Strategy::FirstComeFirstServed);
        ours_co2 += ours.co2_market_t;
        fcfs_co2 += fcfs.co2_market_t;
        println!(
            "schedule season {}: {n} jobs over {days} d, re-planned every 6 h ({:.0} ms): ours green {:.1} % / CO2 {:.1} t / {} missed; FCFS green {:.1} % / CO2 {:.1} t / {} missed; CO2 {:+.1} %",
            &week[..10],
            took.as_secs_f64() * 1000.0,
            ours.green_share_market * 100.0,
            ours.co2_market_t,
            ours.missed_deadlines,
            fcfs.green_share_market * 100.0,
            fcfs.co2_market_t,
            fcfs.missed_deadlines,
            100.0 * (ours.co2_market_t / fcfs.co2_market_t.max(1e-9) - 1.0)
        );
    }
    println!(
        "schedule seasons: CO2 (market-based) ours {ours_co2:.1} t vs FCFS {fcfs_co2:.1} t: {:.1} % less",
        100.0 * (1.0 - ours_co2 / fcfs_co2.max(1e-9))
    );
    Ok(())
}

pub fn run(smoke: bool) -> Result<(), Error> {
    quality(smoke)?;
    seasons(smoke)?;
    let park = suangu_core::qingyang().map_err(|e| e.to_string())?;
    let mut twin = Twin::new(park, 1);
    let start: Timestamp = "2026-07-01T00:00:00+08:00".parse()?;
    let (n, slots) = if smoke { (200, 96) } else { (10_000, 192) };
    let jobs = generate_jobs(&twin, start, slots as i64 / 4, n);
    let p = problem(&twin, start, slots, jobs.clone());
    let real = actual(&twin, start, slots);
    let mut results = Vec::new();
    for (label, strategy) in [
        ("ours", Strategy::Green),
        ("FCFS", Strategy::FirstComeFirstServed),
        ("greedy", Strategy::Greedy),
    ] {
        let t = Instant::now();
        let out = plan(&p, strategy);
        let took = t.elapsed();
        let m = evaluate(&p, &out, &real);
        results.push((label, took, m, out.placements.len()));
    }
    for (label, took, m, placed) in &results {
        println!(
            "schedule {label}: {n} jobs x {} centres x {slots} slots in {:.1} ms; {placed} placed; green {:.1} MWh of {:.1} MWh ({:.1} %), CO2 {:.1} t, {:.0} CNY, {} missed",
            p.sites.len(),
            ms(*took),
            m.green_energy_mwh,
            m.job_energy_mwh,
            m.green_share_market * 100.0,
            m.co2_market_t,
            m.cost_cny,
            m.missed_deadlines
        );
    }
    let (ours, fcfs) = (&results[0], &results[1]);
    println!(
        "schedule ours vs FCFS: {:.2}x the green energy, {:.1} % less CO2 (market-based); time {:.1} ms vs {:.1} ms (goal < 500 ms)",
        ours.2.green_energy_mwh / fcfs.2.green_energy_mwh.max(1e-9),
        100.0 * (1.0 - ours.2.co2_market_t / fcfs.2.co2_market_t.max(1e-9)),
        ms(ours.1),
        ms(fcfs.1)
    );
    // Re-plan after the 110 kV station SS-110-1 trips: the sites it fed have no headroom left.
    twin.inject(Fault {
        kind: FaultKind::Trip("SS-110-1".into()),
        from: start,
        until: None,
    })?;
    let t = Instant::now();
    let tripped = problem(&twin, start, slots, jobs);
    let built = t.elapsed();
    let t = Instant::now();
    let replan = plan(&tripped, Strategy::Green);
    println!(
        "schedule re-plan after SS-110-1 trips: {:.1} ms to rebuild the sites and slots, {:.1} ms to plan ({} placed, {} unplaced) (goal < 100 ms)",
        ms(built),
        ms(t.elapsed()),
        replan.placements.len(),
        replan.unplaced.len()
    );
    Ok(())
}
