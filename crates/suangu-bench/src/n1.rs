//! N-1 (issue 5): every substation, transformer, feeder and cooling plant lost in turn, on
//! Qingyang and on a generated park ten times its size (Qingyang's centres, chain and plants
//! copied ten times under new ids). Ours: `contingency::Network` (index arrays built once).
//! Baseline in the same run: recompute everything from the scenario for each contingency
//! (`Park::supply_with_outages` and `Park::loading`). Both must find the same lost supply.

use crate::{median, ms};
use std::time::Instant;
use suangu_core::contingency::{ElementKind, Network, State};
use suangu_core::interval::CentrePower;
use suangu_core::scenario::Status;
use suangu_core::units::Mw;
use suangu_core::{Park, SupplyState};

type Error = Box<dyn std::error::Error>;

pub fn run(smoke: bool) -> Result<(), Error> {
    let qingyang = suangu_core::qingyang().map_err(|e| e.to_string())?;
    let big = copies(if smoke { 2 } else { 10 })?;
    for (label, park, goal_ms) in [("Qingyang", &qingyang, 10.0), ("10x park", &big, 100.0)] {
        bench(label, park, goal_ms, if smoke { 3 } else { 30 })?;
    }
    Ok(())
}

fn bench(label: &str, park: &Park, goal_ms: f64, runs: usize) -> Result<(), Error> {
    let power: Vec<CentrePower> = park
        .centres()
        .enumerate()
        .map(|(i, c)| {
            let it = if c.status == Status::Operating {
                c.it_capacity_mw.value.0 * (0.55 + 0.04 * (i % 10) as f64)
            } else {
                0.0
            };
            CentrePower {
                it: Mw(it),
                facility: Mw(it * c.design_pue.value.0),
            }
        })
        .collect();
    let state = State {
        power: &power,
        outages: &[],
        cooling_lost: &[],
    };
    let mut ours = Vec::new();
    let mut found = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let net = Network::of(park);
        found = net.n1(&state);
        ours.push(t.elapsed());
    }
    let facility: Vec<Mw> = power.iter().map(|p| p.facility).collect();
    let mut base = Vec::new();
    let mut lost_base = 0usize;
    for _ in 0..runs {
        let t = Instant::now();
        lost_base = 0;
        let before = park.supply_with_outages(&[]);
        for i in &found {
            if i.element.kind == ElementKind::CoolingPlant {
                continue;
            }
            let out = [i.element.id.as_str()];
            let after = park.supply_with_outages(&out);
            let _loading = park.loading(&out, &facility);
            lost_base += before
                .iter()
                .zip(&after)
                .zip(park.centres())
                .filter(|((b, a), c)| {
                    c.status == Status::Operating
                        && b.state != SupplyState::Lost
                        && a.state == SupplyState::Lost
                })
                .count();
        }
        base.push(t.elapsed());
    }
    let lost_ours: usize = found.iter().map(|i| i.lost_supply.len()).sum();
    let (ours, base) = (median(ours), median(base));
    println!(
        "n1 {label}: {} contingencies ({} centres, {} feeders): ours {:.3} ms, recompute-everything baseline {:.3} ms, ratio {:.1}x (goal <= {goal_ms} ms); same lost supply: {}",
        found.len(),
        park.centres().count(),
        park.scenario().feeders.len(),
        ms(ours),
        ms(base),
        base.as_secs_f64() / ours.as_secs_f64().max(1e-12),
        lost_ours == lost_base,
    );
    if lost_ours != lost_base {
        return Err(format!(
            "{label}: ours found {lost_ours} lost centres, the baseline {lost_base}"
        )
        .into());
    }
    Ok(())
}

/// Qingyang's centres, grid, substations, feeders and cooling plants `n` times, each copy under
/// its own ids and wired to its own copy of the chain.
fn copies(n: usize) -> Result<Park, Error> {
    Ok(suangu_core::load_str(&copies_toml(n)?, "bench-copies").map_err(|e| e.to_string())?)
}

/// The scenario text of [`copies`] (`suangu-bench --write-park N FILE` writes it for the
/// browser benchmarks).
pub(crate) fn copies_toml(n: usize) -> Result<String, Error> {
    let mut doc: toml::Table = suangu_core::QINGYANG.parse()?;
    // The first copy keeps the original ids, so the green plants still connect.
    let suffix = |v: &mut toml::Value, k: usize| {
        if k == 0 {
            return;
        }
        if let Some(s) = v.as_str() {
            *v = toml::Value::from(format!("{s}~{k}"));
        }
    };
    for key in ["centres", "grid", "substations", "feeders"] {
        let original = doc
            .get(key)
            .and_then(|v| v.as_array())
            .cloned()
            .ok_or_else(|| format!("scenario has no {key}"))?;
        let mut all = Vec::new();
        for k in 0..n {
            for item in &original {
                let mut item = item.clone();
                let t = item.as_table_mut().ok_or("not a table")?;
                for field in ["id", "from"] {
                    if let Some(v) = t.get_mut(field) {
                        suffix(v, k);
                    }
                }
                for list in ["upstream"] {
                    if let Some(arr) = t.get_mut(list).and_then(|v| v.as_array_mut()) {
                        arr.iter_mut().for_each(|v| suffix(v, k));
                    }
                }
                for (list, field) in [
                    ("transformers", "id"),
                    ("cooling", "id"),
                    ("feeds", "feeder"),
                ] {
                    if let Some(arr) = t.get_mut(list).and_then(|v| v.as_array_mut()) {
                        for entry in arr.iter_mut() {
                            if let Some(v) = entry.as_table_mut().and_then(|e| e.get_mut(field)) {
                                suffix(v, k);
                            }
                        }
                    }
                }
                all.push(item);
            }
        }
        doc.insert(key.into(), all.into());
    }
    Ok(toml::to_string(&doc)?)
}
