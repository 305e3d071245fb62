//! Capacity headroom per centre and for the park: space, power (IT capacity, and every feeder and
//! transformer on the way), cooling and compute; the binding constraint named ("CM-N02 is
//! power-bound: 3.2 MW left on feeder F-203"). Planned assets can be switched in to see what
//! changes when they come online. Pure: the state is passed in.
//!
//! Power headroom of a centre is the IT load it could add before the first limit: its own IT
//! capacity, or a feeder or transformer reaching its rating while the added facility load
//! (IT x PUE) spreads over the centre's energised feeds like its load does now.

use crate::contingency::{Network, POWER_FACTOR};
use crate::interval::CentrePower;
use crate::park::{Park, SupplyState};
use crate::scenario::{Service, Status};
use crate::units::Mw;
use std::collections::BTreeMap;

/// What limits a centre's growth first.
#[derive(Debug, Clone, PartialEq)]
pub enum Binding {
    /// Its UPS-backed IT capacity.
    ItCapacity,
    /// A feeder or transformer on its supply path (by id).
    Chain(String),
    /// Its cooling plants.
    Cooling,
    /// No supply: nothing can be added.
    NoSupply,
}

/// One centre's capacity now.
#[derive(Debug, Clone, PartialEq)]
pub struct CentreCapacity {
    pub centre: String,
    pub planned: bool,
    /// Physical racks installed (planned centres: to be installed).
    pub racks_installed: u32,
    /// Racks allocated to work: installed racks x compute utilisation (the twin allocates racks
    /// in proportion to the work it runs).
    pub racks_used: u32,
    pub it: Mw,
    pub it_capacity: Mw,
    /// IT load the supply chain could carry before a feeder or transformer is full.
    pub chain_limit: Mw,
    /// Heat the centre's cooling plants (those not lost) can remove.
    pub cooling: Mw,
    /// IT load it could add before the first limit (never negative).
    pub headroom: Mw,
    pub binding: Binding,
    /// A limit already exceeded (IT above capacity, cooling or chain rating).
    pub violation: bool,
    pub pflops: f64,
    pub pflops_allocated: f64,
    /// Accelerators by class: (class, count, allocated).
    pub accelerators: Vec<(String, u32, f64)>,
}

/// A zone's operating centres summed.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneCapacity {
    pub zone: String,
    pub racks_installed: u32,
    pub racks_used: u32,
    pub it: Mw,
    pub headroom: Mw,
    pub pflops: f64,
    pub pflops_allocated: f64,
}

/// The park's capacity: every centre, every zone, and the totals.
#[derive(Debug, Clone, PartialEq)]
pub struct ParkCapacity {
    pub centres: Vec<CentreCapacity>,
    pub zones: Vec<ZoneCapacity>,
    pub racks_installed: u32,
    pub racks_used: u32,
    pub racks_planned: u32,
    pub it: Mw,
    pub headroom: Mw,
    pub pflops: f64,
    pub pflops_allocated: f64,
    pub pflops_planned: f64,
    /// Accelerators by class over operating centres: count and allocated.
    pub accelerators: BTreeMap<String, (u32, f64)>,
}

impl CentreCapacity {
    /// One line for a duty officer.
    pub fn summary(&self) -> String {
        match &self.binding {
            Binding::NoSupply => format!("{} has no supply", self.centre),
            Binding::ItCapacity => format!(
                "{} is bound by its IT capacity: {:.1} MW left",
                self.centre, self.headroom.0
            ),
            Binding::Chain(element) => format!(
                "{} is power-bound: {:.1} MW left on {element}",
                self.centre, self.headroom.0
            ),
            Binding::Cooling => format!(
                "{} is cooling-bound: {:.1} MW left",
                self.centre, self.headroom.0
            ),
        }
    }
}

/// The capacity of `park` with each centre drawing `power` at compute `utilisation` (0..1,
/// scenario order), with `outages` and `cooling_lost` out.
pub fn capacity(
    park: &Park,
    power: &[CentrePower],
    utilisation: &[f64],
    outages: &[&str],
    cooling_lost: &[&str],
) -> ParkCapacity {
    let s = park.scenario();
    let net = Network::of(park);
    let loading = net.loading(outages, power);
    let energised = park.energised_feeders(outages);
    let supply = park.supply_with_outages(outages);
    let feeder_index = |id: &str| s.feeders.iter().position(|f| f.id.as_str() == id);
    let transformers: Vec<(&str, Mw)> = s
        .substations
        .iter()
        .flat_map(|st| st.transformers.iter())
        .map(|t| (t.id.as_str(), Mw(t.mva.value.0 * POWER_FACTOR)))
        .collect();

    let mut centres = Vec::with_capacity(s.centres.len());
    for (i, c) in s.centres.iter().enumerate() {
        let p = power.get(i).copied().unwrap_or(CentrePower {
            it: Mw::ZERO,
            facility: Mw::ZERO,
        });
        let u = utilisation.get(i).copied().unwrap_or(0.0).clamp(0.0, 1.0);
        let planned = c.status != Status::Operating;
        let pue = if p.it.0 > 0.0 {
            p.facility.0 / p.it.0
        } else {
            c.design_pue.value.0
        };
        // The chain: the smallest room left on any energised feed or its transformer, scaled by
        // how the centre's added facility load spreads over them.
        let live: Vec<usize> = c
            .feeds
            .iter()
            .filter_map(|f| feeder_index(f.feeder.as_str()))
            .filter(|f| energised.get(*f).copied().unwrap_or(false))
            .collect();
        let mut chain: Option<(f64, String)> = None;
        let mut tighten = |room_facility: f64, id: &str| {
            let it_room = room_facility / pue;
            if chain.as_ref().is_none_or(|(best, _)| it_room < *best) {
                chain = Some((it_room, id.to_owned()));
            }
        };
        for f in &live {
            let feeder = &s.feeders[*f];
            let room = feeder.capacity_mw.value.0 - loading.feeders[*f].0;
            tighten(room * live.len() as f64, feeder.id.as_str());
            if let Some((t, (tid, rating))) = transformers
                .iter()
                .enumerate()
                .find(|(_, (tid, _))| *tid == feeder.from.as_str())
            {
                let share = live
                    .iter()
                    .filter(|g| s.feeders[**g].from.as_str() == *tid)
                    .count() as f64
                    / live.len() as f64;
                let room = rating.0 - loading.transformers[t].0;
                tighten(room / share.max(1e-9), tid);
            }
        }
        let cooling: Mw = c
            .cooling
            .iter()
            .filter(|plant| !cooling_lost.contains(&plant.id.as_str()))
            .map(|plant| plant.capacity_mw.value)
            .sum();
        let it_room = c.it_capacity_mw.value.0 - p.it.0;
        let cooling_room = cooling.0 - p.it.0;
        let no_supply = supply.get(i).is_none_or(|x| x.state == SupplyState::Lost);
        let mut binding = Binding::ItCapacity;
        let mut headroom = it_room;
        if let Some((room, id)) = &chain
            && *room < headroom
        {
            headroom = *room;
            binding = Binding::Chain(id.clone());
        }
        if cooling_room < headroom {
            headroom = cooling_room;
            binding = Binding::Cooling;
        }
        if no_supply && !planned {
            binding = Binding::NoSupply;
            headroom = 0.0;
        }
        let violation = !planned && headroom < -1e-9;
        let count = |class: &str| -> u32 {
            c.compute
                .accelerators
                .iter()
                .filter(|a| a.class == class)
                .map(|a| a.count.value)
                .sum()
        };
        let mut classes: Vec<&str> = c
            .compute
            .accelerators
            .iter()
            .map(|a| a.class.as_str())
            .collect();
        classes.dedup();
        centres.push(CentreCapacity {
            centre: c.id.to_string(),
            planned,
            racks_installed: c.physical_racks.value,
            racks_used: if planned {
                0
            } else {
                (f64::from(c.physical_racks.value) * u).round() as u32
            },
            it: p.it,
            it_capacity: c.it_capacity_mw.value,
            chain_limit: Mw(p.it.0 + chain.as_ref().map_or(0.0, |(room, _)| *room)),
            cooling,
            headroom: Mw(if planned { it_room } else { headroom.max(0.0) }),
            binding,
            violation,
            pflops: c.compute.pflops.value.0,
            pflops_allocated: if planned {
                0.0
            } else {
                c.compute.pflops.value.0 * u
            },
            accelerators: classes
                .into_iter()
                .map(|class| {
                    let n = count(class);
                    (
                        class.to_owned(),
                        n,
                        if planned { 0.0 } else { f64::from(n) * u },
                    )
                })
                .collect(),
        });
    }
    let operating = || centres.iter().filter(|c| !c.planned);
    let zones = s
        .zones
        .iter()
        .map(|z| {
            let mine = || {
                s.centres
                    .iter()
                    .zip(&centres)
                    .filter(|(sc, c)| sc.zone == z.id && !c.planned)
                    .map(|(_, c)| c)
            };
            ZoneCapacity {
                zone: z.id.to_string(),
                racks_installed: mine().map(|c| c.racks_installed).sum(),
                racks_used: mine().map(|c| c.racks_used).sum(),
                it: mine().map(|c| c.it).sum(),
                headroom: mine().map(|c| c.headroom).sum(),
                pflops: mine().map(|c| c.pflops).sum(),
                pflops_allocated: mine().map(|c| c.pflops_allocated).sum(),
            }
        })
        .collect();
    let mut accelerators: BTreeMap<String, (u32, f64)> = BTreeMap::new();
    for c in operating() {
        for (class, n, used) in &c.accelerators {
            let e = accelerators.entry(class.clone()).or_default();
            e.0 += n;
            e.1 += used;
        }
    }
    ParkCapacity {
        racks_installed: operating().map(|c| c.racks_installed).sum(),
        racks_used: operating().map(|c| c.racks_used).sum(),
        racks_planned: centres
            .iter()
            .filter(|c| c.planned)
            .map(|c| c.racks_installed)
            .sum(),
        it: operating().map(|c| c.it).sum(),
        headroom: operating().map(|c| c.headroom).sum(),
        pflops: operating().map(|c| c.pflops).sum(),
        pflops_allocated: operating().map(|c| c.pflops_allocated).sum(),
        pflops_planned: centres.iter().filter(|c| c.planned).map(|c| c.pflops).sum(),
        accelerators,
        zones,
        centres,
    }
}

impl Park {
    /// Every planned asset: centres, substations, transformers, feeders, green plants.
    pub fn planned_ids(&self) -> Vec<String> {
        let s = self.scenario();
        let mut ids: Vec<String> = s
            .centres
            .iter()
            .filter(|c| c.status == Status::Planned)
            .map(|c| c.id.to_string())
            .collect();
        for st in &s.substations {
            if st.status == Service::Planned {
                ids.push(st.id.to_string());
            }
            ids.extend(
                st.transformers
                    .iter()
                    .filter(|t| t.status == Service::Planned)
                    .map(|t| t.id.to_string()),
            );
        }
        ids.extend(
            s.feeders
                .iter()
                .filter(|f| f.status == Service::Planned)
                .map(|f| f.id.to_string()),
        );
        ids.extend(
            s.green_plants
                .iter()
                .filter(|g| g.status == Service::Planned)
                .map(|g| g.id.to_string()),
        );
        ids
    }

    /// The park with the named planned assets (centres, substations, transformers, feeders,
    /// green plants) switched into service: "what changes when it comes online". Unknown or
    /// already operating ids are returned as the error.
    pub fn with_in_service(&self, ids: &[&str]) -> Result<Park, Vec<String>> {
        let mut s = self.scenario().clone();
        let mut unknown: Vec<String> = Vec::new();
        for id in ids {
            let mut found = false;
            for c in s.centres.iter_mut().filter(|c| c.id.as_str() == *id) {
                found |= c.status == Status::Planned;
                c.status = Status::Operating;
            }
            for st in &mut s.substations {
                if st.id.as_str() == *id {
                    found |= st.status == Service::Planned;
                    st.status = Service::InService;
                }
                for t in st.transformers.iter_mut().filter(|t| t.id.as_str() == *id) {
                    found |= t.status == Service::Planned;
                    t.status = Service::InService;
                }
            }
            for f in s.feeders.iter_mut().filter(|f| f.id.as_str() == *id) {
                found |= f.status == Service::Planned;
                f.status = Service::InService;
            }
            for g in s.green_plants.iter_mut().filter(|g| g.id.as_str() == *id) {
                found |= g.status == Service::Planned;
                g.status = Service::InService;
            }
            if !found {
                unknown.push((*id).to_owned());
            }
        }
        if unknown.is_empty() {
            Ok(Park::new(s, self.warnings().to_vec()))
        } else {
            Err(unknown)
        }
    }
}
