//! Scenario files, valid and invalid, from `tests/fixtures/scenarios/`. Each invalid fixture
//! starts with `# expect: kind=<kind> line=<n> field=<path>`: the error it must produce.

use std::fs;
use std::path::{Path, PathBuf};
use suangu_core::{ErrorKind, load_str, qingyang};

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/scenarios")
        .join(kind);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

struct Expectation {
    kind: String,
    line: usize,
    field: String,
}

fn expectation(text: &str, file: &Path) -> Expectation {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("# expect: "))
        .unwrap_or_else(|| panic!("{} has no '# expect:' line", file.display()));
    let mut kind = None;
    let mut at = None;
    let mut field = None;
    for pair in line.split_whitespace() {
        match pair.split_once('=') {
            Some(("kind", v)) => kind = Some(v.to_owned()),
            Some(("line", v)) => at = v.parse().ok(),
            Some(("field", v)) => field = Some(v.to_owned()),
            _ => panic!("{}: bad expect pair {pair}", file.display()),
        }
    }
    Expectation {
        kind: kind.expect("kind"),
        line: at.expect("line"),
        field: field.expect("field"),
    }
}

#[test]
fn every_invalid_fixture_names_file_line_field_and_kind() {
    let files = fixtures("invalid");
    assert!(files.len() >= 10, "expected one fixture per error kind");
    let mut kinds_seen = std::collections::BTreeSet::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("fixture readable");
        let want = expectation(&text, &file);
        let name = file.display().to_string();
        let errors = match load_str(&text, &name) {
            Ok(_) => panic!("{name} loaded but should fail with {}", want.kind),
            Err(errors) => errors,
        };
        let first = errors.first().expect("at least one error");
        assert_eq!(first.file, name);
        assert_eq!(first.kind.as_str(), want.kind, "{name}: {first}");
        assert_eq!(first.line, want.line, "{name}: {first}");
        assert_eq!(first.field, want.field, "{name}: {first}");
        assert!(!first.message.is_empty());
        // The one-line form a person reads starts with file:line:column.
        assert!(
            first
                .to_string()
                .starts_with(&format!("{name}:{}:", want.line))
        );
        kinds_seen.insert(first.kind.as_str());
    }
    for kind in [
        ErrorKind::Syntax,
        ErrorKind::UnknownField,
        ErrorKind::WrongType,
        ErrorKind::UnknownReference,
        ErrorKind::NegativeValue,
        ErrorKind::MissingOrigin,
        ErrorKind::DuplicateId,
        ErrorKind::MissingField,
    ] {
        assert!(kinds_seen.contains(kind.as_str()), "no fixture for {kind}");
    }
}

#[test]
fn every_valid_fixture_loads_without_warnings() {
    for file in fixtures("valid") {
        let text = fs::read_to_string(&file).expect("fixture readable");
        let park = load_str(&text, &file.display().to_string())
            .unwrap_or_else(|e| panic!("{} should load: {e}", file.display()));
        assert!(park.warnings().is_empty(), "{:?}", park.warnings());
        assert!(park.centres().count() > 0);
    }
}

#[test]
fn qingyang_totals_match_the_seed_article() {
    let park = qingyang().expect("built-in scenario is valid");
    assert!(park.warnings().is_empty(), "{:?}", park.warnings());
    let t = park.totals();
    // Seed: 11 intelligent-computing centres in operation, nearly 100,000 standard racks.
    assert_eq!(t.centres, 11);
    assert!(
        (95_000.0..=100_000.0).contains(&t.standard_racks),
        "{}",
        t.standard_racks
    );
    // Seed: B01 is planned, 12,000 standard racks, more than 30,000 PFLOPS.
    assert_eq!(t.planned_centres, 1);
    assert_eq!(t.standard_racks_planned, 12_000.0);
    assert!(t.pflops_planned.0 > 30_000.0);
    // Public: more than 66,000 PFLOPS in operation (Aug 2025).
    assert!(t.pflops.0 > 66_000.0);
    // 100,000 standard racks x 2.5 kW is about 250 MW of IT.
    assert!(
        (230.0..=250.0).contains(&t.it_capacity.0),
        "{}",
        t.it_capacity.0
    );
    // Seed: 1 GW green power aggregation.
    assert_eq!(t.green_capacity.0, 1000.0);
    // Seed: 110 kV in service, 330 kV about to be completed (planned).
    let kv_in_service: Vec<(f64, bool)> = t
        .substations
        .iter()
        .map(|s| (s.kv.0, s.in_service))
        .collect();
    assert!(kv_in_service.contains(&(110.0, true)));
    assert!(kv_in_service.contains(&(330.0, false)));
    assert!(!kv_in_service.contains(&(330.0, true)));
    // 17,000 mu (seed) is about 11.3 km2; the bounds hold the park.
    let s = park.scenario();
    assert_eq!(s.park.area_mu.value.0, 17_000.0);
    assert!(s.park.bounds_m[0].0 * s.park.bounds_m[1].0 >= s.park.area_mu.value.to_square_metres());
}

#[test]
fn every_error_of_a_file_is_reported_not_just_the_first() {
    let text = qingyang_with(&[
        (
            "feeder = \"F-201\", side = \"A\" }, { feeder = \"F-203\"",
            "feeder = \"F-999\", side = \"A\" }, { feeder = \"F-203\"",
        ),
        ("zone = \"Z-DC\"", "zone = \"Z-NOPE\""),
    ]);
    let errors = load_str(&text, "broken.toml").expect_err("two broken references");
    assert!(errors.0.len() >= 2, "{errors}");
    assert!(
        errors
            .0
            .iter()
            .all(|e| e.kind == ErrorKind::UnknownReference)
    );
}

fn qingyang_with(replacements: &[(&str, &str)]) -> String {
    let mut text = suangu_core::QINGYANG.to_owned();
    for (from, to) in replacements {
        assert!(text.contains(from), "{from} not in qingyang.toml");
        text = text.replacen(from, to, 1);
    }
    text
}
