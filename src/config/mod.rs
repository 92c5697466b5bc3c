//! Settings: where they come from, what they mean, and how they are checked.
//!
//! Sources, highest priority first: the command line (`--set KEY=VALUE` and the flags), the INI
//! file, environment variables (after `.env`, which the CLI loads), the defaults. figment layers
//! them; every value stays text until [`Settings::from_values`] parses it, so that each error can
//! quote the key, the value, where it came from and what is accepted. Validation happens here,
//! before any connection is opened or anything is written.

pub mod ini;
pub mod keys;
pub mod secrets;

use std::{
    collections::{BTreeMap, HashSet},
    fmt,
    path::PathBuf,
    time::Duration,
};

use figment::{
    Figment, Metadata, Profile, Provider,
    value::{Dict, Map, Value},
};

pub use self::{ini::IniFile, secrets::Secret};
use crate::retry::RetryPolicy;

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
    /// The table name as written; also the target table's name.
    pub name: String,
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
    /// `SRC_TABLES` (empty only for [`Purpose::Load`]).
    pub tables: Vec<TableName>,
    /// `SRC_CHUNK_SIZE`.
    pub chunk_size: usize,
    /// `TRANSFER_MODE`.
    pub transfer_mode: TransferMode,
    /// `WRITE_MODE`.
    pub write_mode: WriteMode,
    /// `SCHEMA_CHANGES`.
    pub schema_changes: SchemaChanges,
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

/// Where settings come from (besides the defaults).
#[derive(Debug, Clone, Default)]
pub struct ConfigSources {
    /// The INI file (`--config`).
    pub config_file: Option<PathBuf>,
    /// Command-line values (`--set KEY=VALUE` and the flags), highest priority.
    pub overrides: Vec<(String, String)>,
    /// Read the process environment (variables named like the keys).
    pub environment: bool,
}

/// A layer of plain `KEY -> text` values with a name for messages.
struct Layer {
    name: String,
    values: Dict,
}

impl Layer {
    fn new(name: &str, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let values = pairs
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k, Value::from(v.trim().to_string())))
            .collect();
        Layer {
            name: name.to_string(),
            values,
        }
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

/// The merged text values with, per key, where the value came from.
#[derive(Debug, Clone, Default)]
pub struct RawValues {
    values: BTreeMap<String, (String, String)>,
    /// Keys in the INI file this tool does not know.
    pub unknown_keys: Vec<String>,
    /// The INI file's folder: relative paths in the file are relative to it.
    pub config_dir: Option<PathBuf>,
    /// What was noticed while loading (an INI file's encoding), for the log.
    pub notes: Vec<String>,
    /// What should be warned about: INI values that shadow environment variables.
    pub warnings: Vec<String>,
}

impl RawValues {
    /// Layers the sources (command line > INI > environment > defaults) with figment.
    pub fn load(sources: &ConfigSources) -> Result<Self, ConfigError> {
        let mut figment = Figment::new().merge(Layer::new(
            "default",
            keys::ALL
                .iter()
                .filter_map(|k| k.default.map(|d| (k.name.to_string(), d.to_string()))),
        ));
        if sources.environment {
            let env = std::env::vars().filter(|(k, _)| keys::find(k).is_some());
            figment = figment.merge(Layer::new("environment", env));
        }
        let mut unknown_keys = Vec::new();
        let mut notes = Vec::new();
        let mut warnings = Vec::new();
        let mut config_dir = None;
        if let Some(path) = &sources.config_file {
            let ini = IniFile::read(path)?;
            unknown_keys = ini.unknown.clone();
            notes.extend(ini.notes.iter().cloned());
            if sources.environment {
                warnings.extend(ini.shadowed_environment(|key| std::env::var(key).ok()));
            }
            config_dir = Some(
                path.parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), PathBuf::from),
            );
            figment = figment.merge(ini);
        }
        let mut cli = Vec::new();
        for (key, value) in &sources.overrides {
            let upper = key.trim().to_ascii_uppercase();
            if keys::find(&upper).is_none() {
                let hint = ini::near_miss(&upper)
                    .map(|k| format!("did you mean {k}? "))
                    .unwrap_or_default();
                return Err(ConfigError::new(format!(
                    "--set {key}: unknown key; {hint}the keys are listed in config.ini.example \
                     and the README"
                )));
            }
            cli.push((upper, value.clone()));
        }
        figment = figment.merge(Layer::new("command line", cli));
        let merged: BTreeMap<String, String> = figment
            .extract()
            .map_err(|e| ConfigError::new(format!("cannot combine the settings: {e}")))?;
        let values = merged
            .into_iter()
            .map(|(k, v)| {
                let from = figment
                    .find_metadata(&k)
                    .map_or_else(|| "unknown".to_string(), |m| m.name.to_string());
                (k, (v, from))
            })
            .collect();
        Ok(RawValues {
            values,
            unknown_keys,
            config_dir,
            notes,
            warnings,
        })
    }

    /// The `[logging]` keys of an INI file that could not be read as a whole (a key in the wrong
    /// section, a misspelled key, ...), read line by line, so that the error about the file can
    /// still reach its `LOG_FILE`.
    pub fn logging_of_unreadable(path: &std::path::Path) -> RawValues {
        let mut raw = RawValues::from_pairs([]);
        let origin = format!("configuration file {}", path.display());
        if let Ok(bytes) = std::fs::read(path) {
            let text =
                match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)) {
                    Ok(text) => text.to_string(),
                    Err(_) => encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(),
                };
            for line in text.lines() {
                let Some((key, value)) = line.split_once(['=', ':']) else {
                    continue;
                };
                let key = key.trim().to_ascii_uppercase();
                if keys::section_of(&key) == Some("logging") && !value.trim().is_empty() {
                    raw.set(&key, value.trim().to_string(), &origin);
                }
            }
        }
        raw.config_dir = Some(
            path.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), PathBuf::from),
        );
        raw
    }

    /// Builds values directly (for the library API and tests); `from` names their origin.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut values = BTreeMap::new();
        for key in keys::ALL {
            if let Some(d) = key.default {
                values.insert(key.name.to_string(), (d.to_string(), "default".to_string()));
            }
        }
        for (k, v) in pairs {
            if !v.trim().is_empty() {
                values.insert(
                    k.to_ascii_uppercase(),
                    (v.trim().to_string(), "library call".to_string()),
                );
            }
        }
        RawValues {
            values,
            unknown_keys: Vec::new(),
            config_dir: None,
            notes: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The text value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|(v, _)| v.as_str())
    }

    /// Where the value of `key` came from ("configuration file x.ini", "environment", ...).
    pub fn origin(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|(_, o)| o.as_str())
    }

    /// Replaces a value (used for passwords typed at the prompt).
    pub fn set(&mut self, key: &str, value: String, origin: &str) {
        self.values
            .insert(key.to_string(), (value, origin.to_string()));
    }
}

/// Collects every problem, so the user can fix them all at once.
struct Checker<'a> {
    raw: &'a RawValues,
    errors: Vec<String>,
}

impl<'a> Checker<'a> {
    fn text(&self, key: &str) -> Option<String> {
        self.raw.get(key).map(str::to_string)
    }

    fn fail(&mut self, key: &str, value: &str, accepted: &str) {
        let origin = self.raw.origin(key).unwrap_or("default");
        let shown = if key.ends_with("_PASSWORD") {
            secrets::MASK
        } else {
            value
        };
        self.errors
            .push(format!("{key} = '{shown}' (from {origin}): {accepted}"));
    }

    fn parse<T: std::str::FromStr>(&mut self, key: &str, accepted: &str) -> Option<T> {
        let value = self.text(key)?;
        match value.parse::<T>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.fail(key, &value, accepted);
                None
            }
        }
    }

    fn whole(&mut self, key: &str, min: u64) -> Option<u64> {
        let accepted = format!("expected a whole number of at least {min}");
        let v = self.parse::<u64>(key, &accepted)?;
        if v < min {
            let text = v.to_string();
            self.fail(key, &text, &accepted);
            return None;
        }
        Some(v)
    }

    fn seconds(&mut self, key: &str) -> Option<Duration> {
        let accepted = "expected a number of seconds such as 0.5 or 8";
        let v = self.parse::<f64>(key, accepted)?;
        if !(v.is_finite() && v >= 0.0) {
            let text = v.to_string();
            self.fail(key, &text, accepted);
            return None;
        }
        Some(Duration::from_secs_f64(v))
    }

    /// A path setting: relative paths from the INI file, and the defaults when there is an INI
    /// file, are relative to the file's folder (scheduled runs start in unexpected working
    /// directories); paths from the environment or the command line to the working directory.
    fn path(&self, key: &str, value: &str) -> PathBuf {
        let path = PathBuf::from(value);
        match &self.raw.config_dir {
            Some(dir)
                if path.is_relative()
                    && self
                        .raw
                        .origin(key)
                        .is_some_and(|o| o.starts_with("configuration file") || o == "default") =>
            {
                dir.join(path)
            }
            _ => path,
        }
    }

    fn boolean(&mut self, key: &str) -> Option<bool> {
        let value = self.text(key)?;
        match value.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" => Some(false),
            _ => {
                self.fail(key, &value, "expected true/false, 1/0, yes/no or on/off");
                None
            }
        }
    }
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
        let (source, tables) = match purpose {
            Purpose::Copy => (endpoint(&mut c, Side::Source).map(Some), tables(&mut c)),
            Purpose::Load => {
                // A source section may be present (the same INI file), but is not used.
                let mut quiet = Checker {
                    raw,
                    errors: Vec::new(),
                };
                (
                    Some(endpoint(&mut quiet, Side::Source)),
                    Some(tables(&mut quiet).unwrap_or_default()),
                )
            }
        };
        let target = endpoint(&mut c, Side::Target);
        let chunk_size = c.whole("SRC_CHUNK_SIZE", 1);
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
        let row_limit = if c.text("ROW_LIMIT").is_some() {
            c.whole("ROW_LIMIT", 0).map(|n| (n > 0).then_some(n))
        } else {
            Some(None)
        };
        let log_row_count = c.boolean("LOG_ROW_COUNT");
        let max_retries = c.whole("DIRECT_MAX_RETRIES", 0);
        let backoff_base = c.seconds("DIRECT_BACKOFF_BASE_SECONDS");
        let backoff_max = c.seconds("DIRECT_BACKOFF_MAX_SECONDS");
        let cleanup = c.boolean("CLEANUP_PARQUET_FILES");
        let parquet_dir = c
            .text("PARQUET_DIR")
            .map(|d| c.path("PARQUET_DIR", &d).to_string_lossy().into_owned());
        let lowercase = c.boolean("LOWERCASE_COLUMNS");
        let ask_password = c.boolean("ASK_PASSWORD_IN_CLI");
        let max_text_size = c.whole("MAX_TEXT_SIZE", 1);
        let max_binary_size = c.whole("MAX_BINARY_SIZE", 1);
        let batch_memory = c.whole("BATCH_MEMORY_MB", 1);
        let parallel_tables = c.whole("PARALLEL_TABLES", 1);
        let writers_per_table = c.whole("WRITERS_PER_TABLE", 1);
        let login_timeout = c.whole("LOGIN_TIMEOUT_SECONDS", 1);
        let logging = logging_settings(&mut c);

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
                chunk_size: usize::try_from(chunk_size?).ok()?,
                transfer_mode: transfer_mode?,
                write_mode: write_mode?,
                schema_changes: schema_changes?,
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
                logging: logging?,
            })
        };
        all().ok_or_else(|| ConfigError::new("invalid configuration: a value is out of range"))
    }
}

/// `[logging]`, parsed; `None` when a value is invalid (the checker has the problem).
fn logging_settings(c: &mut Checker<'_>) -> Option<LogSettings> {
    let level = c
        .text("LOG_LEVEL")
        .and_then(|v| match v.to_ascii_uppercase().as_str() {
            "OFF" | "NONE" => Some(log::LevelFilter::Off),
            "ERROR" | "CRITICAL" | "FATAL" => Some(log::LevelFilter::Error),
            "WARN" | "WARNING" => Some(log::LevelFilter::Warn),
            "INFO" => Some(log::LevelFilter::Info),
            "DEBUG" => Some(log::LevelFilter::Debug),
            "TRACE" => Some(log::LevelFilter::Trace),
            _ => {
                c.fail(
                    "LOG_LEVEL",
                    &v,
                    "expected ERROR, WARNING, INFO, DEBUG or TRACE",
                );
                None
            }
        });
    let to_file = c.boolean("LOG_TO_FILE");
    let file = c.text("LOG_FILE").map(|f| c.path("LOG_FILE", &f));
    let format = c.text("LOG_FORMAT");
    let rotate_bytes = c.whole("LOG_ROTATE_BYTES", 1);
    let backup_count = c.whole("LOG_BACKUP_COUNT", 0);
    Some(LogSettings {
        level: level?,
        to_file: to_file?,
        file: file?,
        rotate_bytes: rotate_bytes?,
        backup_count: usize::try_from(backup_count?).ok()?,
        format,
    })
}

fn endpoint(c: &mut Checker<'_>, side: Side) -> Option<Endpoint> {
    let p = side.prefix();
    let key = |k: &str| format!("{p}_{k}");
    let get = |c: &Checker<'_>, k: &str| c.text(&key(k));
    let connection_string = get(c, "CONNECTION_STRING");
    let dsn = get(c, "DSN");
    let driver = get(c, "DRIVER");
    let host = get(c, "HOST");
    let database = get(c, "DB");
    let port_text = get(c, "PORT");
    let parts_given: Vec<String> = ["DRIVER", "HOST", "PORT", "DB"]
        .iter()
        .filter(|k| get(c, k).is_some())
        .map(|k| key(k))
        .collect();
    let mut ways = Vec::new();
    if connection_string.is_some() {
        ways.push(key("CONNECTION_STRING"));
    }
    if dsn.is_some() {
        ways.push(key("DSN"));
    }
    if !parts_given.is_empty() {
        ways.push(parts_given.join("/"));
    }
    if ways.len() > 1 {
        c.errors.push(format!(
            "two ways to connect to the {} are set ({}); use exactly one: {p}_CONNECTION_STRING, \
             {p}_DSN, or {p}_DRIVER with {p}_HOST/{p}_PORT/{p}_DB",
            side.name(),
            ways.join(" and ")
        ));
        return None;
    }
    let port = match port_text {
        Some(t) => match t.parse::<u16>() {
            Ok(p) if p > 0 => Some(p),
            _ => {
                c.fail(
                    &key("PORT"),
                    &t,
                    "expected a TCP port number between 1 and 65535",
                );
                return None;
            }
        },
        None => None,
    };
    let connect = if let Some(s) = connection_string {
        Connect::ConnectionString(s)
    } else if let Some(d) = dsn {
        Connect::Dsn(d)
    } else if let Some(driver) = driver {
        Connect::Parts {
            driver: driver
                .trim_start_matches('{')
                .trim_end_matches('}')
                .to_string(),
            host,
            port,
            database,
        }
    } else if !parts_given.is_empty() {
        c.errors.push(format!(
            "{} is set but {p}_DRIVER is not; name the ODBC driver (see `source-to-staging \
             drivers`), or use {p}_DSN or {p}_CONNECTION_STRING instead",
            parts_given.join("/")
        ));
        return None;
    } else {
        c.errors.push(format!(
            "no way to connect to the {} is set; set {p}_CONNECTION_STRING, {p}_DSN, or \
             {p}_DRIVER with {p}_HOST/{p}_PORT/{p}_DB",
            side.name()
        ));
        return None;
    };
    let password = get(c, "PASSWORD").map(Secret::new);
    if let Some(user) = get(c, "USERNAME") {
        secrets::register_public(&user);
    }
    let trust = c.boolean(&key("MSSQL_TRUST_SERVER_CERTIFICATE"));
    let tns_alias = c.boolean(&key("ORACLE_TNS_ALIAS")).unwrap_or(false);
    Some(Endpoint {
        side,
        connect,
        username: get(c, "USERNAME"),
        password,
        odbc_options: get(c, "ODBC_OPTIONS"),
        schema: get(c, "SCHEMA"),
        mssql_odbc_driver: get(c, "MSSQL_ODBC_DRIVER"),
        mssql_trust_server_certificate: trust,
        oracle_tns_alias: tns_alias,
        oracle_client_path: get(c, "ORACLE_CLIENT_PATH")
            .map(|p| c.path(&key("ORACLE_CLIENT_PATH"), &p)),
        admin_db: match side {
            Side::Target => get(c, "ADMIN_DB"),
            Side::Source => None,
        },
    })
}

fn tables(c: &mut Checker<'_>) -> Option<Vec<TableName>> {
    let Some(text) = c.text("SRC_TABLES") else {
        c.errors.push(
            "SRC_TABLES is not set: list the tables to copy, separated by commas (an entry may \
             be schema.table)"
                .to_string(),
        );
        return None;
    };
    let mut tables = Vec::new();
    let mut targets = HashSet::new();
    for (i, entry) in text.split(',').enumerate() {
        let entry = entry.trim();
        if entry.is_empty() {
            c.fail(
                "SRC_TABLES",
                &text,
                &format!(
                    "entry {} is empty; remove the extra comma (expected table or schema.table, \
                     separated by commas)",
                    i + 1
                ),
            );
            return None;
        }
        let (schema, name) = match entry.rsplit_once('.') {
            Some((s, n)) if !s.trim().is_empty() && !n.trim().is_empty() => {
                (Some(s.trim().to_string()), n.trim().to_string())
            }
            Some(_) => {
                c.fail(
                    "SRC_TABLES",
                    &text,
                    &format!("entry '{entry}' is not table or schema.table"),
                );
                return None;
            }
            None => (None, entry.to_string()),
        };
        if !targets.insert(name.to_lowercase()) {
            c.fail(
                "SRC_TABLES",
                &text,
                &format!(
                    "two entries would both be copied into the target table '{name}'; copy them \
                     in separate runs with different DST_SCHEMA values"
                ),
            );
            return None;
        }
        tables.push(TableName { schema, name });
    }
    Some(tables)
}

#[cfg(test)]
mod tests;
