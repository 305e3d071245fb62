//! DCIM-style HTTP/JSON APIs: GET the configured URL every expected interval and take each
//! point's value at its JSON pointer, stamped with the answer's own time (`ts_pointer`) or the
//! arrival. 429 and 503 wait at least their Retry-After; other 4xx (401, 403, 404) are
//! configuration errors; a malformed body or a missing value is counted and the rest carries on.

use crate::health::Health;
use crate::http::{self, Poll};
use crate::route::Route;
use crate::secret;
use crate::writer::{WriteError, Writer};
use std::time::Instant;
use suangu_core::sources::{HttpLink, Source};
use tokio::sync::watch;

/// One answer read: the time, each point's value (None: missing or not a number).
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub source_ms: i64,
    pub values: Vec<Option<f64>>,
}

/// Read an answer. Pure. Err: not JSON, or a `ts_pointer` that does not hold a time.
pub fn parse_answer(
    body: &[u8],
    ts_pointer: Option<&str>,
    pointers: &[&str],
    arrived_ms: i64,
) -> Result<Reading, String> {
    let doc: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let source_ms = match ts_pointer {
        None => arrived_ms,
        Some(p) => match doc.pointer(p) {
            Some(serde_json::Value::String(s)) => s
                .parse::<jiff::Timestamp>()
                .map_err(|e| format!("{p}: {e}"))?
                .as_millisecond(),
            Some(serde_json::Value::Number(n)) => n
                .as_i64()
                .ok_or_else(|| format!("{n} is not a time in Unix milliseconds"))
                .and_then(crate::payload::unix_ms)
                .map_err(|e| format!("{p}: {e}"))?,
            _ => return Err(format!("{p}: no time there")),
        },
    };
    let ahead_ms = source_ms.saturating_sub(arrived_ms);
    if ahead_ms > crate::payload::MAX_AHEAD_MS {
        return Err(format!(
            "the answer's time is {ahead_ms} ms after it arrived"
        ));
    }
    let values = pointers
        .iter()
        .map(|p| match doc.pointer(p) {
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::Null) => Some(f64::NAN),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        })
        .collect();
    Ok(Reading { source_ms, values })
}

/// One DCIM API source, ready to run.
pub struct Dcim {
    source: Source,
    link: HttpLink,
    routes: Vec<Route>,
    writer: Writer,
    health: Health,
}

impl Dcim {
    /// `routes`: one per point, in order ([`crate::route::routes`]).
    pub fn new(
        source: Source,
        link: HttpLink,
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

    /// Poll until `stop` turns true, or until the API says the configuration is wrong.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let id = self.source.id.clone();
        let token = match self.link.token_from() {
            None => None,
            Some(credential) => {
                let got = secret::obtain("token", credential, &id, &self.health, &mut stop);
                match got.await {
                    Some(t) => Some(t),
                    None => return,
                }
            }
        };
        let client = match crate::http::client(self.link.timeout_s, self.link.ca_file.as_deref()) {
            Ok(c) => c,
            Err(reason) => {
                tracing::error!(source = %self.source.id, "{reason}");
                self.health
                    .link(crate::health::Link::Misconfigured { reason });
                return;
            }
        };
        let url = match reqwest::Url::parse(&self.link.url) {
            Ok(url) => url,
            Err(e) => {
                self.health.link(crate::health::Link::Misconfigured {
                    reason: format!("url {}: {e}", self.link.url),
                });
                return;
            }
        };
        let mut pacer = http::Pacer::new(&id, &self.health, self.source.expected_interval());
        while pacer.next(&mut stop).await {
            let poll = self.poll(&client, url.clone(), token.as_deref()).await;
            if !pacer.after(poll, &mut stop).await {
                break;
            }
        }
    }

    async fn poll(&self, client: &reqwest::Client, url: reqwest::Url, token: Option<&str>) -> Poll {
        let (status, body) = match http::get(client, url, token).await {
            Ok(answer) => answer,
            Err(poll) => return poll,
        };
        if !(200..=299).contains(&status) {
            return Poll::Misconfigured(format!("HTTP {status} from {}", self.link.url));
        }
        let pointers: Vec<&str> = self.source.points.iter().map(|p| p.key()).collect();
        let arrived_ms = jiff::Timestamp::now().as_millisecond();
        let reading = match parse_answer(
            &body,
            self.link.ts_pointer.as_deref(),
            &pointers,
            arrived_ms,
        ) {
            Ok(r) => r,
            Err(e) => {
                self.health.reject("malformed_answer");
                return Poll::retry(format!("a malformed answer: {e}"));
            }
        };
        let mut samples = Vec::new();
        let mut stored = Vec::new();
        for (route, value) in self.routes.iter().zip(&reading.values) {
            match value {
                Some(v) => {
                    let (sample, quality) = route.sample(reading.source_ms, *v, false);
                    samples.push(sample);
                    stored.push((route.name.as_str(), quality));
                }
                None => {
                    self.health.reject("missing_value");
                    tracing::warn!(source = %self.source.id, series = %route.name, "no number at its pointer");
                }
            }
        }
        if !samples.is_empty() {
            match self.writer.write(samples).await {
                Ok(()) => {}
                Err(WriteError::Stopped) => {
                    return Poll::Misconfigured("the store has stopped".to_owned());
                }
                Err(e) => return Poll::retry(e.to_string()),
            }
        }
        let now = Instant::now();
        for (series, quality) in stored {
            self.health.stored(series, reading.source_ms, quality, now);
        }
        Poll::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn values_by_pointer_with_the_answers_time() {
        let body = br#"{"at": "2026-11-28T04:00:00Z", "centres": {"CM-N01": {"it_mw": 31.5, "pue": "1.18"}, "CM-N02": {"it_mw": null}}}"#;
        let r = parse_answer(
            body,
            Some("/at"),
            &[
                "/centres/CM-N01/it_mw",
                "/centres/CM-N01/pue",
                "/centres/CM-N02/it_mw",
                "/centres/X/it_mw",
            ],
            1_795_838_400_000,
        )
        .expect("reading");
        assert_eq!(r.source_ms, 1_795_838_400_000);
        assert_eq!(r.values[..2], [Some(31.5), Some(1.18)]);
        assert!(r.values[2].is_some_and(f64::is_nan));
        assert_eq!(r.values[3], None);
        assert_eq!(
            parse_answer(b"{}", None, &["/a"], 42)
                .expect("reading")
                .source_ms,
            42
        );
        assert!(parse_answer(b"{\"at\": \"noon\"}", Some("/at"), &[], 0).is_err());
        assert!(
            parse_answer(
                b"{\"at\": 4102444800000}",
                Some("/at"),
                &[],
                1_795_838_400_000
            )
            .is_err()
        );
        assert!(parse_answer(b"{\"centres\": {\"CM-N01\"", None, &[], 0).is_err());
    }

    proptest! {
        #[test]
        fn any_bytes_are_answered(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_answer(&bytes, Some("/at"), &["/a/b", "/c"], 0);
        }
    }
}
