//! The digital twin: a simulated park that behaves like Qingyang, deterministic from a seed.
//!
//! Architecture invariant: no I/O and no clock. Every value is a pure function of (scenario,
//! seed, faults, instant), so any instant can be computed alone, in any order, and the same
//! inputs give the same numbers byte for byte. The engine decides which instants to ask for.

mod demo;
mod jobs;
mod noise;
mod telemetry;

pub use demo::{DemoPack, DemoStep, demo_pack, demo_packs};
pub use jobs::generate_jobs;
pub use telemetry::{RACK_METRICS, RackMetric};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use noise::{smooth, weather, white};
use std::f64::consts::{PI, TAU};
pub use suangu_core::contingency::Loading;
use suangu_core::interval::{CentrePower, PowerSample};
use suangu_core::scenario::{Connection, PlantKind, Status};
use suangu_core::units::{Mw, Pue};
use suangu_core::{Park, SupplyState};

// Noise streams: one per phenomenon, so changing one never shifts another.
const TEMP: u64 = 1;
const WIND: u64 = 10;
const CLOUD: u64 = 20;
const FORECAST_WIND: u64 = 30;
const FORECAST_CLOUD: u64 = 40;
const CENTRE: u64 = 1_000;
const RACK: u64 = 1_000_000;

/// Something that goes wrong, from `from` until `until` (open-ended when None).
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub kind: FaultKind,
    pub from: Timestamp,
    pub until: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// A grid connection, substation, transformer or feeder trips.
    Trip(String),
    /// A cooling plant is lost; its centre sheds IT load above the cooling left.
    CoolingLoss(String),
    /// Wind output falls to `factor` of what the weather would give.
    WindLull { factor: f64 },
    /// The link to a region is cut.
    LinkCut(String),
    /// The park's telemetry stops arriving (a gateway or link to the control room fails): the
    /// source sends nothing, and screens must show the data as stale, not freeze on it.
    TelemetryLoss,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FaultError {
    #[error(
        "no power-chain element with id \"{0}\" (grid connection, substation, transformer or feeder)"
    )]
    UnknownElement(String),
    #[error("no cooling plant with id \"{0}\"")]
    UnknownCoolingPlant(String),
    #[error("no region with id \"{0}\"")]
    UnknownRegion(String),
    #[error("wind lull factor {0} is not between 0 and 1")]
    BadFactor(f64),
}

/// The weather at an instant, as the plants and cooling feel it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weather {
    pub outdoor_c: f64,
    /// Wind capacity factor 0..=1.
    pub wind_cf: f64,
    /// PV capacity factor 0..=1.
    pub pv_cf: f64,
}

/// One centre's state at an instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CentreState {
    /// Compute utilisation 0..=1 of what is running.
    pub utilisation: f64,
    pub pue: Pue,
    pub supply: SupplyState,
    /// IT load shed because supply or cooling was lost.
    pub shed: Mw,
}

/// Everything the twin says about one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct TwinSample {
    pub power: PowerSample,
    pub centres: Vec<CentreState>,
    pub weather: Weather,
    pub wind: Mw,
    pub pv: Mw,
    /// Regions whose link is cut.
    pub links_down: Vec<String>,
    /// In-service substations and feeders that are not energised (tripped, or cut off above).
    pub stations_down: Vec<String>,
    pub feeders_down: Vec<String>,
    /// Load carried by each feeder, transformer and substation (scenario order).
    pub loading: Loading,
}

/// One physical rack at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RackSample {
    pub power_kw: f32,
    pub inlet_c: f32,
    pub utilisation: f32,
}

struct CentreModel {
    nameplate: Mw,
    it_capacity: Mw,
    design_pue: f64,
    kw_per_rack: f64,
    racks: u32,
    operating: bool,
    /// Shares of training, inference and batch work.
    mix: [f64; 3],
    cooling: Vec<(String, Mw)>,
}

struct PlantModel {
    kind: PlantKind,
    capacity: Mw,
    behind_meter: bool,
    connects_to: String,
}

/// The twin of one park.
pub struct Twin {
    park: Park,
    seed: u64,
    tz: TimeZone,
    latitude: f64,
    longitude: f64,
    centres: Vec<CentreModel>,
    plants: Vec<PlantModel>,
    faults: Vec<Fault>,
}

impl Twin {
    pub fn new(park: Park, seed: u64) -> Self {
        let s = park.scenario();
        let centres = s
            .centres
            .iter()
            .map(|c| {
                let count = |class: &str| -> f64 {
                    c.compute
                        .accelerators
                        .iter()
                        .filter(|a| a.class == class)
                        .map(|a| f64::from(a.count.value))
                        .sum()
                };
                let npu = count("npu");
                let train = count("gpu_training") + 0.5 * npu;
                let infer = count("gpu_inference") + 0.5 * npu;
                let accel = train + infer;
                let batch = if accel > 0.0 { 0.25 * accel } else { 1.0 };
                let total = train + infer + batch;
                CentreModel {
                    nameplate: Mw(
                        f64::from(c.physical_racks.value) * c.kw_per_rack.value.0 / 1000.0
                    ),
                    it_capacity: c.it_capacity_mw.value,
                    design_pue: c.design_pue.value.0,
                    kw_per_rack: c.kw_per_rack.value.0,
                    racks: c.physical_racks.value,
                    operating: c.status == Status::Operating,
                    mix: [train / total, infer / total, batch / total],
                    cooling: c
                        .cooling
                        .iter()
                        .map(|p| (p.id.to_string(), p.capacity_mw.value))
                        .collect(),
                }
            })
            .collect();
        let plants = s
            .green_plants
            .iter()
            .filter(|p| p.status.in_service())
            .map(|p| PlantModel {
                kind: p.kind,
                capacity: p.capacity_mw.value,
                behind_meter: p.connection == Connection::BehindMeter,
                connects_to: p.connects_to.to_string(),
            })
            .collect();
        Self {
            tz: TimeZone::get(&s.park.time_zone).unwrap_or(TimeZone::UTC),
            latitude: s.park.location_deg[0].0,
            longitude: s.park.location_deg[1].0,
            centres,
            plants,
            faults: Vec::new(),
            seed,
            park,
        }
    }

    pub fn park(&self) -> &Park {
        &self.park
    }

    /// Add a fault after checking that what it names exists.
    pub fn inject(&mut self, fault: Fault) -> Result<(), FaultError> {
        let s = self.park.scenario();
        match &fault.kind {
            FaultKind::Trip(id) => {
                let known = s.grid.iter().any(|g| g.id.as_str() == id)
                    || s.substations.iter().any(|st| {
                        st.id.as_str() == id || st.transformers.iter().any(|t| t.id.as_str() == id)
                    })
                    || s.feeders.iter().any(|f| f.id.as_str() == id);
                if !known {
                    return Err(FaultError::UnknownElement(id.clone()));
                }
            }
            FaultKind::CoolingLoss(id) => {
                if !s
                    .centres
                    .iter()
                    .any(|c| c.cooling.iter().any(|p| p.id.as_str() == id))
                {
                    return Err(FaultError::UnknownCoolingPlant(id.clone()));
                }
            }
            FaultKind::WindLull { factor } => {
                if !(0.0..=1.0).contains(factor) {
                    return Err(FaultError::BadFactor(*factor));
                }
            }
            FaultKind::LinkCut(id) => {
                if !s.network.regions.iter().any(|r| r.id.as_str() == id) {
                    return Err(FaultError::UnknownRegion(id.clone()));
                }
            }
            FaultKind::TelemetryLoss => {}
        }
        self.faults.push(fault);
        Ok(())
    }

    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    /// Whether telemetry is lost at `t` (the source then has nothing to send).
    pub fn telemetry_lost(&self, t: Timestamp) -> bool {
        self.active(t)
            .any(|f| matches!(f, FaultKind::TelemetryLoss))
    }

    /// Own green generation at `target` as forecast at `issued` (wind + PV, and the part behind
    /// the meter), MW; the error grows with lead time like [`Twin::forecast`].
    pub fn green_forecast(&self, issued: Timestamp, target: Timestamp) -> (Mw, Mw) {
        let w = self.forecast(issued, target);
        let mut total = Mw::ZERO;
        let mut btm = Mw::ZERO;
        for p in &self.plants {
            let out = match p.kind {
                PlantKind::Wind => p.capacity * w.wind_cf,
                PlantKind::Pv => p.capacity * w.pv_cf,
                PlantKind::Storage => continue,
            };
            total = total + out;
            if p.behind_meter {
                btm = btm + out;
            }
        }
        (total, btm)
    }

    /// What is out at `t`: tripped elements and lost cooling plants.
    pub fn outages(&self, t: Timestamp) -> (Vec<String>, Vec<String>) {
        let mut trips = Vec::new();
        let mut cooling = Vec::new();
        for kind in self.active(t) {
            match kind {
                FaultKind::Trip(id) => trips.push(id.clone()),
                FaultKind::CoolingLoss(id) => cooling.push(id.clone()),
                _ => {}
            }
        }
        (trips, cooling)
    }

    fn active(&self, t: Timestamp) -> impl Iterator<Item = &FaultKind> {
        self.faults
            .iter()
            .filter(move |f| f.from <= t && f.until.is_none_or(|u| t < u))
            .map(|f| &f.kind)
    }

    fn local_hour(&self, t: Timestamp) -> f64 {
        let dt = self.tz.to_datetime(t);
        f64::from(dt.hour()) + f64::from(dt.minute()) / 60.0 + f64::from(dt.second()) / 3600.0
    }

    /// The weather at `t`.
    pub fn weather(&self, t: Timestamp) -> Weather {
        self.weather_with(t, 0.0)
    }

    /// What a forecast issued at `issued` says the weather at `target` will be. It differs from
    /// what then happens, more the further ahead it looks.
    pub fn forecast(&self, issued: Timestamp, target: Timestamp) -> Weather {
        let lead_h = (target.as_second() - issued.as_second()).max(0) as f64 / 3600.0;
        self.weather_with(target, (0.12 + 0.5 * (lead_h / 48.0)).min(0.8))
    }

    fn weather_with(&self, t: Timestamp, forecast_error: f64) -> Weather {
        let ts = t.as_second();
        let doy = f64::from(self.tz.to_datetime(t).day_of_year());
        let local_h = self.local_hour(t);
        let blend = |actual: f64, stream: u64, period: i64| {
            if forecast_error > 0.0 {
                (1.0 - forecast_error) * actual
                    + forecast_error * weather(self.seed, stream, ts, period)
            } else {
                actual
            }
        };

        // Temperature: Qingyang's annual mean ~9 C (public), cold dry winters, warm summers.
        let outdoor_c = 9.0 - 12.5 * (TAU * (doy - 15.0) / 365.0).cos()
            + 5.5 * (TAU * (local_h - 9.0) / 24.0).sin()
            + 3.0 * weather(self.seed, TEMP, ts, 3 * 86_400);

        // Wind: stronger in spring and at night; weather systems over a day or two.
        let gust = blend(
            weather(self.seed, WIND, ts, 36 * 3600),
            FORECAST_WIND,
            36 * 3600,
        );
        let speed = (6.8
            + 1.1 * (TAU * (doy - 100.0) / 365.0).cos()
            + 0.9 * (TAU * (local_h - 3.0) / 24.0).cos())
            * (0.55 * gust).exp();
        let wind_cf = power_curve(speed);

        // PV: clear-sky from the sun's elevation, dimmed by cloud.
        let elevation = solar_elevation(self.latitude, self.longitude, doy, t);
        let clear = if elevation > 0.0 {
            elevation.sin().powf(1.15) * 0.82
        } else {
            0.0
        };
        let cloud = blend(
            weather(self.seed, CLOUD, ts, 2 * 86_400),
            FORECAST_CLOUD,
            2 * 86_400,
        );
        let cloudiness = (0.15 + 0.55 * cloud).clamp(0.0, 1.0);
        let pv_cf = (clear * (1.0 - 0.75 * cloudiness)).clamp(0.0, 1.0);

        Weather {
            outdoor_c,
            wind_cf,
            pv_cf,
        }
    }

    /// Compute utilisation of centre `index` at `t`, before faults.
    fn utilisation(&self, index: usize, t: Timestamp, local_h: f64) -> f64 {
        let c = &self.centres[index];
        let ts = t.as_second();
        let stream = CENTRE + index as u64 * 10;
        let training = 0.86 + 0.06 * smooth(self.seed, stream, ts, 6 * 3600);
        // Eastern users: a working-day hump and an evening peak (Beijing time).
        let inference = 0.22
            + 0.5 * gauss(local_h, 14.0, 4.5)
            + 0.45 * gauss(local_h, 21.0, 2.2)
            + 0.05 * smooth(self.seed, stream + 1, ts, 1800);
        let batch = 0.5
            + 0.25 * gauss(local_h, 3.0, 3.0)
            + 0.1 * smooth(self.seed, stream + 2, ts, 3 * 3600);
        (c.mix[0] * training + c.mix[1] * inference + c.mix[2] * batch).clamp(0.0, 1.0)
    }

    /// The park at `t`.
    pub fn sample(&self, t: Timestamp) -> TwinSample {
        let weather = self.weather(t);
        let local_h = self.local_hour(t);
        let mut trips: Vec<&str> = Vec::new();
        let mut cooling_lost: Vec<&str> = Vec::new();
        let mut wind_factor: f64 = 1.0;
        let mut links_down = Vec::new();
        for fault in self.active(t) {
            match fault {
                FaultKind::Trip(id) => trips.push(id),
                FaultKind::CoolingLoss(id) => cooling_lost.push(id),
                FaultKind::WindLull { factor } => wind_factor = wind_factor.min(*factor),
                FaultKind::LinkCut(id) => links_down.push(id.clone()),
                FaultKind::TelemetryLoss => {}
            }
        }
        let supply = self.park.supply_with_outages(&trips);

        let mut centres = Vec::with_capacity(self.centres.len());
        let mut power = Vec::with_capacity(self.centres.len());
        for (i, c) in self.centres.iter().enumerate() {
            let state = supply.get(i).map_or(SupplyState::Lost, |s| s.state);
            let u = if c.operating {
                self.utilisation(i, t, local_h)
            } else {
                0.0
            };
            let demand = if c.operating {
                Mw((c.nameplate.0 * (0.30 + 0.65 * u)).min(c.it_capacity.0))
            } else {
                Mw::ZERO
            };
            let cooling_left: Mw = c
                .cooling
                .iter()
                .filter(|(id, _)| !cooling_lost.contains(&id.as_str()))
                .map(|(_, cap)| *cap)
                .sum();
            let it = match state {
                SupplyState::Lost => Mw::ZERO,
                _ => Mw(demand.0.min(cooling_left.0)),
            };
            let load_frac = if c.nameplate.0 > 0.0 {
                it.0 / c.nameplate.0
            } else {
                0.0
            };
            let temp_factor = (0.8 + 0.02 * (weather.outdoor_c - 9.0)).clamp(0.55, 1.5);
            let part_load = 1.0 + 0.4 * (1.0 - load_frac).max(0.0);
            let pue = Pue(1.0 + (c.design_pue - 1.0) * temp_factor * part_load);
            power.push(CentrePower {
                it,
                facility: pue.facility(it),
            });
            centres.push(CentreState {
                utilisation: if it.0 > 0.0 { u } else { 0.0 },
                pue,
                supply: state,
                shed: demand - it,
            });
        }

        let mut wind = Mw::ZERO;
        let mut pv = Mw::ZERO;
        let mut btm = Mw::ZERO;
        let mut contract = Mw::ZERO;
        for p in &self.plants {
            let out = match p.kind {
                PlantKind::Wind => p.capacity * (weather.wind_cf * wind_factor),
                PlantKind::Pv => p.capacity * weather.pv_cf,
                PlantKind::Storage => continue,
            };
            // A plant whose connection point is tripped delivers nothing.
            let delivered = if trips.contains(&p.connects_to.as_str()) {
                Mw::ZERO
            } else {
                out
            };
            match p.kind {
                PlantKind::Wind => wind = wind + delivered,
                _ => pv = pv + delivered,
            }
            if p.behind_meter {
                btm = btm + delivered;
            } else {
                contract = contract + delivered;
            }
        }

        let facility: Vec<Mw> = power.iter().map(|p| p.facility).collect();
        let loading = self.park.loading(&trips, &facility);
        let sc = self.park.scenario();
        let stations_down = sc
            .substations
            .iter()
            .zip(self.park.energised_substations(&trips))
            .filter(|(st, live)| st.status.in_service() && !live)
            .map(|(st, _)| st.id.to_string())
            .collect();
        let feeders_down = sc
            .feeders
            .iter()
            .zip(self.park.energised_feeders(&trips))
            .filter(|(f, live)| f.status.in_service() && !live)
            .map(|(f, _)| f.id.to_string())
            .collect();
        TwinSample {
            power: PowerSample {
                at: t,
                centres: power,
                gen_behind_meter: btm,
                gen_contract: contract,
            },
            centres,
            weather,
            wind,
            pv,
            links_down,
            stations_down,
            feeders_down,
            loading,
        }
    }

    /// Number of physical racks of centre `index`.
    pub fn rack_count(&self, index: usize) -> u32 {
        self.centres.get(index).map_or(0, |c| c.racks)
    }

    /// Every physical rack of centre `index` at `t`, written into `out` (cleared first), in hall
    /// and row order. `state` is that centre's state from [`Twin::sample`] at the same instant.
    pub fn racks(
        &self,
        index: usize,
        t: Timestamp,
        state: &CentreState,
        weather: &Weather,
        out: &mut Vec<RackSample>,
    ) {
        out.clear();
        let Some(c) = self.centres.get(index) else {
            return;
        };
        let minute = t.as_second().div_euclid(60);
        let base = RACK + index as u64 * 1_000;
        let running = state.utilisation > 0.0;
        let hot = 0.08 * (weather.outdoor_c - 15.0).max(0.0);
        out.extend((0..c.racks).map(|r| {
            let offset = 0.12 * white(self.seed, base, i64::from(r));
            let jitter = 0.04 * white(self.seed, base + 1, i64::from(r) * 1_000_003 + minute);
            let u = if running {
                (state.utilisation + offset + jitter).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let power = if running {
                c.kw_per_rack * (0.30 + 0.65 * u)
            } else {
                0.0
            };
            let inlet =
                21.0 + 3.0 * u + hot + 0.4 * white(self.seed, base + 2, i64::from(r) * 7 + minute);
            RackSample {
                power_kw: power as f32,
                inlet_c: inlet as f32,
                utilisation: u as f32,
            }
        }));
    }
}

/// A generic 3 MW-class turbine: cut-in 3 m/s, rated 12 m/s, cut-out 25 m/s.
fn power_curve(speed: f64) -> f64 {
    if !(3.0..25.0).contains(&speed) {
        0.0
    } else if speed >= 12.0 {
        1.0
    } else {
        (speed.powi(3) - 27.0) / (1728.0 - 27.0)
    }
}

fn gauss(x: f64, mean: f64, width: f64) -> f64 {
    // Hours wrap around midnight.
    let d = ((x - mean + 12.0).rem_euclid(24.0)) - 12.0;
    (-(d * d) / (2.0 * width * width)).exp()
}

/// Solar elevation in radians (simple declination / hour-angle model; good to a degree or so).
fn solar_elevation(latitude_deg: f64, longitude_deg: f64, doy: f64, t: Timestamp) -> f64 {
    let utc_h = t.as_second().rem_euclid(86_400) as f64 / 3600.0;
    let solar_time = utc_h + longitude_deg / 15.0;
    let declination = (23.44_f64).to_radians() * (TAU * (284.0 + doy) / 365.0).sin();
    let hour_angle = (15.0 * (solar_time - 12.0)).to_radians();
    let lat = latitude_deg.to_radians();
    let s = lat.sin() * declination.sin() + lat.cos() * declination.cos() * hour_angle.cos();
    s.clamp(-1.0, 1.0).asin().clamp(-PI / 2.0, PI / 2.0)
}

#[cfg(test)]
mod tests;
