//! Capacity headroom on the hand-built mini park (F1 and F2 of 8 MW each; ZW-1 dual-fed, ZW-2 on
//! F2 only, ZW-3 planned on F1), computed by hand; planned assets switched in; properties on
//! Qingyang.

use proptest::prelude::*;
use std::path::Path;
use suangu_core::capacity::{Binding, capacity};
use suangu_core::interval::CentrePower;
use suangu_core::units::Mw;
use suangu_core::{Park, load_str, qingyang};

fn mini() -> Park {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/scenarios/valid/zhongwei-mini.toml");
    load_str(
        &std::fs::read_to_string(path).expect("fixture"),
        "zhongwei-mini.toml",
    )
    .expect("valid")
}

fn power(loads: &[(f64, f64)]) -> Vec<CentrePower> {
    loads
        .iter()
        .map(|(it, f)| CentrePower {
            it: Mw(*it),
            facility: Mw(*f),
        })
        .collect()
}

#[test]
fn hand_computed_headroom_names_the_binding_constraint() {
    let park = mini();
    // ZW-1 3.5 MW IT (4.2 facility, half on each feeder), ZW-2 3.0 MW IT at PUE 1.8 (5.4 on F2):
    // F2 carries 2.1 + 5.4 = 7.5 of 8 MW.
    let p = power(&[(3.5, 4.2), (3.0, 5.4), (0.0, 0.0)]);
    let cap = capacity(&park, &p, &[0.5, 0.8, 0.0], &[], &[]);
    let zw1 = &cap.centres[0];
    let zw2 = &cap.centres[1];
    // ZW-2: 0.5 MW of facility room on F2 is 0.5 / 1.8 = 0.28 MW of IT, before its 0.6 MW of IT
    // capacity or 1.5 MW of cooling.
    assert_eq!(zw2.binding, Binding::Chain("F2".into()));
    assert!((zw2.headroom.0 - 0.5 / 1.8).abs() < 1e-9);
    assert_eq!(zw2.summary(), "ZW-2 is power-bound: 0.3 MW left on F2");
    // ZW-1 spreads over two feeders: F2's 0.5 MW is 1.0 MW of its facility, 0.83 MW of IT; its
    // IT capacity (4.0) leaves 0.5 first.
    assert_eq!(zw1.binding, Binding::ItCapacity);
    assert!((zw1.headroom.0 - 0.5).abs() < 1e-9);
    assert!((zw1.chain_limit.0 - (3.5 + 1.0 / 1.2)).abs() < 1e-9);
    // Space and compute follow utilisation; the planned centre is counted apart.
    assert_eq!((zw1.racks_installed, zw1.racks_used), (400, 200));
    assert_eq!(
        (cap.racks_installed, cap.racks_used, cap.racks_planned),
        (700, 440, 200)
    );
    assert!((cap.pflops_allocated - (800.0 * 0.5 + 600.0 * 0.8)).abs() < 1e-9);
    assert_eq!(cap.accelerators.get("gpu_inference"), Some(&(900, 720.0)));
    // Zones sum their operating centres: both are in Z1, the energy zone has none.
    assert_eq!(cap.zones.len(), 2);
    assert_eq!(cap.zones[0].racks_installed, 700);
    assert!((cap.zones[0].headroom.0 - (zw1.headroom.0 + zw2.headroom.0)).abs() < 1e-9);
    assert_eq!(cap.zones[1].racks_installed, 0);
    assert!(!zw1.violation && !zw2.violation);

    // ZW-1 loses its only cooling plant: a violation, bound by cooling, nothing to add.
    let cap = capacity(&park, &p, &[0.5, 0.8, 0.0], &[], &["ZW-1-CP1"]);
    assert_eq!(cap.centres[0].binding, Binding::Cooling);
    assert!(cap.centres[0].violation);
    assert_eq!(cap.centres[0].headroom, Mw(0.0));
    // F2 out: ZW-2 has no supply.
    let cap = capacity(&park, &p, &[0.5, 0.8, 0.0], &["F2"], &[]);
    assert_eq!(cap.centres[1].binding, Binding::NoSupply);
}

#[test]
fn planned_assets_switch_in() {
    let park = mini();
    let online = park.with_in_service(&["ZW-3"]).expect("ZW-3 is planned");
    let p = power(&[(3.0, 3.6), (3.2, 4.0), (0.0, 0.0)]);
    let before = capacity(&park, &p, &[0.5, 0.5, 0.0], &[], &[]);
    let after = capacity(&online, &p, &[0.5, 0.5, 0.0], &[], &[]);
    assert_eq!(before.racks_installed + 200, after.racks_installed);
    assert_eq!(after.racks_planned, 0);
    // ZW-3 (5 MW, on F1 with 1.8 MW drawn) comes online bound by F1: 6.2 MW facility room is
    // 6.2 / 1.15 = 5.39 MW of IT, more than its 5 MW: IT capacity binds.
    assert_eq!(after.centres[2].binding, Binding::ItCapacity);
    assert!((after.headroom.0 - before.headroom.0 - 5.0).abs() < 1e-9);
    assert_eq!(
        park.with_in_service(&["ZW-1", "nope"]).err(),
        Some(vec!["ZW-1".to_owned(), "nope".to_owned()])
    );
    // Qingyang's planned B01 and 330 kV station.
    let q = qingyang().expect("park");
    let planned: Vec<String> = q
        .centres()
        .filter(|c| c.status != suangu_core::scenario::Status::Operating)
        .map(|c| c.id.to_string())
        .collect();
    let ids: Vec<&str> = planned.iter().map(String::as_str).collect();
    assert!(q.with_in_service(&ids).is_ok());
}

proptest! {
    /// Headroom is never negative, and a centre within every limit is never a violation.
    #[test]
    fn headroom_is_never_negative(fill in prop::collection::vec(0.0f64..1.3, 12), u in 0.0f64..1.0) {
        let park = qingyang().expect("park");
        let p: Vec<CentrePower> = park.centres().zip(fill.iter().cycle()).map(|(c, f)| {
            let it = if c.status == suangu_core::scenario::Status::Operating { c.it_capacity_mw.value.0 * f } else { 0.0 };
            CentrePower { it: Mw(it), facility: Mw(it * c.design_pue.value.0) }
        }).collect();
        let utilisation = vec![u; p.len()];
        let cap = capacity(&park, &p, &utilisation, &[], &[]);
        for c in &cap.centres {
            prop_assert!(c.headroom.0 >= 0.0, "{}", c.centre);
            if c.it.0 > c.it_capacity.0 + 1e-9 || c.it.0 > c.cooling.0 + 1e-9 {
                prop_assert!(c.violation, "{} over a limit without a violation", c.centre);
            }
            prop_assert!(c.racks_used <= c.racks_installed);
        }
    }
}
