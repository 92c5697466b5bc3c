//! Sizing the read buffers: one query counts the rows and measures the longest value of each
//! column worth measuring; each buffer holds the largest value, bounded by the declared size.

use anyhow::bail;

use super::ReadOptions;
use crate::{
    convert,
    dialect::Dialect,
    odbc::{self, Connection},
    plan::{Column, ColumnType},
};

/// One query for `COUNT(*)` (when asked) and the largest byte length of each column worth
/// measuring.
pub(super) fn count_and_measure(
    conn: &Connection,
    dialect: &dyn Dialect,
    table_ref: &str,
    columns: &[Column],
    quoted: &[String],
    options: &ReadOptions,
) -> anyhow::Result<(Option<u64>, Vec<Option<usize>>)> {
    let mut exprs = Vec::new();
    if options.count_rows {
        exprs.push("COUNT(*)".to_string());
    }
    let mut measured_at = Vec::new();
    for (i, (c, q)) in columns.iter().zip(quoted).enumerate() {
        if worth_measuring(&c.column_type)
            && let Some(expr) = dialect.byte_length_sql(q, &c.column_type)
        {
            measured_at.push(i);
            exprs.push(format!("MAX({expr})"));
        }
    }
    let mut measured = vec![None; columns.len()];
    if exprs.is_empty() {
        return Ok((None, measured));
    }
    let sql = format!("SELECT {} FROM {table_ref}", exprs.join(", "));
    let row = match odbc::query_text(conn, &sql) {
        Ok(rows) => rows.into_iter().next().unwrap_or_default(),
        Err(e) if !options.count_rows => {
            log::warn!(
                "cannot measure the longest values of {table_ref} ({e:#}); unbounded columns get \
                 buffers of MAX_TEXT_SIZE / MAX_BINARY_SIZE"
            );
            return Ok((None, measured));
        }
        Err(e) => return Err(e.context(format!("counting the rows of {table_ref}"))),
    };
    let number = |v: Option<&Option<String>>| -> Option<u64> {
        v.and_then(|v| v.as_deref())
            .and_then(|t| t.trim().split('.').next().and_then(|n| n.parse().ok()))
    };
    let mut values = row.iter();
    let count = if options.count_rows {
        number(values.next())
    } else {
        None
    };
    for i in measured_at {
        measured[i] = Some(number(values.next()).unwrap_or(0) as usize);
    }
    Ok((count, measured))
}

/// The read buffer of one column in bytes (0 where the type has a fixed size).
pub(super) fn buffer_bytes(
    column: &Column,
    measured: Option<usize>,
    o: &ReadOptions,
) -> anyhow::Result<usize> {
    let (cap, key) = match column.column_type {
        ColumnType::Binary { .. } => (o.max_binary_size, "MAX_BINARY_SIZE"),
        _ => (o.max_text_size, "MAX_TEXT_SIZE"),
    };
    let declared = match column.column_type {
        ColumnType::Text {
            length: Some(n), ..
        } => Some(declared_text_bytes(n)),
        ColumnType::Binary {
            length: Some(n), ..
        } => Some(n as usize),
        ColumnType::DecimalText {
            precision: Some(p), ..
        } => Some(crate::plan::decimal_text_bytes(p)),
        t if t.is_unbounded() => None,
        _ => return Ok(0),
    };
    let bytes = match measured {
        Some(m) if m > cap => bail!(
            "column {} holds a value of {m} bytes, more than {key} ({cap}); raise {key} to at \
             least {m}",
            column.source_name
        ),
        // Room for rows that grow while the table is read; never beyond the declared size.
        Some(m) => (m + m / 4 + 16).min(declared.unwrap_or(cap)),
        // Not measured: the declared size, or the cap. A longer value fails loudly as a
        // truncation when it is fetched.
        None => declared.unwrap_or(cap),
    };
    Ok(bytes.clamp(1, cap))
}

/// The most bytes `n` characters take: four in UTF-8 (two UTF-16 units on Windows).
fn declared_text_bytes(n: u32) -> usize {
    let per_char = if convert::WIDE_TEXT { 2 } else { 4 };
    (n as usize).saturating_mul(per_char)
}

/// Is it worth measuring this column's longest value? Unbounded columns must be measured;
/// bounded text is, when its declared size is large enough that sizing the buffer from the
/// data saves memory (a varchar(200) holding names of 20 characters).
fn worth_measuring(column_type: &ColumnType) -> bool {
    match column_type {
        ColumnType::Text {
            length: Some(n), ..
        } => declared_text_bytes(*n) > 64,
        t => t.is_unbounded(),
    }
}
