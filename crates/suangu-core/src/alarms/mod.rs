//! Alarm rules, evaluated purely (issue 11): the rules file ([`rules`]), the evaluator, a state
//! machine in the OPC UA / ISA-18.2 style ([`eval`]: raise after a delay, deduplicate, clear with
//! hysteresis, flap suppression, shelving with expiry, acknowledgement), and the grouping of
//! alarms into incidents along the power chain ([`incidents`]).
//!
//! Pure: no I/O, no clock (every operation takes `now`), deterministic, and no input makes it
//! panic (a NaN never raises a threshold alarm; staleness and quality have their own rules).

pub mod eval;
pub mod incidents;
pub mod rules;

pub use eval::{
    ActionError, AlarmView, Alarms, Change, ChangeKind, Headroom, Inputs, N1Loss, Sample,
};
pub use incidents::{AlarmRecord, Incident, group};
pub use rules::{
    Condition, DEFAULT_RULES, DEFAULT_RULES_NAME, Direction, Margin, PARK, Rule, Rules, Severity,
    StaleSubject, load_rules,
};

use std::fmt;

/// An alarm's identity: the rule and the asset (or source) it is about. One rule raises at most
/// one alarm per target at a time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AlarmKey {
    pub rule: String,
    pub target: String,
}

impl AlarmKey {
    pub fn new(rule: &str, target: &str) -> Self {
        Self {
            rule: rule.to_owned(),
            target: target.to_owned(),
        }
    }
}

impl fmt::Display for AlarmKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.rule, self.target)
    }
}
