//! Shared by the benchmarks and their tests: the exact optimiser the scheduler is measured
//! against on small instances.

pub mod oracle;
