//! Row shapes, and how an interval becomes rows.

use jiff::Timestamp;
use suangu_core::Park;
use suangu_core::green::IntervalLedger;
use suangu_core::interval::IntervalRecord;
use suangu_core::units::{Mw, Mwh};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Quarter,
    Hour,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Quarter => "15m",
            Level::Hour => "1h",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Park,
    Zone,
    Centre,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Park => "park",
            Scope::Zone => "zone",
            Scope::Centre => "centre",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AggregateRow {
    pub scope: Scope,
    pub scope_id: String,
    pub start: Timestamp,
    pub it: Mwh,
    pub facility: Mwh,
    pub peak_it: Mw,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub start: Timestamp,
    pub hours: f64,
    pub ledger: IntervalLedger,
}

/// A fault, drill or operator action.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: Timestamp,
    /// e.g. `trip`, `cooling_loss`, `wind_lull`, `link_cut`, `clear`.
    pub kind: String,
    /// The asset or region it concerns.
    pub target: String,
    /// Free text (JSON where structured).
    pub detail: String,
}

/// The 15-minute rows of one interval: every centre, every zone, the park.
pub(crate) fn quarter_rows(park: &Park, r: &IntervalRecord) -> Vec<AggregateRow> {
    let s = park.scenario();
    let mut rows = Vec::with_capacity(s.centres.len() + s.zones.len() + 1);
    for (c, v) in s.centres.iter().zip(&r.centres) {
        rows.push(AggregateRow {
            scope: Scope::Centre,
            scope_id: c.id.to_string(),
            start: r.start,
            it: v.it,
            facility: v.facility,
            peak_it: v.peak_it,
        });
    }
    for (zi, z) in s.zones.iter().enumerate() {
        let members = s
            .centres
            .iter()
            .zip(&r.centres)
            .filter(|(c, _)| c.zone == z.id);
        let (it, facility) = members.fold((Mwh::ZERO, Mwh::ZERO), |(it, f), (_, v)| {
            (it + v.it, f + v.facility)
        });
        rows.push(AggregateRow {
            scope: Scope::Zone,
            scope_id: z.id.to_string(),
            start: r.start,
            it,
            facility,
            peak_it: r.zone_peak_it.get(zi).copied().unwrap_or(Mw::ZERO),
        });
    }
    rows.push(AggregateRow {
        scope: Scope::Park,
        scope_id: s.park.id.clone(),
        start: r.start,
        it: r.it(),
        facility: r.facility(),
        peak_it: r.peak_it,
    });
    rows
}

/// A data source's newest health report.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceReport {
    pub source: String,
    pub at: Timestamp,
    /// JSON, as the source wrote it.
    pub report: String,
}

/// A wall screen's access token as listed: never the token itself (only its hash is stored).
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenToken {
    pub id: i64,
    pub screen: String,
    pub created: Timestamp,
    pub revoked: Option<Timestamp>,
    /// When a server last let a request through with it (or a session it opened).
    pub last_seen: Option<Timestamp>,
    /// Its one-time link has not been used yet.
    pub link_pending: bool,
}

/// What a server checks requests against: the SHA-256 hashes (hex) of the park's active tokens
/// and of the sessions their links opened, each with its token's id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScreenCredentials {
    pub tokens: Vec<(String, i64)>,
    pub sessions: Vec<(String, i64)>,
}

/// A local account as stored. `Debug` never shows the password's hash.
#[derive(Clone, PartialEq)]
pub struct User {
    pub name: String,
    /// `viewer`, `operator` or `admin` (the database refuses anything else).
    pub role: String,
    /// The password's Argon2id hash as a PHC string; never the password.
    pub password_phc: String,
    pub disabled: bool,
    pub created: Timestamp,
    pub updated: Timestamp,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("password_phc", &"<hidden>")
            .field("disabled", &self.disabled)
            .field("created", &self.created)
            .field("updated", &self.updated)
            .finish()
    }
}
