//! Decoding: each column's fetch buffer and its conversion to an Arrow array, chosen together
//! once per column ([`Decoder::new`]), so the buffer bound and the conversion that reads it
//! always agree.
//!
//! The read buffer of each column is chosen from its [`ColumnType`] (not from what the driver
//! guesses), so each conversion knows exactly what it receives. Values the driver hands over as
//! text (decimals, times, timestamps with time zone) are parsed strictly: a value that does not
//! parse fails the batch with the column and the value in the message, never a silent NULL.

use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use arrow_odbc::{
    arrow::{
        array::{
            ArrayRef, Date32Array, Decimal128Array, Int64Array, PrimitiveArray,
            Time64MicrosecondArray, Time64NanosecondArray,
        },
        compute::{CastOptions, cast_with_options},
        datatypes::{Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type},
    },
    odbc_api::{
        buffers::{AnyColumnBufferSlice, BufferDesc},
        sys::{Date, Timestamp},
    },
};

use crate::{
    convert::{
        Fetch, FetchForm, WIDE_TEXT, parse_decimal, parse_iso_datetime, parse_time,
        parse_timestamp_tz,
    },
    plan::ColumnType,
};

mod arrays;

use arrays::{
    binaries, booleans, days_since_epoch, fixed_values, map_texts, narrow_floats, primitive,
    strings, timestamp_parts, timestamps, utf8_bytes,
};

/// Longest text form of a double (`-2.2250738585072014e-308`, with room to spare).
const FLOAT_TEXT_BYTES: usize = 40;

/// How one column is fetched and turned into Arrow: its buffer and its conversion in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    /// Text of at most this many bytes, kept as text (times and timestamps with more than six
    /// fractional digits included).
    Text(usize),
    /// Text fetched as bytes and checked to be UTF-8 (the driver would cut it at a NUL).
    Utf8Bytes(usize),
    /// An integer fetched as text, parsed and narrowed to the column's Arrow type.
    IntegerText(ColumnType),
    /// A float fetched as text; `true` when it is narrowed to 32 bits.
    FloatText(bool),
    /// A decimal fetched as text, parsed exactly.
    Decimal {
        /// Digits.
        precision: u8,
        /// Digits after the point.
        scale: i8,
    },
    /// A date fetched as ISO text.
    DateText,
    /// A timestamp fetched as ISO text.
    TimestampText(u8),
    /// A time of day fetched as text.
    Time(u8),
    /// A timestamp with time zone fetched as text, kept as UTC.
    TimestampTz(u8),
    /// Binary of at most this many bytes.
    Binary(usize),
    /// Values in their own C type: booleans, integers, doubles (narrowed for 32-bit floats),
    /// dates, timestamps.
    Native(ColumnType, bool),
}

impl Decoder {
    /// The decoder of a column of `column_type`, fetched as `fetch` says.
    pub fn new(column_type: &ColumnType, nullable: bool, fetch: Fetch) -> Self {
        let form = fetch.form;
        match *column_type {
            // Timestamps with an offset and nine digits: "-12345-12-31 23:59:59.123456789 +14:00".
            t if t.carried_as_text() => Decoder::Text(48),
            ColumnType::Int8 | ColumnType::Int16 | ColumnType::Int32 | ColumnType::Int64
                if form == FetchForm::Text =>
            {
                Decoder::IntegerText(*column_type)
            }
            ColumnType::Float32 | ColumnType::Float64 if form == FetchForm::Text => {
                Decoder::FloatText(*column_type == ColumnType::Float32)
            }
            ColumnType::DecimalText { .. } | ColumnType::Text { .. }
                if form == FetchForm::Bytes =>
            {
                Decoder::Utf8Bytes(fetch.max_bytes)
            }
            ColumnType::Date if form == FetchForm::Text => Decoder::DateText,
            ColumnType::Timestamp { precision } if form == FetchForm::Text => {
                Decoder::TimestampText(precision)
            }
            ColumnType::Decimal { precision, scale } => Decoder::Decimal { precision, scale },
            ColumnType::Time { precision } => Decoder::Time(precision),
            ColumnType::TimestampTz { precision } => Decoder::TimestampTz(precision),
            ColumnType::DecimalText { .. } | ColumnType::Text { .. } => {
                Decoder::Text(fetch.max_bytes)
            }
            ColumnType::Binary { .. } => Decoder::Binary(fetch.max_bytes),
            t => Decoder::Native(t, nullable),
        }
    }

    /// The fetch buffer this decoder reads.
    pub fn buffer(&self) -> BufferDesc {
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
        match *self {
            Decoder::Text(bytes) => text(bytes),
            Decoder::IntegerText(_) => text(24),
            Decoder::FloatText(_) => text(FLOAT_TEXT_BYTES),
            Decoder::Utf8Bytes(bytes) | Decoder::Binary(bytes) => BufferDesc::Binary {
                max_bytes: bytes.max(1),
            },
            // Room for a year beyond 9999, nine fractional digits and " BC".
            Decoder::DateText | Decoder::TimestampText(_) => text(40),
            // Sign, point, a leading zero, and room for an exponent some drivers use.
            Decoder::Decimal { precision, .. } => text(precision as usize + 8),
            Decoder::Time(_) => text(32),
            Decoder::TimestampTz(_) => text(48),
            Decoder::Native(column_type, nullable) => match column_type {
                ColumnType::Boolean => BufferDesc::Bit { nullable },
                ColumnType::Int8 => BufferDesc::I8 { nullable },
                ColumnType::Int16 => BufferDesc::I16 { nullable },
                ColumnType::Int32 => BufferDesc::I32 { nullable },
                ColumnType::Int64 => BufferDesc::I64 { nullable },
                // Fetched as double and narrowed: MariaDB Connector/ODBC 3.1 fills SQL_C_FLOAT
                // buffers with zeros, and widening a float to a double is exact for every driver.
                ColumnType::Float32 | ColumnType::Float64 => BufferDesc::F64 { nullable },
                ColumnType::Date => BufferDesc::Date { nullable },
                _ => BufferDesc::Timestamp { nullable },
            },
        }
    }

    /// Converts one fetched column (read through [`Decoder::buffer`]) to an Arrow array of the
    /// column type's Arrow type.
    pub fn decode(&self, slice: AnyColumnBufferSlice<'_>) -> anyhow::Result<ArrayRef> {
        Ok(match *self {
            Decoder::Text(_) => strings(slice)?,
            Decoder::Utf8Bytes(_) => utf8_bytes(slice)?,
            Decoder::IntegerText(column_type) => {
                let values = map_texts(slice, |t| {
                    t.trim()
                        .parse::<i64>()
                        .map_err(|_| anyhow!("'{t}' is not an integer"))
                })?;
                // `safe: false`: a value that does not fit is an error, not a NULL.
                let options = CastOptions {
                    safe: false,
                    ..Default::default()
                };
                cast_with_options(
                    &Int64Array::from(values),
                    &column_type.arrow_type(),
                    &options,
                )?
            }
            Decoder::FloatText(narrow) => {
                let values = map_texts(slice, |t| {
                    t.trim()
                        .parse::<f64>()
                        .map_err(|_| anyhow!("'{t}' is not a floating-point number"))
                })?;
                let doubles = PrimitiveArray::<Float64Type>::from(values);
                if narrow {
                    Arc::new(doubles.unary::<_, Float32Type>(|v| v as f32))
                } else {
                    Arc::new(doubles)
                }
            }
            Decoder::Decimal { precision, scale } => {
                let values = map_texts(slice, |t| parse_decimal(t, scale))?;
                Arc::new(Decimal128Array::from(values).with_precision_and_scale(precision, scale)?)
            }
            Decoder::DateText => {
                let values = map_texts(slice, |t| {
                    let (days, _, _) = parse_iso_datetime(t)
                        .filter(|&(_, secs, nanos)| secs == 0 && nanos == 0)
                        .ok_or_else(|| anyhow!("'{t}' is not a date"))?;
                    i32::try_from(days).map_err(|_| anyhow!("date '{t}' is out of range"))
                })?;
                Arc::new(Date32Array::from(values))
            }
            Decoder::TimestampText(precision) => {
                let parts = map_texts(slice, |t| {
                    let (days, secs, nanos) =
                        parse_iso_datetime(t).ok_or_else(|| anyhow!("'{t}' is not a timestamp"))?;
                    Ok((days * 86_400 + i64::from(secs), nanos))
                })?;
                timestamps(parts, precision, None)?
            }
            Decoder::Time(precision) => {
                let values = map_texts(slice, parse_time)?;
                if precision <= 6 {
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
            Decoder::TimestampTz(precision) => {
                let parts = map_texts(slice, parse_timestamp_tz)?;
                timestamps(parts, precision, Some("UTC"))?
            }
            Decoder::Binary(_) => binaries(slice),
            Decoder::Native(column_type, _) => match column_type {
                ColumnType::Boolean => booleans(slice),
                ColumnType::Int8 => primitive::<Int8Type>(slice),
                ColumnType::Int16 => primitive::<Int16Type>(slice),
                ColumnType::Int32 => primitive::<Int32Type>(slice),
                ColumnType::Int64 => primitive::<Int64Type>(slice),
                ColumnType::Float32 => narrow_floats(slice),
                ColumnType::Float64 => primitive::<Float64Type>(slice),
                ColumnType::Date => {
                    let s = fixed_values::<Date>(slice).context("date buffer")?;
                    let values = s
                        .into_iter()
                        .map(|d| d.as_ref().map(days_since_epoch).transpose())
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    Arc::new(Date32Array::from(values))
                }
                ColumnType::Timestamp { precision } => {
                    let s = fixed_values::<Timestamp>(slice).context("timestamp buffer")?;
                    let parts = s
                        .into_iter()
                        .map(|t| t.as_ref().map(timestamp_parts).transpose())
                        .collect::<anyhow::Result<Vec<_>>>()?;
                    timestamps(parts, precision, None)?
                }
                other => bail!("no native decoder for {other:?}"),
            },
        })
    }
}

#[cfg(test)]
mod tests;
