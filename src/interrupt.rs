//! Ctrl-C (SIGINT) and SIGTERM stop a run cleanly: the flag set here is checked between batches,
//! so the current batch is rolled back, side tables and Parquet files are cleaned up, and the
//! summary is still printed. A second signal ends the process at once.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

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
    ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            eprintln!("interrupted again: stopping now");
            std::process::exit(130);
        }
        eprintln!("interrupt: finishing cleanly (press Ctrl-C again to stop at once)");
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

/// Sets the flag, as a signal would (for the library API and tests).
pub fn request() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}
