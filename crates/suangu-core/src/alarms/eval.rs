//! The evaluator: one state machine per alarm (rule, target), OPC UA / ISA-18.2 style.
//!
//! - An alarm is raised once when its condition starts and has held for the rule's delay; while
//!   active it is never raised again (its last value and count update).
//! - It clears when the condition is gone (a threshold: only past its clear value).
//! - Raised more than `flap_count` times within `flap_window_s`, it is *flapping*: one change
//!   says so and its raises and clears are not announced until it has been quiet (no transition)
//!   for `flap_window_s`; one change says it recovered.
//! - A shelved alarm is taken off the announced list and its changes are not announced (its
//!   state is still tracked); when the shelf expires (or is taken off), an alarm still active is
//!   announced again.
//! - Acknowledgement is per occurrence: a new raise needs a new acknowledgement, and an alarm that
//!   clears unacknowledged stays listed until it is acknowledged.
//!
//! Announced raises and clears of one alarm alternate, starting with a raise (a shelving counts
//! as taking the alarm off the list, like a clear). Time is always an
//! argument; a clock going backwards is tolerated (delays and windows then simply do not elapse).

use super::AlarmKey;
use super::rules::{Condition, Direction, Margin, PARK, Rule, Rules, Severity, StaleSubject};
use crate::scenario::Name;
use crate::units::{Mw, Ratio};
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// One series' newest sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// When it was measured (rate rules divide by the time between samples).
    pub at: Timestamp,
    pub value: f64,
}

/// IT headroom of a centre or of the park.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Headroom {
    pub headroom: Mw,
    /// The IT capacity it is a share of (for `margin_ratio`).
    pub capacity: Mw,
}

/// An N-1 contingency that sheds load: the element lost and the IT shed.
#[derive(Debug, Clone, PartialEq)]
pub struct N1Loss {
    pub element: String,
    pub shed: Mw,
}

/// What the caller knows at one evaluation. What it leaves out is not evaluated: the alarms it
/// would decide keep their state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// The newest sample of each series, by name (`SS-110-1/load_kw`).
    pub samples: BTreeMap<String, Sample>,
    /// Series that are stale now (`quality::is_stale`).
    pub stale_series: BTreeSet<String>,
    /// Data sources (ids of `suangu.toml`) that are silent now.
    pub stale_sources: BTreeSet<String>,
    /// Headroom by centre id; the park's under [`PARK`].
    pub headroom: BTreeMap<String, Headroom>,
    /// The park's market-based green share over the caller's window.
    pub green_share: Option<Ratio>,
    /// Every N-1 contingency that sheds load, when N-1 was evaluated.
    pub n1: Option<Vec<N1Loss>>,
}

/// What happened to an alarm.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeKind {
    Raised,
    Cleared,
    /// Raised too often: its raises and clears are held back.
    Flapping,
    /// Quiet again: back to normal announcements.
    FlapEnded,
    Acknowledged {
        by: String,
    },
    Shelved {
        until: Timestamp,
        by: String,
    },
    /// Off the shelf: by an operator, or `None` when the shelf expired.
    Unshelved {
        by: Option<String>,
    },
}

impl ChangeKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeKind::Raised => "raised",
            ChangeKind::Cleared => "cleared",
            ChangeKind::Flapping => "flapping",
            ChangeKind::FlapEnded => "flap_ended",
            ChangeKind::Acknowledged { .. } => "acknowledged",
            ChangeKind::Shelved { .. } => "shelved",
            ChangeKind::Unshelved { .. } => "unshelved",
        }
    }
}

/// One announced change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub key: AlarmKey,
    pub at: Timestamp,
    pub kind: ChangeKind,
    pub severity: Severity,
    /// The last value that decided it (a series value, a rate per minute, headroom MW, a share,
    /// shed MW), if any.
    pub value: Option<f64>,
}

/// Who acknowledged an occurrence, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub by: String,
    pub at: Timestamp,
}

/// A listed alarm: active, or cleared and not yet acknowledged.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmView {
    pub key: AlarmKey,
    pub severity: Severity,
    pub name: Name,
    pub active: bool,
    /// When the current (or last) occurrence was raised.
    pub raised_at: Timestamp,
    pub cleared_at: Option<Timestamp>,
    pub acknowledged: Option<Ack>,
    pub shelved_until: Option<Timestamp>,
    pub flapping: bool,
    pub last_value: Option<f64>,
    /// How many times it has been raised.
    pub count: u32,
}

/// Why an operator action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    #[error("no alarm {0}")]
    UnknownAlarm(AlarmKey),
    #[error("alarm {0} is not raised: nothing to acknowledge")]
    NotRaised(AlarmKey),
    #[error("alarm {key} was already acknowledged by {by} at {at}")]
    AlreadyAcknowledged {
        key: AlarmKey,
        by: String,
        at: Timestamp,
    },
    #[error("shelving {key} until {until}: that is not after now ({now})")]
    ExpiryInPast {
        key: AlarmKey,
        until: Timestamp,
        now: Timestamp,
    },
    #[error("alarm {0} is not shelved")]
    NotShelved(AlarmKey),
    #[error("an operator action needs the operator's name")]
    NoOperator,
}

/// The state of one alarm.
#[derive(Debug, Clone)]
struct Instance {
    rule: usize,
    /// The condition as evaluated (the alarm is active).
    active: bool,
    /// What operators were last told: raised (true) or cleared (false).
    announced: bool,
    pending_since: Option<Timestamp>,
    raised_at: Option<Timestamp>,
    cleared_at: Option<Timestamp>,
    last_value: Option<f64>,
    count: u32,
    acked: Option<Ack>,
    shelved: Option<Timestamp>,
    flapping: bool,
    /// Recent raises, oldest first (at most `flap_count + 1`).
    raises: VecDeque<Timestamp>,
    last_transition: Option<Timestamp>,
}

impl Instance {
    fn new(rule: usize) -> Self {
        Self {
            rule,
            active: false,
            announced: false,
            pending_since: None,
            raised_at: None,
            cleared_at: None,
            last_value: None,
            count: 0,
            acked: None,
            shelved: None,
            flapping: false,
            raises: VecDeque::new(),
            last_transition: None,
        }
    }

    fn suppressed(&self) -> bool {
        self.shelved.is_some() || self.flapping
    }

    /// Listed: active, or cleared and not acknowledged.
    fn listed(&self) -> bool {
        self.raised_at.is_some() && (self.active || self.acked.is_none())
    }
}

/// One look at a condition.
#[derive(Debug, Clone, Copy)]
enum Look {
    /// Not known this time (no sample, NaN): the alarm keeps its state; a pending delay restarts.
    Unknown,
    Known {
        /// Abnormal: raise (after the delay) if not active.
        raise: bool,
        /// Normal again: clear if active. A threshold between set and clear is neither.
        clear: bool,
        value: Option<f64>,
    },
}

impl Look {
    fn plain(abnormal: bool, value: Option<f64>) -> Self {
        Look::Known {
            raise: abnormal,
            clear: !abnormal,
            value,
        }
    }
}

/// Milliseconds from `from` to `to` (negative when the clock went back).
fn ms_between(from: Timestamp, to: Timestamp) -> i64 {
    to.as_millisecond().saturating_sub(from.as_millisecond())
}

/// The alarms of one park under one rule set.
#[derive(Debug, Clone)]
pub struct Alarms {
    rules: Rules,
    instances: BTreeMap<AlarmKey, Instance>,
    /// Each rate rule's previous finite sample.
    previous: Vec<Option<Sample>>,
}

impl Alarms {
    pub fn new(rules: Rules) -> Self {
        let previous = vec![None; rules.rules.len()];
        Self {
            rules,
            instances: BTreeMap::new(),
            previous,
        }
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Evaluate every rule on `inputs` at `now`; the changes to announce, in a stable order.
    pub fn evaluate(&mut self, inputs: &Inputs, now: Timestamp) -> Vec<Change> {
        let mut changes = Vec::new();
        self.housekeep(now, &mut changes);
        for index in 0..self.rules.rules.len() {
            for (target, look) in self.look(index, inputs) {
                let key = AlarmKey {
                    rule: self.rules.rules[index].id.clone(),
                    target,
                };
                let exists = self.instances.contains_key(&key);
                // An alarm is only kept once its condition has been abnormal.
                if !exists && !matches!(look, Look::Known { raise: true, .. }) {
                    continue;
                }
                let instance = self
                    .instances
                    .entry(key.clone())
                    .or_insert_with(|| Instance::new(index));
                step(&self.rules, &key, instance, look, now, &mut changes);
            }
        }
        changes
    }

    /// Shelves that expired, flapping that calmed down, and announcements catching up with the
    /// real state of alarms no longer held back.
    fn housekeep(&mut self, now: Timestamp, changes: &mut Vec<Change>) {
        let window_ms = i64::from(self.rules.flap_window_s) * 1000;
        for (key, instance) in &mut self.instances {
            let severity = self.rules.rules[instance.rule].severity;
            let change = |kind: ChangeKind, value: Option<f64>| Change {
                key: key.clone(),
                at: now,
                kind,
                severity,
                value,
            };
            if instance.shelved.is_some_and(|until| now >= until) {
                instance.shelved = None;
                // Still flapping: said again, since the shelf may have hidden it.
                changes.push(change(ChangeKind::Unshelved { by: None }, None));
                if instance.flapping {
                    changes.push(change(ChangeKind::Flapping, instance.last_value));
                }
            }
            let quiet = instance
                .last_transition
                .is_none_or(|t| ms_between(t, now) >= window_ms);
            if instance.flapping && quiet {
                instance.flapping = false;
                instance.raises.clear();
                if instance.shelved.is_none() {
                    changes.push(change(ChangeKind::FlapEnded, instance.last_value));
                }
            }
            if !instance.suppressed() && instance.announced != instance.active {
                instance.announced = instance.active;
                let kind = if instance.active {
                    ChangeKind::Raised
                } else {
                    ChangeKind::Cleared
                };
                changes.push(change(kind, instance.last_value));
            }
        }
    }

    /// Rule `index` on `inputs`: a look per target.
    fn look(&mut self, index: usize, inputs: &Inputs) -> Vec<(String, Look)> {
        let rule = &self.rules.rules[index];
        let target = rule.target().unwrap_or(PARK).to_owned();
        let look = match &rule.condition {
            Condition::Threshold {
                series,
                direction,
                set,
                clear,
            } => match inputs.samples.get(series) {
                Some(s) if s.value.is_finite() => {
                    let v = s.value;
                    let (raise, clear) = match direction {
                        Direction::Above => (v > *set, v < *clear),
                        Direction::Below => (v < *set, v > *clear),
                    };
                    Look::Known {
                        raise,
                        clear,
                        value: Some(v),
                    }
                }
                _ => Look::Unknown,
            },
            Condition::Rate {
                series,
                max_per_min,
            } => {
                let previous = self.previous.get_mut(index);
                match (inputs.samples.get(series), previous) {
                    (Some(s), Some(previous)) if s.value.is_finite() => {
                        let look = match *previous {
                            Some(p) if s.at > p.at => {
                                let minutes = ms_between(p.at, s.at) as f64 / 60_000.0;
                                let per_min = (s.value - p.value) / minutes;
                                Look::plain(per_min.abs() > *max_per_min, Some(per_min))
                            }
                            // The same sample again, or an older one: nothing new.
                            _ => Look::Unknown,
                        };
                        if previous.is_none_or(|p| s.at > p.at) {
                            *previous = Some(*s);
                        }
                        look
                    }
                    _ => Look::Unknown,
                }
            }
            Condition::Stale(StaleSubject::Series(series)) => {
                Look::plain(inputs.stale_series.contains(series), None)
            }
            Condition::Stale(StaleSubject::Source(source)) => {
                Look::plain(inputs.stale_sources.contains(source), None)
            }
            Condition::Headroom { margin, .. } => match inputs.headroom.get(&target) {
                Some(h) if h.headroom.0.is_finite() && h.capacity.0.is_finite() => {
                    let margin = match margin {
                        Margin::Mw(mw) => mw.0,
                        Margin::OfCapacity(r) => r.0 * h.capacity.0,
                    };
                    Look::plain(h.headroom.0 < margin, Some(h.headroom.0))
                }
                _ => Look::Unknown,
            },
            Condition::GreenShare { min } => match inputs.green_share {
                Some(share) if share.0.is_finite() => Look::plain(share.0 < min.0, Some(share.0)),
                _ => Look::Unknown,
            },
            Condition::N1 { elements, min_shed } => {
                let Some(losses) = &inputs.n1 else {
                    return Vec::new();
                };
                let mut looks: BTreeMap<String, Look> = BTreeMap::new();
                for loss in losses {
                    let wanted = elements.as_ref().is_none_or(|e| e.contains(&loss.element));
                    if wanted && loss.shed.0 > min_shed.0 {
                        looks.insert(loss.element.clone(), Look::plain(true, Some(loss.shed.0)));
                    }
                }
                // Elements no longer in the list are fine again.
                let id = &rule.id;
                for key in self.instances.keys().filter(|k| &k.rule == id) {
                    looks
                        .entry(key.target.clone())
                        .or_insert(Look::plain(false, Some(0.0)));
                }
                return looks.into_iter().collect();
            }
        };
        vec![(target, look)]
    }

    fn instance(&self, key: &AlarmKey) -> Result<&Instance, ActionError> {
        self.instances
            .get(key)
            .ok_or_else(|| ActionError::UnknownAlarm(key.clone()))
    }

    fn change(
        &self,
        key: &AlarmKey,
        instance: &Instance,
        kind: ChangeKind,
        now: Timestamp,
    ) -> Change {
        Change {
            key: key.clone(),
            at: now,
            kind,
            severity: self.rules.rules[instance.rule].severity,
            value: instance.last_value,
        }
    }

    /// Acknowledge the alarm's current occurrence (active, or cleared and not yet acknowledged).
    pub fn acknowledge(
        &mut self,
        key: &AlarmKey,
        by: &str,
        now: Timestamp,
    ) -> Result<Change, ActionError> {
        operator(by)?;
        let instance = self.instance(key)?;
        if instance.raised_at.is_none() {
            return Err(ActionError::NotRaised(key.clone()));
        }
        if let Some(ack) = &instance.acked {
            return Err(ActionError::AlreadyAcknowledged {
                key: key.clone(),
                by: ack.by.clone(),
                at: ack.at,
            });
        }
        let change = self.change(
            key,
            instance,
            ChangeKind::Acknowledged { by: by.to_owned() },
            now,
        );
        if let Some(instance) = self.instances.get_mut(key) {
            instance.acked = Some(Ack {
                by: by.to_owned(),
                at: now,
            });
        }
        Ok(change)
    }

    /// Shelve the alarm until `until` (after `now`); shelving again moves the expiry.
    pub fn shelve(
        &mut self,
        key: &AlarmKey,
        until: Timestamp,
        by: &str,
        now: Timestamp,
    ) -> Result<Change, ActionError> {
        operator(by)?;
        let instance = self.instance(key)?;
        if until <= now {
            return Err(ActionError::ExpiryInPast {
                key: key.clone(),
                until,
                now,
            });
        }
        let change = self.change(
            key,
            instance,
            ChangeKind::Shelved {
                until,
                by: by.to_owned(),
            },
            now,
        );
        if let Some(instance) = self.instances.get_mut(key) {
            instance.shelved = Some(until);
            // Off the operators' list until the shelf ends: then, if still active, it is
            // announced again.
            instance.announced = false;
        }
        Ok(change)
    }

    /// Take the alarm off the shelf; the next evaluation announces its state if it differs from
    /// what was last announced.
    pub fn unshelve(
        &mut self,
        key: &AlarmKey,
        by: &str,
        now: Timestamp,
    ) -> Result<Change, ActionError> {
        operator(by)?;
        let instance = self.instance(key)?;
        if instance.shelved.is_none() {
            return Err(ActionError::NotShelved(key.clone()));
        }
        let change = self.change(
            key,
            instance,
            ChangeKind::Unshelved {
                by: Some(by.to_owned()),
            },
            now,
        );
        if let Some(instance) = self.instances.get_mut(key) {
            instance.shelved = None;
        }
        Ok(change)
    }

    /// The listed alarms (active, or cleared and unacknowledged; shelved ones too, marked), most
    /// severe first, then newest first.
    pub fn active(&self) -> Vec<AlarmView> {
        let mut out: Vec<AlarmView> = self
            .instances
            .iter()
            .filter(|(_, i)| i.listed())
            .filter_map(|(key, i)| {
                let rule = &self.rules.rules[i.rule];
                Some(AlarmView {
                    key: key.clone(),
                    severity: rule.severity,
                    name: rule.name.clone(),
                    active: i.active,
                    raised_at: i.raised_at?,
                    cleared_at: i.cleared_at,
                    acknowledged: i.acked.clone(),
                    shelved_until: i.shelved,
                    flapping: i.flapping,
                    last_value: i.last_value,
                    count: i.count,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            a.severity
                .cmp(&b.severity)
                .then(b.raised_at.cmp(&a.raised_at))
                .then(a.key.cmp(&b.key))
        });
        out
    }
}

fn operator(by: &str) -> Result<(), ActionError> {
    if by.trim().is_empty() {
        Err(ActionError::NoOperator)
    } else {
        Ok(())
    }
}

/// One look applied to one alarm.
fn step(
    rules: &Rules,
    key: &AlarmKey,
    instance: &mut Instance,
    look: Look,
    now: Timestamp,
    changes: &mut Vec<Change>,
) {
    let rule: &Rule = &rules.rules[instance.rule];
    let Look::Known {
        raise,
        clear,
        value,
    } = look
    else {
        instance.pending_since = None;
        return;
    };
    if value.is_some() {
        instance.last_value = value;
    }
    let mut announce = |instance: &mut Instance, kind: ChangeKind| {
        changes.push(Change {
            key: key.clone(),
            at: now,
            kind,
            severity: rule.severity,
            value: instance.last_value,
        });
    };
    if instance.active {
        if clear {
            instance.active = false;
            instance.cleared_at = Some(now);
            instance.last_transition = Some(now);
            if !instance.suppressed() {
                instance.announced = false;
                announce(instance, ChangeKind::Cleared);
            }
        }
        return;
    }
    if !raise {
        instance.pending_since = None;
        return;
    }
    let since = *instance.pending_since.get_or_insert(now);
    if ms_between(since, now) < rule.delay_ms {
        return;
    }
    instance.pending_since = None;
    instance.active = true;
    instance.raised_at = Some(now);
    instance.cleared_at = None;
    instance.acked = None;
    instance.count = instance.count.saturating_add(1);
    instance.last_transition = Some(now);
    let window_ms = i64::from(rules.flap_window_s) * 1000;
    instance.raises.push_back(now);
    while instance
        .raises
        .front()
        .is_some_and(|t| ms_between(*t, now) > window_ms)
        || instance.raises.len() > rules.flap_count as usize + 1
    {
        instance.raises.pop_front();
    }
    if !instance.flapping && instance.raises.len() > rules.flap_count as usize {
        instance.flapping = true;
        if instance.shelved.is_none() {
            announce(instance, ChangeKind::Flapping);
        }
    } else if !instance.suppressed() {
        instance.announced = true;
        announce(instance, ChangeKind::Raised);
    }
}
