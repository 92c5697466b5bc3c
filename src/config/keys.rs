//! Every configuration key: its INI section, its default, and what it means.
//!
//! This table is the single list the INI reader, the environment reader, `--set` and the
//! documentation check (`config.ini.example` must mention every key) work from.

/// One configuration key.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The key's name (also the environment variable's name).
    pub name: &'static str,
    /// The INI section it belongs to.
    pub section: &'static str,
    /// Its default, if it has one.
    pub default: Option<&'static str>,
    /// One line of explanation.
    pub help: &'static str,
}

const SRC: &str = "database-source";
const DST: &str = "database-destination";
const SET: &str = "settings";
const LOG: &str = "logging";

macro_rules! key {
    ($name:literal, $section:expr, $default:expr, $help:literal) => {
        Key {
            name: $name,
            section: $section,
            default: $default,
            help: $help,
        }
    };
}

/// All keys, in the order of `config.ini.example`.
pub const ALL: &[Key] = &[
    key!(
        "SRC_CONNECTION_STRING",
        SRC,
        None,
        "complete ODBC connection string (way 1 of 3)"
    ),
    key!("SRC_DSN", SRC, None, "ODBC data source name (way 2 of 3)"),
    key!(
        "SRC_DRIVER",
        SRC,
        None,
        "registered ODBC driver name, with HOST/PORT/DB (way 3 of 3)"
    ),
    key!("SRC_HOST", SRC, None, "host name or address"),
    key!("SRC_PORT", SRC, None, "TCP port"),
    key!(
        "SRC_DB",
        SRC,
        None,
        "database name (SQLite: the database file)"
    ),
    key!("SRC_USERNAME", SRC, None, "user name"),
    key!("SRC_PASSWORD", SRC, None, "password (never printed)"),
    key!(
        "SRC_PASSWORD_FILE",
        SRC,
        None,
        "a file holding the password (Docker/Kubernetes secrets); not with SRC_PASSWORD"
    ),
    key!(
        "SRC_ODBC_OPTIONS",
        SRC,
        None,
        "extra key=value;... appended to the connection string"
    ),
    key!(
        "SRC_SCHEMA",
        SRC,
        None,
        "schema to read from (an entry schema.table overrides it)"
    ),
    key!(
        "SRC_MSSQL_ODBC_DRIVER",
        SRC,
        None,
        "SQL Server: the ODBC driver to use for a SQLAlchemy-style SRC_DRIVER (tried first)"
    ),
    key!(
        "SRC_MSSQL_TRUST_SERVER_CERTIFICATE",
        SRC,
        None,
        "SQL Server: trust the server's certificate (true when SRC_DRIVER is used, as before)"
    ),
    key!(
        "SRC_ORACLE_TNS_ALIAS",
        SRC,
        None,
        "Oracle: SRC_DB (or SRC_HOST) is a TNS alias from tnsnames.ora"
    ),
    key!(
        "SRC_ORACLE_CLIENT_PATH",
        SRC,
        None,
        "Oracle: folder of the Instant Client, where the ODBC driver is when none is registered"
    ),
    key!(
        "DST_CONNECTION_STRING",
        DST,
        None,
        "complete ODBC connection string (way 1 of 3)"
    ),
    key!("DST_DSN", DST, None, "ODBC data source name (way 2 of 3)"),
    key!(
        "DST_DRIVER",
        DST,
        None,
        "registered ODBC driver name, with HOST/PORT/DB (way 3 of 3)"
    ),
    key!("DST_HOST", DST, None, "host name or address"),
    key!("DST_PORT", DST, None, "TCP port"),
    key!(
        "DST_DB",
        DST,
        None,
        "database name (SQLite: the database file)"
    ),
    key!("DST_USERNAME", DST, None, "user name"),
    key!("DST_PASSWORD", DST, None, "password (never printed)"),
    key!(
        "DST_PASSWORD_FILE",
        DST,
        None,
        "a file holding the password (Docker/Kubernetes secrets); not with DST_PASSWORD"
    ),
    key!(
        "DST_ODBC_OPTIONS",
        DST,
        None,
        "extra key=value;... appended to the connection string"
    ),
    key!(
        "DST_SCHEMA",
        DST,
        None,
        "staging schema to write into; created when missing"
    ),
    key!(
        "DST_MSSQL_ODBC_DRIVER",
        DST,
        None,
        "SQL Server: the ODBC driver to use for a SQLAlchemy-style DST_DRIVER (tried first)"
    ),
    key!(
        "DST_MSSQL_TRUST_SERVER_CERTIFICATE",
        DST,
        None,
        "SQL Server: trust the server's certificate (true when DST_DRIVER is used, as before)"
    ),
    key!(
        "DST_ORACLE_TNS_ALIAS",
        DST,
        None,
        "Oracle: DST_DB (or DST_HOST) is a TNS alias from tnsnames.ora"
    ),
    key!(
        "DST_ORACLE_CLIENT_PATH",
        DST,
        None,
        "Oracle: folder of the Instant Client, where the ODBC driver is when none is registered"
    ),
    key!(
        "DST_ADMIN_DB",
        DST,
        None,
        "database to connect to when the target database must be created (postgres, master)"
    ),
    key!(
        "SRC_TABLES",
        SET,
        None,
        "comma-separated tables to copy; an entry may be schema.table"
    ),
    key!(
        "SRC_TABLES_EXCLUDE",
        SET,
        None,
        "table patterns (* and ?) removed from the tables SRC_TABLES matched"
    ),
    key!(
        "EXCLUDE_COLUMNS",
        SET,
        None,
        "table.column patterns (*.bsn) never selected from the source"
    ),
    key!(
        "PSEUDONYMIZE_COLUMNS",
        SET,
        None,
        "table.column patterns whose values become hex HMAC-SHA-256 pseudonyms"
    ),
    key!(
        "PSEUDONYMIZE_KEY",
        SET,
        None,
        "the pseudonyms' secret key (never printed; keep it outside the INI file)"
    ),
    key!(
        "PSEUDONYMIZE_KEY_FILE",
        SET,
        None,
        "a file holding PSEUDONYMIZE_KEY (a mounted secret); not with PSEUDONYMIZE_KEY"
    ),
    key!(
        "SRC_CHUNK_SIZE",
        SET,
        Some("100000"),
        "rows per batch, and rows per Parquet part file"
    ),
    key!(
        "SRC_KEY_RANGES",
        SET,
        Some("auto"),
        "read tables in key ranges of about SRC_CHUNK_SIZE rows: auto (where the source driver \
         holds whole result sets), always or never"
    ),
    key!(
        "TRANSFER_MODE",
        SET,
        Some("DIRECT"),
        "DIRECT or DUMP (old names accepted)"
    ),
    key!(
        "WRITE_MODE",
        SET,
        Some("replace"),
        "replace, truncate or append"
    ),
    key!(
        "SCHEMA_CHANGES",
        SET,
        Some("add"),
        "truncate/append: a new source column is added (add) or refused (fail)"
    ),
    key!(
        "ROW_LIMIT",
        SET,
        None,
        "at most this many rows per table (0 or empty: all)"
    ),
    key!(
        "INCREMENTAL_LOOKBACK",
        SET,
        Some("0"),
        "[incremental] tables: re-read this much below the target's MAX (a number; seconds for dates and times)"
    ),
    key!(
        "PARTITIONS",
        SET,
        Some("1"),
        "[partitions] tables: source connections reading one table at once"
    ),
    key!(
        "LOG_ROW_COUNT",
        SET,
        Some("true"),
        "COUNT(*) each source table first (progress, check)"
    ),
    key!(
        "DIRECT_MAX_RETRIES",
        SET,
        Some("3"),
        "retries of one batch after a transient error"
    ),
    key!(
        "DIRECT_BACKOFF_BASE_SECONDS",
        SET,
        Some("0.5"),
        "first backoff; doubles, with jitter"
    ),
    key!(
        "DIRECT_BACKOFF_MAX_SECONDS",
        SET,
        Some("8"),
        "backoff ceiling"
    ),
    key!(
        "CLEANUP_PARQUET_FILES",
        SET,
        Some("true"),
        "delete the run's Parquet files after loading"
    ),
    key!(
        "PARQUET_DIR",
        SET,
        Some("data"),
        "where part files and the manifest go ({date}, {run_id})"
    ),
    key!(
        "LOWERCASE_COLUMNS",
        SET,
        Some("true"),
        "lowercase column names in staging"
    ),
    key!(
        "ASK_PASSWORD_IN_CLI",
        SET,
        Some("false"),
        "prompt for the passwords, input hidden"
    ),
    key!(
        "MAX_TEXT_SIZE",
        SET,
        Some("16777216"),
        "largest text value (bytes) of unbounded text columns"
    ),
    key!(
        "MAX_BINARY_SIZE",
        SET,
        Some("16777216"),
        "largest binary value (bytes) of unbounded binary columns"
    ),
    key!(
        "BATCH_MEMORY_MB",
        SET,
        Some("64"),
        "memory bound of one fetch buffer; batches shrink to fit"
    ),
    key!(
        "PARALLEL_TABLES",
        SET,
        Some("2"),
        "tables copied at the same time, each on its own connections"
    ),
    key!(
        "WRITERS_PER_TABLE",
        SET,
        Some("2"),
        "connections inserting into one table at the same time"
    ),
    key!(
        "LOCK_WAIT_SECONDS",
        SET,
        Some("600"),
        "wait this long for another run loading the same target table, then fail the table"
    ),
    key!(
        "SWAP_WAIT_SECONDS",
        SET,
        Some("300"),
        "how long the last step (swap, refresh, append) tries to get the target table's locks, in short waits that never stall its readers long"
    ),
    key!(
        "LOGIN_TIMEOUT_SECONDS",
        SET,
        Some("30"),
        "give up connecting after this many seconds"
    ),
    key!(
        "LOG_LEVEL",
        LOG,
        Some("INFO"),
        "ERROR, WARNING, INFO, DEBUG or TRACE"
    ),
    key!(
        "LOG_TO_FILE",
        LOG,
        Some("false"),
        "also write the log to LOG_FILE"
    ),
    key!(
        "LOG_FILE",
        LOG,
        Some("logs/source_to_staging.log"),
        "log file (rotated by size)"
    ),
    key!(
        "LOG_ROTATE_BYTES",
        LOG,
        Some("5000000"),
        "rotate the log file at this size"
    ),
    key!(
        "LOG_BACKUP_COUNT",
        LOG,
        Some("3"),
        "rotated log files to keep"
    ),
    key!(
        "LOG_FORMAT",
        LOG,
        None,
        "log line format with %(asctime)s, %(levelname)s, %(name)s, %(message)s"
    ),
];

/// Sections whose keys are not settings but names: `[queries]` (`name = SELECT ...`),
/// `[column-types]` (`table.column = TYPE`), `[incremental]` (`table = column`), `[merge-keys]`
/// (`table = col1, col2`) and `[partitions]` (`table = column`). They can only be given in an
/// INI file.
pub const TABLE_SECTIONS: &[&str] = &[
    "queries",
    "column-types",
    "incremental",
    "merge-keys",
    "partitions",
];

/// Keys whose values are secrets: never printed, masked in every output.
pub fn is_secret(name: &str) -> bool {
    name.ends_with("_PASSWORD") || name == "PSEUDONYMIZE_KEY"
}

/// The secrets that may come from a file instead, and the key naming that file
/// (`SRC_PASSWORD_FILE`: the Docker and Kubernetes convention for mounted secrets).
pub const SECRET_FILES: &[(&str, &str)] = &[
    ("SRC_PASSWORD", "SRC_PASSWORD_FILE"),
    ("DST_PASSWORD", "DST_PASSWORD_FILE"),
    ("PSEUDONYMIZE_KEY", "PSEUDONYMIZE_KEY_FILE"),
];

/// The key named `name` (upper case), if there is one.
pub fn find(name: &str) -> Option<&'static Key> {
    ALL.iter().find(|k| k.name == name)
}

/// The section `name` (upper case) belongs to.
pub fn section_of(name: &str) -> Option<&'static str> {
    find(name).map(|k| k.section)
}
