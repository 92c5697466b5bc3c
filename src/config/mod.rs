//! Settings: where they come from, what they mean, and how they are checked.
//!
//! Sources, highest priority first: the command line (`--set KEY=VALUE` and the flags), the INI
//! file, environment variables (after `.env`, which the CLI loads), the defaults. figment layers
//! them; every value stays text until [`Settings::from_values`] parses it, so that each error can
//! quote the key, the value, where it came from and what is accepted. Validation happens here,
//! before any connection is opened or anything is written.

mod checker;
mod glob;
pub mod ini;
pub mod keys;
pub mod loads;
mod raw;
pub mod secrets;
pub mod shaping;

use std::{fmt, path::PathBuf};

pub use self::{
    ini::IniFile,
    loads::KeyRanges,
    raw::{ConfigSources, RawValues},
    secrets::Secret,
    shaping::{ColumnPattern, Query, Shaping, TypeOverride},
};
use crate::retry::RetryPolicy;
use checker::{Checker, endpoint, logging_settings, tables};

/// The most threads (each with its connections) `PARALLEL_TABLES`, `WRITERS_PER_TABLE` and
/// `PARTITIONS` may ask for.
pub const MAX_THREADS: u64 = 64;

/// The longest `LOCK_WAIT_SECONDS` and `SWAP_WAIT_SECONDS`: a day.
pub const MAX_WAIT_SECONDS: f64 = 86_400.0;

/// A configuration or usage error: found before anything is written; exit status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(String);

impl ConfigError {
    /// An error with a message that says what is wrong and what to do.
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError(message.into())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Which side of the copy an endpoint is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The application database (`SRC_*`).
    Source,
    /// The staging database (`DST_*`).
    Target,
}

impl Side {
    /// The key prefix of this side.
    pub fn prefix(self) -> &'static str {
        match self {
            Side::Source => "SRC",
            Side::Target => "DST",
        }
    }

    /// "source" or "target", for messages.
    pub fn name(self) -> &'static str {
        match self {
            Side::Source => "source",
            Side::Target => "target",
        }
    }
}

/// How to reach one database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connect {
    /// `P_CONNECTION_STRING`: used as given.
    ConnectionString(String),
    /// `P_DSN`: a data source name from `odbc.ini` or the Windows ODBC administrator.
    Dsn(String),
    /// `P_DRIVER` with `P_HOST`, `P_PORT`, `P_DB`.
    Parts {
        /// The ODBC driver's registered name.
        driver: String,
        /// Host name or address (or, for SQLite, nothing).
        host: Option<String>,
        /// TCP port.
        port: Option<u16>,
        /// Database (for SQLite: the file).
        database: Option<String>,
    },
}

/// One side's connection settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Source or target.
    pub side: Side,
    /// How to connect.
    pub connect: Connect,
    /// `P_USERNAME`.
    pub username: Option<String>,
    /// `P_PASSWORD`.
    pub password: Option<Secret>,
    /// `P_ODBC_OPTIONS`: extra `key=value;...` appended to the connection string.
    pub odbc_options: Option<String>,
    /// `P_SCHEMA`: schema to read from / write into.
    pub schema: Option<String>,
    /// `P_MSSQL_ODBC_DRIVER`: the ODBC driver a SQLAlchemy-style `mssql` driver name means.
    pub mssql_odbc_driver: Option<String>,
    /// `P_MSSQL_TRUST_SERVER_CERTIFICATE` (`None`: not set; the Python tool's default, true,
    /// applies to connections made from parts).
    pub mssql_trust_server_certificate: Option<bool>,
    /// `P_ORACLE_TNS_ALIAS`: `P_DB` (or `P_HOST`) is a TNS alias.
    pub oracle_tns_alias: bool,
    /// `P_ORACLE_CLIENT_PATH`: where Oracle's ODBC driver is when none is registered.
    pub oracle_client_path: Option<PathBuf>,
    /// `DST_ADMIN_DB`: the database to connect to for creating a missing target database.
    pub admin_db: Option<String>,
}

/// `TRANSFER_MODE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TransferMode {
    /// Batches stream from source to target.
    Direct,
    /// Source -> Parquet parts + manifest -> target.
    Dump,
}

/// `WRITE_MODE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WriteMode {
    /// Load into a side table, then swap it in.
    Replace,
    /// Keep the table definition, remove all rows, insert.
    Truncate,
    /// Create when missing, insert.
    Append,
}

/// `SCHEMA_CHANGES`: what `truncate` and `append` do with a source column the existing table
/// lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SchemaChanges {
    /// Add it as a nullable column (with a warning).
    Add,
    /// Refuse the table before writing.
    Fail,
}

impl fmt::Display for WriteMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WriteMode::Replace => "replace",
            WriteMode::Truncate => "truncate",
            WriteMode::Append => "append",
        })
    }
}

impl fmt::Display for TransferMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransferMode::Direct => "DIRECT",
            TransferMode::Dump => "DUMP",
        })
    }
}

/// One entry of `SRC_TABLES`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableName {
    /// The schema written before the table (`schema.table`), else `SRC_SCHEMA`.
    pub schema: Option<String>,
    /// The table name as written (or a pattern with `*` and `?`); also the target table's name.
    pub name: String,
}

impl TableName {
    /// Is the name a pattern (`*`, `?`) to match against the source's catalog?
    pub fn is_pattern(&self) -> bool {
        glob::is_pattern(&self.name)
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// `[logging]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// `LOG_LEVEL`.
    pub level: log::LevelFilter,
    /// `LOG_TO_FILE`.
    pub to_file: bool,
    /// `LOG_FILE`.
    pub file: PathBuf,
    /// `LOG_ROTATE_BYTES`.
    pub rotate_bytes: u64,
    /// `LOG_BACKUP_COUNT`.
    pub backup_count: usize,
    /// `LOG_FORMAT`: the Python tool's format string (`%(asctime)s %(levelname)s ...`).
    pub format: Option<String>,
}

/// Everything a run needs, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `[database-source]`; `None` only for [`Purpose::Load`], which needs no source.
    pub source: Option<Endpoint>,
    /// `[database-destination]`.
    pub target: Endpoint,
    /// `SRC_TABLES` (empty for [`Purpose::Load`], and when `[queries]` is all there is to copy);
    /// entries may be patterns, matched when the run starts.
    pub tables: Vec<TableName>,
    /// `SRC_TABLES_EXCLUDE`, `[queries]`, excluded and pseudonymised columns, `[column-types]`.
    pub shaping: Shaping,
    /// `[incremental]`, `[merge-keys]`, `[partitions]`, `INCREMENTAL_LOOKBACK`, `PARTITIONS`.
    pub loads: loads::Loads,
    /// `SRC_CHUNK_SIZE`.
    pub chunk_size: usize,
    /// `TRANSFER_MODE`.
    pub transfer_mode: TransferMode,
    /// `WRITE_MODE`.
    pub write_mode: WriteMode,
    /// `SCHEMA_CHANGES`.
    pub schema_changes: SchemaChanges,
    /// `SRC_KEY_RANGES`.
    pub key_ranges: KeyRanges,
    /// `ROW_LIMIT` (`None`: all rows).
    pub row_limit: Option<u64>,
    /// `LOG_ROW_COUNT`.
    pub log_row_count: bool,
    /// `DIRECT_MAX_RETRIES`, `DIRECT_BACKOFF_BASE_SECONDS`, `DIRECT_BACKOFF_MAX_SECONDS`.
    pub retry: RetryPolicy,
    /// `CLEANUP_PARQUET_FILES`.
    pub cleanup_parquet_files: bool,
    /// `PARQUET_DIR` (may contain `{date}` and `{run_id}`).
    pub parquet_dir: String,
    /// `LOWERCASE_COLUMNS`.
    pub lowercase_columns: bool,
    /// `ASK_PASSWORD_IN_CLI`.
    pub ask_password: bool,
    /// `MAX_TEXT_SIZE`: largest text value in bytes accepted from an unbounded text column.
    pub max_text_size: usize,
    /// `MAX_BINARY_SIZE`: largest binary value in bytes accepted from an unbounded column.
    pub max_binary_size: usize,
    /// `BATCH_MEMORY_MB` in bytes: bound of one fetch buffer.
    pub batch_memory: usize,
    /// `PARALLEL_TABLES`.
    pub parallel_tables: usize,
    /// `WRITERS_PER_TABLE`.
    pub writers_per_table: usize,
    /// `LOGIN_TIMEOUT_SECONDS`.
    pub login_timeout: u32,
    /// `LOCK_WAIT_SECONDS`: how long a table waits for another run loading the same target table.
    pub lock_wait: std::time::Duration,
    /// `SWAP_WAIT_SECONDS`: how long the last step tries to get the target table's locks.
    pub swap_wait: std::time::Duration,
    /// `[logging]`.
    pub logging: LogSettings,
}

/// What the settings are for: `load` needs no source and no table list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The whole pipeline, `dump`, or `check`.
    Copy,
    /// `load --manifest`: the target only.
    Load,
}

impl Settings {
    /// Loads, layers and checks the settings from `sources` for copying.
    pub fn load(sources: &ConfigSources) -> Result<(Settings, RawValues), ConfigError> {
        let raw = RawValues::load(sources)?;
        let settings = Settings::from_values(&raw)?;
        Ok((settings, raw))
    }

    /// `[logging]` as far as it parses, defaults for the rest: logging starts before the whole
    /// configuration is checked, so that its problems reach `LOG_FILE` too.
    pub fn logging_from(raw: &RawValues) -> LogSettings {
        let defaults = RawValues::from_pairs([]);
        let mut c = Checker {
            raw,
            errors: Vec::new(),
        };
        logging_settings(&mut c).unwrap_or_else(|| {
            let mut d = Checker {
                raw: &defaults,
                errors: Vec::new(),
            };
            let mut settings = logging_settings(&mut d).expect("the defaults parse");
            // Keep what did parse of the file settings.
            if let Some(true) = c.boolean("LOG_TO_FILE") {
                settings.to_file = true;
            }
            if let Some(file) = c.text("LOG_FILE") {
                settings.file = c.path("LOG_FILE", &file);
            }
            settings
        })
    }

    /// Parses and checks text values for copying; every problem is reported in one error.
    pub fn from_values(raw: &RawValues) -> Result<Settings, ConfigError> {
        Settings::from_values_for(raw, Purpose::Copy)
    }

    /// Parses and checks text values for `purpose`; every problem is reported in one error.
    pub fn from_values_for(raw: &RawValues, purpose: Purpose) -> Result<Settings, ConfigError> {
        let mut c = Checker {
            raw,
            errors: Vec::new(),
        };
        let has_queries = !raw.section("queries").is_empty();
        let (source, tables) = match purpose {
            Purpose::Copy => (
                endpoint(&mut c, Side::Source).map(Some),
                tables(&mut c, has_queries),
            ),
            Purpose::Load => {
                // A source section may be present (the same INI file), but is not used.
                let mut quiet = Checker {
                    raw,
                    errors: Vec::new(),
                };
                (
                    Some(endpoint(&mut quiet, Side::Source)),
                    Some(tables(&mut quiet, true).unwrap_or_default()),
                )
            }
        };
        let target = endpoint(&mut c, Side::Target);
        let chunk_size = c.whole("SRC_CHUNK_SIZE", 1, 100_000_000);
        let transfer_mode =
            c.text("TRANSFER_MODE")
                .and_then(|v| match v.to_ascii_uppercase().as_str() {
                    "DIRECT" | "SQLALCHEMY_DIRECT" => Some(TransferMode::Direct),
                    "DUMP" | "SQLALCHEMY_DUMP" | "CONNECTORX_DUMP" => Some(TransferMode::Dump),
                    _ => {
                        c.fail(
                        "TRANSFER_MODE",
                        &v,
                        "expected DIRECT or DUMP (old names: SQLALCHEMY_DIRECT, SQLALCHEMY_DUMP, \
                         CONNECTORX_DUMP)",
                    );
                        None
                    }
                });
        let write_mode = c
            .text("WRITE_MODE")
            .and_then(|v| match v.to_ascii_lowercase().as_str() {
                "replace" => Some(WriteMode::Replace),
                "truncate" => Some(WriteMode::Truncate),
                "append" => Some(WriteMode::Append),
                _ => {
                    c.fail("WRITE_MODE", &v, "expected replace, truncate or append");
                    None
                }
            });
        let schema_changes =
            c.text("SCHEMA_CHANGES")
                .and_then(|v| match v.to_ascii_lowercase().as_str() {
                    "add" => Some(SchemaChanges::Add),
                    "fail" => Some(SchemaChanges::Fail),
                    _ => {
                        c.fail("SCHEMA_CHANGES", &v, "expected add or fail");
                        None
                    }
                });
        let key_ranges = loads::key_ranges(&mut c);
        let row_limit = if c.text("ROW_LIMIT").is_some() {
            c.whole("ROW_LIMIT", 0, i64::MAX as u64)
                .map(|n| (n > 0).then_some(n))
        } else {
            Some(None)
        };
        let log_row_count = c.boolean("LOG_ROW_COUNT");
        let max_retries = c.whole("DIRECT_MAX_RETRIES", 0, 100);
        let backoff_base = c.seconds("DIRECT_BACKOFF_BASE_SECONDS", 3600.0);
        let backoff_max = c.seconds("DIRECT_BACKOFF_MAX_SECONDS", 3600.0);
        let cleanup = c.boolean("CLEANUP_PARQUET_FILES");
        let parquet_dir = c
            .text("PARQUET_DIR")
            .map(|d| c.path("PARQUET_DIR", &d).to_string_lossy().into_owned());
        let lowercase = c.boolean("LOWERCASE_COLUMNS");
        let ask_password = c.boolean("ASK_PASSWORD_IN_CLI");
        let max_text_size = c.whole("MAX_TEXT_SIZE", 1, 1 << 30);
        let max_binary_size = c.whole("MAX_BINARY_SIZE", 1, 1 << 30);
        let batch_memory = c.whole("BATCH_MEMORY_MB", 1, 65_536);
        let parallel_tables = c.whole("PARALLEL_TABLES", 1, MAX_THREADS);
        let writers_per_table = c.whole("WRITERS_PER_TABLE", 1, MAX_THREADS);
        let login_timeout = c.whole("LOGIN_TIMEOUT_SECONDS", 1, 3600);
        let lock_wait = c.seconds("LOCK_WAIT_SECONDS", MAX_WAIT_SECONDS);
        let swap_wait = c.seconds("SWAP_WAIT_SECONDS", MAX_WAIT_SECONDS);
        let logging = logging_settings(&mut c);
        let shaping = shaping::shaping(&mut c, purpose == Purpose::Copy);
        let loads = loads::loads(&mut c);
        if let (Some(tables), Some(shaping)) = (&tables, &shaping) {
            collisions(&mut c, tables, &shaping.queries);
        }

        if let (Some(base), Some(max)) = (backoff_base, backoff_max)
            && base > max
        {
            c.errors.push(format!(
                "DIRECT_BACKOFF_BASE_SECONDS ({}) is larger than DIRECT_BACKOFF_MAX_SECONDS ({}); \
                 the first backoff cannot exceed the ceiling",
                base.as_secs_f64(),
                max.as_secs_f64()
            ));
        }
        if !c.errors.is_empty() {
            let n = c.errors.len();
            let head = if n == 1 {
                "invalid configuration:".to_string()
            } else {
                format!("invalid configuration ({n} problems):")
            };
            return Err(ConfigError::new(format!(
                "{head}\n  {}",
                c.errors.join("\n  ")
            )));
        }
        let all = || -> Option<Settings> {
            Some(Settings {
                source: source?,
                target: target?,
                tables: tables?,
                shaping: shaping?,
                loads: loads?,
                chunk_size: usize::try_from(chunk_size?).ok()?,
                transfer_mode: transfer_mode?,
                write_mode: write_mode?,
                schema_changes: schema_changes?,
                key_ranges: key_ranges?,
                row_limit: row_limit?,
                log_row_count: log_row_count?,
                retry: RetryPolicy {
                    max_retries: u32::try_from(max_retries?).unwrap_or(u32::MAX),
                    backoff_base: backoff_base?,
                    backoff_max: backoff_max?,
                },
                cleanup_parquet_files: cleanup?,
                parquet_dir: parquet_dir?,
                lowercase_columns: lowercase?,
                ask_password: ask_password?,
                max_text_size: usize::try_from(max_text_size?).ok()?,
                max_binary_size: usize::try_from(max_binary_size?).ok()?,
                batch_memory: usize::try_from(batch_memory?).ok()?.checked_mul(1 << 20)?,
                parallel_tables: usize::try_from(parallel_tables?).ok()?,
                writers_per_table: usize::try_from(writers_per_table?).ok()?,
                login_timeout: u32::try_from(login_timeout?).unwrap_or(u32::MAX),
                lock_wait: lock_wait?,
                swap_wait: swap_wait?,
                logging: logging?,
            })
        };
        all().ok_or_else(|| ConfigError::new("invalid configuration: a value is out of range"))
    }
}

/// A query named like a table of `SRC_TABLES`: both would be copied into one target table.
fn collisions(c: &mut Checker<'_>, tables: &[TableName], queries: &[Query]) {
    for q in queries {
        if let Some(t) = tables
            .iter()
            .find(|t| !t.is_pattern() && t.name.eq_ignore_ascii_case(&q.name))
        {
            c.errors.push(format!(
                "[queries] {} and the table {t} of SRC_TABLES would both be copied into the \
                 target table '{}'; rename the query",
                q.name, q.name
            ));
        }
    }
}

#[cfg(test)]
mod tests;
