//! Values that bound an incremental window or a partition's range, typed by their column (an
//! integer, a decimal, text, a date, a date and time, an instant): read from the text a DBMS
//! returns, moved back by a lookback, and split into ranges of equal width. How a DBMS writes
//! them as literals is its dialect's business (`Dialect::bound_literal`).

use anyhow::{anyhow, bail};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};

use crate::plan::ColumnType;

/// A value that bounds a window or a partition, typed by its column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bound {
    /// An integer.
    Int(i128),
    /// A decimal number, as its text.
    Number(String),
    /// Text.
    Text(String),
    /// A date.
    Date(NaiveDate),
    /// A date and time.
    Timestamp(NaiveDateTime),
    /// An instant.
    Instant(DateTime<Utc>),
}

/// The kind of values a window or partition column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Integers.
    Int,
    /// Exact decimals.
    Number,
    /// Text.
    Text,
    /// Dates.
    Date,
    /// Dates and times.
    Timestamp,
    /// Instants.
    Instant,
}

impl Kind {
    /// The kind of `column_type`, when it can bound a window.
    pub fn of(column_type: &ColumnType) -> Option<Kind> {
        Some(match column_type {
            ColumnType::Int8 | ColumnType::Int16 | ColumnType::Int32 | ColumnType::Int64 => {
                Kind::Int
            }
            ColumnType::Decimal { scale: 0, .. } => Kind::Int,
            ColumnType::Decimal { .. } | ColumnType::DecimalText { .. } => Kind::Number,
            ColumnType::Text { .. } => Kind::Text,
            ColumnType::Date => Kind::Date,
            ColumnType::Timestamp { .. } => Kind::Timestamp,
            ColumnType::TimestampTz { .. } => Kind::Instant,
            _ => return None,
        })
    }

    /// Can a range of this kind be split into partitions?
    pub fn splits(self) -> bool {
        matches!(
            self,
            Kind::Int | Kind::Date | Kind::Timestamp | Kind::Instant
        )
    }

    /// Reads `text` (as a DBMS returns a value of this kind as text).
    pub fn parse(self, text: &str) -> anyhow::Result<Bound> {
        let t = text.trim();
        let bad = || anyhow!("cannot read '{t}' as a {self:?} value");
        Ok(match self {
            Kind::Int => {
                // A DECIMAL(p,0) may come back as "12.0".
                let whole = t.strip_suffix(".0").unwrap_or(t);
                Bound::Int(whole.parse().map_err(|_| bad())?)
            }
            Kind::Number => {
                // A decimal number and nothing else: it is written into SQL as it is.
                let (mantissa, exponent) = t.split_once(['e', 'E']).unwrap_or((t, "0"));
                let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                let unsigned = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
                let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
                let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
                if !(digits(whole) && digits(fraction) && digits(exponent)) {
                    return Err(bad());
                }
                Bound::Number(t.to_string())
            }
            Kind::Text => Bound::Text(text.to_string()),
            Kind::Date => Bound::Date(
                NaiveDate::parse_from_str(t.get(..10).unwrap_or(t), "%Y-%m-%d")
                    .map_err(|_| bad())?,
            ),
            Kind::Timestamp => Bound::Timestamp(naive(t).ok_or_else(bad)?),
            Kind::Instant => Bound::Instant(instant(t).ok_or_else(bad)?),
        })
    }
}

/// A date and time as DBMSs write them (`2024-05-01 10:00:00.123456`, with `T`, or a date).
fn naive(t: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })
}

/// An instant as DBMSs write them (`2024-05-01 10:00:00+02`, `... +02:00`, or without an
/// offset: UTC).
fn instant(t: &str) -> Option<DateTime<Utc>> {
    [
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f %#z",
        "%Y-%m-%dT%H:%M:%S%.f%#z",
    ]
    .iter()
    .find_map(|f| DateTime::parse_from_str(t, f).ok())
    .map(|d| d.with_timezone(&Utc))
    .or_else(|| naive(t).map(|n| n.and_utc()))
}

impl Bound {
    /// The value `lookback` lower: a number, or seconds for dates and times (a date goes back
    /// whole days, rounded up).
    pub fn minus(&self, lookback: f64) -> anyhow::Result<Bound> {
        if lookback == 0.0 {
            return Ok(self.clone());
        }
        let too_far =
            || anyhow!("INCREMENTAL_LOOKBACK = {lookback} goes back too far for {self:?}");
        // (`as` saturates: a lookback beyond the range fails below.)
        let micros = chrono::Duration::microseconds((lookback * 1e6).ceil() as i64);
        Ok(match self {
            Bound::Int(v) => {
                Bound::Int(v.checked_sub(lookback.ceil() as i128).ok_or_else(too_far)?)
            }
            Bound::Date(d) => Bound::Date(
                chrono::Duration::try_days((lookback / 86_400.0).ceil() as i64)
                    .and_then(|days| d.checked_sub_signed(days))
                    .ok_or_else(too_far)?,
            ),
            Bound::Timestamp(t) => {
                Bound::Timestamp(t.checked_sub_signed(micros).ok_or_else(too_far)?)
            }
            Bound::Instant(t) => Bound::Instant(t.checked_sub_signed(micros).ok_or_else(too_far)?),
            Bound::Number(_) | Bound::Text(_) => bail!(
                "INCREMENTAL_LOOKBACK works with integer, date and timestamp columns; set it to \
                 0 for this column"
            ),
        })
    }

    /// The value as a point on a line (integers; days; microseconds), for splitting ranges.
    fn ordinal(&self) -> Option<i128> {
        Some(match self {
            Bound::Int(v) => *v,
            Bound::Date(d) => i128::from(d.num_days_from_ce()),
            Bound::Timestamp(t) => i128::from(t.and_utc().timestamp_micros()),
            Bound::Instant(t) => i128::from(t.timestamp_micros()),
            Bound::Number(_) | Bound::Text(_) => return None,
        })
    }

    /// The value of the same kind at `ordinal`.
    fn at(&self, ordinal: i128) -> Option<Bound> {
        Some(match self {
            Bound::Int(_) => Bound::Int(ordinal),
            Bound::Date(_) => Bound::Date(NaiveDate::from_num_days_from_ce_opt(
                i32::try_from(ordinal).ok()?,
            )?),
            Bound::Timestamp(_) => Bound::Timestamp(
                DateTime::from_timestamp_micros(i64::try_from(ordinal).ok()?)?.naive_utc(),
            ),
            Bound::Instant(_) => Bound::Instant(DateTime::from_timestamp_micros(
                i64::try_from(ordinal).ok()?,
            )?),
            Bound::Number(_) | Bound::Text(_) => return None,
        })
    }
}

/// `t` as `YYYY-MM-DD HH:MM:SS` with `digits` (0 to 9) fractional digits, cut (not rounded)
/// where the value has more: for DBMSs that take a fixed number of digits.
pub fn timestamp_text(t: &NaiveDateTime, digits: u32) -> String {
    let mut text = t.format("%Y-%m-%d %H:%M:%S").to_string();
    if digits > 0 {
        let fraction = t.nanosecond() / 10_u32.pow(9 - digits.min(9));
        text.push_str(&format!(
            ".{fraction:0width$}",
            width = digits.min(9) as usize
        ));
    }
    text
}

/// The boundaries that split `min..=max` into at most `n` ranges of equal width (fewer when the
/// range holds fewer values), ascending: range 0 is below the first boundary, the last range is
/// from the last boundary up.
pub fn split(min: &Bound, max: &Bound, n: usize) -> Vec<Bound> {
    let (Some(lo), Some(hi)) = (min.ordinal(), max.ordinal()) else {
        return Vec::new();
    };
    let width = hi - lo + 1;
    let mut bounds: Vec<Bound> = Vec::new();
    for i in 1..n as i128 {
        let Some(b) = min.at(lo + width * i / n as i128) else {
            continue;
        };
        if b > *min && bounds.last().is_none_or(|last| *last < b) {
            bounds.push(b);
        }
    }
    bounds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(t: &str) -> Bound {
        Kind::Timestamp.parse(t).unwrap()
    }

    #[test]
    fn each_column_type_bounds_windows_of_its_kind_and_some_split() {
        use crate::plan::ColumnType as T;
        for (column_type, kind, splits) in [
            (T::Int8, Some(Kind::Int), true),
            (T::Int16, Some(Kind::Int), true),
            (T::Int32, Some(Kind::Int), true),
            (T::Int64, Some(Kind::Int), true),
            (
                T::Decimal {
                    precision: 18,
                    scale: 0,
                },
                Some(Kind::Int),
                true,
            ),
            (
                T::Decimal {
                    precision: 12,
                    scale: 2,
                },
                Some(Kind::Number),
                false,
            ),
            (
                T::DecimalText {
                    precision: None,
                    scale: None,
                },
                Some(Kind::Number),
                false,
            ),
            (
                T::Text {
                    length: Some(4),
                    fixed: false,
                },
                Some(Kind::Text),
                false,
            ),
            (T::Date, Some(Kind::Date), true),
            (T::Timestamp { precision: 6 }, Some(Kind::Timestamp), true),
            (T::TimestampTz { precision: 6 }, Some(Kind::Instant), true),
            (T::Boolean, None, false),
            (T::Float64, None, false),
            (T::Time { precision: 0 }, None, false),
            (
                T::Binary {
                    length: None,
                    fixed: false,
                },
                None,
                false,
            ),
        ] {
            assert_eq!(Kind::of(&column_type), kind, "{column_type:?}");
            assert_eq!(kind.is_some_and(Kind::splits), splits, "{column_type:?}");
        }
    }

    #[test]
    fn ranges_split_integers_dates_and_times_evenly() {
        assert_eq!(
            split(&Bound::Int(1), &Bound::Int(100), 4),
            vec![Bound::Int(26), Bound::Int(51), Bound::Int(76)]
        );
        // Fewer values than partitions: fewer ranges, none empty by construction.
        assert_eq!(
            split(&Bound::Int(5), &Bound::Int(6), 4),
            vec![Bound::Int(6)]
        );
        assert!(split(&Bound::Int(7), &Bound::Int(7), 4).is_empty());
        let d = |s| Kind::Date.parse(s).unwrap();
        assert_eq!(
            split(&d("2024-01-01"), &d("2024-01-04"), 2),
            vec![d("2024-01-03")]
        );
        assert_eq!(
            split(&ts("2024-01-01 00:00:00"), &ts("2024-01-01 00:00:01"), 2),
            vec![ts("2024-01-01 00:00:00.500000")]
        );
        assert!(split(&Bound::Text("a".into()), &Bound::Text("b".into()), 2).is_empty());
    }

    #[test]
    fn values_are_read_as_dbmss_write_them_and_go_back_by_the_lookback() {
        assert_eq!(ts("2024-05-01 10:00:00"), ts("2024-05-01T10:00:00.000"));
        assert_eq!(
            Kind::Instant.parse("2024-05-01 12:00:00+02").unwrap(),
            Kind::Instant.parse("2024-05-01 10:00:00").unwrap()
        );
        assert_eq!(
            ts("2024-05-01 10:00:00").minus(90.5).unwrap(),
            ts("2024-05-01 09:58:29.500")
        );
        assert_eq!(Bound::Int(10).minus(2.5).unwrap(), Bound::Int(7));
        assert_eq!(
            Kind::Date
                .parse("2024-05-03")
                .unwrap()
                .minus(86_401.0)
                .unwrap(),
            Kind::Date.parse("2024-05-01").unwrap()
        );
        assert_eq!(Kind::Int.parse("12.0").unwrap(), Bound::Int(12));
        assert!(Kind::Number.parse("1; DROP TABLE x").is_err());
        assert!(Kind::Number.parse("1--").is_err() && Kind::Number.parse("1-1").is_err());
        assert_eq!(
            Kind::Number.parse("-12.50e+3").unwrap(),
            Bound::Number("-12.50e+3".into())
        );
        assert!(Bound::Int(i128::MIN).minus(1.0).is_err());
        assert!(ts("2024-05-01 10:00:00").minus(1e15).is_err());
        assert_eq!(
            timestamp_text(
                &NaiveDateTime::parse_from_str(
                    "2024-05-01 10:00:00.1234567",
                    "%Y-%m-%d %H:%M:%S%.f"
                )
                .unwrap(),
                7
            ),
            "2024-05-01 10:00:00.1234567"
        );
        assert_eq!(
            timestamp_text(
                &NaiveDateTime::parse_from_str("2024-05-01 10:00:00.999", "%Y-%m-%d %H:%M:%S%.f")
                    .unwrap(),
                0
            ),
            "2024-05-01 10:00:00"
        );
        assert!(Bound::Text("a".into()).minus(1.0).is_err());
    }
}
