//! The period a briefing covers: a park day or an ISO week (Monday to Sunday) in the park's time
//! zone, as the UTC instants `[from, to)` the store is asked for; and which days hold data.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// A day or a week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Day,
    Week,
}

impl PeriodKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "day" => Some(Self::Day),
            "week" => Some(Self::Week),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
        }
    }
}

/// The local days `first..=last` and the instants `[from, to)` they span.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub kind: PeriodKind,
    pub first: Date,
    pub last: Date,
    pub from: Timestamp,
    pub to: Timestamp,
    pub tz: TimeZone,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct PeriodError(String);

impl Period {
    /// The day `date`, or the ISO week (Monday to Sunday) holding it.
    pub fn new(kind: PeriodKind, date: Date, tz: TimeZone) -> Result<Self, PeriodError> {
        let first = match kind {
            PeriodKind::Day => date,
            PeriodKind::Week => {
                let back = date.weekday().since(Weekday::Monday);
                date.checked_sub(i64::from(back).days())
                    .map_err(|e| PeriodError(format!("the week of {date}: {e}")))?
            }
        };
        let days = match kind {
            PeriodKind::Day => 1,
            PeriodKind::Week => 7,
        };
        let end = first
            .checked_add(days.days())
            .map_err(|e| PeriodError(format!("{days} days after {first}: {e}")))?;
        let last = end
            .yesterday()
            .map_err(|e| PeriodError(format!("the day before {end}: {e}")))?;
        let midnight = |d: Date| {
            tz.to_timestamp(d.to_datetime(Time::midnight()))
                .map_err(|e| PeriodError(format!("midnight of {d}: {e}")))
        };
        Ok(Self {
            kind,
            first,
            last,
            from: midnight(first)?,
            to: midnight(end)?,
            tz,
        })
    }

    /// The number of 15-minute intervals in the period (a DST day has 92 or 100).
    pub fn quarters(&self) -> usize {
        usize::try_from((self.to.as_second() - self.from.as_second()) / 900).unwrap_or(0)
    }

    /// The slot of the interval starting at `at`, if it lies in the period.
    pub fn slot(&self, at: Timestamp) -> Option<usize> {
        let offset = at.as_second() - self.from.as_second();
        (offset >= 0 && at < self.to)
            .then(|| usize::try_from(offset / 900).ok())
            .flatten()
    }

    /// The local day holding `at`.
    pub fn day_of(&self, at: Timestamp) -> Date {
        self.tz.to_datetime(at).date()
    }
}

/// Runs of consecutive days, for "data is there for …" messages: `[(first, last)]`.
pub fn day_runs(days: impl IntoIterator<Item = Date>) -> Vec<(Date, Date)> {
    let mut days: Vec<Date> = days.into_iter().collect();
    days.sort_unstable();
    days.dedup();
    let mut runs: Vec<(Date, Date)> = Vec::new();
    for d in days {
        match runs.last_mut() {
            Some((_, last)) if last.tomorrow().ok() == Some(d) => *last = d,
            _ => runs.push((d, d)),
        }
    }
    runs
}

/// The days as their runs, for people: "2026-03-30 – 2026-04-05, 2026-06-21" (empty: none).
pub fn runs_text(days: impl IntoIterator<Item = Date>) -> String {
    day_runs(days)
        .into_iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a} – {b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").expect("bundled tz")
    }

    #[test]
    fn a_day_is_local_midnight_to_midnight() {
        let p = Period::new(PeriodKind::Day, date(2026, 4, 1), shanghai()).expect("day");
        assert_eq!(p.from.to_string(), "2026-03-31T16:00:00Z");
        assert_eq!(p.to.to_string(), "2026-04-01T16:00:00Z");
        assert_eq!(p.quarters(), 96);
        assert_eq!(p.slot(p.from), Some(0));
        assert_eq!(p.slot(p.to), None);
    }

    #[test]
    fn a_week_runs_monday_to_sunday() {
        // 2026-04-01 is a Wednesday.
        let p = Period::new(PeriodKind::Week, date(2026, 4, 1), shanghai()).expect("week");
        assert_eq!((p.first, p.last), (date(2026, 3, 30), date(2026, 4, 5)));
        assert_eq!(p.quarters(), 672);
        let sunday = Period::new(PeriodKind::Week, date(2026, 4, 5), shanghai()).expect("week");
        assert_eq!(sunday.first, p.first);
    }

    #[test]
    fn runs_join_consecutive_days() {
        let runs = day_runs([
            date(2026, 4, 3),
            date(2026, 4, 1),
            date(2026, 4, 2),
            date(2026, 4, 2),
            date(2026, 6, 21),
        ]);
        assert_eq!(
            runs,
            vec![
                (date(2026, 4, 1), date(2026, 4, 3)),
                (date(2026, 6, 21), date(2026, 6, 21))
            ]
        );
        assert_eq!(
            runs_text([date(2026, 4, 2), date(2026, 4, 1), date(2026, 6, 21)]),
            "2026-04-01 – 2026-04-02, 2026-06-21"
        );
        assert_eq!(runs_text([]), "");
    }
}
