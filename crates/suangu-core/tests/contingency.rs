//! N-1 on a hand-built park (the mini fixture: one substation, two transformers, two 8 MW
//! feeders; ZW-1 dual-fed from F1 and F2, ZW-2 single-fed from F2, ZW-3 planned on F1), each
//! case computed by hand and written as a readable line; then properties on Qingyang.

use proptest::prelude::*;
use std::path::Path;
use suangu_core::contingency::{Impact, Network, State};
use suangu_core::interval::CentrePower;
use suangu_core::units::Mw;
use suangu_core::{Park, SupplyState, load_str, qingyang};

fn mini() -> Park {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/scenarios/valid/zhongwei-mini.toml");
    let text = std::fs::read_to_string(&path).expect("fixture");
    load_str(&text, "zhongwei-mini.toml").expect("valid")
}

fn power(loads: &[(f64, f64)]) -> Vec<CentrePower> {
    loads
        .iter()
        .map(|(it, facility)| CentrePower {
            it: Mw(*it),
            facility: Mw(*facility),
        })
        .collect()
}

/// One line a person can check against a drawing of the park.
fn line(i: &Impact) -> String {
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.join(",")
        }
    };
    let capped = if i.capped.is_empty() {
        "-".to_owned()
    } else {
        i.capped
            .iter()
            .map(|(c, mw)| format!("{c} {:.2}", mw.0))
            .collect::<Vec<_>>()
            .join(",")
    };
    let overloads = if i.overloads.is_empty() {
        "-".to_owned()
    } else {
        i.overloads
            .iter()
            .map(|o| format!("{} {:.2}/{:.2}", o.element.id, o.load.0, o.rating.0))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "{} ({}): lost {} [{} racks, {:.2} MW IT]; redundancy lost {}; capped {}; overloads {}; shed {:.2} MW",
        i.element.id,
        i.element.kind.as_str(),
        list(&i.lost_supply),
        i.racks_lost,
        i.lost_it.0,
        list(&i.lost_redundancy),
        capped,
        overloads,
        i.shed().0
    )
}

fn check(park: &Park, loads: &[(f64, f64)], element: &str, expected: &str) {
    let net = Network::of(park);
    let p = power(loads);
    let state = State {
        power: &p,
        outages: &[],
        cooling_lost: &[],
    };
    let e = net
        .element(element)
        .unwrap_or_else(|| panic!("no element {element}"));
    assert_eq!(line(&net.impact(&state, e)), expected);
}

const LIGHT: &[(f64, f64)] = &[(3.0, 3.6), (3.2, 4.0), (0.0, 0.0)];
const HEAVY: &[(f64, f64)] = &[(4.0, 4.8), (3.6, 4.5), (0.0, 0.0)];

#[test]
fn hand_computed_contingencies_of_the_mini_park() {
    let park = mini();
    // F1 out: ZW-1 keeps its B side; F2 then carries 3.6 + 4.0 = 7.6 MW of its 8. The planned
    // ZW-3 has nothing to lose.
    check(
        &park,
        LIGHT,
        "F1",
        "F1 (feeder): lost - [0 racks, 0.00 MW IT]; redundancy lost ZW-1; capped -; overloads -; shed 0.00 MW",
    );
    // F2 out: ZW-2 (single-fed) goes dark; ZW-1 runs on F1 alone (3.6 of 8 MW).
    check(
        &park,
        LIGHT,
        "F2",
        "F2 (feeder): lost ZW-2 [300 racks, 3.20 MW IT]; redundancy lost ZW-1; capped -; overloads -; shed 3.20 MW",
    );
    // The transformer behind F2: the same.
    check(
        &park,
        LIGHT,
        "S1-T2",
        "S1-T2 (transformer): lost ZW-2 [300 racks, 3.20 MW IT]; redundancy lost ZW-1; capped -; overloads -; shed 3.20 MW",
    );
    // The substation: everything.
    check(
        &park,
        LIGHT,
        "S1",
        "S1 (substation): lost ZW-1,ZW-2 [700 racks, 6.20 MW IT]; redundancy lost -; capped -; overloads -; shed 6.20 MW",
    );
    // ZW-1's only cooling plant: no heat can be removed, all 3 MW of IT must stop.
    check(
        &park,
        LIGHT,
        "ZW-1-CP1",
        "ZW-1-CP1 (cooling_plant): lost - [0 racks, 0.00 MW IT]; redundancy lost -; capped ZW-1 3.00; overloads -; shed 3.00 MW",
    );
    // Heavier: F1 out puts 4.8 + 4.5 = 9.3 MW on F2 (8 MW): 1.3 MW facility to cap, shared by
    // what each draws: ZW-1 1.3 x 4.8/9.3 x 4.0/4.8 = 0.56 MW IT, ZW-2 1.3 x 4.5/9.3 x 3.6/4.5
    // = 0.50 MW IT.
    check(
        &park,
        HEAVY,
        "F1",
        "F1 (feeder): lost - [0 racks, 0.00 MW IT]; redundancy lost ZW-1; capped ZW-1 0.56,ZW-2 0.50; overloads F2 9.30/8.00; shed 1.06 MW",
    );
}

#[test]
fn n1_ranks_the_worst_first_and_skips_what_is_already_out() {
    let park = mini();
    let net = Network::of(&park);
    let p = power(LIGHT);
    let state = State {
        power: &p,
        outages: &[],
        cooling_lost: &[],
    };
    let ranked: Vec<String> = net
        .n1(&state)
        .iter()
        .map(|i| i.element.id.clone())
        .collect();
    assert_eq!(ranked[0], "S1");
    assert_eq!(
        ranked.len(),
        1 + 2 + 2 + 2,
        "1 substation, 2 transformers, 2 feeders, 2 operating plants"
    );
    // With F1 already tripped, F1 is not a contingency and losing F2 now darkens ZW-1 too.
    let state = State {
        power: &p,
        outages: &["F1"],
        cooling_lost: &[],
    };
    let all = net.n1(&state);
    assert!(all.iter().all(|i| i.element.id != "F1"));
    let f2 = all.iter().find(|i| i.element.id == "F2").expect("F2");
    assert_eq!(f2.lost_supply, ["ZW-1", "ZW-2"]);
}

fn qingyang_state(park: &Park, seed: u64) -> Vec<CentrePower> {
    park.centres()
        .enumerate()
        .map(|(i, c)| {
            let operating = c.status == suangu_core::scenario::Status::Operating;
            let u = 0.3 + 0.7 * (((seed as usize + i * 7) % 10) as f64 / 10.0);
            let it = if operating {
                c.it_capacity_mw.value.0 * u
            } else {
                0.0
            };
            CentrePower {
                it: Mw(it),
                facility: Mw(it * c.design_pue.value.0),
            }
        })
        .collect()
}

proptest! {
    /// The fast network agrees with the scenario-level reference for any set of outages.
    #[test]
    fn network_agrees_with_the_reference(mask in prop::collection::vec(any::<bool>(), 64), seed in 0u64..100) {
        let park = qingyang().expect("park");
        let net = Network::of(&park);
        let ids: Vec<String> = net.ids().map(str::to_owned).collect();
        let out: Vec<&str> = ids.iter().zip(mask.iter().cycle()).filter(|(_, m)| **m).map(|(id, _)| id.as_str()).take(3).collect();
        let p = qingyang_state(&park, seed);
        let facility: Vec<Mw> = p.iter().map(|c| c.facility).collect();
        let reference = park.loading(&out, &facility);
        let supply = park.supply_with_outages(&out);
        // Tripping nothing more: the network's base flow, seen through an impact of a cooling
        // plant (which leaves the power chain as it is), must match the reference.
        let state = State { power: &p, outages: &out, cooling_lost: &[] };
        for e in net.elements(&state).into_iter().filter(|e| e.kind != suangu_core::contingency::ElementKind::CoolingPlant).take(4) {
            let mut with = out.clone();
            with.push(&e.id);
            let after = park.supply_with_outages(&with);
            let impact = net.impact(&state, e.clone());
            for (before, now) in supply.iter().zip(&after) {
                let id = before.centre.to_string();
                let operating = park.centres().any(|c| c.id.as_str() == id && c.status == suangu_core::scenario::Status::Operating);
                let lost = before.state != SupplyState::Lost && now.state == SupplyState::Lost;
                prop_assert_eq!(operating && lost, impact.lost_supply.contains(&id), "{} {}", e.id, id);
            }
        }
        let fast = net.loading(&out, &p);
        for (a, b) in [(&fast.feeders, &reference.feeders), (&fast.transformers, &reference.transformers), (&fast.substations, &reference.substations)] {
            prop_assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(b.iter()) {
                prop_assert!((x.0 - y.0).abs() < 1e-9, "{} vs {}", x.0, y.0);
            }
        }
    }

    /// Losing an element never makes more IT available: nothing negative, shed within the load.
    #[test]
    fn a_loss_never_adds_capacity(seed in 0u64..1000) {
        let park = qingyang().expect("park");
        let net = Network::of(&park);
        let p = qingyang_state(&park, seed);
        let total: f64 = p.iter().map(|c| c.it.0).sum();
        let state = State { power: &p, outages: &[], cooling_lost: &[] };
        for i in net.n1(&state) {
            prop_assert!(i.lost_it.0 >= 0.0 && i.capped_it().0 >= 0.0);
            prop_assert!(i.shed().0 <= total + 1e-9, "{} sheds {} of {}", i.element.id, i.shed().0, total);
            for (c, mw) in &i.capped {
                let it = park.centres().zip(&p).find(|(x, _)| x.id.as_str() == c).map(|(_, p)| p.it.0).unwrap_or(0.0);
                prop_assert!(mw.0 <= it + 1e-9, "{} capped {} of {}", c, mw.0, it);
            }
        }
    }
}

/// A dual-fed centre survives the loss of either feed (Qingyang: every feeder, one at a time).
#[test]
fn dual_fed_centres_survive_either_feed() {
    let park = qingyang().expect("park");
    let net = Network::of(&park);
    let p = qingyang_state(&park, 1);
    let state = State {
        power: &p,
        outages: &[],
        cooling_lost: &[],
    };
    for c in park.centres() {
        let sides = c
            .feeds
            .iter()
            .map(|f| f.side)
            .collect::<std::collections::HashSet<_>>();
        if sides.len() < 2 {
            continue;
        }
        for feed in &c.feeds {
            let e = net.element(feed.feeder.as_str()).expect("feeder");
            let impact = net.impact(&state, e);
            assert!(
                !impact.lost_supply.contains(&c.id.to_string()),
                "{} lost with {}",
                c.id,
                feed.feeder
            );
        }
    }
}
