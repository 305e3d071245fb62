//! What the polling connectors (Prometheus, DCIM-style JSON APIs) share: the client (HTTPS
//! through the system's OpenSSL and trust store, plus a park's own CA from `ca_file`), one GET
//! with its answer sorted into retry / configuration error / body, Retry-After read both ways,
//! and the poll loop with capped jittered backoff ([`Pacer`]).

use crate::backoff;
use crate::health::{Health, Link};
use std::time::Duration;
use tokio::sync::watch;

/// What a poll came to.
pub enum Poll {
    Done,
    /// Try again after at least this long (a Retry-After), with backoff.
    Retry {
        error: String,
        at_least: Duration,
    },
    /// Not retried until the configuration changes.
    Misconfigured(String),
}

impl Poll {
    pub fn retry(error: impl Into<String>) -> Poll {
        Poll::Retry {
            error: error.into(),
            at_least: Duration::ZERO,
        }
    }
}

/// The client of one polled link: its timeout, and for HTTPS the CA in `ca_file` trusted beside
/// the system's. An unreadable or malformed CA file is a configuration error naming the file.
pub fn client(timeout_s: f64, ca_file: Option<&str>) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder().timeout(Duration::from_secs_f64(timeout_s));
    if let Some(file) = ca_file {
        builder = builder.add_root_certificate(read_ca(file)?);
    }
    builder.build().map_err(|e| chain(&e))
}

/// The CA certificate in the PEM file `file`.
pub fn read_ca(file: &str) -> Result<reqwest::Certificate, String> {
    let pem = std::fs::read(file).map_err(|e| format!("ca_file {file}: {e}"))?;
    reqwest::Certificate::from_pem(&pem)
        .map_err(|e| format!("ca_file {file}: not a PEM certificate: {}", chain(&e)))
}

/// An error with its causes, outermost first ("error sending request: ... certificate verify
/// failed"), so a refused certificate says why.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut words = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let said = c.to_string();
        if !words.ends_with(&said) {
            words.push_str(": ");
            words.push_str(&said);
        }
        cause = c.source();
    }
    words
}

/// How long a Retry-After header asks for: delay-seconds, or an HTTP date (then from `now`).
/// Pure. At most an hour.
pub fn retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
            let ms = (at.as_millisecond() - now.as_millisecond()).max(0);
            Duration::from_millis(u64::try_from(ms).unwrap_or(0))
        }
    };
    Some(wait.min(Duration::from_secs(3600)))
}

/// GET `url`: the status and body of a 2xx or 4xx answer (the caller judges a 4xx); a transport
/// error, a timeout, 408, 429 or 5xx as a retry (429 and 503 with their Retry-After).
pub async fn get(
    client: &reqwest::Client,
    url: reqwest::Url,
    token: Option<&str>,
) -> Result<(u16, Vec<u8>), Poll> {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let answer = request.send().await.map_err(|e| {
        let what = if e.is_timeout() {
            "timed out"
        } else {
            "unreachable"
        };
        Poll::retry(format!("{what}: {}", chain(&e)))
    })?;
    let status = answer.status().as_u16();
    let wait = answer
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after(v, jiff::Timestamp::now()));
    let body = answer
        .bytes()
        .await
        .map_err(|e| Poll::retry(format!("reading the answer: {e}")))?;
    if status == 408 || status == 429 || status >= 500 {
        return Err(Poll::Retry {
            error: format!("HTTP {status}"),
            at_least: wait.unwrap_or(Duration::ZERO),
        });
    }
    Ok((status, body.to_vec()))
}

/// The pace of a polling connector: a poll every `interval`; after a failed one, a capped,
/// jittered backoff (at least any Retry-After) instead; after a configuration error, no more.
///
/// ```text
/// while pacer.next(&mut stop).await {
///     let poll = connector.poll().await;
///     if !pacer.after(poll, &mut stop).await { break }
/// }
/// ```
pub struct Pacer<'a> {
    id: &'a str,
    health: &'a Health,
    every: tokio::time::Interval,
    attempt: u32,
}

impl<'a> Pacer<'a> {
    pub fn new(id: &'a str, health: &'a Health, interval: Duration) -> Self {
        let mut every = tokio::time::interval(interval);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Self {
            id,
            health,
            every,
            attempt: 0,
        }
    }

    /// Wait for the next poll; false once `stop` turns true (the link is then Stopped).
    pub async fn next(&mut self, stop: &mut watch::Receiver<bool>) -> bool {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => {
                self.health.link(Link::Stopped);
                false
            }
            _ = self.every.tick() => true,
        }
    }

    /// Take a poll's outcome into the link's state; false when polling must end (a configuration
    /// error, or `stop` during a backoff).
    pub async fn after(&mut self, poll: Poll, stop: &mut watch::Receiver<bool>) -> bool {
        match poll {
            Poll::Done => {
                self.attempt = 0;
                self.health.link(Link::Up);
                true
            }
            Poll::Misconfigured(reason) => {
                tracing::error!(source = %self.id, "{reason}; not retried until the configuration changes");
                self.health.link(Link::Misconfigured { reason });
                false
            }
            Poll::Retry { error, at_least } => {
                let wait = backoff::delay(self.attempt, backoff::random_unit()).max(at_least);
                self.health.link(Link::BackingOff {
                    attempt: self.attempt,
                    retry_in_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    error: error.clone(),
                });
                tracing::warn!(source = %self.id, attempt = self.attempt, "{error}; retrying in {wait:?}");
                self.attempt = self.attempt.saturating_add(1);
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => {
                        self.health.link(Link::Stopped);
                        return false;
                    }
                    _ = tokio::time::sleep(wait) => {}
                }
                self.every.reset_immediately();
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now: jiff::Timestamp = "2026-11-28T04:00:00Z".parse().expect("ts");
        assert_eq!(retry_after(" 2 ", now), Some(Duration::from_secs(2)));
        assert_eq!(
            retry_after("Sat, 28 Nov 2026 04:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after("Sat, 28 Nov 2026 03:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("999999", now), Some(Duration::from_secs(3600)));
        assert_eq!(retry_after("soon", now), None);
    }
}
