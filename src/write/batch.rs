//! Writing one batch: its own transaction, retried after transient errors, with a lost COMMIT
//! resolved by the side table's row count, so that no batch is lost or written twice.

use std::{
    sync::{
        Mutex, RwLock,
        atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering},
    },
    thread,
};

use anyhow::{Context, anyhow};
use arrow_odbc::arrow::record_batch::RecordBatch;

use super::{TargetSpec, count_rows, open};
use crate::{
    error::TableError,
    odbc::Connection,
    plan::LoadColumn,
    retry::{self, ErrorClass},
};

/// What the writers of one table share. Each writer commits under a read guard of `gate`; a
/// writer that lost its connection counts the table's rows under the write guard, when no
/// other writer is between insert and commit, so the count is exact.
#[derive(Default)]
pub(super) struct Shared {
    pub(super) committed: AtomicU64,
    pub(super) changed: AtomicUsize,
    pub(super) retries: AtomicU32,
    gate: RwLock<()>,
    /// Writers whose connection died with a batch in flight that may or may not have been
    /// committed: (writer, rows).
    uncertain: Mutex<Vec<(usize, u64)>>,
}

/// Everything a writer needs besides its connection.
pub(super) struct WriteContext<'a> {
    pub(super) spec: TargetSpec<'a>,
    /// Where each batch column goes.
    pub(super) load: Vec<LoadColumn>,
    /// The side table's columns, quoted, in batch order.
    pub(super) columns: Vec<String>,
    /// The SQL of each inserted value (parameter markers and casts), in batch order.
    pub(super) params: Vec<String>,
    pub(super) shared: Shared,
}

/// Writes one batch in its own transaction on `conn` (writer number `writer`), retrying
/// transient errors with backoff and re-opening the connection when it died. When a connection
/// dies during the COMMIT, the server may have committed the batch before the client heard so:
/// the batch is then *uncertain*, and it is not written again until the table's row count says
/// whether it is there ([`resolve_uncertain`]), so no batch is lost or written twice.
pub(super) fn write_batch(
    ctx: &WriteContext<'_>,
    writer: usize,
    conn: &mut Connection,
    batch: RecordBatch,
) -> Result<(), TableError> {
    let spec = &ctx.spec;
    let (batch, changed) = spec.dialect.prepare_batch(batch, &ctx.load)?;
    ctx.shared.changed.fetch_add(changed, Ordering::SeqCst);
    let rows = batch.num_rows() as u64;
    let mut waits = spec.options.retry.backoff();
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
                Err(TableError::Failed(e)) if retry::classify(&e) != ErrorClass::Permanent => e,
                Err(e) => {
                    forget_uncertain(ctx, writer);
                    return Err(e);
                }
            }
        } else {
            let _commit = ctx.shared.gate.read().unwrap_or_else(|e| e.into_inner());
            let inserted = spec.dialect.insert_strategy().insert(
                conn,
                &ctx.spec.side_ref,
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
        // An error on a connection that died is a lost connection, whatever the driver calls it
        // (psqlODBC answers a killed session's statement with HY000 "internal SAVEPOINT failed").
        let class = match retry::classify(&error) {
            ErrorClass::Permanent if conn.is_dead().unwrap_or(false) => {
                ErrorClass::Transient { reconnect: true }
            }
            class => class,
        };
        let wait = waits.next().flatten();
        match (class, wait) {
            (ErrorClass::Permanent, _) => return Err(error.into()),
            (ErrorClass::Transient { .. }, None) => {
                forget_uncertain(ctx, writer);
                return Err(error
                    .context(format!(
                        "giving up after {} retries (DIRECT_MAX_RETRIES)",
                        spec.options.retry.max_retries
                    ))
                    .into());
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
/// way that disagree on this batch, the answer is [`TableError::AmbiguousCommit`]; a count that no
/// combination explains means someone else wrote to the table.
fn resolve_uncertain(
    ctx: &WriteContext<'_>,
    writer: usize,
    conn: &Connection,
    rows: u64,
) -> Result<bool, TableError> {
    let _exclusive = ctx.shared.gate.write().unwrap_or_else(|e| e.into_inner());
    let before = ctx.shared.committed.load(Ordering::SeqCst);
    let now = count_rows(conn, &ctx.spec.side_ref)?;
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
            return Err(TableError::AmbiguousCommit);
        }
        (false, false) => {
            forget_uncertain(ctx, writer);
            return Err(anyhow!(
                "{} holds {now} rows after the connection was lost, which the batches of this \
                 run cannot explain (expected {before} plus some of the interrupted batches); it \
                 was changed outside this run",
                ctx.spec.side_ref
            )
            .into());
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
pub(super) fn reconnect(ctx: &WriteContext<'_>, conn: &mut Connection) {
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
