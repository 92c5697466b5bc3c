//! Which errors are worth retrying, and how long to wait before the next attempt.
//!
//! Errors are classified by SQLSTATE and native error code from the ODBC diagnostic record,
//! never by message text: messages are localised and change between driver versions.

use std::time::Duration;

use arrow_odbc::odbc_api;
use exponential_backoff::Backoff;

/// The retry knobs of the original tool's `direct_transfer(max_retries, backoff_base_seconds,
/// backoff_max_seconds)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries of one batch after a transient error (0: none).
    pub max_retries: u32,
    /// First backoff; doubles each retry, with jitter.
    pub backoff_base: Duration,
    /// Backoff ceiling.
    pub backoff_max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// The waits between attempts: `Some(wait)` after each failed attempt that may be retried,
    /// `None` after the last one.
    pub fn backoff(&self) -> impl Iterator<Item = Option<Duration>> {
        let mut backoff = Backoff::new(
            self.max_retries.saturating_add(1),
            self.backoff_base,
            self.backoff_max,
        );
        backoff.set_jitter(0.3);
        backoff.set_factor(2);
        backoff.into_iter()
    }
}

/// What an error means for the batch that caused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Worth another attempt; `reconnect` when the connection is gone.
    Transient {
        /// The connection died and must be re-opened.
        reconnect: bool,
    },
    /// Retrying would fail the same way.
    Permanent,
}

/// The SQLSTATE and native error code of the first ODBC diagnostic in `error`'s chain (which
/// reaches the ODBC error inside arrow-odbc's `WriterError` too: it is that error's source).
pub fn diagnostic(error: &anyhow::Error) -> Option<(String, i32)> {
    error
        .chain()
        .find_map(|cause| cause.downcast_ref::<odbc_api::Error>().and_then(odbc_state))
}

/// The diagnostic record an ODBC error carries, if any.
pub fn record(error: &odbc_api::Error) -> Option<&odbc_api::handles::Record> {
    match error {
        odbc_api::Error::Diagnostics { record, .. }
        | odbc_api::Error::UnsupportedOdbcApiVersion(record)
        | odbc_api::Error::InvalidRowArraySize { record, .. }
        | odbc_api::Error::UnableToRepresentNull(record) => Some(record),
        _ => None,
    }
}

/// The SQLSTATE and native error code of an ODBC error, if it carries a diagnostic record.
pub fn odbc_state(error: &odbc_api::Error) -> Option<(String, i32)> {
    record(error).map(|record| (record.state.as_str().to_string(), record.native_error))
}

/// Classifies `error` by its SQLSTATE and native code.
pub fn classify(error: &anyhow::Error) -> ErrorClass {
    match diagnostic(error) {
        Some((state, native)) => classify_state(&state, native),
        None => ErrorClass::Permanent,
    }
}

/// The classification table. SQLSTATEs are those of ODBC 3 and the DBMSs; native codes are
/// those the drivers pass through (MariaDB/MySQL errors, SQL Server errors, ORA- numbers).
pub fn classify_state(state: &str, native: i32) -> ErrorClass {
    let lost = ErrorClass::Transient { reconnect: true };
    let retry = ErrorClass::Transient { reconnect: false };
    match state {
        // Connection exceptions: lost, refused, link failure.
        s if s.starts_with("08") => return lost,
        // PostgreSQL: admin shutdown, crash shutdown, cannot connect now.
        "57P01" | "57P02" | "57P03" => return lost,
        // Serialization failure, deadlock (ANSI, PostgreSQL), statement completion unknown.
        "40001" | "40P01" | "40003" => return retry,
        // Timeouts.
        "HYT00" | "HYT01" => return retry,
        // PostgreSQL lock not available, too many connections.
        "55P03" | "53300" => return retry,
        _ => {}
    }
    match native {
        // MariaDB/MySQL: lock wait timeout, deadlock; SQL Server 1205 is deadlock too.
        1205 | 1213 => retry,
        // MariaDB/MySQL: server gone away, lost connection, connection killed, shutdown.
        2006 | 2013 | 1927 | 1053 | 2055 => lost,
        // SQL Server / Azure SQL: transient service errors and network errors.
        40613 | 40197 | 40501 | 49918 | 49919 | 49920 | 10928 | 10929 | 4060 | 4221 => retry,
        233 | 10053 | 10054 | 10060 | 64 => lost,
        // Oracle: deadlock, cannot serialize, resource busy.
        60 | 8177 | 54 => retry,
        // Oracle: end-of-file on channel, not connected, connection lost, TNS timeouts.
        3113 | 3114 | 3135 | 12170 | 12571 | 12541 | 12543 | 1033 | 1089 => lost,
        _ => ErrorClass::Permanent,
    }
}

#[cfg(test)]
mod tests;
