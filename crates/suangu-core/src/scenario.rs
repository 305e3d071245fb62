//! The scenario format, version 1: the park described as data (TOML). These types are what the
//! file says, one-to-one; `load` reads them and `validate` checks what serde cannot (references,
//! uniqueness, consistency). Geometry is in metres, x east and y north from the park's south-west
//! corner; it is a plausible design, its origin stated once in `park.geometry_origin`.
//!
//! See `docs/scenario-format.md` for a field-by-field description.

use crate::figure::{Figure, Origin};
use crate::ids::*;
use crate::units::*;
use serde::{Deserialize, Serialize};

/// The scenario format version this core reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be [`FORMAT_VERSION`].
    pub format: u32,
    pub park: ParkInfo,
    #[serde(default)]
    pub axes: Vec<Axis>,
    #[serde(default)]
    pub cores: Vec<Core>,
    #[serde(default)]
    pub roads: Vec<Road>,
    pub zones: Vec<Zone>,
    pub centres: Vec<Centre>,
    pub grid: Vec<GridConnection>,
    pub substations: Vec<Substation>,
    pub feeders: Vec<Feeder>,
    #[serde(default)]
    pub green_plants: Vec<GreenPlant>,
    pub green: GreenPolicy,
    pub network: Network,
}

/// A name in the park's two display languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Name {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Operating,
    Planned,
}

/// In-service state of an electrical element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    InService,
    Planned,
}

impl Service {
    pub fn in_service(self) -> bool {
        self == Service::InService
    }
}

/// A point in park coordinates: `[x_m, y_m]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point(pub Metres, pub Metres);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParkInfo {
    pub id: String,
    pub name: Name,
    /// The date the scenario describes (the park "as of").
    pub date: jiff::civil::Date,
    /// IANA time zone used to show times and apply tariffs (e.g. Asia/Shanghai).
    pub time_zone: String,
    /// Where the park is on Earth (for the sun): `[latitude_deg, longitude_deg]`.
    pub location_deg: [Degrees; 2],
    pub area_mu: Figure<Mu>,
    /// Width and height of the park's bounding box, metres.
    pub bounds_m: [Metres; 2],
    /// Origin of all geometry (polygons, positions, footprints) in the file.
    pub geometry_origin: Origin,
    pub targets: Targets,
}

/// Published targets for the park (e.g. "double 100,000").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub standard_racks: Figure<u32>,
    pub pflops: Figure<Pflops>,
    pub pue_max: Figure<Pue>,
}

/// A development axis ("two axes").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    pub id: String,
    pub name: Name,
    pub from: Point,
    pub to: Point,
}

/// A centre of the spatial plan ("two centres"), not a data centre.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Core {
    pub id: String,
    pub name: Name,
    pub at: Point,
    pub radius_m: Metres,
}

/// A road of the park network ("five horizontal, four vertical").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Road {
    pub id: String,
    pub from: Point,
    pub to: Point,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    HubScheduling,
    IntelligentComputing,
    DataCentre,
    Energy,
    TalentTraining,
    SupportServices,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub id: ZoneId,
    pub name: Name,
    pub kind: ZoneKind,
    pub polygon: Vec<Point>,
    /// One-way latency from the zone's buildings to the park's network hub.
    pub access_latency_ms: Figure<Millis>,
}

/// An axis-aligned rectangle: south-west corner and size.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Footprint {
    pub at: Point,
    pub size_m: [Metres; 2],
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Centre {
    pub id: CentreId,
    pub name: Name,
    /// A short label for the map (default: the name).
    pub short_name: Option<Name>,
    pub zone: ZoneId,
    pub operator: Name,
    pub status: Status,
    pub footprint: Footprint,
    /// Physical racks installed (or to be installed, when planned); equals the halls' rows.
    pub physical_racks: Figure<u32>,
    /// Design power per physical rack.
    pub kw_per_rack: Figure<Kw>,
    /// IT capacity (UPS-backed IT load the centre is built for).
    pub it_capacity_mw: Figure<Mw>,
    pub design_pue: Figure<Pue>,
    pub halls: Vec<Hall>,
    pub cooling: Vec<CoolingPlant>,
    pub compute: Compute,
    /// Feeders that supply the centre; `side` A/B marks dual feeds.
    pub feeds: Vec<Feed>,
}

/// A data hall: rows of racks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hall {
    pub id: String,
    pub rows: u32,
    pub racks_per_row: u32,
}

impl Hall {
    pub fn racks(&self) -> u32 {
        self.rows.saturating_mul(self.racks_per_row)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoolingKind {
    /// Chilled water with air-side or water-side economiser (free cooling most of the year).
    FreeCoolingChiller,
    /// Evaporative / indirect evaporative air handling.
    Evaporative,
    /// Direct-to-chip liquid cooling through CDUs and dry coolers.
    LiquidCooling,
    /// Dry coolers only.
    DryCooler,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoolingPlant {
    pub id: CoolingId,
    pub kind: CoolingKind,
    /// Heat it can remove.
    pub capacity_mw: Figure<Mw>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compute {
    pub pflops: Figure<Pflops>,
    #[serde(default)]
    pub accelerators: Vec<AcceleratorPool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceleratorPool {
    /// A free-form class name shared across centres (e.g. `gpu_training`, `npu`).
    pub class: String,
    pub count: Figure<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Side {
    A,
    B,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feed {
    pub feeder: FeederId,
    pub side: Side,
}

/// Where an asset is drawn: on the park map, or off site in a direction.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OffSite {
    pub bearing_deg: Degrees,
    pub distance_km: Figure<Km>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridConnection {
    pub id: GridId,
    pub name: Name,
    pub kv: Figure<Kv>,
    pub status: Service,
    pub off_site: OffSite,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Substation {
    pub id: SubstationId,
    pub name: Name,
    pub kv: Figure<Kv>,
    pub status: Service,
    pub at: Point,
    /// Grid connections or substations this one is supplied from; losing all of them de-energises it.
    pub upstream: Vec<SupplyNodeId>,
    pub transformers: Vec<Transformer>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transformer {
    pub id: TransformerId,
    pub mva: Figure<Mva>,
    pub status: Service,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feeder {
    pub id: FeederId,
    /// The transformer the feeder leaves from.
    pub from: TransformerId,
    pub kv: Figure<Kv>,
    pub capacity_mw: Figure<Mw>,
    pub status: Service,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlantKind {
    Wind,
    Pv,
    Storage,
}

/// How a green plant's energy reaches the park.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    /// On the park side of the meter, at a substation (`connects_to` names the substation).
    BehindMeter,
    /// Delivered through the grid under a supply contract (`connects_to` names the grid connection).
    GridContract,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GreenPlant {
    pub id: PlantId,
    pub name: Name,
    pub kind: PlantKind,
    pub status: Service,
    pub capacity_mw: Figure<Mw>,
    /// Energy capacity; required for storage, absent otherwise.
    pub energy_mwh: Option<Figure<Mwh>>,
    /// Round-trip efficiency; required for storage, absent otherwise.
    pub round_trip_efficiency: Option<Figure<Ratio>>,
    pub connection: Connection,
    pub connects_to: SupplyNodeId,
    /// On the park map...
    pub at: Option<Point>,
    /// ...or off site (exactly one of the two).
    pub off_site: Option<OffSite>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GreenPolicy {
    /// Most surplus green power the park may push back to the grid.
    pub export_limit_mw: Figure<Mw>,
    /// Share of consumption promised to be green (1.0 = "100 % green").
    pub target_share: Figure<Ratio>,
    /// Average emission factor of the regional grid, t CO2 per MWh.
    pub grid_factor_t_per_mwh: Figure<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Latency ring boundaries, ascending (the seed's "1-3-7-14 ms").
    pub rings_ms: Figure<Vec<Millis>>,
    pub regions: Vec<Region>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    /// An eastern region buying compute.
    Demand,
    /// Another national hub node.
    Hub,
    /// A city paired with the park for compute cooperation.
    Paired,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: RegionId,
    pub name: Name,
    pub kind: RegionKind,
    /// Direction from the park, for drawing the link.
    pub bearing_deg: Degrees,
    /// One-way latency from the park's network hub.
    pub latency_ms: Figure<Millis>,
}
