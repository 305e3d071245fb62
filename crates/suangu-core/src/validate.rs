//! Rules serde cannot check: ids are unique and every reference resolves, the halls add up,
//! each asset has exactly one position, operating centres have an in-service supply.
//! Returns every problem found (errors and warnings), each with the path of the field at fault.

use crate::error::{ErrorKind, Issue};
use crate::path::FieldPath;
use crate::scenario::*;
use std::collections::{HashMap, HashSet};

/// Problems found, split by severity.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl Findings {
    fn error(&mut self, path: FieldPath, kind: ErrorKind, message: impl Into<String>) {
        self.errors.push(Issue::new(path, kind, message));
    }

    fn warning(&mut self, path: FieldPath, message: impl Into<String>) {
        self.warnings
            .push(Issue::new(path, ErrorKind::Inconsistent, message));
    }
}

/// Ids seen so far in one namespace, with the path where each was defined.
struct Ids<'a> {
    what: &'static str,
    seen: HashMap<&'a str, FieldPath>,
}

impl<'a> Ids<'a> {
    fn new(what: &'static str) -> Self {
        Self {
            what,
            seen: HashMap::new(),
        }
    }

    fn define(&mut self, id: &'a str, path: FieldPath, findings: &mut Findings) {
        if let Some(first) = self.seen.get(id) {
            findings.error(
                path,
                ErrorKind::DuplicateId,
                format!("{} id \"{id}\" is already used at {first}", self.what),
            );
        } else {
            self.seen.insert(id, path);
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.seen.contains_key(id)
    }

    fn require(&self, id: &str, path: FieldPath, findings: &mut Findings) {
        if !self.contains(id) {
            findings.error(
                path,
                ErrorKind::UnknownReference,
                format!("no {} with id \"{id}\"", self.what),
            );
        }
    }
}

pub fn validate(s: &Scenario) -> Findings {
    let mut f = Findings::default();
    let root = FieldPath::root();

    if s.format != FORMAT_VERSION {
        f.error(
            root.key("format"),
            ErrorKind::Inconsistent,
            format!(
                "format {} is not supported (this version reads {FORMAT_VERSION})",
                s.format
            ),
        );
    }
    if jiff::tz::TimeZone::get(&s.park.time_zone).is_err() {
        f.error(
            root.key("park").key("time_zone"),
            ErrorKind::UnknownReference,
            format!("unknown IANA time zone \"{}\"", s.park.time_zone),
        );
    }
    for (i, bound) in s.park.bounds_m.iter().enumerate() {
        if bound.0 <= 0.0 || !bound.0.is_finite() {
            f.error(
                root.key("park").key("bounds_m").index(i),
                ErrorKind::NegativeValue,
                "park bounds must be positive",
            );
        }
    }

    let mut zones = Ids::new("zone");
    for (i, zone) in s.zones.iter().enumerate() {
        let path = root.key("zones").index(i);
        zones.define(zone.id.as_str(), path.key("id"), &mut f);
        if zone.polygon.len() < 3 {
            f.error(
                path.key("polygon"),
                ErrorKind::Inconsistent,
                "a zone polygon needs at least 3 points",
            );
        }
    }

    let mut nodes = Ids::new("grid connection or substation");
    let mut grids = Ids::new("grid connection");
    for (i, grid) in s.grid.iter().enumerate() {
        let path = root.key("grid").index(i).key("id");
        grids.define(grid.id.as_str(), path.clone(), &mut f);
        nodes.define(grid.id.as_str(), path, &mut f);
    }
    let mut substations = Ids::new("substation");
    let mut transformers = Ids::new("transformer");
    for (i, station) in s.substations.iter().enumerate() {
        let path = root.key("substations").index(i);
        substations.define(station.id.as_str(), path.key("id"), &mut f);
        nodes.define(station.id.as_str(), path.key("id"), &mut f);
        if station.transformers.is_empty() {
            f.error(
                path.key("transformers"),
                ErrorKind::Inconsistent,
                "a substation needs at least one transformer",
            );
        }
        for (t, transformer) in station.transformers.iter().enumerate() {
            let tpath = path.key("transformers").index(t).key("id");
            transformers.define(transformer.id.as_str(), tpath.clone(), &mut f);
            if station.status == Service::Planned && transformer.status.in_service() {
                f.error(
                    tpath,
                    ErrorKind::Inconsistent,
                    "a transformer cannot be in service in a planned substation",
                );
            }
        }
    }
    for (i, station) in s.substations.iter().enumerate() {
        let path = root.key("substations").index(i).key("upstream");
        if station.upstream.is_empty() {
            f.error(
                path.clone(),
                ErrorKind::Inconsistent,
                "a substation needs at least one upstream supply",
            );
        }
        for (u, up) in station.upstream.iter().enumerate() {
            nodes.require(up.as_str(), path.index(u), &mut f);
            if up.as_str() == station.id.as_str() {
                f.error(
                    path.index(u),
                    ErrorKind::Inconsistent,
                    "a substation cannot supply itself",
                );
            }
        }
    }

    let transformer_service: HashMap<&str, Service> = s
        .substations
        .iter()
        .flat_map(|st| st.transformers.iter())
        .map(|t| (t.id.as_str(), t.status))
        .collect();
    let mut feeders = Ids::new("feeder");
    for (i, feeder) in s.feeders.iter().enumerate() {
        let path = root.key("feeders").index(i);
        feeders.define(feeder.id.as_str(), path.key("id"), &mut f);
        transformers.require(feeder.from.as_str(), path.key("from"), &mut f);
        if feeder.status.in_service()
            && transformer_service.get(feeder.from.as_str()) == Some(&Service::Planned)
        {
            f.error(
                path.key("status"),
                ErrorKind::Inconsistent,
                format!(
                    "feeder is in service but its transformer \"{}\" is planned",
                    feeder.from
                ),
            );
        }
    }
    let feeder_service: HashMap<&str, Service> = s
        .feeders
        .iter()
        .map(|fd| (fd.id.as_str(), fd.status))
        .collect();

    let mut centres = Ids::new("centre");
    let mut cooling = Ids::new("cooling plant");
    for (i, centre) in s.centres.iter().enumerate() {
        let path = root.key("centres").index(i);
        centres.define(centre.id.as_str(), path.key("id"), &mut f);
        zones.require(centre.zone.as_str(), path.key("zone"), &mut f);
        for (c, plant) in centre.cooling.iter().enumerate() {
            cooling.define(
                plant.id.as_str(),
                path.key("cooling").index(c).key("id"),
                &mut f,
            );
        }
        if centre.design_pue.value.0 < 1.0 {
            f.error(
                path.key("design_pue"),
                ErrorKind::Inconsistent,
                format!("PUE {} is below 1.0", centre.design_pue.value.0),
            );
        }
        let hall_racks: u64 = centre.halls.iter().map(|h| u64::from(h.racks())).sum();
        if hall_racks != u64::from(centre.physical_racks.value) {
            f.error(
                path.key("physical_racks"),
                ErrorKind::Inconsistent,
                format!(
                    "physical_racks is {} but the halls' rows hold {hall_racks}",
                    centre.physical_racks.value
                ),
            );
        }
        let nameplate_mw =
            f64::from(centre.physical_racks.value) * centre.kw_per_rack.value.0 / 1000.0;
        let it = centre.it_capacity_mw.value.0;
        if it > 0.0 && (nameplate_mw - it).abs() / it > 0.10 {
            f.warning(
                path.key("it_capacity_mw"),
                format!(
                    "IT capacity {it} MW differs by more than 10 % from racks x kW per rack ({nameplate_mw:.1} MW)"
                ),
            );
        }
        if centre.feeds.is_empty() {
            f.error(
                path.key("feeds"),
                ErrorKind::Inconsistent,
                "a centre needs at least one feed",
            );
        }
        let mut seen_feeders = HashSet::new();
        for (k, feed) in centre.feeds.iter().enumerate() {
            let fpath = path.key("feeds").index(k).key("feeder");
            feeders.require(feed.feeder.as_str(), fpath.clone(), &mut f);
            if !seen_feeders.insert(feed.feeder.as_str()) {
                f.error(
                    fpath,
                    ErrorKind::DuplicateId,
                    format!("feeder \"{}\" is listed twice for this centre", feed.feeder),
                );
            }
        }
        let energised_feed = centre
            .feeds
            .iter()
            .any(|feed| feeder_service.get(feed.feeder.as_str()) == Some(&Service::InService));
        if centre.status == Status::Operating && !centre.feeds.is_empty() && !energised_feed {
            f.error(
                path.key("feeds"),
                ErrorKind::Inconsistent,
                "an operating centre needs at least one in-service feeder",
            );
        }
    }

    let mut plants = Ids::new("green plant");
    for (i, plant) in s.green_plants.iter().enumerate() {
        let path = root.key("green_plants").index(i);
        plants.define(plant.id.as_str(), path.key("id"), &mut f);
        let target = plant.connects_to.as_str();
        match plant.connection {
            Connection::BehindMeter => substations.require(target, path.key("connects_to"), &mut f),
            Connection::GridContract => grids.require(target, path.key("connects_to"), &mut f),
        }
        let storage_fields = [
            ("energy_mwh", plant.energy_mwh.is_some()),
            (
                "round_trip_efficiency",
                plant.round_trip_efficiency.is_some(),
            ),
        ];
        for (field, present) in storage_fields {
            match (plant.kind, present) {
                (PlantKind::Storage, false) => f.error(
                    path.key(field),
                    ErrorKind::MissingField,
                    format!("storage needs {field}"),
                ),
                (PlantKind::Wind | PlantKind::Pv, true) => f.error(
                    path.key(field),
                    ErrorKind::Inconsistent,
                    format!("only storage has {field}"),
                ),
                _ => {}
            }
        }
        if let Some(eff) = &plant.round_trip_efficiency
            && !(eff.value.0 > 0.0 && eff.value.0 <= 1.0)
        {
            f.error(
                path.key("round_trip_efficiency"),
                ErrorKind::Inconsistent,
                "round-trip efficiency must be in (0, 1]",
            );
        }
        if plant.at.is_some() == plant.off_site.is_some() {
            f.error(
                path.clone(),
                ErrorKind::Inconsistent,
                "give exactly one of `at` (on the park map) or `off_site`",
            );
        }
    }

    let rings = &s.network.rings_ms.value;
    if rings.is_empty() || rings.windows(2).any(|w| w[0].0 >= w[1].0) {
        f.error(
            root.key("network").key("rings_ms"),
            ErrorKind::Inconsistent,
            "latency rings must be a non-empty, strictly ascending list",
        );
    }
    let mut regions = Ids::new("region");
    for (i, region) in s.network.regions.iter().enumerate() {
        regions.define(
            region.id.as_str(),
            root.key("network").key("regions").index(i).key("id"),
            &mut f,
        );
    }
    if s.green.target_share.value.0 > 1.0 {
        f.error(
            root.key("green").key("target_share"),
            ErrorKind::Inconsistent,
            "a share is at most 1.0",
        );
    }
    f
}
