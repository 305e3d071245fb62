//! Reading a message's payload into one timed value. Pure: the bytes and the arrival time are
//! passed in; anything malformed is an error that says what was wrong, never a panic.

use jiff::Timestamp;
use std::fmt;
use suangu_core::sources::PayloadFormat;

/// Payloads above this are refused unread (a meter reading is tens of bytes).
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// A point stamped further than this after its arrival is refused: a clock gone wrong would
/// otherwise open chunks far in the future.
pub const MAX_AHEAD_MS: i64 = 3_600_000;

/// Times given as numbers before this (2000-01-01) are refused: almost always Unix seconds sent
/// where milliseconds belong, which would store the point in January 1970.
pub const EARLIEST_MS: i64 = 946_684_800_000;

/// A time given as Unix milliseconds, checked: a valid instant, not before 2000.
pub fn unix_ms(ms: i64) -> Result<i64, String> {
    if Timestamp::from_millisecond(ms).is_err() {
        Err(format!("{ms} is not a time in Unix milliseconds"))
    } else if ms < EARLIEST_MS {
        Err(format!(
            "{ms} is before 2000 as Unix milliseconds (seconds given where milliseconds belong?)"
        ))
    } else {
        Ok(ms)
    }
}

/// One value and its source time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub source_ms: i64,
    /// The payload carried its own time (else `source_ms` is the arrival's).
    pub timed: bool,
    /// May be NaN or infinite: such a point is kept as bad, not refused.
    pub value: f64,
}

/// Why a payload was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum PayloadError {
    Oversized {
        bytes: usize,
    },
    NotUtf8,
    NotJson(String),
    /// Valid JSON of the wrong shape: what was expected.
    WrongShape(&'static str),
    NotANumber(String),
    BadTime(String),
    FromTheFuture {
        ahead_ms: i64,
    },
}

impl PayloadError {
    /// A short stable name, for counters.
    pub fn kind(&self) -> &'static str {
        match self {
            PayloadError::Oversized { .. } => "oversized",
            PayloadError::NotUtf8 => "not_utf8",
            PayloadError::NotJson(_) => "not_json",
            PayloadError::WrongShape(_) => "wrong_shape",
            PayloadError::NotANumber(_) => "not_a_number",
            PayloadError::BadTime(_) => "bad_time",
            PayloadError::FromTheFuture { .. } => "from_the_future",
        }
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadError::Oversized { bytes } => {
                write!(f, "{bytes} bytes: more than the {MAX_PAYLOAD_BYTES} read")
            }
            PayloadError::NotUtf8 => f.write_str("not UTF-8 text"),
            PayloadError::NotJson(e) => write!(f, "not JSON: {e}"),
            PayloadError::WrongShape(what) => write!(f, "expected {what}"),
            PayloadError::NotANumber(text) => write!(f, "{text:?} is not a number"),
            PayloadError::BadTime(e) => write!(f, "ts: {e}"),
            PayloadError::FromTheFuture { ahead_ms } => {
                write!(f, "ts is {ahead_ms} ms after the message arrived")
            }
        }
    }
}

/// Read `payload` (arrived at `arrived_ms`, Unix milliseconds) in `format`.
///
/// JSON: `{"value": 12.5, "ts": "2026-04-01T10:00:00Z"}`; `ts` may be Unix milliseconds, or
/// absent (the arrival time is used); `value` may be `null` (a bad point). A bare number: the
/// arrival time.
pub fn parse(
    format: PayloadFormat,
    payload: &[u8],
    arrived_ms: i64,
) -> Result<Reading, PayloadError> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(PayloadError::Oversized {
            bytes: payload.len(),
        });
    }
    let text = std::str::from_utf8(payload).map_err(|_| PayloadError::NotUtf8)?;
    let reading = match format {
        PayloadFormat::Number => Reading {
            source_ms: arrived_ms,
            timed: false,
            value: number(text.trim())?,
        },
        PayloadFormat::Json => json(text, arrived_ms)?,
    };
    let ahead_ms = reading.source_ms.saturating_sub(arrived_ms);
    if ahead_ms > MAX_AHEAD_MS {
        return Err(PayloadError::FromTheFuture { ahead_ms });
    }
    Ok(reading)
}

fn number(text: &str) -> Result<f64, PayloadError> {
    // Rust's parser also takes "NaN" and "inf": meters do send them, and they become bad points.
    text.parse::<f64>()
        .map_err(|_| PayloadError::NotANumber(text.chars().take(40).collect()))
}

fn json(text: &str, arrived_ms: i64) -> Result<Reading, PayloadError> {
    const SHAPE: &str = r#"an object {"value": number|null, "ts": RFC 3339 text|Unix ms}"#;
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| PayloadError::NotJson(e.to_string()))?;
    let object = doc.as_object().ok_or(PayloadError::WrongShape(SHAPE))?;
    let value = match object.get("value") {
        Some(serde_json::Value::Number(n)) => n.as_f64().ok_or(PayloadError::WrongShape(SHAPE))?,
        Some(serde_json::Value::Null) => f64::NAN,
        Some(serde_json::Value::String(s)) => number(s.trim())?,
        _ => return Err(PayloadError::WrongShape(SHAPE)),
    };
    let timed = !matches!(object.get("ts"), None | Some(serde_json::Value::Null));
    let source_ms = match object.get("ts") {
        None | Some(serde_json::Value::Null) => arrived_ms,
        Some(serde_json::Value::String(s)) => s
            .parse::<Timestamp>()
            .map_err(|e| PayloadError::BadTime(e.to_string()))?
            .as_millisecond(),
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| format!("{n} is not a time in Unix milliseconds"))
            .and_then(unix_ms)
            .map_err(PayloadError::BadTime)?,
        Some(_) => return Err(PayloadError::WrongShape(SHAPE)),
    };
    Ok(Reading {
        source_ms,
        timed,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_775_040_000_000; // 2026-04-01T10:40:00Z

    fn json_of(payload: &str) -> Result<Reading, PayloadError> {
        parse(PayloadFormat::Json, payload.as_bytes(), NOW)
    }

    #[test]
    fn reads_json_with_and_without_time() {
        assert_eq!(
            json_of(r#"{"value": 12.5, "ts": "2026-04-01T10:00:00Z"}"#),
            Ok(Reading {
                source_ms: 1_775_037_600_000,
                timed: true,
                value: 12.5
            })
        );
        assert_eq!(
            json_of(r#"{"value": 3, "ts": 1774999999000}"#).map(|r| r.source_ms),
            Ok(1_774_999_999_000)
        );
        assert_eq!(
            json_of(r#"{"value": -1}"#),
            Ok(Reading {
                source_ms: NOW,
                timed: false,
                value: -1.0
            })
        );
        assert!(
            json_of(r#"{"value": null}"#)
                .expect("a bad point")
                .value
                .is_nan()
        );
        assert_eq!(json_of(r#"{"value": "7.25"}"#).map(|r| r.value), Ok(7.25));
    }

    #[test]
    fn refuses_what_is_malformed_and_says_why() {
        let kind = |p: &str| json_of(p).map_err(|e| e.kind());
        assert_eq!(kind(r#"{"value": 1"#), Err("not_json"));
        assert_eq!(kind("[1, 2]"), Err("wrong_shape"));
        assert_eq!(kind(r#"{"v": 1}"#), Err("wrong_shape"));
        assert_eq!(kind(r#"{"value": true}"#), Err("wrong_shape"));
        assert_eq!(kind(r#"{"value": "twelve"}"#), Err("not_a_number"));
        assert_eq!(kind(r#"{"value": 1, "ts": "yesterday"}"#), Err("bad_time"));
        assert_eq!(kind(r#"{"value": 1, "ts": 1e300}"#), Err("bad_time"));
        assert_eq!(kind(r#"{"value": 1, "ts": 1775037600}"#), Err("bad_time"));
        assert_eq!(
            kind(r#"{"value": 1, "ts": "2030-01-01T00:00:00Z"}"#),
            Err("from_the_future")
        );
        assert_eq!(
            parse(PayloadFormat::Json, &[0xff, 0xfe], NOW).map_err(|e| e.kind()),
            Err("not_utf8")
        );
        let big = vec![b' '; MAX_PAYLOAD_BYTES + 1];
        assert_eq!(
            parse(PayloadFormat::Json, &big, NOW).map_err(|e| e.kind()),
            Err("oversized")
        );
        let message = json_of(r#"{"value": 1, "ts": "yesterday"}"#)
            .expect_err("bad")
            .to_string();
        assert!(message.starts_with("ts: "), "{message}");
    }

    #[test]
    fn reads_bare_numbers_at_arrival() {
        let number = |p: &str| parse(PayloadFormat::Number, p.as_bytes(), NOW);
        assert_eq!(
            number(" 42.5\n"),
            Ok(Reading {
                source_ms: NOW,
                timed: false,
                value: 42.5
            })
        );
        assert!(number("NaN").expect("bad point").value.is_nan());
        assert_eq!(number("4 2").map_err(|e| e.kind()), Err("not_a_number"));
        assert_eq!(number("").map_err(|e| e.kind()), Err("not_a_number"));
    }

    proptest! {
        // Whatever arrives, the parser answers: a reading or an error, never a panic.
        #[test]
        fn any_bytes_are_answered(bytes in proptest::collection::vec(any::<u8>(), 0..256), json in any::<bool>()) {
            let format = if json { PayloadFormat::Json } else { PayloadFormat::Number };
            let _ = parse(format, &bytes, NOW);
        }

        #[test]
        fn json_round_trips(value in -1e12f64..1e12, back_ms in 0i64..86_400_000) {
            let ts = NOW - back_ms;
            let text = serde_json::json!({ "value": value, "ts": ts }).to_string();
            prop_assert_eq!(json_of(&text), Ok(Reading { source_ms: ts, timed: true, value }));
            let stamped = Timestamp::from_millisecond(ts).expect("ts").to_string();
            let text = serde_json::json!({ "value": value, "ts": stamped }).to_string();
            prop_assert_eq!(json_of(&text), Ok(Reading { source_ms: ts, timed: true, value }));
        }

        #[test]
        fn numbers_round_trip(value in proptest::num::f64::NORMAL | proptest::num::f64::ZERO) {
            let read = parse(PayloadFormat::Number, value.to_string().as_bytes(), NOW);
            prop_assert_eq!(read, Ok(Reading { source_ms: NOW, timed: false, value }));
        }
    }
}
