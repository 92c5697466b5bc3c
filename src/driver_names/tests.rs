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
