//! The engine: the only place that runs sources against time and writes what they say.
//!
//! - [`simulate`]: the twin over a period into the store, as fast as possible or paced, then the
//!   period's KPIs read back from the store.
//! - [`live`]: sources as tokio tasks joined by bounded channels to one engine task that owns the
//!   live state, rolls it up, writes finished intervals and publishes updates.
//! - [`observed`]: the park as its data sources measure it, read from the store, on the same
//!   kind of frame (no twin).
//!
//! Architecture invariant: the engine holds no park formulas (they are in `suangu-core`) and no
//! SQL (that is `suangu-store`). It is the one crate besides the hosts that reads the clock.

pub mod kpi;
pub mod live;
pub mod observed;
pub mod plan;
pub mod raw;
pub mod simulate;
