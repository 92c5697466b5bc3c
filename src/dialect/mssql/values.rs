//! How batches go into SQL Server: `INSERT ... VALUES (...), (...)` with the values written as
//! T-SQL literals, up to [`ROWS_PER_STATEMENT`] rows per statement.
//!
//! Why not parameter arrays: FreeTDS binds narrow text as `varchar` in the server's code page
//! (non-Latin characters became `?`), executes a parameter array row by row (about 2,400
//! rows/s into Babelfish), and reports a failed row only as a warning, after which the COMMIT
//! fails on a transaction the server has already ended. A statement of literals travels as
//! UTF-16 whatever the driver (TDS sends SQL text as UCS-2), fails as a whole with the server's
//! own message, and was measured at 10,700 rows/s into Babelfish (see README, "SQL Server").
//!
//! The literals do not depend on session settings: ISO 8601 with a `T` for timestamps (read
//! the same by `datetime`, `datetime2` and `datetimeoffset` under every `DATEFORMAT` and
//! language), `YYYYMMDD` for dates, floats in E notation (SQL Server's float literal, not a
//! decimal one), binary as `0x...`, text as `N'...'` when it is not ASCII.

use std::fmt::Write as _;

use anyhow::{Context, bail};
use arrow_odbc::{
    arrow::{
        array::{Array, AsArray},
        datatypes::{self as t, DataType, TimeUnit},
        record_batch::RecordBatch,
    },
    odbc_api,
};
use chrono::{DateTime, NaiveDate, NaiveTime};

use crate::insert::{InsertStrategy, values_insert_sql};

/// SQL Server takes at most 1,000 rows in one `VALUES` list.
pub const ROWS_PER_STATEMENT: usize = 1000;

/// A statement is sent once its text passes this many bytes (large text and binary values).
const STATEMENT_BYTES: usize = 4 << 20;

/// Multi-row `INSERT ... VALUES` of T-SQL literals (see the module documentation).
#[derive(Debug, Clone, Copy)]
pub struct LiteralValues {
    /// Most rows in one statement.
    pub rows_per_statement: usize,
}

impl LiteralValues {
    /// [`ROWS_PER_STATEMENT`] rows per statement.
    pub const DEFAULT: LiteralValues = LiteralValues {
        rows_per_statement: ROWS_PER_STATEMENT,
    };
}

impl InsertStrategy for LiteralValues {
    fn insert(
        &self,
        conn: &odbc_api::Connection<'static>,
        table_ref: &str,
        columns: &[String],
        params: &[String],
        batch: &RecordBatch,
    ) -> anyhow::Result<()> {
        let head = format!("INSERT INTO {table_ref} ({}) VALUES ", columns.join(", "));
        // Each value's SQL around its literal: the parameter's SQL split at its marker.
        let around: Vec<(&str, &str)> = params
            .iter()
            .map(|p| p.split_once('?').unwrap_or((p.as_str(), "")))
            .collect();
        let mut sql = String::with_capacity(head.len() + 64 * 1024);
        let mut rows = 0;
        let mut first_row = 0;
        for row in 0..batch.num_rows() {
            sql.push_str(if rows == 0 { &head } else { ", " });
            sql.push('(');
            for (i, (column, (before, after))) in batch.columns().iter().zip(&around).enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(before);
                write_literal(&mut sql, column.as_ref(), row)
                    .with_context(|| format!("column {}", columns[i]))?;
                sql.push_str(after);
            }
            sql.push(')');
            rows += 1;
            if rows == self.rows_per_statement.max(1) || sql.len() >= STATEMENT_BYTES {
                execute(conn, &sql, table_ref, first_row, rows)?;
                sql.clear();
                first_row = row + 1;
                rows = 0;
            }
        }
        if rows > 0 {
            execute(conn, &sql, table_ref, first_row, rows)?;
        }
        Ok(())
    }

    fn statement(&self, table_ref: &str, columns: &[String], params: &[String]) -> String {
        values_insert_sql(table_ref, columns, params)
    }
}

fn execute(
    conn: &odbc_api::Connection<'static>,
    sql: &str,
    table_ref: &str,
    first_row: usize,
    rows: usize,
) -> anyhow::Result<()> {
    conn.execute(sql, (), None).with_context(|| {
        format!(
            "inserting rows {}-{} of the batch into {table_ref}",
            first_row + 1,
            first_row + rows
        )
    })?;
    Ok(())
}

/// Appends the T-SQL literal of `column`'s value in `row`.
pub fn write_literal(out: &mut String, column: &dyn Array, row: usize) -> anyhow::Result<()> {
    if column.is_null(row) {
        out.push_str("NULL");
        return Ok(());
    }
    match column.data_type() {
        DataType::Boolean => out.push(if column.as_boolean().value(row) {
            '1'
        } else {
            '0'
        }),
        DataType::Int8 => integer(out, column.as_primitive::<t::Int8Type>().value(row)),
        DataType::Int16 => integer(out, column.as_primitive::<t::Int16Type>().value(row)),
        DataType::Int32 => integer(out, column.as_primitive::<t::Int32Type>().value(row)),
        DataType::Int64 => integer(out, column.as_primitive::<t::Int64Type>().value(row)),
        // A real's exact value as a double, so that the server's conversion to real is exact.
        DataType::Float32 => float(
            out,
            f64::from(column.as_primitive::<t::Float32Type>().value(row)),
        )?,
        DataType::Float64 => float(out, column.as_primitive::<t::Float64Type>().value(row))?,
        DataType::Decimal128(..) => out.push_str(
            &column
                .as_primitive::<t::Decimal128Type>()
                .value_as_string(row),
        ),
        DataType::Utf8 => text(out, column.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => text(out, column.as_string::<i64>().value(row)),
        DataType::Binary => binary(out, column.as_binary::<i32>().value(row)),
        DataType::LargeBinary => binary(out, column.as_binary::<i64>().value(row)),
        DataType::Date32 => {
            let days = column.as_primitive::<t::Date32Type>().value(row);
            let date = NaiveDate::from_epoch_days(days)
                .with_context(|| format!("the date {days} days from 1970-01-01 is out of range"))?;
            let _ = write!(out, "'{}'", date.format("%Y%m%d"));
        }
        DataType::Time64(TimeUnit::Microsecond) => {
            let micros = column.as_primitive::<t::Time64MicrosecondType>().value(row);
            let time = u32::try_from(micros / 1_000_000)
                .ok()
                .and_then(|s| {
                    let nanos = (micros % 1_000_000) as u32 * 1000;
                    NaiveTime::from_num_seconds_from_midnight_opt(s, nanos)
                })
                .with_context(|| format!("the time of day {micros} µs is out of range"))?;
            let _ = write!(out, "'{}'", time.format("%H:%M:%S%.6f"));
        }
        DataType::Timestamp(unit, zone) => {
            let (value, digits, nanos_per) = match unit {
                TimeUnit::Second => (
                    column.as_primitive::<t::TimestampSecondType>().value(row),
                    0,
                    1_000_000_000,
                ),
                TimeUnit::Millisecond => (
                    column
                        .as_primitive::<t::TimestampMillisecondType>()
                        .value(row),
                    3,
                    1_000_000,
                ),
                TimeUnit::Microsecond => (
                    column
                        .as_primitive::<t::TimestampMicrosecondType>()
                        .value(row),
                    6,
                    1_000,
                ),
                TimeUnit::Nanosecond => (
                    column
                        .as_primitive::<t::TimestampNanosecondType>()
                        .value(row),
                    9,
                    1,
                ),
            };
            let per_second = 1_000_000_000 / nanos_per;
            let nanos = (value.rem_euclid(per_second) * nanos_per) as u32;
            let moment = DateTime::from_timestamp(value.div_euclid(per_second), nanos)
                .with_context(|| format!("the timestamp {value} ({unit:?}) is out of range"))?
                .naive_utc();
            let _ = write!(out, "'{}", moment.format("%Y-%m-%dT%H:%M:%S"));
            if digits > 0 {
                let fraction = moment.and_utc().timestamp_subsec_nanos() / 10_u32.pow(9 - digits);
                let _ = write!(out, ".{fraction:0width$}", width = digits as usize);
            }
            out.push_str(if zone.is_some() { "+00:00'" } else { "'" });
        }
        other => bail!("SQL Server inserts do not support the Arrow type {other}"),
    }
    Ok(())
}

fn integer(out: &mut String, value: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// E notation: a float literal (a plain `0.1` would be a decimal literal, converted).
fn float(out: &mut String, value: f64) -> anyhow::Result<()> {
    if !value.is_finite() {
        bail!("SQL Server cannot store the float {value} (only finite numbers)");
    }
    let _ = write!(out, "{value:e}");
    Ok(())
}

/// `'...'` for ASCII, `N'...'` (Unicode) otherwise; quotes doubled.
fn text(out: &mut String, value: &str) {
    if !value.is_ascii() {
        out.push('N');
    }
    out.push('\'');
    for (i, part) in value.split('\'').enumerate() {
        if i > 0 {
            out.push_str("''");
        }
        out.push_str(part);
    }
    out.push('\'');
}

fn binary(out: &mut String, value: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(2 + value.len() * 2);
    out.push_str("0x");
    for byte in value {
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 15)] as char);
    }
}

#[cfg(test)]
mod tests;
