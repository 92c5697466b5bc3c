//! What happened: per-table results, the end-of-run summary, and progress lines.

use std::{
    fmt,
    time::{Duration, Instant},
};

use crate::config::secrets;

/// How a table ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Copied and checked.
    Ok,
    /// Not copied; the message says why.
    Failed(String),
}

/// One line for the summary: what was being done and why it failed, e.g. "preparing the target
/// table staging.t: ERROR: permission denied for database dwh" (the driver's message without the
/// ODBC call and SQLSTATE around it). Secrets are masked.
pub fn brief(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        let first = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .trim_end_matches(':');
        let message = text.lines().find_map(|l| {
            l.split_once("Message: ")
                .map(|(_, m)| m.trim().trim_end_matches(';'))
        });
        // "ODBC emitted an error calling 'SQLExecute':" says less than the driver's message.
        if !first.starts_with("ODBC emitted an error") && !first.is_empty() {
            parts.push(first.to_string());
        }
        if let Some(m) = message {
            parts.push(m.to_string());
        }
    }
    let mut line = String::new();
    for part in parts {
        if !line.contains(&part) {
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

/// Where progress goes: bars on a terminal, log lines otherwise.
static BARS: std::sync::OnceLock<indicatif::MultiProgress> = std::sync::OnceLock::new();

/// Shows progress as bars (one per table, several when tables run in parallel) from now on;
/// returns the bars' owner, which log output must go through so that lines do not break them.
pub fn enable_progress_bars() -> indicatif::MultiProgress {
    BARS.get_or_init(indicatif::MultiProgress::new).clone()
}

/// The bars' "rows/s" field: whole rows, with thousands separators.
fn rate(state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write) {
    let _ = write!(
        w,
        "{} rows/s",
        indicatif::HumanCount(state.per_sec() as u64)
    );
}

/// The bars' ETA: nothing until rows move (an estimate from no rows says "0s").
fn eta(state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write) {
    if state.pos() > 0 && state.per_sec() > 0.0 {
        let _ = write!(w, "ETA {}", indicatif::HumanDuration(state.eta()));
    }
}

/// `n` with thousands separators (1,234,567).
pub fn thousands(n: u64) -> String {
    indicatif::HumanCount(n).to_string()
}

/// Progress of one table: a bar on a terminal (rows, rows/s, ETA when the row count is known),
/// otherwise a log line at most every 10 seconds. Shared by the table's writers.
pub struct Progress {
    table: String,
    expected: Option<u64>,
    started: Instant,
    last: std::sync::Mutex<Instant>,
    interval: Duration,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Starts measuring; `expected` is the row count when known.
    pub fn new(table: &str, expected: Option<u64>) -> Self {
        let now = Instant::now();
        let bar = BARS.get().map(|multi| {
            let bar = match expected {
                Some(total) => {
                    // Hidden until the MultiProgress takes it: a bar drawn on its own first
                    // leaves a frame that nothing clears.
                    let bar = indicatif::ProgressBar::with_draw_target(
                        Some(total),
                        indicatif::ProgressDrawTarget::hidden(),
                    );
                    bar.set_style(
                        // wide_bar takes what the terminal's width leaves.
                        indicatif::ProgressStyle::with_template(
                            "{prefix:>20.bold} [{wide_bar}] {human_pos}/{human_len} rows \
                             {rate:>16} {eta}",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                        .with_key("rate", rate)
                        .with_key("eta", eta)
                        .progress_chars("=> "),
                    );
                    bar
                }
                None => {
                    let bar = indicatif::ProgressBar::with_draw_target(
                        None,
                        indicatif::ProgressDrawTarget::hidden(),
                    );
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{prefix:>20.bold} {spinner} {human_pos} rows {rate:>14}",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner())
                        .with_key("rate", rate),
                    );
                    bar
                }
            };
            bar.set_prefix(table.to_string());
            multi.add(bar)
        });
        Progress {
            table: table.to_string(),
            expected,
            started: now,
            last: std::sync::Mutex::new(now),
            interval: Duration::from_secs(10),
            bar,
        }
    }

    /// Ends the bar with one line that stays: rows, seconds and whether the table was copied.
    pub fn done(&self, rows: u64, ok: bool) {
        if let Some(bar) = &self.bar {
            // The bar goes, and a line that stays is printed above the others (a finished bar
            // would be redrawn over by the next log line).
            bar.finish_and_clear();
            if let Some(multi) = BARS.get() {
                let _ = multi.println(format!(
                    "{:>20} {} rows in {:.1} s, {}",
                    self.table,
                    thousands(rows),
                    self.started.elapsed().as_secs_f64(),
                    if ok { "ok" } else { "FAILED" }
                ));
            }
        }
    }

    /// Reports `rows` done so far.
    pub fn update(&self, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(rows);
            return;
        }
        {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() < self.interval {
                return;
            }
            *last = Instant::now();
        }
        log::info!(
            "{}",
            progress_line(&self.table, rows, self.expected, self.started.elapsed())
        );
    }
}

/// The plain progress line written where no bar can be shown (a log file or pipe).
fn progress_line(table: &str, rows: u64, expected: Option<u64>, elapsed: Duration) -> String {
    let rate = rows as f64 / elapsed.as_secs_f64().max(0.001);
    let per_sec = thousands(rate as u64);
    match expected {
        Some(total) if total > 0 && rate > 0.0 => {
            let eta = total.saturating_sub(rows) as f64 / rate;
            format!(
                "{table}: {}/{} rows ({:.0}%), {per_sec} rows/s, ETA {eta:.0} s",
                thousands(rows),
                thousands(total),
                100.0 * rows as f64 / total as f64
            )
        }
        _ => format!("{table}: {} rows, {per_sec} rows/s", thousands(rows)),
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // A bar that was not ended by `done` (the table stopped early) goes: the summary says
        // what happened.
        if let Some(bar) = self.bar.take()
            && !bar.is_finished()
        {
            bar.finish_and_clear();
        }
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
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_string_pretty(report)? + "\n")?;
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
