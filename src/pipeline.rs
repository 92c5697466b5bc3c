//! Threads: tables copied side by side on worker threads, and within one table a reading thread
//! that hands batches through a channel to the writing side.

use std::{
    sync::{
        Mutex,
        atomic::{AtomicU64, AtomicUsize, Ordering},
        mpsc,
    },
    thread,
};

use anyhow::anyhow;
use arrow_odbc::arrow::record_batch::RecordBatch;

use crate::{error::TableError, interrupt};

/// Runs `job` for every item on `workers` threads (each with its own `W`, e.g. a source
/// connection opened when its first table needs it), taking items in order; the results come
/// back in the items' order.
pub fn in_parallel<I: Sync, W: Default, R: Send>(
    workers: usize,
    items: &[I],
    job: impl Fn(&mut W, &I) -> R + Sync,
) -> Vec<R> {
    let workers = workers.clamp(1, items.len().max(1));
    if workers == 1 {
        let mut own = W::default();
        return items.iter().map(|item| job(&mut own, item)).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut own = W::default();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    let result = job(&mut own, item);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every item was run"))
        .collect()
}

/// The producing end of a [`pipeline`]: counts rows and stops on an interrupt.
pub struct Outlet<'a> {
    tx: mpsc::SyncSender<RecordBatch>,
    rows: &'a AtomicU64,
}

impl Outlet<'_> {
    /// Hands a batch to the consumer; `false` when the run must stop.
    pub fn send(&self, batch: RecordBatch) -> bool {
        if interrupt::requested() {
            return false;
        }
        self.rows
            .fetch_add(batch.num_rows() as u64, Ordering::Relaxed);
        self.tx.send(batch).is_ok()
    }
}

/// Runs `produce` on a thread of its own while `consume` takes the batches it sends from the
/// channel on this thread (and any threads of its own), so producing (fetching, decoding) and
/// consuming (inserting, encoding) overlap. One batch waits in the channel while the next is
/// produced, so memory holds a few batches at most. Returns the rows produced, or those
/// produced so far with the first error.
pub fn pipeline(
    produce: impl FnOnce(&Outlet<'_>) -> Result<(), TableError> + Send,
    consume: impl FnOnce(mpsc::Receiver<RecordBatch>) -> Result<(), TableError>,
) -> Result<u64, (u64, TableError)> {
    let rows = AtomicU64::new(0);
    thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<RecordBatch>(1);
        let rows = &rows;
        let producer = scope.spawn(move || produce(&Outlet { tx, rows }));
        // `consume` owns the receiver: when it stops early, the producer's next send fails.
        let consumed = consume(rx);
        let produced = producer
            .join()
            .unwrap_or_else(|_| Err(anyhow!("the reading thread panicked").into()));
        let n = rows.load(Ordering::Relaxed);
        match (produced, consumed) {
            (_, Err(e)) => Err((n, e)),
            (Err(e), Ok(())) => Err((n, e)),
            (Ok(()), Ok(())) if interrupt::requested() => Err((n, interrupt::Interrupted.into())),
            (Ok(()), Ok(())) => Ok(n),
        }
    })
}
