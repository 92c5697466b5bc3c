//! A target table being written: its side table prepared, batches written by one or several
//! writers, and the journey's [`Sink`] on top.

use std::{
    sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
        mpsc,
    },
    thread,
};

use anyhow::{Context, anyhow};
use arrow_odbc::arrow::record_batch::RecordBatch;

use super::{
    OLD_SUFFIX, TableLockGuard, TargetSpec,
    batch::{Shared, WriteContext, reconnect, write_batch},
    count_rows, ensure_schema, keys, open, plan,
    write_plan::{Finish, WritePlan},
};
use crate::{
    dialect::Dialect,
    error::TableError,
    interrupt,
    journey::Sink,
    odbc::{self, Connection},
    plan::{LoadColumn, TableShape},
    progress::Progress,
    report::TableReport,
};

/// A target table being written.
pub struct TargetTable<'a> {
    pub(super) ctx: WriteContext<'a>,
    /// The target table's lock, confirmed before the last step.
    pub(super) lock: &'a TableLockGuard,
    pub(super) conn: Connection,
    pub(super) plan: WritePlan,
    /// The side table still exists (not yet swapped, merged or dropped).
    pub(super) side_table: bool,
    /// Rows in the target before an `append` on a DBMS whose DDL commits: after a lost
    /// connection, the count tells whether the final copy was committed.
    pub(super) append_base: Option<u64>,
    /// `[merge-keys]`, quoted as the target's columns: the rows are upserted by them.
    pub(super) upsert_keys: Vec<String>,
    /// The last step's statements before its transaction (columns added) have run: a retry
    /// after a lock wait must not add them again.
    pub(super) before_done: bool,
    /// The side table's row count has been checked (it does not change after the load).
    pub(super) side_counted: bool,
}

impl<'a> TargetTable<'a> {
    /// Plans the write (see [`super::write_plan`]), refusing before anything is written when the
    /// values cannot go in; creates the schema when missing and the side table.
    pub fn prepare(
        spec: TargetSpec<'a>,
        shape: &TableShape,
        lock: &'a TableLockGuard,
    ) -> anyhow::Result<Self> {
        let d = spec.dialect;
        let conn = open(spec.connector, d)?;
        ensure_schema(&conn, d, spec.schema.as_deref())?;
        let mut plan = plan(&conn, &spec, shape)?;
        plan.accepted()?;
        for warning in &plan.warnings {
            log::warn!("{}: {warning}", spec.table);
        }
        log::debug!("{}: {}", spec.table, plan.action());
        let upsert_keys = keys::merge_keys(&conn, &spec, &plan)?;
        let side_ref = spec.side_ref.clone();
        // This run's side table from an earlier attempt (a restart), and (MariaDB) the old table
        // of a swap that was not finished; other runs' side tables: see `leftovers`.
        odbc::execute(&conn, &d.drop_table_sql(&side_ref))?;
        if plan.target_exists {
            odbc::execute(&conn, &d.drop_table_sql(&spec.suffixed_ref(OLD_SUFFIX)))?;
        }
        odbc::execute(&conn, &d.create_table_sql(&side_ref, &plan.side_columns()))
            .with_context(|| format!("creating the side table {side_ref}"))?;
        keys::add_to_side_table(&conn, &spec, &plan, &upsert_keys)?;
        let append_base =
            if plan.finish == Finish::Append && !d.transactional_ddl() && upsert_keys.is_empty() {
                Some(count_rows(&conn, &spec.table_ref)?)
            } else {
                None
            };
        casts_from_catalog(&conn, d, spec.schema.as_deref(), &spec.side, &mut plan.load)?;
        conn.set_autocommit(false)?;
        let (columns, params) = insert_columns(d, shape, &plan.load)?;
        Ok(TargetTable {
            ctx: WriteContext {
                spec,
                load: plan.load.clone(),
                columns,
                params,
                shared: Shared::default(),
            },
            lock,
            conn,
            plan,
            side_table: true,
            append_base,
            upsert_keys,
            before_done: false,
            side_counted: false,
        })
    }
    /// Rows committed so far.
    pub fn rows_written(&self) -> u64 {
        self.ctx.shared.committed.load(Ordering::SeqCst)
    }

    /// Values the dialect changed before inserting (e.g. NUL characters removed).
    pub fn changed_values(&self) -> usize {
        self.ctx.shared.changed.load(Ordering::SeqCst)
    }

    /// Transient errors retried.
    pub fn retries(&self) -> u32 {
        self.ctx.shared.retries.load(Ordering::SeqCst)
    }

    /// Writes every batch `batches` delivers, on `WRITERS_PER_TABLE` connections at once (each
    /// batch one transaction, see [`write_batch`]); `progress` hears the rows committed so far.
    /// Stops at the first error.
    fn write_batches(
        &mut self,
        batches: mpsc::Receiver<RecordBatch>,
        progress: &Progress,
    ) -> Result<(), TableError> {
        let spec = &self.ctx.spec;
        let writers = spec.options.writers.clamp(1, spec.dialect.max_writers());
        if writers == 1 {
            for batch in batches.iter() {
                interrupt::check()?;
                write_batch(&self.ctx, 0, &mut self.conn, batch)?;
                progress.update(self.rows_written());
            }
            return Ok(());
        }
        let mut extra = Vec::with_capacity(writers - 1);
        for _ in 1..writers {
            let conn = open(self.ctx.spec.connector, self.ctx.spec.dialect)?;
            conn.set_autocommit(false).map_err(anyhow::Error::from)?;
            extra.push(conn);
        }
        let batches = Mutex::new(batches);
        let stop = AtomicBool::new(false);
        let ctx = &self.ctx;
        let conns = std::iter::once(&mut self.conn)
            .chain(extra.iter_mut())
            .enumerate();
        thread::scope(|scope| {
            let handles: Vec<_> = conns
                .map(|(writer, conn)| {
                    let (batches, stop) = (&batches, &stop);
                    scope.spawn(move || -> Result<(), TableError> {
                        loop {
                            if stop.load(Ordering::SeqCst) {
                                return Ok(());
                            }
                            let next = batches.lock().unwrap_or_else(|e| e.into_inner()).recv();
                            let Ok(batch) = next else { return Ok(()) };
                            let written = interrupt::check()
                                .map_err(TableError::from)
                                .and_then(|()| write_batch(ctx, writer, conn, batch));
                            if let Err(e) = written {
                                stop.store(true, Ordering::SeqCst);
                                return Err(e);
                            }
                            progress.update(ctx.shared.committed.load(Ordering::SeqCst));
                        }
                    })
                })
                .collect();
            let mut first = Ok(());
            for handle in handles {
                let result = handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow!("a writer thread panicked").into()));
                if first.is_ok() {
                    first = result;
                }
            }
            first
        })
    }

    /// Replaces the table's main connection; a failure is logged and left for the next attempt.
    pub(super) fn reconnect(&mut self) {
        reconnect(&self.ctx, &mut self.conn);
    }

    /// Gives up: the side table is dropped; the target table stays as it is.
    pub(super) fn drop_side_table(&mut self) {
        let _ = self.conn.rollback();
        if self.side_table {
            let _ = self.conn.set_autocommit(true);
            let drop = self
                .ctx
                .spec
                .dialect
                .drop_table_sql(&self.ctx.spec.side_ref);
            if odbc::execute(&self.conn, &drop).is_err() {
                // The connection may be what failed: try once more on a fresh one.
                let fresh = self.ctx.spec.connector.connect();
                if let Err(e) = fresh.and_then(|conn| odbc::execute(&conn, &drop)) {
                    log::warn!(
                        "cannot drop the side table {} (the next run will): {e:#}",
                        self.ctx.spec.side_ref
                    );
                }
            }
            self.side_table = false;
        }
    }
}

/// Where the dialect casts each parameter to its column's type (PostgreSQL) but a column's cast
/// is not known (a `[column-types]` type as written), the catalog of the table just created says
/// it: `varchar(7)` is cast to `pg_catalog."varchar"`, so that the INSERT checks the length
/// instead of an explicit cast to `varchar(7)` cutting values short.
pub(super) fn casts_from_catalog(
    conn: &Connection,
    d: &dyn Dialect,
    schema: Option<&str>,
    table: &str,
    load: &mut [LoadColumn],
) -> anyhow::Result<()> {
    let casts = d.cast_type(&crate::plan::ColumnType::Int32).is_some();
    if !casts || load.iter().all(|c| c.target.cast.is_some()) {
        return Ok(());
    }
    let created = odbc::query_text(conn, &d.table_columns_sql(schema, table))
        .with_context(|| format!("reading the column types of {table} from the catalog"))?;
    for row in created {
        let name = row.first().cloned().flatten().unwrap_or_default();
        if let Some(c) = load
            .iter_mut()
            .find(|c| c.target.name == name && c.target.cast.is_none())
        {
            c.target.cast = row.get(2).cloned().flatten().filter(|t| !t.is_empty());
            if let Some(declared) = row.get(1).cloned().flatten() {
                c.target.column_type = d.target_column_type(&declared);
            }
        }
    }
    Ok(())
}

/// The side table's column names (quoted) and the SQL of each inserted value, in batch order.
/// The values' Arrow types after the dialect's `prepare_batch` decide the casts, so an empty
/// batch of the table's schema goes through it once.
pub(super) fn insert_columns(
    d: &dyn Dialect,
    shape: &TableShape,
    load: &[LoadColumn],
) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let probe = RecordBatch::new_empty(shape.arrow_schema());
    let (probe, _) = d.prepare_batch(probe, load)?;
    let columns = load.iter().map(|c| d.quote(&c.target.name)).collect();
    let params = probe
        .schema()
        .fields()
        .iter()
        .zip(load)
        .map(|(field, c)| d.parameter_sql(field.data_type(), &c.target))
        .collect();
    Ok((columns, params))
}

impl Sink for TargetTable<'_> {
    type Done = ();

    fn write_all(
        &mut self,
        batches: mpsc::Receiver<RecordBatch>,
        progress: &Progress,
    ) -> Result<(), TableError> {
        self.write_batches(batches, progress)
    }

    fn account(&self, report: &mut TableReport) {
        report.rows_written = self.rows_written();
        report.retries += self.retries();
        report.changed_values = self.changed_values();
    }

    fn finish(self, rows_read: u64, report: &mut TableReport) -> anyhow::Result<()> {
        if report.changed_values > 0 {
            log::warn!(
                "{}: {} {}",
                report.source,
                report.changed_values,
                self.ctx.spec.dialect.prepare_batch_effect()
            );
        }
        report.rows_written = self.complete(rows_read)?;
        log::info!(
            "{}: {rows_read} rows copied into {}",
            report.source,
            report.target
        );
        Ok(())
    }

    fn abandon(mut self) {
        self.drop_side_table();
    }
}
