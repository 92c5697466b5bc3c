//! A run: connect, then copy the tables one by one, directly or through the Parquet spool.
//!
//! One table's journey is one short function: [`copy_table`] (DIRECT) describes the source
//! table, prepares the target table, streams batches from a reader thread into the writer, and
//! checks. DUMP splits the same journey at the spool: [`dump_table`] streams into Parquet part
//! files, [`load_table`] streams the part files into the target. A table that fails is reported
//! and the run goes on; an interrupt stops it cleanly.

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
    thread,
    time::Instant,
};

use anyhow::{Context, anyhow};
use arrow_odbc::arrow::record_batch::RecordBatch;

pub use crate::endpoint::Endpoint;
use crate::{
    config::{ConfigError, Settings, TableName, TransferMode, secrets},
    dialect::Dialect,
    endpoint, interrupt,
    odbc::Connection,
    plan::TableShape,
    report::{Progress, RunReport, Status, TableReport},
    retry::RetryPolicy,
    source::{self, BatchReader, ReadOptions, SourceTable},
    spool::{self, Manifest, ManifestTable, PartWriter},
    target::{TargetSpec, TargetTable},
};

/// Runs the whole pipeline described by `settings`.
pub fn run(settings: &Settings) -> anyhow::Result<RunReport> {
    match settings.transfer_mode {
        TransferMode::Direct => run_direct(settings),
        TransferMode::Dump => run_dump(settings),
    }
}

fn run_direct(settings: &Settings) -> anyhow::Result<RunReport> {
    let ((source, _probe), target) =
        endpoint::open_both(settings, endpoint::MissingTarget::Create)?;
    let tables = in_parallel(settings, &settings.tables, |source_conn, table| {
        if interrupt::requested() {
            return not_started(settings, table);
        }
        match source_conn.connect(&source) {
            Ok(conn) => copy_table(settings, &source, conn, &target, table),
            Err(e) => failed_before_start(settings, table, &e),
        }
    });
    Ok(RunReport { tables })
}

/// A worker's source connection, opened when its first table needs it.
#[derive(Default)]
pub struct LazyConnection(Option<Connection>);

impl LazyConnection {
    /// The connection, opened now if need be.
    pub fn connect(&mut self, source: &Endpoint) -> anyhow::Result<&mut Connection> {
        if self.0.is_none() {
            self.0 = Some(source.connector.connect()?);
        }
        Ok(self.0.as_mut().expect("just opened"))
    }
}

/// Runs `job` for every item on `PARALLEL_TABLES` worker threads (each with its own source
/// connection), taking items in order; the results come back in the items' order.
fn in_parallel<I: Sync, R: Send>(
    settings: &Settings,
    items: &[I],
    job: impl Fn(&mut LazyConnection, &I) -> R + Sync,
) -> Vec<R> {
    let workers = settings.parallel_tables.clamp(1, items.len().max(1));
    if workers == 1 {
        let mut conn = LazyConnection::default();
        return items.iter().map(|item| job(&mut conn, item)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<R>>> =
        std::sync::Mutex::new(items.iter().map(|_| None).collect());
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut conn = LazyConnection::default();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    let result = job(&mut conn, item);
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

fn failed_before_start(
    settings: &Settings,
    table: &TableName,
    error: &anyhow::Error,
) -> TableReport {
    let mut entry = blank_report(&table.to_string(), target_name(settings, &table.name));
    log::error!("{table}: {}", secrets::redact(&format!("{error:#}")));
    entry.status = Status::Failed(crate::report::brief(error));
    entry
}

/// DUMP: step 1 for every table, the manifest, then step 2; the run's files are removed
/// afterwards when `CLEANUP_PARQUET_FILES`, also when loading failed or was interrupted.
fn run_dump(settings: &Settings) -> anyhow::Result<RunReport> {
    let ((source, _probe), target) =
        endpoint::open_both(settings, endpoint::MissingTarget::Create)?;
    let dumped = dump_from(settings, &source)?;
    let mut report = dumped.report;
    if let Some(manifest_path) = &dumped.manifest_path {
        let loaded = load_tables(settings, &target, &dumped.dir, &dumped.manifest);
        if settings.cleanup_parquet_files {
            spool::remove_run_files(&dumped.dir, &dumped.manifest.tables, Some(manifest_path));
        }
        for load in loaded {
            if let Some(entry) = report.tables.iter_mut().find(|t| t.source == load.source) {
                entry.rows_written = load.rows_written;
                entry.elapsed += load.elapsed;
                entry.retries = load.retries;
                entry.changed_values = load.changed_values;
                entry.status = load.status;
            }
        }
    }
    Ok(report)
}

/// What step 1 produced.
pub struct Dumped {
    /// The manifest, `None` when no table could be dumped.
    pub manifest_path: Option<PathBuf>,
    /// The directory of the part files (`PARQUET_DIR`, placeholders filled in).
    pub dir: PathBuf,
    /// The manifest's content.
    pub manifest: Manifest,
    /// Per table: rows read and written to Parquet.
    pub report: RunReport,
}

/// DUMP step 1: every table into Parquet part files, then the manifest.
pub fn dump(settings: &Settings) -> anyhow::Result<Dumped> {
    let (source, _probe) = endpoint::open_source(settings)?;
    dump_from(settings, &source)
}

fn dump_from(settings: &Settings, source: &Endpoint) -> anyhow::Result<Dumped> {
    let run_id = spool::new_run_id();
    let dir = spool::expand_dir(&settings.parquet_dir, &run_id);
    std::fs::create_dir_all(&dir).map_err(|e| {
        ConfigError::new(format!(
            "PARQUET_DIR = '{}': cannot create the directory {} ({e}); choose a writable \
             directory",
            settings.parquet_dir,
            dir.display()
        ))
    })?;
    let mut manifest = Manifest {
        format: spool::MANIFEST_FORMAT.to_string(),
        version: 1,
        run_id,
        created_at: String::new(),
        source_dbms: source.dbms.clone(),
        tables: Vec::new(),
    };
    let results = in_parallel(settings, &settings.tables, |source_conn, table| {
        if interrupt::requested() {
            return (not_started(settings, table), None);
        }
        match source_conn.connect(source) {
            Ok(conn) => dump_table(settings, source, conn, &dir, table),
            Err(e) => (failed_before_start(settings, table, &e), None),
        }
    });
    let mut report = RunReport::default();
    for (entry, dumped) in results {
        report.tables.push(entry);
        manifest.tables.extend(dumped);
    }
    if manifest.tables.is_empty() {
        return Ok(Dumped {
            manifest_path: None,
            dir,
            manifest,
            report,
        });
    }
    manifest.created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let manifest_path = match spool::write_manifest(&dir, &manifest) {
        Ok(path) => path,
        Err(e) => {
            spool::remove_run_files(&dir, &manifest.tables, None);
            return Err(e.context("the run stops before loading"));
        }
    };
    log::info!("manifest: {}", manifest_path.display());
    Ok(Dumped {
        manifest_path: Some(manifest_path),
        dir,
        manifest,
        report,
    })
}

/// DUMP step 2 on its own (`load --manifest`): loads the tables a manifest names, then removes
/// the files when `CLEANUP_PARQUET_FILES`.
pub fn load(settings: &Settings, manifest_path: &Path) -> anyhow::Result<RunReport> {
    let (manifest, dir) = spool::read_manifest(manifest_path)
        .map_err(|e| ConfigError::new(format!("--manifest {}: {e:#}", manifest_path.display())))?;
    let target = endpoint::open_target(settings)?;
    let tables = load_tables(settings, &target, &dir, &manifest);
    if settings.cleanup_parquet_files {
        spool::remove_run_files(&dir, &manifest.tables, Some(manifest_path));
    }
    Ok(RunReport { tables })
}

fn load_tables(
    settings: &Settings,
    target: &Endpoint,
    dir: &Path,
    manifest: &Manifest,
) -> Vec<TableReport> {
    in_parallel(settings, &manifest.tables, |_, table| {
        if interrupt::requested() {
            let mut entry = blank_report(&table.source, target_name(settings, &table.target_table));
            entry.status = Status::Failed(interrupt::Interrupted.to_string());
            entry
        } else {
            load_table(settings, target, dir, table)
        }
    })
}

/// DIRECT: one table from the source into the target.
pub fn copy_table(
    settings: &Settings,
    source: &Endpoint,
    source_conn: &mut Connection,
    target: &Endpoint,
    table: &TableName,
) -> TableReport {
    let target_name = target_name(settings, &table.name);
    run_table(&table.to_string(), target_name, |report| {
        with_source_restarts(settings, source, source_conn, report, |conn, report| {
            copy_once(settings, source, conn, target, table, report)
        })
    })
}

/// One attempt at a DIRECT copy of `table`.
fn copy_once(
    settings: &Settings,
    source: &Endpoint,
    source_conn: &mut Connection,
    target: &Endpoint,
    table: &TableName,
    report: &mut TableReport,
) -> anyhow::Result<()> {
    {
        let plan = describe(settings, source, source_conn, table)?;
        let mut writer =
            TargetTable::prepare(target_spec(settings, target, &table.name), &plan.shape)
                .with_context(|| format!("preparing the target table {}", report.target))?;
        let progress = Progress::new(&table.to_string(), plan.row_count);
        let read = pipeline(
            |out| read_source(source_conn, &plan, out),
            |batches| {
                writer.write_all(batches, settings.writers_per_table, &|n| progress.update(n))
            },
        );
        let result = finish_load(writer, read, plan.row_count, target.dialect, report);
        progress.done(report.rows_written, result.is_ok());
        result
    }
}

/// Runs `attempt`, and when it fails because the source connection was lost (or the target lost
/// several connections at once and cannot tell which batches were committed), re-opens the
/// source and runs it again from the beginning (within the `DIRECT_MAX_RETRIES` budget). That is
/// safe in every write mode: the load goes into a side table, and the target table changes only
/// in the last step of a complete load.
fn with_source_restarts(
    settings: &Settings,
    source: &Endpoint,
    source_conn: &mut Connection,
    report: &mut TableReport,
    mut attempt: impl FnMut(&mut Connection, &mut TableReport) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut waits = settings.retry.backoff();
    loop {
        if source_conn.is_dead().unwrap_or(true) {
            *source_conn = source
                .connector
                .connect()
                .map_err(|e| e.context(SourceSide))?;
        }
        let error = match attempt(source_conn, report) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        let lost_source = error.downcast_ref::<SourceSide>().is_some()
            && crate::retry::classify(&error)
                == (crate::retry::ErrorClass::Transient { reconnect: true });
        let ambiguous = error
            .downcast_ref::<crate::target::AmbiguousCommit>()
            .is_some();
        if !(lost_source || ambiguous) || interrupt::requested() {
            return Err(error);
        }
        let Some(wait) = waits.next().flatten() else {
            return Err(error.context(format!(
                "giving up after {} restarts (DIRECT_MAX_RETRIES)",
                settings.retry.max_retries
            )));
        };
        report.retries += 1;
        log::warn!(
            "{}: starting the table again in {:.1} s: {}",
            report.source,
            wait.as_secs_f64(),
            secrets::redact(&format!("{error:#}"))
        );
        std::thread::sleep(wait);
        *source_conn = source
            .connector
            .connect()
            .map_err(|e| e.context(SourceSide))?;
    }
}

/// Marks an error as coming from the source side (reading), not the target.
#[derive(Debug, Clone, Copy)]
struct SourceSide;

impl std::fmt::Display for SourceSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("reading the source")
    }
}

/// DUMP step 1 for one table: source -> Parquet part files.
pub fn dump_table(
    settings: &Settings,
    source: &Endpoint,
    source_conn: &mut Connection,
    dir: &Path,
    table: &TableName,
) -> (TableReport, Option<ManifestTable>) {
    let mut dumped = None;
    let target_name = target_name(settings, &table.name);
    let report = run_table(&table.to_string(), target_name, |report| {
        with_source_restarts(
            settings,
            source,
            source_conn,
            report,
            |source_conn, report| {
                let plan = describe(settings, source, source_conn, table)?;
                let schema = plan.shape.arrow_schema();
                let mut parts = PartWriter::new(
                    dir,
                    &table.name,
                    schema,
                    settings.chunk_size,
                    plan.row_count,
                );
                let progress = Progress::new(&table.to_string(), plan.row_count);
                let read = pipeline(
                    |out| read_source(source_conn, &plan, out),
                    |batches| {
                        let mut written = 0;
                        for batch in batches.iter() {
                            interrupt::check()?;
                            parts.write(&batch)?;
                            written += batch.num_rows() as u64;
                            progress.update(written);
                        }
                        Ok(())
                    },
                );
                let rows = match read {
                    Ok(rows) => rows,
                    Err((rows, e)) => {
                        report.rows_read = rows;
                        parts.abandon();
                        return Err(e);
                    }
                };
                report.rows_read = rows;
                let files = parts.finish()?;
                report.rows_written = files.iter().map(|f| f.rows).sum();
                progress.done(report.rows_written, true);
                log::info!("{table}: {rows} rows in {} Parquet file(s)", files.len());
                dumped = Some(ManifestTable {
                    source: table.to_string(),
                    target_table: table.name.clone(),
                    rows,
                    columns: plan.shape.columns.clone(),
                    files,
                });
                Ok(())
            },
        )
    });
    (report, dumped)
}

/// DUMP step 2 for one table: the manifest's part files -> target.
pub fn load_table(
    settings: &Settings,
    target: &Endpoint,
    dir: &Path,
    table: &ManifestTable,
) -> TableReport {
    let target_name = target_name(settings, &table.target_table);
    run_table(&table.source, target_name, |report| {
        let shape = TableShape {
            columns: table.columns.clone(),
        };
        let mut writer =
            TargetTable::prepare(target_spec(settings, target, &table.target_table), &shape)
                .with_context(|| format!("preparing the target table {}", report.target))?;
        let progress = Progress::new(&table.source, Some(table.rows));
        let read = pipeline(
            |out| {
                spool::read_parts(
                    dir,
                    &table.files,
                    settings.chunk_size,
                    settings.batch_memory,
                    |b| Ok(out.send(b)),
                )
            },
            |batches| {
                writer.write_all(batches, settings.writers_per_table, &|n| progress.update(n))
            },
        );
        let result = finish_load(writer, read, Some(table.rows), target.dialect, report);
        progress.done(report.rows_written, result.is_ok());
        result
    })
}

/// Times one table's work and turns its error into a failed report.
fn run_table(
    source: &str,
    target: String,
    work: impl FnOnce(&mut TableReport) -> anyhow::Result<()>,
) -> TableReport {
    let started = Instant::now();
    let mut report = blank_report(source, target);
    if let Err(e) = work(&mut report) {
        log::error!("{source}: {}", secrets::redact(&format!("{e:#}")));
        report.status = Status::Failed(crate::report::brief(&e));
    }
    report.elapsed = started.elapsed();
    report
}

fn describe(
    settings: &Settings,
    source: &Endpoint,
    source_conn: &Connection,
    table: &TableName,
) -> anyhow::Result<SourceTable> {
    let plan = source::describe(
        source_conn,
        source.dialect,
        table,
        settings.source.as_ref().and_then(|s| s.schema.as_deref()),
        ReadOptions::from(settings),
    )
    .map_err(|e| e.context(SourceSide))?;
    log::info!(
        "{table}: {} columns, {} rows, {} rows per batch",
        plan.shape.columns.len(),
        plan.row_count
            .map_or("uncounted".to_string(), |n| n.to_string()),
        plan.rows_per_batch
    );
    Ok(plan)
}

/// How the target table is written; names as the target stores them (Oracle: `staging` is
/// `STAGING`).
pub(crate) fn target_spec<'a>(
    settings: &'a Settings,
    target: &'a Endpoint,
    table: &str,
) -> TargetSpec<'a> {
    TargetSpec {
        connector: &target.connector,
        dialect: target.dialect,
        schema: settings
            .target
            .schema
            .as_deref()
            .map(|s| target.dialect.fold_name(s)),
        table: target.dialect.fold_name(table),
        options: crate::write_plan::PlanOptions {
            write_mode: settings.write_mode,
            schema_changes: settings.schema_changes,
            lowercase_columns: settings.lowercase_columns,
        },
        retry: settings.retry,
    }
}

/// Records what the writer did, then checks and finishes (or abandons) the target table.
fn finish_load(
    mut writer: TargetTable<'_>,
    read: Result<u64, (u64, anyhow::Error)>,
    expected: Option<u64>,
    dialect: &dyn Dialect,
    report: &mut TableReport,
) -> anyhow::Result<()> {
    report.rows_written = writer.rows_written();
    report.retries += writer.retries();
    report.changed_values = writer.changed_values();
    let rows_read = match read {
        Ok(n) => n,
        Err((n, e)) => {
            report.rows_read = n;
            writer.abandon();
            return Err(e);
        }
    };
    report.rows_read = rows_read;
    if report.changed_values > 0 {
        log::warn!(
            "{}: {} {}",
            report.source,
            report.changed_values,
            dialect.prepare_batch_effect()
        );
    }
    if let Some(expected) = expected
        && expected != rows_read
    {
        log::warn!(
            "{}: COUNT(*) said {expected} rows but {rows_read} were read; the table changed \
             during the copy",
            report.source
        );
    }
    report.rows_written = writer.finish(rows_read)?;
    log::info!(
        "{}: {rows_read} rows copied into {}",
        report.source,
        report.target
    );
    Ok(())
}

fn target_name(settings: &Settings, table: &str) -> String {
    match &settings.target.schema {
        Some(s) => format!("{s}.{table}"),
        None => table.to_string(),
    }
}

fn blank_report(source: &str, target: String) -> TableReport {
    TableReport {
        source: source.to_string(),
        target,
        rows_read: 0,
        rows_written: 0,
        elapsed: Default::default(),
        retries: 0,
        changed_values: 0,
        status: Status::Ok,
    }
}

fn not_started(settings: &Settings, table: &TableName) -> TableReport {
    let mut entry = blank_report(&table.to_string(), target_name(settings, &table.name));
    entry.status = Status::Failed(format!("not started: {}", interrupt::Interrupted));
    entry
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

fn read_source(conn: &mut Connection, plan: &SourceTable, out: &Outlet<'_>) -> anyhow::Result<()> {
    let read = || -> anyhow::Result<()> {
        let mut batches = BatchReader::open(conn, plan)?;
        while let Some(batch) = batches.next_batch()? {
            if !out.send(batch) {
                break;
            }
        }
        Ok(())
    };
    read().map_err(|e| e.context(SourceSide))
}

/// Runs `produce` on a thread of its own while `consume` takes the batches it sends from the
/// channel on this thread (and any threads of its own), so producing (fetching, decoding) and
/// consuming (inserting, encoding) overlap. One batch waits in the channel while the next is
/// produced, so memory holds a few batches at most. Returns the rows produced, or those
/// produced so far with the first error.
fn pipeline(
    produce: impl FnOnce(&Outlet<'_>) -> anyhow::Result<()> + Send,
    consume: impl FnOnce(mpsc::Receiver<RecordBatch>) -> anyhow::Result<()>,
) -> Result<u64, (u64, anyhow::Error)> {
    let rows = AtomicU64::new(0);
    thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<RecordBatch>(1);
        let rows = &rows;
        let producer = scope.spawn(move || produce(&Outlet { tx, rows }));
        // `consume` owns the receiver: when it stops early, the producer's next send fails.
        let consumed = consume(rx);
        let produced = producer
            .join()
            .unwrap_or_else(|_| Err(anyhow!("the reading thread panicked")));
        let n = rows.load(Ordering::Relaxed);
        match (produced, consumed) {
            (_, Err(e)) => Err((n, e)),
            (Err(e), Ok(())) => Err((n, e)),
            (Ok(()), Ok(())) if interrupt::requested() => Err((n, interrupt::Interrupted.into())),
            (Ok(()), Ok(())) => Ok(n),
        }
    })
}

/// A configured transfer with the original tool's retry knobs.
///
/// ```no_run
/// use source_to_staging::{ConfigSources, Settings, Transfer};
///
/// let (settings, _) = Settings::load(&ConfigSources {
///     config_file: Some("config.ini".into()),
///     environment: true,
///     ..Default::default()
/// })?;
/// let report = Transfer::new(settings)
///     .max_retries(5)
///     .backoff_base_seconds(1.0)
///     .backoff_max_seconds(30.0)
///     .run()?;
/// println!("{report}");
/// std::process::exit(report.exit_code());
/// # Ok::<(), anyhow::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Transfer {
    settings: Settings,
}

impl Transfer {
    /// A transfer of the tables in `settings`.
    pub fn new(settings: Settings) -> Self {
        Transfer { settings }
    }

    /// Retries of one batch after a transient error (`DIRECT_MAX_RETRIES`).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.settings.retry.max_retries = max_retries;
        self
    }

    /// First backoff in seconds (`DIRECT_BACKOFF_BASE_SECONDS`).
    pub fn backoff_base_seconds(mut self, seconds: f64) -> Self {
        self.settings.retry.backoff_base = std::time::Duration::from_secs_f64(seconds.max(0.0));
        self
    }

    /// Backoff ceiling in seconds (`DIRECT_BACKOFF_MAX_SECONDS`).
    pub fn backoff_max_seconds(mut self, seconds: f64) -> Self {
        self.settings.retry.backoff_max = std::time::Duration::from_secs_f64(seconds.max(0.0));
        self
    }

    /// The settings this transfer will use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Copies every table; the report says which succeeded.
    pub fn run(&self) -> anyhow::Result<RunReport> {
        run(&self.settings)
    }
}

/// The original tool's `direct_transfer(...)`: a DIRECT copy with optional retry knobs; `None`
/// keeps the value from the settings.
///
/// ```no_run
/// use source_to_staging::{RawValues, Settings, direct_transfer};
///
/// let settings = Settings::from_values(&RawValues::from_pairs([
///     ("SRC_DSN", "app"),
///     ("DST_DSN", "staging"),
///     ("DST_SCHEMA", "bronze"),
///     ("SRC_TABLES", "clients,orders"),
/// ]))?;
/// let report = direct_transfer(&settings, Some(5), Some(1.0), None)?;
/// assert!(report.success());
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn direct_transfer(
    settings: &Settings,
    max_retries: Option<u32>,
    backoff_base_seconds: Option<f64>,
    backoff_max_seconds: Option<f64>,
) -> anyhow::Result<RunReport> {
    let mut settings = settings.clone();
    settings.transfer_mode = TransferMode::Direct;
    let defaults = settings.retry;
    let seconds = |s: f64| std::time::Duration::from_secs_f64(s.max(0.0));
    settings.retry = RetryPolicy {
        max_retries: max_retries.unwrap_or(defaults.max_retries),
        backoff_base: backoff_base_seconds.map_or(defaults.backoff_base, seconds),
        backoff_max: backoff_max_seconds.map_or(defaults.backoff_max, seconds),
    };
    run(&settings)
}
