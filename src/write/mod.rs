//! Writing a table: plan it, load a side table (batches in their own transactions, retried after
//! transient errors), check the row count, and end with one short step on the target table.
//!
//! Every write mode loads into a side table (`<table>_s2s_new_<run>`) and touches the target table only
//! at the end ([`write_plan`] decides how): `replace` swaps the side table in, `truncate`
//! empties the table and copies the side table into it in one transaction, `append` copies it in
//! one transaction. So a table whose copy fails or is killed holds exactly what it held before,
//! in every write mode, and readers see the old rows until the end.

use std::sync::Mutex;

use anyhow::{Context, bail};

use crate::{
    config::{Settings, TypeOverride, loads::Loads},
    dialect::Dialect,
    endpoint::Endpoint,
    odbc::{self, Connection, Connector},
    plan::TableShape,
    retry::RetryPolicy,
};

mod batch;
mod column_types;
mod existing;
mod finish;
mod fit;
mod keys;
mod leftovers;
mod lock;
mod sample;
mod table;
pub mod write_plan;

pub(crate) use keys::{incremental_ddl, merge_keys};
pub use lock::{TableLockGuard, lock_table};
pub use sample::sample;
pub use table::TargetTable;
use write_plan::{ExistingTable, PlanOptions, WritePlan};

pub use crate::dialect::{CHECK_SUFFIX, OLD_SUFFIX};

/// Suffix of the empty copy of an existing table that `check` tries a refresh on.
pub const COPY_SUFFIX: &str = "_s2s_copy";

/// What the writer needs from the settings, taken once per run.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// `DST_SCHEMA`, as configured.
    pub schema: Option<String>,
    /// `WRITE_MODE`, `SCHEMA_CHANGES`, `LOWERCASE_COLUMNS`.
    pub plan: PlanOptions,
    /// Retries of a batch and of the last step; restarts of a table.
    pub retry: RetryPolicy,
    /// `WRITERS_PER_TABLE`.
    pub writers: usize,
    /// `[column-types]`.
    pub column_types: Vec<TypeOverride>,
    /// `[incremental]` and `[merge-keys]`.
    pub loads: std::sync::Arc<Loads>,
    /// `LOCK_WAIT_SECONDS`.
    pub lock_wait: std::time::Duration,
    /// `SWAP_WAIT_SECONDS`.
    pub swap_wait: std::time::Duration,
    /// This run's tag, in its side tables' names (see `dialect::side_table_name`).
    pub run: String,
}

impl WriteOptions {
    /// The `[column-types]` overrides of the target table `table` (case is ignored).
    pub fn overrides_for(&self, table: &str) -> Vec<TypeOverride> {
        self.column_types
            .iter()
            .filter(|o| o.table.eq_ignore_ascii_case(table))
            .cloned()
            .collect()
    }
}

impl From<&Settings> for WriteOptions {
    fn from(s: &Settings) -> Self {
        WriteOptions {
            schema: s.target.schema.clone(),
            plan: PlanOptions {
                write_mode: s.write_mode,
                schema_changes: s.schema_changes,
                lowercase_columns: s.lowercase_columns,
            },
            retry: s.retry,
            writers: s.writers_per_table,
            column_types: s.shaping.column_types.clone(),
            loads: std::sync::Arc::new(s.loads.clone()),
            lock_wait: s.lock_wait,
            swap_wait: s.swap_wait,
            run: crate::dialect::run_tag(),
        }
    }
}

/// Where the target table lives and how it is written; its names decided once, as the target
/// stores them (Oracle: `staging` is `STAGING`).
#[derive(Clone)]
pub struct TargetSpec<'a> {
    /// Opens (and re-opens) connections.
    pub connector: &'a Connector,
    /// The target's dialect.
    pub dialect: &'static dyn Dialect,
    /// `DST_SCHEMA` (as the target stores it).
    pub schema: Option<String>,
    /// The table's name in the target (as the target stores it: see `Dialect::fold_name`).
    pub table: String,
    /// The table, qualified and quoted.
    pub table_ref: String,
    /// The side table's name (see `dialect::suffixed_name`).
    pub side: String,
    /// The side table, qualified and quoted.
    pub side_ref: String,
    /// `schema.table` as configured, for the report.
    pub display: String,
    /// The table's name as configured (`SRC_TABLES`, `[queries]`).
    pub name: String,
    /// How the table is written.
    pub options: &'a WriteOptions,
    /// `[incremental]`: the watermark column (as configured); the table's new rows are added.
    pub watermark: Option<String>,
    /// `[merge-keys]`: the incremental rows are upserted by these columns (as configured).
    pub merge_keys: Vec<String>,
}

impl<'a> TargetSpec<'a> {
    /// The target table for the source table `table` on `target`.
    pub fn new(target: &'a Endpoint, options: &'a WriteOptions, table: &str) -> Self {
        let d = target.dialect;
        let schema = options.schema.as_deref().map(|s| d.fold_name(s));
        let folded = d.fold_name(table);
        let side = crate::dialect::side_table_name(d, &folded, &options.run);
        TargetSpec {
            connector: &target.connector,
            dialect: d,
            table_ref: d.table_ref(schema.as_deref(), &folded),
            side_ref: d.table_ref(schema.as_deref(), &side),
            display: Self::display_name(options, table),
            name: table.to_string(),
            schema,
            table: folded,
            side,
            options,
            watermark: options.loads.incremental(table).map(str::to_string),
            merge_keys: options.loads.merge_keys(table).to_vec(),
        }
    }

    /// `schema.table` as configured (not folded), for the report.
    pub fn display_name(options: &WriteOptions, table: &str) -> String {
        match &options.schema {
            Some(s) => format!("{s}.{table}"),
            None => table.to_string(),
        }
    }

    /// The table's name with `suffix` (the old table of a swap, `check`'s sample, ...),
    /// shortened where the DBMS's names are shorter (see `dialect::suffixed_name`).
    pub fn suffixed(&self, suffix: &str) -> String {
        crate::dialect::suffixed_name(self.dialect, &self.table, suffix)
    }

    /// `schema.table`, quoted, for the table with `suffix` (the old table of a swap, `check`'s
    /// sample, ...), shortened where the DBMS's names are shorter.
    pub fn suffixed_ref(&self, suffix: &str) -> String {
        self.dialect
            .table_ref(self.schema.as_deref(), &self.suffixed(suffix))
    }
}

/// Opens a target connection with the dialect's session settings (autocommit on).
pub fn open(connector: &Connector, dialect: &dyn Dialect) -> anyhow::Result<Connection> {
    let conn = connector.connect()?;
    for sql in dialect.target_session_sql() {
        odbc::execute(&conn, &sql)?;
    }
    Ok(conn)
}

/// Reads the target table from the catalog and decides what writing `shape` into it does.
pub fn plan(
    conn: &Connection,
    spec: &TargetSpec<'_>,
    shape: &TableShape,
) -> anyhow::Result<WritePlan> {
    let existing = ExistingTable::read(conn, spec.dialect, spec.schema.as_deref(), &spec.table)
        .context("reading the target table's columns from the catalog")?;
    let mut options = spec.options.plan;
    if spec.watermark.is_some() {
        // New rows are added to what the table holds, whatever WRITE_MODE says.
        options.write_mode = crate::config::WriteMode::Append;
    }
    Ok(WritePlan::new(
        spec.dialect,
        options,
        shape,
        existing.as_ref(),
        &spec.options.overrides_for(&spec.name),
    ))
}

/// Creates the target schema when it is missing and the DBMS can create one.
pub(crate) fn ensure_schema(
    conn: &Connection,
    d: &dyn Dialect,
    schema: Option<&str>,
) -> anyhow::Result<()> {
    let Some(schema) = schema.filter(|_| d.has_schemas()) else {
        return Ok(());
    };
    // Tables copied in parallel would race to create it (PostgreSQL answers a concurrent
    // CREATE SCHEMA IF NOT EXISTS with a unique violation): one at a time.
    static CREATING: Mutex<()> = Mutex::new(());
    let _one = CREATING.lock().unwrap_or_else(|e| e.into_inner());
    if exists(conn, &d.schema_exists_sql(schema))? {
        return Ok(());
    }
    match d.create_schema_sql(schema) {
        Some(sql) => odbc::execute(conn, &sql)
            .with_context(|| format!("creating the target schema {schema}")),
        None => bail!(
            "the target schema {schema} does not exist: {}",
            d.missing_schema_advice(schema)
        ),
    }
}

pub(crate) fn exists(conn: &Connection, sql: &str) -> anyhow::Result<bool> {
    Ok(!odbc::query_text(conn, sql)?.is_empty())
}

/// `SELECT COUNT(*)` of a table.
pub fn count_rows(conn: &Connection, table_ref: &str) -> anyhow::Result<u64> {
    odbc::query_value(conn, &format!("SELECT COUNT(*) FROM {table_ref}"))?
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("counting the rows of {table_ref}"))
}

/// The target table's `MAX(column)` as text (the watermark of an incremental load); `None` when
/// the table does not exist yet or holds no value in that column.
pub fn watermark(spec: &TargetSpec<'_>, column: &str) -> anyhow::Result<Option<String>> {
    let d = spec.dialect;
    let conn = open(spec.connector, d)?;
    let Some(existing) = ExistingTable::read(&conn, d, spec.schema.as_deref(), &spec.table)
        .context("reading the target table's columns from the catalog")?
    else {
        return Ok(None);
    };
    let Some(target) = existing
        .columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(column))
    else {
        bail!(
            "[incremental] {}: the target table {} has no column {column} to read the watermark \
             from; drop the table so that the next run loads it in full, or name a column it \
             has",
            spec.name,
            spec.display
        );
    };
    let name = &target.name;
    let sql = d.max_sql(&spec.table_ref, target);
    let max = odbc::query_value(&conn, &sql)
        .with_context(|| format!("reading the watermark MAX({name}) of {}", spec.display))?;
    if max.is_none() && count_rows(&conn, &spec.table_ref)? > 0 {
        log::warn!(
            "{}: the target table holds rows but no value in {name}: every row is read again \
             ({})",
            spec.name,
            if spec.merge_keys.is_empty() {
                "and appended to the rows it holds"
            } else {
                "and upserted"
            }
        );
    }
    Ok(max)
}
