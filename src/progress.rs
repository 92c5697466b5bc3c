//! Progress of each table while it is copied: a bar per table on a terminal, a log line at most
//! every 10 seconds otherwise.

use std::time::{Duration, Instant};

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

#[cfg(test)]
mod tests;
