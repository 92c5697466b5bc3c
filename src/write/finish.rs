//! The last step of a load: the side table's row count checked, then the swap, or one
//! transaction that (empties and) fills the target table from it; retried after transient
//! errors.

use std::{
    sync::atomic::Ordering,
    thread,
    time::{Duration, Instant},
};

use anyhow::bail;

use super::{TargetTable, count_rows, exists, keys, write_plan::Finish};
use crate::{
    dialect::{RowsInto, SHORT_LOCK_WAIT_SECONDS},
    interrupt, odbc,
    retry::{self, ErrorClass},
};

impl TargetTable<'_> {
    /// Checks the rows written against `rows_read`, then ends the load on the target table as
    /// planned: swap, or one transaction that (empties and) fills it from the side table. The
    /// end step is retried after transient errors.
    pub(super) fn complete(mut self, rows_read: u64) -> anyhow::Result<u64> {
        let written = self.rows_written();
        if written != rows_read {
            self.drop_side_table();
            bail!("wrote {written} rows but read {rows_read}");
        }
        let checked = keys::refuse_null_keys(&self.conn, &self.ctx.spec, &self.upsert_keys)
            .and_then(|()| self.lock.confirm(&self.ctx.spec));
        if let Err(e) = checked {
            self.drop_side_table();
            return Err(e);
        }
        let retry = self.ctx.spec.options.retry;
        let mut waits = retry.backoff();
        let mut tried = false;
        let mut turns = LockTurns::default();
        loop {
            let error = match self.finish_once(rows_read, tried) {
                Ok(()) => break,
                Err(e) => e,
            };
            tried = true;
            if self.short_wait_ended(&error) {
                match self.next_turn(&mut turns) {
                    Ok(pause) => {
                        thread::sleep(pause);
                        continue;
                    }
                    Err(e) => {
                        self.drop_side_table();
                        return Err(e);
                    }
                }
            }
            let wait = match retry::classify(&error) {
                ErrorClass::Transient { .. } => waits.next().flatten(),
                ErrorClass::Permanent => None,
            };
            let Some(wait) = wait else {
                self.drop_side_table();
                return Err(error.context(self.final_step()));
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
        if let Some(short) = d.short_lock_wait(&spec.table_ref) {
            // Waits for the target table's locks end after a few seconds (see next_turn).
            self.run_autocommit(&short.set)?;
        }
        let side = spec.side.clone();
        let side_ref = spec.side_ref.clone();
        let target_ref = spec.table_ref.clone();
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
        if !self.side_counted {
            let counted = count_rows(&self.conn, &side_ref)?;
            // End the read before writing: a read lock held into the swap deadlocks two tables
            // swapping at once on SQLite (each holds a read lock the other's commit waits for).
            let _ = self.conn.rollback();
            if counted != rows_read {
                bail!("the side table {side_ref} holds {counted} rows, expected {rows_read}");
            }
            self.side_counted = true;
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
                let into = match self.plan.finish {
                    Finish::Refresh => RowsInto::Refresh,
                    _ if !self.upsert_keys.is_empty() => RowsInto::Upsert(&self.upsert_keys),
                    _ => RowsInto::Append,
                };
                let merge = d.merge(
                    &target_ref,
                    &side_ref,
                    &self.ctx.columns,
                    &self.plan.added,
                    into,
                );
                if !self.before_done {
                    self.run_autocommit(&merge.before)?;
                    self.before_done = true;
                }
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

    /// What the last step does, for messages.
    fn final_step(&self) -> &'static str {
        match self.plan.finish {
            Finish::Swap => "swapping the new table in",
            Finish::Refresh => "refreshing the table from the side table",
            Finish::Append if !self.upsert_keys.is_empty() => "upserting the side table's rows",
            Finish::Append => "appending the side table's rows",
        }
    }

    /// `error` is the end of one short wait for the target table's locks.
    fn short_wait_ended(&self, error: &anyhow::Error) -> bool {
        let spec = &self.ctx.spec;
        let (Some(short), Some((state, native))) = (
            spec.dialect.short_lock_wait(&spec.table_ref),
            retry::diagnostic(error),
        ) else {
            return false;
        };
        short.state == Some(state.as_str()) || short.native == Some(native)
    }

    /// After a short wait for the target table's locks ended: how long to pause before the next
    /// one, or the table's error once `SWAP_WAIT_SECONDS` are over (or the run is interrupted).
    /// Each wait is logged with the sessions holding locks on the table, where the DBMS tells.
    fn next_turn(&self, turns: &mut LockTurns) -> anyhow::Result<Duration> {
        let spec = &self.ctx.spec;
        let started = *turns.started.get_or_insert_with(Instant::now);
        turns.count += 1;
        // The wait's transaction is over (PostgreSQL aborted it): end it before asking.
        let _ = self.conn.rollback();
        let holders = spec
            .dialect
            .short_lock_wait(&spec.table_ref)
            .and_then(|short| short.holders)
            .and_then(|sql| odbc::query_value(&self.conn, &sql).ok().flatten())
            .unwrap_or_else(|| "sessions the DBMS does not name".into());
        let _ = self.conn.rollback();
        let limit = spec.options.swap_wait;
        let waited = started.elapsed();
        if interrupt::requested() {
            bail!(interrupt::Interrupted);
        }
        if waited >= limit {
            bail!(
                "{} could not get the locks of {} within {} s (SWAP_WAIT_SECONDS), held by \
                 {holders}; the table's rows are as they were. Let those sessions finish (or stop them), \
                 or raise SWAP_WAIT_SECONDS",
                self.final_step(),
                spec.display,
                limit.as_secs()
            );
        }
        let pause = Duration::from_secs(turns.count.min(5)).min(limit - waited);
        if turns
            .said
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(30))
        {
            log::warn!(
                "{}: {} waits for the locks of {}, held by {holders}; trying again every few \
                 seconds for {} s more (SWAP_WAIT_SECONDS), so that readers of the table never \
                 wait longer than {SHORT_LOCK_WAIT_SECONDS} s behind it",
                spec.name,
                self.final_step(),
                spec.display,
                (limit - waited).as_secs()
            );
            turns.said = Some(Instant::now());
        }
        Ok(pause)
    }
}

/// The short waits of one last step for the target table's locks.
#[derive(Default)]
struct LockTurns {
    started: Option<Instant>,
    count: u64,
    said: Option<Instant>,
}
