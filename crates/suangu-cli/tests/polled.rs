//! `suangu run --config` against polled HTTP sources: a real Prometheus on loopback (scraping
//! itself) that is stopped and started again, and a scripted loopback server for the answers
//! real servers give rarely (503, 429 with Retry-After, truncated bodies, warnings, 422) and for
//! a DCIM-style JSON API (401, 429 with an HTTP date, a missing value), and a synthetic history
//! refusing more than 11,000 points per query as Prometheus does (a two-week gap paged).

mod common;

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::{Run, certificates, free_port, points, stored, temp_dir, terminate, up, wait_exit};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use suangu_store::chunk::Quality;

/// A Prometheus server on 127.0.0.1 scraping itself every second, its data in `dir`.
struct Prometheus {
    child: Child,
    args: Vec<String>,
    port: u16,
}

impl Prometheus {
    fn start(dir: &Path, port: u16) -> Prometheus {
        let config = dir.join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n"
            ),
        )
        .expect("config");
        let args = vec![
            format!("--config.file={}", config.display()),
            format!("--storage.tsdb.path={}", dir.join("tsdb").display()),
            format!("--web.listen-address=127.0.0.1:{port}"),
            "--log.level=warn".to_owned(),
        ];
        Prometheus::spawn(args, port)
    }

    /// A Prometheus serving HTTPS only (no scrapes: the tests ask it for `time()`), its
    /// certificate signed by a park's own CA.
    fn start_tls(dir: &Path, port: u16, cert: &Path, key: &Path) -> Prometheus {
        let web = dir.join("web.yml");
        std::fs::write(
            &web,
            format!(
                "tls_server_config:\n  cert_file: {}\n  key_file: {}\n",
                cert.display(),
                key.display()
            ),
        )
        .expect("web config");
        let config = dir.join("prometheus.yml");
        std::fs::write(&config, "global:\n  scrape_interval: 1s\n").expect("config");
        let args = vec![
            format!("--config.file={}", config.display()),
            format!("--web.config.file={}", web.display()),
            format!("--storage.tsdb.path={}", dir.join("tsdb").display()),
            format!("--web.listen-address=127.0.0.1:{port}"),
            "--log.level=warn".to_owned(),
        ];
        let child = Prometheus::command(&args);
        // It answers in TLS only: listening is as ready as this test can tell without a client.
        let until = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < until,
                "prometheus did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Prometheus { child, args, port }
    }

    fn command(args: &[String]) -> Child {
        let bin =
            std::env::var("SUANGU_PROMETHEUS").unwrap_or_else(|_| "/usr/bin/prometheus".to_owned());
        Command::new(&bin)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{bin}: {e} (install Debian's prometheus: `make test` does)")
            })
    }

    fn spawn(args: Vec<String>, port: u16) -> Prometheus {
        let child = Prometheus::command(&args);
        let until = Instant::now() + Duration::from_secs(30);
        while !ready(port) {
            assert!(Instant::now() < until, "prometheus was not ready on {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Prometheus { child, args, port }
    }

    /// Stop it cleanly; `spawn` the returned arguments to start it again on the same data.
    fn stop(mut self) -> (Vec<String>, u16) {
        terminate(&self.child);
        wait_exit(&mut self.child, Duration::from_secs(20));
        (std::mem::take(&mut self.args), self.port)
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ready(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.write_all(b"GET /-/ready HTTP/1.0\r\n\r\n");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200")
}

/// A data-source file with one Prometheus source per `(id, url, query, series)`, every second.
fn config(dir: &Path, sources: &[(&str, String, &str, &str)]) -> PathBuf {
    let mut text = "park = \"qingyang\"\n".to_owned();
    for (id, url, query, series) in sources {
        text.push_str(&format!(
            "\n[[sources]]\nid = \"{id}\"\nexpected_interval_s = 1\nprometheus = {{ url = \"{url}\", timeout_s = 2 }}\n\n\
             [[sources.points]]\nquery = '{query}'\nseries = \"{series}\"\nunit = \"kW\"\nresolution = 1\nrange = [0, 100]\n"
        ));
    }
    let path = dir.join("suangu.toml");
    std::fs::write(&path, text).expect("config");
    path
}

fn health_of<'a>(v: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    (v["id"] == id).then_some(v)
}

#[test]
fn a_real_prometheus_is_read_and_read_again_after_a_restart() {
    let dir = temp_dir("prometheus");
    let port = free_port();
    let server = Prometheus::start(&dir, port);
    let db = dir.join("store.db");
    let url = format!("http://127.0.0.1:{port}");
    let config = config(
        &dir,
        &[("clusters", url, "sum(up{job=\"self\"}) * 7", "CM-N01/it_kw")],
    );
    let run = Run::start(&config, &db, None);
    run.until("5 points", Duration::from_secs(60), |v| {
        up(v) && points(v) >= 5
    });

    // The server goes away: the link backs off; it comes back: polling resumes where it stopped.
    let (args, port) = server.stop();
    run.until("the link lost", Duration::from_secs(30), |v| {
        v["link"]["state"] == "backing_off"
    });
    let server = Prometheus::spawn(args, port);
    let before = points(&run.until("up again", Duration::from_secs(60), up));
    run.until("more points", Duration::from_secs(60), |v| {
        up(v) && points(v) >= before + 3
    });
    // Now this process stops for longer than its first look back (10 intervals), and starts
    // again: it goes on from the newest point stored, so the time it was away is filled.
    run.stop();
    let away_from = jiff::Timestamp::now().as_millisecond();
    std::thread::sleep(Duration::from_secs(13));
    let away_until = jiff::Timestamp::now().as_millisecond();
    let run = Run::start(&config, &db, None);
    run.until("up and reading again", Duration::from_secs(60), |v| {
        up(v) && points(v) >= 15
    });
    run.stop();
    drop(server);

    let stored = stored(&db, "CM-N01/it_kw");
    assert!(stored.len() >= 8, "{} points", stored.len());
    assert!(
        stored
            .iter()
            .all(|p| p.value == 7.0 && p.quality == Quality::Good),
        "{stored:?}"
    );
    // Step-aligned, in order, each instant once.
    assert!(stored.windows(2).all(|w| w[1].source_ms > w[0].source_ms));
    assert!(stored.iter().all(|p| p.source_ms % 1000 == 0));
    // Every second of the time `suangu run` was away is there.
    let away: Vec<i64> = stored
        .iter()
        .map(|p| p.source_ms)
        .filter(|t| (away_from - 2000..=away_until).contains(t))
        .collect();
    assert!(away.len() >= 14, "{away:?}");
    assert!(
        away.windows(2).all(|w| w[1] - w[0] == 1000),
        "a gap: {away:?}"
    );
}

/// A scripted Prometheus: each source (path prefix) answers its script in order, then keeps
/// answering the last entry; every request's instant is recorded.
#[derive(Clone, Default)]
struct Script {
    answers: Arc<Mutex<HashMap<String, Vec<Scripted>>>>,
    requests: Arc<Mutex<Vec<(String, Instant)>>>,
    /// Each query_range's prefix, start and end (Unix ms).
    ranges: Arc<Mutex<Vec<(String, i64, i64)>>>,
}

#[derive(Clone, Copy)]
enum Scripted {
    Unavailable,
    TooMany {
        retry_after_s: u64,
    },
    Truncated,
    Warned(f64),
    Fine(f64),
    BadQuery,
    /// A DCIM answer: CM-N01's IT load in MW (None: the value is missing) and its time.
    Dcim(Option<f64>),
    /// 429 with Retry-After as an HTTP date this many seconds ahead.
    TooManyUntil(i64),
    Unauthorized,
    /// Every step of the asked range from [`synthetic`], refusing more than 11,000 points with
    /// HTTP 400 as Prometheus does.
    History,
}

/// The synthetic history's value at `ms`.
fn synthetic(ms: i64) -> f64 {
    (ms / 60_000 % 97) as f64
}

async fn answer(
    State(script): State<Script>,
    UrlPath(prefix): UrlPath<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    script
        .requests
        .lock()
        .expect("lock")
        .push((prefix.clone(), Instant::now()));
    let next = {
        let mut answers = script.answers.lock().expect("lock");
        let list = answers.entry(prefix.clone()).or_default();
        if list.len() > 1 {
            list.remove(0)
        } else {
            list[0]
        }
    };
    let end: f64 = query.get("end").and_then(|e| e.parse().ok()).unwrap_or(0.0);
    let ms = |key: &str| {
        query
            .get(key)
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0, |s| (s * 1000.0).round() as i64)
    };
    let (start_ms, end_ms, step_ms) = (ms("start"), ms("end"), ms("step").max(1));
    script
        .ranges
        .lock()
        .expect("lock")
        .push((prefix.clone(), start_ms, end_ms));
    let matrix = |value: f64, warned: bool| {
        let mut body = serde_json::json!({
            "status": "success",
            "data": { "resultType": "matrix", "result": [{ "metric": {}, "values": [[end, value.to_string()]] }] }
        });
        if warned {
            body["warnings"] = serde_json::json!(["PromQL info: the series is partial"]);
        }
        body.to_string()
    };
    match next {
        Scripted::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "restarting").into_response(),
        Scripted::TooMany { retry_after_s } => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", retry_after_s.to_string())],
            "slow down",
        )
            .into_response(),
        Scripted::Truncated => (StatusCode::OK, r#"{"status":"success","data":{"resultTy"#).into_response(),
        Scripted::Warned(v) => (StatusCode::OK, matrix(v, true)).into_response(),
        Scripted::Fine(v) => (StatusCode::OK, matrix(v, false)).into_response(),
        Scripted::Dcim(value) => {
            let mut body = serde_json::json!({ "at": jiff::Timestamp::now().to_string(), "centres": { "CM-N01": {} } });
            if let Some(v) = value {
                body["centres"]["CM-N01"]["it_mw"] = serde_json::json!(v);
            }
            (StatusCode::OK, body.to_string()).into_response()
        }
        Scripted::TooManyUntil(ahead_s) => {
            let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(ahead_s);
            let date = jiff::fmt::rfc2822::DateTimePrinter::new()
                .timestamp_to_rfc9110_string(&at)
                .expect("an HTTP date");
            (StatusCode::TOO_MANY_REQUESTS, [("retry-after", date)], "slow down").into_response()
        }
        Scripted::Unauthorized => (StatusCode::UNAUTHORIZED, "who are you?").into_response(),
        Scripted::History if (end_ms - start_ms) / step_ms + 1 > 11_000 => (
            StatusCode::BAD_REQUEST,
            r#"{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}"#,
        )
            .into_response(),
        Scripted::History => {
            let values: Vec<serde_json::Value> = (start_ms..=end_ms)
                .step_by(usize::try_from(step_ms).expect("step"))
                .map(|t| serde_json::json!([t as f64 / 1000.0, synthetic(t).to_string()]))
                .collect();
            let body = serde_json::json!({
                "status": "success",
                "data": { "resultType": "matrix", "result": [{ "metric": {}, "values": values }] }
            });
            (StatusCode::OK, body.to_string()).into_response()
        }
        Scripted::BadQuery => (
            StatusCode::UNPROCESSABLE_ENTITY,
            r#"{"status":"error","errorType":"execution","error":"expanding series: too many samples"}"#,
        )
            .into_response(),
    }
}

/// Serve `script` on a free loopback port (Prometheus's `/<prefix>/api/v1/query_range` and a
/// DCIM's `/<prefix>/summary`).
fn serve(script: &Script) -> u16 {
    let port = free_port();
    let server = script.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async move {
            let app = axum::Router::new()
                .route("/{prefix}/api/v1/query_range", axum::routing::get(answer))
                .route("/{prefix}/summary", axum::routing::get(answer))
                .with_state(server);
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                .await
                .expect("bind");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    port
}

#[test]
fn error_answers_are_retried_or_refused_as_they_deserve() {
    use Scripted::*;
    let script = Script::default();
    script.answers.lock().expect("lock").extend([
        (
            "flaky".to_owned(),
            vec![
                Unavailable,
                TooMany { retry_after_s: 2 },
                Truncated,
                Warned(5.0),
                Fine(6.0),
            ],
        ),
        ("wrong".to_owned(), vec![BadQuery]),
    ]);
    let port = serve(&script);
    let dir = temp_dir("scripted");
    let db = dir.join("store.db");
    let base = format!("http://127.0.0.1:{port}");
    let config = config(
        &dir,
        &[
            (
                "flaky",
                format!("{base}/flaky"),
                "sum(power)",
                "CM-N01/it_kw",
            ),
            (
                "wrong",
                format!("{base}/wrong"),
                "sum(power)",
                "CM-N02/it_kw",
            ),
        ],
    );
    let run = Run::start(&config, &db, None);
    let wrong = run.until("the bad query refused", Duration::from_secs(20), |v| {
        health_of(v, "wrong").is_some_and(|h| h["link"]["state"] == "misconfigured")
    });
    assert!(
        wrong["link"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("HTTP 422") && r.contains("too many samples")),
        "{wrong}"
    );
    let flaky = run.until(
        "two points from the flaky server",
        Duration::from_secs(40),
        |v| health_of(v, "flaky").is_some_and(|h| up(h) && points(h) >= 2),
    );
    assert_eq!(
        flaky["rejected"],
        serde_json::json!({ "malformed_answer": 1 }),
        "{flaky}"
    );
    assert_eq!(flaky["uncertain"], 1, "{flaky}");
    std::thread::sleep(Duration::from_secs(2));
    run.stop();

    let requests = script.requests.lock().expect("lock").clone();
    // A configuration error is asked once, never again.
    assert_eq!(requests.iter().filter(|(p, _)| p == "wrong").count(), 1);
    // After the 429, the next request waited at least its Retry-After.
    let flaky: Vec<Instant> = requests
        .iter()
        .filter(|(p, _)| p == "flaky")
        .map(|(_, at)| *at)
        .collect();
    assert!(flaky.len() >= 5);
    let waited = flaky[2].duration_since(flaky[1]);
    assert!(
        waited >= Duration::from_secs(2),
        "waited {waited:?} after Retry-After: 2"
    );

    let points = stored(&db, "CM-N01/it_kw");
    let got: Vec<(f64, Quality)> = points.iter().map(|p| (p.value, p.quality)).collect();
    assert_eq!(got[..2], [(5.0, Quality::Uncertain), (6.0, Quality::Good)]);
    assert!(got[2..].iter().all(|p| *p == (6.0, Quality::Good)));
}

#[test]
fn a_dcim_api_is_polled_by_pointer_and_its_answers_judged() {
    use Scripted::*;
    let script = Script::default();
    script.answers.lock().expect("lock").extend([
        (
            "dcim".to_owned(),
            vec![TooManyUntil(2), Dcim(None), Dcim(Some(30.5))],
        ),
        ("locked".to_owned(), vec![Unauthorized]),
    ]);
    let port = serve(&script);
    let dir = temp_dir("dcim");
    let db = dir.join("store.db");
    let path = dir.join("suangu.toml");
    let source = |id: &str, series: &str| {
        format!(
            "\n[[sources]]\nid = \"{id}\"\nexpected_interval_s = 1\n\
             http = {{ url = \"http://127.0.0.1:{port}/{id}/summary\", ts_pointer = \"/at\" }}\n\n\
             [[sources.points]]\npointer = \"/centres/CM-N01/it_mw\"\nseries = \"{series}\"\nunit = \"MW\"\nresolution = 1\n"
        )
    };
    std::fs::write(
        &path,
        format!(
            "park = \"qingyang\"\n{}{}",
            source("dcim", "CM-N01/it_kw"),
            source("locked", "CM-N02/it_kw")
        ),
    )
    .expect("config");
    let run = Run::start(&path, &db, None);
    let locked = run.until("401 refused", Duration::from_secs(20), |v| {
        health_of(v, "locked").is_some_and(|h| h["link"]["state"] == "misconfigured")
    });
    assert!(
        locked["link"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("HTTP 401")),
        "{locked}"
    );
    let dcim = run.until("two points", Duration::from_secs(30), |v| {
        health_of(v, "dcim").is_some_and(|h| up(h) && points(h) >= 2)
    });
    assert_eq!(
        dcim["rejected"],
        serde_json::json!({ "missing_value": 1 }),
        "{dcim}"
    );
    run.stop();

    let requests = script.requests.lock().expect("lock").clone();
    assert_eq!(requests.iter().filter(|(p, _)| p == "locked").count(), 1);
    let dcim: Vec<Instant> = requests
        .iter()
        .filter(|(p, _)| p == "dcim")
        .map(|(_, at)| *at)
        .collect();
    let waited = dcim[1].duration_since(dcim[0]);
    // The date has a resolution of one second: at least one second, most of two.
    assert!(
        waited >= Duration::from_millis(1000),
        "waited {waited:?} after a Retry-After date 2 s ahead"
    );
    let stored = stored(&db, "CM-N01/it_kw");
    assert!(stored.len() >= 2, "{stored:?}");
    assert!(
        stored
            .iter()
            .all(|p| p.value == 30_500.0 && p.quality == Quality::Good)
    );
}

/// A data-source file with one Prometheus source `history` polled every 60 s: `query` at `url`
/// into CM-N01/it_kw.
fn every_minute(dir: &Path, url: &str, query: &str) -> PathBuf {
    let path = dir.join("suangu.toml");
    std::fs::write(
        &path,
        format!(
            "park = \"qingyang\"\n\n[[sources]]\nid = \"history\"\nexpected_interval_s = 60\n\
             prometheus = {{ url = \"{url}\", timeout_s = 5 }}\n\n\
             [[sources.points]]\nquery = '{query}'\nseries = \"CM-N01/it_kw\"\nunit = \"kW\"\n\
             resolution = 1\nrange = [0, 100]\n"
        ),
    )
    .expect("config");
    path
}

/// Store one point of `series` as an earlier run would have (written by another writer).
fn seed(db: &Path, series: &str, at_ms: i64, value: f64) {
    use suangu_store::{SeriesSpec, SqliteStore, Store};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = SqliteStore::open(db).await.expect("open the store");
        let ids = store
            .register_series(
                "qingyang",
                &[SeriesSpec {
                    name: series.to_owned(),
                    resolution: 1.0,
                }],
            )
            .await
            .expect("register");
        let point = suangu_store::chunk::Point {
            source_ms: at_ms,
            ingest_ms: at_ms,
            value,
            quality: Quality::Good,
        };
        store
            .write_raw("qingyang", "seed", ids[0], 1.0, &[point])
            .await
            .expect("seed");
    });
}

/// The newest point stored is 15 days old and the source is polled every 60 s: the last 14 days
/// (20,161 steps, more than one query may ask) are read in pages of at most 10,000 steps, oldest
/// first, a failed page asked again from where it stopped; each step stored once with its
/// original time; the day before them is left out, and counted.
#[test]
fn a_two_week_gap_is_read_page_by_page_and_what_is_older_is_counted() {
    use Scripted::*;
    const STEP: i64 = 60_000;
    const DAY: i64 = 86_400_000;
    let script = Script::default();
    script
        .answers
        .lock()
        .expect("lock")
        .insert("history".to_owned(), vec![History, Unavailable, History]);
    let port = serve(&script);
    let dir = temp_dir("backfill");
    let db = dir.join("store.db");
    let seeded = jiff::Timestamp::now().as_millisecond() / STEP * STEP - 15 * DAY;
    seed(&db, "CM-N01/it_kw", seeded, synthetic(seeded));
    let path = every_minute(
        &dir,
        &format!("http://127.0.0.1:{port}/history"),
        "sum(power)",
    );
    let run = Run::start(&path, &db, None);
    let health = run.until("two weeks read", Duration::from_secs(120), |v| {
        up(v) && points(v) >= 20_161
    });
    run.stop();

    let ranges: Vec<(i64, i64)> = script
        .ranges
        .lock()
        .expect("lock")
        .iter()
        .map(|(_, from, to)| (*from, *to))
        .collect();
    assert!(ranges.len() >= 4, "{ranges:?}");
    assert!(
        ranges.iter().all(|(from, to)| (to - from) / STEP < 10_000),
        "a page over 10,000 steps: {ranges:?}"
    );
    // The first poll's end is 14 days after its first page's start.
    let horizon = ranges[0].0;
    assert_eq!(horizon % STEP, 0);
    assert_eq!(
        ranges[1].0,
        ranges[0].1 + STEP,
        "the second page follows the first"
    );
    assert_eq!(
        ranges[2].0, ranges[1].0,
        "after the 503, the same page again"
    );
    assert_eq!(ranges[3].0, ranges[2].1 + STEP);
    let left_out = (horizon - seeded) / STEP - 1;
    assert!((1_439..=1_441).contains(&left_out), "{left_out}");
    assert_eq!(
        health["rejected"],
        serde_json::json!({ "beyond_backfill": left_out }),
        "{health}"
    );

    let stored = stored(&db, "CM-N01/it_kw");
    assert_eq!(stored[0].source_ms, seeded);
    let read = &stored[1..];
    assert_eq!(
        read[0].source_ms, horizon,
        "nothing older than 14 days fetched"
    );
    assert!(
        read.windows(2)
            .all(|w| w[1].source_ms - w[0].source_ms == STEP),
        "every step once, in order"
    );
    assert!(read.len() >= 20_161, "{} steps", read.len());
    assert!(
        read.iter()
            .all(|p| p.value == synthetic(p.source_ms) && p.quality == Quality::Good),
        "original times and values"
    );
}

/// The same against a real Prometheus: 14.5 days of a gauge every 60 s written into its data
/// folder with `promtool tsdb create-blocks-from openmetrics` (history it never scraped), the
/// newest point stored 15 days old. The connector reads the last 14 days in pages the real server
/// accepts, each sample once at its own time, and counts the day it leaves out.
#[test]
fn a_real_prometheus_fills_a_two_week_gap_from_its_history() {
    const STEP: i64 = 60_000;
    const DAY: i64 = 86_400_000;
    let dir = temp_dir("prometheus-history");
    let now = jiff::Timestamp::now().as_millisecond() / STEP * STEP;
    let (first, last) = (now - 14 * DAY - DAY / 2, now - 2 * STEP);
    let mut history = "# TYPE history_kw gauge\n".to_owned();
    for t in (first..=last).step_by(STEP as usize) {
        history.push_str(&format!("history_kw {} {}\n", synthetic(t), t / 1000));
    }
    history.push_str("# EOF\n");
    let input = dir.join("history.om");
    std::fs::write(&input, history).expect("history");
    let promtool =
        std::env::var("SUANGU_PROMTOOL").unwrap_or_else(|_| "/usr/bin/promtool".to_owned());
    let made = Command::new(&promtool)
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&input)
        .arg(dir.join("tsdb"))
        .stdout(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{promtool}: {e} (Debian's prometheus package has it)"));
    assert!(made.success(), "promtool: {made}");
    let port = free_port();
    let server = Prometheus::start(&dir, port);
    let db = dir.join("store.db");
    let seeded = now - 15 * DAY;
    seed(&db, "CM-N01/it_kw", seeded, synthetic(seeded));
    let path = every_minute(&dir, &format!("http://127.0.0.1:{port}"), "history_kw");
    let run = Run::start(&path, &db, None);
    let health = run.until("two weeks read", Duration::from_secs(120), |v| {
        up(v) && points(v) >= 20_160
    });
    run.stop();
    drop(server);

    let stored = stored(&db, "CM-N01/it_kw");
    let read = &stored[1..];
    let horizon = read[0].source_ms;
    assert!(
        (now - 14 * DAY..=now - 14 * DAY + 2 * STEP).contains(&horizon),
        "the first point read is 14 days back: {horizon}"
    );
    assert!(
        read.windows(2)
            .all(|w| w[1].source_ms - w[0].source_ms == STEP),
        "every step once, in order"
    );
    let sampled: Vec<_> = read.iter().filter(|p| p.source_ms <= last).collect();
    assert_eq!(sampled.len() as i64, (last - horizon) / STEP + 1);
    assert!(
        sampled.iter().all(|p| p.value == synthetic(p.source_ms)),
        "each sample at its own time"
    );
    assert_eq!(
        health["rejected"]["beyond_backfill"].as_i64(),
        Some((horizon - seeded) / STEP - 1),
        "{health}"
    );
}

/// A data-source file with one Prometheus source at `url` asking for `time() % 100` every
/// second, and `extra` in its link (e.g. a `ca_file`).
fn clock_config(dir: &Path, url: &str, extra: &str) -> PathBuf {
    let text = format!(
        "park = \"qingyang\"\n\n[[sources]]\nid = \"clusters\"\nexpected_interval_s = 1\n\
         prometheus = {{ url = \"{url}\", timeout_s = 2{extra} }}\n\n[[sources.points]]\n\
         query = 'time() % 100'\nseries = \"CM-N01/it_kw\"\nunit = \"kW\"\nresolution = 1\n\
         range = [0, 100]\n"
    );
    let path = dir.join("suangu.toml");
    std::fs::write(&path, text).expect("config");
    path
}

#[test]
fn an_https_prometheus_is_read_through_a_parks_own_ca_and_an_untrusted_one_is_refused() {
    let dir = temp_dir("https");
    let (ca, cert, key) = certificates(&dir);
    let port = free_port();
    let server = Prometheus::start_tls(&dir, port, &cert, &key);
    let url = format!("https://127.0.0.1:{port}");
    let db = dir.join("store.db");

    // Without the park's CA the server's certificate is not trusted: it backs off, saying why.
    let run = Run::start(&clock_config(&dir, &url, ""), &db, None);
    let refused = run.until("the link refused", Duration::from_secs(30), |v| {
        v["link"]["state"] == "backing_off"
    });
    let error = refused["link"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("certificate"), "{refused}");
    run.stop();

    // A CA file that is no certificate is a configuration error naming it.
    let junk = dir.join("junk.pem");
    std::fs::write(&junk, "not a certificate").expect("junk");
    let run = Run::start(
        &clock_config(&dir, &url, &format!(", ca_file = \"{}\"", junk.display())),
        &db,
        None,
    );
    let wrong = run.until("misconfigured", Duration::from_secs(30), |v| {
        v["link"]["state"] == "misconfigured"
    });
    assert!(
        wrong["link"]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("junk.pem"),
        "{wrong}"
    );
    run.stop();

    // With it: up over HTTPS; each point is the server's clock at its own time.
    let run = Run::start(
        &clock_config(&dir, &url, &format!(", ca_file = \"{}\"", ca.display())),
        &db,
        None,
    );
    run.until("5 points over HTTPS", Duration::from_secs(60), |v| {
        up(v) && points(v) >= 5
    });
    run.stop();
    drop(server);
    let points = stored(&db, "CM-N01/it_kw");
    assert!(points.len() >= 5, "{} points", points.len());
    for p in &points {
        assert_eq!(p.value, ((p.source_ms / 1000) % 100) as f64, "{p:?}");
        assert_eq!(p.quality, Quality::Good);
    }
}
