//! A period's KPIs, computed from what the store holds (not from what a source produced).

use jiff::Timestamp;
use suangu_core::Park;
use suangu_core::green::summarize;
use suangu_store::{AggregateRow, LedgerRow, Level, Result, Scope, Store};

/// The KPIs `suangu simulate` prints. Keys are the JSON keys.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodKpis {
    pub intervals: usize,
    pub it_energy_mwh: f64,
    pub facility_energy_mwh: f64,
    pub peak_it_mw: f64,
    pub avg_pue: f64,
    pub green_share_market: f64,
    pub green_share_location: f64,
    pub curtailed_mwh: f64,
    pub exported_mwh: f64,
    pub import_mwh: f64,
    pub co2_market_t: f64,
    pub co2_location_t: f64,
    pub max_balance_error: f64,
}

/// Read the period `[from, to)` of `park` back from `store` and compute its KPIs.
pub async fn period_kpis<S: Store>(
    store: &S,
    park: &Park,
    from: Timestamp,
    to: Timestamp,
) -> Result<PeriodKpis> {
    let id = park.scenario().park.id.as_str();
    let ledger = store.ledger(id, from, to).await?;
    let aggregates = store
        .aggregates(id, Level::Quarter, Scope::Park, id, from, to)
        .await?;
    Ok(kpis(park, &ledger, &aggregates))
}

/// The KPIs of a period from its ledger rows and the park's 15-minute aggregates.
pub fn kpis(park: &Park, ledger: &[LedgerRow], aggregates: &[AggregateRow]) -> PeriodKpis {
    let green = summarize(
        ledger.iter().map(|r| &r.ledger),
        park.scenario().green.grid_factor_t_per_mwh.value,
    );
    let it: f64 = aggregates.iter().map(|a| a.it.0).sum();
    let facility: f64 = aggregates.iter().map(|a| a.facility.0).sum();
    // The ledger's load is the aggregates' facility energy: a mismatch is a balance error too.
    let load_mismatch = if facility > 0.0 {
        (green.load.0 - facility).abs() / facility
    } else {
        0.0
    };
    PeriodKpis {
        intervals: ledger.len(),
        it_energy_mwh: it,
        facility_energy_mwh: facility,
        peak_it_mw: aggregates.iter().map(|a| a.peak_it.0).fold(0.0, f64::max),
        avg_pue: if it > 0.0 { facility / it } else { 0.0 },
        green_share_market: green.green_share_market.0,
        green_share_location: green.green_share_location.0,
        curtailed_mwh: green.curtailed.0,
        exported_mwh: green.exported.0,
        import_mwh: green.import.0,
        co2_market_t: green.co2_market_t,
        co2_location_t: green.co2_location_t,
        max_balance_error: green.max_balance_error.max(load_mismatch),
    }
}
