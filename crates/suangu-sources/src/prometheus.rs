//! The Prometheus connector: every expected interval, each point's query over `query_range`
//! from just after the last value read (at start: the newest stored) to now, so a gap (the
//! server down, the link lost, this process stopped) is filled with the original timestamps
//! once the server answers again, up to 10,000 steps back.
//!
//! Answers: 503, 502, 504, 429 and timeouts are retried with capped jittered backoff (429 waits
//! at least its Retry-After); 400 and 422 are configuration errors (a bad query), not retried;
//! an answer with warnings is stored as uncertain; a truncated or malformed body is counted as
//! rejected and the poll is tried again.

use crate::health::{Health, Link};
use crate::http::{self, Poll};
use crate::route::Route;
use crate::writer::{WriteError, Writer};
use std::time::{Duration, Instant};
use suangu_core::sources::{PrometheusLink, Source};
use tokio::sync::watch;

/// At most this many steps per query and poll (Prometheus refuses more than 11,000).
const MAX_STEPS: i64 = 10_000;
/// The first poll reaches back this many intervals.
const FIRST_LOOKBACK: i64 = 10;

/// One query's answer: its points (Unix ms, value) and whether the server warned.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub points: Vec<(i64, f64)>,
    pub warned: bool,
}

/// Why an answer could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerError {
    /// Not the API's JSON (truncated, an HTML error page, ...): try again.
    Malformed(String),
    /// A valid answer that cannot feed one series: the configuration must change.
    Unusable(String),
}

/// Read a `query_range` answer. Pure.
pub fn parse_range(body: &[u8]) -> Result<Answer, AnswerError> {
    let malformed = |what: &str| AnswerError::Malformed(what.to_owned());
    let doc: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| AnswerError::Malformed(e.to_string()))?;
    if doc["status"] != "success" {
        let error = doc["error"].as_str().unwrap_or("no error given");
        return Err(AnswerError::Unusable(format!("the server said: {error}")));
    }
    let warned = doc["warnings"].as_array().is_some_and(|w| !w.is_empty());
    if doc["data"]["resultType"] != "matrix" {
        return Err(malformed("data.resultType is not matrix"));
    }
    let result = doc["data"]["result"]
        .as_array()
        .ok_or_else(|| malformed("data.result is not a list"))?;
    let series = match result.as_slice() {
        [] => {
            return Ok(Answer {
                points: Vec::new(),
                warned,
            });
        }
        [one] => one,
        many => {
            return Err(AnswerError::Unusable(format!(
                "the query answers {} series; make it answer one (e.g. sum(...))",
                many.len()
            )));
        }
    };
    let values = series["values"]
        .as_array()
        .ok_or_else(|| malformed("a series without values"))?;
    let mut points = Vec::with_capacity(values.len());
    for pair in values {
        let (Some(t), Some(v)) = (pair[0].as_f64(), pair[1].as_str()) else {
            return Err(malformed("a value that is not [seconds, \"number\"]"));
        };
        // Prometheus writes NaN and infinities as "NaN", "+Inf", "-Inf": kept as bad points.
        let value = match v {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v
                .parse::<f64>()
                .map_err(|_| malformed("a value that is not a number"))?,
        };
        let ms = (t * 1000.0).round();
        if !(ms.is_finite() && ms.abs() < 1e15) {
            return Err(malformed("a time out of range"));
        }
        points.push((ms as i64, value));
    }
    Ok(Answer { points, warned })
}

/// One Prometheus source, ready to run.
pub struct Prometheus {
    source: Source,
    link: PrometheusLink,
    /// One per point; each route's key is its query.
    queries: Vec<Route>,
    /// Per query, the newest point already stored when this run began.
    resume: Vec<Option<i64>>,
    writer: Writer,
    health: Health,
}

impl Prometheus {
    /// `newest`: each series' newest stored point (Unix ms), where polling goes on from.
    pub fn new(
        source: Source,
        link: PrometheusLink,
        queries: Vec<Route>,
        newest: &std::collections::HashMap<String, i64>,
        writer: Writer,
        health: Health,
    ) -> Self {
        let resume = queries
            .iter()
            .map(|route| newest.get(&route.name).copied())
            .collect();
        Self {
            source,
            link,
            queries,
            resume,
            writer,
            health,
        }
    }

    /// Poll until `stop` turns true, or until the server says the configuration is wrong.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let id = self.source.id.clone();
        let client = match reqwest::Client::builder()
            .timeout(Duration::from_secs_f64(self.link.timeout_s))
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                self.health.link(Link::Misconfigured {
                    reason: e.to_string(),
                });
                return;
            }
        };
        let step = self.source.expected_interval();
        let step_ms = i64::try_from(step.as_millis()).unwrap_or(i64::MAX).max(1);
        let mut last = self.resume.clone();
        let mut pacer = http::Pacer::new(&id, &self.health, step);
        while pacer.next(&mut stop).await {
            let poll = self.poll(&client, step_ms, &mut last).await;
            if !pacer.after(poll, &mut stop).await {
                break;
            }
        }
    }

    /// Every query once, each on its own (one failing query does not hold the others back);
    /// the worst outcome decides the link's state.
    async fn poll(&self, client: &reqwest::Client, step_ms: i64, last: &mut [Option<i64>]) -> Poll {
        let now_ms = jiff::Timestamp::now().as_millisecond();
        let end_ms = now_ms / step_ms * step_ms;
        let mut worst = Poll::Done;
        for (route, last) in self.queries.iter().zip(last.iter_mut()) {
            let poll = self
                .poll_one(client, step_ms, end_ms, &route.key, route, last)
                .await;
            worst = match (worst, poll) {
                (Poll::Misconfigured(r), _) | (_, Poll::Misconfigured(r)) => Poll::Misconfigured(r),
                (
                    Poll::Retry { error, at_least },
                    Poll::Retry {
                        at_least: other, ..
                    },
                ) => Poll::Retry {
                    error,
                    at_least: at_least.max(other),
                },
                (Poll::Retry { error, at_least }, Poll::Done)
                | (Poll::Done, Poll::Retry { error, at_least }) => Poll::Retry { error, at_least },
                (Poll::Done, Poll::Done) => Poll::Done,
            };
        }
        worst
    }

    /// One query, from just after its last value read to `end_ms`.
    async fn poll_one(
        &self,
        client: &reqwest::Client,
        step_ms: i64,
        end_ms: i64,
        query: &str,
        route: &Route,
        last: &mut Option<i64>,
    ) -> Poll {
        let from_ms = last
            .map(|t| t + step_ms)
            .unwrap_or(end_ms - FIRST_LOOKBACK * step_ms)
            .max(end_ms - MAX_STEPS * step_ms);
        if from_ms > end_ms {
            return Poll::Done;
        }
        let seconds = |ms: i64| format!("{:.3}", ms as f64 / 1000.0);
        let url = match reqwest::Url::parse_with_params(
            &format!("{}/api/v1/query_range", self.link.url.trim_end_matches('/')),
            [
                ("query", query),
                ("start", &seconds(from_ms)),
                ("end", &seconds(end_ms)),
                ("step", &seconds(step_ms)),
            ],
        ) {
            Ok(url) => url,
            Err(e) => return Poll::Misconfigured(format!("url {}: {e}", self.link.url)),
        };
        let (status, body) = match http::get(client, url, None).await {
            Ok(answer) => answer,
            Err(poll) => return poll,
        };
        match status {
            200..=299 => {}
            400 | 422 => {
                let said = parse_range(&body).err().map(|e| match e {
                    AnswerError::Unusable(m) | AnswerError::Malformed(m) => m,
                });
                return Poll::Misconfigured(format!(
                    "query {query:?}: HTTP {status}: {}",
                    said.unwrap_or_default()
                ));
            }
            _ => return Poll::Misconfigured(format!("HTTP {status} from {}", self.link.url)),
        }
        let answer = match parse_range(&body) {
            Ok(a) => a,
            Err(AnswerError::Malformed(e)) => {
                self.health.reject("malformed_answer");
                return Poll::retry(format!("a malformed answer: {e}"));
            }
            Err(AnswerError::Unusable(e)) => {
                return Poll::Misconfigured(format!("query {query:?}: {e}"));
            }
        };
        let fresh: Vec<(i64, f64)> = answer
            .points
            .into_iter()
            .filter(|(t, _)| last.is_none_or(|l| *t > l))
            .collect();
        if fresh.is_empty() {
            return Poll::Done;
        }
        let (samples, qualities): (Vec<_>, Vec<_>) = fresh
            .iter()
            .map(|(t, v)| route.sample(*t, *v, answer.warned))
            .unzip();
        match self.writer.write(samples).await {
            Ok(()) => {}
            Err(WriteError::Stopped) => {
                return Poll::Misconfigured("the store has stopped".to_owned());
            }
            Err(e) => return Poll::retry(e.to_string()),
        }
        let arrived = Instant::now();
        for ((t, _), q) in fresh.iter().zip(qualities) {
            self.health.stored(&route.name, *t, q, arrived);
        }
        *last = fresh.last().map(|(t, _)| *t);
        Poll::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_a_matrix_and_its_warnings() {
        let body = br#"{"status":"success","warnings":["partial"],"data":{"resultType":"matrix",
            "result":[{"metric":{},"values":[[1775037600,"12.5"],[1775037615.5,"NaN"],[1775037630,"+Inf"]]}]}}"#;
        let a = parse_range(body).expect("answer");
        assert!(a.warned);
        assert_eq!(a.points[0], (1_775_037_600_000, 12.5));
        assert_eq!(a.points[1].0, 1_775_037_615_500);
        assert!(a.points[1].1.is_nan() && a.points[2].1 == f64::INFINITY);
        let empty = br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert_eq!(
            parse_range(empty),
            Ok(Answer {
                points: vec![],
                warned: false
            })
        );
    }

    #[test]
    fn tells_a_retry_from_a_configuration_error() {
        let malformed = |b: &[u8]| matches!(parse_range(b), Err(AnswerError::Malformed(_)));
        let unusable = |b: &[u8]| matches!(parse_range(b), Err(AnswerError::Unusable(_)));
        assert!(malformed(
            br#"{"status":"success","data":{"resultType":"matr"#
        ));
        assert!(malformed(b"<html>502 Bad Gateway</html>"));
        assert!(malformed(
            br#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,2]]}]}}"#
        ));
        assert!(unusable(
            br#"{"status":"error","errorType":"bad_data","error":"parse error at char 4"}"#
        ));
        assert!(unusable(
            br#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[]},{"values":[]}]}}"#
        ));
    }

    proptest! {
        #[test]
        fn any_bytes_are_answered(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_range(&bytes);
        }

        #[test]
        fn values_round_trip(points in proptest::collection::vec((1_000_000_000i64..2_000_000_000, -1e9f64..1e9), 0..50)) {
            let values: Vec<serde_json::Value> = points
                .iter()
                .map(|(t, v)| serde_json::json!([t, v.to_string()]))
                .collect();
            let body = serde_json::json!({
                "status": "success",
                "data": { "resultType": "matrix", "result": [{ "metric": {}, "values": values }] }
            });
            let a = parse_range(body.to_string().as_bytes()).expect("answer");
            let want: Vec<(i64, f64)> = points.iter().map(|(t, v)| (t * 1000, *v)).collect();
            prop_assert_eq!(a.points, want);
        }
    }
}
