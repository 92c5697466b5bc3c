//! Reading a table in ranges of a key, one SELECT per range, all in the table's one snapshot:
//! for source drivers that hold a whole result set in memory however they are asked (MariaDB
//! Connector/ODBC before 3.1.17 ignores `NO_CACHE`), which then hold one range instead of the
//! table (`SRC_KEY_RANGES`).
//!
//! A range ends at the key's value `rows` rows further on, found by walking the key's index on
//! the server (`SELECT COUNT(*), MAX(k) FROM (SELECT k ... WHERE k > last ORDER BY k LIMIT rows)`,
//! no rows sent), and the next range starts after that value. Consecutive ranges share their
//! bound's literal (`k <= b`, then `k > b`), so every row is read by exactly one range whatever
//! the literal's precision; the NULLs of a nullable `[partitions]` column are read by the first.

use anyhow::Context;

use super::{Partitioning, ReadOptions, SourceTable, columns::catalog_name};
use crate::{
    bound::Kind,
    dialect::{Dialect, from_clause},
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

/// The key to read `relation` in ranges of: its `[partitions]` column when it has one (so that a
/// partition's ranges stay within it); else a unique key of one copied, orderable column (a
/// primary key first). `None`: there is none.
pub(super) fn choose(
    conn: &Connection,
    d: &dyn Dialect,
    relation: &Relation,
    options: &ReadOptions,
    columns: &[Column],
    partitions: Option<&Partitioning>,
) -> anyhow::Result<Option<(String, Column, Kind, String)>> {
    if let Some(p) = partitions {
        let what = format!("[partitions] column {}", p.column.source_name);
        return Ok(Some((p.quoted.clone(), p.column.clone(), p.kind, what)));
    }
    let Relation::Table(table) = relation else {
        return Ok(None);
    };
    let (schema, name) = catalog_name(d, table, options);
    let rows = odbc::query_text(conn, &d.unique_keys_sql(schema.as_deref(), &name))
        .context("reading the source table's unique keys from the catalog")?;
    // Key name -> its columns (None: a key on an expression or a prefix).
    let mut keys: Vec<(String, Option<Vec<String>>)> = Vec::new();
    for row in rows {
        let mut row = row.into_iter();
        let Some(Some(key)) = row.next() else {
            continue;
        };
        let column = row.next().flatten();
        match keys.iter_mut().find(|(k, _)| *k == key) {
            Some((_, columns)) => match (columns.as_mut(), column) {
                (Some(cs), Some(c)) => cs.push(c),
                _ => *columns = None,
            },
            None => keys.push((key, column.map(|c| vec![c]))),
        }
    }
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
            .find(|c| c.source_name.eq_ignore_ascii_case(name))
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
            let quoted = d.bound_column_sql(&d.quote(&column.source_name), column);
            let what = if not_primary {
                format!("unique key {key} ({})", column.source_name)
            } else {
                format!("primary key {}", column.source_name)
            };
            (quoted, column.clone(), kind, what)
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
    let mut after: Option<String> = None;
    let mut count = 0usize;
    loop {
        let mut end = range_end(conn, d, plan, ranges, after.as_deref())?;
        if end.is_some() && end == after {
            // The bound's text is coarser than the values (it cannot move on): the rest in one.
            end = None;
        }
        let condition = match (&after, &end) {
            (None, None) => None,
            (None, Some(e)) if ranges.column.nullable => {
                Some(format!("({q} IS NULL OR {q} <= {e})"))
            }
            (None, Some(e)) => Some(format!("{q} <= {e}")),
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

/// The literal of the key's value `rows` rows after `after` (from the first row when `None`),
/// NULLs left out; `None` when fewer rows are left, so that the range reads the rest.
fn range_end(
    conn: &Connection,
    d: &dyn Dialect,
    plan: &SourceTable,
    ranges: &KeyRanges,
    after: Option<&str>,
) -> anyhow::Result<Option<String>> {
    let sql = end_sql(
        d,
        &plan.table_ref,
        plan.filter.as_deref(),
        &ranges.quoted,
        &ranges.column,
        ranges.rows,
        after,
    );
    let row = odbc::query_text(conn, &sql)
        .with_context(|| format!("finding where the next range of {} ends", ranges.what))?
        .into_iter()
        .next()
        .unwrap_or_default();
    let counted = row
        .first()
        .cloned()
        .flatten()
        .and_then(|n| n.trim().parse::<u64>().ok())
        .unwrap_or(0);
    let Some(Some(max)) = row.get(1) else {
        return Ok(None);
    };
    if counted < ranges.rows {
        return Ok(None);
    }
    let bound = ranges
        .kind
        .parse(max)
        .with_context(|| format!("reading where a range of {} ends", ranges.what))?;
    Ok(Some(d.bound_literal(&bound, &ranges.column)))
}

/// The statement that finds where a range ends: how many of the next `rows` rows of the key
/// `quoted` after `after` there are (NULLs left out), and the last one's value as text.
pub(crate) fn end_sql(
    d: &dyn Dialect,
    table_ref: &str,
    filter: Option<&str>,
    quoted: &str,
    column: &Column,
    rows: u64,
    after: Option<&str>,
) -> String {
    let mut conditions: Vec<String> = filter.iter().map(|f| format!("({f})")).collect();
    conditions.push(format!("{quoted} IS NOT NULL"));
    if let Some(a) = after {
        conditions.push(format!("{quoted} > {a}"));
    }
    let from = from_clause(table_ref, Some(&conditions.join(" AND ")));
    let keys = d.select_sql(
        &format!("{from} ORDER BY {quoted}"),
        &[format!("{quoted} AS s2s_key")],
        Some(rows),
    );
    format!(
        "SELECT COUNT(*), {} FROM {}",
        d.bound_text_sql("MAX(s2s_key)", column),
        d.query_ref(&keys)
    )
}
