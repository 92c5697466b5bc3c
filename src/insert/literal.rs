//! PostgreSQL array literals (`{e1,e2,...}`): a whole column written as one text parameter for
//! `unnest`, exactly as PostgreSQL prints each type.

use anyhow::bail;
use arrow_odbc::arrow::{
    array::{Array, ArrayRef, AsArray},
    datatypes::{self as t, DataType, TimeUnit},
};

/// Writes `{e1,e2,...}` for a column: one pass over the array, the element type dispatched once.
pub fn array_literal(column: &ArrayRef) -> anyhow::Result<String> {
    let mut out = String::with_capacity(2 + column.len() * 8 + column.get_buffer_memory_size());
    out.push('{');
    let mut ints = itoa::Buffer::new();
    // Calls `$write(out, value)` for each element, with commas and NULLs in between.
    macro_rules! each {
        ($values:expr, |$o:ident, $v:ident| $write:expr) => {{
            let values = $values;
            for i in 0..values.len() {
                if i > 0 {
                    out.push(',');
                }
                if values.is_null(i) {
                    out.push_str("NULL");
                } else {
                    let $o = &mut out;
                    let $v = values.value(i);
                    $write;
                }
            }
        }};
    }
    match column.data_type() {
        // 1 and 0: read as booleans by a boolean column and as numbers by a numeric one.
        DataType::Boolean => each!(column.as_boolean(), |o, v| o.push(if v {
            '1'
        } else {
            '0'
        })),
        DataType::Int8 => {
            each!(column.as_primitive::<t::Int8Type>(), |o, v| o
                .push_str(ints.format(v)))
        }
        DataType::Int16 => {
            each!(column.as_primitive::<t::Int16Type>(), |o, v| o
                .push_str(ints.format(v)))
        }
        DataType::Int32 => {
            each!(column.as_primitive::<t::Int32Type>(), |o, v| o
                .push_str(ints.format(v)))
        }
        DataType::Int64 => {
            each!(column.as_primitive::<t::Int64Type>(), |o, v| o
                .push_str(ints.format(v)))
        }
        DataType::Float32 => each!(column.as_primitive::<t::Float32Type>(), |o, v| {
            float(o, f64::from(v), || format!("{v:?}"))
        }),
        DataType::Float64 => each!(column.as_primitive::<t::Float64Type>(), |o, v| {
            float(o, v, || format!("{v:?}"))
        }),
        DataType::Decimal128(_, scale) => {
            let scale = *scale;
            each!(column.as_primitive::<t::Decimal128Type>(), |o, v| decimal(
                o, v, scale
            ))
        }
        DataType::Utf8 => each!(column.as_string::<i32>(), |o, v| quoted(o, v)),
        DataType::LargeUtf8 => each!(column.as_string::<i64>(), |o, v| quoted(o, v)),
        DataType::Binary => each!(column.as_binary::<i32>(), |o, v| bytea(o, v)),
        DataType::LargeBinary => each!(column.as_binary::<i64>(), |o, v| bytea(o, v)),
        DataType::Date32 => each!(column.as_primitive::<t::Date32Type>(), |o, v| {
            o.push('"');
            let bc = push_date(o, i64::from(v));
            if bc {
                o.push_str(" BC");
            }
            o.push('"');
        }),
        DataType::Time64(TimeUnit::Microsecond) => {
            each!(column.as_primitive::<t::Time64MicrosecondType>(), |o, v| {
                push_time(
                    o,
                    v.div_euclid(1_000_000),
                    (v.rem_euclid(1_000_000) * 1000) as u32,
                )
            })
        }
        DataType::Time64(TimeUnit::Nanosecond) => {
            each!(column.as_primitive::<t::Time64NanosecondType>(), |o, v| {
                push_time(
                    o,
                    v.div_euclid(1_000_000_000),
                    v.rem_euclid(1_000_000_000) as u32,
                )
            })
        }
        DataType::Timestamp(unit, tz) => {
            let zone = if tz.is_some() { "+00" } else { "" };
            macro_rules! stamps {
                ($t:ty, $per_sec:expr) => {
                    each!(column.as_primitive::<$t>(), |o, v| {
                        let secs = v.div_euclid($per_sec);
                        let nanos = (v.rem_euclid($per_sec) * (1_000_000_000 / $per_sec)) as u32;
                        push_timestamp(o, secs, nanos, zone)
                    })
                };
            }
            match unit {
                TimeUnit::Second => stamps!(t::TimestampSecondType, 1),
                TimeUnit::Millisecond => stamps!(t::TimestampMillisecondType, 1_000),
                TimeUnit::Microsecond => stamps!(t::TimestampMicrosecondType, 1_000_000),
                TimeUnit::Nanosecond => stamps!(t::TimestampNanosecondType, 1_000_000_000),
            }
        }
        other => bail!("the PostgreSQL insert does not support the Arrow type {other}"),
    }
    out.push('}');
    Ok(out)
}

pub(super) fn float(out: &mut String, v: f64, finite: impl Fn() -> String) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v == f64::INFINITY {
        out.push_str("Infinity");
    } else if v == f64::NEG_INFINITY {
        out.push_str("-Infinity");
    } else {
        out.push_str(&finite());
    }
}

/// An unscaled decimal as plain text, e.g. (-12345, 2) -> "-123.45".
pub(super) fn decimal(out: &mut String, value: i128, scale: i8) {
    let mut buffer = itoa::Buffer::new();
    if scale <= 0 {
        out.push_str(buffer.format(value));
        for _ in 0..(-scale) {
            out.push('0');
        }
        return;
    }
    let scale = scale as usize;
    let digits = buffer.format(value.unsigned_abs());
    if value < 0 {
        out.push('-');
    }
    if digits.len() <= scale {
        out.push_str("0.");
        for _ in 0..(scale - digits.len()) {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
}

/// A quoted array element: `"` and `\` escaped with a backslash.
pub(super) fn quoted(out: &mut String, text: &str) {
    out.push('"');
    let mut rest = text;
    while let Some(at) = rest.find(['"', '\\']) {
        out.push_str(&rest[..at]);
        out.push('\\');
        out.push_str(&rest[at..at + 1]);
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

/// bytea in hex (`\x00ff`), quoted, with the backslash escaped for the array literal.
pub(super) fn bytea(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2 + 5);
    out.push_str("\"\\\\x");
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out.push('"');
}

/// Pushes `n` with at least `width` digits.
pub(super) fn push_padded(out: &mut String, n: u32, width: usize) {
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(n);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(digits);
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01, proleptic Gregorian); returns `true`
/// for years before 1, written as PostgreSQL's BC years (year 0 is 1 BC), for which the caller
/// appends " BC".
pub(super) fn push_date(out: &mut String, days: i64) -> bool {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    let bc = year <= 0;
    let shown = if bc { 1 - year } else { year };
    push_padded(out, shown as u32, 4);
    out.push('-');
    push_padded(out, month, 2);
    out.push('-');
    push_padded(out, day, 2);
    bc
}

/// `HH:MM:SS.fffffffff`-style time of day (fraction trimmed to microseconds when exact).
pub(super) fn push_time(out: &mut String, secs_of_day: i64, nanos: u32) {
    let s = secs_of_day.rem_euclid(86_400) as u32;
    push_padded(out, s / 3600, 2);
    out.push(':');
    push_padded(out, s / 60 % 60, 2);
    out.push(':');
    push_padded(out, s % 60, 2);
    if nanos != 0 {
        out.push('.');
        if nanos.is_multiple_of(1000) {
            push_padded(out, nanos / 1000, 6);
        } else {
            push_padded(out, nanos, 9);
        }
    }
}

/// A quoted timestamp `"YYYY-MM-DD HH:MM:SS.ffffff<zone>[ BC]"`.
pub(super) fn push_timestamp(out: &mut String, secs: i64, nanos: u32, zone: &str) {
    out.push('"');
    let bc = push_date(out, secs.div_euclid(86_400));
    out.push(' ');
    push_time(out, secs.rem_euclid(86_400), nanos);
    out.push_str(zone);
    if bc {
        out.push_str(" BC");
    }
    out.push('"');
}
