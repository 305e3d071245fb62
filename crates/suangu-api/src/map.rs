//! Shaping the park model into what the map draws.

use crate::dto::*;
use crate::name;
use std::collections::HashMap;
use suangu_core::park::centre_standard_racks;
use suangu_core::scenario::{self as sc, Point};
use suangu_core::{Park, SupplyState};

fn xy(p: &Point) -> [f64; 2] {
    [p.0.0, p.1.0]
}

pub(crate) fn park_map(park: &Park) -> ParkMap {
    let s = park.scenario();
    let supply: HashMap<String, SupplyState> = park
        .supply_with_outages(&[])
        .into_iter()
        .map(|c| (c.centre.0, c.state))
        .collect();
    let station_of: HashMap<&str, &str> = s
        .substations
        .iter()
        .flat_map(|st| {
            st.transformers
                .iter()
                .map(move |t| (t.id.as_str(), st.id.as_str()))
        })
        .collect();
    let rings: Vec<f64> = s.network.rings_ms.value.iter().map(|r| r.0).collect();

    ParkMap {
        id: s.park.id.clone(),
        name: name(&s.park.name),
        bounds_m: [s.park.bounds_m[0].0, s.park.bounds_m[1].0],
        zones: s
            .zones
            .iter()
            .map(|z| MapZone {
                id: z.id.to_string(),
                name: name(&z.name),
                kind: zone_kind(z.kind),
                polygon_m: z.polygon.iter().map(xy).collect(),
            })
            .collect(),
        axes: s
            .axes
            .iter()
            .map(|a| MapAxis {
                id: a.id.clone(),
                name: name(&a.name),
                from_m: xy(&a.from),
                to_m: xy(&a.to),
            })
            .collect(),
        roads: s
            .roads
            .iter()
            .map(|r| MapRoad {
                id: r.id.clone(),
                from_m: xy(&r.from),
                to_m: xy(&r.to),
            })
            .collect(),
        cores: s
            .cores
            .iter()
            .map(|c| MapCore {
                id: c.id.clone(),
                name: name(&c.name),
                at_m: xy(&c.at),
                radius_m: c.radius_m.0,
            })
            .collect(),
        centres: s
            .centres
            .iter()
            .map(|c| MapCentre {
                id: c.id.to_string(),
                name: name(&c.name),
                label: name(c.short_name.as_ref().unwrap_or(&c.name)),
                operator: name(&c.operator),
                zone: c.zone.to_string(),
                status: match c.status {
                    sc::Status::Operating => CentreStatus::Operating,
                    sc::Status::Planned => CentreStatus::Planned,
                },
                at_m: xy(&c.footprint.at),
                size_m: [c.footprint.size_m[0].0, c.footprint.size_m[1].0],
                physical_racks: c.physical_racks.value,
                standard_racks: centre_standard_racks(c),
                kw_per_rack: c.kw_per_rack.value.0,
                it_capacity_mw: c.it_capacity_mw.value.0,
                design_pue: c.design_pue.value.0,
                pflops: c.compute.pflops.value.0,
                supply: supply_dto(
                    supply
                        .get(c.id.as_str())
                        .copied()
                        .unwrap_or(SupplyState::Lost),
                ),
                feeds: c
                    .feeds
                    .iter()
                    .map(|f| MapFeed {
                        feeder: f.feeder.to_string(),
                        side: match f.side {
                            sc::Side::A => "A".to_owned(),
                            sc::Side::B => "B".to_owned(),
                        },
                    })
                    .collect(),
            })
            .collect(),
        substations: s
            .substations
            .iter()
            .map(|st| MapSubstation {
                id: st.id.to_string(),
                name: name(&st.name),
                kv: st.kv.value.0,
                mva: st.transformers.iter().map(|t| t.mva.value.0).sum(),
                in_service: st.status.in_service(),
                at_m: xy(&st.at),
                upstream: st.upstream.iter().map(ToString::to_string).collect(),
            })
            .collect(),
        feeders: s
            .feeders
            .iter()
            .map(|f| MapFeeder {
                id: f.id.to_string(),
                substation: station_of
                    .get(f.from.as_str())
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                transformer: f.from.to_string(),
                kv: f.kv.value.0,
                capacity_mw: f.capacity_mw.value.0,
                in_service: f.status.in_service(),
                centres: s
                    .centres
                    .iter()
                    .filter(|c| c.feeds.iter().any(|feed| feed.feeder == f.id))
                    .map(|c| c.id.to_string())
                    .collect(),
            })
            .collect(),
        grid: s
            .grid
            .iter()
            .map(|g| MapGrid {
                id: g.id.to_string(),
                name: name(&g.name),
                kv: g.kv.value.0,
                in_service: g.status.in_service(),
                bearing_deg: g.off_site.bearing_deg.0,
                distance_km: g.off_site.distance_km.value.0,
            })
            .collect(),
        plants: s
            .green_plants
            .iter()
            .map(|p| MapPlant {
                id: p.id.to_string(),
                name: name(&p.name),
                kind: match p.kind {
                    sc::PlantKind::Wind => PlantKind::Wind,
                    sc::PlantKind::Pv => PlantKind::Pv,
                    sc::PlantKind::Storage => PlantKind::Storage,
                },
                capacity_mw: p.capacity_mw.value.0,
                energy_mwh: p.energy_mwh.as_ref().map(|e| e.value.0),
                in_service: p.status.in_service(),
                behind_meter: p.connection == sc::Connection::BehindMeter,
                connects_to: p.connects_to.to_string(),
                at_m: p.at.as_ref().map(xy),
                off_site: p.off_site.as_ref().map(|o| OffSite {
                    bearing_deg: o.bearing_deg.0,
                    distance_km: o.distance_km.value.0,
                }),
            })
            .collect(),
        regions: s
            .network
            .regions
            .iter()
            .map(|r| MapRegion {
                id: r.id.to_string(),
                name: name(&r.name),
                kind: match r.kind {
                    sc::RegionKind::Demand => RegionKind::Demand,
                    sc::RegionKind::Hub => RegionKind::Hub,
                    sc::RegionKind::Paired => RegionKind::Paired,
                },
                bearing_deg: r.bearing_deg.0,
                latency_ms: r.latency_ms.value.0,
                ring_ms: rings
                    .iter()
                    .copied()
                    .find(|ring| r.latency_ms.value.0 <= *ring),
            })
            .collect(),
        rings_ms: rings,
    }
}

fn zone_kind(kind: sc::ZoneKind) -> ZoneKind {
    match kind {
        sc::ZoneKind::HubScheduling => ZoneKind::HubScheduling,
        sc::ZoneKind::IntelligentComputing => ZoneKind::IntelligentComputing,
        sc::ZoneKind::DataCentre => ZoneKind::DataCentre,
        sc::ZoneKind::Energy => ZoneKind::Energy,
        sc::ZoneKind::TalentTraining => ZoneKind::TalentTraining,
        sc::ZoneKind::SupportServices => ZoneKind::SupportServices,
    }
}

pub(crate) fn supply_dto(state: SupplyState) -> Supply {
    match state {
        SupplyState::Redundant => Supply::Redundant,
        SupplyState::SingleFed => Supply::SingleFed,
        SupplyState::RedundancyLost => Supply::RedundancyLost,
        SupplyState::Lost => Supply::Lost,
    }
}
