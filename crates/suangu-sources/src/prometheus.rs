//! The Prometheus connector: every expected interval, each point's query over `query_range`
//! from just after the last value read (at start: the newest stored, however old) to now, so a
//! gap (the server down, the link lost, this process stopped) is filled with the original
//! timestamps once the server answers again.
//!
//! Backfill: a gap is read in pages of at most [`MAX_STEPS`] steps ([`next_range`]; Prometheus
//! refuses more than 11,000 points per series and query), oldest first, each page stored (durable)
//! before the next is asked for; so a crash mid-way resumes from the newest point stored, and a
//! failed page (retried) from itself. A gap reaches back [`MAX_BACKFILL_MS`] (14 days) at most:
//! the older part is not fetched ([`skipped`]); it is logged as a warning naming the series and
//! the span, and counted in the source's health as rejected `beyond_backfill`, one per step.
//!
//! Answers: 503, 502, 504, 429 and timeouts are retried with capped jittered backoff (429 waits
//! at least its Retry-After); 400 and 422 are configuration errors (a bad query), not retried;
//! an answer with warnings is stored as uncertain; a truncated or malformed body is counted as
//! rejected and the poll is tried again.

use crate::health::{Health, Link};
use crate::http::{self, Poll};
use crate::route::Route;
use crate::writer::{WriteError, Writer};
use std::time::Instant;
use suangu_core::sources::{PrometheusLink, Source};
use tokio::sync::watch;

/// At most this many steps per query (Prometheus refuses more than 11,000 points per series).
pub const MAX_STEPS: i64 = 10_000;
/// A poll reaches back at most 14 days before now; the older part of a longer gap is not
/// fetched, and is logged and counted (see the module doc).
pub const MAX_BACKFILL_MS: i64 = 14 * 86_400_000;
/// A series with nothing stored yet is read from this many intervals back.
const FIRST_LOOKBACK: i64 = 10;

/// The next page of a query: from just after `last` (the newest source time already read; None:
/// nothing yet, then [`FIRST_LOOKBACK`] steps back), but not more than [`MAX_BACKFILL_MS`] before
/// `end_ms`, to at most [`MAX_STEPS`] steps later and not past `end_ms`; None once `last` has
/// reached `end_ms`. Asked in turn, each page from the end of the one before, the pages cover
/// `[max(last + step, end - MAX_BACKFILL), end]` oldest first, without overlapping. Pure.
pub fn next_range(last: Option<i64>, end_ms: i64, step_ms: i64) -> Option<(i64, i64)> {
    let step_ms = step_ms.max(1);
    let from = last
        .map_or_else(
            || end_ms.saturating_sub(FIRST_LOOKBACK.saturating_mul(step_ms)),
            |t| t.saturating_add(step_ms),
        )
        .max(end_ms.saturating_sub(MAX_BACKFILL_MS));
    if from > end_ms {
        return None;
    }
    let to = from
        .saturating_add((MAX_STEPS - 1).saturating_mul(step_ms))
        .min(end_ms);
    Some((from, to))
}

/// What a poll from just after `last` to `end_ms` leaves out because it is older than
/// [`MAX_BACKFILL_MS`]: the first and last source time not fetched and how many steps. Pure.
pub fn skipped(last: Option<i64>, end_ms: i64, step_ms: i64) -> Option<(i64, i64, u64)> {
    let step_ms = step_ms.max(1);
    let first = last?.saturating_add(step_ms);
    let horizon = end_ms.saturating_sub(MAX_BACKFILL_MS);
    if first >= horizon {
        return None;
    }
    let (span, step) = (i128::from(horizon) - i128::from(first), i128::from(step_ms));
    let steps = (span + step - 1) / step;
    let last_skipped = i128::from(first) + (steps - 1) * step;
    Some((
        first,
        i64::try_from(last_skipped).unwrap_or(horizon),
        u64::try_from(steps).unwrap_or(u64::MAX),
    ))
}

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
        let client = match http::client(self.link.timeout_s, self.link.ca_file.as_deref()) {
            Ok(c) => c,
            Err(reason) => {
                tracing::error!(source = %id, "{reason}");
                self.health.link(Link::Misconfigured { reason });
                return;
            }
        };
        let step = self.source.expected_interval();
        let step_ms = i64::try_from(step.as_millis()).unwrap_or(i64::MAX).max(1);
        let mut last = self.resume.clone();
        let mut pacer = http::Pacer::new(&id, &self.health, step);
        while pacer.next(&mut stop).await {
            let poll = self.poll(&client, step_ms, &mut last, &stop).await;
            if !pacer.after(poll, &mut stop).await {
                break;
            }
        }
    }

    /// Every query once, each on its own (one failing query does not hold the others back);
    /// the worst outcome decides the link's state. A backfill stops between pages when `stop`
    /// turns true.
    async fn poll(
        &self,
        client: &reqwest::Client,
        step_ms: i64,
        last: &mut [Option<i64>],
        stop: &watch::Receiver<bool>,
    ) -> Poll {
        let now_ms = jiff::Timestamp::now().as_millisecond();
        let end_ms = now_ms / step_ms * step_ms;
        let mut worst = Poll::Done;
        for (route, last) in self.queries.iter().zip(last.iter_mut()) {
            let poll = self
                .poll_one(client, step_ms, end_ms, route, last, stop)
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

    /// One query, from just after its last value read to `end_ms`, page by page.
    async fn poll_one(
        &self,
        client: &reqwest::Client,
        step_ms: i64,
        end_ms: i64,
        route: &Route,
        last: &mut Option<i64>,
        stop: &watch::Receiver<bool>,
    ) -> Poll {
        // Said once the first page is stored: the older part is then left out for good.
        let mut left_out = skipped(*last, end_ms, step_ms);
        while let Some((from_ms, to_ms)) = next_range(*last, end_ms, step_ms) {
            let answer = match self.page(client, step_ms, from_ms, to_ms, &route.key).await {
                Ok(answer) => answer,
                Err(poll) => return poll,
            };
            let fresh: Vec<(i64, f64)> = answer
                .points
                .into_iter()
                .filter(|(t, _)| last.is_none_or(|l| *t > l) && *t <= to_ms)
                .collect();
            if !fresh.is_empty() {
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
            }
            if let Some((first, until, steps)) = left_out.take() {
                let at = |ms: i64| {
                    jiff::Timestamp::from_millisecond(ms).map_or(ms.to_string(), |t| t.to_string())
                };
                tracing::warn!(
                    source = %self.source.id,
                    series = %route.name,
                    "{steps} steps from {} to {} not fetched: more than {} days back",
                    at(first),
                    at(until),
                    MAX_BACKFILL_MS / 86_400_000
                );
                self.health.reject_many("beyond_backfill", steps);
            }
            let newest = fresh.last().map(|(t, _)| *t);
            if to_ms >= end_ms {
                // The newest page: asked again from its newest point, for values that arrive late.
                *last = newest.or(*last);
                break;
            }
            // An older page is done, with or without points: the next one starts after it.
            *last = Some(to_ms);
            if *stop.borrow() {
                break;
            }
        }
        Poll::Done
    }

    /// One `query_range` page of `query` over `[from_ms, to_ms]`: its answer, or how the poll
    /// ends.
    async fn page(
        &self,
        client: &reqwest::Client,
        step_ms: i64,
        from_ms: i64,
        to_ms: i64,
        query: &str,
    ) -> Result<Answer, Poll> {
        let seconds = |ms: i64| format!("{:.3}", ms as f64 / 1000.0);
        let url = reqwest::Url::parse_with_params(
            &format!("{}/api/v1/query_range", self.link.url.trim_end_matches('/')),
            [
                ("query", query),
                ("start", &seconds(from_ms)),
                ("end", &seconds(to_ms)),
                ("step", &seconds(step_ms)),
            ],
        )
        .map_err(|e| Poll::Misconfigured(format!("url {}: {e}", self.link.url)))?;
        let (status, body) = http::get(client, url, None).await?;
        match status {
            200..=299 => {}
            400 | 422 => {
                let said = parse_range(&body).err().map(|e| match e {
                    AnswerError::Unusable(m) | AnswerError::Malformed(m) => m,
                });
                return Err(Poll::Misconfigured(format!(
                    "query {query:?}: HTTP {status}: {}",
                    said.unwrap_or_default()
                )));
            }
            _ => {
                return Err(Poll::Misconfigured(format!(
                    "HTTP {status} from {}",
                    self.link.url
                )));
            }
        }
        parse_range(&body).map_err(|e| match e {
            AnswerError::Malformed(e) => {
                self.health.reject("malformed_answer");
                Poll::retry(format!("a malformed answer: {e}"))
            }
            AnswerError::Unusable(e) => Poll::Misconfigured(format!("query {query:?}: {e}")),
        })
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

    const MIN: i64 = 60_000;

    #[test]
    fn a_long_gap_is_paged_oldest_first_and_its_oldest_part_left_out() {
        let end = 1_775_037_600_000;
        // Nothing stored yet: the first look back only.
        assert_eq!(
            next_range(None, end, MIN),
            Some((end - FIRST_LOOKBACK * MIN, end))
        );
        assert_eq!(next_range(Some(end), end, MIN), None);
        assert_eq!(next_range(Some(end - MIN), end, MIN), Some((end, end)));
        // 14 days at 60 s, from 15 days back: 20,161 steps in three pages.
        let last = end - 15 * 86_400_000;
        let first = end - MAX_BACKFILL_MS;
        assert_eq!(
            next_range(Some(last), end, MIN),
            Some((first, first + 9_999 * MIN))
        );
        assert_eq!(
            next_range(Some(first + 9_999 * MIN), end, MIN),
            Some((first + 10_000 * MIN, first + 19_999 * MIN))
        );
        assert_eq!(
            next_range(Some(first + 19_999 * MIN), end, MIN),
            Some((first + 20_000 * MIN, end))
        );
        // The day before: every step from just after `last` to just before the 14 days.
        assert_eq!(
            skipped(Some(last), end, MIN),
            Some((last + MIN, first - MIN, 1_439))
        );
        assert_eq!(skipped(Some(first - MIN), end, MIN), None);
        assert_eq!(skipped(None, end, MIN), None);
    }

    proptest! {
        #[test]
        fn pages_cover_the_gap_once_within_the_cap(
            end in 0i64..4_000_000_000_000,
            back in 0i64..40 * 86_400_000,
            step in 1i64..3_600_000,
            nothing_yet in any::<bool>(),
        ) {
            let end = end / step * step;
            let last = (!nothing_yet).then_some(end - back);
            let want_from = last
                .map_or(end - FIRST_LOOKBACK * step, |l| l + step)
                .max(end - MAX_BACKFILL_MS);
            let (mut cursor, mut covered, mut pages) = (last, Vec::new(), 0);
            while let Some((from, to)) = next_range(cursor, end, step) {
                prop_assert!(from <= to && to <= end);
                prop_assert!((to - from) / step < MAX_STEPS, "{} steps", (to - from) / step + 1);
                if let Some(&(_, before)) = covered.last() {
                    prop_assert_eq!(from, before + step, "pages follow each other, never overlapping");
                }
                covered.push((from, to));
                cursor = Some(to);
                pages += 1;
                prop_assert!(pages <= MAX_BACKFILL_MS / step / MAX_STEPS + 2);
            }
            if want_from <= end {
                prop_assert_eq!(covered.first().map(|p| p.0), Some(want_from));
                prop_assert_eq!(covered.last().map(|p| p.1), Some(end));
            } else {
                prop_assert!(covered.is_empty());
            }
            // What is left out is exactly the steps before the 14 days.
            match skipped(last, end, step) {
                Some((first, until, steps)) => {
                    prop_assert_eq!(Some(first), last.map(|l| l + step));
                    prop_assert!(until < end - MAX_BACKFILL_MS && until + step >= end - MAX_BACKFILL_MS);
                    prop_assert_eq!(steps as i64, (until - first) / step + 1);
                }
                None => prop_assert!(last.is_none_or(|l| l + step >= end - MAX_BACKFILL_MS)),
            }
        }

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
