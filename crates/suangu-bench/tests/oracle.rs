//! The scheduler against the exact optimiser on small generated instances (green 30-70 % of the
//! jobs' energy, headroom binding): the oracle is an upper bound ours never beats, and ours stays
//! close to it. The benchmark reports the ratio over more instances (goal >= 97 %).

use std::time::Duration;
use suangu_bench::oracle::{small_instance, solve};
use suangu_core::schedule::{Strategy, evaluate, plan};

#[test]
fn ours_stays_close_to_the_oracle_and_never_above_it() {
    let mut ratios = Vec::new();
    for seed in 0..10 {
        let p = small_instance(seed);
        let ours = evaluate(&p, &plan(&p, Strategy::Green), &p.supply).green_energy_mwh;
        let best = solve(&p, Duration::from_secs(60)).expect("oracle");
        assert!(best.optimal, "seed {seed}: not proven optimal");
        assert!(
            ours <= best.green_mwh + 1e-6,
            "seed {seed}: ours {ours} above the optimum {}",
            best.green_mwh
        );
        if best.green_mwh > 1e-9 {
            ratios.push(ours / best.green_mwh);
        }
    }
    let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
    let worst = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "ours vs oracle on 10 small instances: mean {:.3}, worst {worst:.3}",
        mean
    );
    assert!(mean >= 0.95, "mean {mean}");
    assert!(worst >= 0.8, "worst {worst}");
}
