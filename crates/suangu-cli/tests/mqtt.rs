//! `suangu run --config` against a real Mosquitto broker on loopback, started here with
//! persistence: a series goes stale when its publisher stops, nothing is lost or doubled across a
//! broker restart or a crash between storing and acknowledging, and malformed payloads are
//! counted while the connector keeps running. The points are read back from the store.

mod common;

use common::{Run, certificates, free_port, points, stored, temp_dir, terminate, up, wait_exit};
use rumqttc::{Client, Event, MqttOptions, Packet, QoS};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use suangu_store::chunk::Quality;

const SERIES: &str = "CM-N01/it_kw";
const TOPIC: &str = "test/CM-N01/it";

/// A Mosquitto broker on 127.0.0.1 with persistence in its own folder.
struct Broker {
    child: Child,
    port: u16,
    conf: PathBuf,
}

impl Broker {
    fn start(dir: &Path, port: u16) -> Broker {
        let conf = dir.join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!(
                // Started as root, Mosquitto would otherwise drop to its own user, which cannot
                // write its persistence file in our folder.
                "user {}\nlistener {port} 127.0.0.1\nallow_anonymous true\npersistence true\n\
                 persistence_location {}/\nmax_queued_messages 100000\nmessage_size_limit 1048576\n",
                std::env::var("USER").unwrap_or_else(|_| "root".to_owned()),
                dir.display()
            ),
        )
        .expect("conf");
        Broker::spawn(conf, port)
    }

    /// [`Broker::start`] with a second listener on `tls_port` for TLS only, its certificate
    /// signed by a park's own CA (the first stays plain, for the test's publisher).
    fn start_tls(dir: &Path, port: u16, tls_port: u16, cert: &Path, key: &Path) -> Broker {
        let broker = Broker::start(dir, port);
        let (conf, port) = broker.stop();
        let mut text = std::fs::read_to_string(&conf).expect("conf");
        text.push_str(&format!(
            "listener {tls_port} 127.0.0.1\ncertfile {}\nkeyfile {}\n",
            cert.display(),
            key.display()
        ));
        std::fs::write(&conf, text).expect("conf");
        Broker::spawn(conf, port)
    }

    /// A broker that takes only the user `suangu` with `password`; its password file is
    /// returned beside it.
    fn start_with_password(dir: &Path, port: u16, password: &str) -> (Broker, PathBuf) {
        let passwords = dir.join("passwords");
        let made = Command::new("mosquitto_passwd")
            .args(["-b", "-c"])
            .arg(&passwords)
            .args(["suangu", password])
            .output()
            .expect("mosquitto_passwd (Debian's mosquitto)");
        assert!(made.status.success(), "{made:?}");
        let conf = dir.join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!(
                "user {}\nlistener {port} 127.0.0.1\nallow_anonymous false\npassword_file {}\n",
                std::env::var("USER").unwrap_or_else(|_| "root".to_owned()),
                passwords.display()
            ),
        )
        .expect("conf");
        (Broker::spawn(conf, port), passwords)
    }

    fn spawn(conf: PathBuf, port: u16) -> Broker {
        let bin =
            std::env::var("SUANGU_MOSQUITTO").unwrap_or_else(|_| "/usr/sbin/mosquitto".to_owned());
        let child = Command::new(&bin)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{bin}: {e} (install Debian's mosquitto: `make test` does)")
            });
        let until = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "mosquitto did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Broker { child, port, conf }
    }

    /// Stop it cleanly (it saves its sessions); `spawn` the returned file to start it again.
    fn stop(mut self) -> (PathBuf, u16) {
        terminate(&self.child);
        wait_exit(&mut self.child, Duration::from_secs(10));
        (self.conf.clone(), self.port)
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A data-source file: one MQTT source, one point, expected every second, range 0-50,000 kW.
fn config(dir: &Path, port: u16, client_id: &str) -> PathBuf {
    config_with(dir, &format!("port = {port}, client_id = \"{client_id}\""))
}

/// [`config`] with the broker's link given as `link` (after its host).
fn config_with(dir: &Path, link: &str) -> PathBuf {
    let path = dir.join("suangu.toml");
    std::fs::write(
        &path,
        format!(
            r#"park = "qingyang"

[[sources]]
id = "meters"
expected_interval_s = 1
mqtt = {{ host = "127.0.0.1", {link} }}

[[sources.points]]
topic = "{TOPIC}"
series = "{SERIES}"
unit = "kW"
resolution = 1
range = [0, 50000]
"#
        ),
    )
    .expect("config");
    path
}

/// Publish every message at QoS 1 and return once the broker has acknowledged them all.
fn publish(port: u16, messages: Vec<Vec<u8>>) {
    let mut options = MqttOptions::new(
        format!("test-publisher-{}", std::process::id()),
        "127.0.0.1",
        port,
    );
    options.set_max_packet_size(2 << 20, 2 << 20);
    let (client, mut connection) = Client::new(options, 16);
    let n = messages.len();
    let sender = std::thread::spawn(move || {
        for m in messages {
            client
                .publish(TOPIC, QoS::AtLeastOnce, false, m)
                .expect("publish");
        }
        client
    });
    let mut acked = 0;
    for event in connection.iter() {
        match event {
            Ok(Event::Incoming(Packet::PubAck(_))) => {
                acked += 1;
                if acked == n {
                    break;
                }
            }
            Ok(_) => {}
            Err(e) => panic!("publisher: {e}"),
        }
    }
    let client = sender.join().expect("sender");
    let _ = client.disconnect();
}

/// Readings `from..to`: value i kW, stamped `base + i` seconds.
fn readings(base_ms: i64, range: std::ops::Range<i64>) -> Vec<Vec<u8>> {
    range
        .map(|i| {
            serde_json::json!({ "value": i, "ts": base_ms + i * 1000 })
                .to_string()
                .into_bytes()
        })
        .collect()
}

/// An hour ago, on a whole minute.
fn base_ms() -> i64 {
    (jiff::Timestamp::now().as_millisecond() - 3_600_000) / 60_000 * 60_000
}

/// Exactly the readings `0..n` from `base_ms`, each once.
fn assert_exactly_once(db: &Path, base_ms: i64, n: i64) {
    let points = stored(db, SERIES);
    let got: Vec<(i64, f64)> = points.iter().map(|p| (p.source_ms, p.value)).collect();
    let want: Vec<(i64, f64)> = (0..n).map(|i| (base_ms + i * 1000, i as f64)).collect();
    assert_eq!(
        got.len(),
        want.len(),
        "stored {} points, published {n}",
        got.len()
    );
    assert_eq!(got, want);
    assert!(points.iter().all(|p| p.quality == Quality::Good));
}

#[test]
fn a_silent_source_goes_stale_and_a_broker_restart_loses_and_doubles_nothing() {
    let dir = temp_dir("restart");
    let port = free_port();
    let broker = Broker::start(&dir, port);
    let db = dir.join("store.db");
    let run = Run::start(&config(&dir, port, "suangu-test-restart"), &db, None);
    run.until("the link up", Duration::from_secs(20), up);
    let base = base_ms();

    publish(port, readings(base, 0..300));
    run.until("300 points", Duration::from_secs(20), |v| points(v) >= 300);
    let last = Instant::now();
    // The publisher is silent now: fresh until 2.5 expected intervals (1 s) have passed.
    let stale = run.until("the series stale", Duration::from_secs(10), |v| {
        v["stale"].as_array().is_some_and(|s| !s.is_empty())
    });
    let after = last.elapsed().as_secs_f64();
    assert_eq!(stale["stale"][0], SERIES);
    assert!(
        (2.0..3.0).contains(&after),
        "stale after {after:.2} s, not between 2 and 3 intervals"
    );

    // The broker goes down and comes back with its persistence; meanwhile the meters buffered
    // and now send their backlog, stamped when measured.
    let (conf, port) = broker.stop();
    run.until("the link lost", Duration::from_secs(20), |v| {
        v["link"]["state"] == "backing_off"
    });
    let broker = Broker::spawn(conf, port);
    publish(port, readings(base, 300..600));
    let back = run.until("600 points and up again", Duration::from_secs(60), |v| {
        up(v) && points(v) >= 600
    });
    assert!(back["reconnects"].as_u64().unwrap_or(0) >= 1, "{back}");
    assert_eq!(back["stale"].as_array().map(Vec::len), Some(0), "{back}");
    run.stop();
    drop(broker);
    assert_exactly_once(&db, base, 600);
}

#[test]
fn a_crash_between_storing_and_acknowledging_is_redelivered_and_stored_once() {
    let dir = temp_dir("crash");
    let port = free_port();
    let _broker = Broker::start(&dir, port);
    let db = dir.join("store.db");
    let config = config(&dir, port, "suangu-test-crash");
    let mut run = Run::start(&config, &db, Some("mqtt_abort_before_ack=2"));
    run.until("the link up", Duration::from_secs(20), up);
    let base = base_ms();
    publish(port, readings(base, 0..200));
    // The second durable batch stops the process before its acknowledgement.
    let status = wait_exit(&mut run.child, Duration::from_secs(20));
    assert!(!status.success(), "the failpoint did not fire");
    let stderr = run.stderr.join().unwrap_or_default();
    assert!(
        stderr.contains("failpoint: aborting after durable batch 2"),
        "{stderr}"
    );

    // The next run stores what the log held, and the broker delivers again what was never
    // acknowledged: each point once.
    let run = Run::start(&config, &db, None);
    run.until("the rest delivered", Duration::from_secs(30), |v| {
        up(v) && points(v) > 0
    });
    let until = Instant::now() + Duration::from_secs(30);
    while stored(&db, SERIES).len() < 200 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(500));
    }
    let stderr = run.stop();
    assert!(
        stderr.contains("stored what the previous run had logged"),
        "{stderr}"
    );
    assert_exactly_once(&db, base, 200);
}

#[test]
fn malformed_payloads_are_counted_and_the_connector_keeps_running() {
    let dir = temp_dir("malformed");
    let port = free_port();
    let _broker = Broker::start(&dir, port);
    let db = dir.join("store.db");
    let run = Run::start(&config(&dir, port, "suangu-test-malformed"), &db, None);
    run.until("the link up", Duration::from_secs(20), up);
    let base = base_ms();
    let json = |v: Value| v.to_string().into_bytes();
    publish(
        port,
        vec![
            json(serde_json::json!({ "value": 10, "ts": base })),
            b"garbage".to_vec(),
            br#"{"value": 12, "ts": "#.to_vec(), // truncated
            json(serde_json::json!({ "value": true, "ts": base + 3000 })),
            vec![b'7'; 100 * 1024], // oversized
            json(serde_json::json!({ "value": null, "ts": base + 5000 })),
            json(serde_json::json!({ "value": 99999, "ts": base + 6000 })),
            json(serde_json::json!({ "value": 11, "ts": base + 7000 })),
        ],
    );
    let health = run.until("4 points", Duration::from_secs(20), |v| points(v) >= 4);
    assert_eq!(
        health["rejected"],
        serde_json::json!({ "not_json": 2, "wrong_shape": 1, "oversized": 1 })
    );
    assert_eq!(
        (health["bad"].as_u64(), health["uncertain"].as_u64()),
        (Some(1), Some(1)),
        "{health}"
    );
    assert!(up(&health));
    run.stop();
    let points = stored(&db, SERIES);
    let got: Vec<(i64, Quality)> = points
        .iter()
        .map(|p| (p.source_ms - base, p.quality))
        .collect();
    assert_eq!(
        got,
        [
            (0, Quality::Good),
            (5000, Quality::Bad),
            (6000, Quality::Uncertain),
            (7000, Quality::Good)
        ]
    );
    assert_eq!(points[2].value, 99999.0);
}

#[test]
fn the_broker_password_comes_from_the_environment_and_goes_nowhere_else() {
    const SECRET: &str = "qy-Secret-7f2d91";
    let dir = temp_dir("secret");
    let port = free_port();
    let (_broker, passwords) = Broker::start_with_password(&dir, port, SECRET);
    let config = config(&dir, port, "suangu-test-secret");
    let text = std::fs::read_to_string(&config).expect("config");
    let text = text.replace(
        r#"client_id = "suangu-test-secret" }"#,
        r#"client_id = "suangu-test-secret", username = "suangu", password_env = "SUANGU_TEST_MQTT_PASSWORD" }"#,
    );
    assert!(text.contains("password_env"), "{text}");
    std::fs::write(&config, text).expect("config");
    let db = dir.join("store.db");
    let logs = dir.join("logs");
    let logs_flag = logs.display().to_string();

    // A wrong password is refused by the broker: the link does not come up.
    let wrong = Run::start_with(
        &config,
        &db,
        None,
        &[("SUANGU_TEST_MQTT_PASSWORD", "not-the-password")],
        &["--log-dir", &logs_flag],
    );
    wrong.until("the link refused", Duration::from_secs(20), |v| {
        v["link"]["state"] == "backing_off"
            && v["link"]["error"]
                .as_str()
                .is_some_and(|e| e.contains("NotAuthorized"))
    });
    let mut said = wrong.stop();
    // The right one, from the environment, gets through.
    let right = Run::start_with(
        &config,
        &db,
        None,
        &[("SUANGU_TEST_MQTT_PASSWORD", SECRET)],
        &["--log-dir", &logs_flag],
    );
    right.until("the link up", Duration::from_secs(20), up);
    said.push_str(&right.stop());

    // The log: JSON lines, one file a day.
    let files: Vec<PathBuf> = std::fs::read_dir(&logs)
        .expect("the log folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().and_then(|n| n.to_str()).unwrap_or("");
    assert!(
        name.starts_with("suangu.") && name.ends_with(".jsonl"),
        "{name}"
    );
    let log = std::fs::read_to_string(&files[0]).expect("log");
    assert!(log.lines().count() >= 2, "{log}");
    for line in log.lines() {
        let event: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            event["timestamp"].is_string() && event["level"].is_string(),
            "{line}"
        );
    }

    // The password is nowhere: not on stderr, in the log, in the store's files, or in what
    // `suangu sources` answers.
    let sources = Command::new(env!("CARGO_BIN_EXE_suangu"))
        .args(["sources", "--json", "--config"])
        .arg(&config)
        .arg("--db")
        .arg(format!("sqlite://{}", db.display()))
        .output()
        .expect("suangu sources");
    said.push_str(&String::from_utf8_lossy(&sources.stdout));
    said.push_str(&String::from_utf8_lossy(&sources.stderr));
    assert!(!said.contains(SECRET), "the password was printed: {said}");
    let mut looked = 0;
    let mut stack = vec![dir.clone()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path != passwords {
                let bytes = std::fs::read(&path).expect("read");
                let found = bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes());
                assert!(!found, "the password is in {}", path.display());
                looked += 1;
            }
        }
    }
    assert!(
        looked >= 3,
        "looked at {looked} files: the store, the log, the config"
    );
}

#[test]
fn a_tls_broker_is_read_through_a_parks_own_ca_and_an_untrusted_one_is_refused() {
    let dir = temp_dir("tls");
    let (ca, cert, key) = certificates(&dir);
    let (port, tls_port) = (free_port(), free_port());
    let broker = Broker::start_tls(&dir, port, tls_port, &cert, &key);
    let db = dir.join("store.db");

    // Without the park's CA the broker's certificate is not trusted: never up, and it says why.
    let untrusted = config_with(
        &dir,
        &format!("port = {tls_port}, tls = true, client_id = \"suangu-test-tls\""),
    );
    let run = Run::start(&untrusted, &db, None);
    let refused = run.until("the link refused", Duration::from_secs(20), |v| {
        v["link"]["state"] == "backing_off"
    });
    let error = refused["link"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("certificate"), "{refused}");
    run.stop();

    // A CA file that is not there is a configuration error naming it, not an endless retry.
    let missing = config_with(
        &dir,
        &format!(
            "port = {tls_port}, tls = true, ca_file = \"{}\", client_id = \"suangu-test-tls\"",
            dir.join("no-such-ca.pem").display()
        ),
    );
    let run = Run::start(&missing, &db, None);
    let wrong = run.until("misconfigured", Duration::from_secs(20), |v| {
        v["link"]["state"] == "misconfigured"
    });
    assert!(
        wrong["link"]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("no-such-ca.pem"),
        "{wrong}"
    );
    run.stop();

    // With it: up over TLS, every reading stored once with its own time.
    let trusted = config_with(
        &dir,
        &format!(
            "port = {tls_port}, tls = true, ca_file = \"{}\", client_id = \"suangu-test-tls\"",
            ca.display()
        ),
    );
    let run = Run::start(&trusted, &db, None);
    run.until("the link up over TLS", Duration::from_secs(20), up);
    let base = base_ms();
    publish(port, readings(base, 0..50));
    run.until("50 points", Duration::from_secs(20), |v| points(v) >= 50);
    run.stop();
    drop(broker);
    assert_exactly_once(&db, base, 50);
}

/// A private session bus with gnome-keyring's Secret Service on it, its login keyring created
/// and unlocked in a folder of the test's own: the OS keyring as a desktop session has it. The
/// bus starts nothing on demand, so every answer comes from this keyring.
struct Keyring {
    bus: Child,
    keyring: Child,
    address: String,
    dir: PathBuf,
}

impl Keyring {
    /// The address of the bus [`Keyring::start`] will listen on in `dir`.
    fn address(dir: &Path) -> String {
        format!("unix:path={}", dir.join("bus").display())
    }

    fn start(dir: &Path) -> Keyring {
        let home = dir.join("home");
        let runtime = dir.join("runtime");
        for folder in [&home, &runtime] {
            std::fs::create_dir_all(folder).expect("keyring folders");
        }
        let config = dir.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                "<busconfig><type>session</type><listen>{}</listen>\
                 <policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>\
                 <allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>",
                Keyring::address(dir)
            ),
        )
        .expect("bus config");
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("dbus-daemon: {e} (install Debian's dbus-daemon)"));
        let mut address = String::new();
        BufReader::new(bus.stdout.take().expect("stdout"))
            .read_line(&mut address)
            .expect("the bus's address");
        let address = address.trim().to_owned();
        assert!(address.starts_with("unix:"), "bus address {address:?}");
        let keyring = Keyring {
            bus,
            keyring: Keyring::daemon(&address, dir, false),
            address,
            dir: dir.to_owned(),
        };
        keyring.wait_up();
        keyring
    }

    /// gnome-keyring's daemon on `address`, its login keyring in `dir` created (or opened) and
    /// unlocked: `--unlock` reads the keyring's password from stdin. With `replace`, it takes
    /// over from the one running (which exits).
    fn daemon(address: &str, dir: &Path, replace: bool) -> Child {
        let mut daemon = Command::new("gnome-keyring-daemon");
        daemon.args(["--foreground", "--unlock", "--components=secrets"]);
        if replace {
            daemon.arg("--replace");
        }
        let mut child = daemon
            .env("DBUS_SESSION_BUS_ADDRESS", address)
            .env("HOME", dir.join("home"))
            .env("XDG_RUNTIME_DIR", dir.join("runtime"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("gnome-keyring-daemon: {e} (install Debian's gnome-keyring)")
            });
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"suangu-test-login")
            .expect("unlock");
        child
    }

    /// Lock the login keyring, as a screen lock may: its items stay, their secrets are refused.
    fn lock(&self) {
        let out = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args([
                "--dest=org.freedesktop.secrets",
                "--type=method_call",
                "--print-reply",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .output()
            .unwrap_or_else(|e| panic!("dbus-send: {e} (install Debian's dbus-bin)"));
        assert!(out.status.success(), "{out:?}");
    }

    /// Unlock it the way a session does at login: a daemon started with the password takes over.
    fn unlock(&mut self) {
        let daemon = Keyring::daemon(&self.address, &self.dir, true);
        let mut old = std::mem::replace(&mut self.keyring, daemon);
        wait_exit(&mut old, Duration::from_secs(10));
        self.wait_up();
    }

    /// Until a lookup answers without an error (nothing found is an answer).
    fn wait_up(&self) {
        let until = Instant::now() + Duration::from_secs(15);
        loop {
            let out = self.secret_tool(&["lookup", "service", "suangu", "username", "probe"]);
            if out.stderr.is_empty() {
                break;
            }
            assert!(
                Instant::now() < until,
                "the Secret Service did not answer: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// libsecret's own command on this keyring: a client that is not ours.
    fn secret_tool(&self, args: &[&str]) -> std::process::Output {
        self.secret_tool_with(args, b"")
    }

    fn secret_tool_with(&self, args: &[&str], stdin: &[u8]) -> std::process::Output {
        let mut tool = Command::new("secret-tool");
        tool.args(args);
        self.answer(&mut tool, stdin, "secret-tool (Debian's libsecret-tools)")
    }

    /// `suangu secret ...` on this keyring.
    fn suangu(&self, args: &[&str], stdin: &[u8]) -> std::process::Output {
        let mut suangu = Command::new(env!("CARGO_BIN_EXE_suangu"));
        suangu.args(["--lang", "en", "secret"]).args(args);
        self.answer(&mut suangu, stdin, "suangu secret")
    }

    /// What `command` answers on this keyring's bus, given `stdin`.
    fn answer(&self, command: &mut Command, stdin: &[u8], what: &str) -> std::process::Output {
        let mut child = command
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin)
            .expect("stdin written");
        child.wait_with_output().expect(what)
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        for child in [&mut self.keyring, &mut self.bus] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn the_broker_password_comes_from_the_os_keyring() {
    const SECRET: &str = "qy-Keyring-3c81e0";
    let dir = temp_dir("keyring");
    let port = free_port();
    let (_broker, _) = Broker::start_with_password(&dir, port, SECRET);
    let config = config_with(
        &dir,
        &format!(
            "port = {port}, client_id = \"suangu-test-keyring\", username = \"suangu\", \
             password_keyring = \"mqtt-qingyang\""
        ),
    );
    let db = dir.join("store.db");
    let address = Keyring::address(&dir);
    let bus = [("DBUS_SESSION_BUS_ADDRESS", address.as_str())];
    let link = |v: &Value| v["link"].clone();

    // No keyring on the bus yet (a session still starting, say): the link backs off and says
    // why, and tries again.
    let run = Run::start_with(&config, &db, None, &bus, &[]);
    let waiting = run.until("the link backing off", Duration::from_secs(20), |v| {
        v["link"]["state"] == "backing_off"
    });
    let error = link(&waiting)["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        error.contains("password_keyring mqtt-qingyang") && error.contains("could not be reached"),
        "{waiting}"
    );

    // The keyring comes up, without the entry: the same run finds that out by itself, and the
    // link is misconfigured, saying which entry and how to store it.
    let mut keyring = Keyring::start(&dir);
    let missing = run.until("the link misconfigured", Duration::from_secs(40), |v| {
        v["link"]["state"] == "misconfigured"
    });
    let reason = link(&missing)["reason"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        reason.contains("password_keyring mqtt-qingyang")
            && reason.contains("suangu secret set mqtt-qingyang"),
        "{missing}"
    );
    let mut said = run.stop();

    // An entry stored by another client (libsecret's secret-tool), with the wrong password: it
    // is the keyring's value that reaches the broker, which refuses it.
    let stored = keyring.secret_tool_with(
        &[
            "store",
            "--label=Qingyang MQTT",
            "service",
            "suangu",
            "username",
            "mqtt-qingyang",
        ],
        b"not-the-password",
    );
    assert!(stored.status.success(), "{stored:?}");
    let wrong = Run::start_with(&config, &db, None, &bus, &[]);
    wrong.until("the link refused", Duration::from_secs(20), |v| {
        v["link"]["state"] == "backing_off"
            && v["link"]["error"]
                .as_str()
                .is_some_and(|e| e.contains("NotAuthorized"))
    });
    said.push_str(&wrong.stop());

    // `suangu secret set` replaces it (read from stdin); secret-tool reads back the new one,
    // and the link comes up with it.
    let set = keyring.suangu(
        &["set", "mqtt-qingyang", "--password-stdin"],
        format!("{SECRET}\n").as_bytes(),
    );
    assert!(set.status.success(), "{set:?}");
    said.push_str(&String::from_utf8_lossy(&set.stdout));
    said.push_str(&String::from_utf8_lossy(&set.stderr));
    let read = keyring.secret_tool(&["lookup", "service", "suangu", "username", "mqtt-qingyang"]);
    assert_eq!(String::from_utf8_lossy(&read.stdout), SECRET, "{read:?}");
    let right = Run::start_with(&config, &db, None, &bus, &[]);
    right.until("the link up", Duration::from_secs(20), up);
    said.push_str(&right.stop());

    // The keyring locked (a screen lock may do it): a run backs off saying so, and comes up by
    // itself once the keyring is unlocked.
    keyring.lock();
    let locked = Run::start_with(&config, &db, None, &bus, &[]);
    let waiting = locked.until("the link backing off", Duration::from_secs(20), |v| {
        v["link"]["state"] == "backing_off"
    });
    let error = link(&waiting)["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(error.contains("locked"), "{waiting}");
    keyring.unlock();
    locked.until("the link up once unlocked", Duration::from_secs(40), up);
    said.push_str(&locked.stop());
    assert!(!said.contains(SECRET), "the password was printed: {said}");

    // Deleted, it is gone for every client, and a second delete names nothing (exit 2).
    let deleted = keyring.suangu(&["delete", "mqtt-qingyang"], b"");
    assert!(deleted.status.success(), "{deleted:?}");
    let read = keyring.secret_tool(&["lookup", "service", "suangu", "username", "mqtt-qingyang"]);
    assert!(read.stdout.is_empty() && !read.status.success(), "{read:?}");
    let again = keyring.suangu(&["delete", "mqtt-qingyang"], b"");
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("no such entry"),
        "{again:?}"
    );
}
