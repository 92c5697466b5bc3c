//! Writing a table: prepare it for the write mode, insert batches (one transaction each, retried
//! after transient errors), check the row count, and swap a replaced table in.
//!
//! `replace` loads into a side table (`<table>_s2s_new`) and swaps it in only when it is complete
//! and its row count checked, so readers see the old table until then and a failed run leaves it
//! as it was. `truncate` and `append` write into the table itself; their committed batches stay
//! when a later batch fails.

use std::thread;

use anyhow::{Context, bail};
use arrow_odbc::arrow::record_batch::RecordBatch;

use crate::{
    config::WriteMode,
    dialect::Dialect,
    odbc::{self, Connection, Connector},
    plan::TableShape,
    retry::{self, ErrorClass, RetryPolicy},
};

/// Suffix of the side table a `replace` loads into.
pub const SIDE_SUFFIX: &str = "_s2s_new";

/// Suffix the old table gets during a swap that renames it first (MariaDB).
pub const OLD_SUFFIX: &str = "_s2s_old";

/// Where the target table lives and how it is written.
pub struct TargetSpec<'a> {
    /// Opens (and re-opens) connections.
    pub connector: &'a Connector,
    /// The target's dialect.
    pub dialect: &'static dyn Dialect,
    /// `DST_SCHEMA`.
    pub schema: Option<&'a str>,
    /// The table's name in the target.
    pub table: &'a str,
    /// `WRITE_MODE`.
    pub write_mode: WriteMode,
    /// Retry knobs.
    pub retry: RetryPolicy,
}

/// A target table being written.
pub struct TargetTable<'a> {
    spec: TargetSpec<'a>,
    conn: Connection,
    load_into: String,
    side_table: bool,
    target_existed: bool,
    columns: Vec<String>,
    base_rows: u64,
    /// Rows committed so far.
    pub rows_written: u64,
    /// Values the dialect changed before inserting (e.g. NUL characters removed).
    pub changed_values: usize,
    /// Transient errors retried.
    pub retries: u32,
}

impl<'a> TargetTable<'a> {
    /// Creates the schema when missing and prepares the table for the write mode.
    pub fn prepare(spec: TargetSpec<'a>, shape: &TableShape) -> anyhow::Result<Self> {
        let conn = spec.connector.connect()?;
        let d = spec.dialect;
        if let Some(schema) = spec.schema
            && d.has_schemas()
            && !exists(&conn, &d.schema_exists_sql(schema))?
            && let Some(sql) = d.create_schema_sql(schema)
        {
            odbc::execute(&conn, &sql)
                .with_context(|| format!("creating the target schema {schema}"))?;
        }
        let target_ref = d.table_ref(spec.schema, spec.table);
        let target_existed = exists(&conn, &d.table_exists_sql(spec.schema, spec.table))?;
        let (load_into, side_table) = match spec.write_mode {
            WriteMode::Replace => {
                let side = format!("{}{SIDE_SUFFIX}", spec.table);
                let side_ref = d.table_ref(spec.schema, &side);
                // Tables a killed run left behind are dropped first: a half-loaded side table,
                // and (MariaDB) the old table of a swap that was not finished.
                odbc::execute(&conn, &d.drop_table_sql(&side_ref))?;
                if target_existed {
                    let old = format!("{}{OLD_SUFFIX}", spec.table);
                    odbc::execute(&conn, &d.drop_table_sql(&d.table_ref(spec.schema, &old)))?;
                }
                odbc::execute(&conn, &d.create_table_sql(&side_ref, &shape.columns))
                    .with_context(|| format!("creating the side table {side_ref}"))?;
                (side, true)
            }
            WriteMode::Truncate if target_existed => {
                odbc::execute(&conn, &d.truncate_sql(&target_ref))
                    .with_context(|| format!("truncating {target_ref}"))?;
                (spec.table.to_string(), false)
            }
            WriteMode::Truncate | WriteMode::Append => {
                if !target_existed {
                    odbc::execute(&conn, &d.create_table_sql(&target_ref, &shape.columns))
                        .with_context(|| format!("creating {target_ref}"))?;
                }
                (spec.table.to_string(), false)
            }
        };
        // Rows already in the table (append): the base of the commit check after a reconnect.
        let base_rows = match spec.write_mode {
            WriteMode::Append if target_existed => count_rows(&conn, &target_ref)?,
            _ => 0,
        };
        conn.set_autocommit(false)?;
        let columns = shape.columns.iter().map(|c| d.quote(&c.name)).collect();
        Ok(TargetTable {
            spec,
            conn,
            load_into,
            side_table,
            target_existed,
            columns,
            base_rows,
            rows_written: 0,
            changed_values: 0,
            retries: 0,
        })
    }

    /// Writes one batch in its own transaction, retrying transient errors with backoff and
    /// re-opening the connection when it died.
    pub fn write(&mut self, batch: RecordBatch) -> anyhow::Result<()> {
        let (batch, changed) = self.spec.dialect.prepare_batch(batch)?;
        self.changed_values += changed;
        let table_ref = self
            .spec
            .dialect
            .table_ref(self.spec.schema, &self.load_into);
        let retry = self.spec.retry;
        let mut waits = retry.backoff();
        loop {
            let attempt = self
                .spec
                .dialect
                .insert_strategy()
                .insert(&self.conn, &table_ref, &self.columns, &batch)
                .and_then(|()| self.conn.commit().context("committing the batch"));
            let error = match attempt {
                Ok(()) => {
                    self.rows_written += batch.num_rows() as u64;
                    return Ok(());
                }
                Err(e) => e,
            };
            let _ = self.conn.rollback();
            let class = retry::classify(&error);
            let wait = waits.next().flatten();
            match (class, wait) {
                (ErrorClass::Permanent, _) => return Err(error),
                (ErrorClass::Transient { .. }, None) => {
                    return Err(error.context(format!(
                        "giving up after {} retries (DIRECT_MAX_RETRIES)",
                        self.spec.retry.max_retries
                    )));
                }
                (ErrorClass::Transient { reconnect }, Some(wait)) => {
                    self.retries += 1;
                    log::warn!(
                        "{}: transient error, retrying the batch in {:.1} s: {}",
                        self.spec.table,
                        wait.as_secs_f64(),
                        crate::config::secrets::redact(&format!("{error:#}"))
                    );
                    thread::sleep(wait);
                    if reconnect || self.conn.is_dead().unwrap_or(true) {
                        self.reconnect();
                        // The connection may have died after the server committed the batch
                        // but before the client heard so: count before writing it again.
                        if self.batch_was_committed(&table_ref, batch.num_rows() as u64)? {
                            self.rows_written += batch.num_rows() as u64;
                            return Ok(());
                        }
                    }
                }
            }
        }
    }

    /// After a reconnect: `true` when the table already holds the batch, `false` when it holds
    /// exactly the rows before it; an error when it holds anything else (someone else wrote to
    /// it). When the count itself fails, the next attempt will meet the same problem.
    fn batch_was_committed(&self, table_ref: &str, batch_rows: u64) -> anyhow::Result<bool> {
        let before = self.base_rows + self.rows_written;
        let Ok(now) = count_rows(&self.conn, table_ref) else {
            return Ok(false);
        };
        let _ = self.conn.rollback();
        if now == before + batch_rows {
            log::info!(
                "{}: the batch had been committed before the connection was lost",
                self.spec.table
            );
            Ok(true)
        } else if now == before {
            Ok(false)
        } else {
            bail!(
                "{table_ref} holds {now} rows after the connection was lost, expected {before} \
                 or {}; it was changed outside this run",
                before + batch_rows
            )
        }
    }

    /// Replaces the connection; a failure is logged and left for the next attempt to hit.
    fn reconnect(&mut self) {
        match self.spec.connector.connect() {
            Ok(conn) => {
                if let Err(e) = conn.set_autocommit(false) {
                    log::warn!("re-opened target connection refuses manual commit: {e}");
                }
                self.conn = conn;
                log::info!("{}: target connection re-opened", self.spec.table);
            }
            Err(e) => log::warn!(
                "{}: cannot re-open the target connection: {e:#}",
                self.spec.table
            ),
        }
    }

    /// Checks the rows written against `rows_read` and, for `replace`, swaps the side table in.
    pub fn finish(mut self, rows_read: u64) -> anyhow::Result<u64> {
        if self.rows_written != rows_read {
            let written = self.rows_written;
            self.abandon();
            bail!("wrote {written} rows but read {rows_read}");
        }
        if self.side_table {
            let retry = self.spec.retry;
            let mut waits = retry.backoff();
            let mut tried = false;
            loop {
                let error = match self.check_and_swap(rows_read, tried) {
                    Ok(()) => break,
                    Err(e) => e,
                };
                tried = true;
                let wait = match retry::classify(&error) {
                    ErrorClass::Transient { .. } => waits.next().flatten(),
                    ErrorClass::Permanent => None,
                };
                let Some(wait) = wait else {
                    self.abandon();
                    return Err(error.context("swapping the new table in"));
                };
                self.retries += 1;
                log::warn!(
                    "{}: transient error during the swap, retrying in {:.1} s: {}",
                    self.spec.table,
                    wait.as_secs_f64(),
                    crate::config::secrets::redact(&format!("{error:#}"))
                );
                thread::sleep(wait);
                self.reconnect();
            }
            self.side_table = false;
        }
        let _ = self.conn.set_autocommit(true);
        Ok(self.rows_written)
    }

    /// Checks the side table's row count and swaps it in. On a retry (`retry`), a side table
    /// that is gone means the previous attempt's swap went through before the error.
    fn check_and_swap(&mut self, rows_read: u64, retry: bool) -> anyhow::Result<()> {
        let d = self.spec.dialect;
        let side_ref = d.table_ref(self.spec.schema, &self.load_into);
        if retry
            && !exists(
                &self.conn,
                &d.table_exists_sql(self.spec.schema, &self.load_into),
            )?
        {
            let _ = self.conn.rollback();
            log::info!("{}: the swap had gone through", self.spec.table);
            return Ok(());
        }
        let counted = count_rows(&self.conn, &side_ref)?;
        if counted != rows_read {
            bail!("the side table {side_ref} holds {counted} rows, expected {rows_read}");
        }
        let swap = d.swap(
            self.spec.schema,
            &self.load_into,
            self.spec.table,
            self.target_existed,
        );
        if swap.transactional {
            let result = swap
                .statements
                .iter()
                .try_for_each(|sql| odbc::execute(&self.conn, sql))
                .and_then(|()| Ok(self.conn.commit()?));
            if result.is_err() {
                let _ = self.conn.rollback();
            }
            result
        } else {
            let _ = self.conn.rollback();
            self.conn.set_autocommit(true)?;
            let result = swap
                .statements
                .iter()
                .try_for_each(|sql| odbc::execute(&self.conn, sql));
            let _ = self.conn.set_autocommit(false);
            result
        }
    }

    /// Gives up: a side table is dropped; the target table stays as it is.
    pub fn abandon(&mut self) {
        let _ = self.conn.rollback();
        if self.side_table {
            let _ = self.conn.set_autocommit(true);
            let side_ref = self
                .spec
                .dialect
                .table_ref(self.spec.schema, &self.load_into);
            let drop = self.spec.dialect.drop_table_sql(&side_ref);
            if odbc::execute(&self.conn, &drop).is_err() {
                // The connection may be what failed: try once more on a fresh one.
                let fresh = self.spec.connector.connect();
                if let Err(e) = fresh.and_then(|conn| odbc::execute(&conn, &drop)) {
                    log::warn!("cannot drop the side table {side_ref} (the next run will): {e:#}");
                }
            }
            self.side_table = false;
        }
    }
}

fn exists(conn: &Connection, sql: &str) -> anyhow::Result<bool> {
    Ok(!odbc::query_text(conn, sql)?.is_empty())
}

/// `SELECT COUNT(*)` of a table.
pub fn count_rows(conn: &Connection, table_ref: &str) -> anyhow::Result<u64> {
    let rows = odbc::query_text(conn, &format!("SELECT COUNT(*) FROM {table_ref}"))?;
    rows.first()
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("counting the rows of {table_ref}"))
}
