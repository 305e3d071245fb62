//! N-1: what losing any single element of the power chain (substation, transformer, feeder) or
//! any cooling plant does to the park in a given state. Pure: the state is passed in.
//!
//! For each element, with it out (on top of what is already out):
//! - centres that lose supply (no feed side energised) and their IT load: lost;
//! - centres that lose redundancy (dual-fed, one side left): still running, at risk;
//! - every feeder and transformer loaded beyond its rating: the IT load to cap in the centres
//!   it carries, shared by what each draws through it (a transformer's rating is its MVA at
//!   [`POWER_FACTOR`]);
//! - a cooling plant: the IT load above what the centre's other plants can remove, capped.
//!
//! [`Network`] answers this for every element without hashing or allocating per contingency;
//! [`Park::supply_with_outages`] and [`Park::loading`] answer it from the scenario directly and
//! are the reference it is tested (and benchmarked) against.

use crate::interval::CentrePower;
use crate::park::{Park, SupplyState};
use crate::scenario::{Side, Status};
use crate::units::Mw;

/// Real power per MVA of transformer rating. Origin: assumption (typical data-centre load).
pub const POWER_FACTOR: f64 = 0.95;

/// Power flowing through the chain: each centre's facility load shared equally by its energised
/// feeders (with one side lost, the other side carries it all), summed up the chain. Index-aligned
/// with the scenario's feeders, transformers (substation by substation) and substations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loading {
    pub feeders: Vec<Mw>,
    pub transformers: Vec<Mw>,
    pub substations: Vec<Mw>,
}

impl Park {
    /// The loading of the chain with `outages` out and each centre drawing `facility` (scenario
    /// order).
    pub fn loading(&self, outages: &[&str], facility: &[Mw]) -> Loading {
        let s = self.scenario();
        let energised = self.energised_feeders(outages);
        let mut feeders = vec![Mw::ZERO; s.feeders.len()];
        for (c, load) in s.centres.iter().zip(facility) {
            let live: Vec<usize> = c
                .feeds
                .iter()
                .filter_map(|f| s.feeders.iter().position(|x| x.id == f.feeder))
                .filter(|i| energised.get(*i).copied().unwrap_or(false))
                .collect();
            if live.is_empty() {
                continue;
            }
            let share = *load * (1.0 / live.len() as f64);
            for i in live {
                feeders[i] = feeders[i] + share;
            }
        }
        let transformers: Vec<Mw> = s
            .substations
            .iter()
            .flat_map(|st| st.transformers.iter())
            .map(|t| {
                s.feeders
                    .iter()
                    .zip(&feeders)
                    .filter(|(f, _)| f.from == t.id)
                    .map(|(_, mw)| *mw)
                    .sum()
            })
            .collect();
        let mut k = 0;
        let substations = s
            .substations
            .iter()
            .map(|st| {
                let n = st.transformers.len();
                let sum = transformers[k..k + n].iter().copied().sum();
                k += n;
                sum
            })
            .collect();
        Loading {
            feeders,
            transformers,
            substations,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElementKind {
    Substation,
    Transformer,
    Feeder,
    CoolingPlant,
}

impl ElementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Substation => "substation",
            ElementKind::Transformer => "transformer",
            ElementKind::Feeder => "feeder",
            ElementKind::CoolingPlant => "cooling_plant",
        }
    }
}

/// An element that can be lost.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Element {
    pub id: String,
    pub kind: ElementKind,
}

/// One element loaded beyond its rating.
#[derive(Debug, Clone, PartialEq)]
pub struct Overload {
    pub element: Element,
    pub load: Mw,
    pub rating: Mw,
}

/// What losing one element does.
#[derive(Debug, Clone, PartialEq)]
pub struct Impact {
    pub element: Element,
    /// Centres supplied before and not after.
    pub lost_supply: Vec<String>,
    /// Centres fed from both sides before and from one after.
    pub lost_redundancy: Vec<String>,
    /// Physical racks of the centres that lost supply.
    pub racks_lost: u32,
    /// IT load of the centres that lost supply.
    pub lost_it: Mw,
    /// IT load to cap in centres still supplied (overloads, cooling), per centre.
    pub capped: Vec<(String, Mw)>,
    pub overloads: Vec<Overload>,
}

impl Impact {
    pub fn capped_it(&self) -> Mw {
        self.capped.iter().map(|(_, mw)| *mw).sum()
    }

    /// IT load that stops: lost with the supply, or capped.
    pub fn shed(&self) -> Mw {
        self.lost_it + self.capped_it()
    }

    /// Every centre touched: lost supply, lost redundancy or capped, in scenario order.
    pub fn affected_centres(&self, park: &Park) -> Vec<String> {
        park.centres()
            .map(|c| c.id.to_string())
            .filter(|id| {
                self.lost_supply.contains(id)
                    || self.lost_redundancy.contains(id)
                    || self.capped.iter().any(|(c, _)| c == id)
            })
            .collect()
    }
}

/// The park's state the analysis starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct State<'a> {
    /// IT and facility load per centre (scenario order).
    pub power: &'a [CentrePower],
    /// Elements already out (trips in force).
    pub outages: &'a [&'a str],
    /// Cooling plants already lost.
    pub cooling_lost: &'a [&'a str],
}

/// The power chain and cooling of a park as index arrays, for fast repeated evaluation.
#[derive(Debug, Clone)]
pub struct Network {
    grid_ids: Vec<String>,
    grid_in_service: Vec<bool>,
    station_ids: Vec<String>,
    station_in_service: Vec<bool>,
    /// Upstream of each station: grid connections and stations, by index.
    station_upstream: Vec<Vec<Node>>,
    transformer_ids: Vec<String>,
    transformer_station: Vec<usize>,
    transformer_in_service: Vec<bool>,
    transformer_rating: Vec<Mw>,
    feeder_ids: Vec<String>,
    feeder_transformer: Vec<Option<usize>>,
    feeder_in_service: Vec<bool>,
    feeder_rating: Vec<Mw>,
    centre_ids: Vec<String>,
    centre_racks: Vec<u32>,
    centre_operating: Vec<bool>,
    /// Feeds of each centre: (feeder index, side).
    centre_feeds: Vec<Vec<(usize, Side)>>,
    /// Cooling plants of each centre: (id, capacity).
    centre_cooling: Vec<Vec<(String, Mw)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Grid(usize),
    Station(usize),
}

/// Which elements are out, as masks over the network's indexes.
#[derive(Debug, Clone, Default)]
struct Masks {
    grid: Vec<bool>,
    station: Vec<bool>,
    transformer: Vec<bool>,
    feeder: Vec<bool>,
}

/// Energisation and supply with some elements out.
#[derive(Debug, Clone, Default)]
struct Flow {
    feeder_live: Vec<bool>,
    supply: Vec<SupplyState>,
    feeder_load: Vec<Mw>,
    transformer_load: Vec<Mw>,
}

impl Network {
    pub fn of(park: &Park) -> Self {
        let s = park.scenario();
        let index = |ids: &[String], id: &str| ids.iter().position(|x| x == id);
        let grid_ids: Vec<String> = s.grid.iter().map(|g| g.id.to_string()).collect();
        let station_ids: Vec<String> = s.substations.iter().map(|st| st.id.to_string()).collect();
        let station_upstream = s
            .substations
            .iter()
            .map(|st| {
                st.upstream
                    .iter()
                    .filter_map(|u| {
                        index(&grid_ids, u.as_str())
                            .map(Node::Grid)
                            .or_else(|| index(&station_ids, u.as_str()).map(Node::Station))
                    })
                    .collect()
            })
            .collect();
        let mut transformer_ids = Vec::new();
        let mut transformer_station = Vec::new();
        let mut transformer_in_service = Vec::new();
        let mut transformer_rating = Vec::new();
        for (i, st) in s.substations.iter().enumerate() {
            for t in &st.transformers {
                transformer_ids.push(t.id.to_string());
                transformer_station.push(i);
                transformer_in_service.push(t.status.in_service());
                transformer_rating.push(Mw(t.mva.value.0 * POWER_FACTOR));
            }
        }
        let feeder_ids: Vec<String> = s.feeders.iter().map(|f| f.id.to_string()).collect();
        Self {
            grid_in_service: s.grid.iter().map(|g| g.status.in_service()).collect(),
            station_in_service: s
                .substations
                .iter()
                .map(|st| st.status.in_service())
                .collect(),
            station_upstream,
            feeder_transformer: s
                .feeders
                .iter()
                .map(|f| index(&transformer_ids, f.from.as_str()))
                .collect(),
            feeder_in_service: s.feeders.iter().map(|f| f.status.in_service()).collect(),
            feeder_rating: s.feeders.iter().map(|f| f.capacity_mw.value).collect(),
            centre_ids: s.centres.iter().map(|c| c.id.to_string()).collect(),
            centre_racks: s.centres.iter().map(|c| c.physical_racks.value).collect(),
            centre_operating: s
                .centres
                .iter()
                .map(|c| c.status == Status::Operating)
                .collect(),
            centre_feeds: s
                .centres
                .iter()
                .map(|c| {
                    c.feeds
                        .iter()
                        .filter_map(|f| index(&feeder_ids, f.feeder.as_str()).map(|i| (i, f.side)))
                        .collect()
                })
                .collect(),
            centre_cooling: s
                .centres
                .iter()
                .map(|c| {
                    c.cooling
                        .iter()
                        .map(|p| (p.id.to_string(), p.capacity_mw.value))
                        .collect()
                })
                .collect(),
            grid_ids,
            station_ids,
            transformer_ids,
            transformer_station,
            transformer_in_service,
            transformer_rating,
            feeder_ids,
        }
    }

    /// Every element that can be lost now: in-service substations, transformers and feeders,
    /// and the cooling plants of operating centres; minus what is already out.
    pub fn elements(&self, state: &State) -> Vec<Element> {
        let out = |id: &str| state.outages.contains(&id) || state.cooling_lost.contains(&id);
        let mut all = Vec::new();
        let mut add = |ids: &[String], live: &[bool], kind| {
            for (id, live) in ids.iter().zip(live) {
                if *live && !out(id) {
                    all.push(Element {
                        id: id.clone(),
                        kind,
                    });
                }
            }
        };
        add(
            &self.station_ids,
            &self.station_in_service,
            ElementKind::Substation,
        );
        add(
            &self.transformer_ids,
            &self.transformer_in_service,
            ElementKind::Transformer,
        );
        add(
            &self.feeder_ids,
            &self.feeder_in_service,
            ElementKind::Feeder,
        );
        for (plants, operating) in self.centre_cooling.iter().zip(&self.centre_operating) {
            for (id, _) in plants.iter().filter(|_| *operating) {
                if !out(id) {
                    all.push(Element {
                        id: id.clone(),
                        kind: ElementKind::CoolingPlant,
                    });
                }
            }
        }
        all
    }

    /// The element named `id`, if the park has one that can be lost.
    pub fn element(&self, id: &str) -> Option<Element> {
        let kind = if self.station_ids.iter().any(|x| x == id) {
            ElementKind::Substation
        } else if self.transformer_ids.iter().any(|x| x == id) {
            ElementKind::Transformer
        } else if self.feeder_ids.iter().any(|x| x == id) {
            ElementKind::Feeder
        } else if self.centre_cooling.iter().flatten().any(|(x, _)| x == id) {
            ElementKind::CoolingPlant
        } else {
            return None;
        };
        Some(Element {
            id: id.to_owned(),
            kind,
        })
    }

    /// Every id an element can be tripped by (for "did you mean").
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.station_ids
            .iter()
            .chain(&self.transformer_ids)
            .chain(&self.feeder_ids)
            .chain(self.centre_cooling.iter().flatten().map(|(id, _)| id))
            .map(String::as_str)
    }

    /// N-1 over every element, worst first (most IT shed, then most centres losing redundancy,
    /// then by id).
    pub fn n1(&self, state: &State) -> Vec<Impact> {
        let base = self.flow(&self.masks(state.outages, None), state.power);
        let mut all: Vec<Impact> = self
            .elements(state)
            .into_iter()
            .map(|e| self.impact_from(&base, state, e))
            .collect();
        all.sort_by(|a, b| {
            b.shed()
                .0
                .total_cmp(&a.shed().0)
                .then(b.lost_redundancy.len().cmp(&a.lost_redundancy.len()))
                .then(a.element.id.cmp(&b.element.id))
        });
        all
    }

    /// The chain's loading with `outages` out: the same numbers as [`Park::loading`].
    pub fn loading(&self, outages: &[&str], power: &[CentrePower]) -> Loading {
        let flow = self.flow(&self.masks(outages, None), power);
        let mut substations = vec![Mw::ZERO; self.station_ids.len()];
        for (t, load) in flow.transformer_load.iter().enumerate() {
            substations[self.transformer_station[t]].0 += load.0;
        }
        Loading {
            feeders: flow.feeder_load,
            transformers: flow.transformer_load,
            substations,
        }
    }

    /// What losing `element` does in `state`.
    pub fn impact(&self, state: &State, element: Element) -> Impact {
        let base = self.flow(&self.masks(state.outages, None), state.power);
        self.impact_from(&base, state, element)
    }

    fn impact_from(&self, base: &Flow, state: &State, element: Element) -> Impact {
        let power_element = element.kind != ElementKind::CoolingPlant;
        let after = if power_element {
            self.flow(&self.masks(state.outages, Some(&element.id)), state.power)
        } else {
            base.clone()
        };
        let mut impact = Impact {
            element,
            lost_supply: Vec::new(),
            lost_redundancy: Vec::new(),
            racks_lost: 0,
            lost_it: Mw::ZERO,
            capped: Vec::new(),
            overloads: Vec::new(),
        };
        let mut cap = vec![Mw::ZERO; self.centre_ids.len()];
        for (c, (before, now)) in base.supply.iter().zip(&after.supply).enumerate() {
            if !self.centre_operating[c] {
                continue; // a planned centre has nothing to lose yet
            }
            let it = state.power.get(c).map_or(Mw::ZERO, |p| p.it);
            if *before != SupplyState::Lost && *now == SupplyState::Lost {
                impact.lost_supply.push(self.centre_ids[c].clone());
                impact.racks_lost += self.centre_racks[c];
                impact.lost_it = impact.lost_it + it;
            } else if *before == SupplyState::Redundant && *now == SupplyState::RedundancyLost {
                impact.lost_redundancy.push(self.centre_ids[c].clone());
            }
        }
        if power_element {
            self.overload_caps(&after, state, &mut impact, &mut cap);
        } else {
            // A cooling plant: the centre keeps only what its other plants can remove.
            for (c, plants) in self.centre_cooling.iter().enumerate() {
                if !plants.iter().any(|(id, _)| *id == impact.element.id) {
                    continue;
                }
                let left: Mw = plants
                    .iter()
                    .filter(|(id, _)| {
                        *id != impact.element.id && !state.cooling_lost.contains(&id.as_str())
                    })
                    .map(|(_, mw)| *mw)
                    .sum();
                let it = state.power.get(c).map_or(Mw::ZERO, |p| p.it);
                if after.supply[c] != SupplyState::Lost && it.0 > left.0 {
                    cap[c] = Mw(cap[c].0.max(it.0 - left.0));
                }
            }
        }
        impact.capped = cap
            .iter()
            .enumerate()
            .filter(|(_, mw)| mw.0 > 1e-9)
            .map(|(c, mw)| (self.centre_ids[c].clone(), *mw))
            .collect();
        impact
    }

    /// Overloaded feeders and transformers after the loss, and the IT each centre must cap so
    /// every one is back within its rating (a centre's share of an element's excess is what it
    /// draws through it; a centre capped by two elements takes the larger cut).
    fn overload_caps(&self, after: &Flow, state: &State, impact: &mut Impact, cap: &mut [Mw]) {
        let it_per_facility = |c: usize| {
            state
                .power
                .get(c)
                .filter(|p| p.facility.0 > 0.0)
                .map_or(0.0, |p| p.it.0 / p.facility.0)
        };
        let draw = |c: usize, feeder: usize| -> f64 {
            let live = self.centre_feeds[c]
                .iter()
                .filter(|(f, _)| after.feeder_live[*f])
                .count();
            let feeds_it = self.centre_feeds[c].iter().any(|(f, _)| *f == feeder);
            if live == 0 || !feeds_it || !after.feeder_live[feeder] {
                return 0.0;
            }
            state.power.get(c).map_or(0.0, |p| p.facility.0) / live as f64
        };
        let mut shed_for = |load: Mw, rating: Mw, through: &dyn Fn(usize) -> f64| {
            let excess = load.0 - rating.0;
            if excess <= 1e-9 || load.0 <= 0.0 {
                return false;
            }
            for (c, slot) in cap.iter_mut().enumerate() {
                let share = through(c) / load.0;
                let it_cut = excess * share * it_per_facility(c);
                slot.0 = slot.0.max(it_cut);
            }
            true
        };
        for (f, load) in after.feeder_load.iter().enumerate() {
            let rating = self.feeder_rating[f];
            if shed_for(*load, rating, &|c| draw(c, f)) {
                impact.overloads.push(Overload {
                    element: Element {
                        id: self.feeder_ids[f].clone(),
                        kind: ElementKind::Feeder,
                    },
                    load: *load,
                    rating,
                });
            }
        }
        for (t, load) in after.transformer_load.iter().enumerate() {
            let rating = self.transformer_rating[t];
            let through = |c: usize| {
                (0..self.feeder_ids.len())
                    .filter(|f| self.feeder_transformer[*f] == Some(t))
                    .map(|f| draw(c, f))
                    .sum()
            };
            if shed_for(*load, rating, &through) {
                impact.overloads.push(Overload {
                    element: Element {
                        id: self.transformer_ids[t].clone(),
                        kind: ElementKind::Transformer,
                    },
                    load: *load,
                    rating,
                });
            }
        }
        // Centres that lost supply are already counted as lost.
        for (c, slot) in cap.iter_mut().enumerate() {
            if after.supply[c] == SupplyState::Lost {
                *slot = Mw::ZERO;
            }
        }
    }

    fn masks(&self, outages: &[&str], extra: Option<&str>) -> Masks {
        let out = |id: &str| outages.contains(&id) || extra == Some(id);
        Masks {
            grid: self.grid_ids.iter().map(|id| out(id)).collect(),
            station: self.station_ids.iter().map(|id| out(id)).collect(),
            transformer: self.transformer_ids.iter().map(|id| out(id)).collect(),
            feeder: self.feeder_ids.iter().map(|id| out(id)).collect(),
        }
    }

    fn flow(&self, out: &Masks, power: &[CentrePower]) -> Flow {
        let grid_live: Vec<bool> = self
            .grid_in_service
            .iter()
            .zip(&out.grid)
            .map(|(s, o)| *s && !o)
            .collect();
        let mut station_live = vec![false; self.station_ids.len()];
        // Stations may feed stations: settle to a fixed point (at most one pass per station).
        for _ in 0..=self.station_ids.len() {
            let mut changed = false;
            for i in 0..self.station_ids.len() {
                let live = self.station_in_service[i]
                    && !out.station[i]
                    && self.station_upstream[i].iter().any(|u| match u {
                        Node::Grid(g) => grid_live[*g],
                        Node::Station(s) => station_live[*s],
                    });
                if station_live[i] != live {
                    station_live[i] = live;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let transformer_live: Vec<bool> = (0..self.transformer_ids.len())
            .map(|t| {
                station_live[self.transformer_station[t]]
                    && self.transformer_in_service[t]
                    && !out.transformer[t]
            })
            .collect();
        let feeder_live: Vec<bool> = (0..self.feeder_ids.len())
            .map(|f| {
                self.feeder_in_service[f]
                    && !out.feeder[f]
                    && self.feeder_transformer[f].is_some_and(|t| transformer_live[t])
            })
            .collect();
        let mut feeder_load = vec![Mw::ZERO; self.feeder_ids.len()];
        let supply = self
            .centre_feeds
            .iter()
            .enumerate()
            .map(|(c, feeds)| {
                let side = |s: Side| {
                    let mut present = false;
                    let mut up = false;
                    for (f, side) in feeds {
                        if *side == s {
                            present = true;
                            up |= feeder_live[*f];
                        }
                    }
                    present.then_some(up)
                };
                let sides = [side(Side::A), side(Side::B)];
                let present = sides.iter().flatten().count();
                let up = sides.iter().flatten().filter(|u| **u).count();
                let live = feeds.iter().filter(|(f, _)| feeder_live[*f]).count();
                if live > 0 {
                    let share = power.get(c).map_or(0.0, |p| p.facility.0) / live as f64;
                    for (f, _) in feeds.iter().filter(|(f, _)| feeder_live[*f]) {
                        feeder_load[*f].0 += share;
                    }
                }
                match (present, up) {
                    (_, 0) => SupplyState::Lost,
                    (p, u) if u == p && p >= 2 => SupplyState::Redundant,
                    (p, u) if u == p => SupplyState::SingleFed,
                    _ => SupplyState::RedundancyLost,
                }
            })
            .collect();
        let mut transformer_load = vec![Mw::ZERO; self.transformer_ids.len()];
        for (f, load) in feeder_load.iter().enumerate() {
            if let Some(t) = self.feeder_transformer[f] {
                transformer_load[t].0 += load.0;
            }
        }
        Flow {
            feeder_live,
            supply,
            feeder_load,
            transformer_load,
        }
    }
}
