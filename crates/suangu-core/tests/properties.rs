//! Properties of the core that must hold for any input, checked with proptest.

use proptest::prelude::*;
use suangu_core::{Park, QINGYANG, SupplyState, load_str, qingyang};

fn power_elements(park: &Park) -> Vec<String> {
    let s = park.scenario();
    let mut ids: Vec<String> = s.grid.iter().map(|g| g.id.to_string()).collect();
    for station in &s.substations {
        ids.push(station.id.to_string());
        ids.extend(station.transformers.iter().map(|t| t.id.to_string()));
    }
    ids.extend(s.feeders.iter().map(|f| f.id.to_string()));
    ids
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Losing more elements never improves any centre's supply.
    #[test]
    fn more_outages_never_improve_supply(mask_a in any::<u64>(), extra in any::<u64>()) {
        let park = qingyang().expect("valid");
        let elements = power_elements(&park);
        prop_assume!(elements.len() <= 64);
        let pick = |mask: u64| -> Vec<&str> {
            elements.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, e)| e.as_str()).collect()
        };
        let smaller = pick(mask_a);
        let larger = pick(mask_a | extra);
        let before = park.supply_with_outages(&smaller);
        let after = park.supply_with_outages(&larger);
        for (b, a) in before.iter().zip(&after) {
            prop_assert_eq!(&b.centre, &a.centre);
            prop_assert!(a.state >= b.state, "{}: {:?} -> {:?}", b.centre, b.state, a.state);
        }
    }

    /// Whatever is done to the file, loading returns a park or errors placed inside the file;
    /// it never panics.
    #[test]
    fn damaged_files_give_errors_not_panics(start in 0usize..40_000, len in 0usize..200, insert in "[ -~\n\"=\\[\\]{}]{0,12}") {
        let mut text = QINGYANG.to_owned();
        let start = text.floor_char_boundary(start.min(text.len()));
        let end = text.floor_char_boundary((start + len).min(text.len()));
        text.replace_range(start..end, &insert);
        if let Err(errors) = load_str(&text, "damaged.toml") {
            let lines = text.lines().count() + 1;
            prop_assert!(!errors.0.is_empty());
            for e in &errors.0 {
                prop_assert!(e.line >= 1 && e.line <= lines, "{e}");
                prop_assert!(!e.field.is_empty());
            }
        }
    }
}

#[test]
fn dual_fed_centres_survive_one_feeder_and_single_fed_ones_do_not() {
    let park = qingyang().expect("valid");
    let state = |outages: &[&str], centre: &str| {
        park.supply_with_outages(outages)
            .into_iter()
            .find(|c| c.centre.as_str() == centre)
            .map(|c| c.state)
            .expect("centre exists")
    };
    assert_eq!(state(&[], "CM-N01"), SupplyState::Redundant);
    assert_eq!(state(&["F-201"], "CM-N01"), SupplyState::RedundancyLost);
    assert_eq!(state(&["F-201", "F-203"], "CM-N01"), SupplyState::Lost);
    assert_eq!(state(&[], "JD-DE"), SupplyState::SingleFed);
    assert_eq!(state(&["F-102"], "JD-DE"), SupplyState::Lost);
    // Losing the upstream grid takes both 110 kV stations (the 330 kV station is still planned).
    assert!(
        park.supply_with_outages(&["GRID-110"])
            .iter()
            .all(|c| c.state == SupplyState::Lost)
    );
    // A transformer trip takes every feeder it carries.
    assert_eq!(state(&["T110-2-1"], "CM-N01"), SupplyState::RedundancyLost);
    // Planned B01 has no supply yet.
    assert_eq!(state(&[], "CM-B01"), SupplyState::Lost);
}

mod ledger {
    use proptest::prelude::*;
    use suangu_core::green::{IntervalInput, StorageSpec, StorageState, settle};
    use suangu_core::units::{Mw, Mwh, Ratio};

    proptest! {
        /// Every interval balances on both sides, nothing is negative, storage stays in bounds,
        /// and the green it holds never exceeds what it holds.
        #[test]
        fn every_interval_balances(
            steps in prop::collection::vec((0.0f64..80.0, 0.0f64..20.0, 0.0f64..150.0, 0.0f64..30.0), 1..50),
            power in 0.0f64..60.0, capacity in 0.0f64..300.0, efficiency in 0.5f64..1.0, export in 0.0f64..50.0,
        ) {
            let spec = StorageSpec { power: Mw(power), capacity: Mwh(capacity), efficiency: Ratio(efficiency) };
            let mut s = StorageState::default();
            for (load, btm, contract, grid) in steps {
                let input = IntervalInput {
                    hours: 0.25, load: Mwh(load), gen_behind_meter: Mwh(btm), gen_contract: Mwh(contract),
                    export_limit: Mw(export), grid_charge_request: Mwh(grid),
                };
                let l = settle(&input, &mut s, Some(&spec));
                prop_assert!(l.balance_error() < 1e-9, "{l:?}");
                for v in [l.delivered, l.charged, l.grid_charged, l.discharged, l.green_discharged, l.exported, l.curtailed, l.import] {
                    prop_assert!(v.0 >= 0.0, "{l:?}");
                }
                prop_assert!(l.exported.0 <= export * 0.25 + 1e-9);
                prop_assert!(s.energy.0 <= capacity + 1e-9);
                prop_assert!(s.green.0 <= s.energy.0 + 1e-9);
                prop_assert!(l.charged.0 + l.grid_charged.0 <= power * 0.25 + 1e-9);
            }
        }
    }
}
