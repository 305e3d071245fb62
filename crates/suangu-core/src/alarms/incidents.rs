//! Incidents: alarms that belong together. Two alarms are related when their targets touch a
//! common centre through the power chain (the centre itself or one of its cooling plants or
//! racks, a feeder feeding it, the transformer of such a feeder, its substation or any station
//! or grid connection upstream) — or when they have the same target. Related alarms raised within
//! `window_s` of each other (chained: A near B near C) form one incident.
//!
//! O(n log n): the alarms are sorted by raise time once, then each is joined (union-find) with the
//! latest earlier alarm on each centre it touches.

use super::AlarmKey;
use super::rules::Severity;
use crate::Park;
use jiff::Timestamp;
use std::collections::HashMap;

/// What grouping needs of an alarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmRecord {
    pub key: AlarmKey,
    pub severity: Severity,
    pub raised_at: Timestamp,
}

/// Alarms that belong together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// The first raise.
    pub first_raised: Timestamp,
    /// The most severe of its alarms.
    pub severity: Severity,
    /// Its alarms, in raise order.
    pub alarms: Vec<AlarmRecord>,
    /// The centres its alarms touch, in scenario order.
    pub centres: Vec<String>,
}

/// Group alarms into incidents, ordered by first raise.
pub fn group(alarms: &[AlarmRecord], park: &Park, window_s: u64) -> Vec<Incident> {
    let chain = Chain::of(park);
    let window_ms = i64::try_from(window_s.saturating_mul(1000)).unwrap_or(i64::MAX);
    // Nodes: the park's centres, then each other target met, by name.
    let mut others: HashMap<&str, usize> = HashMap::new();
    let nodes: Vec<Vec<usize>> = alarms
        .iter()
        .map(|a| match chain.centres_of(&a.key.target) {
            Some(centres) => centres.to_vec(),
            None => {
                let next = chain.centre_ids.len() + others.len();
                vec![*others.entry(a.key.target.as_str()).or_insert(next)]
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..alarms.len()).collect();
    order.sort_by_key(|&i| (alarms[i].raised_at, i));

    let mut sets = UnionFind::new(alarms.len());
    let mut latest: Vec<Option<usize>> = vec![None; chain.centre_ids.len() + others.len()];
    for &i in &order {
        for &node in &nodes[i] {
            if let Some(slot) = latest.get_mut(node) {
                if let Some(j) = *slot {
                    let gap = alarms[i]
                        .raised_at
                        .as_millisecond()
                        .saturating_sub(alarms[j].raised_at.as_millisecond());
                    if gap <= window_ms {
                        sets.union(i, j);
                    }
                }
                *slot = Some(i);
            }
        }
    }

    // Incidents in order of their first alarm; alarms in raise order.
    let mut incident_of: HashMap<usize, usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for &i in &order {
        let root = sets.find(i);
        let at = *incident_of.entry(root).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[at].push(i);
    }
    members
        .into_iter()
        .filter_map(|list| {
            let first = alarms.get(*list.first()?)?;
            let mut touched = vec![false; chain.centre_ids.len()];
            for &i in &list {
                for &node in &nodes[i] {
                    if let Some(t) = touched.get_mut(node) {
                        *t = true;
                    }
                }
            }
            Some(Incident {
                first_raised: first.raised_at,
                severity: list
                    .iter()
                    .map(|&i| alarms[i].severity)
                    .min()
                    .unwrap_or(first.severity),
                alarms: list.iter().map(|&i| alarms[i].clone()).collect(),
                centres: chain
                    .centre_ids
                    .iter()
                    .zip(touched)
                    .filter(|(_, t)| *t)
                    .map(|(id, _)| id.clone())
                    .collect(),
            })
        })
        .collect()
}

/// Which centres each asset of the power chain touches.
struct Chain {
    centre_ids: Vec<String>,
    /// Asset id -> centre indexes (sorted, no duplicates).
    touches: HashMap<String, Vec<usize>>,
}

impl Chain {
    fn of(park: &Park) -> Self {
        let s = park.scenario();
        let centre_ids: Vec<String> = s.centres.iter().map(|c| c.id.to_string()).collect();
        let mut touches: HashMap<String, Vec<usize>> = HashMap::new();
        let mut add =
            |id: &str, centre: usize| touches.entry(id.to_owned()).or_default().push(centre);
        let station_of: HashMap<&str, &str> = s
            .substations
            .iter()
            .flat_map(|st| {
                st.transformers
                    .iter()
                    .map(move |t| (t.id.as_str(), st.id.as_str()))
            })
            .collect();
        let feeder_from: HashMap<&str, &str> = s
            .feeders
            .iter()
            .map(|f| (f.id.as_str(), f.from.as_str()))
            .collect();
        let upstream: HashMap<&str, Vec<&str>> = s
            .substations
            .iter()
            .map(|st| {
                (
                    st.id.as_str(),
                    st.upstream.iter().map(|u| u.as_str()).collect(),
                )
            })
            .collect();
        for (i, centre) in s.centres.iter().enumerate() {
            add(centre.id.as_str(), i);
            for cooling in &centre.cooling {
                add(cooling.id.as_str(), i);
            }
            for feed in &centre.feeds {
                let feeder = feed.feeder.as_str();
                add(feeder, i);
                let Some(transformer) = feeder_from.get(feeder) else {
                    continue;
                };
                add(transformer, i);
                // The station and everything upstream of it (a guard against cycles).
                let mut stack: Vec<&str> =
                    station_of.get(transformer).copied().into_iter().collect();
                let mut seen: Vec<&str> = Vec::new();
                while let Some(node) = stack.pop() {
                    if seen.contains(&node) {
                        continue;
                    }
                    seen.push(node);
                    add(node, i);
                    stack.extend(upstream.get(node).into_iter().flatten().copied());
                }
            }
        }
        for list in touches.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        Self {
            centre_ids,
            touches,
        }
    }

    /// The centres `target` touches: an asset of the chain, or a rack (`CM-N01.H1.R01.07`) by
    /// its centre. `None` for targets outside the chain (the park, a data source).
    fn centres_of(&self, target: &str) -> Option<&[usize]> {
        let found = self.touches.get(target).or_else(|| {
            target
                .split_once('.')
                .and_then(|(centre, _)| self.touches.get(centre))
        })?;
        (!found.is_empty()).then_some(found.as_slice())
    }
}

/// Disjoint sets with path halving and union by size.
struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        let (big, small) = if self.size[a] >= self.size[b] {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small] = big;
        self.size[big] += self.size[small];
    }
}
