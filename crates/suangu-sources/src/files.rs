//! File drops: a watched folder of CSV or JSON files, as arrive by one-way transfer out of the
//! grid's secure zones. A file is read only once it has settled (its size and time unchanged
//! for `settle_s`, and not named `*.part`, `*.tmp` or hidden), imported whole or not at all,
//! then moved to `done/`, or to `rejected/` beside a `<name>.reason.txt` naming each bad line.
//! Importing a file twice stores nothing twice (a point is unique by series and time), so a
//! crash between storing and moving is harmless.
//!
//! Formats (`ts` is RFC 3339 or Unix milliseconds; one column per configured point):
//! - CSV with a header: `ts,n01_it_mw,outdoor_c`
//! - JSON: `[{"ts": "2026-04-01T10:00:00+08:00", "n01_it_mw": 31.2, "outdoor_c": 4.5}, ...]`

use crate::health::{Health, Link};
use crate::route::Route;
use crate::writer::Writer;
use jiff::Timestamp;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use suangu_core::sources::{FilesLink, Source};
use suangu_store::ingest::Sample;
use tokio::sync::watch;

/// Files above this are refused unread.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// One value of a file: the column's index among the configured points, its time and value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub point: usize,
    pub source_ms: i64,
    pub value: f64,
}

/// Read a whole file: every value of the `columns` it has, or every problem (line and column).
/// Pure. A missing configured column is a problem; an extra column is ignored.
pub fn parse_file(name: &str, bytes: &[u8], columns: &[&str]) -> Result<Vec<Cell>, Vec<String>> {
    let text = std::str::from_utf8(bytes).map_err(|e| vec![format!("not UTF-8 text: {e}")])?;
    if name.ends_with(".json") {
        parse_json(text, columns)
    } else {
        parse_csv(text, columns)
    }
}

fn time(raw: &str) -> Result<i64, String> {
    let raw = raw.trim();
    if let Ok(ms) = raw.parse::<i64>() {
        return crate::payload::unix_ms(ms).map_err(|e| format!("ts {e}"));
    }
    raw.parse::<Timestamp>()
        .map(|t| t.as_millisecond())
        .map_err(|e| format!("ts {raw:?}: {e}"))
}

fn parse_csv(text: &str, columns: &[&str]) -> Result<Vec<Cell>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| vec![format!("line 1: {e}")])?
        .clone();
    let at = |name: &str| header.iter().position(|h| h == name);
    let ts = at("ts").ok_or_else(|| vec!["line 1: no ts column".to_owned()])?;
    let mut problems = Vec::new();
    let wanted: Vec<(usize, usize)> = columns
        .iter()
        .enumerate()
        .filter_map(|(point, name)| match at(name) {
            Some(i) => Some((point, i)),
            None => {
                problems.push(format!("line 1: no column {name:?}"));
                None
            }
        })
        .collect();
    let mut cells = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let source_ms = match time(record.get(ts).unwrap_or("")) {
            Ok(ms) => ms,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        for (point, i) in &wanted {
            let raw = record.get(*i).unwrap_or("");
            if raw.is_empty() {
                continue; // no reading for this column on this line
            }
            match raw.parse::<f64>() {
                Ok(value) => cells.push(Cell {
                    point: *point,
                    source_ms,
                    value,
                }),
                Err(_) => problems.push(format!(
                    "line {line}, column {:?}: {raw:?} is not a number",
                    columns[*point]
                )),
            }
        }
    }
    if problems.is_empty() {
        Ok(cells)
    } else {
        Err(problems)
    }
}

fn parse_json(text: &str, columns: &[&str]) -> Result<Vec<Cell>, Vec<String>> {
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| vec![format!("not JSON: {e}")])?;
    let rows = doc
        .as_array()
        .ok_or_else(|| vec!["expected a list of objects with ts and the columns".to_owned()])?;
    let mut problems = Vec::new();
    let mut cells = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some(object) = row.as_object() else {
            problems.push(format!("item {i}: not an object"));
            continue;
        };
        let source_ms = match object.get("ts") {
            Some(serde_json::Value::String(s)) => time(s),
            Some(serde_json::Value::Number(n)) => time(&n.to_string()),
            _ => Err("no ts".to_owned()),
        };
        let source_ms = match source_ms {
            Ok(ms) => ms,
            Err(e) => {
                problems.push(format!("item {i}: {e}"));
                continue;
            }
        };
        for (point, name) in columns.iter().enumerate() {
            match object.get(*name) {
                None => {}
                Some(serde_json::Value::Number(n)) => cells.push(Cell {
                    point,
                    source_ms,
                    value: n.as_f64().unwrap_or(f64::NAN),
                }),
                Some(serde_json::Value::Null) => cells.push(Cell {
                    point,
                    source_ms,
                    value: f64::NAN,
                }),
                Some(other) => {
                    problems.push(format!("item {i}, {name:?}: {other} is not a number"))
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(cells)
    } else {
        Err(problems)
    }
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Imported { points: usize },
    Rejected { problems: Vec<String> },
}

/// A folder of files for one source.
pub struct Files {
    source: Source,
    link: FilesLink,
    routes: Vec<Route>,
    writer: Writer,
    health: Health,
}

impl Files {
    /// `routes`: one per point, in order ([`crate::route::routes`]).
    pub fn new(
        source: Source,
        link: FilesLink,
        routes: Vec<Route>,
        writer: Writer,
        health: Health,
    ) -> Self {
        Self {
            source,
            link,
            routes,
            writer,
            health,
        }
    }

    /// Import one file's bytes (named `name`): all of it, durably, or none.
    pub async fn import(
        &self,
        name: &str,
        bytes: &[u8],
    ) -> Result<Outcome, crate::writer::WriteError> {
        let columns: Vec<&str> = self.source.points.iter().map(|p| p.key()).collect();
        let cells = match parse_file(name, bytes, &columns) {
            Ok(cells) => cells,
            Err(problems) => {
                self.health.reject("bad_file");
                return Ok(Outcome::Rejected { problems });
            }
        };
        let (samples, stored): (Vec<Sample>, Vec<_>) = cells
            .iter()
            .map(|c| {
                let route = &self.routes[c.point];
                let (sample, quality) = route.sample(c.source_ms, c.value, false);
                (sample, (c.point, c.source_ms, quality))
            })
            .unzip();
        let n = samples.len();
        if n > 0 {
            self.writer.write(samples).await?;
        }
        let now = Instant::now();
        for (point, source_ms, quality) in stored {
            self.health
                .stored(&self.routes[point].name, source_ms, quality, now);
        }
        Ok(Outcome::Imported { points: n })
    }

    /// Watch the folder until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let dir = PathBuf::from(&self.link.dir);
        let settle = Duration::from_secs_f64(self.link.settle_s);
        for sub in ["done", "rejected"] {
            if let Err(e) = std::fs::create_dir_all(dir.join(sub)) {
                let reason = format!("{}: {e}", dir.join(sub).display());
                self.health.link(Link::Misconfigured { reason });
                return;
            }
        }
        self.health.link(Link::Up);
        // Name -> (size, modified, first seen unchanged at).
        let mut seen: HashMap<PathBuf, (u64, Option<SystemTime>, Instant)> = HashMap::new();
        let mut every = tokio::time::interval(Duration::from_millis(500));
        loop {
            tokio::select! {
                _ = stop.wait_for(|s| *s) => break,
                _ = every.tick() => {}
            }
            let listed = match list(&dir) {
                Ok(files) => files,
                Err(e) => {
                    self.health.link(Link::BackingOff {
                        attempt: 0,
                        retry_in_ms: 500,
                        error: format!("{}: {e}", dir.display()),
                    });
                    continue;
                }
            };
            self.health.link(Link::Up);
            let now = Instant::now();
            seen.retain(|path, _| listed.iter().any(|(p, _, _)| p == path));
            for (path, size, modified) in listed {
                let entry = seen.entry(path.clone()).or_insert((size, modified, now));
                if (entry.0, entry.1) != (size, modified) {
                    *entry = (size, modified, now); // still being written
                    continue;
                }
                if now.duration_since(entry.2) < settle {
                    continue;
                }
                self.take(&dir, &path, size).await;
                seen.remove(&path);
            }
        }
        self.health.link(Link::Stopped);
    }

    /// Import a settled file and move it out of the way.
    async fn take(&self, dir: &Path, path: &Path, size: u64) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outcome = if size > MAX_FILE_BYTES {
            self.health.reject("oversized");
            Outcome::Rejected {
                problems: vec![format!("{size} bytes: more than the {MAX_FILE_BYTES} read")],
            }
        } else {
            match std::fs::read(path) {
                Ok(bytes) => match self.import(&name, &bytes).await {
                    Ok(outcome) => outcome,
                    Err(e) => {
                        // Left in place: tried again at the next look.
                        tracing::error!(source = %self.source.id, file = %name, "{e}");
                        return;
                    }
                },
                Err(e) => {
                    tracing::warn!(source = %self.source.id, file = %name, "reading: {e}");
                    return;
                }
            }
        };
        let moved = match &outcome {
            Outcome::Imported { points } => {
                tracing::info!(source = %self.source.id, file = %name, points, "imported");
                move_to(path, &dir.join("done"), &name)
            }
            Outcome::Rejected { problems } => {
                tracing::warn!(source = %self.source.id, file = %name, "rejected: {}", problems.join("; "));
                let reason = dir.join("rejected").join(format!("{name}.reason.txt"));
                let text = format!(
                    "{name}: not imported (nothing of it was stored)\n{}\n",
                    problems.join("\n")
                );
                std::fs::write(&reason, text)
                    .and_then(|()| move_to(path, &dir.join("rejected"), &name))
            }
        };
        if let Err(e) = moved {
            tracing::error!(source = %self.source.id, file = %name, "moving it out of the folder: {e}");
        }
    }
}

/// The folder's candidate files: regular, `.csv` or `.json`, not hidden; with size and time.
fn list(dir: &Path) -> std::io::Result<Vec<(PathBuf, u64, Option<SystemTime>)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let wanted = !name.starts_with('.') && (name.ends_with(".csv") || name.ends_with(".json"));
        let meta = entry.metadata()?;
        if wanted && meta.is_file() {
            out.push((entry.path(), meta.len(), meta.modified().ok()));
        }
    }
    out.sort();
    Ok(out)
}

/// Move `path` into `folder`, keeping its name unless one is already there.
fn move_to(path: &Path, folder: &Path, name: &str) -> std::io::Result<()> {
    let mut target = folder.join(name);
    let mut n = 1;
    while target.exists() {
        target = folder.join(format!("{name}.{n}"));
        n += 1;
    }
    std::fs::rename(path, target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const COLUMNS: [&str; 2] = ["n01_it_mw", "outdoor_c"];

    #[test]
    fn reads_csv_and_json_alike() {
        let csv = "ts,outdoor_c,n01_it_mw,note\n2026-04-01T10:00:00+08:00,4.5,31.2,ok\n1775009700000,,31.4,\n";
        let cells = parse_file("a.csv", csv.as_bytes(), &COLUMNS).expect("cells");
        assert_eq!(
            cells,
            [
                Cell {
                    point: 0,
                    source_ms: 1_775_008_800_000,
                    value: 31.2
                },
                Cell {
                    point: 1,
                    source_ms: 1_775_008_800_000,
                    value: 4.5
                },
                Cell {
                    point: 0,
                    source_ms: 1_775_009_700_000,
                    value: 31.4
                },
            ]
        );
        let json = r#"[{"ts": "2026-04-01T10:00:00+08:00", "n01_it_mw": 31.2, "outdoor_c": null}]"#;
        let cells = parse_file("a.json", json.as_bytes(), &COLUMNS).expect("cells");
        assert_eq!(cells.len(), 2);
        assert!(cells[1].value.is_nan());
    }

    #[test]
    fn names_every_bad_line_and_imports_nothing() {
        let csv = "ts,n01_it_mw,outdoor_c\n2026-04-01T10:00:00Z,31.2,x\nyesterday,1,2\n2026-04-01T10:15:00Z,\"31\n";
        let problems = parse_file("b.csv", csv.as_bytes(), &COLUMNS).expect_err("refused");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].starts_with("line 2, column \"outdoor_c\": \"x\""),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("line 3: ts \"yesterday\""),
            "{problems:?}"
        );
        let missing =
            parse_file("c.csv", b"ts,n01_it_mw\n1775009700000,2\n", &COLUMNS).expect_err("refused");
        assert_eq!(missing, ["line 1: no column \"outdoor_c\""]);
        assert!(parse_file("d.json", b"{\"ts\": 1}", &COLUMNS).is_err());
        assert!(parse_file("e.csv", &[0xff, 0xfe], &COLUMNS).is_err());
    }

    proptest! {
        #[test]
        fn any_bytes_are_answered(bytes in proptest::collection::vec(any::<u8>(), 0..512), json in any::<bool>()) {
            let _ = parse_file(if json { "f.json" } else { "f.csv" }, &bytes, &COLUMNS);
        }

        #[test]
        fn csv_round_trips(rows in proptest::collection::vec((946_684_800_000i64..4_000_000_000_000, -1e6f64..1e6), 1..40)) {
            let mut text = "ts,n01_it_mw\n".to_owned();
            for (ms, v) in &rows {
                text.push_str(&format!("{ms},{v}\n"));
            }
            let cells = parse_file("r.csv", text.as_bytes(), &COLUMNS[..1]).expect("cells");
            let got: Vec<(i64, f64)> = cells.iter().map(|c| (c.source_ms, c.value)).collect();
            prop_assert_eq!(got, rows);
        }
    }
}
