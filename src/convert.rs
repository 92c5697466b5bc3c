//! Values as text, both ways: the strict parsers of what drivers hand over as text (decimals,
//! ISO dates and timestamps, times, timestamps with an offset), and the forms in which a column
//! is fetched. The decoders of the read side ([`crate::read::decode`]) and the dialects use them.

use anyhow::{anyhow, bail};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

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

/// Seconds since the epoch and nanoseconds of a date and time.
pub fn parts_of(dt: NaiveDateTime) -> (i64, u32) {
    let utc = dt.and_utc();
    (utc.timestamp(), utc.timestamp_subsec_nanos())
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod iso_tests;
