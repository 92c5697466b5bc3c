//! What happened: per-table results, the end-of-run summary, and progress lines.

use std::{fmt, time::Duration};

use arrow_odbc::odbc_api;

use crate::{config::secrets, retry};

/// How a table ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Copied and checked.
    Ok,
    /// Not copied; the message says why.
    Failed(String),
}

/// One line for the summary: what was being done and why it failed, e.g. "preparing the target
/// table staging.t: ERROR: permission denied for database dwh". Each cause of the chain gives
/// its first line, except ODBC errors, which give the driver's message from their diagnostic
/// record (without the ODBC call and SQLSTATE around it). Secrets are masked.
pub fn brief(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let part = match cause
            .downcast_ref::<odbc_api::Error>()
            .and_then(retry::record)
        {
            Some(record) => odbc_api::handles::slice_to_cow_utf8(&record.message)
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .trim_end_matches(';')
                .to_string(),
            None => cause
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .trim_end_matches(':')
                .to_string(),
        };
        if !part.is_empty() && !line.contains(&part) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&part);
        }
    }
    secrets::redact(&line)
}

/// The result of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableReport {
    /// The entry of `SRC_TABLES`.
    pub source: String,
    /// The target table (schema-qualified when a schema is set).
    pub target: String,
    /// Rows read from the source.
    pub rows_read: u64,
    /// Rows committed to the target.
    pub rows_written: u64,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// Transient errors retried.
    pub retries: u32,
    /// Values the target dialect changed (NUL characters removed for PostgreSQL).
    pub changed_values: usize,
    /// Outcome.
    pub status: Status,
}

impl TableReport {
    /// A table about to be copied from `source` into `target`: nothing done yet.
    pub fn new(source: &str, target: String) -> Self {
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

    /// Rows written per second.
    pub fn rows_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.rows_written as f64 / secs
        } else {
            0.0
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunReport {
    /// One entry per table, in `SRC_TABLES` order.
    pub tables: Vec<TableReport>,
}

impl RunReport {
    /// `true` when every table was copied.
    pub fn success(&self) -> bool {
        self.tables.iter().all(|t| t.status == Status::Ok)
    }

    /// The process exit status: 0 when every table was copied, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        if self.success() { 0 } else { 1 }
    }
}

impl fmt::Display for RunReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name_width = self
            .tables
            .iter()
            .map(|t| t.source.len())
            .chain([5])
            .max()
            .unwrap_or(5);
        writeln!(
            f,
            "{:<name_width$}  {:>12}  {:>12}  {:>9}  {:>10}  status",
            "table", "rows read", "rows written", "seconds", "rows/s"
        )?;
        for t in &self.tables {
            let status = match &t.status {
                Status::Ok => "ok".to_string(),
                Status::Failed(why) => {
                    let first = why.lines().next().unwrap_or_default();
                    format!("FAILED: {}", secrets::redact(first))
                }
            };
            writeln!(
                f,
                "{:<name_width$}  {:>12}  {:>12}  {:>9.2}  {:>10.0}  {status}",
                t.source,
                t.rows_read,
                t.rows_written,
                t.elapsed.as_secs_f64(),
                t.rows_per_second()
            )?;
        }
        let failed = self
            .tables
            .iter()
            .filter(|t| t.status != Status::Ok)
            .count();
        // Rows that reached their tables: a failed table's rows went into its side table only.
        let rows: u64 = self
            .tables
            .iter()
            .filter(|t| t.status == Status::Ok)
            .map(|t| t.rows_written)
            .sum();
        write!(
            f,
            "{} table(s) copied, {failed} failed, {rows} rows written",
            self.tables.len() - failed
        )
    }
}

/// The JSON run report (`--report FILE`) for schedulers and monitoring.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JsonReport<'a> {
    /// "run", "dump" or "load".
    pub command: &'a str,
    /// `TRANSFER_MODE`.
    pub transfer_mode: String,
    /// `WRITE_MODE`.
    pub write_mode: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// When it ended.
    pub finished_at: String,
    /// The process exit status.
    pub exit_status: i32,
    /// A run-level error (no table could start), if any.
    pub error: Option<String>,
    /// One entry per table.
    pub tables: Vec<JsonTable>,
}

/// Writes the JSON run report atomically (temporary file, then rename), creating its folder.
pub fn write_json(path: &std::path::Path, report: &JsonReport<'_>) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    crate::files::write(
        &tmp,
        (serde_json::to_string_pretty(report)? + "\n").as_bytes(),
    )?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// One table in the JSON run report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JsonTable {
    /// The entry of `SRC_TABLES`.
    pub source: String,
    /// The target table.
    pub target: String,
    /// Rows read from the source.
    pub rows_read: u64,
    /// Rows written to the target (for `dump`: to Parquet).
    pub rows_written: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Transient errors retried.
    pub retries: u32,
    /// "ok" or "failed".
    pub status: &'static str,
    /// Why the table failed.
    pub error: Option<String>,
}

impl RunReport {
    /// The tables as the JSON report lists them.
    pub fn json_tables(&self) -> Vec<JsonTable> {
        self.tables
            .iter()
            .map(|t| JsonTable {
                source: t.source.clone(),
                target: t.target.clone(),
                rows_read: t.rows_read,
                rows_written: t.rows_written,
                seconds: t.elapsed.as_secs_f64(),
                retries: t.retries,
                status: if t.status == Status::Ok {
                    "ok"
                } else {
                    "failed"
                },
                error: match &t.status {
                    Status::Ok => None,
                    Status::Failed(why) => Some(secrets::redact(why)),
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
