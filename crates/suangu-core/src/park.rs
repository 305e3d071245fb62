//! The validated park: the scenario plus lookups and derived totals. Only `load` builds one, so
//! holding a `Park` means every reference in it resolves.

use crate::error::ScenarioError;
use crate::scenario::*;
use crate::units::*;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Park {
    scenario: Scenario,
    warnings: Vec<ScenarioError>,
}

/// Totals the `check` command and the header show. Operating and planned are kept apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub centres: usize,
    pub planned_centres: usize,
    pub physical_racks: u64,
    pub physical_racks_planned: u64,
    pub standard_racks: f64,
    pub standard_racks_planned: f64,
    pub it_capacity: Mw,
    pub it_capacity_planned: Mw,
    /// IT capacity times design PUE, summed over operating centres.
    pub facility_capacity: Mw,
    pub pflops: Pflops,
    pub pflops_planned: Pflops,
    /// Wind and PV in service.
    pub green_capacity: Mw,
    pub green_capacity_planned: Mw,
    pub storage_power: Mw,
    pub storage_energy: Mwh,
    pub substations: Vec<SubstationTotal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubstationTotal {
    pub id: String,
    pub kv: Kv,
    /// Sum of the transformer ratings.
    pub mva: Mva,
    pub transformers: usize,
    pub in_service: bool,
}

impl Park {
    pub(crate) fn new(scenario: Scenario, warnings: Vec<ScenarioError>) -> Self {
        Self { scenario, warnings }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Findings that do not stop the park from loading (e.g. IT capacity far from rack nameplate).
    pub fn warnings(&self) -> &[ScenarioError] {
        &self.warnings
    }

    pub fn centres(&self) -> impl Iterator<Item = &Centre> {
        self.scenario.centres.iter()
    }

    pub fn totals(&self) -> Totals {
        let (operating, planned): (Vec<&Centre>, Vec<&Centre>) =
            self.centres().partition(|c| c.status == Status::Operating);
        let racks = |cs: &[&Centre]| cs.iter().map(|c| u64::from(c.physical_racks.value)).sum();
        let std_racks = |cs: &[&Centre]| cs.iter().map(|c| centre_standard_racks(c)).sum();
        let it = |cs: &[&Centre]| cs.iter().map(|c| c.it_capacity_mw.value).sum();
        let pflops = |cs: &[&Centre]| cs.iter().map(|c| c.compute.pflops.value).sum();
        let plants = &self.scenario.green_plants;
        let green = |service: Service| {
            plants
                .iter()
                .filter(|p| p.status == service && p.kind != PlantKind::Storage)
                .map(|p| p.capacity_mw.value)
                .sum()
        };
        let storage = plants
            .iter()
            .filter(|p| p.status.in_service() && p.kind == PlantKind::Storage);
        Totals {
            centres: operating.len(),
            planned_centres: planned.len(),
            physical_racks: racks(&operating),
            physical_racks_planned: racks(&planned),
            standard_racks: std_racks(&operating),
            standard_racks_planned: std_racks(&planned),
            it_capacity: it(&operating),
            it_capacity_planned: it(&planned),
            facility_capacity: operating
                .iter()
                .map(|c| c.design_pue.value.facility(c.it_capacity_mw.value))
                .sum(),
            pflops: pflops(&operating),
            pflops_planned: pflops(&planned),
            green_capacity: green(Service::InService),
            green_capacity_planned: green(Service::Planned),
            storage_power: storage.clone().map(|p| p.capacity_mw.value).sum(),
            storage_energy: storage
                .filter_map(|p| p.energy_mwh.as_ref().map(|e| e.value))
                .sum(),
            substations: self
                .scenario
                .substations
                .iter()
                .map(|s| SubstationTotal {
                    id: s.id.to_string(),
                    kv: s.kv.value,
                    mva: s.transformers.iter().map(|t| t.mva.value).sum(),
                    transformers: s.transformers.len(),
                    in_service: s.status.in_service(),
                })
                .collect(),
        }
    }

    /// Whether each feeder (scenario order) is energised when the named elements are out.
    pub fn energised_feeders(&self, outages: &[&str]) -> Vec<bool> {
        let live = self.feeder_live(outages);
        self.scenario
            .feeders
            .iter()
            .map(|f| live.get(f.id.as_str()).copied().unwrap_or(false))
            .collect()
    }

    /// Whether each substation (scenario order) is energised when the named elements are out.
    pub fn energised_substations(&self, outages: &[&str]) -> Vec<bool> {
        let energised = self.node_live(outages);
        self.scenario
            .substations
            .iter()
            .map(|st| energised.get(st.id.as_str()).copied().unwrap_or(false))
            .collect()
    }

    /// Grid connections and substations: energised or not.
    fn node_live(&self, outages: &[&str]) -> HashMap<&str, bool> {
        let s = &self.scenario;
        let out = |id: &str| outages.contains(&id);
        let mut energised: HashMap<&str, bool> = s
            .grid
            .iter()
            .map(|g| (g.id.as_str(), g.status.in_service() && !out(g.id.as_str())))
            .collect();
        // Substations may feed substations: settle to a fixed point (at most one pass per station).
        for _ in 0..=s.substations.len() {
            let mut changed = false;
            for station in &s.substations {
                let live = station.status.in_service()
                    && !out(station.id.as_str())
                    && station
                        .upstream
                        .iter()
                        .any(|u| energised.get(u.as_str()).copied().unwrap_or(false));
                if energised.insert(station.id.as_str(), live) != Some(live) {
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        energised
    }

    fn feeder_live(&self, outages: &[&str]) -> HashMap<&str, bool> {
        let s = &self.scenario;
        let out = |id: &str| outages.contains(&id);
        let energised = self.node_live(outages);
        let transformer_live: HashMap<&str, bool> = s
            .substations
            .iter()
            .flat_map(|st| {
                let station_live = energised.get(st.id.as_str()).copied().unwrap_or(false);
                st.transformers.iter().map(move |t| {
                    (
                        t.id.as_str(),
                        station_live && t.status.in_service() && !out(t.id.as_str()),
                    )
                })
            })
            .collect();
        s.feeders
            .iter()
            .map(|fd| {
                let live = fd.status.in_service()
                    && !out(fd.id.as_str())
                    && transformer_live
                        .get(fd.from.as_str())
                        .copied()
                        .unwrap_or(false);
                (fd.id.as_str(), live)
            })
            .collect()
    }

    /// Which centres keep their supply when the named elements (grid connections, substations,
    /// transformers, feeders) are out. Planned elements never supply anything.
    pub fn supply_with_outages(&self, outages: &[&str]) -> Vec<CentreSupply> {
        let s = &self.scenario;
        let feeder_live = self.feeder_live(outages);
        s.centres
            .iter()
            .map(|c| {
                let sides_up = |side: Side| {
                    let feeds: Vec<_> = c.feeds.iter().filter(|f| f.side == side).collect();
                    (!feeds.is_empty()).then(|| {
                        feeds
                            .iter()
                            .any(|f| feeder_live.get(f.feeder.as_str()).copied().unwrap_or(false))
                    })
                };
                let sides = [sides_up(Side::A), sides_up(Side::B)];
                let present = sides.iter().flatten().count();
                let up = sides.iter().flatten().filter(|u| **u).count();
                let state = match (present, up) {
                    (_, 0) => SupplyState::Lost,
                    (p, u) if u == p && p >= 2 => SupplyState::Redundant,
                    (p, u) if u == p => SupplyState::SingleFed,
                    _ => SupplyState::RedundancyLost,
                };
                CentreSupply {
                    centre: c.id.clone(),
                    state,
                }
            })
            .collect()
    }
}

/// Standard-rack equivalents of a centre: physical racks x kW per rack / 2.5 kW.
pub fn centre_standard_racks(c: &Centre) -> f64 {
    standard_racks(Kw(f64::from(c.physical_racks.value) * c.kw_per_rack.value.0))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SupplyState {
    /// Both A and B feeds energised.
    Redundant,
    /// One feed side only, by design, and it is energised.
    SingleFed,
    /// Dual-fed, one side lost: still supplied, no redundancy left.
    RedundancyLost,
    /// No feed energised.
    Lost,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CentreSupply {
    pub centre: crate::ids::CentreId,
    pub state: SupplyState,
}
