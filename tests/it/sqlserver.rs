//! SQL Server as a live target, in what only a target does: every write mode into an existing
//! table with a view on it, `SCHEMA_CHANGES`, a copy that fails partway, the target database
//! created through `master` (from parts and from a connection string), and the table lock
//! (`sp_getapplock`) that keeps a second run out. The server is Babelfish for PostgreSQL, reached
//! with FreeTDS (see README, "What is tested where").

use crate::common::{
    Kind, MSSQL_HOST, MSSQL_PASSWORD, MSSQL_USER, Run, TestDb, run_tool, try_admin_exec, write_ini,
};

fn source(tag: &str) -> TestDb {
    let src = TestDb::new(Kind::Postgres, tag);
    src.exec("CREATE TABLE t (id integer NOT NULL, naam varchar(20))");
    src.exec("INSERT INTO t VALUES (1, 'één'), (2, NULL), (3, 'O''Brien')");
    src
}

/// A SQL Server database with the table `staging.t` of `columns` holding `rows`.
fn existing_table(tag: &str, columns: &str, rows: &str) -> TestDb {
    let dst = TestDb::new(Kind::SqlServer, tag);
    dst.exec("CREATE SCHEMA staging");
    dst.exec(&format!("CREATE TABLE staging.t ({columns})"));
    dst.exec(&format!("INSERT INTO staging.t VALUES {rows}"));
    dst
}

fn rows(db: &TestDb, table: &str) -> Vec<Vec<Option<String>>> {
    let schema = db.staging_schema();
    let t = db.table_ref(schema.as_deref(), table);
    db.query(&format!(
        "SELECT CAST(id AS varchar(20)), naam FROM {t} ORDER BY id"
    ))
}

fn strings(rows: &[(&str, Option<&str>)]) -> Vec<Vec<Option<String>>> {
    rows.iter()
        .map(|(id, naam)| vec![Some(id.to_string()), naam.map(str::to_string)])
        .collect()
}

fn tool(dir: &std::path::Path, args: &[&str]) -> Run {
    run_tool(dir, args, &[])
}

/// replace, truncate and append into an existing SQL Server table that a view reads: the values
/// each mode leaves, the view still there and reading them.
#[test]
fn every_write_mode_into_sqlserver_keeps_the_view_and_the_values() {
    let src = source("ms_modes_src");
    for mode in ["replace", "truncate", "append"] {
        let dst = existing_table(
            &format!("ms_modes_{mode}"),
            "id bigint NOT NULL, naam nvarchar(20)",
            "(9, N'oud')",
        );
        dst.exec("CREATE VIEW staging.v AS SELECT naam FROM staging.t");
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(dir.path(), &src, &dst, "t", "");
        let ini = ini.to_str().unwrap();
        let check = tool(
            dir.path(),
            &["check", "--config", ini, "--write-mode", mode],
        );
        assert_eq!(check.code, 0, "{mode}: {}", check.output());
        let run = tool(dir.path(), &["--config", ini, "--write-mode", mode]);
        assert_eq!(run.code, 0, "{mode}: {}", run.output());
        let mut want = vec![("1", Some("één")), ("2", None), ("3", Some("O'Brien"))];
        if mode == "append" {
            want.push(("9", Some("oud")));
        }
        assert_eq!(rows(&dst, "t"), strings(&want), "{mode}");
        let view = dst.query("SELECT COUNT(*) FROM staging.v");
        assert_eq!(
            view[0][0].as_deref(),
            Some(want.len().to_string().as_str()),
            "{mode}: the view"
        );
        assert!(!dst.has_side_table(Some("staging"), "t"), "{mode}");
    }
}

/// A new source column is added to the SQL Server table (`SCHEMA_CHANGES = add`) or refused
/// before anything is written (`fail`).
#[test]
fn a_new_source_column_is_added_to_a_sqlserver_table_or_refused() {
    let src = source("ms_schema_src");
    for (changes, code) in [("fail", 1), ("add", 0)] {
        let dst = existing_table(&format!("ms_schema_{changes}"), "id bigint NOT NULL", "(7)");
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(
            dir.path(),
            &src,
            &dst,
            "t",
            &format!("WRITE_MODE = append\nSCHEMA_CHANGES = {changes}"),
        );
        let run = tool(dir.path(), &["--config", ini.to_str().unwrap()]);
        assert_eq!(run.code, code, "{changes}: {}", run.output());
        if changes == "fail" {
            assert!(run.stdout.contains("naam"), "{}", run.output());
            assert_eq!(
                dst.query("SELECT CAST(id AS varchar(20)) FROM staging.t"),
                vec![vec![Some("7".to_string())]]
            );
        } else {
            assert_eq!(
                rows(&dst, "t"),
                strings(&[
                    ("1", Some("één")),
                    ("2", None),
                    ("3", Some("O'Brien")),
                    ("7", None)
                ])
            );
        }
    }
}

/// A value that does not fit, after batches were committed into the side table: the table is
/// as it was, in truncate and append, and the side table is gone.
#[test]
fn a_copy_into_sqlserver_that_fails_partway_leaves_the_table_as_it_was() {
    let src = TestDb::new(Kind::Postgres, "ms_fail_src");
    src.exec(
        "CREATE TABLE t AS SELECT g AS id, CASE WHEN g = 2000 THEN 'te lang' ELSE 'ok' END AS naam \
         FROM generate_series(1, 2500) g",
    );
    for mode in ["truncate", "append"] {
        let dst = existing_table(
            &format!("ms_fail_{mode}"),
            "id bigint, naam nvarchar(5)",
            "(1, N'oud'), (2, N'oud')",
        );
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(
            dir.path(),
            &src,
            &dst,
            "t",
            "SRC_CHUNK_SIZE = 100\nWRITERS_PER_TABLE = 1",
        );
        let run = tool(
            dir.path(),
            &["--config", ini.to_str().unwrap(), "--write-mode", mode],
        );
        assert_eq!(run.code, 1, "{mode}: {}", run.output());
        assert_eq!(
            run.rows_written("t"),
            Some("1900"),
            "{mode}: {}",
            run.output()
        );
        assert_eq!(
            rows(&dst, "t"),
            strings(&[("1", Some("oud")), ("2", Some("oud"))]),
            "{mode}: the table changed"
        );
        assert!(!dst.has_side_table(Some("staging"), "t"), "{mode}");
    }
}

/// A unique database name on the SQL Server, dropped at the end.
struct NewDatabase(String);

impl NewDatabase {
    fn new(tag: &str) -> NewDatabase {
        let name = format!("s2s_t_new_{tag}_{}", std::process::id());
        try_admin_exec(
            Kind::SqlServer,
            &format!("IF DB_ID('{name}') IS NOT NULL DROP DATABASE {name}"),
        )
        .unwrap();
        NewDatabase(name)
    }
}

impl Drop for NewDatabase {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = try_admin_exec(Kind::SqlServer, &format!("DROP DATABASE {}", self.0));
        }
    }
}

/// The target database does not exist: a run creates it through `master`, whether the target
/// is given in parts (DST_DB) or as a connection string (its Database attribute); `check` says
/// a run would.
#[test]
fn a_missing_sqlserver_database_is_created_through_master() {
    let src = source("ms_newdb_src");
    for how in ["parts", "connection string"] {
        let db = NewDatabase::new(if how == "parts" { "p" } else { "cs" });
        let dst_keys = if how == "parts" {
            format!(
                "DST_DRIVER = FreeTDS\nDST_HOST = {MSSQL_HOST}\nDST_PORT = 1433\nDST_DB = {}\n\
                 DST_USERNAME = {MSSQL_USER}\nDST_PASSWORD = {MSSQL_PASSWORD}\n",
                db.0
            )
        } else {
            format!(
                "DST_CONNECTION_STRING = Driver={{FreeTDS}};Server={MSSQL_HOST};Port=1433;\
                 Database={};UID={MSSQL_USER};PWD={MSSQL_PASSWORD}\n",
                db.0
            )
        };
        let dir = tempfile::tempdir().unwrap();
        let ini = dir.path().join("config.ini");
        std::fs::write(
            &ini,
            format!(
                "[database-source]\n{}\n[database-destination]\n{dst_keys}DST_SCHEMA = staging\n\n\
                 [settings]\nSRC_TABLES = t\n",
                src.ini_keys("SRC")
            ),
        )
        .unwrap();
        let ini = ini.to_str().unwrap();
        let check = tool(dir.path(), &["check", "--config", ini]);
        assert_eq!(check.code, 1, "{how}: {}", check.output());
        assert!(
            check.output().contains(&format!(
                "the target database '{}' does not exist yet; a run creates it (connected to \
                 master)",
                db.0
            )),
            "{how}: {}",
            check.output()
        );
        let run = tool(dir.path(), &["--config", ini]);
        assert_eq!(run.code, 0, "{how}: {}", run.output());
        assert!(
            run.stderr.contains(&format!(
                "the target database {} does not exist; creating it (connected to master)",
                db.0
            )),
            "{how}: {}",
            run.output()
        );
        let dst = TestDb::existing(Kind::SqlServer, &db.0);
        assert_eq!(
            rows(&dst, "t"),
            strings(&[("1", Some("één")), ("2", None), ("3", Some("O'Brien"))]),
            "{how}"
        );
        std::mem::forget(dst); // NewDatabase drops it
    }
}

/// Another session holds the table's application lock: the run waits `LOCK_WAIT_SECONDS`, then
/// leaves the table to it without touching it; once the lock is free, the run copies. (Waits of
/// at most a few tries: Babelfish 4.4 brings the server down at the fifth refused lock of one
/// session, see README.)
#[test]
fn a_held_sqlserver_table_lock_keeps_a_second_run_out() {
    let src = source("ms_lock_src");
    let dst = TestDb::new(Kind::SqlServer, "ms_lock");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "LOCK_WAIT_SECONDS = 1");
    let ini = ini.to_str().unwrap();
    let first = tool(dir.path(), &["--config", ini]);
    assert_eq!(first.code, 0, "{}", first.output());
    let holder = arrow_odbc::odbc_api::environment()
        .unwrap()
        .connect_with_connection_string(&dst.connection_string(), Default::default())
        .unwrap();
    let resource = format!("{}:s2s:staging.t", dst.name);
    holder
        .execute(
            &format!(
                "DECLARE @r int; EXEC @r = sp_getapplock @Resource = N'{resource}', @LockMode = \
                 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0"
            ),
            (),
            None,
        )
        .unwrap();
    dst.exec("INSERT INTO staging.t VALUES (4, N'van de ander')");
    let second = tool(dir.path(), &["--config", ini]);
    assert_eq!(second.code, 1, "{}", second.output());
    assert!(
        second.output().contains("another run is"),
        "{}",
        second.output()
    );
    assert_eq!(dst.count(Some("staging"), "t"), 4, "the held table changed");
    // Given back before the session ends: the server ends a dropped session in its own time.
    holder
        .execute(
            &format!("EXEC sp_releaseapplock @Resource = N'{resource}', @LockOwner = 'Session'"),
            (),
            None,
        )
        .unwrap();
    drop(holder);
    let third = tool(dir.path(), &["--config", ini]);
    assert_eq!(third.code, 0, "{}", third.output());
    assert_eq!(
        rows(&dst, "t"),
        strings(&[("1", Some("één")), ("2", None), ("3", Some("O'Brien"))])
    );
}
