//! Alarm rules on the hand-built mini park (S1 feeds F1 and F2; ZW-1 on both, ZW-2 on F2, ZW-3
//! on F1): each behaviour as a table of (second, inputs) -> announced changes; the rules file
//! (the built-in default on Qingyang, broken copies placed by line and field); a property test
//! (random inputs and actions never panic, raises and clears alternate); incident grouping,
//! including a storm of 10,000 alarms.

use jiff::Timestamp;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use suangu_core::alarms::{
    ActionError, AlarmKey, AlarmRecord, Alarms, Change, ChangeKind, DEFAULT_RULES,
    DEFAULT_RULES_NAME, Headroom, Inputs, N1Loss, Rules, Sample, Severity, group, load_rules,
};
use suangu_core::error::ErrorKind;
use suangu_core::units::{Mw, Ratio};
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

/// The park's series as the engine records them (`suangu_engine::raw::park_series`).
fn series(park: &Park) -> Vec<String> {
    let totals = [
        "it_kw",
        "facility_kw",
        "green_kw",
        "wind_kw",
        "pv_kw",
        "green_share",
        "pue",
        "outdoor_c",
    ];
    totals
        .iter()
        .map(|t| format!("park/{t}"))
        .chain(park.centres().map(|c| format!("{}/it_kw", c.id)))
        .chain(
            park.scenario()
                .substations
                .iter()
                .map(|s| format!("{}/load_kw", s.id)),
        )
        .collect()
}

const RULES: &str = r#"
park = "zhongwei-mini"
flap_count = 3
flap_window_s = 60

[[rules]]
id = "hot"
kind = "threshold"
severity = "major"
name = { zh = "变电站过载", en = "Substation overloaded" }
series = "S1/load_kw"
set = 100
clear = 90

[[rules]]
id = "hot-held"
kind = "threshold"
severity = "minor"
name = { zh = "持续高负荷", en = "High load held" }
series = "ZW-1/it_kw"
set = 100
clear = 90
delay_s = 30

[[rules]]
id = "cold"
kind = "threshold"
severity = "warning"
name = { zh = "严寒", en = "Severe cold" }
series = "park/outdoor_c"
direction = "below"
set = -20
clear = -18

[[rules]]
id = "ramp"
kind = "rate"
severity = "major"
name = { zh = "负荷突变", en = "Load step" }
series = "park/it_kw"
max_per_min = 10

[[rules]]
id = "zw2-stale"
kind = "stale"
severity = "major"
name = { zh = "ZW-2数据中断", en = "ZW-2 data stale" }
series = "ZW-2/it_kw"

[[rules]]
id = "meters"
kind = "stale"
severity = "critical"
name = { zh = "电表中断", en = "Meters silent" }
source = "meters"

[[rules]]
id = "room"
kind = "headroom"
severity = "minor"
name = { zh = "ZW-1余量不足", en = "ZW-1 headroom low" }
centre = "ZW-1"
margin_mw = 1

[[rules]]
id = "park-room"
kind = "headroom"
severity = "major"
name = { zh = "园区余量不足", en = "Park headroom low" }
margin_ratio = 0.1

[[rules]]
id = "green"
kind = "green_share"
severity = "warning"
name = { zh = "绿电不足", en = "Green share low" }
min_share = 0.8

[[rules]]
id = "n1"
kind = "n1"
severity = "critical"
name = { zh = "N-1失电", en = "N-1 sheds load" }
min_shed_mw = 0.5
"#;

fn rules() -> Rules {
    let park = mini();
    load_rules(RULES, "alarms.toml", &park, &series(&park)).expect("valid rules")
}

/// Second `s` of the test day.
fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_775_000_000 + s).expect("in range")
}

/// One series' value (stamped with the row's time by [`run`]).
fn v(series: &str, value: f64) -> Inputs {
    let mut inputs = Inputs::default();
    inputs.samples.insert(
        series.to_owned(),
        Sample {
            at: Timestamp::UNIX_EPOCH,
            value,
        },
    );
    inputs
}

fn words(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| format!("{} {}", c.kind.as_str(), c.key))
        .collect()
}

/// Evaluate each row at its second, samples stamped then; the announced changes must match.
fn run(alarms: &mut Alarms, table: &[(i64, Inputs, &[&str])]) {
    for (s, inputs, want) in table {
        let mut inputs = inputs.clone();
        for sample in inputs.samples.values_mut() {
            sample.at = t(*s);
        }
        let got = words(&alarms.evaluate(&inputs, t(*s)));
        assert_eq!(got, *want, "at second {s}");
    }
}

fn key(rule: &str, target: &str) -> AlarmKey {
    AlarmKey::new(rule, target)
}

#[test]
fn threshold_raises_once_and_clears_only_past_clear() {
    let mut alarms = Alarms::new(rules());
    let s1 = "S1/load_kw";
    run(
        &mut alarms,
        &[
            (0, v(s1, 80.0), &[]),
            (1, v(s1, 101.0), &["raised hot@S1"]),
            (2, v(s1, 120.0), &[]),    // deduplicated: still active
            (3, v(s1, 95.0), &[]),     // between clear and set: still active
            (4, v(s1, f64::NAN), &[]), // NaN decides nothing
            (5, v(s1, 89.0), &["cleared hot@S1"]),
            (6, v(s1, 95.0), &[]),          // between, from below: no raise
            (7, v(s1, 100.0), &[]),         // at set is not above it
            (8, v(s1, f64::INFINITY), &[]), // not finite: the quality rules' job
            (9, v(s1, 100.5), &["raised hot@S1"]),
        ],
    );
    let view = alarms.active();
    let hot = view
        .iter()
        .find(|a| a.key == key("hot", "S1"))
        .expect("listed");
    assert_eq!(
        (hot.active, hot.count, hot.last_value),
        (true, 2, Some(100.5))
    );
    assert_eq!(hot.raised_at, t(9));
    assert_eq!(hot.name.en, "Substation overloaded");
}

#[test]
fn below_thresholds_mirror_above() {
    let mut alarms = Alarms::new(rules());
    let c = "park/outdoor_c";
    run(
        &mut alarms,
        &[
            (0, v(c, -19.0), &[]),
            (1, v(c, -21.0), &["raised cold@park"]),
            (2, v(c, -19.0), &[]),
            (3, v(c, -17.5), &["cleared cold@park"]),
        ],
    );
}

#[test]
fn a_delay_must_hold_before_raising() {
    let mut alarms = Alarms::new(rules());
    let it = "ZW-1/it_kw";
    run(
        &mut alarms,
        &[
            (0, v(it, 150.0), &[]),
            (20, v(it, 150.0), &[]),
            (25, v(it, 95.0), &[]), // back under set: the delay restarts
            (30, v(it, 150.0), &[]),
            (45, v(it, f64::NAN), &[]), // unknown is not holding: restarts too
            (50, v(it, 150.0), &[]),
            (79, v(it, 150.0), &[]),
            (80, v(it, 150.0), &["raised hot-held@ZW-1"]),
            (81, v(it, 150.0), &[]),
            (82, v(it, 80.0), &["cleared hot-held@ZW-1"]),
        ],
    );
}

#[test]
fn rate_compares_consecutive_samples() {
    let mut alarms = Alarms::new(rules());
    let it = "park/it_kw";
    run(
        &mut alarms,
        &[
            (0, v(it, 100.0), &[]),
            (60, v(it, 105.0), &[]),                     // 5 per minute
            (90, v(it, 112.0), &["raised ramp@park"]),   // 14 per minute over 30 s
            (91, Inputs::default(), &[]),                // no sample: nothing decided
            (120, v(it, 100.0), &[]),                    // 24 per minute down: still active
            (150, v(it, 101.0), &["cleared ramp@park"]), // 2 per minute
            (180, v(it, f64::NAN), &[]),
            (240, v(it, 50.0), &["raised ramp@park"]), // 34 per minute since the last finite
        ],
    );
    let view = alarms.active();
    assert_eq!(view[0].last_value, Some(-34.0));
    // The same sample seen again says nothing new (and does not clear).
    let mut again = v(it, 50.0);
    if let Some(sample) = again.samples.get_mut(it) {
        sample.at = t(240);
    }
    assert!(alarms.evaluate(&again, t(245)).is_empty());
    assert!(alarms.active()[0].active);
}

fn stale(series: &[&str], sources: &[&str]) -> Inputs {
    Inputs {
        stale_series: series.iter().map(|s| s.to_string()).collect(),
        stale_sources: sources.iter().map(|s| s.to_string()).collect(),
        ..Inputs::default()
    }
}

#[test]
fn stale_series_and_sources() {
    let mut alarms = Alarms::new(rules());
    run(
        &mut alarms,
        &[
            (0, stale(&[], &[]), &[]),
            (1, stale(&["ZW-2/it_kw"], &[]), &["raised zw2-stale@ZW-2"]),
            (
                2,
                stale(&["ZW-2/it_kw"], &["meters"]),
                &["raised meters@meters"],
            ),
            (3, stale(&[], &["meters"]), &["cleared zw2-stale@ZW-2"]),
            (4, stale(&[], &[]), &["cleared meters@meters"]),
        ],
    );
}

fn headroom(rows: &[(&str, f64, f64)]) -> Inputs {
    Inputs {
        headroom: rows
            .iter()
            .map(|(id, h, cap)| {
                (
                    id.to_string(),
                    Headroom {
                        headroom: Mw(*h),
                        capacity: Mw(*cap),
                    },
                )
            })
            .collect(),
        ..Inputs::default()
    }
}

#[test]
fn headroom_in_mw_and_as_a_share_of_capacity() {
    let mut alarms = Alarms::new(rules());
    run(
        &mut alarms,
        &[
            (0, headroom(&[("ZW-1", 1.5, 4.0), ("park", 2.0, 10.0)]), &[]),
            (1, headroom(&[("ZW-1", 0.9, 4.0)]), &["raised room@ZW-1"]),
            // 0.9 MW of 10 MW is under 10 %.
            (
                2,
                headroom(&[("park", 0.9, 10.0)]),
                &["raised park-room@park"],
            ),
            (
                3,
                headroom(&[("ZW-1", 1.0, 4.0), ("park", 1.0, 10.0)]),
                &["cleared room@ZW-1", "cleared park-room@park"],
            ),
            (4, headroom(&[("ZW-1", f64::NAN, 4.0)]), &[]),
        ],
    );
}

fn share(s: f64) -> Inputs {
    Inputs {
        green_share: Some(Ratio(s)),
        ..Inputs::default()
    }
}

#[test]
fn green_share_below_target() {
    let mut alarms = Alarms::new(rules());
    run(
        &mut alarms,
        &[
            (0, share(0.85), &[]),
            (1, share(0.79), &["raised green@park"]),
            (2, Inputs::default(), &[]),
            (3, share(f64::NAN), &[]),
            (4, share(0.8), &["cleared green@park"]),
        ],
    );
}

fn n1(losses: Option<&[(&str, f64)]>) -> Inputs {
    Inputs {
        n1: losses.map(|l| {
            l.iter()
                .map(|(e, mw)| N1Loss {
                    element: e.to_string(),
                    shed: Mw(*mw),
                })
                .collect()
        }),
        ..Inputs::default()
    }
}

#[test]
fn n1_raises_one_alarm_per_element_that_sheds() {
    let mut alarms = Alarms::new(rules());
    run(
        &mut alarms,
        &[
            (0, n1(Some(&[("F1", 1.0), ("F2", 0.2)])), &["raised n1@F1"]),
            (1, n1(Some(&[("F1", 1.2), ("F2", 2.0)])), &["raised n1@F2"]),
            (2, n1(None), &[]), // not evaluated: nothing changes
            (3, n1(Some(&[("F2", 2.0)])), &["cleared n1@F1"]),
            (4, n1(Some(&[])), &["cleared n1@F2"]),
        ],
    );
}

#[test]
fn flapping_is_announced_once_then_recovers_after_quiet() {
    let mut alarms = Alarms::new(rules());
    let s1 = "S1/load_kw";
    let (hi, lo) = (v(s1, 101.0), v(s1, 80.0));
    run(
        &mut alarms,
        &[
            (0, hi.clone(), &["raised hot@S1"]),
            (5, lo.clone(), &["cleared hot@S1"]),
            (10, hi.clone(), &["raised hot@S1"]),
            (15, lo.clone(), &["cleared hot@S1"]),
            (20, hi.clone(), &["raised hot@S1"]),
            (25, lo.clone(), &["cleared hot@S1"]),
            // The fourth raise within 60 s (flap_count 3).
            (30, hi.clone(), &["flapping hot@S1"]),
            (35, lo.clone(), &[]),
            (40, hi.clone(), &[]),
            (99, hi.clone(), &[]),
            // Quiet for 60 s since the last transition (40): back, and still active.
            (100, hi.clone(), &["flap_ended hot@S1", "raised hot@S1"]),
            (105, lo.clone(), &["cleared hot@S1"]),
        ],
    );
    let view = alarms.active();
    assert_eq!(view.len(), 1, "cleared but unacknowledged");
    assert_eq!(view[0].count, 5, "raised at 0, 10, 20, 30 and 40");
    assert!(!view[0].flapping);
}

#[test]
fn shelved_alarms_are_silent_and_announced_again_at_expiry() {
    let mut alarms = Alarms::new(rules());
    let s1 = "S1/load_kw";
    let k = key("hot", "S1");
    run(&mut alarms, &[(0, v(s1, 101.0), &["raised hot@S1"])]);
    let shelved = alarms.shelve(&k, t(100), "王工", t(10)).expect("shelved");
    assert_eq!(
        shelved.kind,
        ChangeKind::Shelved {
            until: t(100),
            by: "王工".into()
        }
    );
    run(
        &mut alarms,
        &[
            (20, v(s1, 80.0), &[]),
            (30, v(s1, 101.0), &[]),
            (99, v(s1, 101.0), &[]),
            (100, v(s1, 101.0), &["unshelved hot@S1", "raised hot@S1"]),
            (101, v(s1, 80.0), &["cleared hot@S1"]),
        ],
    );
    // Shelved and cleared before expiry: nothing to announce but the expiry.
    alarms.shelve(&k, t(200), "王工", t(110)).expect("shelved");
    run(
        &mut alarms,
        &[
            (120, v(s1, 101.0), &[]),
            (130, v(s1, 80.0), &[]),
            (200, v(s1, 80.0), &["unshelved hot@S1"]),
        ],
    );
    // Taken off the shelf by hand: announced at the next evaluation.
    alarms.shelve(&k, t(900), "王工", t(210)).expect("shelved");
    run(&mut alarms, &[(220, v(s1, 101.0), &[])]);
    let view = alarms.active();
    assert_eq!(view[0].shelved_until, Some(t(900)));
    let off = alarms.unshelve(&k, "李工", t(230)).expect("unshelved");
    assert_eq!(
        off.kind,
        ChangeKind::Unshelved {
            by: Some("李工".into())
        }
    );
    run(&mut alarms, &[(231, v(s1, 101.0), &["raised hot@S1"])]);
    assert_eq!(
        alarms.unshelve(&k, "李工", t(232)),
        Err(ActionError::NotShelved(k.clone()))
    );
    assert!(matches!(
        alarms.shelve(&k, t(232), "王工", t(232)),
        Err(ActionError::ExpiryInPast { .. })
    ));
    assert_eq!(
        alarms.shelve(&key("hot", "S9"), t(999), "王工", t(232)),
        Err(ActionError::UnknownAlarm(key("hot", "S9")))
    );
}

#[test]
fn acknowledgement_and_cleared_unacknowledged() {
    let mut alarms = Alarms::new(rules());
    let s1 = "S1/load_kw";
    let k = key("hot", "S1");
    assert_eq!(
        alarms.acknowledge(&k, "王工", t(0)),
        Err(ActionError::UnknownAlarm(k.clone()))
    );
    run(&mut alarms, &[(0, v(s1, 101.0), &["raised hot@S1"])]);
    assert_eq!(
        alarms.acknowledge(&k, " ", t(1)),
        Err(ActionError::NoOperator)
    );
    let ack = alarms.acknowledge(&k, "王工", t(1)).expect("acknowledged");
    assert_eq!(
        ack.kind,
        ChangeKind::Acknowledged {
            by: "王工".into()
        }
    );
    assert_eq!(
        alarms.acknowledge(&k, "李工", t(2)),
        Err(ActionError::AlreadyAcknowledged {
            key: k.clone(),
            by: "王工".into(),
            at: t(1)
        })
    );
    let view = alarms.active();
    assert_eq!(view.len(), 1);
    assert_eq!(view[0].acknowledged.as_ref().map(|a| a.at), Some(t(1)));
    // Acknowledged, then cleared: off the list.
    run(&mut alarms, &[(3, v(s1, 80.0), &["cleared hot@S1"])]);
    assert!(alarms.active().is_empty());
    // A new occurrence needs a new acknowledgement; cleared unacknowledged, it stays listed.
    run(
        &mut alarms,
        &[
            (4, v(s1, 101.0), &["raised hot@S1"]),
            (5, v(s1, 80.0), &["cleared hot@S1"]),
        ],
    );
    let view = alarms.active();
    assert_eq!(view.len(), 1);
    assert!(!view[0].active && view[0].acknowledged.is_none());
    assert_eq!(view[0].cleared_at, Some(t(5)));
    alarms.acknowledge(&k, "李工", t(6)).expect("acknowledged");
    assert!(alarms.active().is_empty());

    // Pending (its delay not over): known, but nothing to acknowledge.
    let held = key("hot-held", "ZW-1");
    run(&mut alarms, &[(7, v("ZW-1/it_kw", 150.0), &[])]);
    assert_eq!(
        alarms.acknowledge(&held, "王工", t(8)),
        Err(ActionError::NotRaised(held.clone()))
    );
}

#[test]
fn the_list_is_most_severe_first_then_newest() {
    let mut alarms = Alarms::new(rules());
    let mut inputs = stale(&["ZW-2/it_kw"], &["meters"]);
    alarms.evaluate(&inputs, t(0));
    inputs.green_share = Some(Ratio(0.5));
    inputs.samples = v("S1/load_kw", 150.0).samples;
    alarms.evaluate(&inputs, t(10));
    let order: Vec<(Severity, String)> = alarms
        .active()
        .into_iter()
        .map(|a| (a.severity, a.key.to_string()))
        .collect();
    assert_eq!(
        order,
        [
            (Severity::Critical, "meters@meters".to_owned()),
            (Severity::Major, "hot@S1".to_owned()),
            (Severity::Major, "zw2-stale@ZW-2".to_owned()),
            (Severity::Warning, "green@park".to_owned()),
        ]
    );
}

// ---- the rules file ----------------------------------------------------------------------------

#[test]
fn the_default_rules_load_against_qingyang() {
    let park = qingyang().expect("built-in park");
    let rules =
        load_rules(DEFAULT_RULES, DEFAULT_RULES_NAME, &park, &series(&park)).expect("valid");
    assert_eq!(rules.park, "qingyang");
    assert_eq!((rules.flap_count, rules.flap_window_s), (5, 600));
    assert_eq!(rules.rules.len(), 12);
    // Every threshold in the file says where it comes from.
    for line in DEFAULT_RULES.lines() {
        let is_figure = [
            "set =",
            "clear =",
            "max_per_min",
            "margin_",
            "min_share",
            "min_shed_mw",
            "delay_s",
        ]
        .iter()
        .any(|f| line.trim_start().starts_with(f));
        if is_figure {
            let here = DEFAULT_RULES
                .split(line)
                .next()
                .map(|before| before.lines().rev().take(3).collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            let said = format!("{here} {line}");
            assert!(
                said.contains("public") || said.contains("assumption"),
                "{line:?} says no origin"
            );
        }
    }
    let hot = rules.rule("ss-110-1-over-firm").expect("rule");
    assert_eq!(hot.target(), Some("SS-110-1"));
    assert_eq!(hot.delay_ms, 60_000);
    // Every kind used has its checklist, in both languages.
    for rule in &rules.rules {
        let steps = rules.procedure(rule);
        assert!(steps.len() >= 3, "{}: {steps:?}", rule.id);
        assert!(steps.iter().all(|s| !s.zh.is_empty() && !s.en.is_empty()));
    }
    assert!(rules.procedure(hot)[0].en.starts_with("Confirm the asset"));
    let stale = rules.rule("park-it-stale").expect("rule");
    assert_eq!(stale.condition.kind(), "stale");
    assert!(rules.procedure(stale)[1].en.contains("stale"));
}

#[test]
fn procedures_are_checked_and_a_kind_without_one_has_none() {
    let park = qingyang().expect("built-in park");
    let rules_only = &DEFAULT_RULES[..DEFAULT_RULES.find("[procedures]").expect("table")];
    let first_error = |procedures: &str| {
        let text = format!("{rules_only}[procedures]\n{procedures}");
        let errors = load_rules(&text, "alarms.toml", &park, &series(&park)).expect_err("refused");
        let e = errors.first().expect("an error").clone();
        let line = rules_only.lines().count() + 1;
        (e.line - line, e.field, e.kind)
    };
    assert_eq!(
        first_error("threshold = [{ zh = \"确认\", en = \"Confirm\" }]\nrate = []\n"),
        (2, "procedures.rate".to_owned(), ErrorKind::Inconsistent)
    );
    assert_eq!(
        first_error(
            "rate = [\n  { zh = \"确认\", en = \"Confirm\" },\n  { zh = \" \", en = \"x\" },\n]\n"
        )
        .1,
        "procedures.rate[1]"
    );
    // A kind that does not exist: serde names the table and the kinds there are.
    let (_, field, kind) = first_error("greenshare = [{ zh = \"确认\", en = \"Confirm\" }]\n");
    assert_eq!(
        (field.as_str(), kind),
        ("procedures", ErrorKind::UnknownVariant)
    );
    // Without the table, rules still load; no kind has a checklist.
    let rules = load_rules(rules_only, "alarms.toml", &park, &series(&park)).expect("valid");
    assert!(rules.rules.iter().all(|r| rules.procedure(r).is_empty()));
}

/// The first error of the default file with `from` replaced by `to`.
fn broken(from: &str, to: &str) -> (String, usize, String, ErrorKind, String) {
    let park = qingyang().expect("built-in park");
    let text = DEFAULT_RULES.replacen(from, to, 1);
    assert_ne!(text, DEFAULT_RULES, "{from:?} is in the file");
    let errors = load_rules(&text, "alarms.toml", &park, &series(&park)).expect_err("refused");
    let e = errors.first().expect("an error").clone();
    (e.file, e.line, e.field, e.kind, e.message)
}

/// The line of the first occurrence of `needle` in the default file with `from` replaced.
fn line_of(from: &str, to: &str, needle: &str) -> usize {
    let text = DEFAULT_RULES.replacen(from, to, 1);
    let at = text.find(needle).expect("needle");
    text[..at].matches('\n').count() + 1
}

#[test]
fn a_broken_file_names_file_line_and_field() {
    let cases: [(&str, &str, &str, &str, ErrorKind); 14] = [
        (
            "source = \"energy-meters\"",
            "series = \"park/it_kw\"\nsource = \"energy-meters\"",
            "source = ",
            "rules[5].source",
            ErrorKind::Inconsistent,
        ),
        (
            "margin_mw = 2.0",
            "margin_mw = 2.0\nmargin_ratio = 0.2",
            "margin_ratio = 0.2",
            "rules[7].margin_ratio",
            ErrorKind::Inconsistent,
        ),
        (
            "flap_count = 5",
            "flap_count = 0",
            "flap_count = 0",
            "flap_count",
            ErrorKind::Inconsistent,
        ),
        (
            "series = \"SS-110-2/load_kw\"",
            "series = \"SS-110-9/load_kw\"",
            "SS-110-9",
            "rules[2].series",
            ErrorKind::UnknownReference,
        ),
        (
            "clear = 1.18",
            "clear = 1.25",
            "clear = 1.25",
            "rules[0].clear",
            ErrorKind::Inconsistent,
        ),
        (
            "max_per_min = 20000",
            "max_per_min = 20000\nmax_rate = 3",
            "max_rate",
            "rules[3].max_rate",
            ErrorKind::UnknownField,
        ),
        (
            "min_share = 0.8",
            "min_share = 0.8\nset = 1",
            "set = 1\n",
            "rules[8].set",
            ErrorKind::Inconsistent,
        ),
        (
            "centre = \"CM-N01\"",
            "centre = \"CM-N99\"",
            "CM-N99",
            "rules[7].centre",
            ErrorKind::UnknownReference,
        ),
        (
            "elements = [\"SS-110-1\", \"SS-110-2\", \"SS-330\"]",
            "elements = [\"SS-110-1\", \"F-999\"]",
            "elements",
            "rules[9].elements",
            ErrorKind::UnknownReference,
        ),
        (
            "kind = \"rate\"",
            "kind = \"ramp\"",
            "ramp",
            "rules[3].kind",
            ErrorKind::UnknownVariant,
        ),
        (
            "id = \"park-it-stale\"",
            "id = \"park-it-step\"",
            "id = \"park-it-step\"\nkind = \"stale\"",
            "rules[4].id",
            ErrorKind::DuplicateId,
        ),
        (
            "park = \"qingyang\"",
            "park = \"zhongwei\"",
            "park = \"zhongwei\"",
            "park",
            ErrorKind::UnknownReference,
        ),
        (
            "margin_ratio = 0.1",
            "margin_ratio = 1.5",
            "margin_ratio = 1.5",
            "rules[6].margin_ratio",
            ErrorKind::Inconsistent,
        ),
        (
            "delay_s = 900",
            "delay_s = -1",
            "delay_s = -1",
            "rules[0].delay_s",
            ErrorKind::Inconsistent,
        ),
    ];
    for (from, to, needle, field, kind) in cases {
        let (file, line, got_field, got_kind, message) = broken(from, to);
        assert_eq!(
            (file.as_str(), line, got_field.as_str(), got_kind),
            ("alarms.toml", line_of(from, to, needle), field, kind),
            "{to}: {message}"
        );
    }
}

#[test]
fn missing_fields_and_syntax_are_placed() {
    // A threshold without set: the rule's table.
    let (_, line, field, kind, _) = broken("set = 1.2 ", "");
    assert_eq!(
        (field.as_str(), kind),
        ("rules[0].set", ErrorKind::MissingField)
    );
    assert_eq!(line, line_of("set = 1.2 ", "", "[[rules]]"));
    // Without a severity: serde says so.
    let (_, _, field, kind, _) = broken("severity = \"critical\"\n", "");
    assert_eq!(
        (field.as_str(), kind),
        ("rules[5].severity", ErrorKind::MissingField)
    );
    let (_, line, _, kind, _) = broken("[[rules]]\nid = \"park-it-step\"", "[[rules]\nid = \"x\"");
    assert_eq!(kind, ErrorKind::Syntax);
    assert_eq!(
        line,
        line_of(
            "[[rules]]\nid = \"park-it-step\"",
            "[[rules]\nid = \"x\"",
            "[[rules]\n"
        )
    );
}

// ---- never panics; raises and clears alternate -------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Evaluate {
        dt: i64,
        load: f64,
        it: f64,
        stale: bool,
        share: Option<f64>,
        losses: Option<Vec<(u8, f64)>>,
    },
    Acknowledge(u8),
    Shelve(u8, i64),
    Unshelve(u8),
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        -50.0..200.0f64,
        85.0..105.0f64,
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (
            -5i64..40,
            value(),
            value(),
            any::<bool>(),
            proptest::option::of(value()),
            proptest::option::of(proptest::collection::vec((0u8..3, value()), 0..3)),
        )
            .prop_map(|(dt, load, it, stale, share, losses)| Op::Evaluate {
                dt,
                load,
                it,
                stale,
                share,
                losses
            }),
        1 => (0u8..6).prop_map(Op::Acknowledge),
        1 => (0u8..6, -10i64..200).prop_map(|(k, d)| Op::Shelve(k, d)),
        1 => (0u8..6).prop_map(Op::Unshelve),
    ]
}

const KEYS: [(&str, &str); 6] = [
    ("hot", "S1"),
    ("hot-held", "ZW-1"),
    ("ramp", "park"),
    ("zw2-stale", "ZW-2"),
    ("green", "park"),
    ("n1", "F1"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_inputs_never_panic_and_raises_alternate(ops in proptest::collection::vec(op(), 1..120)) {
        let mut alarms = Alarms::new(rules());
        let mut now = 0i64;
        let mut on: BTreeMap<AlarmKey, bool> = BTreeMap::new();
        let mut check = |changes: Vec<Change>| -> Result<(), TestCaseError> {
            for c in changes {
                let was = on.get(&c.key).copied().unwrap_or(false);
                match c.kind {
                    ChangeKind::Raised => {
                        prop_assert!(!was, "{} raised twice", c.key);
                        on.insert(c.key, true);
                    }
                    ChangeKind::Cleared => {
                        prop_assert!(was, "{} cleared while not raised", c.key);
                        on.insert(c.key, false);
                    }
                    ChangeKind::Shelved { .. } => {
                        on.insert(c.key, false);
                    }
                    _ => {}
                }
            }
            Ok(())
        };
        for op in ops {
            match op {
                Op::Evaluate { dt, load, it, stale, share, losses } => {
                    now += dt;
                    let mut inputs = v("S1/load_kw", load);
                    inputs.samples.extend(v("ZW-1/it_kw", it).samples);
                    inputs.samples.extend(v("park/it_kw", it).samples);
                    for sample in inputs.samples.values_mut() {
                        sample.at = t(now);
                    }
                    if stale {
                        inputs.stale_series.insert("ZW-2/it_kw".into());
                    }
                    inputs.green_share = share.map(Ratio);
                    inputs.n1 = losses.map(|l| {
                        l.into_iter()
                            .map(|(e, mw)| N1Loss { element: format!("F{e}"), shed: Mw(mw) })
                            .collect()
                    });
                    check(alarms.evaluate(&inputs, t(now)))?;
                }
                Op::Acknowledge(k) => {
                    let (rule, target) = KEYS[usize::from(k)];
                    if let Ok(c) = alarms.acknowledge(&key(rule, target), "op", t(now)) {
                        check(vec![c])?;
                    }
                }
                Op::Shelve(k, d) => {
                    let (rule, target) = KEYS[usize::from(k)];
                    if let Ok(c) = alarms.shelve(&key(rule, target), t(now + d), "op", t(now)) {
                        check(vec![c])?;
                    }
                }
                Op::Unshelve(k) => {
                    let (rule, target) = KEYS[usize::from(k)];
                    if let Ok(c) = alarms.unshelve(&key(rule, target), "op", t(now)) {
                        check(vec![c])?;
                    }
                }
            }
            // Every listed alarm is active or waiting for its acknowledgement.
            for a in alarms.active() {
                prop_assert!(a.active || a.acknowledged.is_none());
            }
        }
    }
}

// ---- incidents ---------------------------------------------------------------------------------

fn record(rule: &str, target: &str, severity: Severity, s: i64) -> AlarmRecord {
    AlarmRecord {
        key: key(rule, target),
        severity,
        raised_at: t(s),
    }
}

/// Each incident as (first second, severity, alarm keys, centres).
fn incidents(
    alarms: &[AlarmRecord],
    park: &Park,
    window_s: u64,
) -> Vec<(i64, Severity, Vec<String>, Vec<String>)> {
    group(alarms, park, window_s)
        .into_iter()
        .map(|i| {
            (
                i.first_raised.as_second() - t(0).as_second(),
                i.severity,
                i.alarms.iter().map(|a| a.key.to_string()).collect(),
                i.centres,
            )
        })
        .collect()
}

#[test]
fn related_alarms_close_in_time_form_one_incident() {
    let park = mini();
    use Severity::*;
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    // ZW-2 and ZW-3 share nothing but S1: apart, then joined by a substation alarm.
    let apart = [
        record("room", "ZW-2", Minor, 0),
        record("room", "ZW-3", Major, 5),
    ];
    assert_eq!(
        incidents(&apart, &park, 60),
        [
            (0, Minor, s(&["room@ZW-2"]), s(&["ZW-2"])),
            (5, Major, s(&["room@ZW-3"]), s(&["ZW-3"])),
        ]
    );
    let joined = [
        record("room", "ZW-3", Major, 5),
        record("hot", "S1", Critical, 2),
        record("room", "ZW-2", Minor, 0),
    ];
    assert_eq!(
        incidents(&joined, &park, 60),
        [(
            0,
            Critical,
            s(&["room@ZW-2", "hot@S1", "room@ZW-3"]),
            s(&["ZW-1", "ZW-2", "ZW-3"])
        )]
    );
    // A feeder relates to the centres it feeds (F2: ZW-1 and ZW-2, not ZW-3); a rack and a
    // cooling plant to their centre; chained in time (0, 50, 100 within 60 s of each other).
    let chain = [
        record("trip", "F2", Critical, 0),
        record("temp", "ZW-1.H1.R01.01", Warning, 50),
        record("cool", "ZW-1-CP1", Major, 100),
        record("room", "ZW-3", Minor, 10),
        // Far later on the same centre: a new incident.
        record("room", "ZW-1", Minor, 500),
    ];
    assert_eq!(
        incidents(&chain, &park, 60),
        [
            (
                0,
                Critical,
                s(&["trip@F2", "temp@ZW-1.H1.R01.01", "cool@ZW-1-CP1"]),
                s(&["ZW-1", "ZW-2"])
            ),
            (10, Minor, s(&["room@ZW-3"]), s(&["ZW-3"])),
            (500, Minor, s(&["room@ZW-1"]), s(&["ZW-1"])),
        ]
    );
    // Targets outside the chain (the park, a data source) group only with themselves.
    let loose = [
        record("green", "park", Warning, 0),
        record("meters", "meters", Critical, 1),
        record("park-room", "park", Major, 30),
        record("hot", "S1", Major, 2),
    ];
    assert_eq!(
        incidents(&loose, &park, 60),
        [
            (0, Major, s(&["green@park", "park-room@park"]), s(&[])),
            (1, Critical, s(&["meters@meters"]), s(&[])),
            (2, Major, s(&["hot@S1"]), s(&["ZW-1", "ZW-2", "ZW-3"])),
        ]
    );
    assert!(group(&[], &park, 60).is_empty());
}

#[test]
fn an_alarm_storm_of_ten_thousand_groups_by_centre() {
    let park = qingyang().expect("built-in park");
    let centres: Vec<String> = park.centres().map(|c| c.id.to_string()).collect();
    let sources = 7;
    // 10,000 alarms within a minute, in a scrambled order: racks of every centre and silent
    // sources.
    let storm: Vec<AlarmRecord> = (0..10_000usize)
        .map(|i| {
            let j = (i * 7919) % 10_000;
            let at = (j % 60) as i64;
            if j % 5 == 0 {
                record(
                    "silent",
                    &format!("src-{}", j % sources),
                    Severity::Major,
                    at,
                )
            } else {
                let c = &centres[j % centres.len()];
                record(
                    "hot",
                    &format!("{c}.H1.R01.{:02}", j % 30),
                    Severity::Minor,
                    at,
                )
            }
        })
        .collect();
    let got = group(&storm, &park, 120);
    assert_eq!(got.len(), centres.len() + sources);
    assert_eq!(got.iter().map(|i| i.alarms.len()).sum::<usize>(), 10_000);
    for incident in &got {
        let targets: std::collections::BTreeSet<&str> = incident
            .alarms
            .iter()
            .map(|a| {
                let target = a.key.target.as_str();
                target.split('.').next().unwrap_or(target)
            })
            .collect();
        assert_eq!(targets.len(), 1, "one centre or source per incident");
        assert!(incident.centres.len() <= 1);
        assert!(
            incident
                .alarms
                .windows(2)
                .all(|w| w[0].raised_at <= w[1].raised_at)
        );
    }
    // One alarm on the 330 kV station upstream of everything joins every centre's alarms.
    let mut storm = storm;
    storm.push(record("hot", "SS-330", Severity::Critical, 30));
    let got = group(&storm, &park, 120);
    assert_eq!(got.len(), 1 + sources);
    let big = got
        .iter()
        .find(|i| i.severity == Severity::Critical)
        .expect("joined");
    assert_eq!(big.centres, centres);
    assert_eq!(big.alarms.len(), 8_001);
}
