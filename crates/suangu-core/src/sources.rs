//! The data-source configuration (`suangu.toml`): which sources to read and how each topic maps
//! onto the park's series, with its expected interval, unit, resolution and engineering range.
//!
//! Pure: given the file's text and the park's series names, returns the checked configuration or
//! errors that name the file, line and field. Credentials are never in the file: it names the
//! environment variable that holds them.

use crate::error::{ErrorKind, Issue, ScenarioErrors};
use crate::load::parse_toml;
use crate::path::FieldPath;
use crate::quality::Range;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// The whole file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesConfig {
    /// The park these sources feed (its scenario id).
    pub park: String,
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// One source: an id, how often each of its points is expected, the link (exactly one of
/// `mqtt` or `prometheus`, a table of its own so a mistake in it keeps its line and field) and
/// its points.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    /// How often each point is expected, in seconds (staleness is 2.5 of these).
    pub expected_interval_s: f64,
    pub mqtt: Option<MqttLink>,
    pub prometheus: Option<PrometheusLink>,
    pub files: Option<FilesLink>,
    pub http: Option<HttpLink>,
    pub points: Vec<PointMap>,
}

/// A source's link, once checked: exactly one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Link<'a> {
    Mqtt(&'a MqttLink),
    Prometheus(&'a PrometheusLink),
    Files(&'a FilesLink),
    Http(&'a HttpLink),
}

impl Source {
    pub fn expected_interval(&self) -> Duration {
        Duration::from_secs_f64(self.expected_interval_s)
    }

    /// The link ([`load_config`] has checked there is exactly one).
    pub fn link(&self) -> Option<Link<'_>> {
        match (&self.mqtt, &self.prometheus, &self.files, &self.http) {
            (Some(m), None, None, None) => Some(Link::Mqtt(m)),
            (None, Some(p), None, None) => Some(Link::Prometheus(p)),
            (None, None, Some(f), None) => Some(Link::Files(f)),
            (None, None, None, Some(h)) => Some(Link::Http(h)),
            _ => None,
        }
    }
}

/// An MQTT broker: QoS 1 subscriptions on a persistent session under a stable client id.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttLink {
    pub host: String,
    /// Default 1883, or 8883 with `tls`.
    port: Option<u16>,
    /// Connect over TLS, the broker's certificate checked against the system's trusted CAs (and
    /// `ca_file`'s).
    #[serde(default)]
    pub tls: bool,
    /// A PEM file of the CA that signed the broker's certificate (a park's own CA), with `tls`.
    pub ca_file: Option<String>,
    /// Stable across restarts: the broker keeps the session (and unacknowledged messages) by it.
    pub client_id: String,
    pub username: Option<String>,
    /// The environment variable holding the password.
    pub password_env: Option<String>,
    /// The OS keyring entry holding the password (service `suangu`, this as its user name).
    pub password_keyring: Option<String>,
    /// Present only to refuse it with a clear message: passwords do not go in the file.
    #[serde(default)]
    pub password: Option<toml::Value>,
    /// How a message's payload is read.
    #[serde(default)]
    pub payload: PayloadFormat,
}

impl MqttLink {
    /// The broker's port: as given, else MQTT's (1883, or 8883 over TLS).
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(if self.tls { 8883 } else { 1883 })
    }

    /// Where the password is kept, if anywhere (`check` refuses naming both).
    pub fn password_from(&self) -> Option<Credential<'_>> {
        Credential::named(
            self.password_env.as_deref(),
            self.password_keyring.as_deref(),
        )
    }
}

/// Where a credential is kept: never in the configuration file itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    /// An environment variable of the process.
    Env(&'a str),
    /// An entry of the OS keyring (the Secret Service on Linux) under service
    /// [`KEYRING_SERVICE`], with this as its user name.
    Keyring(&'a str),
}

/// The keyring service under which Suangu's credentials are kept.
pub const KEYRING_SERVICE: &str = "suangu";

/// Whether `name` can name a keyring entry: 1 to 128 characters, not all blank, none of them
/// control characters.
pub fn keyring_name_ok(name: &str) -> bool {
    !name.trim().is_empty() && name.chars().count() <= 128 && !name.chars().any(char::is_control)
}

impl<'a> Credential<'a> {
    /// The environment variable if one is named, else the keyring entry.
    fn named(env: Option<&'a str>, keyring: Option<&'a str>) -> Option<Self> {
        env.map(Credential::Env)
            .or(keyring.map(Credential::Keyring))
    }
}

/// A Prometheus server's HTTP API, polled every expected interval (`query_range` from the last
/// point read, so a gap is filled once the server answers again).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusLink {
    /// `http://host:port` or `https://host:port` (with a path prefix if the server has one).
    pub url: String,
    /// A PEM file of the CA that signed an `https` server's certificate (a park's own CA),
    /// trusted beside the system's.
    pub ca_file: Option<String>,
    /// Seconds before a query counts as timed out (default 10).
    #[serde(default = "prometheus_timeout")]
    pub timeout_s: f64,
}

fn prometheus_timeout() -> f64 {
    10.0
}

/// A watched folder of CSV or JSON files (one-way transfers out of secure zones). Each file is
/// imported whole or not at all, then moved to `done/` or `rejected/` (with a reason file).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesLink {
    pub dir: String,
    /// A file is read once its size and time have not changed for this many seconds (a file
    /// still being written is left alone). Default 2.
    #[serde(default = "files_settle")]
    pub settle_s: f64,
}

fn files_settle() -> f64 {
    2.0
}

/// A DCIM-style HTTP API answering JSON, polled every expected interval; each point's value is
/// found by a JSON pointer (RFC 6901) into the answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpLink {
    /// `http://host:port/path` or `https://host:port/path`.
    pub url: String,
    /// A PEM file of the CA that signed an `https` server's certificate, trusted beside the
    /// system's.
    pub ca_file: Option<String>,
    /// Seconds before a request counts as timed out (default 10).
    #[serde(default = "prometheus_timeout")]
    pub timeout_s: f64,
    /// The environment variable holding a bearer token, if the API wants one.
    pub token_env: Option<String>,
    /// The OS keyring entry holding the bearer token (service `suangu`, this as its user name).
    pub token_keyring: Option<String>,
    /// Where the answer says when it was measured (RFC 3339 or Unix ms); default: arrival.
    pub ts_pointer: Option<String>,
}

impl HttpLink {
    /// Where the bearer token is kept, if the API wants one (`check` refuses naming both).
    pub fn token_from(&self) -> Option<Credential<'_>> {
        Credential::named(self.token_env.as_deref(), self.token_keyring.as_deref())
    }
}

/// A payload format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadFormat {
    /// `{"ts": "2026-04-01T10:00:00Z" | unix ms, "value": 123.4}`.
    #[default]
    Json,
    /// A bare number, stamped with the time it arrived.
    Number,
}

/// One topic (or query) onto one park series.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointMap {
    /// MQTT: the topic (exact; no wildcards, so every message maps to one series).
    pub topic: Option<String>,
    /// Prometheus: a PromQL query answering one series (aggregate with `sum(...)`).
    pub query: Option<String>,
    /// Files: the CSV column (or JSON key) holding this series' values, beside `ts`.
    pub column: Option<String>,
    /// HTTP: a JSON pointer to the value in the answer, e.g. `/centres/CM-N01/it_mw`.
    pub pointer: Option<String>,
    /// The park series it feeds, e.g. `CM-N01/it_kw` or `park/green_share`.
    pub series: String,
    /// The unit the source sends: W, kW or MW for power; degC for temperature; ratio or % for
    /// shares.
    pub unit: String,
    /// The step values are kept to, in the series' own unit (e.g. 1 kW).
    pub resolution: f64,
    /// The engineering range, in the source's unit: values outside it are kept as uncertain.
    pub range: Option<[f64; 2]>,
}

impl PointMap {
    /// The topic or query ([`load_config`] has checked the source's kind has one).
    pub fn key(&self) -> &str {
        self.topic
            .as_deref()
            .or(self.query.as_deref())
            .or(self.column.as_deref())
            .or(self.pointer.as_deref())
            .unwrap_or("")
    }

    /// The factor from the source's unit to the series' unit (checked by [`load_config`]).
    pub fn factor(&self) -> f64 {
        unit_factor(&self.series, &self.unit).unwrap_or(f64::NAN)
    }

    /// The engineering range in the source's unit.
    pub fn range(&self) -> Option<Range> {
        self.range.map(|[lo, hi]| Range { lo, hi })
    }
}

/// The factor from `unit` to the unit of `series` (named by its suffix), if they measure the same
/// thing.
pub fn unit_factor(series: &str, unit: &str) -> Option<f64> {
    let quantity = series.rsplit('/').next().unwrap_or(series);
    if quantity.ends_with("_kw") {
        match unit {
            "W" => Some(0.001),
            "kW" => Some(1.0),
            "MW" => Some(1000.0),
            _ => None,
        }
    } else if quantity.ends_with("_c") {
        (unit == "degC").then_some(1.0)
    } else if quantity == "green_share" || quantity == "pue" {
        match unit {
            "ratio" => Some(1.0),
            "%" if quantity == "green_share" => Some(0.01),
            _ => None,
        }
    } else {
        None
    }
}

/// Parse and check a sources file against the park (`park_id`, its series `series`).
pub fn load_config(
    text: &str,
    file: &str,
    park_id: &str,
    series: &[String],
) -> Result<SourcesConfig, ScenarioErrors> {
    let parsed = parse_toml::<SourcesConfig>(text, file)?;
    let issues = check(&parsed.value, park_id, series);
    if issues.is_empty() {
        Ok(parsed.value)
    } else {
        Err(ScenarioErrors(parsed.place(issues)))
    }
}

fn check(config: &SourcesConfig, park_id: &str, series: &[String]) -> Vec<Issue> {
    let root = FieldPath::root();
    let mut issues = Vec::new();
    if config.park != park_id {
        issues.push(Issue::new(
            root.key("park"),
            ErrorKind::UnknownReference,
            format!(
                "this file is for park {:?}, the scenario is {park_id:?}",
                config.park
            ),
        ));
    }
    let known: HashSet<&str> = series.iter().map(String::as_str).collect();
    // Two sources on one broker under one client id would take the session from each other.
    let mut sessions: HashMap<(&str, u16, &str), usize> = HashMap::new();
    for (i, source) in config.sources.iter().enumerate() {
        if let Some(m) = &source.mqtt
            && let Some(first) =
                sessions.insert((m.host.as_str(), m.port(), m.client_id.as_str()), i)
        {
            issues.push(Issue::new(
                root.key("sources").index(i).key("mqtt").key("client_id"),
                ErrorKind::DuplicateId,
                format!(
                    "client_id {:?} is already sources[{first}]'s on this broker: each source needs its own",
                    m.client_id
                ),
            ));
        }
    }
    let mut ids = HashSet::new();
    let mut fed: HashMap<&str, String> = HashMap::new();
    for (i, source) in config.sources.iter().enumerate() {
        let at = root.key("sources").index(i);
        if !ids.insert(source.id.as_str()) {
            issues.push(Issue::new(
                at.key("id"),
                ErrorKind::DuplicateId,
                format!("source id {:?} is used twice", source.id),
            ));
        }
        let link = source.link();
        match link {
            Some(Link::Mqtt(m)) => check_mqtt(m, &at.key("mqtt"), &mut issues),
            Some(Link::Prometheus(p)) => check_prometheus(p, &at.key("prometheus"), &mut issues),
            Some(Link::Files(f)) => check_files(f, &at.key("files"), &mut issues),
            Some(Link::Http(h)) => check_http(h, &at.key("http"), &mut issues),
            None => issues.push(Issue::new(
                at.clone(),
                ErrorKind::Inconsistent,
                format!(
                    "source {:?}: give exactly one link: [sources.mqtt], [sources.prometheus], \
                     [sources.files] or [sources.http]",
                    source.id
                ),
            )),
        }
        if !(source.expected_interval_s.is_finite()
            && source.expected_interval_s >= 0.1
            && source.expected_interval_s <= 86_400.0)
        {
            issues.push(Issue::new(
                at.key("expected_interval_s"),
                ErrorKind::Inconsistent,
                format!(
                    "expected_interval_s {}: 0.1 s to a day",
                    source.expected_interval_s
                ),
            ));
        }
        if source.points.is_empty() {
            issues.push(Issue::new(
                at.key("points"),
                ErrorKind::MissingField,
                "a source without points feeds nothing",
            ));
        }
        let mut keys = HashSet::new();
        for (j, point) in source.points.iter().enumerate() {
            let at = at.key("points").index(j);
            let want = match link {
                Some(Link::Prometheus(_)) => "query",
                Some(Link::Files(_)) => "column",
                Some(Link::Http(_)) => "pointer",
                _ => "topic",
            };
            let keys_of = [
                ("topic", &point.topic),
                ("query", &point.query),
                ("column", &point.column),
                ("pointer", &point.pointer),
            ];
            for (name, given) in keys_of {
                if name != want && given.is_some() {
                    issues.push(Issue::new(
                        at.key(name),
                        ErrorKind::Inconsistent,
                        format!("{name} is not for this source's kind: give {want}"),
                    ));
                }
            }
            let want = keys_of
                .iter()
                .find(|(name, _)| *name == want)
                .map(|(name, given)| (*name, *given))
                .unwrap_or(("topic", &point.topic));
            if want.0 == "pointer" && !want.1.as_deref().is_some_and(|p| p.starts_with('/')) {
                issues.push(Issue::new(
                    at.key("pointer"),
                    ErrorKind::Inconsistent,
                    "a JSON pointer starts with /, e.g. /centres/CM-N01/it_mw",
                ));
            }
            if want.0 == "column" && want.1.as_deref() == Some("ts") {
                issues.push(Issue::new(
                    at.key("column"),
                    ErrorKind::Inconsistent,
                    "ts is the time column; name the value's column",
                ));
            }
            match want.1 {
                None => issues.push(Issue::new(
                    at.key(want.0),
                    ErrorKind::MissingField,
                    format!("each point of this source needs a {}", want.0),
                )),
                Some(key) => {
                    if !keys.insert(key.as_str()) {
                        issues.push(Issue::new(
                            at.key(want.0),
                            ErrorKind::DuplicateId,
                            format!("{} {key:?} is mapped twice in this source", want.0),
                        ));
                    }
                    let wildcard = want.0 == "topic" && key.contains(['+', '#']);
                    if key.trim().is_empty() || wildcard {
                        issues.push(Issue::new(
                            at.key(want.0),
                            ErrorKind::Inconsistent,
                            format!(
                                "{} {key:?}: an exact, non-empty {} (no wildcards), so each \
                                 answer feeds one series",
                                want.0, want.0
                            ),
                        ));
                    }
                }
            }
            check_point(point, &at, &known, &mut issues);
            let here = format!("sources[{i}].points[{j}]");
            if let Some(first) = fed.insert(point.series.as_str(), here) {
                issues.push(Issue::new(
                    at.key("series"),
                    ErrorKind::Inconsistent,
                    format!("series {:?} is already fed by {first}", point.series),
                ));
            }
        }
    }
    issues
}

fn check_mqtt(m: &MqttLink, at: &FieldPath, issues: &mut Vec<Issue>) {
    if m.password.is_some() {
        issues.push(Issue::new(
            at.key("password"),
            ErrorKind::Inconsistent,
            "credentials are never kept in this file: name the environment variable holding the \
             password in password_env, or its OS keyring entry in password_keyring",
        ));
    }
    if m.host.trim().is_empty() {
        issues.push(Issue::new(
            at.key("host"),
            ErrorKind::Inconsistent,
            "host is empty",
        ));
    }
    if m.ca_file.is_some() && !m.tls {
        issues.push(Issue::new(
            at.key("ca_file"),
            ErrorKind::Inconsistent,
            "ca_file is for a TLS link: add tls = true (and the broker's TLS port)",
        ));
    }
    check_ca_file(m.ca_file.as_deref(), at, issues);
    if m.port == Some(0) {
        issues.push(Issue::new(
            at.key("port"),
            ErrorKind::Inconsistent,
            "port 0 is not a port",
        ));
    }
    if m.client_id.is_empty()
        || m.client_id.len() > 64
        || !m
            .client_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        issues.push(Issue::new(
            at.key("client_id"),
            ErrorKind::Inconsistent,
            format!(
                "client_id {:?}: 1-64 of A-Z a-z 0-9 - _ . (stable: the broker keeps the session by it)",
                m.client_id
            ),
        ));
    }
    check_credential(
        ("password_env", m.password_env.as_deref()),
        ("password_keyring", m.password_keyring.as_deref()),
        at,
        issues,
    );
    if m.username.is_none() {
        for (key, named) in [
            ("password_env", &m.password_env),
            ("password_keyring", &m.password_keyring),
        ] {
            if named.is_some() {
                issues.push(Issue::new(
                    at.key(key),
                    ErrorKind::Inconsistent,
                    format!("{key} without a username: the broker is given no credentials"),
                ));
            }
        }
    }
}

/// A credential named by an environment variable or a keyring entry: one of them, not empty.
fn check_credential(
    (env_key, env): (&str, Option<&str>),
    (keyring_key, keyring): (&str, Option<&str>),
    at: &FieldPath,
    issues: &mut Vec<Issue>,
) {
    if env.is_some() && keyring.is_some() {
        issues.push(Issue::new(
            at.key(keyring_key),
            ErrorKind::Inconsistent,
            format!("name one place for the credential: {env_key} or {keyring_key}, not both"),
        ));
    }
    if env.is_some_and(str::is_empty) {
        issues.push(Issue::new(
            at.key(env_key),
            ErrorKind::Inconsistent,
            format!("{env_key} names no variable"),
        ));
    }
    if keyring.is_some_and(|k| !keyring_name_ok(k)) {
        issues.push(Issue::new(
            at.key(keyring_key),
            ErrorKind::Inconsistent,
            format!(
                "{keyring_key}: a keyring entry's name is 1 to 128 characters, none of them \
                 control characters"
            ),
        ));
    }
}

fn check_prometheus(p: &PrometheusLink, at: &FieldPath, issues: &mut Vec<Issue>) {
    check_url(&p.url, p.ca_file.as_deref(), at, issues);
    check_timeout(p.timeout_s, &at.key("timeout_s"), issues);
}

fn check_http(h: &HttpLink, at: &FieldPath, issues: &mut Vec<Issue>) {
    check_url(&h.url, h.ca_file.as_deref(), at, issues);
    check_timeout(h.timeout_s, &at.key("timeout_s"), issues);
    if h.ts_pointer.as_deref().is_some_and(|p| !p.starts_with('/')) {
        issues.push(Issue::new(
            at.key("ts_pointer"),
            ErrorKind::Inconsistent,
            "a JSON pointer starts with /, e.g. /measured_at",
        ));
    }
    check_credential(
        ("token_env", h.token_env.as_deref()),
        ("token_keyring", h.token_keyring.as_deref()),
        at,
        issues,
    );
}

/// A polled link's `url` (`http://` or `https://`) and its `ca_file`, which only HTTPS uses.
fn check_url(url: &str, ca_file: Option<&str>, at: &FieldPath, issues: &mut Vec<Issue>) {
    let https = url
        .strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty());
    if !https && url.strip_prefix("http://").is_none_or(str::is_empty) {
        issues.push(Issue::new(
            at.key("url"),
            ErrorKind::Inconsistent,
            format!("url {url:?}: http://host:port or https://host:port"),
        ));
    } else if !https && ca_file.is_some() {
        issues.push(Issue::new(
            at.key("ca_file"),
            ErrorKind::Inconsistent,
            format!("ca_file is for an https url, and {url:?} is plain http"),
        ));
    }
    check_ca_file(ca_file, at, issues);
}

fn check_ca_file(ca_file: Option<&str>, at: &FieldPath, issues: &mut Vec<Issue>) {
    if ca_file.is_some_and(|f| f.trim().is_empty()) {
        issues.push(Issue::new(
            at.key("ca_file"),
            ErrorKind::Inconsistent,
            "ca_file names no file",
        ));
    }
}

fn check_timeout(timeout_s: f64, at: &FieldPath, issues: &mut Vec<Issue>) {
    if !(timeout_s.is_finite() && timeout_s > 0.0 && timeout_s <= 600.0) {
        issues.push(Issue::new(
            at.clone(),
            ErrorKind::Inconsistent,
            format!("timeout_s {timeout_s}: above 0, at most 600"),
        ));
    }
}

fn check_files(f: &FilesLink, at: &FieldPath, issues: &mut Vec<Issue>) {
    if f.dir.trim().is_empty() {
        issues.push(Issue::new(
            at.key("dir"),
            ErrorKind::Inconsistent,
            "dir is empty",
        ));
    }
    // Above 0: a file is read only after two looks found it unchanged.
    if !(f.settle_s.is_finite() && f.settle_s >= 0.1 && f.settle_s <= 3600.0) {
        issues.push(Issue::new(
            at.key("settle_s"),
            ErrorKind::Inconsistent,
            format!("settle_s {}: 0.1 to 3600 seconds", f.settle_s),
        ));
    }
}

fn check_point(point: &PointMap, at: &FieldPath, known: &HashSet<&str>, issues: &mut Vec<Issue>) {
    if !known.contains(point.series.as_str()) {
        issues.push(Issue::new(
            at.key("series"),
            ErrorKind::UnknownReference,
            format!(
                "no series {:?} in this park (series look like park/it_kw, park/green_share, \
                 CM-N01/it_kw, SS-110-1/load_kw)",
                point.series
            ),
        ));
    } else if unit_factor(&point.series, &point.unit).is_none() {
        issues.push(Issue::new(
            at.key("unit"),
            ErrorKind::Inconsistent,
            format!(
                "unit {:?} does not measure {:?} (power: W, kW, MW; temperature: degC; \
                 shares: ratio, %)",
                point.unit, point.series
            ),
        ));
    }
    if !(point.resolution.is_finite() && point.resolution > 0.0) {
        issues.push(Issue::new(
            at.key("resolution"),
            ErrorKind::Inconsistent,
            format!("resolution {}: a step above 0", point.resolution),
        ));
    }
    if let Some([lo, hi]) = point.range
        && !(lo.is_finite() && hi.is_finite() && lo < hi)
    {
        issues.push(Issue::new(
            at.key("range"),
            ErrorKind::Inconsistent,
            format!("range [{lo}, {hi}]: two finite numbers, low then high"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series() -> Vec<String> {
        [
            "park/it_kw",
            "park/green_share",
            "CM-N01/it_kw",
            "park/outdoor_c",
            "park/pue",
        ]
        .map(String::from)
        .to_vec()
    }

    const GOOD: &str = r#"
park = "qingyang"

[[sources]]
id = "meters"
expected_interval_s = 1

[sources.mqtt]
host = "127.0.0.1"
client_id = "suangu-qingyang-1"
username = "suangu"
password_env = "SUANGU_MQTT_PASSWORD"

[[sources.points]]
topic = "qingyang/CM-N01/it"
series = "CM-N01/it_kw"
unit = "MW"
resolution = 1
range = [0, 80]

[[sources.points]]
topic = "qingyang/green"
series = "park/green_share"
unit = "%"
resolution = 0.001

[[sources]]
id = "clusters"
expected_interval_s = 15
prometheus = { url = "http://127.0.0.1:9090" }

[[sources.points]]
query = "sum(node_power_watts)"
series = "park/it_kw"
unit = "W"
resolution = 1

[[sources]]
id = "grid-transfer"
expected_interval_s = 900
files = { dir = "/var/spool/suangu" }

[[sources.points]]
column = "outdoor_c"
series = "park/outdoor_c"
unit = "degC"
resolution = 1

[[sources]]
id = "dcim"
expected_interval_s = 60
http = { url = "http://dcim.local/api/v2/summary", token_env = "DCIM_TOKEN", ts_pointer = "/at" }

[[sources.points]]
pointer = "/park/pue"
series = "park/pue"
unit = "ratio"
resolution = 1
"#;

    fn load(text: &str) -> Result<SourcesConfig, ScenarioErrors> {
        load_config(text, "suangu.toml", "qingyang", &series())
    }

    #[test]
    fn tls_links_load_with_their_ports_and_ca_files() {
        let text = GOOD
            .replacen(
                "host = \"127.0.0.1\"",
                "host = \"broker.park\"\ntls = true\nca_file = \"/etc/park-ca.pem\"",
                1,
            )
            .replacen(
                "url = \"http://127.0.0.1:9090\"",
                "url = \"https://prometheus.park:9090\", ca_file = \"/etc/park-ca.pem\"",
                1,
            );
        let config = load(&text).expect("loads");
        let Some(Link::Mqtt(mqtt)) = config.sources[0].link() else {
            panic!("an MQTT source")
        };
        assert!(mqtt.tls);
        assert_eq!(mqtt.port(), 8883);
        assert_eq!(mqtt.ca_file.as_deref(), Some("/etc/park-ca.pem"));
        let Some(Link::Prometheus(prom)) = config.sources[1].link() else {
            panic!("a Prometheus source")
        };
        assert_eq!(prom.url, "https://prometheus.park:9090");
        assert_eq!(prom.ca_file.as_deref(), Some("/etc/park-ca.pem"));
    }

    #[test]
    fn a_good_file_loads_with_its_factors() {
        let config = load(GOOD).expect("loads");
        let m = &config.sources[0];
        let Some(Link::Mqtt(link)) = m.link() else {
            panic!("an MQTT source")
        };
        assert_eq!(link.port(), 1883);
        assert_eq!(link.payload, PayloadFormat::Json);
        assert_eq!(m.expected_interval(), Duration::from_secs(1));
        assert_eq!(m.points[0].factor(), 1000.0);
        assert_eq!(m.points[1].factor(), 0.01);
        assert_eq!(m.points[0].range(), Some(Range { lo: 0.0, hi: 80.0 }));
        let p = &config.sources[1];
        let Some(Link::Prometheus(link)) = p.link() else {
            panic!("a Prometheus source")
        };
        assert_eq!(link.timeout_s, 10.0);
        assert_eq!(p.points[0].key(), "sum(node_power_watts)");
        assert_eq!(p.points[0].factor(), 0.001);
        let Some(Link::Files(files)) = config.sources[2].link() else {
            panic!("a files source")
        };
        assert_eq!(files.settle_s, 2.0);
        assert_eq!(config.sources[2].points[0].key(), "outdoor_c");
    }

    #[test]
    fn keyring_names_are_counted_in_characters() {
        assert!(keyring_name_ok("mqtt-qingyang"));
        assert!(keyring_name_ok(&"庆".repeat(128)));
        assert!(!keyring_name_ok(&"庆".repeat(129)));
        assert!(!keyring_name_ok("  "));
        assert!(!keyring_name_ok("mqtt\nqingyang"));
    }

    #[test]
    fn credentials_are_named_by_variable_or_keyring_entry() {
        let config = load(GOOD).expect("loads");
        let Some(Link::Mqtt(mqtt)) = config.sources[0].link() else {
            panic!("an MQTT source")
        };
        assert_eq!(
            mqtt.password_from(),
            Some(Credential::Env("SUANGU_MQTT_PASSWORD"))
        );
        let text = GOOD
            .replacen(
                "password_env = \"SUANGU_MQTT_PASSWORD\"",
                "password_keyring = \"mqtt-qingyang\"",
                1,
            )
            .replacen("token_env = \"DCIM_TOKEN\"", "token_keyring = \"dcim\"", 1);
        let config = load(&text).expect("loads");
        let Some(Link::Mqtt(mqtt)) = config.sources[0].link() else {
            panic!("an MQTT source")
        };
        assert_eq!(
            mqtt.password_from(),
            Some(Credential::Keyring("mqtt-qingyang"))
        );
        let Some(Link::Http(http)) = config.sources[3].link() else {
            panic!("an HTTP source")
        };
        assert_eq!(http.token_from(), Some(Credential::Keyring("dcim")));
        let text = text.replacen(", token_keyring = \"dcim\"", "", 1);
        let config = load(&text).expect("loads");
        let Some(Link::Http(http)) = config.sources[3].link() else {
            panic!("an HTTP source")
        };
        assert_eq!(http.token_from(), None);
    }

    /// The first error of `text`: line, field, kind.
    fn first_error(text: &str) -> (usize, String, ErrorKind, String) {
        let errors = load(text).expect_err("refused");
        let e = errors.first().expect("an error").clone();
        (e.line, e.field, e.kind, e.message)
    }

    #[test]
    fn errors_name_line_and_field() {
        let cases: [(&str, &str, usize, &str, ErrorKind); 23] = [
            (
                "pointer = \"/park",
                "pointer = \"park",
                55,
                "sources[3].points[0].pointer",
                ErrorKind::Inconsistent,
            ),
            (
                "ts_pointer = \"/at\"",
                "ts_pointer = \"at\"",
                52,
                "sources[3].http.ts_pointer",
                ErrorKind::Inconsistent,
            ),
            (
                "column = \"outdoor_c\"",
                "column = \"ts\"",
                44,
                "sources[2].points[0].column",
                ErrorKind::Inconsistent,
            ),
            (
                "column = \"outdoor_c\"",
                "topic = \"outdoor_c\"",
                44,
                "sources[2].points[0].topic",
                ErrorKind::Inconsistent,
            ),
            (
                "series = \"CM-N01/it_kw\"",
                "series = \"CM-N09/it_kw\"",
                16,
                "sources[0].points[0].series",
                ErrorKind::UnknownReference,
            ),
            (
                "unit = \"MW\"",
                "unit = \"degC\"",
                17,
                "sources[0].points[0].unit",
                ErrorKind::Inconsistent,
            ),
            (
                "range = [0, 80]",
                "range = [80, 0]",
                19,
                "sources[0].points[0].range",
                ErrorKind::Inconsistent,
            ),
            (
                "password_env = \"SUANGU_MQTT_PASSWORD\"",
                "password = \"hunter2\"",
                12,
                "sources[0].mqtt.password",
                ErrorKind::Inconsistent,
            ),
            (
                "password_env = \"SUANGU_MQTT_PASSWORD\"",
                "password_env = \"SUANGU_MQTT_PASSWORD\"\npassword_keyring = \"mqtt\"",
                13,
                "sources[0].mqtt.password_keyring",
                ErrorKind::Inconsistent,
            ),
            (
                "password_env = \"SUANGU_MQTT_PASSWORD\"",
                "password_keyring = \" \"",
                12,
                "sources[0].mqtt.password_keyring",
                ErrorKind::Inconsistent,
            ),
            (
                "username = \"suangu\"",
                "",
                12,
                "sources[0].mqtt.password_env",
                ErrorKind::Inconsistent,
            ),
            (
                "token_env = \"DCIM_TOKEN\"",
                "token_env = \"DCIM_TOKEN\", token_keyring = \"dcim\"",
                52,
                "sources[3].http.token_keyring",
                ErrorKind::Inconsistent,
            ),
            (
                "expected_interval_s = 1",
                "expected_interval_s = 0",
                6,
                "sources[0].expected_interval_s",
                ErrorKind::Inconsistent,
            ),
            (
                "client_id = \"suangu-qingyang-1\"",
                "client_id = \"a b\"",
                10,
                "sources[0].mqtt.client_id",
                ErrorKind::Inconsistent,
            ),
            (
                "topic = \"qingyang/green\"",
                "topic = \"qingyang/#\"",
                22,
                "sources[0].points[1].topic",
                ErrorKind::Inconsistent,
            ),
            (
                "park = \"qingyang\"",
                "park = \"other\"",
                2,
                "park",
                ErrorKind::UnknownReference,
            ),
            (
                "series = \"park/green_share\"\nunit = \"%\"",
                "series = \"CM-N01/it_kw\"\nunit = \"kW\"",
                23,
                "sources[0].points[1].series",
                ErrorKind::Inconsistent,
            ),
            (
                "url = \"http://127.0.0.1:9090\"",
                "url = \"ftp://x\"",
                30,
                "sources[1].prometheus.url",
                ErrorKind::Inconsistent,
            ),
            (
                "url = \"http://127.0.0.1:9090\"",
                "url = \"http://127.0.0.1:9090\", ca_file = \"/etc/park-ca.pem\"",
                30,
                "sources[1].prometheus.ca_file",
                ErrorKind::Inconsistent,
            ),
            (
                "username = \"suangu\"",
                "ca_file = \"/etc/park-ca.pem\"",
                11,
                "sources[0].mqtt.ca_file",
                ErrorKind::Inconsistent,
            ),
            (
                "query = \"sum(",
                "topic = \"sum(",
                33,
                "sources[1].points[0].topic",
                ErrorKind::Inconsistent,
            ),
            (
                "prometheus = { url = \"http://127.0.0.1:9090\" }\n",
                "",
                27,
                "sources[1]",
                ErrorKind::Inconsistent,
            ),
            (
                "[sources.mqtt]",
                "[sources.modbus]",
                8,
                "sources[0].modbus",
                ErrorKind::UnknownField,
            ),
        ];
        for (from, to, line, field, kind) in cases {
            let text = GOOD.replacen(from, to, 1);
            assert_ne!(text, GOOD, "{from}");
            let got = first_error(&text);
            assert_eq!(
                (got.0, got.1.as_str(), got.2),
                (line, field, kind),
                "{to}: {}",
                got.3
            );
        }
    }

    #[test]
    fn unknown_fields_and_syntax_are_placed() {
        let (line, field, kind, _) =
            first_error(&GOOD.replacen("unit = \"MW\"", "unit = \"MW\"\nscale = 2", 1));
        assert_eq!(
            (line, field.as_str(), kind),
            (18, "sources[0].points[0].scale", ErrorKind::UnknownField)
        );
        let (line, _, kind, _) = first_error("park = \"qingyang\"\n[[sources]\n");
        assert_eq!((line, kind), (2, ErrorKind::Syntax));
    }

    #[test]
    fn two_sources_cannot_share_a_session() {
        let twin = GOOD.replacen(
            "[[sources]]\nid = \"clusters\"",
            "[[sources]]\nid = \"meters-2\"\nexpected_interval_s = 1\nmqtt = { host = \"127.0.0.1\", client_id = \"suangu-qingyang-1\" }\n\n[[sources.points]]\ntopic = \"x\"\nseries = \"park/pue\"\nunit = \"ratio\"\nresolution = 0.001\n\n[[sources]]\nid = \"clusters\"",
            1,
        );
        let (_, field, kind, message) = first_error(&twin);
        assert_eq!(
            (field.as_str(), kind),
            ("sources[1].mqtt.client_id", ErrorKind::DuplicateId),
            "{message}"
        );
    }

    #[test]
    fn units_convert_only_like_quantities() {
        assert_eq!(unit_factor("park/it_kw", "W"), Some(0.001));
        assert_eq!(unit_factor("SS-110-1/load_kw", "MW"), Some(1000.0));
        assert_eq!(unit_factor("park/outdoor_c", "degC"), Some(1.0));
        assert_eq!(unit_factor("park/pue", "ratio"), Some(1.0));
        assert_eq!(unit_factor("park/pue", "%"), None);
        assert_eq!(unit_factor("park/it_kw", "degC"), None);
        assert_eq!(unit_factor("park/it_kw", "kw"), None);
    }
}
