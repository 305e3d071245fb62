//! Demo packs: short stories the twin plays by itself for a presenter, offline. Each starts at a
//! local time of day at a pace, may switch the planned assets in first, and schedules its faults
//! at fixed offsets (the twin evaluates faults by time, so the whole script is injected at once).

use crate::FaultKind;
use suangu_core::scenario::Name;

/// One scripted event: a fault from `at_s` after the start, for `for_s` seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoStep {
    pub at_s: i64,
    pub for_s: i64,
    pub fault: FaultKind,
    pub label: (&'static str, &'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoPack {
    pub id: &'static str,
    /// (zh, en)
    pub name: (&'static str, &'static str),
    /// Local time of day the story starts, hours.
    pub start_local_h: u8,
    /// Simulated seconds per real second.
    pub speed: f64,
    /// How long the story lasts, simulated seconds.
    pub length_s: i64,
    /// Play it with the planned assets (B01, the 330 kV station) in service.
    pub planned_online: bool,
    pub steps: Vec<DemoStep>,
}

impl DemoPack {
    pub fn name(&self) -> Name {
        Name {
            zh: self.name.0.to_owned(),
            en: self.name.1.to_owned(),
        }
    }
}

/// The built-in packs.
pub fn demo_packs() -> Vec<DemoPack> {
    vec![
        DemoPack {
            id: "day-in-60s",
            name: ("一分钟看一天", "A day in 60 seconds"),
            start_local_h: 0,
            speed: 1440.0,
            length_s: 86_400,
            planned_online: false,
            steps: Vec::new(),
        },
        DemoPack {
            id: "wind-lull-dusk",
            name: ("黄昏风停", "Wind lull at dusk"),
            start_local_h: 16,
            speed: 120.0,
            length_s: 5 * 3600,
            planned_online: false,
            steps: vec![DemoStep {
                at_s: 3600,
                for_s: 3 * 3600,
                fault: FaultKind::WindLull { factor: 0.15 },
                label: ("17:00 风电骤降至 15 %", "17:00 wind drops to 15 %"),
            }],
        },
        DemoPack {
            id: "trip-330kv",
            name: ("330 千伏跳闸", "330 kV trip"),
            start_local_h: 10,
            speed: 120.0,
            length_s: 3 * 3600,
            planned_online: true,
            steps: vec![DemoStep {
                at_s: 1800,
                for_s: 3600,
                fault: FaultKind::Trip("GRID-330".to_owned()),
                label: (
                    "10:30 330 千伏主网跳闸一小时",
                    "10:30 the 330 kV grid trips for an hour",
                ),
            }],
        },
        DemoPack {
            id: "b01-online",
            name: ("移动 B01 投运", "B01 comes online"),
            start_local_h: 8,
            speed: 240.0,
            length_s: 8 * 3600,
            planned_online: true,
            steps: Vec::new(),
        },
    ]
}

/// The pack named `id`.
pub fn demo_pack(id: &str) -> Option<DemoPack> {
    demo_packs().into_iter().find(|p| p.id == id)
}
