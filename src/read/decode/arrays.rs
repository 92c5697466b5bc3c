//! Filled fetch buffers turned into Arrow arrays, one small function per kind of buffer.

use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use arrow_odbc::{
    arrow::{
        array::{ArrayRef, BinaryBuilder, BooleanArray, PrimitiveArray, StringBuilder},
        datatypes::{
            ArrowPrimitiveType, DataType, Float32Type, Float64Type, TimeUnit,
            TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
            TimestampSecondType,
        },
    },
    odbc_api::{
        Bit,
        buffers::AnyColumnBufferSlice,
        sys::{Date, Timestamp},
    },
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::{
    convert::{WIDE_TEXT, parts_of},
    plan::ColumnType,
};

/// Text fetched as bytes: every value must be UTF-8.
pub(super) fn utf8_bytes(slice: AnyColumnBufferSlice<'_>) -> anyhow::Result<ArrayRef> {
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
    Ok(Arc::new(builder.finish()))
}

pub(super) fn narrow_floats(slice: AnyColumnBufferSlice<'_>) -> ArrayRef {
    let array = primitive::<Float64Type>(slice);
    let doubles = array
        .as_any()
        .downcast_ref::<PrimitiveArray<Float64Type>>()
        .expect("a Float64 array");
    Arc::new(doubles.unary::<_, Float32Type>(|v| v as f32))
}

pub(super) fn booleans(slice: AnyColumnBufferSlice<'_>) -> ArrayRef {
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

pub(super) fn primitive<T>(slice: AnyColumnBufferSlice<'_>) -> ArrayRef
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

/// The values of a fixed-size buffer (dates, timestamps), with or without indicators: a NOT NULL
/// column gets a buffer without them.
pub(super) fn fixed_values<T>(slice: AnyColumnBufferSlice<'_>) -> Option<Vec<Option<T>>>
where
    T: arrow_odbc::odbc_api::buffers::Item + Copy,
{
    if let Some(values) = slice.as_nullable_slice::<T>() {
        return Some(values.map(|v| v.copied()).collect());
    }
    slice
        .as_slice::<T>()
        .map(|values| values.iter().map(|v| Some(*v)).collect())
}

/// Text values as owned strings (`None` for NULL); invalid UTF-8 is an error.
pub(super) fn texts(slice: AnyColumnBufferSlice<'_>) -> anyhow::Result<Vec<Option<String>>> {
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

pub(super) fn strings(slice: AnyColumnBufferSlice<'_>) -> anyhow::Result<ArrayRef> {
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

pub(super) fn binaries(slice: AnyColumnBufferSlice<'_>) -> ArrayRef {
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

pub(super) fn timestamps(
    values: Vec<Option<(i64, u32)>>,
    precision: u8,
    tz: Option<&str>,
) -> anyhow::Result<ArrayRef> {
    let unit = match (ColumnType::Timestamp { precision }).arrow_type() {
        DataType::Timestamp(unit, _) => unit,
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

pub(super) fn days_since_epoch(d: &Date) -> anyhow::Result<i32> {
    let date = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        .ok_or_else(|| anyhow!("invalid date {}-{}-{}", d.year, d.month, d.day))?;
    Ok(date.to_epoch_days())
}

/// Seconds since the epoch and nanoseconds of an ODBC timestamp.
pub(super) fn timestamp_parts(t: &Timestamp) -> anyhow::Result<(i64, u32)> {
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

/// Applies `parse` to every non-NULL text value of a column, without copying the narrow ones.
pub(super) fn map_texts<T>(
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
                    let t = std::str::from_utf8(b).map_err(|_| {
                        anyhow!(
                            "a text value is not valid UTF-8 ({}); set the driver's client \
                             character set to UTF-8",
                            String::from_utf8_lossy(b)
                        )
                    })?;
                    parse(t)
                })
                .transpose()
        })
        .collect()
}
