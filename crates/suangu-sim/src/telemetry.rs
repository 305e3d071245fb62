//! What a rack's PDU and sensors report every second: eight metrics per physical rack, around the
//! rack's per-minute state from [`Twin::racks`] with per-second noise of the size real meters show.
//!
//! Origin of every figure here: assumption (typical rack PDU and sensor behaviour: power ripple
//! about 1 %, sensor noise of a few tenths of their unit, a 400 V three-phase feed at power
//! factor 0.95). The resolutions are what such devices report.

use crate::noise::{smooth, white};
use crate::{RACK, RackSample, Twin};
use jiff::Timestamp;

/// One metric every rack reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RackMetric {
    /// Series name suffix, with its unit: `power_kw`.
    pub name: &'static str,
    /// The device's resolution, in the metric's unit.
    pub resolution: f64,
}

/// The eight metrics, in the order [`Twin::rack_telemetry`] writes them.
pub const RACK_METRICS: [RackMetric; 8] = [
    RackMetric {
        name: "power_kw",
        resolution: 0.1,
    },
    RackMetric {
        name: "current_a",
        resolution: 0.1,
    },
    RackMetric {
        name: "voltage_v",
        resolution: 0.1,
    },
    RackMetric {
        name: "inlet_c",
        resolution: 0.1,
    },
    RackMetric {
        name: "outlet_c",
        resolution: 0.1,
    },
    RackMetric {
        name: "humidity_pct",
        resolution: 0.5,
    },
    RackMetric {
        name: "utilisation_pct",
        resolution: 0.1,
    },
    RackMetric {
        name: "fan_pct",
        resolution: 1.0,
    },
];

/// Line-to-line voltage of the rack feed (V) and power factor.
const VOLTS: f64 = 400.0;
const POWER_FACTOR: f64 = 0.95;

impl Twin {
    /// How long the second `t`'s telemetry takes from the racks to the core, in ms: a steady
    /// collector pipeline (about 200 ms) with jitter and an occasional slow second.
    /// Origin: assumption.
    pub fn delivery_delay_ms(&self, t: Timestamp) -> i64 {
        let s = t.as_second();
        let jitter = 40.0 * white(self.seed, RACK + 90, s);
        let slow = if white(self.seed, RACK + 91, s) > 0.98 {
            600.0
        } else {
            0.0
        };
        (200.0 + jitter + slow).round() as i64
    }

    /// Append the eight metrics of every rack in `racks` (centre `index`'s racks at the minute
    /// of `t`, from [`Twin::racks`]) at the second `t`, rack by rack, in [`RACK_METRICS`] order.
    pub fn rack_telemetry(
        &self,
        index: usize,
        t: Timestamp,
        racks: &[RackSample],
        out: &mut Vec<f32>,
    ) {
        let s = t.as_second();
        let stream = RACK + index as u64 * 1_000 + 100;
        // Slow, centre-wide drifts: supply voltage and room humidity.
        let volts = VOLTS + 3.0 * smooth(self.seed, stream, s, 600);
        let humidity = 45.0 + 6.0 * smooth(self.seed, stream + 1, s, 3_600);
        out.reserve(racks.len() * RACK_METRICS.len());
        for (r, rack) in racks.iter().enumerate() {
            let key = r as i64 * 1_000_003 + s;
            let noise = |k: u64| white(self.seed, stream + 10 + k, key);
            let u = f64::from(rack.utilisation);
            let power = f64::from(rack.power_kw) * (1.0 + 0.012 * noise(0));
            let v = volts + 0.3 * noise(1);
            let current = power * 1000.0 / (3f64.sqrt() * v * POWER_FACTOR) + 0.05 * noise(2);
            let inlet = f64::from(rack.inlet_c) + 0.06 * noise(3);
            let outlet = inlet + if power > 0.0 { 4.0 + 10.0 * u } else { 0.5 } + 0.08 * noise(4);
            out.extend_from_slice(&[
                power as f32,
                current as f32,
                v as f32,
                inlet as f32,
                outlet as f32,
                (humidity + 0.4 * noise(5)) as f32,
                (100.0 * u + 1.5 * noise(6)).clamp(0.0, 100.0) as f32,
                (25.0 + 55.0 * u + 2.0 * noise(7)).round() as f32,
            ]);
        }
    }
}
