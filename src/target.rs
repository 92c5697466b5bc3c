//! Writing a table: plan it, load a side table (batches in their own transactions, retried after
//! transient errors), check the row count, and end with one short step on the target table.
//!
//! Every write mode loads into a side table (`<table>_s2s_new`) and touches the target table only
//! at the end ([`crate::write_plan`] decides how): `replace` swaps the side table in, `truncate`
//! empties the table and copies the side table into it in one transaction, `append` copies it in
//! one transaction. So a table whose copy fails or is killed holds exactly what it held before,
//! in every write mode, and readers see the old rows until the end.

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
    dialect::Dialect,
    interrupt,
    odbc::{self, Connection, Connector},
    plan::TableShape,
    retry::{self, ErrorClass, RetryPolicy},
    write_plan::{ExistingTable, Finish, LoadColumn, PlanOptions, WritePlan},
};

pub use crate::dialect::{CHECK_SUFFIX, OLD_SUFFIX, SIDE_SUFFIX};

/// Suffix of the empty copy of an existing table that `check` tries a refresh on.
pub const COPY_SUFFIX: &str = "_s2s_copy";

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
    /// `WRITE_MODE`, `SCHEMA_CHANGES`, `LOWERCASE_COLUMNS`.
    pub options: PlanOptions,
    /// Retry knobs.
    pub retry: RetryPolicy,
}

impl TargetSpec<'_> {
    /// `schema.table`, quoted, for a table named `table` in the target schema.
    pub fn table_ref(&self, table: &str) -> String {
        self.dialect.table_ref(self.schema.as_deref(), table)
    }

    /// The name of the target table with `suffix` (the side table, the old table, ...),
    /// shortened where the DBMS's names are shorter (see `dialect::suffixed_name`).
    pub fn suffixed(&self, suffix: &str) -> String {
        crate::dialect::suffixed_name(self.dialect, &self.table, suffix)
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
    Ok(WritePlan::new(
        spec.dialect,
        spec.options,
        shape,
        existing.as_ref(),
    ))
}

/// Creates the target schema when it is missing and the DBMS can create one.
fn ensure_schema(conn: &Connection, d: &dyn Dialect, schema: Option<&str>) -> anyhow::Result<()> {
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
/// the server committed. The table starts again (the side table makes that safe).
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
    /// The side table, quoted.
    table_ref: String,
    /// Where each batch column goes.
    load: Vec<LoadColumn>,
    /// The side table's columns, quoted, in batch order.
    columns: Vec<String>,
    /// The SQL of each inserted value (parameter markers and casts), in batch order.
    params: Vec<String>,
    shared: Shared,
}

/// A target table being written.
pub struct TargetTable<'a> {
    ctx: WriteContext<'a>,
    conn: Connection,
    plan: WritePlan,
    /// The side table still exists (not yet swapped, merged or dropped).
    side_table: bool,
    /// Rows in the target before an `append` on a DBMS whose DDL commits: after a lost
    /// connection, the count tells whether the final copy was committed.
    append_base: Option<u64>,
}

impl<'a> TargetTable<'a> {
    /// Plans the write (see [`crate::write_plan`]), refusing before anything is written when the
    /// values cannot go in; creates the schema when missing and the side table.
    pub fn prepare(spec: TargetSpec<'a>, shape: &TableShape) -> anyhow::Result<Self> {
        let d = spec.dialect;
        let conn = open(spec.connector, d)?;
        ensure_schema(&conn, d, spec.schema.as_deref())?;
        let plan = plan(&conn, &spec, shape)?;
        plan.accepted()?;
        for warning in &plan.warnings {
            log::warn!("{}: {warning}", spec.table);
        }
        log::debug!("{}: {}", spec.table, plan.action());
        let side_ref = spec.table_ref(&spec.suffixed(SIDE_SUFFIX));
        // Tables a killed run left behind are dropped first: a half-loaded side table, and
        // (MariaDB) the old table of a swap that was not finished.
        odbc::execute(&conn, &d.drop_table_sql(&side_ref))?;
        if plan.target_exists {
            odbc::execute(
                &conn,
                &d.drop_table_sql(&spec.table_ref(&spec.suffixed(OLD_SUFFIX))),
            )?;
        }
        odbc::execute(&conn, &d.create_table_sql(&side_ref, &plan.side_columns()))
            .with_context(|| format!("creating the side table {side_ref}"))?;
        let append_base = if plan.finish == Finish::Append && !d.transactional_ddl() {
            Some(count_rows(&conn, &spec.table_ref(&spec.table))?)
        } else {
            None
        };
        conn.set_autocommit(false)?;
        let (columns, params) = insert_columns(d, shape, &plan.load)?;
        Ok(TargetTable {
            ctx: WriteContext {
                spec,
                table_ref: side_ref,
                load: plan.load.clone(),
                columns,
                params,
                shared: Shared::default(),
            },
            conn,
            plan,
            side_table: true,
            append_base,
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
            let conn = open(self.ctx.spec.connector, self.ctx.spec.dialect)?;
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

    /// Checks the rows written against `rows_read`, then ends the load on the target table as
    /// planned: swap, or one transaction that (empties and) fills it from the side table. The
    /// end step is retried after transient errors.
    pub fn finish(mut self, rows_read: u64) -> anyhow::Result<u64> {
        let written = self.rows_written();
        if written != rows_read {
            self.abandon();
            bail!("wrote {written} rows but read {rows_read}");
        }
        let retry = self.ctx.spec.retry;
        let mut waits = retry.backoff();
        let mut tried = false;
        loop {
            let error = match self.finish_once(rows_read, tried) {
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
                let what = match self.plan.finish {
                    Finish::Swap => "swapping the new table in",
                    Finish::Refresh => "refreshing the table from the side table",
                    Finish::Append => "appending the side table's rows",
                };
                return Err(error.context(what));
            };
            self.ctx.shared.retries.fetch_add(1, Ordering::SeqCst);
            log::warn!(
                "{}: transient error at the end of the load, retrying in {:.1} s: {}",
                &self.ctx.spec.table,
                wait.as_secs_f64(),
                crate::config::secrets::redact(&format!("{error:#}"))
            );
            thread::sleep(wait);
            self.reconnect();
        }
        self.side_table = false;
        let _ = self.conn.set_autocommit(true);
        Ok(written)
    }

    /// Checks the side table's row count and ends the load. On a retry (`retry`), a side table
    /// that is gone means the previous attempt went through before the error (the side table is
    /// dropped in the same transaction, or right after its commit).
    fn finish_once(&mut self, rows_read: u64, retry: bool) -> anyhow::Result<()> {
        let spec = &self.ctx.spec;
        let d = spec.dialect;
        let side = spec.suffixed(SIDE_SUFFIX);
        let side_ref = self.ctx.table_ref.clone();
        let target_ref = spec.table_ref(&spec.table);
        if retry
            && !exists(
                &self.conn,
                &d.table_exists_sql(spec.schema.as_deref(), &side),
            )?
        {
            let _ = self.conn.rollback();
            log::info!("{}: the load had been completed", spec.table);
            return Ok(());
        }
        if retry && let Some(base) = self.append_base {
            // The copy was committed when the target holds its rows and the side table's.
            let now = count_rows(&self.conn, &target_ref)?;
            let _ = self.conn.rollback();
            if now == base + rows_read {
                log::info!("{}: the rows had been appended", spec.table);
                self.run_autocommit(&[d.drop_table_sql(&side_ref)])?;
                return Ok(());
            }
        }
        let counted = count_rows(&self.conn, &side_ref)?;
        // End the read before writing: a read lock held into the swap deadlocks two tables
        // swapping at once on SQLite (each holds a read lock the other's commit waits for).
        let _ = self.conn.rollback();
        if counted != rows_read {
            bail!("the side table {side_ref} holds {counted} rows, expected {rows_read}");
        }
        match self.plan.finish {
            Finish::Swap => {
                let swap = d.swap(
                    spec.schema.as_deref(),
                    &side,
                    &spec.table,
                    self.plan.target_exists,
                );
                if swap.transactional {
                    self.run_transaction(&swap.statements)
                } else {
                    self.run_autocommit(&swap.statements)
                }
            }
            Finish::Refresh | Finish::Append => {
                let merge = d.merge(
                    &target_ref,
                    &side_ref,
                    &self.ctx.columns,
                    &self.plan.added,
                    self.plan.finish == Finish::Refresh,
                );
                self.run_autocommit(&merge.before)?;
                self.run_transaction(&merge.transaction)?;
                if let Err(e) = self.run_autocommit(&merge.after) {
                    log::warn!(
                        "{}: the rows are in, but the side table could not be dropped (the next \
                         run will): {e:#}",
                        self.ctx.spec.table
                    );
                }
                Ok(())
            }
        }
    }

    /// Runs `statements` in one transaction and commits; rolls back on an error.
    fn run_transaction(&self, statements: &[String]) -> anyhow::Result<()> {
        let result = statements
            .iter()
            .try_for_each(|sql| odbc::execute(&self.conn, sql))
            .and_then(|()| Ok(self.conn.commit()?));
        if result.is_err() {
            let _ = self.conn.rollback();
        }
        result
    }

    /// Runs `statements` one by one, each committed on its own.
    fn run_autocommit(&self, statements: &[String]) -> anyhow::Result<()> {
        if statements.is_empty() {
            return Ok(());
        }
        let _ = self.conn.rollback();
        self.conn.set_autocommit(true)?;
        let result = statements
            .iter()
            .try_for_each(|sql| odbc::execute(&self.conn, sql));
        let _ = self.conn.set_autocommit(false);
        result
    }

    /// Gives up: the side table is dropped; the target table stays as it is.
    pub fn abandon(&mut self) {
        let _ = self.conn.rollback();
        if self.side_table {
            let _ = self.conn.set_autocommit(true);
            let drop = self.ctx.spec.dialect.drop_table_sql(&self.ctx.table_ref);
            if odbc::execute(&self.conn, &drop).is_err() {
                // The connection may be what failed: try once more on a fresh one.
                let fresh = self.ctx.spec.connector.connect();
                if let Err(e) = fresh.and_then(|conn| odbc::execute(&conn, &drop)) {
                    log::warn!(
                        "cannot drop the side table {} (the next run will): {e:#}",
                        self.ctx.table_ref
                    );
                }
            }
            self.side_table = false;
        }
    }
}

/// The side table's column names (quoted) and the SQL of each inserted value, in batch order.
/// The values' Arrow types after the dialect's `prepare_batch` decide the casts, so an empty
/// batch of the table's schema goes through it once.
fn insert_columns(
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

/// Inserts `batch` (the first rows of a table) the way a run would, into tables that are rolled
/// back or dropped afterwards, so that `check` can say the values go in. With transactional DDL
/// the side table itself is created in a transaction; otherwise the sample goes into a temporary
/// table. For an existing table the sample then goes on the way the last step moves rows: for an
/// append into the table itself, for a refresh into an empty temporary copy of its definition
/// (the rows already there must not collide with it); both rolled back. `Ok(Some(why))` when the
/// sample could not be tried (MariaDB without a database to hold a temporary table).
pub fn sample(
    spec: &TargetSpec<'_>,
    shape: &TableShape,
    plan: &WritePlan,
    batch: RecordBatch,
) -> anyhow::Result<Option<String>> {
    let d = spec.dialect;
    let conn = open(spec.connector, d)?;
    conn.set_autocommit(false)?;
    let transactional = d.transactional_ddl();
    let sample_name = spec.suffixed(CHECK_SUFFIX);
    let schema_missing = match spec.schema.as_deref() {
        Some(schema) if d.has_schemas() => !exists(&conn, &d.schema_exists_sql(schema))?,
        _ => false,
    };
    let sample_ref = match spec.schema.as_deref() {
        // A temporary table needs an existing schema (MariaDB: a database); without one it goes
        // into the connection's own.
        _ if !transactional && schema_missing => d.temporary_table_ref(None, &sample_name),
        schema if !transactional => d.temporary_table_ref(schema, &sample_name),
        schema => d.table_ref(schema, &sample_name),
    };
    let copy_ref = d.temporary_table_ref(spec.schema.as_deref(), &spec.suffixed(COPY_SUFFIX));
    let target_ref = spec.table_ref(&spec.table);
    let (columns, params) = insert_columns(d, shape, &plan.load)?;
    let (batch, _) = d.prepare_batch(batch, &plan.load)?;
    let mut temporary = Vec::new();
    let mut attempt = || -> anyhow::Result<Option<String>> {
        if transactional {
            ensure_schema(&conn, d, spec.schema.as_deref())?;
            odbc::execute(
                &conn,
                &d.create_table_sql(&sample_ref, &plan.side_columns()),
            )?;
        } else {
            let created = odbc::execute(
                &conn,
                &d.create_temporary_table_sql(&sample_ref, &plan.side_columns()),
            );
            if let Err(e) = created {
                if schema_missing {
                    return Ok(Some(format!(
                        "the target schema does not exist yet and the connection has no \
                         database to hold a temporary table ({})",
                        crate::report::brief(&e)
                    )));
                }
                return Err(e);
            }
            temporary.push(sample_ref.clone());
        }
        d.insert_strategy()
            .insert(&conn, &sample_ref, &columns, &params, &batch)
            .context("inserting the sample")?;
        let into = match plan.finish {
            Finish::Swap => return Ok(None),
            Finish::Append => target_ref.clone(),
            Finish::Refresh => {
                odbc::execute(&conn, &d.empty_copy_sql(&copy_ref, &target_ref))?;
                temporary.push(copy_ref.clone());
                copy_ref.clone()
            }
        };
        // Added columns: on the temporary copy always, on the table itself only where DDL rolls
        // back; otherwise they are left out of the copy.
        let add_here = transactional || plan.finish == Finish::Refresh;
        if add_here {
            for column in &plan.added {
                odbc::execute(&conn, &d.add_column_sql(&into, column))?;
            }
        }
        let list = columns
            .iter()
            .zip(&plan.load)
            .filter(|(_, c)| add_here || !plan.added.iter().any(|a| a.name == c.target.name))
            .map(|(q, _)| q.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        odbc::execute(
            &conn,
            &format!("INSERT INTO {into} ({list}) SELECT {list} FROM {sample_ref}"),
        )
        .context("copying the sample into the table")?;
        Ok(None)
    };
    let result = attempt();
    let _ = conn.rollback();
    if !transactional {
        let _ = conn.set_autocommit(true);
        for table in &temporary {
            let _ = odbc::execute(&conn, &d.drop_table_sql(table));
        }
    }
    result
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
    let (batch, changed) = spec.dialect.prepare_batch(batch, &ctx.load)?;
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
            let inserted = spec.dialect.insert_strategy().insert(
                conn,
                &ctx.table_ref,
                &ctx.columns,
                &ctx.params,
                &batch,
            );
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
    let before = ctx.shared.committed.load(Ordering::SeqCst);
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
    match open(ctx.spec.connector, ctx.spec.dialect) {
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
