//! Reading a table in ranges of a key, one SELECT per range, all in the table's one snapshot:
//! for source drivers that hold a whole result set in memory however they are asked (MariaDB
//! Connector/ODBC before 3.1.17 ignores `NO_CACHE`), which then hold one range instead of the
//! table (`SRC_KEY_RANGES`).
//!
//! A range ends at the key's value `rows` rows further on, found by walking the key's index on
//! the server (`SELECT k ... WHERE k > last ORDER BY k LIMIT 1 OFFSET rows - 1`, one row sent),
//! and the next range starts after that value. Consecutive ranges share their
//! bound's literal (`k <= b`, then `k > b`), so every row is read by exactly one range whatever
//! the literal's precision; NULLs (of the key, or of the expression compared) are read by the
//! first.

use anyhow::Context;

use super::{Partitioning, ReadOptions, SourceTable, columns::catalog_name};
use crate::{
    bound::{Bound, Kind},
    dialect::{Dialect, range_end_sql},
    odbc::{self, Connection},
    plan::Column,
    select::Relation,
};

/// The key a table is read in ranges of, and how many rows a range holds.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRanges {
    /// The key column as the ranges compare it (quoted).
    pub quoted: String,
    /// The key column.
    pub column: Column,
    /// The kind of its values.
    pub kind: Kind,
    /// Rows per range (the last may hold fewer, a range of a non-unique column more).
    pub rows: u64,
    /// What the key is, for the log and `check` ("primary key id").
    pub what: String,
}

/// The share of `BATCH_MEMORY_MB` one range may take in a driver that holds it whole.
const RANGE_SHARE: usize = 4;

/// Rows per key range: as many as a quarter of `BATCH_MEMORY_MB` holds at `driver_row` bytes per
/// row (the read buffers' row, sized from the longest values: what the driver keeps of a row is
/// about as long), at least a batch, at most `SRC_CHUNK_SIZE`, in whole batches.
pub(super) fn range_rows(driver_row: usize, rows_per_batch: usize, options: &ReadOptions) -> u64 {
    let fits = options.batch_memory / RANGE_SHARE / driver_row.max(1);
    let rows = fits.clamp(
        rows_per_batch.min(options.chunk_size),
        options.chunk_size.max(1),
    );
    // Whole batches, so that no range ends in a batch of a few rows.
    let batch = rows_per_batch.max(1);
    (if rows >= batch {
        rows / batch * batch
    } else {
        rows
    }) as u64
}

/// What reading a table in one SELECT costs where the driver holds the whole result: said in the
/// log and by `check` when the table has no key to read it in ranges of.
pub(super) fn unranged(
    driver_row: usize,
    rows: Option<u64>,
    options: &ReadOptions,
) -> Option<String> {
    if !options.driver_caches {
        return None;
    }
    let size = rows.map_or("all its rows".to_string(), |n| {
        let mb = (n as f64 * driver_row as f64 / 1e6).ceil();
        format!("up to about {mb} MB for its {n} rows")
    });
    Some(format!(
        "read in one SELECT, which the source's ODBC driver holds in memory whole ({size}): the \
         table has no primary key, unique key of one column or [partitions] column (with \
         PARTITIONS of 2 or more) to read it in ranges of (SRC_KEY_RANGES); add one, or use a \
         driver that streams (MariaDB Connector/ODBC 3.1.17 or later)"
    ))
}

/// The key to read `relation` in ranges of: its `[partitions]` column when it has one (so that a
/// partition's ranges stay within it); else a unique key of one copied, orderable column (a
/// primary key first); ranges of `rows` rows. `None`: there is none.
pub(super) fn choose(
    conn: &Connection,
    d: &dyn Dialect,
    relation: &Relation,
    options: &ReadOptions,
    columns: &[Column],
    partitions: Option<&Partitioning>,
    rows: u64,
) -> anyhow::Result<Option<KeyRanges>> {
    if let Some(p) = partitions {
        return Ok(Some(KeyRanges {
            quoted: p.quoted.clone(),
            column: p.column.clone(),
            kind: p.kind,
            rows,
            what: format!("[partitions] column {}", p.column.source_name),
        }));
    }
    let Relation::Table(table) = relation else {
        return Ok(None);
    };
    let (schema, name) = catalog_name(d, table, options);
    let keys = odbc::catalog::unique_keys(conn, d, schema.as_deref(), &name)
        .context("reading the source table's unique keys from the catalog")?;
    let primary = |key: &str| {
        let key = key.to_ascii_lowercase();
        key.starts_with("primary") || key.contains("pkey") || key.starts_with("pk")
    };
    let rules = &options.columns;
    let mut candidates: Vec<(bool, bool, String, &Column, Kind)> = Vec::new();
    for (key, key_columns) in keys {
        let Some([name]) = key_columns.as_deref() else {
            continue;
        };
        let Some(column) = columns
            .iter()
            .find(|c| c.source_name.to_lowercase() == *name)
        else {
            continue;
        };
        let Some(kind) = Kind::of(&column.column_type) else {
            continue;
        };
        // A pseudonymised column's real values would show in the ranges' SQL.
        if rules.pseudonymized(relation, &column.source_name) {
            continue;
        }
        // A primary key first, then a key the driver calls NOT NULL (the NULLs of a nullable
        // one are all read by the first range).
        candidates.push((!primary(&key), column.nullable, key, column, kind));
    }
    candidates.sort_by_key(|(not_primary, nullable, ..)| (*not_primary, *nullable));
    Ok(candidates
        .into_iter()
        .next()
        .map(|(not_primary, _, key, column, kind)| {
            let what = if not_primary {
                format!("unique key {key} ({})", column.source_name)
            } else {
                format!("primary key {}", column.source_name)
            };
            KeyRanges {
                quoted: d.bound_column_sql(&d.quote(&column.source_name), column),
                column: column.clone(),
                kind,
                rows,
                what,
            }
        }))
}

/// Reads `plan` range by range: `read` gets each range's read and says whether to go on.
pub(super) fn each(
    conn: &Connection,
    d: &dyn Dialect,
    plan: &SourceTable,
    ranges: &KeyRanges,
    mut read: impl FnMut(&SourceTable) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let q = &ranges.quoted;
    let mut after: Option<(Bound, String)> = None;
    let mut count = 0usize;
    loop {
        let mut end = range_end(
            conn,
            d,
            plan,
            ranges,
            after.as_ref().map(|(_, l)| l.as_str()),
        )?;
        if let (Some((end_bound, end_literal)), Some((after_bound, after_literal))) = (&end, &after)
        {
            // A bound's text coarser than the values cannot move on (or, compared here, goes
            // back): the rest in one.
            let back = ranges.kind.splits() && end_bound <= after_bound;
            if back || end_literal == after_literal {
                end = None;
            }
        }
        let condition = match (after.as_ref().map(|(_, l)| l), end.as_ref().map(|(_, l)| l)) {
            (None, None) => None,
            // The NULLs go to the first range: of a nullable column, and of a compared
            // expression that is NULL for some values (SQLite's times it cannot read).
            (None, Some(e)) => Some(format!("({q} IS NULL OR {q} <= {e})")),
            (Some(a), None) => Some(format!("{q} > {a}")),
            (Some(a), Some(e)) => Some(format!("{q} > {a} AND {q} <= {e}")),
        };
        count += 1;
        let range = match &condition {
            Some(c) => plan.within(d, c, None),
            None => plan.clone(),
        };
        if !read(&range)? {
            return Ok(());
        }
        match end {
            Some(e) => after = Some(e),
            None => {
                log::debug!(
                    "{}: read in {count} range(s) of {}",
                    plan.table_ref,
                    ranges.what
                );
                return Ok(());
            }
        }
    }
}

/// The key's value `rows` rows after `after` (from the first row when `None`), NULLs left out,
/// and its literal; `None` when fewer rows are left (or the value cannot be read), so that the
/// range reads the rest.
fn range_end(
    conn: &Connection,
    d: &dyn Dialect,
    plan: &SourceTable,
    ranges: &KeyRanges,
    after: Option<&str>,
) -> anyhow::Result<Option<(Bound, String)>> {
    let sql = range_end_sql(
        d,
        &plan.table_ref,
        plan.filter.as_deref(),
        &ranges.quoted,
        &ranges.column,
        ranges.rows,
        after,
    );
    let end = odbc::query_value(conn, &sql)
        .with_context(|| format!("finding where the next range of {} ends", ranges.what))?;
    let Some(end) = end else {
        return Ok(None);
    };
    match ranges.kind.parse(&end) {
        Ok(bound) => {
            let literal = d.bound_literal(&bound, &ranges.column);
            Ok(Some((bound, literal)))
        }
        Err(e) => {
            // Such as MariaDB's 0000-00-00 or PostgreSQL's infinity.
            log::warn!(
                "{}: the rest read in one SELECT: where the next range of {} ends cannot be \
                 read ({e:#})",
                plan.table_ref,
                ranges.what
            );
            Ok(None)
        }
    }
}
