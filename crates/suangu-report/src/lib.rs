//! Briefings: a park day's or week's charts (plotters, PNG and SVG, with the bundled CJK font)
//! and a one-page HTML summary with the KPIs in words, all from what the store holds.
//!
//! Architecture invariant: nothing here simulates or estimates. Every number drawn or written is
//! read from the store for the period (`briefing::load`) and shaped by pure functions; an
//! interval the store does not hold is a gap, never a value.

pub mod briefing;
pub mod charts;
pub mod html;
pub mod period;
pub mod words;

use briefing::Briefing;
use charts::{Chart, ChartError};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use words::Lang;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Chart(#[from] ChartError),
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
}

/// The files a briefing was written to.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub html: PathBuf,
    /// Every chart's SVG and PNG, in [`Chart::ALL`] order.
    pub charts: Vec<PathBuf>,
}

/// The steps [`write`] reports progress in: each chart as SVG and as PNG, then the page.
pub const STEPS: usize = Chart::ALL.len() * 2 + 1;

/// Write the briefing into `out` (which must exist): every chart as SVG and PNG, and the
/// summary page embedding them. `source` names where the data came from (the store's URL) and
/// `generated` is when; `progress(done, total, file)` is called after each file.
pub fn write(
    b: &Briefing,
    lang: Lang,
    out: &Path,
    source: &str,
    generated: Timestamp,
    progress: &mut dyn FnMut(usize, usize, &Path),
) -> Result<Written, ReportError> {
    let stem = format!(
        "briefing-{}-{}-{}-{}",
        b.park_id,
        b.period.kind.as_str(),
        b.period.first,
        lang.tag()
    );
    let save = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes).map_err(|e| ReportError::Write {
            path: path.to_owned(),
            message: e.to_string(),
        })
    };
    let mut svgs = Vec::with_capacity(Chart::ALL.len());
    let mut files = Vec::with_capacity(Chart::ALL.len() * 2);
    let mut done = 0;
    for chart in Chart::ALL {
        let svg_path = out.join(format!("{stem}-{}.svg", chart.name()));
        let svg = charts::svg(chart, b, lang)?;
        save(&svg_path, svg.as_bytes())?;
        done += 1;
        progress(done, STEPS, &svg_path);
        let png_path = out.join(format!("{stem}-{}.png", chart.name()));
        charts::png(chart, b, lang, &png_path)?;
        done += 1;
        progress(done, STEPS, &png_path);
        files.extend([svg_path, png_path]);
        svgs.push((chart, svg));
    }
    let html = out.join(format!("{stem}.html"));
    save(
        &html,
        html::page(b, lang, &svgs, source, generated).as_bytes(),
    )?;
    progress(STEPS, STEPS, &html);
    Ok(Written {
        html,
        charts: files,
    })
}
