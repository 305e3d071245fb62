//! Where a topic's or query's values go: the writer's series, the unit factor and the range.

use suangu_core::quality::{Quality, Range, UncertainReason, classify};
use suangu_core::sources::{PointMap, Source};
use suangu_store::chunk::Quality as StoreQuality;
use suangu_store::ingest::Sample;

pub struct Route {
    /// The point's topic, query, column or JSON pointer.
    pub key: String,
    pub series: u32,
    pub name: String,
    factor: f64,
    range: Option<Range>,
}

/// The routes of every point of `source`, in its order (`series_of`: the writer's index of a
/// park series); None when a point's series is not one the writer holds.
pub fn routes(source: &Source, series_of: impl Fn(&str) -> Option<u32>) -> Option<Vec<Route>> {
    source
        .points
        .iter()
        .map(|p| Some(Route::new(p, series_of(&p.series)?)))
        .collect()
}

impl Route {
    /// The route of `point`, stored as the writer's series `series`.
    pub fn new(point: &PointMap, series: u32) -> Self {
        Route {
            key: point.key().to_owned(),
            series,
            name: point.series.clone(),
            factor: point.factor(),
            range: point.range(),
        }
    }

    /// A value in the source's unit as a sample in the series' unit, with its quality (judged in
    /// the source's unit, against its range). `warned`: the source flagged its answer.
    pub fn sample(&self, source_ms: i64, value: f64, warned: bool) -> (Sample, Quality) {
        let quality = match classify(value, self.range) {
            Quality::Good if warned => Quality::Uncertain(UncertainReason::SourceWarning),
            q => q,
        };
        let sample = Sample {
            series: self.series,
            source_ms,
            value: value * self.factor,
            quality: match quality {
                Quality::Good => StoreQuality::Good,
                Quality::Uncertain(_) => StoreQuality::Uncertain,
                Quality::Bad(_) => StoreQuality::Bad,
            },
        };
        (sample, quality)
    }
}
