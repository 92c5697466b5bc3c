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
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sqlalchemy_names_mean_a_dbms() {
        for (name, dbms) in [
            ("postgresql+psycopg2", Dbms::PostgreSql),
            ("postgres", Dbms::PostgreSql),
            ("oracle+oracledb", Dbms::Oracle),
            ("oracle+cx_oracle", Dbms::Oracle),
            ("mssql+pyodbc", Dbms::SqlServer),
            ("sqlserver", Dbms::SqlServer),
            ("mysql+pymysql", Dbms::MariaDb),
            ("mariadb+mariadbconnector", Dbms::MariaDb),
            ("sqlite+pysqlite", Dbms::Sqlite),
        ] {
            assert_eq!(Dbms::from_sqlalchemy(name), Some(dbms), "{name}");
        }
        assert_eq!(Dbms::from_sqlalchemy("PostgreSQL Unicode"), None);
        assert_eq!(Dbms::from_sqlalchemy("ODBC Driver 18 for SQL Server"), None);
    }

    #[test]
    fn the_preferred_installed_driver_is_chosen() {
        let installed = names(&[
            "PostgreSQL ANSI",
            "PostgreSQL Unicode",
            "MariaDB Unicode",
            "SQLite3",
            "FreeTDS",
            "ODBC Driver 17 for SQL Server",
            "Oracle 21 ODBC driver",
        ]);
        let pick = |d| choose(d, &installed, None);
        assert_eq!(pick(Dbms::PostgreSql).unwrap(), "PostgreSQL Unicode");
        assert_eq!(pick(Dbms::MariaDb).unwrap(), "MariaDB Unicode");
        assert_eq!(pick(Dbms::Sqlite).unwrap(), "SQLite3");
        assert_eq!(
            pick(Dbms::SqlServer).unwrap(),
            "ODBC Driver 17 for SQL Server"
        );
        assert_eq!(pick(Dbms::Oracle).unwrap(), "Oracle 21 ODBC driver");
        assert_eq!(
            choose(Dbms::SqlServer, &installed, Some("freetds")).unwrap(),
            "FreeTDS"
        );
        assert_eq!(choose(Dbms::SqlServer, &installed, Some("Nope")), None);
        assert_eq!(choose(Dbms::Oracle, &names(&["SQLite3"]), None), None);
        assert_eq!(
            choose(
                Dbms::MariaDb,
                &names(&[
                    "MySQL ODBC 5.3 ANSI Driver",
                    "MySQL ODBC 5.3 Unicode Driver"
                ]),
                None
            )
            .unwrap(),
            "MySQL ODBC 5.3 Unicode Driver"
        );
    }

    #[test]
    fn the_preference_list_beats_the_order_of_installation() {
        // Without the list, the first installed driver with the DBMS's word would be taken.
        let installed = names(&["SQL Server", "ODBC Driver 18 for SQL Server"]);
        assert_eq!(
            choose(Dbms::SqlServer, &installed, None).unwrap(),
            "ODBC Driver 18 for SQL Server"
        );
        let installed = names(&["MySQL ODBC 8.0 Unicode Driver", "MariaDB Unicode"]);
        assert_eq!(
            choose(Dbms::MariaDb, &installed, None).unwrap(),
            "MariaDB Unicode"
        );
        let installed = names(&["PostgreSQL ANSI", "PostgreSQL Unicode(x64)"]);
        assert_eq!(
            choose(Dbms::PostgreSql, &installed, None).unwrap(),
            "PostgreSQL Unicode(x64)"
        );
        let installed = names(&["SQLite ODBC Driver", "SQLite3 ODBC Driver"]);
        assert_eq!(
            choose(Dbms::Sqlite, &installed, None).unwrap(),
            "SQLite3 ODBC Driver"
        );
        // "mysql" fits MariaDB only.
        let mysql = names(&["MySQL ODBC 8.0 Unicode Driver"]);
        assert_eq!(choose(Dbms::Oracle, &mysql, None), None);
        assert_eq!(choose(Dbms::PostgreSql, &mysql, None), None);
    }

    #[test]
    fn names_and_advice_for_messages() {
        let all = [
            (Dbms::PostgreSql, "PostgreSQL", "odbc-postgresql"),
            (Dbms::MariaDb, "MariaDB/MySQL", "odbc-mariadb"),
            (
                Dbms::SqlServer,
                "SQL Server",
                "ODBC Driver 18 for SQL Server",
            ),
            (Dbms::Oracle, "Oracle", "P_ORACLE_CLIENT_PATH"),
            (Dbms::Sqlite, "SQLite", "libsqliteodbc"),
        ];
        for (dbms, name, advice) in all {
            assert_eq!(dbms.name(), name);
            assert!(dbms.install_advice().contains(advice), "{name}");
        }
    }

    #[test]
    fn the_oracle_driver_library_is_found_in_an_instant_client_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(oracle_driver_in(dir.path()), None);
        assert_eq!(oracle_driver_in(&dir.path().join("missing")), None);
        for f in ["libclntsh.so.21.1", "libsqora.so.21.1", "sqora32.txt"] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        assert_eq!(
            oracle_driver_in(dir.path()),
            Some(
                dir.path()
                    .join("libsqora.so.21.1")
                    .to_string_lossy()
                    .into_owned()
            )
        );
        let windows = tempfile::tempdir().unwrap();
        for f in ["oci.dll", "SQORA32.DLL"] {
            std::fs::write(windows.path().join(f), "").unwrap();
        }
        assert_eq!(
            oracle_driver_in(windows.path()),
            Some(
                windows
                    .path()
                    .join("SQORA32.DLL")
                    .to_string_lossy()
                    .into_owned()
            )
        );
    }
}
