//! One table's journey, the same in every mode: batches come from a [`BatchSource`] (a table read
//! through ODBC, or a dump's Parquet files) and go into a [`Sink`] (the target table, or Parquet
//! part files). DIRECT is ODBC -> table; DUMP is ODBC -> Parquet, then Parquet -> table; LOAD is
//! Parquet -> table. [`copy`] is the whole journey: describe, open the sink, stream (reading and
//! writing overlap, see [`pipeline`]), check and finish, or abandon; and start again when the
//! source connection was lost.

use std::sync::mpsc;

use arrow_odbc::arrow::record_batch::RecordBatch;

use crate::{
    config::secrets,
    error::TableError,
    interrupt,
    pipeline::{Outlet, pipeline},
    plan::TableShape,
    progress::Progress,
    report::{Status, TableReport},
    retry::RetryPolicy,
};

/// What a source will deliver.
pub struct Described {
    /// The columns.
    pub shape: TableShape,
    /// The rows expected (`COUNT(*)`, or the manifest's count), when known.
    pub rows: Option<u64>,
}

/// Where a table's batches come from.
pub trait BatchSource: Send {
    /// Gets ready to be read: opens the connection when there is none or it died, and a new one
    /// when `fresh` (starting again after a lost connection).
    fn ready(&mut self, fresh: bool) -> Result<(), TableError>;
    /// Describes what [`BatchSource::read`] will deliver (again when the table starts again).
    fn describe(&mut self) -> Result<Described, TableError>;
    /// Sends every batch to `out`, until the end or until `out` takes no more.
    fn read(&mut self, out: &Outlet<'_>) -> Result<(), TableError>;
}

/// Where a table's batches go. Nothing the sink wrote is visible as the table's result until
/// [`Sink::finish`]; [`Sink::abandon`] removes it.
pub trait Sink {
    /// What a finished sink leaves (the part files of a dump).
    type Done;
    /// Writes every batch `batches` delivers; `progress` hears the rows written so far.
    fn write_all(
        &mut self,
        batches: mpsc::Receiver<RecordBatch>,
        progress: &Progress,
    ) -> Result<(), TableError>;
    /// Puts what was written so far (rows, retries, changed values) into `report`.
    fn account(&self, report: &mut TableReport);
    /// Checks the rows written against `rows_read` and completes the write.
    fn finish(self, rows_read: u64, report: &mut TableReport) -> anyhow::Result<Self::Done>;
    /// Gives up: removes what was written.
    fn abandon(self);
}

/// Copies one table from `source` into the sink that `open_sink` opens for it. When the source
/// connection was lost (or the target cannot tell which batches it committed), the table starts
/// again from the beginning on a new connection, within `restarts`: every sink writes aside
/// until it finishes, so that is safe in every mode.
pub fn copy<S: Sink>(
    source: &mut dyn BatchSource,
    open_sink: &mut dyn FnMut(&Described) -> anyhow::Result<S>,
    restarts: RetryPolicy,
    report: &mut TableReport,
) -> Result<S::Done, TableError> {
    let mut waits = restarts.backoff();
    let mut fresh = false;
    loop {
        source.ready(fresh)?;
        let error = match attempt(source, open_sink, report) {
            Ok(done) => return Ok(done),
            Err(e) => e,
        };
        if !error.restarts() || interrupt::requested() {
            return Err(error);
        }
        let Some(wait) = waits.next().flatten() else {
            return Err(error.context(format!(
                "giving up after {} restarts (DIRECT_MAX_RETRIES)",
                restarts.max_retries
            )));
        };
        report.retries += 1;
        log::warn!(
            "{}: starting the table again in {:.1} s: {}",
            report.source,
            wait.as_secs_f64(),
            secrets::redact(&format!("{:#}", error.into_anyhow()))
        );
        std::thread::sleep(wait);
        fresh = true;
    }
}

/// One attempt: describe, open the sink, stream, finish.
fn attempt<S: Sink>(
    source: &mut dyn BatchSource,
    open_sink: &mut dyn FnMut(&Described) -> anyhow::Result<S>,
    report: &mut TableReport,
) -> Result<S::Done, TableError> {
    let described = source.describe()?;
    let mut sink = open_sink(&described)?;
    let progress = Progress::new(&report.source, described.rows);
    let read = pipeline(
        |out| source.read(out),
        |batches| sink.write_all(batches, &progress),
    );
    sink.account(report);
    let result = finish(sink, read, described.rows, report);
    progress.done(report.rows_written, result.is_ok());
    result
}

/// Finishes the sink when everything was read, abandons it otherwise.
fn finish<S: Sink>(
    sink: S,
    read: Result<u64, (u64, TableError)>,
    expected: Option<u64>,
    report: &mut TableReport,
) -> Result<S::Done, TableError> {
    let rows_read = match read {
        Ok(n) => n,
        Err((n, e)) => {
            report.rows_read = n;
            sink.abandon();
            return Err(e);
        }
    };
    report.rows_read = rows_read;
    if let Some(expected) = expected
        && expected != rows_read
    {
        log::warn!(
            "{}: COUNT(*) said {expected} rows but {rows_read} were read; the table changed \
             during the copy",
            report.source
        );
    }
    Ok(sink.finish(rows_read, report)?)
}

/// Runs one table's `work`, timed; its error becomes the table's failed status. A table not yet
/// started when the run is interrupted is not started.
pub fn table(
    source: &str,
    target: String,
    work: impl FnOnce(&mut TableReport) -> Result<(), TableError>,
) -> TableReport {
    let started = std::time::Instant::now();
    let mut report = TableReport::new(source, target);
    if interrupt::requested() {
        report.status = Status::Failed(format!("not started: {}", interrupt::Interrupted));
        return report;
    }
    if let Err(e) = work(&mut report) {
        let e = e.into_anyhow();
        log::error!("{source}: {}", secrets::redact(&format!("{e:#}")));
        report.status = Status::Failed(crate::report::brief(&e));
    }
    report.elapsed = started.elapsed();
    report
}
