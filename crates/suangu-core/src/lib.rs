//! Suangu's pure core: the park model as data.
//!
//! Architecture invariant: this crate does no I/O and reads no clock. It is given the text of a
//! scenario and returns a validated [`Park`] or errors that name file, line and field. Time,
//! telemetry and outages are passed in by the caller.

pub mod alarms;
pub mod capacity;
pub mod contingency;
pub mod error;
pub mod figure;
pub mod green;
pub mod ids;
pub mod interval;
pub mod jobs;
mod load;
pub mod park;
pub mod path;
pub mod quality;
pub mod rollup;
pub mod scenario;
pub mod schedule;
pub mod sources;
pub mod tariff;
pub mod units;
mod validate;

pub use error::{ErrorKind, ScenarioError, ScenarioErrors};
pub use load::{QINGYANG, QINGYANG_NAME, load_str, qingyang};
pub use park::{CentreSupply, Park, SupplyState, Totals};
