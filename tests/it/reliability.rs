//! Faults during a copy: killed sessions (retried, exact result), exhausted retries (old table
//! intact), SIGKILL during a replace, a truncate or an append (the table as it was, next run
//! cleans up; truncate and append into SQL Server too), a lost source connection (the table
//! starts again).

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use crate::common::{Kind, TestDb, write_ini};

const ROWS: u64 = 300_000;

/// A PostgreSQL source with `t(id, v)` of `ROWS` rows.
fn big_source() -> TestDb {
    let src = TestDb::new(Kind::Postgres, "big_src");
    src.exec(&format!(
        "CREATE TABLE t AS SELECT g::integer AS id, md5(g::text) AS v FROM generate_series(1, {ROWS}) g"
    ));
    src
}

fn spawn(dir: &Path, ini: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_source-to-staging"))
        .args(["--config", ini.to_str().unwrap()])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(child: Child) -> (i32, String, String) {
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Waits until the side table of `t` holds committed rows.
fn wait_for_side_rows(dst: &TestDb, schema: Option<&str>, child: &mut Child) {
    let started = Instant::now();
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the copy ended too early"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no rows appeared"
        );
        if let Some(side) = dst.side_tables(schema, "t").first()
            && dst.count(schema, side) > 0
        {
            return;
        }
        thread::sleep(Duration::from_millis(30));
    }
}

/// Kills the sessions the tool has open on `db` (not our own); returns how many.
fn kill_sessions(db: &TestDb) -> usize {
    match db.kind {
        Kind::Postgres => db
            .query(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}' \
                 AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                db.name
            ))
            .iter()
            .filter(|r| r[0].as_deref() == Some("1") || r[0].as_deref() == Some("t"))
            .count(),
        Kind::MariaDb => {
            let ids = db.query(&format!(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '{}' \
                 AND ID <> CONNECTION_ID()",
                db.name
            ));
            let mut killed = 0;
            for id in ids.iter().filter_map(|r| r[0].clone()) {
                // The session may end by itself meanwhile.
                let conn = arrow_odbc::odbc_api::environment()
                    .unwrap()
                    .connect_with_connection_string(&db.connection_string(), Default::default())
                    .unwrap();
                if conn
                    .execute(&format!("KILL CONNECTION {id}"), (), None)
                    .is_ok()
                {
                    killed += 1;
                }
            }
            killed
        }
        Kind::SqlServer => {
            let ids = db.query(&format!(
                "SELECT session_id FROM sys.dm_exec_sessions WHERE database_id = DB_ID('{}') \
                 AND session_id <> @@SPID",
                db.name
            ));
            let conn = arrow_odbc::odbc_api::environment()
                .unwrap()
                .connect_with_connection_string(&db.connection_string(), Default::default())
                .unwrap();
            ids.iter()
                .filter_map(|r| r[0].clone())
                .filter(|id| conn.execute(&format!("KILL {id}"), (), None).is_ok())
                .count()
        }
        Kind::Sqlite => unreachable!(),
    }
}

fn all_rows(db: &TestDb, schema: Option<&str>) -> Vec<Vec<Option<String>>> {
    db.query(&format!(
        "SELECT id, v FROM {} ORDER BY id",
        db.table_ref(schema, "t")
    ))
}

fn killed_target_sessions_are_retried(target: Kind) {
    let src = big_source();
    let dst = TestDb::new(target, "kill_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(
        dir.path(),
        &src,
        &dst,
        "t",
        "SRC_CHUNK_SIZE = 10000\nDIRECT_MAX_RETRIES = 5\nDIRECT_BACKOFF_BASE_SECONDS = 0.1\n\
         DIRECT_BACKOFF_MAX_SECONDS = 0.5",
    );
    let schema = dst.staging_schema();
    let mut child = spawn(dir.path(), &ini);
    wait_for_side_rows(&dst, schema.as_deref(), &mut child);
    let mut kills = 0;
    for _ in 0..4 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        kills += kill_sessions(&dst);
        thread::sleep(Duration::from_millis(250));
    }
    let (code, stdout, stderr) = finish(child);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        kills >= 2,
        "only {kills} kills landed; the copy was too fast"
    );
    let retried = stderr.matches("transient error, retrying").count();
    assert!(retried >= 2, "{retried} retries logged:\n{stderr}");
    assert_eq!(dst.count(schema.as_deref(), "t"), ROWS);
    assert_eq!(all_rows(&dst, schema.as_deref()), all_rows(&src, None));
    assert!(!dst.has_side_table(schema.as_deref(), "t"));
}

#[test]
fn killed_postgresql_sessions_are_retried_without_losing_or_duplicating_rows() {
    killed_target_sessions_are_retried(Kind::Postgres);
}

#[test]
fn killed_mariadb_sessions_are_retried_without_losing_or_duplicating_rows() {
    killed_target_sessions_are_retried(Kind::MariaDb);
}

#[test]
fn killed_sqlserver_sessions_are_retried_without_losing_or_duplicating_rows() {
    killed_target_sessions_are_retried(Kind::SqlServer);
}

/// A target with `staging.t` holding one old row.
fn target_with_old_table() -> TestDb {
    let dst = TestDb::new(Kind::Postgres, "old_dst");
    dst.exec("CREATE SCHEMA staging");
    dst.exec("CREATE TABLE staging.t (id integer, v text)");
    dst.exec("INSERT INTO staging.t VALUES (1, 'old')");
    dst
}

fn old_rows() -> Vec<Vec<Option<String>>> {
    vec![vec![Some("1".into()), Some("old".into())]]
}

#[test]
fn when_the_retries_are_used_up_the_old_table_stays() {
    let src = big_source();
    let dst = target_with_old_table();
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(
        dir.path(),
        &src,
        &dst,
        "t",
        "SRC_CHUNK_SIZE = 10000\nDIRECT_MAX_RETRIES = 1\nDIRECT_BACKOFF_BASE_SECONDS = 0.3\n\
         DIRECT_BACKOFF_MAX_SECONDS = 0.3",
    );
    let mut child = spawn(dir.path(), &ini);
    wait_for_side_rows(&dst, Some("staging"), &mut child);
    while child.try_wait().unwrap().is_none() {
        kill_sessions(&dst);
        thread::sleep(Duration::from_millis(50));
    }
    let (code, stdout, stderr) = finish(child);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("FAILED"), "{stdout}");
    assert!(
        stderr.contains("giving up after 1 retries"),
        "the failure should be the exhausted retries:\n{stderr}"
    );
    assert_eq!(all_rows(&dst, Some("staging")), old_rows());
}

#[test]
fn sigkill_during_a_replace_leaves_the_old_table_and_the_next_run_cleans_up() {
    let src = big_source();
    let dst = target_with_old_table();
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "SRC_CHUNK_SIZE = 10000");
    let mut child = spawn(dir.path(), &ini);
    wait_for_side_rows(&dst, Some("staging"), &mut child);
    child.kill().unwrap(); // SIGKILL
    let _ = child.wait();
    assert_eq!(all_rows(&dst, Some("staging")), old_rows());
    let leftover = dst.side_tables(Some("staging"), "t");
    assert_eq!(leftover.len(), 1, "expected a leftover: {leftover:?}");
    // A table that only looks like a side table is not the tool's to drop.
    dst.exec("CREATE TABLE staging.t_s2s_newer (id bigint)");
    let run = crate::common::run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(all_rows(&dst, Some("staging")), all_rows(&src, None));
    assert!(
        !dst.has_side_table(Some("staging"), "t"),
        "leftover not removed"
    );
    assert!(
        run.output().contains(&format!(
            "dropped \"staging\".\"{}\", the side table of a run that did not finish",
            leftover[0]
        )),
        "{}",
        run.output()
    );
    assert!(dst.has_table(Some("staging"), "t_s2s_newer"));
}

#[test]
fn sigkill_during_truncate_or_append_leaves_the_table_as_it_was() {
    let src = big_source();
    for (mode, kind) in [
        ("truncate", Kind::Postgres),
        ("append", Kind::Postgres),
        ("truncate", Kind::MariaDb),
        ("append", Kind::MariaDb),
        ("truncate", Kind::SqlServer),
        ("append", Kind::SqlServer),
    ] {
        let dst = TestDb::new(kind, &format!("kill_{mode}"));
        let schema = dst.staging_schema();
        let schema = schema.as_deref();
        if kind == Kind::MariaDb {
            dst.exec(&format!("CREATE DATABASE {}", schema.unwrap()));
        } else {
            dst.exec("CREATE SCHEMA staging");
        }
        let t = dst.table_ref(schema, "t");
        let text = if kind == Kind::SqlServer {
            "nvarchar(max)"
        } else {
            "text"
        };
        dst.exec(&format!("CREATE TABLE {t} (id bigint, v {text})"));
        dst.exec(&format!(
            "INSERT INTO {t} VALUES (-1, 'oud'), (-2, 'ouder')"
        ));
        let before = all_rows(&dst, schema);
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(
            dir.path(),
            &src,
            &dst,
            "t",
            &format!("SRC_CHUNK_SIZE = 10000\nWRITE_MODE = {mode}"),
        );
        let mut child = spawn(dir.path(), &ini);
        wait_for_side_rows(&dst, schema, &mut child);
        child.kill().unwrap(); // SIGKILL, with batches committed
        let _ = child.wait();
        assert_eq!(all_rows(&dst, schema), before, "{mode} into {kind:?}");
        // The next run removes the leftover and loads.
        let run = crate::common::run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
        assert_eq!(run.code, 0, "{}", run.output());
        let mut want = if mode == "append" {
            before.clone()
        } else {
            Vec::new()
        };
        want.extend(all_rows(&src, None));
        want.sort_by_key(|r| r[0].as_deref().and_then(|v| v.parse::<i64>().ok()));
        let mut got = all_rows(&dst, schema);
        got.sort_by_key(|r| r[0].as_deref().and_then(|v| v.parse::<i64>().ok()));
        assert_eq!(
            got.len() as u64,
            ROWS + if mode == "append" { 2 } else { 0 }
        );
        assert!(
            got == want,
            "{mode} into {kind:?}: the rows differ from the source's"
        );
        assert!(!dst.has_side_table(schema, "t"), "leftover not removed");
    }
}

#[test]
fn a_lost_source_connection_starts_the_table_again() {
    let src = big_source();
    // In every write mode: only the side table has been written when the source is lost.
    for mode in ["replace", "truncate"] {
        let dst = TestDb::new(Kind::MariaDb, "srclost_dst");
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(
            dir.path(),
            &src,
            &dst,
            "t",
            &format!(
                "SRC_CHUNK_SIZE = 10000\nDIRECT_BACKOFF_BASE_SECONDS = 0.1\nWRITE_MODE = {mode}"
            ),
        );
        let schema = dst.staging_schema();
        let mut child = spawn(dir.path(), &ini);
        wait_for_side_rows(&dst, schema.as_deref(), &mut child);
        let killed = kill_sessions(&src);
        assert!(killed >= 1, "no source session to kill");
        let (code, stdout, stderr) = finish(child);
        assert_eq!(code, 0, "{mode}: {stdout}{stderr}");
        assert!(
            stderr.contains("starting the table again"),
            "{mode}: expected a restart:\n{stderr}"
        );
        assert_eq!(
            all_rows(&dst, schema.as_deref()),
            all_rows(&src, None),
            "{mode}"
        );
    }
}

#[test]
fn an_interrupted_direct_copy_rolls_back_and_keeps_the_old_table() {
    let src = big_source();
    let dst = target_with_old_table();
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "SRC_CHUNK_SIZE = 10000");
    // The inserts wait until the test lets them go, so the interrupt lands during the load.
    let pause = crate::common::pause_side_table_inserts(&dst);
    let child = spawn(dir.path(), &ini);
    crate::common::wait_until_paused(&dst);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    drop(pause);
    let (code, stdout, stderr) = finish(child);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("interrupted"),
        "summary expected:\n{stdout}{stderr}"
    );
    assert_eq!(all_rows(&dst, Some("staging")), old_rows());
    assert!(!dst.has_side_table(Some("staging"), "t"), "side table left");
}
