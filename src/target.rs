//! Writing a table: prepare it for the write mode, insert batches (one transaction each, retried
//! after transient errors), check the row count, and swap a replaced table in.
//!
//! `replace` loads into a side table (`<table>_s2s_new`) and swaps it in only when it is complete
//! and its row count checked, so readers see the old table until then and a failed run leaves it
//! as it was. `truncate` and `append` write into the table itself; their committed batches stay
//! when a later batch fails.

use std::{
    sync::{
        Mutex, RwLock,
        atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering},
        mpsc,
    },
    thread,
};

use anyhow::{Context, bail};
use arrow_odbc::arrow::record_batch::RecordBatch;

use crate::{
    config::WriteMode,
    dialect::Dialect,
    interrupt,
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
    /// `DST_SCHEMA` (as the target stores it).
    pub schema: Option<String>,
    /// The table's name in the target (as the target stores it: see `Dialect::fold_name`).
    pub table: String,
    /// `WRITE_MODE`.
    pub write_mode: WriteMode,
    /// Retry knobs.
    pub retry: RetryPolicy,
}

/// What the writers of one table share. Each writer commits under a read guard of `gate`; a
/// writer that lost its connection counts the table's rows under the write guard, when no
/// other writer is between insert and commit, so the count is exact.
#[derive(Default)]
struct Shared {
    committed: AtomicU64,
    changed: AtomicUsize,
    retries: AtomicU32,
    gate: RwLock<()>,
    /// Writers whose connection died with a batch in flight that may or may not have been
    /// committed: (writer, rows).
    uncertain: Mutex<Vec<(usize, u64)>>,
}

/// Several writers lost their connection at once and the row count cannot tell whose batches
/// the server committed. A `replace` starts the table again (the swap makes that safe).
#[derive(Debug, Clone, Copy)]
pub struct AmbiguousCommit;

impl std::fmt::Display for AmbiguousCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "several connections were lost at once and the row count cannot tell which of their \
             batches were committed",
        )
    }
}

impl std::error::Error for AmbiguousCommit {}

/// Everything a writer needs besides its connection.
struct WriteContext<'a> {
    spec: TargetSpec<'a>,
    table_ref: String,
    columns: Vec<String>,
    base_rows: u64,
    shared: Shared,
}

/// A target table being written.
pub struct TargetTable<'a> {
    ctx: WriteContext<'a>,
    conn: Connection,
    load_into: String,
    side_table: bool,
    target_existed: bool,
}

impl<'a> TargetTable<'a> {
    /// Creates the schema when missing and prepares the table for the write mode.
    pub fn prepare(spec: TargetSpec<'a>, shape: &TableShape) -> anyhow::Result<Self> {
        let conn = spec.connector.connect()?;
        let d = spec.dialect;
        if let Some(schema) = spec.schema.as_deref()
            && d.has_schemas()
        {
            // Tables copied in parallel would race to create it (PostgreSQL answers a concurrent
            // CREATE SCHEMA IF NOT EXISTS with a unique violation): one at a time.
            static CREATING: Mutex<()> = Mutex::new(());
            let _one = CREATING.lock().unwrap_or_else(|e| e.into_inner());
            if !exists(&conn, &d.schema_exists_sql(schema))? {
                match d.create_schema_sql(schema) {
                    Some(sql) => odbc::execute(&conn, &sql)
                        .with_context(|| format!("creating the target schema {schema}"))?,
                    None => bail!(
                        "the target schema {schema} does not exist: {}",
                        d.missing_schema_advice(schema)
                    ),
                }
            }
        }
        let target_ref = d.table_ref(spec.schema.as_deref(), &spec.table);
        let target_existed = exists(
            &conn,
            &d.table_exists_sql(spec.schema.as_deref(), &spec.table),
        )?;
        let (load_into, side_table) = match spec.write_mode {
            WriteMode::Replace => {
                let side = format!("{}{SIDE_SUFFIX}", spec.table);
                let side_ref = d.table_ref(spec.schema.as_deref(), &side);
                // Tables a killed run left behind are dropped first: a half-loaded side table,
                // and (MariaDB) the old table of a swap that was not finished.
                odbc::execute(&conn, &d.drop_table_sql(&side_ref))?;
                if target_existed {
                    let old = format!("{}{OLD_SUFFIX}", spec.table);
                    odbc::execute(
                        &conn,
                        &d.drop_table_sql(&d.table_ref(spec.schema.as_deref(), &old)),
                    )?;
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
        let table_ref = d.table_ref(spec.schema.as_deref(), &load_into);
        Ok(TargetTable {
            ctx: WriteContext {
                spec,
                table_ref,
                columns,
                base_rows,
                shared: Shared::default(),
            },
            conn,
            load_into,
            side_table,
            target_existed,
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

    /// Writes one batch in its own transaction (see [`write_batch`]).
    pub fn write(&mut self, batch: RecordBatch) -> anyhow::Result<()> {
        write_batch(&self.ctx, 0, &mut self.conn, batch)
    }

    /// Writes every batch `batches` delivers, on `writers` connections at once (each batch one
    /// transaction); `progress` hears the rows committed so far. Stops at the first error.
    pub fn write_all(
        &mut self,
        batches: mpsc::Receiver<RecordBatch>,
        writers: usize,
        progress: &(dyn Fn(u64) + Sync),
    ) -> anyhow::Result<()> {
        let writers = writers.clamp(1, self.ctx.spec.dialect.max_writers());
        if writers == 1 {
            for batch in batches.iter() {
                interrupt::check()?;
                self.write(batch)?;
                progress(self.rows_written());
            }
            return Ok(());
        }
        let mut extra = Vec::with_capacity(writers - 1);
        for _ in 1..writers {
            let conn = self.ctx.spec.connector.connect()?;
            conn.set_autocommit(false)?;
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
                    scope.spawn(move || -> anyhow::Result<()> {
                        loop {
                            if stop.load(Ordering::SeqCst) {
                                return Ok(());
                            }
                            let next = batches.lock().unwrap_or_else(|e| e.into_inner()).recv();
                            let Ok(batch) = next else { return Ok(()) };
                            let written = interrupt::check()
                                .map_err(anyhow::Error::from)
                                .and_then(|()| write_batch(ctx, writer, conn, batch));
                            if let Err(e) = written {
                                stop.store(true, Ordering::SeqCst);
                                return Err(e);
                            }
                            progress(ctx.shared.committed.load(Ordering::SeqCst));
                        }
                    })
                })
                .collect();
            let mut first = Ok(());
            for handle in handles {
                let result = handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a writer thread panicked")));
                if first.is_ok() {
                    first = result;
                }
            }
            first
        })
    }

    /// Replaces the table's main connection; a failure is logged and left for the next attempt.
    fn reconnect(&mut self) {
        reconnect(&self.ctx, &mut self.conn);
    }

    /// Checks the rows written against `rows_read` and, for `replace`, swaps the side table in.
    pub fn finish(mut self, rows_read: u64) -> anyhow::Result<u64> {
        let written = self.rows_written();
        if written != rows_read {
            self.abandon();
            bail!("wrote {written} rows but read {rows_read}");
        }
        if self.side_table {
            let retry = self.ctx.spec.retry;
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
                self.ctx.shared.retries.fetch_add(1, Ordering::SeqCst);
                log::warn!(
                    "{}: transient error during the swap, retrying in {:.1} s: {}",
                    &self.ctx.spec.table,
                    wait.as_secs_f64(),
                    crate::config::secrets::redact(&format!("{error:#}"))
                );
                thread::sleep(wait);
                self.reconnect();
            }
            self.side_table = false;
        }
        let _ = self.conn.set_autocommit(true);
        Ok(written)
    }

    /// Checks the side table's row count and swaps it in. On a retry (`retry`), a side table
    /// that is gone means the previous attempt's swap went through before the error.
    fn check_and_swap(&mut self, rows_read: u64, retry: bool) -> anyhow::Result<()> {
        let d = self.ctx.spec.dialect;
        let side_ref = d.table_ref(self.ctx.spec.schema.as_deref(), &self.load_into);
        if retry
            && !exists(
                &self.conn,
                &d.table_exists_sql(self.ctx.spec.schema.as_deref(), &self.load_into),
            )?
        {
            let _ = self.conn.rollback();
            log::info!("{}: the swap had gone through", self.ctx.spec.table);
            return Ok(());
        }
        let counted = count_rows(&self.conn, &side_ref)?;
        // End the read before writing: a read lock held into the swap deadlocks two tables
        // swapping at once on SQLite (each holds a read lock the other's commit waits for).
        let _ = self.conn.rollback();
        if counted != rows_read {
            bail!("the side table {side_ref} holds {counted} rows, expected {rows_read}");
        }
        let swap = d.swap(
            self.ctx.spec.schema.as_deref(),
            &self.load_into,
            &self.ctx.spec.table,
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
                .ctx
                .spec
                .dialect
                .table_ref(self.ctx.spec.schema.as_deref(), &self.load_into);
            let drop = self.ctx.spec.dialect.drop_table_sql(&side_ref);
            if odbc::execute(&self.conn, &drop).is_err() {
                // The connection may be what failed: try once more on a fresh one.
                let fresh = self.ctx.spec.connector.connect();
                if let Err(e) = fresh.and_then(|conn| odbc::execute(&conn, &drop)) {
                    log::warn!("cannot drop the side table {side_ref} (the next run will): {e:#}");
                }
            }
            self.side_table = false;
        }
    }
}

/// Writes one batch in its own transaction on `conn` (writer number `writer`), retrying
/// transient errors with backoff and re-opening the connection when it died. When a connection
/// dies during the COMMIT, the server may have committed the batch before the client heard so:
/// the batch is then *uncertain*, and it is not written again until the table's row count says
/// whether it is there ([`resolve_uncertain`]), so no batch is lost or written twice.
fn write_batch(
    ctx: &WriteContext<'_>,
    writer: usize,
    conn: &mut Connection,
    batch: RecordBatch,
) -> anyhow::Result<()> {
    let spec = &ctx.spec;
    let (batch, changed) = spec.dialect.prepare_batch(batch)?;
    ctx.shared.changed.fetch_add(changed, Ordering::SeqCst);
    let rows = batch.num_rows() as u64;
    let mut waits = spec.retry.backoff();
    let mut uncertain = false;
    loop {
        // Only a failure of the COMMIT itself can leave the batch committed: a failed INSERT
        // means the transaction never reached its commit.
        let mut in_commit = false;
        let error = if uncertain {
            // Count before writing again.
            match resolve_uncertain(ctx, writer, conn, rows) {
                Ok(true) => return Ok(()),
                Ok(false) => {
                    uncertain = false;
                    continue;
                }
                Err(e) if retry::classify(&e) == ErrorClass::Permanent => {
                    forget_uncertain(ctx, writer);
                    return Err(e);
                }
                Err(e) => e,
            }
        } else {
            let _commit = ctx.shared.gate.read().unwrap_or_else(|e| e.into_inner());
            let inserted =
                spec.dialect
                    .insert_strategy()
                    .insert(conn, &ctx.table_ref, &ctx.columns, &batch);
            match inserted.and_then(|()| {
                in_commit = true;
                conn.commit().context("committing the batch")
            }) {
                Ok(()) => {
                    ctx.shared.committed.fetch_add(rows, Ordering::SeqCst);
                    return Ok(());
                }
                Err(e) => e,
            }
        };
        let _ = conn.rollback();
        let class = retry::classify(&error);
        let wait = waits.next().flatten();
        match (class, wait) {
            (ErrorClass::Permanent, _) => return Err(error),
            (ErrorClass::Transient { .. }, None) => {
                forget_uncertain(ctx, writer);
                return Err(error.context(format!(
                    "giving up after {} retries (DIRECT_MAX_RETRIES)",
                    spec.retry.max_retries
                )));
            }
            (ErrorClass::Transient { reconnect: lost }, Some(wait)) => {
                ctx.shared.retries.fetch_add(1, Ordering::SeqCst);
                let dead = lost || conn.is_dead().unwrap_or(true);
                if dead && in_commit && !uncertain {
                    uncertain = true;
                    ctx.shared
                        .uncertain
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((writer, rows));
                }
                log::warn!(
                    "{}: transient error, retrying the batch in {:.1} s: {}",
                    spec.table,
                    wait.as_secs_f64(),
                    crate::config::secrets::redact(&format!("{error:#}"))
                );
                thread::sleep(wait);
                if dead {
                    reconnect(ctx, conn);
                }
            }
        }
    }
}

/// Decides, from the table's row count, whether this writer's uncertain batch was committed
/// (`true`) or not (`false`). Runs under the write guard, so no other writer is between insert
/// and commit: the count is the rows committed by this run, plus the uncertain batches that the
/// server committed. When the count can be made up of the uncertain batches in more than one
/// way that disagree on this batch, the answer is [`AmbiguousCommit`]; a count that no
/// combination explains means someone else wrote to the table.
fn resolve_uncertain(
    ctx: &WriteContext<'_>,
    writer: usize,
    conn: &Connection,
    rows: u64,
) -> anyhow::Result<bool> {
    let _exclusive = ctx.shared.gate.write().unwrap_or_else(|e| e.into_inner());
    let before = ctx.base_rows + ctx.shared.committed.load(Ordering::SeqCst);
    let now = count_rows(conn, &ctx.table_ref)?;
    let _ = conn.rollback();
    let pending: Vec<(usize, u64)> = ctx
        .shared
        .uncertain
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let extra = now.checked_sub(before);
    // Which subsets of the uncertain batches add up to the extra rows?
    let mut with_me = false;
    let mut without_me = false;
    for mask in 0u32..(1 << pending.len().min(16)) {
        let sum: u64 = pending
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, (_, n))| n)
            .sum();
        if Some(sum) == extra {
            let mine = pending
                .iter()
                .enumerate()
                .any(|(i, (w, _))| *w == writer && mask & (1 << i) != 0);
            if mine {
                with_me = true;
            } else {
                without_me = true;
            }
        }
    }
    let committed = match (with_me, without_me) {
        (true, false) => true,
        (false, true) => false,
        (true, true) => {
            forget_uncertain(ctx, writer);
            return Err(anyhow::Error::new(AmbiguousCommit));
        }
        (false, false) => {
            forget_uncertain(ctx, writer);
            bail!(
                "{} holds {now} rows after the connection was lost, which the batches of this \
                 run cannot explain (expected {before} plus some of the interrupted batches); it \
                 was changed outside this run",
                ctx.table_ref
            )
        }
    };
    forget_uncertain(ctx, writer);
    if committed {
        ctx.shared.committed.fetch_add(rows, Ordering::SeqCst);
        log::info!(
            "{}: the batch had been committed before the connection was lost",
            ctx.spec.table
        );
    }
    Ok(committed)
}

fn forget_uncertain(ctx: &WriteContext<'_>, writer: usize) {
    ctx.shared
        .uncertain
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(w, _)| *w != writer);
}

/// Replaces `conn` with a new connection in manual-commit mode; a failure is logged and left
/// for the next attempt to hit.
fn reconnect(ctx: &WriteContext<'_>, conn: &mut Connection) {
    match ctx.spec.connector.connect() {
        Ok(new) => {
            if let Err(e) = new.set_autocommit(false) {
                log::warn!("re-opened target connection refuses manual commit: {e}");
            }
            *conn = new;
            log::info!("{}: target connection re-opened", ctx.spec.table);
        }
        Err(e) => log::warn!(
            "{}: cannot re-open the target connection: {e:#}",
            ctx.spec.table
        ),
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
