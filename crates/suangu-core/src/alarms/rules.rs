//! The alarm rules file (`alarms.toml`): which conditions raise alarms, how severe they are and
//! what they are called in both languages. Checked against the park (series, centres and power
//! chain elements exist) with file, line and field on error, the same way as the data-source
//! file. Format: `docs/alarms.md`.

use crate::Park;
use crate::contingency::Network;
use crate::error::{ErrorKind, Issue, ScenarioErrors};
use crate::load::parse_toml;
use crate::path::FieldPath;
use crate::scenario::Name;
use crate::units::{Mw, Ratio};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The default rule set for the built-in Qingyang park, compiled in like the scenario.
pub const DEFAULT_RULES: &str = include_str!("../../../../assets/config/alarms.toml");
/// The name shown for the default rules in messages.
pub const DEFAULT_RULES_NAME: &str = "assets/config/alarms.toml";

/// The target of park-wide alarms (green share, the park's headroom, `park/...` series).
pub const PARK: &str = "park";

/// How urgent an alarm is; ordered most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Major,
    Minor,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Major => "major",
            Severity::Minor => "minor",
            Severity::Warning => "warning",
        }
    }
}

/// Which side of the set value is abnormal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    Above,
    Below,
}

/// A headroom margin: megawatts, or a share of the IT capacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Margin {
    Mw(Mw),
    OfCapacity(Ratio),
}

/// What a stale rule watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaleSubject {
    /// A park series, e.g. `CM-N01/it_kw`.
    Series(String),
    /// A data source of `suangu.toml`, by its id.
    Source(String),
}

/// A rule's condition, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Raised past `set` (held `delay` long), cleared only past `clear`.
    Threshold {
        series: String,
        direction: Direction,
        set: f64,
        clear: f64,
    },
    /// The series moved more than `max_per_min` (in its unit, either way) per minute between two
    /// consecutive samples.
    Rate { series: String, max_per_min: f64 },
    /// The series or source is stale (the caller says which, see `quality::is_stale`).
    Stale(StaleSubject),
    /// A centre's IT headroom (or the park's, `centre: None`) below the margin.
    Headroom {
        centre: Option<String>,
        margin: Margin,
    },
    /// The park's market-based green share over the caller's window below `min`.
    GreenShare { min: Ratio },
    /// An N-1 contingency would shed more than `min_shed` (one alarm per element); `elements`
    /// restricts the rule to those elements.
    N1 {
        elements: Option<Vec<String>>,
        min_shed: Mw,
    },
}

/// One rule, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub name: Name,
    /// How long the condition must hold before the alarm is raised, in milliseconds.
    pub delay_ms: i64,
    pub condition: Condition,
}

impl Condition {
    /// The kind of rule, as the file names it (`threshold`, `stale`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Condition::Threshold { .. } => Kind::Threshold,
            Condition::Rate { .. } => Kind::Rate,
            Condition::Stale(_) => Kind::Stale,
            Condition::Headroom { .. } => Kind::Headroom,
            Condition::GreenShare { .. } => Kind::GreenShare,
            Condition::N1 { .. } => Kind::N1,
        }
        .as_str()
    }
}

impl Rule {
    /// The asset (or source) the rule's alarm is about; `None` for N-1 rules, whose targets are
    /// the elements that would shed load.
    pub fn target(&self) -> Option<&str> {
        match &self.condition {
            Condition::Threshold { series, .. }
            | Condition::Rate { series, .. }
            | Condition::Stale(StaleSubject::Series(series)) => Some(asset_of(series)),
            Condition::Stale(StaleSubject::Source(source)) => Some(source),
            Condition::Headroom { centre, .. } => Some(centre.as_deref().unwrap_or(PARK)),
            Condition::GreenShare { .. } => Some(PARK),
            Condition::N1 { .. } => None,
        }
    }
}

/// The asset a series belongs to: the part of its name before `/` (`SS-110-2/load_kw` is
/// `SS-110-2`'s, `park/green_share` the park's).
pub fn asset_of(series: &str) -> &str {
    series.split('/').next().unwrap_or(series)
}

/// A whole rules file, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    pub park: String,
    /// An alarm raised more than this many times within `flap_window_s` is flapping.
    pub flap_count: u32,
    pub flap_window_s: u32,
    pub rules: Vec<Rule>,
    /// The checklist for each kind of alarm (by [`Condition::kind`]), steps in order.
    pub procedures: BTreeMap<&'static str, Vec<Name>>,
}

impl Rules {
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// What the duty officer does for an alarm of `rule`: its kind's checklist (empty when the
    /// file gives none for that kind).
    pub fn procedure(&self, rule: &Rule) -> &[Name] {
        self.procedures
            .get(rule.condition.kind())
            .map_or(&[], Vec::as_slice)
    }
}

/// The file as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    park: String,
    #[serde(default = "flap_count")]
    flap_count: u32,
    #[serde(default = "flap_window_s")]
    flap_window_s: u32,
    #[serde(default)]
    rules: Vec<RuleSpec>,
    /// Checklists by kind: `threshold = [{ zh = "...", en = "..." }, ...]`.
    #[serde(default)]
    procedures: BTreeMap<Kind, Vec<Name>>,
}

fn flap_count() -> u32 {
    5
}

fn flap_window_s() -> u32 {
    600
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Threshold,
    Rate,
    Stale,
    Headroom,
    GreenShare,
    N1,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Threshold => "threshold",
            Kind::Rate => "rate",
            Kind::Stale => "stale",
            Kind::Headroom => "headroom",
            Kind::GreenShare => "green_share",
            Kind::N1 => "n1",
        }
    }

    /// The optional fields this kind takes (beside id, kind, severity, name and delay_s).
    fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Threshold => &["series", "direction", "set", "clear"],
            Kind::Rate => &["series", "max_per_min"],
            Kind::Stale => &["series", "source"],
            Kind::Headroom => &["centre", "margin_mw", "margin_ratio"],
            Kind::GreenShare => &["min_share"],
            Kind::N1 => &["elements", "min_shed_mw"],
        }
    }
}

/// One rule as written: every kind's fields, each checked against the kind.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    kind: Kind,
    severity: Severity,
    name: Name,
    delay_s: Option<f64>,
    series: Option<String>,
    source: Option<String>,
    centre: Option<String>,
    direction: Option<Direction>,
    set: Option<f64>,
    clear: Option<f64>,
    max_per_min: Option<f64>,
    margin_mw: Option<f64>,
    margin_ratio: Option<f64>,
    min_share: Option<f64>,
    min_shed_mw: Option<f64>,
    elements: Option<Vec<String>>,
}

impl RuleSpec {
    fn given(&self) -> [(&'static str, bool); 12] {
        [
            ("series", self.series.is_some()),
            ("source", self.source.is_some()),
            ("centre", self.centre.is_some()),
            ("direction", self.direction.is_some()),
            ("set", self.set.is_some()),
            ("clear", self.clear.is_some()),
            ("max_per_min", self.max_per_min.is_some()),
            ("margin_mw", self.margin_mw.is_some()),
            ("margin_ratio", self.margin_ratio.is_some()),
            ("min_share", self.min_share.is_some()),
            ("min_shed_mw", self.min_shed_mw.is_some()),
            ("elements", self.elements.is_some()),
        ]
    }
}

/// Parse and check a rules file against the park and its series (the names the engine records,
/// `suangu_engine::raw::park_series`: `park/it_kw`, `CM-N01/it_kw`, `SS-110-1/load_kw`, ...).
/// `file` is only used in messages.
pub fn load_rules(
    text: &str,
    file: &str,
    park: &Park,
    series: &[String],
) -> Result<Rules, ScenarioErrors> {
    let parsed = parse_toml::<RulesFile>(text, file)?;
    let mut issues = Vec::new();
    let rules = check(&parsed.value, park, series, &mut issues);
    if issues.is_empty() {
        Ok(rules)
    } else {
        Err(ScenarioErrors(parsed.place(issues)))
    }
}

struct Known<'a> {
    series: HashSet<&'a str>,
    centres: HashSet<&'a str>,
    elements: HashSet<String>,
}

fn check(file: &RulesFile, park: &Park, series: &[String], issues: &mut Vec<Issue>) -> Rules {
    let root = FieldPath::root();
    let park_id = park.scenario().park.id.as_str();
    if file.park != park_id {
        issues.push(Issue::new(
            root.key("park"),
            ErrorKind::UnknownReference,
            format!(
                "this file is for park {:?}, the scenario is {park_id:?}",
                file.park
            ),
        ));
    }
    if file.flap_count == 0 {
        issues.push(Issue::new(
            root.key("flap_count"),
            ErrorKind::Inconsistent,
            "flap_count 0: at least 1 raise in the window",
        ));
    }
    if !(1..=86_400).contains(&file.flap_window_s) {
        issues.push(Issue::new(
            root.key("flap_window_s"),
            ErrorKind::Inconsistent,
            format!("flap_window_s {}: 1 s to a day", file.flap_window_s),
        ));
    }
    let known = Known {
        series: series.iter().map(String::as_str).collect(),
        centres: park.centres().map(|c| c.id.as_str()).collect(),
        elements: Network::of(park).ids().map(str::to_owned).collect(),
    };
    let mut ids = HashSet::new();
    let mut rules = Vec::new();
    for (i, spec) in file.rules.iter().enumerate() {
        let at = root.key("rules").index(i);
        if !ids.insert(spec.id.as_str()) {
            issues.push(Issue::new(
                at.key("id"),
                ErrorKind::DuplicateId,
                format!("rule id {:?} is used twice", spec.id),
            ));
        }
        if let Some(rule) = check_rule(spec, &at, &known, issues) {
            rules.push(rule);
        }
    }
    let mut procedures = BTreeMap::new();
    for (kind, steps) in &file.procedures {
        let at = root.key("procedures").key(kind.as_str());
        if steps.is_empty() {
            issues.push(Issue::new(
                at.clone(),
                ErrorKind::Inconsistent,
                "an empty checklist: give its steps, or leave the kind out",
            ));
        }
        for (i, step) in steps.iter().enumerate() {
            if step.zh.trim().is_empty() || step.en.trim().is_empty() {
                issues.push(Issue::new(
                    at.index(i),
                    ErrorKind::Inconsistent,
                    "a step needs its text in both languages (zh and en)",
                ));
            }
        }
        procedures.insert(kind.as_str(), steps.clone());
    }
    Rules {
        park: file.park.clone(),
        flap_count: file.flap_count,
        flap_window_s: file.flap_window_s,
        rules,
        procedures,
    }
}

fn check_rule(
    spec: &RuleSpec,
    at: &FieldPath,
    known: &Known,
    issues: &mut Vec<Issue>,
) -> Option<Rule> {
    let before = issues.len();
    let mut issue = |field: &str, kind: ErrorKind, message: String| {
        issues.push(Issue::new(at.key(field), kind, message));
    };
    let valid_id = !spec.id.is_empty()
        && spec.id.len() <= 64
        && spec
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !valid_id {
        issue(
            "id",
            ErrorKind::Inconsistent,
            format!("id {:?}: 1-64 of A-Z a-z 0-9 - _ .", spec.id),
        );
    }
    if spec.name.zh.trim().is_empty() || spec.name.en.trim().is_empty() {
        issue(
            "name",
            ErrorKind::MissingField,
            "a rule is named in both languages: name = { zh = \"...\", en = \"...\" }".into(),
        );
    }
    let allowed = spec.kind.fields();
    for (field, given) in spec.given() {
        if given && !allowed.contains(&field) {
            issue(
                field,
                ErrorKind::Inconsistent,
                format!(
                    "{field} is not for a {} rule (it takes {})",
                    spec.kind.as_str(),
                    allowed.join(", ")
                ),
            );
        }
    }
    let delay_s = spec.delay_s.unwrap_or(0.0);
    if !(delay_s.is_finite() && (0.0..=86_400.0).contains(&delay_s)) {
        issue(
            "delay_s",
            ErrorKind::Inconsistent,
            format!("delay_s {delay_s}: 0 s to a day"),
        );
    }
    let mut missing = |field: &str| {
        issue(
            field,
            ErrorKind::MissingField,
            format!("a {} rule needs {field}", spec.kind.as_str()),
        )
    };
    let condition = match spec.kind {
        Kind::Threshold => match (&spec.series, spec.set, spec.clear) {
            (Some(series), Some(set), Some(clear)) => Some(Condition::Threshold {
                series: series.clone(),
                direction: spec.direction.unwrap_or_default(),
                set,
                clear,
            }),
            (series, set, _) => {
                missing(if series.is_none() {
                    "series"
                } else if set.is_none() {
                    "set"
                } else {
                    "clear"
                });
                None
            }
        },
        Kind::Rate => match (&spec.series, spec.max_per_min) {
            (Some(series), Some(max_per_min)) => Some(Condition::Rate {
                series: series.clone(),
                max_per_min,
            }),
            (series, _) => {
                missing(if series.is_none() {
                    "series"
                } else {
                    "max_per_min"
                });
                None
            }
        },
        Kind::Stale => match (&spec.series, &spec.source) {
            (Some(series), None) => Some(Condition::Stale(StaleSubject::Series(series.clone()))),
            (None, Some(source)) => Some(Condition::Stale(StaleSubject::Source(source.clone()))),
            (Some(_), Some(_)) => {
                issue(
                    "source",
                    ErrorKind::Inconsistent,
                    "a stale rule watches a series or a source, not both".into(),
                );
                None
            }
            (None, None) => {
                missing("series");
                None
            }
        },
        Kind::Headroom => match (spec.margin_mw, spec.margin_ratio) {
            (Some(mw), None) => Some(Margin::Mw(Mw(mw))),
            (None, Some(ratio)) => Some(Margin::OfCapacity(Ratio(ratio))),
            (Some(_), Some(_)) => {
                issue(
                    "margin_ratio",
                    ErrorKind::Inconsistent,
                    "give margin_mw or margin_ratio, not both".into(),
                );
                None
            }
            (None, None) => {
                missing("margin_mw");
                None
            }
        }
        .map(|margin| Condition::Headroom {
            centre: spec.centre.clone(),
            margin,
        }),
        Kind::GreenShare => match spec.min_share {
            Some(min) => Some(Condition::GreenShare { min: Ratio(min) }),
            None => {
                missing("min_share");
                None
            }
        },
        Kind::N1 => Some(Condition::N1 {
            elements: spec.elements.clone(),
            min_shed: Mw(spec.min_shed_mw.unwrap_or(0.0)),
        }),
    };
    if let Some(condition) = &condition {
        check_condition(condition, known, &mut issue);
    }
    let condition = condition?;
    (issues.len() == before).then(|| Rule {
        id: spec.id.clone(),
        severity: spec.severity,
        name: spec.name.clone(),
        // Checked above: finite, 0 to a day.
        delay_ms: (delay_s * 1000.0).round() as i64,
        condition,
    })
}

fn check_condition(
    condition: &Condition,
    known: &Known,
    issue: &mut impl FnMut(&str, ErrorKind, String),
) {
    let mut series_known = |series: &str| {
        if !known.series.contains(series) {
            issue(
                "series",
                ErrorKind::UnknownReference,
                format!(
                    "no series {series:?} in this park (series look like park/it_kw, \
                     park/green_share, CM-N01/it_kw, SS-110-1/load_kw)"
                ),
            );
        }
    };
    match condition {
        Condition::Threshold {
            series,
            direction,
            set,
            clear,
        } => {
            series_known(series);
            if !(set.is_finite() && clear.is_finite()) {
                issue(
                    "set",
                    ErrorKind::Inconsistent,
                    format!("set {set} and clear {clear}: finite numbers"),
                );
            } else {
                let ordered = match direction {
                    Direction::Above => clear < set,
                    Direction::Below => clear > set,
                };
                if !ordered {
                    let word = match direction {
                        Direction::Above => "below",
                        Direction::Below => "above",
                    };
                    issue(
                        "clear",
                        ErrorKind::Inconsistent,
                        format!(
                            "clear {clear} must be {word} set {set} (hysteresis: a value between \
                             them neither raises nor clears)"
                        ),
                    );
                }
            }
        }
        Condition::Rate {
            series,
            max_per_min,
        } => {
            series_known(series);
            if !(max_per_min.is_finite() && *max_per_min > 0.0) {
                issue(
                    "max_per_min",
                    ErrorKind::Inconsistent,
                    format!("max_per_min {max_per_min}: a finite change above 0"),
                );
            }
        }
        Condition::Stale(StaleSubject::Series(series)) => series_known(series),
        Condition::Stale(StaleSubject::Source(source)) => {
            if source.trim().is_empty() {
                issue(
                    "source",
                    ErrorKind::Inconsistent,
                    "source names no data source (an id of suangu.toml)".into(),
                );
            }
        }
        Condition::Headroom { centre, margin } => {
            if let Some(centre) = centre
                && !known.centres.contains(centre.as_str())
            {
                issue(
                    "centre",
                    ErrorKind::UnknownReference,
                    format!("no centre {centre:?} in this park (leave centre out for the park)"),
                );
            }
            match margin {
                Margin::Mw(Mw(mw)) if !(mw.is_finite() && *mw >= 0.0) => issue(
                    "margin_mw",
                    ErrorKind::Inconsistent,
                    format!("margin_mw {mw}: a finite number of MW, at least 0"),
                ),
                Margin::OfCapacity(Ratio(r)) if !(0.0..=1.0).contains(r) => issue(
                    "margin_ratio",
                    ErrorKind::Inconsistent,
                    format!("margin_ratio {r}: a share of capacity, 0 to 1"),
                ),
                _ => {}
            }
        }
        Condition::GreenShare { min: Ratio(min) } => {
            if !(0.0..=1.0).contains(min) {
                issue(
                    "min_share",
                    ErrorKind::Inconsistent,
                    format!("min_share {min}: a share, 0 to 1"),
                );
            }
        }
        Condition::N1 { elements, min_shed } => {
            if !(min_shed.0.is_finite() && min_shed.0 >= 0.0) {
                issue(
                    "min_shed_mw",
                    ErrorKind::Inconsistent,
                    format!(
                        "min_shed_mw {}: a finite number of MW, at least 0",
                        min_shed.0
                    ),
                );
            }
            for id in elements.iter().flatten() {
                if !known.elements.contains(id) {
                    issue(
                        "elements",
                        ErrorKind::UnknownReference,
                        format!(
                            "no element {id:?} in this park's power chain (substations, \
                             transformers, feeders, cooling plants)"
                        ),
                    );
                }
            }
        }
    }
}
