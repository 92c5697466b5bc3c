//! The Python tool's driver names: `SRC_DRIVER = postgresql+psycopg2` named a DBMS (a SQLAlchemy
//! dialect), not an ODBC driver. Such a name keeps working: it picks an installed ODBC driver for
//! that DBMS from a preference list, and the run says which in one INFO line. When none is
//! installed, the error says what to install.

use std::path::Path;

/// A DBMS the Python tool could name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dbms {
    /// `postgresql`, `postgres`, `postgresql+psycopg2`, ...
    PostgreSql,
    /// `mysql`, `mysql+pymysql`, `mariadb`, `mariadb+mariadbconnector`, ...
    MariaDb,
    /// `mssql`, `sqlserver`, `mssql+pyodbc`, ...
    SqlServer,
    /// `oracle`, `oracle+oracledb`, `oracle+cx_oracle`
    Oracle,
    /// `sqlite`, `sqlite+pysqlite` (`P_DB` is the file; host and port are not used)
    Sqlite,
}

impl Dbms {
    /// The DBMS a SQLAlchemy-style name means (`mssql+pyodbc` -> SQL Server); `None` for
    /// anything else (an ODBC driver's name).
    pub fn from_sqlalchemy(name: &str) -> Option<Dbms> {
        let lower = name.trim().to_ascii_lowercase();
        let dialect = lower.split(['+', ':']).next().unwrap_or_default();
        Some(match dialect {
            "postgresql" | "postgres" | "psycopg2" => Dbms::PostgreSql,
            "mysql" | "mariadb" => Dbms::MariaDb,
            "mssql" | "sqlserver" => Dbms::SqlServer,
            "oracle" => Dbms::Oracle,
            "sqlite" => Dbms::Sqlite,
            _ => return None,
        })
    }

    /// For messages.
    pub fn name(self) -> &'static str {
        match self {
            Dbms::PostgreSql => "PostgreSQL",
            Dbms::MariaDb => "MariaDB/MySQL",
            Dbms::SqlServer => "SQL Server",
            Dbms::Oracle => "Oracle",
            Dbms::Sqlite => "SQLite",
        }
    }

    /// Registered driver names, most preferred first (exact names; compared ignoring case).
    fn preferred(self) -> &'static [&'static str] {
        match self {
            Dbms::PostgreSql => &[
                "PostgreSQL Unicode(x64)",
                "PostgreSQL Unicode",
                "PostgreSQL ANSI(x64)",
                "PostgreSQL ANSI",
            ],
            Dbms::MariaDb => &[
                "MariaDB Unicode",
                "MariaDB ODBC 3.2 Driver",
                "MariaDB ODBC 3.1 Driver",
                "MariaDB ODBC 3.0 Driver",
                "MySQL ODBC 9.0 Unicode Driver",
                "MySQL ODBC 8.4 Unicode Driver",
                "MySQL ODBC 8.0 Unicode Driver",
            ],
            Dbms::SqlServer => &[
                "ODBC Driver 18 for SQL Server",
                "ODBC Driver 17 for SQL Server",
                "ODBC Driver 13 for SQL Server",
                "FreeTDS",
                "SQL Server Native Client 11.0",
                "SQL Server",
            ],
            Dbms::Oracle => &[],
            Dbms::Sqlite => &["SQLite3", "SQLite3 ODBC Driver", "SQLite ODBC Driver"],
        }
    }

    /// A word every driver of this DBMS has in its name, for drivers not in the list.
    fn word(self) -> &'static str {
        match self {
            Dbms::PostgreSql => "postgres",
            Dbms::MariaDb => "mariadb",
            Dbms::SqlServer => "sql server",
            Dbms::Oracle => "oracle",
            Dbms::Sqlite => "sqlite",
        }
    }

    /// What to install when no driver for this DBMS is there.
    pub fn install_advice(self) -> &'static str {
        match self {
            Dbms::PostgreSql => {
                "install psqlODBC: Debian/Ubuntu `apt-get install odbc-postgresql`, Windows the \
                 64-bit psqlODBC installer (see odbc/postgresql.md)"
            }
            Dbms::MariaDb => {
                "install MariaDB Connector/ODBC: Debian/Ubuntu `apt-get install odbc-mariadb`, \
                 Windows the 64-bit MSI (see odbc/mariadb.md)"
            }
            Dbms::SqlServer => {
                "install Microsoft's ODBC Driver 18 for SQL Server (see odbc/sqlserver.md), or \
                 FreeTDS (`apt-get install tdsodbc`), or name the driver in P_MSSQL_ODBC_DRIVER"
            }
            Dbms::Oracle => {
                "install Oracle Instant Client with its ODBC package and register it \
                 (odbc_update_ini.sh / odbc_install.exe; see odbc/oracle.md), or set \
                 P_ORACLE_CLIENT_PATH to the Instant Client folder"
            }
            Dbms::Sqlite => {
                "install the SQLite ODBC driver: Debian/Ubuntu `apt-get install libsqliteodbc`, \
                 Windows sqliteodbc_w64.exe (see odbc/sqlite.md)"
            }
        }
    }
}

/// The installed driver for `dbms`: `mssql_driver` first for SQL Server, then the preference
/// list, then any installed driver whose name has the DBMS's word in it (Unicode variants
/// first). `None` when nothing fits.
pub fn choose(dbms: Dbms, installed: &[String], mssql_driver: Option<&str>) -> Option<String> {
    let find = |name: &str| {
        installed
            .iter()
            .find(|d| d.eq_ignore_ascii_case(name))
            .cloned()
    };
    if dbms == Dbms::SqlServer
        && let Some(wanted) = mssql_driver
    {
        return find(wanted);
    }
    if let Some(found) = dbms.preferred().iter().find_map(|name| find(name)) {
        return Some(found);
    }
    let mut fitting: Vec<&String> = installed
        .iter()
        .filter(|d| {
            let lower = d.to_ascii_lowercase();
            lower.contains(dbms.word()) || (dbms == Dbms::MariaDb && lower.contains("mysql"))
        })
        .collect();
    fitting.sort_by_key(|d| !d.to_ascii_lowercase().contains("unicode"));
    fitting.first().map(|d| (*d).clone())
}

/// Oracle's ODBC driver library in an Instant Client folder (`P_ORACLE_CLIENT_PATH`), for when
/// no Oracle driver is registered.
pub fn oracle_driver_in(folder: &Path) -> Option<String> {
    let entries = std::fs::read_dir(folder).ok()?;
    let mut found: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            name.starts_with("libsqora.so") || name == "sqora32.dll"
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    found.sort();
    found.into_iter().next()
}

#[cfg(test)]
mod tests;
