//! source-to-staging copies tables from an application database into a staging schema of an
//! analytics database, reaching both sides only through ODBC.
//!
//! The crate is the whole tool; `main.rs` only parses the command line. A scheduler or another
//! Rust program can run a transfer directly:
//!
//! ```no_run
//! use source_to_staging::{ConfigSources, Settings, Transfer};
//!
//! let (settings, _) = Settings::load(&ConfigSources {
//!     config_file: Some("config.ini".into()),
//!     environment: true,
//!     ..Default::default()
//! })?;
//! let report = Transfer::new(settings).max_retries(5).run()?;
//! println!("{report}");
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! Every mode is one journey (`journey::copy`): batches come from a source (a table read through
//! ODBC, or a dump's Parquet files) and go into a sink (the target table, or Parquet part files).
//! [`config`] -> `run` (connect; tables side by side) -> `journey` (describe, open the sink,
//! stream, finish or abandon; restarts) -> [`report`]. The ODBC source is `read`, the target
//! table `write`, the Parquet files `spool`; everything that differs between DBMSs lives in
//! `dialect`, one file per DBMS. The public API is what this page lists; the rest is internal.

#![warn(missing_docs)]

pub mod allocator;
mod api;
pub(crate) mod bound;
pub mod check;
pub mod config;
pub(crate) mod convert;
pub(crate) mod dialect;
pub(crate) mod driver_names;
pub(crate) mod endpoint;
pub(crate) mod error;
pub(crate) mod files;
#[cfg(test)]
mod golden;
pub(crate) mod insert;
pub mod interrupt;
pub(crate) mod journey;
pub mod logging;
pub(crate) mod odbc;
pub(crate) mod pipeline;
pub mod plan;
pub(crate) mod progress;
pub(crate) mod read;
pub mod report;
pub(crate) mod retry;
mod run;
pub(crate) mod select;
pub(crate) mod spool;
pub(crate) mod turns;
pub(crate) mod write;

pub use api::{Transfer, direct_transfer};
pub use config::{ConfigError, ConfigSources, RawValues, Settings};
pub use odbc::{choose_driver, data_sources, installed_drivers};
pub use report::{RunReport, Status, TableReport};
pub use retry::RetryPolicy;
pub use run::{Dumped, dump, load, run};
pub use spool::manifest;
