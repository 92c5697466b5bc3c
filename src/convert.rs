//! ODBC fetch buffers -> Arrow arrays, one small function per column type.
//!
//! The read buffer of each column is chosen from its [`ColumnType`] (not from what the driver
//! guesses), so each conversion knows exactly what it receives. Values the driver hands over as
//! text (decimals, times, timestamps with time zone) are parsed here, strictly: a value that does
//! not parse fails the batch with the column and the value in the message, never a silent NULL.

use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use arrow_odbc::{
    arrow::{
        array::{
            ArrayRef, BinaryBuilder, BooleanArray, Date32Array, Decimal128Array, PrimitiveArray,
            StringBuilder, Time64MicrosecondArray, Time64NanosecondArray,
        },
        datatypes::{
            ArrowPrimitiveType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
            Int64Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
            TimestampNanosecondType, TimestampSecondType,
        },
    },
    odbc_api::{
        Bit,
        buffers::{AnyColumnBufferSlice, BufferDesc},
        sys::{Date, Timestamp},
    },
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::plan::ColumnType;

/// Use UTF-16 for text on Windows, where the narrow ODBC functions use the local code page.
pub const WIDE_TEXT: bool = cfg!(target_os = "windows");

/// In which C type a column's values are fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchForm {
    /// The C type that matches the column type (integers as integers, text as text, ...).
    Native,
    /// Numbers as text, parsed here (the driver's own conversion loses digits).
    Text,
    /// Text as bytes, validated as UTF-8 here (the driver cuts text at a NUL character).
    Bytes,
}

/// How a column is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetch {
    /// Largest value in bytes, for text and binary columns.
    pub max_bytes: usize,
    /// The C type of the fetch buffer (see `Dialect::fetch_form`).
    pub form: FetchForm,
}

/// Longest text form of a double (`-2.2250738585072014e-308`, with room to spare).
const FLOAT_TEXT_BYTES: usize = 40;

/// The fetch buffer for a column of `column_type`.
pub fn buffer_desc(column_type: &ColumnType, nullable: bool, fetch: Fetch) -> BufferDesc {
    let max_bytes = fetch.max_bytes;
    let text = |bytes: usize| {
        if WIDE_TEXT {
            // A UTF-16 unit carries at least one UTF-8 byte's worth of text.
            BufferDesc::WText {
                max_str_len: bytes.max(1),
            }
        } else {
            BufferDesc::Text {
                max_str_len: bytes.max(1),
            }
        }
    };
    match column_type {
        // Timestamps with an offset and nine digits: "-12345-12-31 23:59:59.123456789 +14:00".
        t if t.carried_as_text() => text(48),
        ColumnType::Int8 | ColumnType::Int16 | ColumnType::Int32 | ColumnType::Int64
            if fetch.form == FetchForm::Text =>
        {
            text(24)
        }
        ColumnType::Float32 | ColumnType::Float64 if fetch.form == FetchForm::Text => {
            text(FLOAT_TEXT_BYTES)
        }
        ColumnType::DecimalText { .. } | ColumnType::Text { .. }
            if fetch.form == FetchForm::Bytes =>
        {
            BufferDesc::Binary {
                max_bytes: max_bytes.max(1),
            }
        }
        // Room for a year beyond 9999, nine fractional digits and " BC".
        ColumnType::Date | ColumnType::Timestamp { .. } if fetch.form == FetchForm::Text => {
            text(40)
        }
        ColumnType::Boolean => BufferDesc::Bit { nullable },
        ColumnType::Int8 => BufferDesc::I8 { nullable },
        ColumnType::Int16 => BufferDesc::I16 { nullable },
        ColumnType::Int32 => BufferDesc::I32 { nullable },
        ColumnType::Int64 => BufferDesc::I64 { nullable },
        // Fetched as double and narrowed: MariaDB Connector/ODBC 3.1 fills SQL_C_FLOAT buffers
        // with zeros, and widening a float to a double is exact for every driver.
        ColumnType::Float32 => BufferDesc::F64 { nullable },
        ColumnType::Float64 => BufferDesc::F64 { nullable },
        // Sign, point, a leading zero, and room for an exponent some drivers use.
        ColumnType::Decimal { precision, .. } => text(*precision as usize + 8),
        ColumnType::Time { .. } => text(32),
        ColumnType::TimestampTz { .. } => text(48),
        ColumnType::DecimalText { .. } | ColumnType::Text { .. } => text(max_bytes),
        ColumnType::Binary { .. } => BufferDesc::Binary {
            max_bytes: max_bytes.max(1),
        },
        ColumnType::Date => BufferDesc::Date { nullable },
        ColumnType::Timestamp { .. } => BufferDesc::Timestamp { nullable },
    }
}

/// Converts one fetched column to an Arrow array of `column_type.arrow_type()`.
pub fn to_arrow(
    column_type: &ColumnType,
    fetch: Fetch,
    slice: AnyColumnBufferSlice<'_>,
) -> anyhow::Result<ArrayRef> {
    Ok(match column_type {
        t if t.carried_as_text() => strings(slice)?,
        ColumnType::Int8 | ColumnType::Int16 | ColumnType::Int32 | ColumnType::Int64
            if fetch.form == FetchForm::Text =>
        {
            let values = map_texts(slice, |t| {
                t.trim()
                    .parse::<i64>()
                    .map_err(|_| anyhow!("'{t}' is not an integer"))
            })?;
            let array = arrow_odbc::arrow::array::Int64Array::from(values);
            // `safe: false`: a value that does not fit is an error, not a NULL.
            let options = arrow_odbc::arrow::compute::CastOptions {
                safe: false,
                ..Default::default()
            };
            arrow_odbc::arrow::compute::cast_with_options(
                &array,
                &column_type.arrow_type(),
                &options,
            )?
        }
        ColumnType::DecimalText { .. } | ColumnType::Text { .. }
            if fetch.form == FetchForm::Bytes =>
        {
            let view = slice.as_binary().context("binary buffer")?;
            let mut builder = StringBuilder::new();
            for i in 0..view.len() {
                match view.get(i) {
                    Some(b) => builder.append_value(std::str::from_utf8(b).map_err(|_| {
                        anyhow!(
                            "a text value is not valid UTF-8 ({})",
                            String::from_utf8_lossy(b)
                        )
                    })?),
                    None => builder.append_null(),
                }
            }
            Arc::new(builder.finish())
        }
        ColumnType::Float32 | ColumnType::Float64 if fetch.form == FetchForm::Text => {
            let values = texts(slice)?
                .iter()
                .map(|v| {
                    v.as_deref()
                        .map(|t| {
                            t.trim()
                                .parse::<f64>()
                                .map_err(|_| anyhow!("'{t}' is not a floating-point number"))
                        })
                        .transpose()
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let doubles = PrimitiveArray::<Float64Type>::from(values);
            if *column_type == ColumnType::Float32 {
                Arc::new(doubles.unary::<_, Float32Type>(|v| v as f32))
            } else {
                Arc::new(doubles)
            }
        }
        ColumnType::Boolean => booleans(slice),
        ColumnType::Int8 => primitive::<Int8Type>(slice),
        ColumnType::Int16 => primitive::<Int16Type>(slice),
        ColumnType::Int32 => primitive::<Int32Type>(slice),
        ColumnType::Int64 => primitive::<Int64Type>(slice),
        ColumnType::Float32 => narrow_floats(slice),
        ColumnType::Float64 => primitive::<Float64Type>(slice),
        ColumnType::Decimal { precision, scale } => {
            let values = texts(slice)?
                .iter()
                .map(|v| v.as_deref().map(|t| parse_decimal(t, *scale)).transpose())
                .collect::<anyhow::Result<Vec<_>>>()?;
            Arc::new(Decimal128Array::from(values).with_precision_and_scale(*precision, *scale)?)
        }
        ColumnType::DecimalText { .. } | ColumnType::Text { .. } => strings(slice)?,
        ColumnType::Binary { .. } => binaries(slice),
        ColumnType::Date if fetch.form == FetchForm::Text => {
            let values = map_texts(slice, |t| {
                let (days, _, _) = parse_iso_datetime(t)
                    .filter(|&(_, secs, nanos)| secs == 0 && nanos == 0)
                    .ok_or_else(|| anyhow!("'{t}' is not a date"))?;
                i32::try_from(days).map_err(|_| anyhow!("date '{t}' is out of range"))
            })?;
            Arc::new(Date32Array::from(values))
        }
        ColumnType::Timestamp { precision } if fetch.form == FetchForm::Text => {
            let parts = map_texts(slice, |t| {
                let (days, secs, nanos) =
                    parse_iso_datetime(t).ok_or_else(|| anyhow!("'{t}' is not a timestamp"))?;
                Ok((days * 86_400 + i64::from(secs), nanos))
            })?;
            timestamps(parts, *precision, None)?
        }
        ColumnType::Date => {
            let s = slice.as_nullable_slice::<Date>().context("date buffer")?;
            let values = s
                .map(|d| d.map(days_since_epoch).transpose())
                .collect::<anyhow::Result<Vec<_>>>()?;
            Arc::new(Date32Array::from(values))
        }
        ColumnType::Time { precision } => {
            let values = texts(slice)?
                .iter()
                .map(|v| v.as_deref().map(parse_time).transpose())
                .collect::<anyhow::Result<Vec<_>>>()?;
            if *precision <= 6 {
                Arc::new(Time64MicrosecondArray::from(
                    values
                        .into_iter()
                        .map(|v| v.map(|ns| ns / 1000))
                        .collect::<Vec<_>>(),
                ))
            } else {
                Arc::new(Time64NanosecondArray::from(values))
            }
        }
        ColumnType::Timestamp { precision } => {
            let s = slice
                .as_nullable_slice::<Timestamp>()
                .context("timestamp buffer")?;
            let parts = s
                .map(|t| t.map(timestamp_parts).transpose())
                .collect::<anyhow::Result<Vec<_>>>()?;
            timestamps(parts, *precision, None)?
        }
        ColumnType::TimestampTz { precision } => {
            let parts = texts(slice)?
                .iter()
                .map(|v| v.as_deref().map(parse_timestamp_tz).transpose())
                .collect::<anyhow::Result<Vec<_>>>()?;
            timestamps(parts, *precision, Some("UTC"))?
        }
    })
}

fn narrow_floats(slice: AnyColumnBufferSlice<'_>) -> ArrayRef {
    let array = primitive::<Float64Type>(slice);
    let doubles = array
        .as_any()
        .downcast_ref::<PrimitiveArray<Float64Type>>()
        .expect("a Float64 array");
    Arc::new(doubles.unary::<_, Float32Type>(|v| v as f32))
}

fn booleans(slice: AnyColumnBufferSlice<'_>) -> ArrayRef {
    if let Some(values) = slice.as_nullable_slice::<Bit>() {
        Arc::new(
            values
                .map(|b| b.map(|b| b.as_bool()))
                .collect::<BooleanArray>(),
        )
    } else {
        let values = slice.as_slice::<Bit>().unwrap_or_default();
        Arc::new(
            values
                .iter()
                .map(|b| Some(b.as_bool()))
                .collect::<BooleanArray>(),
        )
    }
}

fn primitive<T>(slice: AnyColumnBufferSlice<'_>) -> ArrayRef
where
    T: ArrowPrimitiveType,
    T::Native: arrow_odbc::odbc_api::buffers::Item,
{
    if let Some(values) = slice.as_nullable_slice::<T::Native>() {
        Arc::new(values.map(|v| v.copied()).collect::<PrimitiveArray<T>>())
    } else {
        let values = slice.as_slice::<T::Native>().unwrap_or_default();
        Arc::new(PrimitiveArray::<T>::from_iter_values(
            values.iter().copied(),
        ))
    }
}

/// Text values as owned strings (`None` for NULL); invalid UTF-8 is an error.
fn texts(slice: AnyColumnBufferSlice<'_>) -> anyhow::Result<Vec<Option<String>>> {
    if WIDE_TEXT {
        let view = slice.as_wide_text().context("wide text buffer")?;
        (0..view.len())
            .map(|i| {
                view.get(i)
                    .map(|u| String::from_utf16(u).map_err(|_| anyhow!("invalid UTF-16 text")))
                    .transpose()
            })
            .collect()
    } else {
        let view = slice.as_text().context("text buffer")?;
        (0..view.len())
            .map(|i| {
                view.get(i)
                    .map(|b| {
                        std::str::from_utf8(b).map(str::to_string).map_err(|_| {
                            anyhow!(
                                "a text value is not valid UTF-8 ({}); set the driver's client \
                                 character set to UTF-8",
                                String::from_utf8_lossy(b)
                            )
                        })
                    })
                    .transpose()
            })
            .collect()
    }
}

fn strings(slice: AnyColumnBufferSlice<'_>) -> anyhow::Result<ArrayRef> {
    if WIDE_TEXT {
        let values = texts(slice)?;
        let mut builder = StringBuilder::new();
        for v in values {
            builder.append_option(v);
        }
        return Ok(Arc::new(builder.finish()));
    }
    let view = slice.as_text().context("text buffer")?;
    let bytes: usize = (0..view.len())
        .map(|i| view.get(i).map_or(0, <[u8]>::len))
        .sum();
    let mut builder = StringBuilder::with_capacity(view.len(), bytes);
    for i in 0..view.len() {
        match view.get(i) {
            Some(b) => builder.append_value(std::str::from_utf8(b).map_err(|_| {
                anyhow!(
                    "a text value is not valid UTF-8 ({}); set the driver's client character \
                     set to UTF-8",
                    String::from_utf8_lossy(b)
                )
            })?),
            None => builder.append_null(),
        }
    }
    Ok(Arc::new(builder.finish()))
}

fn binaries(slice: AnyColumnBufferSlice<'_>) -> ArrayRef {
    let Some(view) = slice.as_binary() else {
        return Arc::new(BinaryBuilder::new().finish());
    };
    let bytes: usize = (0..view.len())
        .map(|i| view.get(i).map_or(0, <[u8]>::len))
        .sum();
    let mut builder = BinaryBuilder::with_capacity(view.len(), bytes);
    for i in 0..view.len() {
        builder.append_option(view.get(i));
    }
    Arc::new(builder.finish())
}

fn timestamps(
    values: Vec<Option<(i64, u32)>>,
    precision: u8,
    tz: Option<&str>,
) -> anyhow::Result<ArrayRef> {
    let unit = match (ColumnType::Timestamp { precision }).arrow_type() {
        arrow_odbc::arrow::datatypes::DataType::Timestamp(unit, _) => unit,
        _ => TimeUnit::Microsecond,
    };
    let (per_second, nanos_per_tick): (i64, u32) = match unit {
        TimeUnit::Second => (1, 1_000_000_000),
        TimeUnit::Millisecond => (1_000, 1_000_000),
        TimeUnit::Microsecond => (1_000_000, 1_000),
        TimeUnit::Nanosecond => (1_000_000_000, 1),
    };
    let ticks = values
        .into_iter()
        .map(|v| {
            v.map(|(secs, nanos)| {
                if nanos % nanos_per_tick != 0 {
                    bail!(
                        "a timestamp has more fractional-second digits than the column's \
                         declared precision ({precision})"
                    );
                }
                secs.checked_mul(per_second)
                    .and_then(|t| t.checked_add(i64::from(nanos / nanos_per_tick)))
                    .ok_or_else(|| {
                        anyhow!(
                            "a timestamp is outside the range of nanosecond timestamps \
                             (1677-2262)"
                        )
                    })
            })
            .transpose()
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    macro_rules! build {
        ($t:ty) => {{
            let array = PrimitiveArray::<$t>::from(ticks);
            Arc::new(match tz {
                Some(tz) => array.with_timezone(tz),
                None => array,
            }) as ArrayRef
        }};
    }
    Ok(match unit {
        TimeUnit::Second => build!(TimestampSecondType),
        TimeUnit::Millisecond => build!(TimestampMillisecondType),
        TimeUnit::Microsecond => build!(TimestampMicrosecondType),
        TimeUnit::Nanosecond => build!(TimestampNanosecondType),
    })
}

fn days_since_epoch(d: &Date) -> anyhow::Result<i32> {
    let date = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        .ok_or_else(|| anyhow!("invalid date {}-{}-{}", d.year, d.month, d.day))?;
    Ok(date.to_epoch_days())
}

/// Seconds since the epoch and nanoseconds of an ODBC timestamp.
fn timestamp_parts(t: &Timestamp) -> anyhow::Result<(i64, u32)> {
    let date = NaiveDate::from_ymd_opt(i32::from(t.year), u32::from(t.month), u32::from(t.day));
    let time = NaiveTime::from_hms_nano_opt(
        u32::from(t.hour),
        u32::from(t.minute),
        u32::from(t.second),
        t.fraction,
    );
    let (Some(date), Some(time)) = (date, time) else {
        bail!(
            "invalid timestamp {}-{}-{} {}:{}:{}.{:09}",
            t.year,
            t.month,
            t.day,
            t.hour,
            t.minute,
            t.second,
            t.fraction
        );
    };
    Ok(parts_of(NaiveDateTime::new(date, time)))
}

fn parts_of(dt: NaiveDateTime) -> (i64, u32) {
    let utc = dt.and_utc();
    (utc.timestamp(), utc.timestamp_subsec_nanos())
}

/// Applies `parse` to every non-NULL text value of a column, without copying the narrow ones.
fn map_texts<T>(
    slice: AnyColumnBufferSlice<'_>,
    mut parse: impl FnMut(&str) -> anyhow::Result<T>,
) -> anyhow::Result<Vec<Option<T>>> {
    if WIDE_TEXT {
        return texts(slice)?
            .iter()
            .map(|v| v.as_deref().map(&mut parse).transpose())
            .collect();
    }
    let view = slice.as_text().context("text buffer")?;
    (0..view.len())
        .map(|i| {
            view.get(i)
                .map(|b| {
                    let t =
                        std::str::from_utf8(b).map_err(|_| anyhow!("invalid UTF-8 in a date"))?;
                    parse(t)
                })
                .transpose()
        })
        .collect()
}

/// Parses PostgreSQL's ISO output `Y-MM-DD[ HH:MM:SS[.fffffffff]][ BC]` (the year may have more
/// than four digits) into days since the epoch, seconds of the day and nanoseconds. Fast: the
/// driver's own conversion (sscanf) was a tenth of the reading time.
pub fn parse_iso_datetime(text: &str) -> Option<(i64, u32, u32)> {
    let (body, bc) = match text.strip_suffix(" BC") {
        Some(b) => (b, true),
        None => (text, false),
    };
    let b = body.as_bytes();
    let number = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let year_len = b.iter().position(|&c| c == b'-')?;
    if !(4..=6).contains(&year_len) {
        return None;
    }
    let year = i64::from(number(0, year_len)?);
    let year = if bc { 1 - year } else { year };
    let p = year_len;
    if b.get(p) != Some(&b'-') || b.get(p + 3) != Some(&b'-') {
        return None;
    }
    let month = number(p + 1, 2)?;
    let day = number(p + 4, 2)?;
    let days =
        i64::from(NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?.to_epoch_days());
    let rest = &b[p + 6..];
    if rest.is_empty() {
        return Some((days, 0, 0));
    }
    if !(rest[0] == b' ' || rest[0] == b'T') || rest.len() < 9 || rest[3] != b':' || rest[6] != b':'
    {
        return None;
    }
    let t = p + 7;
    let (hour, minute, second) = (number(t, 2)?, number(t + 3, 2)?, number(t + 6, 2)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut nanos = 0;
    let fraction = &b[t + 8..];
    if !fraction.is_empty() {
        if fraction[0] != b'.' || fraction.len() < 2 || fraction.len() > 10 {
            return None;
        }
        let digits = fraction.len() - 1;
        nanos = number(t + 9, digits)? * 10u32.pow(9 - digits as u32);
    }
    Some((days, hour * 3600 + minute * 60 + second, nanos))
}

/// Parses a decimal in plain or exponent notation into an integer scaled by `scale`. More
/// fractional digits than `scale` are only accepted when they are zeros.
pub fn parse_decimal(text: &str, scale: i8) -> anyhow::Result<i128> {
    let t = text.trim();
    let fail = || anyhow!("'{text}' is not a decimal number");
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (
            &body[..i],
            body[i + 1..].parse::<i32>().map_err(|_| fail())?,
        ),
        None => (body, 0),
    };
    // Some locales (Oracle NLS) use a comma as the decimal separator.
    let mantissa = mantissa.replace(',', ".");
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa.as_str(), ""),
    };
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(fail());
    }
    let digits: String = format!("{int_part}{frac_part}");
    // value = digits * 10^(exponent - frac_len); we want value * 10^scale.
    let shift = exponent - frac_part.len() as i32 + i32::from(scale);
    let digits = digits.trim_start_matches('0');
    let mut value: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| fail())?
    };
    if shift >= 0 {
        for _ in 0..shift {
            value = value.checked_mul(10).ok_or_else(fail)?;
        }
    } else {
        for _ in 0..(-shift) {
            if value % 10 != 0 {
                bail!("'{text}' has more than {scale} decimals; it does not fit the column");
            }
            value /= 10;
        }
    }
    Ok(if negative { -value } else { value })
}

/// Parses `HH:MM:SS[.fffffffff]` into nanoseconds since midnight.
pub fn parse_time(text: &str) -> anyhow::Result<i64> {
    let t = text.trim();
    let time = NaiveTime::parse_from_str(t, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
        .map_err(|_| anyhow!("'{text}' is not a time of day"))?;
    Ok(
        i64::from(chrono::Timelike::num_seconds_from_midnight(&time)) * 1_000_000_000
            + i64::from(chrono::Timelike::nanosecond(&time)),
    )
}

/// `text` (a time or timestamp, maybe with an offset after it) with at most `keep` fractional
/// digits: the others are cut off, not rounded, so `9999-12-31 23:59:59.9999999` stays in 9999.
pub fn cut_fraction(text: &str, keep: u8) -> std::borrow::Cow<'_, str> {
    // The fraction follows the seconds: the first '.' after a ':'.
    let Some(colon) = text.find(':') else {
        return text.into();
    };
    let Some(dot) = text[colon..].find('.').map(|d| d + colon) else {
        return text.into();
    };
    let digits = text[dot + 1..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    if digits <= usize::from(keep) {
        return text.into();
    }
    let end = if keep == 0 {
        dot
    } else {
        dot + 1 + usize::from(keep)
    };
    format!("{}{}", &text[..end], &text[dot + 1 + digits..]).into()
}

/// A timestamp with an offset (`2024-06-01 12:00:00.1234567 +02:00`) as the same instant in UTC
/// without an offset (`2024-06-01 10:00:00.1234567`), keeping every fractional digit.
pub fn utc_text(text: &str) -> anyhow::Result<String> {
    let (secs, nanos) = parse_timestamp_tz(text)?;
    let digits = text
        .split_once('.')
        .map_or(0, |(_, f)| f.bytes().take_while(u8::is_ascii_digit).count())
        .min(9);
    let utc = chrono::DateTime::from_timestamp(secs, nanos)
        .ok_or_else(|| anyhow!("'{text}' is out of range"))?
        .naive_utc();
    use chrono::{Datelike, Timelike};
    let mut out = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        utc.year(),
        utc.month(),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    );
    if digits > 0 {
        let fraction = format!("{:09}", utc.nanosecond());
        out.push('.');
        out.push_str(&fraction[..digits]);
    }
    Ok(out)
}

/// Parses a timestamp with an offset (`2020-01-01 12:00:00.5+02`, `...+02:00`, `... +0200`,
/// `...Z`, or without offset, meaning UTC) into UTC seconds since the epoch and nanoseconds.
pub fn parse_timestamp_tz(text: &str) -> anyhow::Result<(i64, u32)> {
    let t = text.trim().replace('T', " ");
    let fail = || anyhow!("'{text}' is not a timestamp with time zone");
    // Split the offset: the last '+' or '-' after the time part, or a trailing Z.
    let (local, offset_secs) = if let Some(stripped) = t.strip_suffix('Z') {
        (stripped.trim().to_string(), 0)
    } else {
        let time_start = t.find(' ').ok_or_else(fail)?;
        match t[time_start..].rfind(['+', '-']) {
            Some(rel) => {
                let at = time_start + rel;
                let sign = if &t[at..at + 1] == "-" { -1 } else { 1 };
                let off = t[at + 1..].replace(':', "");
                let (h, m) = match off.len() {
                    2 => (&off[..2], "0"),
                    4 => (&off[..2], &off[2..]),
                    6 => (&off[..2], &off[2..4]),
                    _ => return Err(fail()),
                };
                let secs = h.parse::<i64>().map_err(|_| fail())? * 3600
                    + m.parse::<i64>().map_err(|_| fail())? * 60;
                (t[..at].trim().to_string(), sign * secs)
            }
            None => (t.clone(), 0),
        }
    };
    let dt = NaiveDateTime::parse_from_str(&local, "%Y-%m-%d %H:%M:%S%.f").map_err(|_| fail())?;
    let (secs, nanos) = parts_of(dt);
    Ok((secs - offset_secs, nanos))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod iso_tests;

/// `buffer_desc` and `to_arrow` together: the fetch buffer chosen for each column type, filled
/// the way a driver fills it, read back as the Arrow array the batches carry. The expected
/// values come from chrono and from literals, not from the helpers under test.
#[cfg(test)]
mod buffer_tests;
