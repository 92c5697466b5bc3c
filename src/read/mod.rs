//! Reading a source table: describe it, size the buffers, stream it as Arrow record batches.
//!
//! Buffers are sized from the plan, not from what the driver guesses: bounded columns by their
//! declared length, unbounded ones (TEXT, CLOB, BLOB, unconstrained NUMERIC) by the largest value
//! in the table, measured with one `MAX(length)` query that also counts the rows. A value larger
//! than its buffer (the data changed meanwhile) fails loudly; nothing is truncated.

use std::sync::Arc;

use anyhow::bail;

use crate::{
    bound::Kind,
    config::{KeyRanges as KeyRangesSetting, Settings},
    convert,
    dialect::{Dialect, from_clause},
    endpoint::Endpoint,
    odbc::Connection,
    plan::{Column, ColumnMeta, TableShape},
    select::{ColumnRules, Relation},
};

mod columns;
pub mod decode;
pub mod pseudonym;
mod ranges;
mod reader;
mod size;
mod snapshot;
pub mod window;

use columns::{check_unique_names, query_columns, table_columns};
use decode::Decoder;
use pseudonym::Pseudonymizer;
pub use ranges::KeyRanges;
pub use reader::{BatchReader, OdbcSource};
use size::{buffer_bytes, count_and_measure};
use window::TableRead;

/// What a driver keeps per fetched value besides our buffer (psqlODBC: about 230 bytes for its
/// copy of the row set), counted against `BATCH_MEMORY_MB` so that a batch's memory is bounded
/// whatever the driver.
pub const BYTES_PER_VALUE_OVERHEAD: usize = 256;

/// How many copies of a batch's data exist at once: the fetch buffer, the Arrow arrays being
/// filled, one waiting in the channel, one per writer (two by default), and the writers' statement
/// parameters. Rows per batch are `BATCH_MEMORY_MB` divided by this many times the row size, so
/// the run's peak memory stays near `BATCH_MEMORY_MB` however wide the rows are.
pub const COPIES_IN_FLIGHT: usize = 6;

/// What the reader needs from the settings.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// `SRC_SCHEMA`: the schema of tables named without one.
    pub schema: Option<String>,
    /// `SRC_CHUNK_SIZE`: most rows per batch.
    pub chunk_size: usize,
    /// `ROW_LIMIT`.
    pub row_limit: Option<u64>,
    /// `LOG_ROW_COUNT`.
    pub count_rows: bool,
    /// `LOWERCASE_COLUMNS`.
    pub lowercase_columns: bool,
    /// `MAX_TEXT_SIZE`.
    pub max_text_size: usize,
    /// `MAX_BINARY_SIZE`.
    pub max_binary_size: usize,
    /// `BATCH_MEMORY_MB` in bytes.
    pub batch_memory: usize,
    /// `EXCLUDE_COLUMNS`, `PSEUDONYMIZE_COLUMNS` and the key, shared by the run's tables.
    pub columns: Arc<ColumnRules>,
    /// `SRC_KEY_RANGES`.
    pub key_ranges: KeyRangesSetting,
    /// The source's driver holds a whole result set in memory however it is asked.
    pub driver_caches: bool,
}

impl ReadOptions {
    /// The reading settings of `s` for the source `source`.
    pub fn new(s: &Settings, source: &Endpoint) -> Self {
        ReadOptions {
            key_ranges: s.key_ranges,
            driver_caches: source.caches_results,
            schema: s.source.as_ref().and_then(|s| s.schema.clone()),
            chunk_size: s.chunk_size,
            row_limit: s.row_limit,
            count_rows: s.log_row_count,
            lowercase_columns: s.lowercase_columns,
            max_text_size: s.max_text_size,
            max_binary_size: s.max_binary_size,
            batch_memory: s.batch_memory,
            columns: Arc::new(ColumnRules::new(
                &s.shaping,
                s.source.as_ref().and_then(|s| s.schema.as_deref()),
            )),
        }
    }
}

impl ReadOptions {
    /// Whether tables are read in ranges of a key (the setting, and whether the driver can
    /// stream).
    pub fn key_ranges(&self) -> bool {
        self.key_ranges.wanted(self.driver_caches)
    }
}

/// A described source table, ready to be read.
#[derive(Debug, Clone)]
pub struct SourceTable {
    /// Quoted, qualified reference.
    pub table_ref: String,
    /// What the driver (and catalog) reported, per column.
    pub metas: Vec<ColumnMeta>,
    /// The copy's columns.
    pub shape: TableShape,
    /// How each column is fetched and decoded (its buffer and its conversion).
    pub decoders: Vec<Decoder>,
    /// Rows the table holds (at most `ROW_LIMIT`), when counted.
    pub row_count: Option<u64>,
    /// Rows per fetched batch.
    pub rows_per_batch: usize,
    /// The SELECT statement.
    pub select_sql: String,
    /// The SELECT list (each column read as the reader expects it).
    pub select_list: Vec<String>,
    /// The WHERE condition of an incremental load's window (`"changed" > TIMESTAMP '...'`).
    pub filter: Option<String>,
    /// What the window reads, for the log and `check` (incremental tables).
    pub window: Option<String>,
    /// How the table is read in partitions (`[partitions]`, `PARTITIONS` > 1, no `ROW_LIMIT`).
    pub partitions: Option<Partitioning>,
    /// Per column: the pseudonymizer of a `PSEUDONYMIZE_COLUMNS` column.
    pub pseudonyms: Vec<Option<Pseudonymizer>>,
    /// The source's columns `EXCLUDE_COLUMNS` leaves out (never selected).
    pub excluded: Vec<String>,
    /// How the table is read in ranges of a key (`SRC_KEY_RANGES`), one SELECT per range.
    pub ranges: Option<KeyRanges>,
    /// Why a table that should be read in ranges is not, and what it costs (for the log and
    /// `check`).
    pub unranged: Option<String>,
}

/// A partitioned read: the column (quoted), the kind of its values, how many partitions.
#[derive(Debug, Clone, PartialEq)]
pub struct Partitioning {
    /// The partition column, quoted, as the ranges compare it.
    pub quoted: String,
    /// The partition column.
    pub column: Column,
    /// The kind of its values.
    pub kind: Kind,
    /// How many partitions (connections) at most.
    pub count: usize,
}

/// The column `name` (as configured, any case) of `columns`, with its kind of values, for
/// `purpose` (`[incremental]`, `[partitions]`).
fn bounding_column<'c>(
    columns: &'c [Column],
    name: &str,
    purpose: &str,
    splits: bool,
) -> anyhow::Result<(&'c Column, Kind)> {
    let Some(column) = columns
        .iter()
        .find(|c| c.source_name.eq_ignore_ascii_case(name) || c.name.eq_ignore_ascii_case(name))
    else {
        bail!(
            "{purpose}: the column {name} is not among the columns copied ({}); name a column \
             that is copied",
            columns
                .iter()
                .map(|c| c.source_name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    let kind = Kind::of(&column.column_type)
        .filter(|k| !splits || k.splits())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{purpose}: the column {name} is {}; {}",
                column.source_type,
                if splits {
                    "partitions need an integer, date or timestamp column"
                } else {
                    "a watermark needs an integer, decimal, text, date or timestamp column \
                     (floating-point values are not exact)"
                }
            )
        })?;
    Ok((column, kind))
}

/// A table (or incremental window) of only a few batches is read in at least this many, so that
/// writing starts while the rest is read ...
pub const MIN_BATCHES: u64 = 4;

/// ... in batches of at least this many rows (psqlODBC fetches 1,000 rows per round trip).
pub const MIN_BATCH_ROWS: u64 = 1000;

/// Rows per batch: what the memory bound allows (`fits`), at most `SRC_CHUNK_SIZE`, and for a
/// table of `rows` rows that would fill fewer than [`MIN_BATCHES`] batches, smaller batches, so
/// that reading and writing overlap.
fn batch_rows(fits: usize, rows: Option<u64>, options: &ReadOptions) -> usize {
    let most = fits.clamp(1, options.chunk_size);
    match rows {
        Some(n) => {
            let overlapping = n.div_ceil(MIN_BATCHES).max(MIN_BATCH_ROWS);
            most.min(usize::try_from(overlapping).unwrap_or(usize::MAX))
        }
        None => most,
    }
}

/// How many copies of a batch are in flight when `partitions` readers fill batches at once:
/// each partition has its fetch buffer and the arrays it fills.
pub fn copies_in_flight(partitions: usize) -> usize {
    COPIES_IN_FLIGHT + 2 * partitions.saturating_sub(1)
}

/// Describes `relation` on `conn`: columns, types, buffer sizes, row count (of the incremental
/// window, when `read` has one). Columns of `EXCLUDE_COLUMNS` are left out of every statement
/// sent to the source.
pub fn describe(
    conn: &Connection,
    dialect: &dyn Dialect,
    relation: &Relation,
    options: &ReadOptions,
    read: &TableRead,
) -> anyhow::Result<SourceTable> {
    let rules = &options.columns;
    let (table_ref, metas, excluded) = match relation {
        Relation::Table(table) => table_columns(conn, dialect, relation, table, options)?,
        Relation::Query(query) => query_columns(conn, dialect, relation, query, rules)?,
    };
    if metas.is_empty() {
        bail!(
            "every column of {} is left out by EXCLUDE_COLUMNS; there is nothing to copy",
            relation.label()
        );
    }
    let mut columns = Vec::with_capacity(metas.len());
    let mut problems = Vec::new();
    for meta in &metas {
        match dialect.column_type(meta) {
            Ok(column_type) => columns.push(Column {
                source_name: meta.name.clone(),
                name: if options.lowercase_columns {
                    meta.name.to_lowercase()
                } else {
                    meta.name.clone()
                },
                column_type,
                nullable: meta.nullable != Some(false),
                source_type: meta
                    .declared
                    .clone()
                    .unwrap_or_else(|| meta.type_name.clone()),
            }),
            Err(why) => problems.push(format!("column {}: {why}", meta.name)),
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} column(s) cannot be copied without loss: {}",
            problems.len(),
            problems.join("; ")
        );
    }
    check_unique_names(&columns)?;
    let quoted: Vec<String> = columns
        .iter()
        .map(|c| dialect.quote(&c.source_name))
        .collect();
    let select_list: Vec<String> = columns
        .iter()
        .zip(&quoted)
        .map(|(c, q)| dialect.select_expr(q, c))
        .collect();
    let (mut filter, mut window) = (None, None);
    if let Some(watermark) = &read.watermark {
        let (column, kind) = bounding_column(&columns, &watermark.column, "[incremental]", false)?;
        if rules.pseudonymized(relation, &column.source_name) {
            bail!(
                "[incremental]: the column {} is pseudonymised (PSEUDONYMIZE_COLUMNS): the target \
                 holds its pseudonyms, which cannot be compared with the source's values; choose \
                 another watermark column",
                column.source_name
            );
        }
        let after = watermark
            .after(kind)?
            .map(|b| dialect.bound_literal(&b, column));
        if let Some(after) = &after {
            let compared = dialect.bound_column_sql(&dialect.quote(&column.source_name), column);
            filter = Some(format!("{compared} > {after}"));
        }
        window = Some(watermark.describe(after.as_deref()));
    }
    let partitions = match &read.partition {
        Some((name, count)) if options.row_limit.is_none() => {
            let (column, kind) = bounding_column(&columns, name, "[partitions]", true)?;
            if rules.pseudonymized(relation, &column.source_name) {
                // Its ranges would put the real MIN and MAX into SQL that errors quote.
                bail!(
                    "[partitions]: the column {} is pseudonymised (PSEUDONYMIZE_COLUMNS): its \
                     real values would show in the ranges of the partitions; choose another \
                     partition column",
                    column.source_name
                );
            }
            Some(Partitioning {
                quoted: dialect.bound_column_sql(&dialect.quote(&column.source_name), column),
                column: column.clone(),
                kind,
                count: *count,
            })
        }
        _ => None,
    };
    let from = from_clause(&table_ref, filter.as_deref());
    let (row_count, measured) =
        count_and_measure(conn, dialect, &from, &columns, &quoted, options)?;
    let mut decoders = Vec::with_capacity(columns.len());
    for (column, measured) in columns.iter().zip(measured) {
        let fetch = convert::Fetch {
            max_bytes: buffer_bytes(column, measured, options)?,
            form: dialect.fetch_form(column),
        };
        decoders.push(Decoder::new(&column.column_type, column.nullable, fetch));
    }
    let bytes_per_row: usize = decoders
        .iter()
        .map(|d| {
            // Each partition's connection keeps its own driver copy of its rows.
            let readers = partitions.as_ref().map_or(1, |p| p.count);
            d.buffer().bytes_per_row() * copies_in_flight(readers)
                + BYTES_PER_VALUE_OVERHEAD * readers
        })
        .sum::<usize>()
        .max(1);
    let row_count = row_count.map(|n| options.row_limit.map_or(n, |l| n.min(l)));
    let rows_per_batch = batch_rows(options.batch_memory / bytes_per_row, row_count, options);
    let (ranges, unranged) = if options.key_ranges() && options.row_limit.is_none() {
        let driver_row: usize = decoders.iter().map(|d| d.buffer().bytes_per_row()).sum();
        let rows = ranges::range_rows(driver_row, rows_per_batch, options);
        let key = ranges::choose(
            conn,
            dialect,
            relation,
            options,
            &columns,
            partitions.as_ref(),
            rows,
        )?;
        let unranged = key
            .is_none()
            .then(|| ranges::unranged(driver_row, row_count, options))
            .flatten();
        (key, unranged)
    } else {
        (None, None)
    };
    // Pseudonymised columns are read as they are and leave the reader as their pseudonyms.
    let mut pseudonyms = Vec::with_capacity(columns.len());
    for column in &mut columns {
        let pseudonymizer = match (
            rules.pseudonymized(relation, &column.source_name),
            rules.key(),
        ) {
            (false, _) => None,
            (true, Some(key)) => Some(Pseudonymizer::new(key)),
            (true, None) => bail!(
                "column {} is to be pseudonymised, but PSEUDONYMIZE_KEY is not set",
                column.source_name
            ),
        };
        if pseudonymizer.is_some() {
            column.pseudonymise();
        }
        pseudonyms.push(pseudonymizer);
    }
    Ok(SourceTable {
        pseudonyms,
        excluded,
        ranges,
        unranged,
        select_sql: dialect.select_sql(&from, &select_list, options.row_limit),
        filter,
        window,
        partitions,
        select_list,
        table_ref,
        metas,
        shape: TableShape { columns },
        decoders,
        row_count,
        rows_per_batch,
    })
}

impl SourceTable {
    /// The same table limited to its first `rows` rows (at most the configured `ROW_LIMIT`), read
    /// in one batch: `check`'s sample.
    pub fn first_rows(&self, dialect: &dyn Dialect, rows: u64) -> SourceTable {
        let rows = self.row_count.map_or(rows, |n| n.min(rows)).max(1);
        SourceTable {
            select_sql: dialect.select_sql(
                &from_clause(&self.table_ref, self.filter.as_deref()),
                &self.select_list,
                Some(rows),
            ),
            rows_per_batch: self.rows_per_batch.max(1),
            row_count: Some(rows),
            ..self.clone()
        }
    }
}

impl SourceTable {
    /// The same read with `condition` added to its WHERE clause (one partition).
    pub fn within(&self, dialect: &dyn Dialect, condition: &str, row_limit: Option<u64>) -> Self {
        let filter = match &self.filter {
            Some(f) => format!("({f}) AND ({condition})"),
            None => condition.to_string(),
        };
        SourceTable {
            select_sql: dialect.select_sql(
                &from_clause(&self.table_ref, Some(&filter)),
                &self.select_list,
                row_limit,
            ),
            filter: Some(filter),
            partitions: None,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod memory_tests {
    use super::*;

    #[test]
    fn a_table_of_a_few_batches_is_read_in_four_so_that_writing_starts_early() {
        let options = ReadOptions {
            schema: None,
            chunk_size: 100_000,
            row_limit: None,
            count_rows: true,
            lowercase_columns: true,
            max_text_size: 1,
            max_binary_size: 1,
            batch_memory: 1,
            columns: Arc::new(ColumnRules::default()),
            key_ranges: KeyRangesSetting::Never,
            driver_caches: false,
        };
        assert_eq!(batch_rows(10_040, Some(10_025), &options), 2_507);
        assert_eq!(batch_rows(10_040, Some(1_000_000), &options), 10_040);
        assert_eq!(batch_rows(10_040, Some(300), &options), 1_000);
        assert_eq!(batch_rows(10_040, None, &options), 10_040);
        assert_eq!(batch_rows(500_000, Some(10_000_000), &options), 100_000);
        assert_eq!(batch_rows(0, Some(10), &options), 1);
    }

    #[test]
    fn each_partition_adds_its_fetch_buffer_and_arrays_to_the_memory_bound() {
        assert_eq!(copies_in_flight(1), COPIES_IN_FLIGHT);
        assert_eq!(copies_in_flight(4), COPIES_IN_FLIGHT + 6);
    }
}
