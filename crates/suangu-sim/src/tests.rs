use super::*;
use suangu_core::qingyang;

fn twin(seed: u64) -> Twin {
    Twin::new(qingyang().expect("park"), seed)
}

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn centre(t: &Twin, id: &str) -> usize {
    t.park()
        .centres()
        .position(|c| c.id.as_str() == id)
        .expect("centre")
}

fn hours_of(year: i16) -> impl Iterator<Item = Timestamp> {
    let start = at(&format!("{year}-01-01T00:00:00Z")).as_second();
    (0..8760).map(move |h| Timestamp::from_second(start + h * 3600).expect("ts"))
}

#[test]
fn same_seed_same_park_different_seed_different_weather() {
    let (a, b, c) = (twin(1), twin(1), twin(2));
    for t in hours_of(2026).step_by(97) {
        assert_eq!(a.sample(t), b.sample(t));
    }
    let differs = hours_of(2026)
        .step_by(97)
        .any(|t| a.weather(t) != c.weather(t));
    assert!(differs);
}

#[test]
fn gansu_like_capacity_factors_and_temperatures() {
    let t = twin(1);
    let (mut wind, mut pv, mut temp) = (0.0, 0.0, 0.0);
    let (mut jan, mut jul) = (0.0, 0.0);
    for h in hours_of(2026) {
        let w = t.weather(h);
        wind += w.wind_cf;
        pv += w.pv_cf;
        temp += w.outdoor_c;
        let month = t.tz.to_datetime(h).month();
        if month == 1 {
            jan += w.outdoor_c / 744.0;
        }
        if month == 7 {
            jul += w.outdoor_c / 744.0;
        }
    }
    let (wind, pv, temp) = (wind / 8760.0, pv / 8760.0, temp / 8760.0);
    // DOMAIN-DATA: wind ~20-25 %, PV ~16-19 %, mean annual temperature 8.4-9.7 C.
    assert!((0.18..=0.30).contains(&wind), "wind CF {wind}");
    assert!((0.14..=0.22).contains(&pv), "PV CF {pv}");
    assert!((7.0..=11.0).contains(&temp), "mean temperature {temp}");
    assert!(jan < 0.0 && jul > 18.0, "Jan {jan}, Jul {jul}");
}

#[test]
fn the_sun_sets_and_inference_follows_eastern_evenings() {
    let t = twin(1);
    // 04:00 and 13:30 Beijing time in June.
    let night = t.sample(at("2026-06-15T20:00:00Z"));
    let noon = t.sample(at("2026-06-15T05:30:00Z"));
    assert_eq!(night.weather.pv_cf, 0.0);
    assert!(noon.weather.pv_cf > 0.3, "{}", noon.weather.pv_cf);
    let ct = centre(&t, "CT-QY"); // inference-heavy
    let evening = t.sample(at("2026-06-15T13:00:00Z")); // 21:00 local
    assert!(evening.centres[ct].utilisation > night.centres[ct].utilisation + 0.2);
    let n01 = centre(&t, "CM-N01"); // training: near flat and high
    assert!((evening.centres[n01].utilisation - night.centres[n01].utilisation).abs() < 0.15);
    assert!(night.centres[n01].utilisation > 0.75);
}

#[test]
fn plausible_load_and_pue() {
    let t = twin(1);
    let s = t.sample(at("2026-04-01T06:00:00Z"));
    let it = s.power.it().0;
    let totals = t.park().totals();
    assert!(
        it > 0.6 * totals.it_capacity.0 && it <= totals.it_capacity.0,
        "{it}"
    );
    for (c, state) in t.park().centres().zip(&s.centres) {
        if c.status == suangu_core::scenario::Status::Planned {
            assert_eq!(state.utilisation, 0.0);
            continue;
        }
        assert!(
            (1.03..=1.45).contains(&state.pue.0),
            "{} {}",
            c.id,
            state.pue.0
        );
    }
    // PUE rises with heat: the same hour in July is worse than in January.
    let n02 = centre(&t, "CM-N02");
    let jan = t.sample(at("2026-01-15T06:00:00Z")).centres[n02].pue.0;
    let jul = t.sample(at("2026-07-15T06:00:00Z")).centres[n02].pue.0;
    assert!(jul > jan, "{jan} {jul}");
}

#[test]
fn faults_show_in_the_telemetry() {
    let mut t = twin(1);
    let when = at("2026-04-01T06:00:00Z");
    let before = t.sample(when);
    let n01 = centre(&t, "CM-N01");
    let from = at("2026-04-01T00:00:00Z");
    let fault = |kind| Fault {
        kind,
        from,
        until: None,
    };
    t.inject(fault(FaultKind::Trip("T110-2-1".into())))
        .expect("known");
    let one_side = t.sample(when);
    assert_eq!(one_side.centres[n01].supply, SupplyState::RedundancyLost);
    assert_eq!(one_side.power.centres[n01].it, before.power.centres[n01].it);

    t.inject(fault(FaultKind::Trip("F-203".into())))
        .expect("known");
    let lost = t.sample(when);
    assert_eq!(lost.centres[n01].supply, SupplyState::Lost);
    assert_eq!(lost.power.centres[n01].it, Mw::ZERO);
    assert!(lost.centres[n01].shed.0 > 10.0);

    let mut t = twin(1);
    t.inject(fault(FaultKind::CoolingLoss("CM-N01-CP1".into())))
        .expect("known");
    assert!(t.sample(when).power.centres[n01].it.0 <= 13.0);

    let mut t = twin(1);
    t.inject(fault(FaultKind::Trip("GRID-330".into())))
        .expect("known");
    assert_eq!(t.sample(when).power.gen_contract, Mw::ZERO);

    let mut t = twin(1);
    t.inject(fault(FaultKind::WindLull { factor: 0.1 }))
        .expect("valid");
    let lull = t.sample(when);
    assert!((lull.wind.0 - before.wind.0 * 0.1).abs() < 1e-6);

    let mut t = twin(1);
    t.inject(fault(FaultKind::LinkCut("BTH".into())))
        .expect("known");
    assert_eq!(t.sample(when).links_down, vec!["BTH".to_owned()]);

    // A fault ends.
    let mut t = twin(1);
    let until = Some(at("2026-04-01T03:00:00Z"));
    t.inject(Fault {
        kind: FaultKind::Trip("GRID-110".into()),
        from,
        until,
    })
    .expect("known");
    assert_eq!(t.sample(at("2026-04-01T02:00:00Z")).power.it(), Mw::ZERO);
    assert!(t.sample(when).power.it().0 > 0.0);
}

#[test]
fn unknown_fault_targets_are_refused() {
    let mut t = twin(1);
    let from = at("2026-04-01T00:00:00Z");
    let mut err = |kind| t_inject(&mut t, kind, from);
    assert_eq!(
        err(FaultKind::Trip("F-999".into())),
        Err(FaultError::UnknownElement("F-999".into()))
    );
    assert!(matches!(
        err(FaultKind::CoolingLoss("X".into())),
        Err(FaultError::UnknownCoolingPlant(_))
    ));
    assert!(matches!(
        err(FaultKind::LinkCut("MARS".into())),
        Err(FaultError::UnknownRegion(_))
    ));
    assert!(matches!(
        err(FaultKind::WindLull { factor: 2.0 }),
        Err(FaultError::BadFactor(_))
    ));
    assert!(t.faults().is_empty());
}

fn t_inject(t: &mut Twin, kind: FaultKind, from: Timestamp) -> Result<(), FaultError> {
    t.inject(Fault {
        kind,
        from,
        until: None,
    })
}

#[test]
fn forecasts_err_more_the_further_they_look() {
    let t = twin(1);
    let mut err_1h = 0.0;
    let mut err_48h = 0.0;
    let mut n = 0.0;
    for target in hours_of(2026).step_by(7) {
        let actual = t.weather(target).wind_cf;
        let issued_1h = Timestamp::from_second(target.as_second() - 3600).expect("ts");
        let issued_48h = Timestamp::from_second(target.as_second() - 48 * 3600).expect("ts");
        err_1h += (t.forecast(issued_1h, target).wind_cf - actual).abs();
        err_48h += (t.forecast(issued_48h, target).wind_cf - actual).abs();
        n += 1.0;
    }
    let (e1, e48) = (err_1h / n, err_48h / n);
    assert!(e1 > 0.0, "a forecast is never perfect");
    assert!(e48 > 2.0 * e1, "1 h {e1}, 48 h {e48}");
}

#[test]
fn racks_add_up_to_their_centre() {
    let t = twin(1);
    let when = at("2026-04-01T06:00:00Z");
    let s = t.sample(when);
    let mut racks = Vec::new();
    for i in 0..t.park().centres().count() {
        t.racks(i, when, &s.centres[i], &s.weather, &mut racks);
        assert_eq!(racks.len() as u32, t.rack_count(i));
        let sum_mw: f64 = racks.iter().map(|r| f64::from(r.power_kw)).sum::<f64>() / 1000.0;
        let it = s.power.centres[i].it.0;
        if it == 0.0 {
            assert_eq!(sum_mw, 0.0);
        } else {
            assert!(
                (sum_mw - it).abs() / it < 0.1,
                "centre {i}: racks {sum_mw} MW vs {it} MW"
            );
        }
        assert!(racks.iter().all(|r| (15.0..40.0).contains(&r.inlet_c)));
    }
}

#[test]
fn substations_carry_the_load_of_the_centres_they_feed() {
    let mut t = twin(1);
    let when = at("2026-04-01T06:00:00Z");
    let s = t.sample(when);
    let stations: f64 = s.loading.substations.iter().map(|m| m.0).sum();
    assert!(
        (stations - s.power.facility().0).abs() < 1e-6,
        "{stations} vs {}",
        s.power.facility().0
    );
    let feeders = t.park().scenario().feeders.clone();
    let idx = |id: &str| {
        feeders
            .iter()
            .position(|f| f.id.as_str() == id)
            .expect("feeder")
    };
    let n01 = centre(&t, "CM-N01");
    let before_b = s.loading.feeders[idx("F-203")];
    // F-201 also feeds YS-AI; with it out, F-203 carries all of N01's load.
    t.inject(Fault {
        kind: FaultKind::Trip("F-201".into()),
        from: when,
        until: None,
    })
    .expect("known");
    let after = t.sample(when);
    assert_eq!(after.loading.feeders[idx("F-201")], Mw::ZERO);
    let n01_load = after.power.centres[n01].facility.0;
    assert!((after.loading.feeders[idx("F-203")].0 - before_b.0 - n01_load / 2.0).abs() < 1e-6);
    // Planned SS-330 carries nothing.
    let ss330 = t
        .park()
        .scenario()
        .substations
        .iter()
        .position(|x| x.id.as_str() == "SS-330")
        .expect("ss");
    assert_eq!(after.loading.substations[ss330], Mw::ZERO);
}
