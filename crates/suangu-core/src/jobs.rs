//! Compute jobs the scheduler places: read from CSV or JSON text (pure: the caller reads the
//! file). Every problem names the row (1 = the first job) and the field.
//!
//! Columns / keys: `id`, `kind` (training | batch | inference), `origin` (a region id or empty),
//! `accelerator_class` and `accelerators` (or empty and 0 for CPU work), `demand_kw` (IT load while
//! running), `duration_h`, `earliest` and `deadline` (RFC 3339; the job must finish by the
//! deadline), `ring_ms` (the latency promise: one-way ms from the serving centre to `origin`), and
//! `preemptible` (true / false).

use jiff::Timestamp;
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Training,
    Batch,
    Inference,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Training => "training",
            JobKind::Batch => "batch",
            JobKind::Inference => "inference",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub kind: JobKind,
    /// The region the work serves (its latency promise is to there); None for no promise.
    pub origin: Option<String>,
    /// Accelerators needed: (class, count); None for CPU work.
    pub accelerators: Option<(String, u32)>,
    /// IT load while it runs, kW.
    pub demand_kw: f64,
    pub duration_s: i64,
    pub earliest: Timestamp,
    /// It must finish by then.
    pub deadline: Timestamp,
    /// The latency promise, one-way ms to `origin`.
    pub ring_ms: Option<f64>,
    pub preemptible: bool,
}

/// A bad row: where and what.
#[derive(Debug, Clone, PartialEq)]
pub struct JobError {
    /// 1 = the first job (the CSV header is not counted).
    pub row: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}, field {}: {}",
            self.row, self.field, self.message
        )
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    id: String,
    kind: String,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    accelerator_class: Option<String>,
    #[serde(default)]
    accelerators: Option<u32>,
    demand_kw: f64,
    duration_h: f64,
    earliest: String,
    deadline: String,
    #[serde(default)]
    ring_ms: Option<f64>,
    #[serde(default)]
    preemptible: Option<bool>,
}

fn job(row: usize, r: Row) -> Result<Job, JobError> {
    let err = |field: &str, message: String| JobError {
        row,
        field: field.to_owned(),
        message,
    };
    if r.id.trim().is_empty() {
        return Err(err("id", "empty".to_owned()));
    }
    let kind = match r.kind.trim() {
        "training" => JobKind::Training,
        "batch" => JobKind::Batch,
        "inference" => JobKind::Inference,
        other => {
            return Err(err(
                "kind",
                format!("{other:?} is not training, batch or inference"),
            ));
        }
    };
    if !(r.demand_kw.is_finite() && r.demand_kw > 0.0) {
        return Err(err(
            "demand_kw",
            format!("{} must be a positive number", r.demand_kw),
        ));
    }
    if !(r.duration_h.is_finite() && r.duration_h > 0.0 && r.duration_h <= 24.0 * 30.0) {
        return Err(err(
            "duration_h",
            format!("{} must be in (0, 720]", r.duration_h),
        ));
    }
    let time = |field: &str, text: &str| -> Result<Timestamp, JobError> {
        text.trim()
            .parse()
            .map_err(|e| err(field, format!("{text:?}: {e} (expected RFC 3339)")))
    };
    let earliest = time("earliest", &r.earliest)?;
    let deadline = time("deadline", &r.deadline)?;
    let duration_s = (r.duration_h * 3600.0).round() as i64;
    if deadline.as_second() - earliest.as_second() < duration_s {
        return Err(err(
            "deadline",
            "leaves less time after earliest than the job's duration".to_owned(),
        ));
    }
    let accelerators = match (
        r.accelerator_class.filter(|c| !c.trim().is_empty()),
        r.accelerators.unwrap_or(0),
    ) {
        (Some(class), n) if n > 0 => Some((class.trim().to_owned(), n)),
        (Some(_), _) => {
            return Err(err(
                "accelerators",
                "a class needs a count above 0".to_owned(),
            ));
        }
        (None, 0) => None,
        (None, _) => return Err(err("accelerator_class", "a count needs a class".to_owned())),
    };
    if let Some(ms) = r.ring_ms
        && !(ms.is_finite() && ms > 0.0)
    {
        return Err(err("ring_ms", format!("{ms} must be a positive number")));
    }
    Ok(Job {
        id: r.id.trim().to_owned(),
        kind,
        origin: r
            .origin
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty()),
        accelerators,
        demand_kw: r.demand_kw,
        duration_s,
        earliest,
        deadline,
        ring_ms: r.ring_ms,
        preemptible: r.preemptible.unwrap_or(false),
    })
}

/// Jobs from CSV text with a header row.
pub fn from_csv(text: &str) -> Result<Vec<Job>, JobError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut jobs = Vec::new();
    for (i, record) in reader.deserialize::<Row>().enumerate() {
        let row = i + 1;
        let r = record.map_err(|e| {
            let field = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err
                    .field()
                    .and_then(|f| {
                        [
                            "id",
                            "kind",
                            "origin",
                            "accelerator_class",
                            "accelerators",
                            "demand_kw",
                            "duration_h",
                            "earliest",
                            "deadline",
                            "ring_ms",
                            "preemptible",
                        ]
                        .get(usize::try_from(f).unwrap_or(usize::MAX))
                        .copied()
                    })
                    .unwrap_or("?")
                    .to_owned(),
                _ => "?".to_owned(),
            };
            JobError {
                row,
                field,
                message: e.to_string(),
            }
        })?;
        jobs.push(job(row, r)?);
    }
    unique(&jobs)?;
    Ok(jobs)
}

/// Jobs from a JSON array of objects with the same keys.
pub fn from_json(text: &str) -> Result<Vec<Job>, JobError> {
    let rows: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| JobError {
        row: 0,
        field: "-".to_owned(),
        message: format!("not a JSON array of jobs: {e}"),
    })?;
    let mut jobs = Vec::with_capacity(rows.len());
    for (i, value) in rows.into_iter().enumerate() {
        let row = i + 1;
        let r: Row = serde_path_to_error::deserialize(value).map_err(|e| JobError {
            row,
            field: e.path().to_string(),
            message: e.inner().to_string(),
        })?;
        jobs.push(job(row, r)?);
    }
    unique(&jobs)?;
    Ok(jobs)
}

fn unique(jobs: &[Job]) -> Result<(), JobError> {
    let mut seen = std::collections::HashSet::new();
    for (i, j) in jobs.iter().enumerate() {
        if !seen.insert(j.id.as_str()) {
            return Err(JobError {
                row: i + 1,
                field: "id".to_owned(),
                message: format!("{:?} appears twice", j.id),
            });
        }
    }
    Ok(())
}
