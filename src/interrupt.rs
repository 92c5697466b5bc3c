//! Ctrl-C (SIGINT) and SIGTERM stop a run cleanly: the flag set here is checked between batches,
//! so the current batch is rolled back, side tables and Parquet files are cleaned up, and the
//! summary and the report are still written. A second signal (a scheduler stopping a task often
//! sends two) still lets that happen, but for at most [`GRACE`]; then the process ends with a
//! report that says so. A third signal ends it at once.

use std::{
    path::PathBuf,
    sync::{
        Mutex,
        atomic::{AtomicBool, AtomicU32, Ordering},
    },
    time::Duration,
};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static SIGNALS: AtomicU32 = AtomicU32::new(0);
/// What a forced stop's report says about the run.
#[derive(Debug, Clone, Default)]
struct RunInfo {
    path: Option<PathBuf>,
    command: String,
    transfer_mode: String,
    write_mode: String,
    started_at: String,
}

static REPORT: Mutex<Option<RunInfo>> = Mutex::new(None);

/// How long a second interrupt still waits for the clean stop.
pub const GRACE: Duration = Duration::from_secs(5);

/// Where `--report` goes, the command and when it started, so that a forced stop can still
/// write a report.
pub fn set_report(path: Option<PathBuf>, command: &str, started_at: &str) {
    *REPORT.lock().unwrap_or_else(|e| e.into_inner()) = Some(RunInfo {
        path,
        command: command.to_string(),
        started_at: started_at.to_string(),
        ..RunInfo::default()
    });
}

/// The run's modes, once the settings are known (for a forced stop's report).
pub fn set_modes(transfer_mode: &str, write_mode: &str) {
    if let Some(info) = REPORT.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        info.transfer_mode = transfer_mode.to_string();
        info.write_mode = write_mode.to_string();
    }
}

/// Ends the process now with exit status 130, writing a report that says why when one is due.
fn stop_now(why: &str) -> ! {
    eprintln!("{why}");
    log::error!("{why}");
    let report = REPORT.lock().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(RunInfo {
        path: Some(path),
        command,
        transfer_mode,
        write_mode,
        started_at,
    }) = report
    {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let json = crate::report::JsonReport {
            command: &command,
            transfer_mode,
            write_mode,
            started_at,
            finished_at: now,
            exit_status: 130,
            error: Some(why.to_string()),
            tables: Vec::new(),
        };
        let _ = crate::report::write_json(&path, &json);
    }
    log::logger().flush();
    std::process::exit(130);
}

/// The error a run stops with after an interrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted (Ctrl-C or SIGTERM)")
    }
}

impl std::error::Error for Interrupted {}

/// Installs the handler for SIGINT and SIGTERM (Ctrl-C and Ctrl-Break on Windows).
pub fn install() -> anyhow::Result<()> {
    ctrlc::set_handler(|| match SIGNALS.fetch_add(1, Ordering::SeqCst) {
        0 => {
            INTERRUPTED.store(true, Ordering::SeqCst);
            log::warn!(
                "interrupt: finishing cleanly (the batch in flight is rolled back, side tables \
                 dropped, the summary written)"
            );
        }
        1 => {
            log::warn!(
                "interrupted again: stopping within {} s (press Ctrl-C once more to stop at once)",
                GRACE.as_secs()
            );
            std::thread::spawn(|| {
                std::thread::sleep(GRACE);
                stop_now("stopped: the clean stop took too long after a second interrupt");
            });
        }
        _ => stop_now("interrupted a third time: stopping at once"),
    })?;
    Ok(())
}

/// Has the user asked the run to stop?
pub fn requested() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// `Err(Interrupted)` once the user asked the run to stop.
pub fn check() -> Result<(), Interrupted> {
    if requested() {
        Err(Interrupted)
    } else {
        Ok(())
    }
}
