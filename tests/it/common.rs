//! Test support: fresh databases on the real servers (PostgreSQL 127.0.0.1:5432, MariaDB
//! 127.0.0.1:3306, SQLite files), reached over ODBC; running the binary as a user would; and
//! reading values back as canonical text computed by the target DBMS itself, so the check does
//! not depend on this tool's own reader.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
    sync::atomic::{AtomicUsize, Ordering},
};

use arrow_odbc::odbc_api::{Connection, ConnectionOptions, Cursor, Environment, ResultSetMetadata};

pub const PG_HOST: &str = "127.0.0.1";
pub const MARIADB_HOST: &str = "127.0.0.1";
/// The T-SQL server: Babelfish for PostgreSQL (../shared/babelfish/, started by .ci/run),
/// reached through FreeTDS; its login is a sysadmin.
pub const MSSQL_HOST: &str = "127.0.0.1";
pub const MSSQL_USER: &str = "sa_test";
pub const MSSQL_PASSWORD: &str = "Test_1234";

fn env() -> &'static Environment {
    arrow_odbc::odbc_api::environment().expect("ODBC environment")
}

/// The DBMSs tested live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Postgres,
    MariaDb,
    Sqlite,
    /// SQL Server's T-SQL over TDS: Babelfish, through FreeTDS.
    SqlServer,
}

impl Kind {
    /// The DBMSs of the tests that go over every pair (SQL Server has tests of its own).
    pub const ALL: [Kind; 4] = [Kind::Postgres, Kind::MariaDb, Kind::Sqlite, Kind::SqlServer];

    pub fn tag(self) -> &'static str {
        match self {
            Kind::Postgres => "pg",
            Kind::MariaDb => "my",
            Kind::Sqlite => "lite",
            Kind::SqlServer => "ms",
        }
    }
}

/// A database created for one test and dropped afterwards.
pub struct TestDb {
    pub kind: Kind,
    /// Database name (PostgreSQL, MariaDB) or file path (SQLite).
    pub name: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique(tag: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("s2s_t_{tag}_{}_{n}", std::process::id())
}

impl TestDb {
    /// A fresh, empty database of `kind`. Fails (never skips) when the server is not reachable.
    pub fn new(kind: Kind, tag: &str) -> TestDb {
        let name = unique(tag);
        match kind {
            Kind::Postgres => {
                admin_exec(kind, &format!("DROP DATABASE IF EXISTS {name}"));
                admin_exec(
                    kind,
                    &format!("CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"),
                );
                TestDb {
                    kind,
                    name,
                    _dir: None,
                }
            }
            Kind::MariaDb => {
                admin_exec(kind, &format!("DROP DATABASE IF EXISTS {name}"));
                admin_exec(
                    kind,
                    &format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"),
                );
                TestDb {
                    kind,
                    name,
                    _dir: None,
                }
            }
            Kind::SqlServer => {
                admin_exec(
                    kind,
                    &format!("IF DB_ID('{name}') IS NOT NULL DROP DATABASE {name}"),
                );
                admin_exec(kind, &format!("CREATE DATABASE {name}"));
                TestDb {
                    kind,
                    name,
                    _dir: None,
                }
            }
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join(format!("{name}.db"));
                TestDb {
                    kind,
                    name: path.to_string_lossy().into_owned(),
                    _dir: Some(dir),
                }
            }
        }
    }

    /// A database that something else created (a run that creates its target database); it is
    /// dropped at the end like the others.
    pub fn existing(kind: Kind, name: &str) -> TestDb {
        TestDb {
            kind,
            name: name.to_string(),
            _dir: None,
        }
    }

    pub fn connection_string(&self) -> String {
        match self.kind {
            Kind::Postgres => format!(
                "Driver={{PostgreSQL Unicode}};Server={PG_HOST};Port=5432;Database={};Uid=postgres;Pwd=;",
                self.name
            ),
            Kind::MariaDb => format!(
                "Driver={{MariaDB Unicode}};Server={MARIADB_HOST};Port=3306;Database={};Uid=root;Pwd=;CHARSET=utf8mb4;",
                self.name
            ),
            Kind::Sqlite => format!("Driver={{SQLite3}};Database={};", self.name),
            Kind::SqlServer => format!(
                "Driver={{FreeTDS}};Server={MSSQL_HOST};Port=1433;TDS_Version=7.4;Database={};\
                 Uid={MSSQL_USER};Pwd={MSSQL_PASSWORD};ClientCharset=UTF-8;",
                self.name
            ),
        }
    }

    /// The INI lines that connect to this database, for prefix SRC or DST, as parts.
    pub fn ini_keys(&self, prefix: &str) -> String {
        match self.kind {
            Kind::Postgres => format!(
                "{prefix}_DRIVER = PostgreSQL Unicode\n{prefix}_HOST = {PG_HOST}\n{prefix}_PORT = 5432\n\
                 {prefix}_DB = {}\n{prefix}_USERNAME = postgres\n",
                self.name
            ),
            Kind::MariaDb => format!(
                "{prefix}_DRIVER = MariaDB Unicode\n{prefix}_HOST = {MARIADB_HOST}\n{prefix}_PORT = 3306\n\
                 {prefix}_DB = {}\n{prefix}_USERNAME = root\n",
                self.name
            ),
            Kind::Sqlite => format!("{prefix}_DRIVER = SQLite3\n{prefix}_DB = {}\n", self.name),
            Kind::SqlServer => format!(
                "{prefix}_DRIVER = FreeTDS\n{prefix}_HOST = {MSSQL_HOST}\n{prefix}_PORT = 1433\n\
                 {prefix}_DB = {}\n{prefix}_USERNAME = {MSSQL_USER}\n{prefix}_PASSWORD = {MSSQL_PASSWORD}\n",
                self.name
            ),
        }
    }

    /// The schema the tests write staging tables into (SQLite has none).
    pub fn staging_schema(&self) -> Option<String> {
        match self.kind {
            Kind::Postgres => Some("staging".into()),
            // In MariaDB a schema is a database: a second one per test.
            Kind::MariaDb => Some(format!("{}_stg", self.name)),
            Kind::Sqlite => None,
            Kind::SqlServer => Some("staging".into()),
        }
    }

    /// `schema.table` (quoted) for reading back.
    pub fn table_ref(&self, schema: Option<&str>, table: &str) -> String {
        let q = |s: &str| match self.kind {
            Kind::MariaDb => format!("`{s}`"),
            Kind::SqlServer => format!("[{}]", s.replace(']', "]]")),
            _ => format!("\"{s}\""),
        };
        match schema {
            Some(s) => format!("{}.{}", q(s), q(table)),
            None => q(table),
        }
    }

    pub fn exec(&self, sql: &str) {
        let conn = env()
            .connect_with_connection_string(&self.connection_string(), ConnectionOptions::default())
            .unwrap_or_else(|e| panic!("cannot connect to {:?} {}: {e}", self.kind, self.name));
        conn.execute(sql, (), None)
            .unwrap_or_else(|e| panic!("{sql}\nfailed: {e}"));
    }

    pub fn query(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        query(&self.connection_string(), sql)
    }

    /// Whether a table exists.
    pub fn has_table(&self, schema: Option<&str>, table: &str) -> bool {
        let sql = match self.kind {
            Kind::Postgres => format!(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = '{}' AND table_name = '{table}'",
                schema.unwrap_or("public")
            ),
            Kind::MariaDb => format!(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = '{}' AND table_name = '{table}'",
                schema.unwrap_or(&self.name)
            ),
            Kind::Sqlite => {
                format!("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
            }
            Kind::SqlServer => format!(
                "SELECT 1 FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME = '{table}'",
                schema.unwrap_or("dbo")
            ),
        };
        !self.query(&sql).is_empty()
    }

    /// The side tables of `table` that runs left in `schema` (`<table>_s2s_new_<run>`).
    pub fn side_tables(&self, schema: Option<&str>, table: &str) -> Vec<String> {
        let like = format!("{table}%s2s%new%");
        let sql = match self.kind {
            Kind::Postgres => format!(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '{}' AND table_name LIKE '{like}'",
                schema.unwrap_or("public")
            ),
            Kind::MariaDb => format!(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = '{}' AND table_name LIKE '{like}'",
                schema.unwrap_or(&self.name)
            ),
            Kind::Sqlite => format!(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '{like}'"
            ),
            Kind::SqlServer => format!(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME LIKE '{like}'",
                schema.unwrap_or("dbo")
            ),
        };
        let legacy = format!("{table}_s2s_new");
        let side = |name: &String| {
            *name == legacy
                || name
                    .strip_prefix(&format!("{legacy}_"))
                    .is_some_and(|run| run.len() == 8 && run.bytes().all(|b| b.is_ascii_hexdigit()))
        };
        let mut found: Vec<String> = self
            .query(&sql)
            .into_iter()
            .filter_map(|row| row[0].clone())
            .filter(side)
            .collect();
        found.sort();
        found
    }

    /// Does `table` have a side table in `schema` (see [`TestDb::side_tables`])?
    pub fn has_side_table(&self, schema: Option<&str>, table: &str) -> bool {
        !self.side_tables(schema, table).is_empty()
    }

    pub fn count(&self, schema: Option<&str>, table: &str) -> u64 {
        let rows = self.query(&format!(
            "SELECT COUNT(*) FROM {}",
            self.table_ref(schema, table)
        ));
        rows[0][0].as_deref().unwrap().parse().unwrap()
    }

    /// SQL giving the canonical text of `column` holding values of `kind`.
    pub fn canonical_expr(&self, column: &str, kind: ValueKind) -> String {
        let c = match self.kind {
            Kind::MariaDb => format!("`{column}`"),
            Kind::SqlServer => format!("[{column}]"),
            _ => format!("\"{column}\""),
        };
        match (self.kind, kind) {
            (Kind::SqlServer, ValueKind::Timestamp) => format!("CONVERT(varchar(30), {c}, 121)"),
            // An instant: its UTC time.
            (Kind::SqlServer, ValueKind::Instant) => format!(
                "CONVERT(varchar(30), CONVERT(datetime2(7), SWITCHOFFSET({c}, '+00:00')), 121)"
            ),
            (Kind::SqlServer, ValueKind::Date) => format!("CONVERT(varchar(10), {c}, 23)"),
            // FreeTDS gives binary as hex text.
            (Kind::SqlServer, ValueKind::Binary | ValueKind::Text) => c,
            (Kind::SqlServer, _) => format!("CAST({c} AS varchar(100))"),
            (Kind::Postgres, ValueKind::Timestamp) => {
                format!("to_char({c}, 'YYYY-MM-DD HH24:MI:SS.US')")
            }
            // An instant: its UTC time, whatever the session's time zone.
            (Kind::Postgres, ValueKind::Instant) => {
                format!("to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')")
            }
            (Kind::MariaDb, ValueKind::Instant) => {
                format!("DATE_FORMAT({c}, '%Y-%m-%d %H:%i:%s.%f')")
            }
            (Kind::Postgres, ValueKind::Binary) => format!("encode({c}, 'hex')"),
            // As text: psqlODBC would print a uuid in upper case.
            (Kind::Postgres, ValueKind::Text) => format!("{c}::text"),
            (Kind::Postgres, _) => format!("{c}::text"),
            (Kind::MariaDb, ValueKind::Timestamp) => {
                format!("DATE_FORMAT({c}, '%Y-%m-%d %H:%i:%s.%f')")
            }
            (Kind::MariaDb, ValueKind::Binary) => format!("LOWER(HEX({c}))"),
            (Kind::MariaDb, ValueKind::Float) => format!("CAST(({c} + 0e0) AS CHAR)"),
            (Kind::MariaDb, ValueKind::Text) => c,
            (Kind::MariaDb, _) => format!("CAST({c} AS CHAR)"),
            (Kind::Sqlite, ValueKind::Binary) => {
                format!("CASE WHEN {c} IS NULL THEN NULL ELSE lower(hex({c})) END")
            }
            (Kind::Sqlite, ValueKind::Float) => {
                format!("CASE WHEN {c} IS NULL THEN NULL ELSE quote({c}) END")
            }
            (Kind::Sqlite, ValueKind::Text) => c,
            (Kind::Sqlite, _) => format!("CAST({c} AS TEXT)"),
        }
    }

    /// All values of `columns` ordered by `order_by`, canonicalised.
    pub fn canonical_rows(
        &self,
        schema: Option<&str>,
        table: &str,
        columns: &[(&str, ValueKind)],
        order_by: &str,
    ) -> Vec<Vec<Option<String>>> {
        let list: Vec<String> = columns
            .iter()
            .map(|(c, k)| self.canonical_expr(c, *k))
            .collect();
        let order = match self.kind {
            Kind::MariaDb => format!("`{order_by}`"),
            Kind::SqlServer => format!("[{order_by}]"),
            _ => format!("\"{order_by}\""),
        };
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {order}",
            list.join(", "),
            self.table_ref(schema, table)
        );
        self.query(&sql)
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .zip(columns)
                    .map(|(v, (_, k))| v.map(|v| normalise(&v, *k)))
                    .collect()
            })
            .collect()
    }

    /// The declared type of each column of a table in this database.
    pub fn column_types(&self, schema: Option<&str>, table: &str) -> Vec<(String, String)> {
        let sql = match self.kind {
            Kind::Postgres => format!(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a \
                 WHERE a.attrelid = to_regclass('{}') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                self.table_ref(schema, table).replace('\'', "''")
            ),
            Kind::MariaDb => format!(
                "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{}' \
                 AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION",
                schema.unwrap_or(&self.name)
            ),
            Kind::Sqlite => {
                format!("SELECT name, type FROM pragma_table_info('{table}') ORDER BY cid")
            }
            // The type as DDL spells it: lengths, precision and scale, fractional digits.
            Kind::SqlServer => format!(
                "SELECT COLUMN_NAME, DATA_TYPE + CASE WHEN DATA_TYPE IN ('varchar', 'nvarchar', \
                 'char', 'nchar', 'varbinary', 'binary') THEN '(' + CASE WHEN \
                 CHARACTER_MAXIMUM_LENGTH = -1 THEN 'max' ELSE CAST(CHARACTER_MAXIMUM_LENGTH AS \
                 varchar(10)) END + ')' WHEN DATA_TYPE IN ('decimal', 'numeric') THEN '(' + \
                 CAST(NUMERIC_PRECISION AS varchar(10)) + ',' + CAST(NUMERIC_SCALE AS varchar(10)) \
                 + ')' WHEN DATA_TYPE IN ('datetime2', 'time', 'datetimeoffset') THEN '(' + \
                 CAST(DATETIME_PRECISION AS varchar(10)) + ')' ELSE '' END FROM \
                 INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME = '{table}' \
                 ORDER BY ORDINAL_POSITION",
                schema.unwrap_or("dbo")
            ),
        };
        self.query(&sql)
            .into_iter()
            .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap()))
            .collect()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return; // keep the evidence
        }
        match self.kind {
            Kind::Postgres => {
                let _ = try_admin_exec(
                    self.kind,
                    &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                );
            }
            Kind::MariaDb => {
                let _ =
                    try_admin_exec(self.kind, &format!("DROP DATABASE IF EXISTS {}", self.name));
                let _ = try_admin_exec(
                    self.kind,
                    &format!("DROP DATABASE IF EXISTS {}_stg", self.name),
                );
            }
            Kind::SqlServer => {
                let _ = try_admin_exec(self.kind, &format!("DROP DATABASE {}", self.name));
            }
            Kind::Sqlite => {}
        }
    }
}

fn admin_connection_string(kind: Kind) -> String {
    match kind {
        Kind::Postgres => format!(
            "Driver={{PostgreSQL Unicode}};Server={PG_HOST};Port=5432;Database=postgres;Uid=postgres;Pwd=;"
        ),
        Kind::MariaDb => format!(
            "Driver={{MariaDB Unicode}};Server={MARIADB_HOST};Port=3306;Uid=root;Pwd=;CHARSET=utf8mb4;"
        ),
        Kind::SqlServer => format!(
            "Driver={{FreeTDS}};Server={MSSQL_HOST};Port=1433;TDS_Version=7.4;Database=master;\
             Uid={MSSQL_USER};Pwd={MSSQL_PASSWORD};ClientCharset=UTF-8;"
        ),
        Kind::Sqlite => unreachable!("SQLite needs no admin connection"),
    }
}

/// Babelfish 4.4 answers two `CREATE DATABASE`s at the same time with "tuple concurrently
/// updated": the tests' statements on its server's `master` go one at a time.
static SQLSERVER_ADMIN: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn try_admin_exec(kind: Kind, sql: &str) -> Result<(), String> {
    let _one_at_a_time = (kind == Kind::SqlServer)
        .then(|| SQLSERVER_ADMIN.lock().unwrap_or_else(|e| e.into_inner()));
    let conn = env()
        .connect_with_connection_string(
            &admin_connection_string(kind),
            ConnectionOptions::default(),
        )
        .map_err(|e| format!("cannot connect to the {kind:?} server (is it running?): {e}"))?;
    conn.execute(sql, (), None)
        .map_err(|e| format!("{sql}: {e}"))?;
    Ok(())
}

fn admin_exec(kind: Kind, sql: &str) {
    try_admin_exec(kind, sql).unwrap_or_else(|e| panic!("{e}"));
}

/// Runs a statement that returns no rows.
pub fn exec(connection_string: &str, sql: &str) {
    let conn = env()
        .connect_with_connection_string(connection_string, ConnectionOptions::default())
        .unwrap_or_else(|e| panic!("cannot connect: {e}"));
    conn.execute(sql, (), None)
        .unwrap_or_else(|e| panic!("{sql}\nfailed: {e}"));
}

/// Runs a query and returns every value as text.
pub fn query(connection_string: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let conn = env()
        .connect_with_connection_string(connection_string, ConnectionOptions::default())
        .unwrap_or_else(|e| panic!("cannot connect: {e}"));
    query_on(&conn, sql)
}

/// Runs a query on `conn` (in its transaction) and returns every value as text.
pub fn query_on(conn: &Connection<'_>, sql: &str) -> Vec<Vec<Option<String>>> {
    let mut cursor = conn
        .execute(sql, (), None)
        .unwrap_or_else(|e| panic!("{sql}\nfailed: {e}"))
        .expect("a result set");
    let n = cursor.num_result_cols().unwrap() as u16;
    let mut rows = Vec::new();
    let mut buf = Vec::new();
    while let Some(mut row) = cursor.next_row().unwrap() {
        let mut values = Vec::new();
        for i in 1..=n {
            let present = row.get_text(i, &mut buf).unwrap();
            values.push(present.then(|| String::from_utf8(buf.clone()).expect("UTF-8")));
        }
        rows.push(values);
    }
    rows
}

/// How a column's canonical text is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Integer,
    Decimal,
    Float,
    Boolean,
    Text,
    Date,
    Timestamp,
    /// A timestamp with time zone, compared in UTC.
    Instant,
    /// A time of day.
    Time,
    Binary,
}

/// Canonical form: decimals without trailing zeros, floats in Rust's shortest round-trip form,
/// booleans as 1/0, timestamps with six fractional digits.
pub fn normalise(value: &str, kind: ValueKind) -> String {
    match kind {
        ValueKind::Decimal => {
            let v = value.trim();
            if v.contains('.') {
                let v = v.trim_end_matches('0').trim_end_matches('.');
                if v == "-0" { "0".into() } else { v.to_string() }
            } else {
                v.to_string()
            }
        }
        ValueKind::Float => {
            let f: f64 = value
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("not a float: {value}"));
            format!("{f:?}")
        }
        ValueKind::Boolean => match value.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "1" => "1".into(),
            "f" | "false" | "0" => "0".into(),
            other => panic!("not a boolean: {other}"),
        },
        ValueKind::Timestamp | ValueKind::Instant | ValueKind::Time => {
            let v = value.trim();
            // At least 6 digits; zeros beyond the 6th say nothing.
            match v.split_once('.') {
                Some((head, frac)) => {
                    let frac = format!("{frac:0<6}");
                    let kept = frac.trim_end_matches('0').len().max(6);
                    format!("{head}.{}", &frac[..kept])
                }
                None => format!("{v}.000000"),
            }
        }
        _ => value.to_string(),
    }
}

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn output(&self) -> String {
        format!("--- stdout\n{}--- stderr\n{}", self.stdout, self.stderr)
    }

    /// The rows written that the summary gives for `table`.
    pub fn rows_written(&self, table: &str) -> Option<&str> {
        self.stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(table))
            .and_then(|l| l.split_whitespace().nth(2))
    }
}

/// Runs `source-to-staging` with `args` in `cwd`, with a clean environment plus `env`.
pub fn run_tool(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_source-to-staging"));
    cmd.args(args);
    run_command(cmd, cwd, env)
}

/// `load --config INI --manifest MANIFEST` in `dir`.
pub fn load_manifest(dir: &Path, ini: &Path, manifest: &Path) -> Run {
    run_tool(
        dir,
        &[
            "load",
            "--config",
            ini.to_str().unwrap(),
            "--manifest",
            manifest.to_str().unwrap(),
        ],
        &[],
    )
}

/// [`run_tool`] as the user `nobody` (uid 65534), another user than the tests' own. The binary
/// runs from a copy in a folder every user may enter (the checkout may be in a folder that only
/// its owner may).
pub fn run_tool_as_nobody(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    use std::os::unix::fs::PermissionsExt;
    static COPY: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, binary) = COPY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let binary = dir.path().join("source-to-staging");
        std::fs::copy(env!("CARGO_BIN_EXE_source-to-staging"), &binary).unwrap();
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
        (dir, binary)
    });
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(binary)
        .args(args);
    run_command(cmd, cwd, env)
}

fn run_command(mut cmd: Command, cwd: &Path, env: &[(&str, &str)]) -> Run {
    cmd.current_dir(cwd);
    for key in source_to_staging::config::keys::ALL {
        cmd.env_remove(key.name);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run source-to-staging");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Writes an INI file copying `tables` from `source` to `target`, with extra `[settings]` lines.
pub fn write_ini(
    dir: &Path,
    source: &TestDb,
    target: &TestDb,
    tables: &str,
    settings: &str,
) -> PathBuf {
    let schema = target
        .staging_schema()
        .map(|s| format!("DST_SCHEMA = {s}\n"))
        .unwrap_or_default();
    let text = format!(
        "[database-source]\n{}\n[database-destination]\n{}{schema}\n[settings]\nSRC_TABLES = {tables}\n{settings}\n\n[logging]\nLOG_LEVEL = INFO\n",
        source.ini_keys("SRC"),
        target.ini_keys("DST"),
    );
    let path = dir.join("config.ini");
    std::fs::write(&path, text).unwrap();
    path
}

/// Makes every INSERT into a side table (`..._s2s_new`) that a run creates in this PostgreSQL
/// database wait for as long as the returned connection holds an advisory lock: a deterministic
/// "in the middle of the load" for tests that interrupt a run (no sleeping and hoping). An event
/// trigger puts a statement trigger on each new side table; the trigger waits for the lock.
pub fn pause_side_table_inserts(db: &TestDb) -> arrow_odbc::odbc_api::Connection<'static> {
    assert_eq!(db.kind, Kind::Postgres, "event triggers are PostgreSQL's");
    db.exec(
        "CREATE FUNCTION s2s_test_wait() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         PERFORM pg_advisory_lock(4242); PERFORM pg_advisory_unlock(4242); RETURN NULL; END $$",
    );
    db.exec(
        "CREATE FUNCTION s2s_test_pause() RETURNS event_trigger LANGUAGE plpgsql AS $$ \
         DECLARE r record; BEGIN FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() \
         WHERE command_tag = 'CREATE TABLE' AND object_identity LIKE '%s2s_new%' LOOP \
         EXECUTE format('CREATE TRIGGER s2s_test_pause BEFORE INSERT ON %s FOR EACH STATEMENT \
         EXECUTE FUNCTION s2s_test_wait()', r.object_identity); END LOOP; END $$",
    );
    db.exec(
        "CREATE EVENT TRIGGER s2s_test_pause ON ddl_command_end WHEN TAG IN ('CREATE TABLE') \
         EXECUTE FUNCTION s2s_test_pause()",
    );
    let conn = env()
        .connect_with_connection_string(&db.connection_string(), ConnectionOptions::default())
        .expect("connect");
    conn.execute("SELECT pg_advisory_lock(4242)", (), None)
        .expect("advisory lock");
    conn
}

/// Waits until a run's INSERT waits for the lock of [`pause_side_table_inserts`].
pub fn wait_until_paused(db: &TestDb) {
    let started = std::time::Instant::now();
    while db
        .query(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = \
             (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .is_empty()
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "no INSERT into a side table came to wait"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Writes an INI file with only the target (`load --manifest` needs no more), into its staging
/// schema, with extra `[settings]` lines; returns its path.
pub fn write_target_ini(dir: &Path, target: &TestDb, settings: &str) -> PathBuf {
    let schema = target
        .staging_schema()
        .map(|s| format!("DST_SCHEMA = {s}\n"))
        .unwrap_or_default();
    let path = dir.join("target.ini");
    std::fs::write(
        &path,
        format!(
            "[database-destination]\n{}{schema}\n[settings]\n{settings}\n",
            target.ini_keys("DST")
        ),
    )
    .unwrap();
    path
}

/// The mixed-type table of the copy tests.
pub mod mixed {
    use super::{Kind, TestDb, ValueKind};

    /// Columns and how to compare them.
    pub const COLUMNS: &[(&str, ValueKind)] = &[
        ("id", ValueKind::Integer),
        ("i16", ValueKind::Integer),
        ("i32", ValueKind::Integer),
        ("i64", ValueKind::Integer),
        ("amount", ValueKind::Decimal),
        ("f32", ValueKind::Float),
        ("f64", ValueKind::Float),
        ("flag", ValueKind::Boolean),
        ("name", ValueKind::Text),
        ("body", ValueKind::Text),
        ("d", ValueKind::Date),
        ("ts", ValueKind::Timestamp),
        ("bin", ValueKind::Binary),
    ];

    /// Text over 64 KB (120,000 bytes).
    pub fn long_text() -> String {
        "abcdé".repeat(20_000)
    }

    /// The rows, as canonical text.
    pub fn expected() -> Vec<Vec<Option<String>>> {
        let row =
            |v: [Option<&str>; 13]| v.iter().map(|x| x.map(str::to_string)).collect::<Vec<_>>();
        let long = long_text();
        let mut rows = vec![
            row([
                Some("1"),
                Some("-32768"),
                Some("-2147483648"),
                Some("-9223372036854775808"),
                Some("-9999999999999.99999"),
                Some("1.5"),
                Some("2.718281828459045"),
                Some("1"),
                Some("é ë 中文 😀"),
                None,
                Some("1500-01-01"),
                Some("1500-01-01 00:00:00.000001"),
                Some("00ff00"),
            ]),
            row([
                Some("2"),
                Some("32767"),
                Some("2147483647"),
                Some("9223372036854775807"),
                Some("9999999999999.99999"),
                Some("-0.25"),
                Some("-1.7976931348623157e308"),
                Some("0"),
                Some("x"),
                Some("short"),
                Some("9999-12-31"),
                Some("9999-12-31 23:59:59.999999"),
                Some("00"),
            ]),
            row([
                Some("3"),
                Some("0"),
                Some("0"),
                Some("0"),
                Some("0.00001"),
                Some("16777216.0"),
                Some("1e-300"),
                Some("1"),
                Some(""),
                Some(""),
                Some("1970-01-01"),
                Some("2020-02-29 12:34:56.123456"),
                Some(""),
            ]),
            row([
                Some("4"),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ]),
        ];
        rows[0][9] = Some(long);
        // Canonical forms.
        for r in &mut rows {
            for (v, (_, k)) in r.iter_mut().zip(COLUMNS) {
                if let Some(text) = v {
                    *text = super::normalise(text, *k);
                }
            }
        }
        rows
    }

    /// Creates and fills `table` in `db`.
    pub fn create(db: &TestDb, table: &str) {
        let (ddl, bin, tru, fal, long) = match db.kind {
            Kind::Postgres => (
                "id integer NOT NULL, i16 smallint, i32 integer, i64 bigint, amount numeric(18,5), \
                 f32 real, f64 double precision, flag boolean, name varchar(100), body text, \
                 d date, ts timestamp(6), bin bytea",
                [
                    "decode('00ff00', 'hex')",
                    "decode('00', 'hex')",
                    "decode('', 'hex')",
                ],
                "true",
                "false",
                "repeat('abcdé', 20000)",
            ),
            Kind::MariaDb => (
                "id int NOT NULL, i16 smallint, i32 int, i64 bigint, amount decimal(18,5), \
                 f32 float, f64 double, flag boolean, name varchar(100), body longtext, \
                 d date, ts datetime(6), bin longblob",
                ["x'00ff00'", "x'00'", "x''"],
                "1",
                "0",
                "REPEAT('abcdé', 20000)",
            ),
            Kind::SqlServer => (
                "id int NOT NULL, i16 smallint, i32 int, i64 bigint, amount decimal(18,5), \
                 f32 real, f64 float, flag bit, name nvarchar(100), body nvarchar(max), \
                 d date, ts datetime2(6), bin varbinary(max)",
                ["0x00ff00", "0x00", "0x"],
                "1",
                "0",
                "REPLICATE(CAST(N'abcdé' AS nvarchar(max)), 20000)",
            ),
            Kind::Sqlite => (
                "id INTEGER NOT NULL, i16 SMALLINT, i32 INTEGER, i64 BIGINT, amount DECIMAL_TEXT(18,5), \
                 f32 REAL, f64 DOUBLE, flag BOOLEAN, name VARCHAR(100), body TEXT, d DATE, \
                 ts TIMESTAMP, bin BLOB",
                ["x'00ff00'", "x'00'", "x''"],
                "1",
                "0",
                "replace(hex(zeroblob(20000)), '00', 'abcdé')",
            ),
        };
        let charset = if db.kind == Kind::MariaDb {
            " DEFAULT CHARSET=utf8mb4"
        } else {
            ""
        };
        let t = db.table_ref(None, table);
        db.exec(&format!("CREATE TABLE {t} ({ddl}){charset}"));
        let ts = |v: &str| match db.kind {
            Kind::Postgres => format!("'{v}'::timestamp"),
            _ => format!("'{v}'"),
        };
        let d = |v: &str| match db.kind {
            Kind::Postgres => format!("'{v}'::date"),
            _ => format!("'{v}'"),
        };
        let rows = [
            format!(
                "(1, -32768, -2147483648, -9223372036854775808, '-9999999999999.99999', 1.5, \
                 2.718281828459045, {tru}, {}, {long}, {}, {}, {})",
                if db.kind == Kind::SqlServer {
                    "N'é ë 中文 😀'"
                } else {
                    "'é ë 中文 😀'"
                },
                d("1500-01-01"),
                ts("1500-01-01 00:00:00.000001"),
                bin[0]
            ),
            format!(
                "(2, 32767, 2147483647, 9223372036854775807, '9999999999999.99999', -0.25, \
                 -1.7976931348623157e308, {fal}, 'x', 'short', {}, {}, {})",
                d("9999-12-31"),
                ts("9999-12-31 23:59:59.999999"),
                bin[1]
            ),
            format!(
                "(3, 0, 0, 0, '0.00001', 16777216, 1e-300, {tru}, '', '', {}, {}, {})",
                d("1970-01-01"),
                ts("2020-02-29 12:34:56.123456"),
                bin[2]
            ),
            "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
                .to_string(),
        ];
        for row in rows {
            db.exec(&format!("INSERT INTO {t} VALUES {row}"));
        }
    }

    /// Asserts that the source holds the intended rows and that `table` in `db` holds exactly
    /// the same values as the source.
    pub fn assert_copied(source: &TestDb, db: &TestDb, schema: Option<&str>, table: &str) {
        let want = source.canonical_rows(None, "mixed", COLUMNS, "id");
        assert_rows(&want, &expected(), source.kind, "source");
        let got = db.canonical_rows(schema, table, COLUMNS, "id");
        assert_rows(&got, &want, db.kind, table);
    }

    /// Compares canonical rows cell by cell. SQLite's literal parser is one unit in the last
    /// place off for the largest double, so the source check accepts what SQLite stored there.
    fn assert_rows(
        got: &[Vec<Option<String>>],
        want: &[Vec<Option<String>>],
        kind: Kind,
        table: &str,
    ) {
        assert_eq!(got.len(), want.len(), "row count in {table}");
        for (g, w) in got.iter().zip(want) {
            for ((gv, wv), (name, _)) in g.iter().zip(w).zip(COLUMNS) {
                let show = |v: &Option<String>| match v {
                    Some(s) if s.len() > 80 => format!("{}... ({} bytes)", &s[..40], s.len()),
                    other => format!("{other:?}"),
                };
                let sqlite_max_double = kind == Kind::Sqlite
                    && table == "source"
                    && *name == "f64"
                    && gv.as_deref() == Some("-1.7976931348623155e308");
                assert!(
                    gv == wv || sqlite_max_double,
                    "{table}.{name} (id {:?}): got {}, want {}",
                    g[0],
                    show(gv),
                    show(wv)
                );
            }
        }
    }
}

/// The PostgreSQL role whose members must give their password (scram-sha-256) on 127.0.0.1:
/// the server otherwise trusts every login there, so it could not tell a wrong password.
pub const PASSWORD_CHECKED_GROUP: &str = "s2s_password_checked";

/// Makes the PostgreSQL server check the passwords of [`PASSWORD_CHECKED_GROUP`]'s members, once
/// per test run: a `pg_hba.conf` rule for the group before the trust rules, and a reload. The
/// rule is added when the file lacks it (CI's fresh server), and stays.
fn pg_checks_passwords() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let admin = admin_connection_string(Kind::Postgres);
        exec(
            &admin,
            &format!(
                "DO $$ BEGIN CREATE ROLE {PASSWORD_CHECKED_GROUP} NOLOGIN; \
                 EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            ),
        );
        let rule = format!("host all +{PASSWORD_CHECKED_GROUP} 127.0.0.1/32 scram-sha-256");
        let hba = query(&admin, "SHOW hba_file")[0][0]
            .clone()
            .expect("hba_file");
        let text = std::fs::read_to_string(&hba)
            .unwrap_or_else(|e| panic!("cannot read {hba} (the tests add a rule to it): {e}"));
        if !text.lines().any(|l| l.trim() == rule) {
            std::fs::write(&hba, format!("{rule}\n{text}"))
                .unwrap_or_else(|e| panic!("cannot add '{rule}' to {hba}: {e}"));
        }
        let loaded = query(
            &admin,
            &format!(
                "SELECT pg_reload_conf(), (SELECT count(*) FROM pg_hba_file_rules \
                 WHERE '+{PASSWORD_CHECKED_GROUP}' = ANY(user_name) AND error IS NULL)"
            ),
        );
        assert_eq!(loaded[0][1].as_deref(), Some("1"), "{hba}: {loaded:?}");
    });
}

/// A user of a `kind` server who logs in only with `password`, which the server checks (MariaDB
/// always; PostgreSQL through [`PASSWORD_CHECKED_GROUP`]); may do everything. Dropped at the end:
/// make it before the test databases, so that it is dropped after them (a PostgreSQL role that
/// owns objects cannot be dropped).
pub struct CheckedUser {
    kind: Kind,
    pub name: String,
    pub password: String,
}

impl CheckedUser {
    pub fn new(kind: Kind, password: &str) -> CheckedUser {
        let name = unique("login");
        match kind {
            Kind::Postgres => {
                pg_checks_passwords();
                admin_exec(
                    kind,
                    &format!(
                        "CREATE ROLE {name} LOGIN SUPERUSER PASSWORD '{}' IN ROLE \
                         {PASSWORD_CHECKED_GROUP}",
                        password.replace('\'', "''")
                    ),
                );
            }
            Kind::MariaDb => {
                let quoted = password.replace('\\', "\\\\").replace('\'', "''");
                admin_exec(
                    kind,
                    &format!("CREATE USER '{name}'@'%' IDENTIFIED BY '{quoted}'"),
                );
                admin_exec(
                    kind,
                    &format!("GRANT ALL ON *.* TO '{name}'@'%' WITH GRANT OPTION"),
                );
            }
            Kind::SqlServer => {
                admin_exec(
                    kind,
                    &format!(
                        "CREATE LOGIN {name} WITH PASSWORD = '{}'",
                        password.replace('\'', "''")
                    ),
                );
                admin_exec(
                    kind,
                    &format!("ALTER SERVER ROLE sysadmin ADD MEMBER {name}"),
                );
            }
            Kind::Sqlite => panic!("SQLite has no users"),
        }
        let user = CheckedUser {
            kind,
            name,
            password: password.to_string(),
        };
        // The server must refuse a wrong password, or the tests that log in prove nothing.
        let wrong = user.connection_string("not-the-password");
        let refused = env()
            .connect_with_connection_string(&wrong, ConnectionOptions::default())
            .err()
            .map(|e| e.to_string());
        assert!(
            refused.as_ref().is_some_and(|e| e.contains("password")
                || e.contains("Access denied")
                || e.contains("Login failed")),
            "{kind:?} accepted a wrong password for {}: {refused:?}",
            user.name
        );
        user
    }

    /// A connection string (for the tests' own checks) to the server as this user with
    /// `password`.
    pub fn connection_string(&self, password: &str) -> String {
        let pwd = format!("{{{}}}", password.replace('}', "}}"));
        let admin = admin_connection_string(self.kind);
        let head = admin.split(";Uid=").next().unwrap();
        format!("{head};Uid={};Pwd={pwd};", self.name)
    }

    /// The INI lines that connect to `db` as this user, with the password (prefix SRC or DST).
    pub fn ini_keys(&self, db: &TestDb, prefix: &str, with_password: bool) -> String {
        let root = match db.kind {
            Kind::Postgres => "postgres",
            Kind::SqlServer => MSSQL_USER,
            _ => "root",
        };
        let keys = db
            .ini_keys(prefix)
            .replace(
                &format!("{prefix}_USERNAME = {root}\n"),
                &format!("{prefix}_USERNAME = {}\n", self.name),
            )
            .replace(&format!("{prefix}_PASSWORD = {MSSQL_PASSWORD}\n"), "");
        if with_password {
            format!("{keys}{prefix}_PASSWORD = {}\n", self.password)
        } else {
            keys
        }
    }
}

impl Drop for CheckedUser {
    fn drop(&mut self) {
        let sql = match self.kind {
            Kind::Postgres => format!("DROP ROLE IF EXISTS {}", self.name),
            Kind::SqlServer => format!("DROP LOGIN {}", self.name),
            _ => format!("DROP USER IF EXISTS '{}'@'%'", self.name),
        };
        let _ = try_admin_exec(self.kind, &sql);
    }
}
