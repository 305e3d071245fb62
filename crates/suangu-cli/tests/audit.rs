//! The audit log as an admin meets it: the CLI's own actions and a browser wall's refused drill
//! are logged; `suangu audit verify` says the chain is intact, finds a row edited behind the
//! database's back, and refuses to guess without the key; `export` writes every row as CSV.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod http;
use http::get;

struct Setup {
    dir: PathBuf,
    db: String,
    key: PathBuf,
}

impl Setup {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("suangu-audit-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        Self {
            db: format!("sqlite://{}", dir.join("store.db").display()),
            key: dir.join("keys").join("audit.key"),
            dir,
        }
    }

    fn suangu(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_suangu"));
        cmd.env("LANG", "en_US.UTF-8")
            .env("USER", "duty-officer")
            .env("SUANGU_AUDIT_KEY", &self.key)
            .arg("--db")
            .arg(&self.db);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.suangu().args(args).output().expect("runs")
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn ok(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// A drill asked of a browser wall server: refused (403), and logged.
fn drill_through_serve(s: &Setup) {
    let ui = s.dir.join("ui");
    std::fs::create_dir_all(&ui).expect("ui");
    std::fs::write(ui.join("index.html"), "<!doctype html><title>ui</title>").expect("index");
    let mut child = s
        .suangu()
        .args(["serve", "--bind", "127.0.0.1:0", "--ui-dir"])
        .arg(&ui)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.trim().strip_suffix('/'))
        .expect("address")
        .to_owned();
    let (status, head, _) = get(&addr, "/api/drill?asset=F-201", &[]);
    assert_eq!(status, 403, "{head}");
    let _ = child.kill();
    let _ = child.wait();
}

fn rows_of(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("csv");
    reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn actions_are_logged_chained_verified_exported_and_an_edit_is_found() {
    let s = Setup::new("log");
    ok(&s.run(&["token", "add", "--screen", "hall-a", "--json"]));
    ok(&s.run(&["drill", "--trip", "F-201", "--json"]));
    ok(&s.run(&["token", "revoke", "--screen", "hall-a", "--json"]));
    drill_through_serve(&s);

    let verified = ok(&s.run(&["audit", "verify", "--json"]));
    assert_eq!(verified["rows"], 4);
    assert_eq!(verified["intact"], true);
    let csv = s.dir.join("audit.csv");
    ok(&s
        .suangu()
        .args(["audit", "export", "--json", "--out"])
        .arg(&csv)
        .output()
        .expect("runs"));
    let rows = rows_of(&csv);
    assert_eq!(
        rows[0][..9],
        [
            "id", "prev", "at_utc", "at_local", "who", "role", "console", "action", "target"
        ]
    );
    let said: Vec<(&str, &str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[5].as_str(), r[6].as_str(), r[7].as_str(), r[8].as_str()))
        .collect();
    assert_eq!(
        said,
        [
            ("admin", "cli", "token_add", "hall-a"),
            ("admin", "cli", "drill", "F-201"),
            ("admin", "cli", "token_revoke", "hall-a"),
            ("viewer", "serve", "drill", "drill"),
        ]
    );
    assert!(
        rows[1..4].iter().all(|r| r[4] == "duty-officer"),
        "the OS user acted"
    );
    assert_eq!(rows[4][4], "loopback");
    assert!(rows[4][12].starts_with("refused"), "{:?}", rows[4]);
    let text = String::from_utf8_lossy(&s.run(&["audit", "verify"]).stdout).to_string();
    assert!(
        text.contains("4 rows") && text.contains("chain intact"),
        "{text}"
    );

    // Edited behind the database's back (its trigger dropped first): found, and named.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&s.db).await.expect("raw");
        let err = sqlx::query(
            "UPDATE audit_log SET who = 'someone else' WHERE action = 'drill' AND role = 'admin'",
        )
        .execute(&pool)
        .await
        .expect_err("the database refuses");
        assert!(err.to_string().contains("append-only"), "{err}");
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(&pool)
            .await
            .expect("drop trigger");
        sqlx::query(
            "UPDATE audit_log SET who = 'someone else' WHERE action = 'drill' AND role = 'admin'",
        )
        .execute(&pool)
        .await
        .expect("forced");
        pool.close().await;
    });
    let out = s.run(&["audit", "verify", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (report["intact"].clone(), report["broken_row"].clone()),
        (false.into(), rows[2][0].parse::<i64>().expect("id").into())
    );

    // Without the key nothing can be said: bad input, the path named.
    let out = s
        .suangu()
        .env("SUANGU_AUDIT_KEY", s.dir.join("nowhere.key"))
        .args(["audit", "verify"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.key"));
}
