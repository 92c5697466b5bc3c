//! The library's entry points for another Rust program or a scheduler: a configured
//! [`Transfer`] with the original tool's retry knobs, and its `direct_transfer(...)`.

use crate::{
    config::{Settings, TransferMode},
    report::RunReport,
    retry::RetryPolicy,
    run::run,
};

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
