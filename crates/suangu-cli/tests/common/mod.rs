//! What the source tests share: `suangu run --config` as a child process read through its JSON
//! health lines, clean stops, and the points read back from the store.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use suangu_store::chunk::Point;
use suangu_store::{SqliteStore, Store};

pub fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("suangu-source-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Send SIGTERM (a clean stop: Mosquitto saves its persistence file, `suangu run` flushes).
pub fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

pub fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let until = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(Instant::now() < until, "still running after {within:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `suangu run --config` with health lines as JSON every 100 ms.
pub struct Run {
    pub child: Child,
    lines: mpsc::Receiver<Value>,
    pub stderr: std::thread::JoinHandle<String>,
}

impl Run {
    pub fn start(config: &Path, db: &Path, failpoint: Option<&str>) -> Run {
        Run::start_with(config, db, failpoint, &[], &[])
    }

    /// [`Run::start`] with more environment and flags.
    pub fn start_with(
        config: &Path,
        db: &Path,
        failpoint: Option<&str>,
        env: &[(&str, &str)],
        flags: &[&str],
    ) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_suangu"));
        cmd.envs(env.iter().copied()).args(flags);
        cmd.env("LANG", "en_US.UTF-8")
            .env("RUST_LOG", "info")
            .args(["run", "--json", "--report-ms", "100", "--config"])
            .arg(config)
            .arg("--db")
            .arg(format!("sqlite://{}", db.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match failpoint {
            Some(f) => cmd.env("SUANGU_FAILPOINT", f),
            None => cmd.env_remove("SUANGU_FAILPOINT"),
        };
        let mut child = cmd.spawn().expect("suangu run");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    let _ = tx.send(v);
                }
            }
        });
        let mut stderr = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Run {
            child,
            lines,
            stderr,
        }
    }

    /// The first health line (after now) for which `ok` holds.
    pub fn until(&self, what: &str, within: Duration, ok: impl Fn(&Value) -> bool) -> Value {
        let until = Instant::now() + within;
        let mut last = Value::Null;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(v) if ok(&v) => return v,
                Ok(v) => last = v,
                Err(_) => panic!("no health line with {what} within {within:?}; the last: {last}"),
            }
        }
    }

    pub fn stop(mut self) -> String {
        terminate(&self.child);
        let status = wait_exit(&mut self.child, Duration::from_secs(20));
        let stderr = self.stderr.join().unwrap_or_default();
        assert!(status.success(), "suangu run: {status}\n{stderr}");
        stderr
    }
}

pub fn up(v: &Value) -> bool {
    v["link"]["state"] == "up"
}

pub fn points(v: &Value) -> u64 {
    v["points"].as_u64().unwrap_or(0)
}

/// Every stored point of `series`.
pub fn stored(db: &Path, series: &str) -> Vec<Point> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = SqliteStore::open(db).await.expect("open the store");
        let ids = store
            .series_ids("qingyang", &[series.to_owned()])
            .await
            .expect("series");
        let id = ids[0].expect("the series is registered");
        let range = store
            .raw_range(id, jiff::Timestamp::UNIX_EPOCH, jiff::Timestamp::MAX)
            .await
            .expect("range");
        assert!(range.quarantined.is_empty(), "{:?}", range.quarantined);
        range.points
    })
}

/// A park's own CA and a server certificate it signed for 127.0.0.1, made with the `openssl`
/// command in `dir`: (the CA's PEM, the server's certificate, the server's key).
pub fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| {
                panic!("openssl: {e} (install Debian's openssl: `make test` does)")
            });
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=Suangu test park CA",
            ],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName = IP:127.0.0.1, DNS:localhost\nbasicConstraints = CA:FALSE\n\
         keyUsage = digitalSignature\nextendedKeyUsage = serverAuth\n",
    )
    .expect("extensions");
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}
