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
//! Data flow: [`config`] -> [`source`] (describe, then stream Arrow batches; [`plan`] maps the
//! column metadata; [`convert`] fills the arrays) -> [`target`] (create/swap/truncate, insert each
//! batch in a transaction, [`retry`] transient errors) -> [`report`]. Everything that differs
//! between DBMSs lives in [`dialect`], one file per DBMS.

#![warn(missing_docs)]

pub mod check;
pub mod config;
pub mod convert;
pub mod dialect;
pub mod driver_names;
pub mod endpoint;
pub mod insert;
pub mod interrupt;
pub mod logging;
pub mod odbc;
pub mod plan;
pub mod report;
pub mod retry;
pub mod source;
pub mod spool;
pub mod target;
pub mod transfer;
pub mod write_plan;

pub use config::{ConfigError, ConfigSources, RawValues, Settings};
pub use report::{RunReport, Status, TableReport};
pub use retry::RetryPolicy;
pub use transfer::{Transfer, direct_transfer};
