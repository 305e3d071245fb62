//! `export_briefing`: the live park's briefing of a day or week, from the store, written as
//! files by `suangu_report` into a folder the host chooses (the desktop's downloads). Only a
//! desktop host exports: a read-only host refuses it (it writes files).

use crate::dto::{ApiError, BriefingArgs, BriefingExport, ErrorCode};
use crate::live::{Live, store_error};
use std::path::Path;
use std::time::Instant;
use suangu_report::briefing::{Briefing, days_with_data, load};
use suangu_report::period::{Period, PeriodKind, runs_text};
use suangu_report::words::Lang;
use suangu_store::Store;

fn bad(message: String) -> ApiError {
    ApiError {
        code: ErrorCode::BadArguments,
        message: format!("export_briefing: {message}"),
        details: Vec::new(),
    }
}

impl<S: Store + 'static> Live<S> {
    /// Write the briefing of `args` into `out` (made if missing); the files written. `source`
    /// names the store in the summary's footer, `generated` (the host's clock) when it is made.
    pub async fn export_briefing(
        &self,
        args: BriefingArgs,
        out: &Path,
        source: &str,
        generated: jiff::Timestamp,
    ) -> Result<BriefingExport, ApiError> {
        let kind = PeriodKind::parse(&args.period)
            .ok_or_else(|| bad(format!("period {}: expected day or week", args.period)))?;
        let lang = Lang::parse(&args.lang)
            .ok_or_else(|| bad(format!("lang {}: expected zh-CN or en", args.lang)))?;
        let date: jiff::civil::Date = args.date.parse().map_err(|e| {
            bad(format!(
                "date {}: {e} (expected e.g. 2026-04-01)",
                args.date
            ))
        })?;
        let park = self.engine().park().clone();
        let tz = jiff::tz::TimeZone::get(&park.scenario().park.time_zone)
            .map_err(|e| bad(e.to_string()))?;
        let period = Period::new(kind, date, tz.clone()).map_err(|e| bad(e.to_string()))?;
        let data = load(self.store(), &park, &period)
            .await
            .map_err(store_error)?;
        let briefing = Briefing::build(&park, period, &data);
        if briefing.stored() == 0 {
            let days = days_with_data(self.store(), &park, &tz)
                .await
                .map_err(store_error)?;
            let runs = runs_text(days);
            let has = if runs.is_empty() {
                "the store holds no data at all".to_owned()
            } else {
                format!("there is data for: {}", runs)
            };
            return Err(ApiError {
                code: ErrorCode::NoData,
                message: format!(
                    "export_briefing: no intervals stored for the {} of {date}; {has}",
                    kind.as_str()
                ),
                details: Vec::new(),
            });
        }
        let out = out.to_owned();
        let source = source.to_owned();
        // Drawing is CPU work: off the runtime's workers.
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&out).map_err(|e| ApiError {
                code: ErrorCode::StoreUnavailable,
                message: format!("export_briefing: cannot make {}: {e}", out.display()),
                details: Vec::new(),
            })?;
            let began = Instant::now();
            let written =
                suangu_report::write(&briefing, lang, &out, &source, generated, &mut |_, _, _| {})
                    .map_err(|e| ApiError {
                        code: ErrorCode::StoreUnavailable,
                        message: format!("export_briefing: {e}"),
                        details: Vec::new(),
                    })?;
            Ok(BriefingExport {
                html: written.html.display().to_string(),
                files: written
                    .charts
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect(),
                intervals_stored: crate::count(briefing.stored()),
                intervals_in_period: crate::count(briefing.slots.len()),
                render_ms: u32::try_from(began.elapsed().as_millis()).unwrap_or(u32::MAX),
            })
        })
        .await
        .map_err(|e| ApiError {
            code: ErrorCode::NotReady,
            message: format!("export_briefing: {e}"),
            details: Vec::new(),
        })?
    }
}
