//! A run: connect to both sides, then copy the tables one by one.
//!
//! [`copy_table`] is one table's whole journey, top to bottom: describe the source table, prepare
//! the target table, stream batches from a reader thread into the writer (reading and writing
//! overlap), then check and finish. A table that fails is reported and the run goes on.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
    thread,
    time::Instant,
};

use anyhow::{Context, anyhow};
use arrow_odbc::arrow::record_batch::RecordBatch;

use crate::{
    config::{ConfigError, Settings, TableName, TransferMode, secrets},
    dialect::{self, Dialect, DriverTuning},
    odbc::{Connection, Connector},
    report::{Progress, RunReport, Status, TableReport},
    retry::RetryPolicy,
    source::{self, BatchReader, ReadOptions, SourceTable},
    target::{TargetSpec, TargetTable},
};

/// One side, connected once to find out what it is.
pub struct Endpoint {
    /// Opens connections.
    pub connector: Connector,
    /// The DBMS's dialect.
    pub dialect: &'static dyn Dialect,
    /// The DBMS name it reported.
    pub dbms: String,
}

/// Connects to one side and picks its dialect.
pub fn open_endpoint(
    endpoint: &crate::config::Endpoint,
    settings: &Settings,
) -> anyhow::Result<(Endpoint, Connection)> {
    let tuning = DriverTuning {
        fetch_rows: settings.chunk_size.min(10_000),
        max_text_size: settings.max_text_size,
    };
    let connector = Connector::new(endpoint, tuning, settings.login_timeout)?;
    log::debug!(
        "{} connection: {}",
        endpoint.side.name(),
        connector.redacted()
    );
    let conn = connector.connect()?;
    let dbms = conn.database_management_system_name().unwrap_or_default();
    let dialect = dialect::for_dbms(&dbms);
    log::info!(
        "{}: {dbms} (dialect: {})",
        endpoint.side.name(),
        dialect.name()
    );
    Ok((
        Endpoint {
            connector,
            dialect,
            dbms,
        },
        conn,
    ))
}

/// Checks settings that depend on what the target turned out to be.
fn check_target(settings: &Settings, target: &Endpoint) -> Result<(), ConfigError> {
    if let Some(schema) = settings.target.schema.as_deref()
        && !target.dialect.has_schemas()
        && !schema.eq_ignore_ascii_case("main")
    {
        return Err(ConfigError::new(format!(
            "DST_SCHEMA = '{schema}': the target ({}) has no schemas; leave DST_SCHEMA empty",
            target.dbms
        )));
    }
    Ok(())
}

/// Runs the whole pipeline described by `settings`.
pub fn run(settings: &Settings) -> anyhow::Result<RunReport> {
    if settings.transfer_mode == TransferMode::Dump {
        return Err(ConfigError::new(
            "TRANSFER_MODE = DUMP is not available in this version; use DIRECT",
        )
        .into());
    }
    let (source, mut source_conn) = open_endpoint(&settings.source, settings)?;
    let (target, target_conn) = open_endpoint(&settings.target, settings)?;
    drop(target_conn);
    check_target(settings, &target)?;
    let mut report = RunReport::default();
    for table in &settings.tables {
        report.tables.push(copy_table(
            settings,
            &source,
            &mut source_conn,
            &target,
            table,
        ));
    }
    Ok(report)
}

/// Copies one table and reports how it went; errors become a failed [`TableReport`].
pub fn copy_table(
    settings: &Settings,
    source: &Endpoint,
    source_conn: &mut Connection,
    target: &Endpoint,
    table: &TableName,
) -> TableReport {
    let started = Instant::now();
    let target_name = match &settings.target.schema {
        Some(s) => format!("{s}.{}", table.name),
        None => table.name.clone(),
    };
    let mut report = TableReport {
        source: table.to_string(),
        target: target_name,
        rows_read: 0,
        rows_written: 0,
        elapsed: Default::default(),
        retries: 0,
        changed_values: 0,
        status: Status::Ok,
    };
    if let Err(e) = copy_table_inner(settings, source, source_conn, target, table, &mut report) {
        let message = secrets::redact(&format!("{e:#}"));
        log::error!("{}: {message}", table);
        report.status = Status::Failed(message);
    }
    report.elapsed = started.elapsed();
    report
}

fn copy_table_inner(
    settings: &Settings,
    source: &Endpoint,
    source_conn: &mut Connection,
    target: &Endpoint,
    table: &TableName,
    report: &mut TableReport,
) -> anyhow::Result<()> {
    let plan = source::describe(
        source_conn,
        source.dialect,
        table,
        settings.source.schema.as_deref(),
        ReadOptions::from(settings),
    )?;
    log::info!(
        "{table}: {} columns, {} rows, {} rows per batch",
        plan.shape.columns.len(),
        plan.row_count
            .map_or("uncounted".to_string(), |n| n.to_string()),
        plan.rows_per_batch
    );
    let spec = TargetSpec {
        connector: &target.connector,
        dialect: target.dialect,
        schema: settings.target.schema.as_deref(),
        table: &table.name,
        write_mode: settings.write_mode,
        retry: settings.retry,
    };
    let mut writer = TargetTable::prepare(spec, &plan.shape)
        .with_context(|| format!("preparing the target table {}", report.target))?;
    let mut progress = Progress::new(&table.to_string(), plan.row_count);
    let read = stream(source_conn, &plan, |batch| {
        writer.write(batch)?;
        progress.update(writer.rows_written);
        Ok(())
    });
    report.rows_written = writer.rows_written;
    report.retries = writer.retries;
    report.changed_values = writer.changed_values;
    let rows_read = match read {
        Ok(n) => n,
        Err((n, e)) => {
            report.rows_read = n;
            writer.abandon();
            return Err(e);
        }
    };
    report.rows_read = rows_read;
    if writer.changed_values > 0 {
        log::warn!(
            "{table}: {} {}",
            writer.changed_values,
            target.dialect.prepare_batch_effect()
        );
    }
    if let Some(expected) = plan.row_count
        && expected != rows_read
    {
        log::warn!(
            "{table}: COUNT(*) said {expected} rows but {rows_read} were read; the table \
             changed during the copy"
        );
    }
    report.rows_written = writer.finish(rows_read)?;
    log::info!("{table}: {rows_read} rows copied into {}", report.target);
    Ok(())
}

/// Reads `plan` on a reader thread and hands each batch to `sink` on this thread, so fetching
/// and inserting overlap. Returns the rows read, or those read so far with the first error.
fn stream(
    source_conn: &mut Connection,
    plan: &SourceTable,
    mut sink: impl FnMut(RecordBatch) -> anyhow::Result<()>,
) -> Result<u64, (u64, anyhow::Error)> {
    let rows_read = Arc::new(AtomicU64::new(0));
    let counter = rows_read.clone();
    thread::scope(|scope| {
        // One batch in flight while the next is fetched: memory stays at two batches.
        let (tx, rx) = mpsc::sync_channel::<RecordBatch>(1);
        let reader = scope.spawn(move || -> anyhow::Result<()> {
            let mut batches = BatchReader::open(source_conn, plan)?;
            while let Some(batch) = batches.next_batch()? {
                counter.fetch_add(batch.num_rows() as u64, Ordering::Relaxed);
                if tx.send(batch).is_err() {
                    break; // The writer stopped; its error is reported.
                }
            }
            Ok(())
        });
        let mut sunk = Ok(());
        for batch in rx.iter() {
            if let Err(e) = sink(batch) {
                sunk = Err(e);
                break;
            }
        }
        drop(rx);
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(anyhow!("the reader thread panicked")));
        let n = rows_read.load(Ordering::Relaxed);
        match (read, sunk) {
            (_, Err(e)) => Err((n, e)),
            (Err(e), Ok(())) => Err((n, e.context("reading the source"))),
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
    settings.retry = RetryPolicy {
        max_retries: max_retries.unwrap_or(defaults.max_retries),
        backoff_base: backoff_base_seconds.map_or(defaults.backoff_base, |s| {
            std::time::Duration::from_secs_f64(s.max(0.0))
        }),
        backoff_max: backoff_max_seconds.map_or(defaults.backoff_max, |s| {
            std::time::Duration::from_secs_f64(s.max(0.0))
        }),
    };
    run(&settings)
}
