//! `suangu serve` off loopback: bound to 0.0.0.0 and reached only through 127.0.0.1, every
//! request needs a screen token (Bearer header or the cookie of a one-time link); revoking a
//! token with `suangu token revoke` shuts it out, open streams included, without a restart.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod http;
use http::get;

fn suangu(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_suangu"));
    cmd.env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .arg("--db")
        .arg(format!("sqlite://{}", db.display()))
        .arg("--scenario")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/scenarios/valid/zhongwei-mini.toml"),
        );
    cmd
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("suangu-tokens-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("assets")).expect("temp dir");
    dir
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn assert_security_headers(head: &str) {
    for needed in [
        "content-security-policy: default-src 'self'",
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
        "x-frame-options: deny",
    ] {
        assert!(head.contains(needed), "{needed} missing in {head}");
    }
    assert!(!head.contains("access-control-allow-origin"), "{head}");
}

/// The live event stream: frames' `at_s` as they come.
struct Live(BufReader<TcpStream>);

impl Live {
    fn open(addr: &str, auth: &str) -> Live {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        write!(
            stream,
            "GET /api/live HTTP/1.1\r\nHost: x\r\n{auth}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send");
        Live(BufReader::new(stream))
    }

    /// The next frame's `at_s`, or None when the stream ends.
    fn next(&mut self) -> Option<u64> {
        loop {
            let mut line = String::new();
            match self.0.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            if let Some(data) = line.strip_prefix("data:") {
                let frame: serde_json::Value = serde_json::from_str(data.trim()).expect("frame");
                return frame["at_s"].as_u64();
            }
        }
    }
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn off_loopback_every_request_needs_a_token_and_revocation_shuts_it_out() {
    let dir = temp_dir("serve");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>ui</title>").expect("index");
    std::fs::write(dir.join("assets/app.js"), "console.log(1)").expect("asset");
    let db = dir.join("store.db");
    let add = |screen: &str| {
        json(
            &suangu(&db)
                .args(["--json", "token", "add", "--screen", screen])
                .output()
                .expect("runs"),
        )
    };
    let hall = add("hall-a");
    let lobby = add("lobby");
    let token = hall["token"].as_str().expect("token").to_owned();
    let login = hall["login_path"].as_str().expect("link").to_owned();
    assert!(login.starts_with("/login?code="), "{login}");
    // The store holds no token or code in clear.
    let raw = std::fs::read(&db).expect("db");
    let contains = |needle: &str| raw.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!contains(&token) && !contains(&login[12..]));
    // The same name again is bad input while the first is active.
    let again = suangu(&db)
        .args(["token", "add", "--screen", "hall-a"])
        .output()
        .expect("runs");
    assert_eq!(again.status.code(), Some(2));

    let mut child = suangu(&db)
        .args(["serve", "--bind", "0.0.0.0:0", "--ui-dir"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("serve prints its address");
    // Read stderr to its end (a closed pipe would fail the server's next log line).
    let (tx, lines) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Other log lines may come first (e.g. this park has no alarm rules).
    let warning = std::iter::from_fn(|| lines.recv_timeout(Duration::from_secs(10)).ok())
        .find(|line| line.contains("active tokens"))
        .unwrap_or_default();
    let _server = Server(child);
    assert!(
        warning.contains("warning") && warning.contains("active tokens: 2"),
        "{warning}"
    );
    let port = line
        .trim()
        .strip_suffix('/')
        .and_then(|l| l.rsplit(':').next())
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    assert!(line.contains("0.0.0.0"), "{line}");
    let addr = format!("127.0.0.1:{port}");
    let bearer = |t: &str| vec![format!("Authorization: Bearer {t}")];

    // No token: 401 everywhere, a small page, nothing of the UI, the security headers still on.
    for path in [
        "/",
        "/index.html",
        "/assets/app.js",
        "/api/park_summary",
        "/api/live",
        "/api/rack_heatmap.ws",
        "/assets/",
    ] {
        let (status, head, body) = get(&addr, path, &[]);
        assert_eq!(status, 401, "{path}: {head}");
        assert_security_headers(&head);
        assert!(
            body.contains("token is needed") && !body.contains("<title>ui"),
            "{body}"
        );
    }
    // Malformed or wrong credentials are just 401.
    for headers in [
        vec!["Authorization: Basic aGFsbDphCg==".to_owned()],
        bearer("not-a-token"),
        bearer(""),
        vec!["Authorization: Bearer caf\u{e9}".to_owned()],
        vec!["Cookie: suangu_session=0000".to_owned()],
        vec!["Cookie: =;;suangu_session".to_owned()],
    ] {
        let (status, _, _) = get(&addr, "/api/park_summary", &headers);
        assert_eq!(status, 401, "{headers:?}");
    }

    // A Bearer token: the API, the UI and its assets; /api never cached.
    let (status, head, body) = get(&addr, "/api/park_summary", &bearer(&token));
    assert_eq!(status, 200, "{head}");
    assert!(body.contains("zhongwei-mini"), "{body}");
    assert_security_headers(&head);
    assert!(head.contains("cache-control: no-store"), "{head}");
    assert_eq!(get(&addr, "/assets/app.js", &bearer(&token)).0, 200);
    // Read-only, as on loopback.
    assert_eq!(get(&addr, "/api/drill?asset=F1", &bearer(&token)).0, 403);
    // A folder is never listed.
    let (status, head, body) = get(&addr, "/assets/", &bearer(&token));
    assert_eq!(status, 404, "{head}");
    assert!(!body.contains("app.js"), "{body}");

    // The one-time link: 303 to / with the session cookie; then spent.
    let (status, head, _) = get(&addr, &login, &[]);
    assert_eq!(status, 303, "{head}");
    assert!(head.contains("location: /\r\n"), "{head}");
    assert!(head.contains("cache-control: no-store"), "{head}");
    assert_security_headers(&head);
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .expect("a cookie")
        .to_owned();
    for attribute in ["httponly", "samesite=strict", "path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let session = cookie.split(';').next().expect("name=value").to_owned();
    let (status, _, body) = get(&addr, &login, &[]);
    assert_eq!(status, 401, "a used link opens nothing: {body}");
    let with_cookie = vec![format!("Cookie: theme=dark; {session}")];
    let (status, _, body) = get(&addr, "/", &with_cookie);
    assert_eq!(status, 200);
    assert!(body.contains("<title>ui</title>"));
    assert_eq!(get(&addr, "/api/park_summary", &with_cookie).0, 200);

    // A reconnecting client resumes with a snapshot: the newest frame at once. Just after a
    // frame reaches one client, a second connects and gets that same frame first (not the
    // next one, a second later).
    let auth = format!("Authorization: Bearer {token}");
    let mut first = Live::open(&addr, &auth);
    first.next().expect("a frame");
    let newest = first.next().expect("a second frame");
    let started = Instant::now();
    let mut second = Live::open(&addr, &auth);
    assert_eq!(second.next(), Some(newest), "the newest frame first");
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );
    let mut by_cookie = Live::open(&addr, &with_cookie[0]);
    by_cookie.next().expect("a frame by cookie");

    // Revoked: the token, its cookie and its open streams are shut out within the refresh
    // period (2 s; allowed 5 s here); the other screen's token still works.
    let out = suangu(&db)
        .args(["token", "revoke", "--screen", "hall-a"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let revoked = Instant::now();
    while get(&addr, "/api/park_summary", &bearer(&token)).0 != 401 {
        assert!(
            revoked.elapsed() < Duration::from_secs(5),
            "still let in after 5 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let took = revoked.elapsed();
    assert_eq!(get(&addr, "/api/park_summary", &with_cookie).0, 401);
    assert_eq!(get(&addr, "/", &with_cookie).0, 401);
    let (status, head, _) = get(&addr, "/api/park_summary", &bearer(&token));
    assert_eq!(status, 401);
    assert_security_headers(&head);
    for stream in [&mut first, &mut second, &mut by_cookie] {
        let mut frames = 0;
        while stream.next().is_some() {
            frames += 1;
            assert!(frames < 5, "a revoked token's stream goes on");
        }
    }
    let lobby_token = lobby["token"].as_str().expect("token");
    assert_eq!(get(&addr, "/api/park_summary", &bearer(lobby_token)).0, 200);
    eprintln!("revocation took effect after {took:?}");

    // Revoking an unknown screen is bad input, named.
    let out = suangu(&db)
        .args(["token", "revoke", "--screen", "nowhere"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));
    // The list shows both, one revoked, and never a token.
    let listed = suangu(&db)
        .args(["--json", "token", "list"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(
        !text.contains(&token) && !text.contains(lobby_token),
        "{text}"
    );
    let listed = json(&listed);
    assert_eq!(listed[0]["screen"], "hall-a");
    assert!(listed[0]["revoked_s"].is_i64());
    assert!(listed[0]["last_seen_s"].is_i64(), "{listed}");
    assert!(listed[1]["revoked_s"].is_null());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn on_loopback_require_token_asks_for_one_too() {
    let dir = temp_dir("require");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>ui</title>").expect("index");
    let db = dir.join("store.db");
    let out = suangu(&db)
        .args(["--json", "token", "add", "--screen", "desk"])
        .output()
        .expect("runs");
    let token = json(&out)["token"].as_str().expect("token").to_owned();
    let mut child = suangu(&db)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--require-token",
            "--ui-dir",
        ])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("address");
    let _server = Server(child);
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.trim().strip_suffix('/'))
        .expect("addr")
        .to_owned();
    assert_eq!(get(&addr, "/", &[]).0, 401);
    assert_eq!(
        get(&addr, "/", &[format!("Authorization: Bearer {token}")]).0,
        200
    );
    let _ = std::fs::remove_dir_all(&dir);
}
