//! The Python tool's users switching over: their INI files (SQLAlchemy driver names, every key of
//! the old example, Windows editors' encodings), a target database that does not exist yet,
//! scheduled runs that must leave a trace, and the other surprises of issue 11, one test each.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::common::{Kind, TestDb, mixed, run_tool};

fn new_database_name(tag: &str) -> String {
    format!("s2s_t_new_{tag}_{}", std::process::id())
}

/// An INI file with every key of the Python tool's example, its SQLAlchemy driver names and its
/// Dutch comments; only host, port, database, user and password are this machine's.
fn python_tool_ini(source: &TestDb, target_db: &str, transfer_mode: &str) -> String {
    let (driver, host, port, user, db) = match source.kind {
        Kind::MariaDb => (
            "mysql+pymysql",
            crate::common::MARIADB_HOST,
            "3306",
            "root",
            source.name.clone(),
        ),
        Kind::Sqlite => ("sqlite", "", "", "", source.name.clone()),
        Kind::Postgres | Kind::SqlServer => unreachable!(),
    };
    format!(
        "; Configuratie voor de overdracht van de zaaksysteem-tabellen (één keer per nacht)\r\n\
         [database-source]\r\n\
         SRC_DRIVER = {driver}\r\n\
         SRC_HOST = {host}\r\n\
         SRC_PORT = {port}\r\n\
         SRC_USERNAME = {user}\r\n\
         SRC_PASSWORD =\r\n\
         SRC_DB = {db}\r\n\
         SRC_SCHEMA =\r\n\
         SRC_ORACLE_CLIENT_PATH =\r\n\
         SRC_ORACLE_TNS_ALIAS = False\r\n\
         SRC_MSSQL_ODBC_DRIVER =\r\n\
         SRC_MSSQL_TRUST_SERVER_CERTIFICATE = True\r\n\
         \r\n\
         [database-destination]\r\n\
         DST_DRIVER = postgresql+psycopg2\r\n\
         DST_HOST = {pg}\r\n\
         DST_PORT = 5432\r\n\
         DST_USERNAME = postgres\r\n\
         DST_PASSWORD = postgres\r\n\
         DST_DB = {target_db}\r\n\
         DST_SCHEMA = staging\r\n\
         DST_ORACLE_CLIENT_PATH =\r\n\
         DST_ORACLE_TNS_ALIAS = False\r\n\
         DST_MSSQL_ODBC_DRIVER =\r\n\
         DST_MSSQL_TRUST_SERVER_CERTIFICATE = True\r\n\
         DST_ADMIN_DB = postgres\r\n\
         \r\n\
         [settings]\r\n\
         ; tabellen, gescheiden door komma's\r\n\
         SRC_TABLES = mixed\r\n\
         SRC_CHUNK_SIZE = 2\r\n\
         TRANSFER_MODE = {transfer_mode}\r\n\
         WRITE_MODE = replace\r\n\
         ASK_PASSWORD_IN_CLI = False\r\n\
         ROW_LIMIT =\r\n\
         LOG_ROW_COUNT = True\r\n\
         DIRECT_MAX_RETRIES = 3\r\n\
         DIRECT_BACKOFF_BASE_SECONDS = 0.5\r\n\
         DIRECT_BACKOFF_MAX_SECONDS = 8\r\n\
         CLEANUP_PARQUET_FILES = True\r\n\
         \r\n\
         [logging]\r\n\
         LOG_LEVEL = INFO\r\n\
         LOG_TO_FILE = True\r\n\
         LOG_FILE = logs/overdracht.log\r\n\
         LOG_ROTATE_BYTES = 5000000\r\n\
         LOG_BACKUP_COUNT = 3\r\n\
         LOG_FORMAT = %(asctime)s - %(name)s - %(levelname)s - %(message)s\r\n",
        pg = crate::common::PG_HOST,
    )
}

/// A folder for the INI file, and another one to run in (the scheduler's System32).
struct Places {
    _root: tempfile::TempDir,
    config: PathBuf,
    elsewhere: PathBuf,
}

fn places() -> Places {
    let root = tempfile::tempdir().unwrap();
    let config = root.path().join("configuratie");
    let elsewhere = root.path().join("system32");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    Places {
        config,
        elsewhere,
        _root: root,
    }
}

/// Copies the mixed table from `source` with the Python tool's INI into a PostgreSQL database
/// that does not exist yet, and compares every value.
fn python_tool_copy(source: Kind, transfer_mode: &str, encoding: &str) {
    let src = TestDb::new(source, "py_src");
    mixed::create(&src, "mixed");
    let target_db = new_database_name(&format!("{}{}", source.tag(), transfer_mode.len()));
    let places = places();
    let ini = places.config.join("overdracht.ini");
    let text = python_tool_ini(&src, &target_db, transfer_mode);
    let bytes = match encoding {
        // Notepad's "UTF-8 with BOM".
        "bom" => [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
        // "ANSI" on a Dutch Windows: é and ë as single bytes.
        _ => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
            .collect(),
    };
    std::fs::write(&ini, bytes).unwrap();
    let run = run_tool(
        &places.elsewhere,
        &[
            "--config",
            ini.to_str().unwrap(),
            "--report",
            "rapport.json",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    // The target database was made, and every value is there.
    let dst = TestDb::existing(Kind::Postgres, &target_db);
    mixed::assert_copied(&src, &dst, Some("staging"), "mixed");
    // The log file is beside the INI file (LOG_FILE is relative to it), in the old format, with
    // the driver choices, the summary and a last line.
    let log = std::fs::read_to_string(places.config.join("logs/overdracht.log"))
        .expect("the log file beside the INI file");
    assert!(!places.elsewhere.join("logs").exists());
    for needle in [
        " - source_to_staging.endpoint - INFO - ",
        "the Python tool's name for PostgreSQL; using the ODBC driver 'PostgreSQL Unicode'",
        &format!("the target database {target_db} does not exist; creating it"),
        "1 table(s) copied, 0 failed",
        "finished with exit status 0",
    ] {
        assert!(log.contains(needle), "no '{needle}' in the log:\n{log}");
    }
    if encoding != "bom" {
        assert!(
            log.contains("is not UTF-8 (line 1); read as Windows-1252"),
            "{log}"
        );
    }
    let last = log.lines().last().unwrap();
    assert!(last.ends_with("run finished with exit status 0"), "{last}");
    // The report is where --report says, relative to the working directory (a command-line path).
    let report = std::fs::read_to_string(places.elsewhere.join("rapport.json")).unwrap();
    assert!(report.contains("\"exit_status\": 0"), "{report}");
    let mode = if transfer_mode.ends_with("DUMP") {
        "DUMP"
    } else {
        "DIRECT"
    };
    assert!(
        report.contains(&format!("\"transfer_mode\": \"{mode}\"")),
        "the old mode name as the tool calls it: {report}"
    );
}

#[test]
fn the_python_tools_ini_copies_from_mariadb_into_a_new_postgres_database() {
    python_tool_copy(Kind::MariaDb, "SQLALCHEMY_DIRECT", "bom");
}

#[test]
fn the_python_tools_ini_copies_from_sqlite_through_parquet_into_a_new_postgres_database() {
    python_tool_copy(Kind::Sqlite, "CONNECTORX_DUMP", "windows-1252");
}

#[test]
fn a_target_database_that_cannot_be_created_is_named() {
    let role = format!("s2s_t_nocreate_{}", std::process::id());
    let admin = TestDb::new(Kind::Postgres, "py_role");
    admin.exec(&format!("DROP ROLE IF EXISTS {role}"));
    admin.exec(&format!("CREATE ROLE {role} LOGIN NOCREATEDB"));
    let src = TestDb::new(Kind::Sqlite, "py_nocreate");
    src.exec("CREATE TABLE t (id integer)");
    let dir = tempfile::tempdir().unwrap();
    let missing = new_database_name("nocreate");
    let ini = dir.path().join("c.ini");
    std::fs::write(
        &ini,
        format!(
            "[database-source]\n{}\n[database-destination]\nDST_DRIVER = postgresql\n\
             DST_HOST = {}\nDST_PORT = 5432\nDST_DB = {missing}\nDST_USERNAME = {role}\n\
             [settings]\nSRC_TABLES = t\n",
            src.ini_keys("SRC"),
            crate::common::PG_HOST
        ),
    )
    .unwrap();
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    admin.exec(&format!("DROP ROLE IF EXISTS {role}"));
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(
        run.stderr.contains(&format!(
            "the target database '{missing}' does not exist and cannot be created"
        )) && run.stderr.contains("permission denied to create database")
            && !run.stderr.contains("cannot be reached"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failed_scheduled_run_leaves_its_error_in_the_log_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("nacht.ini");
    std::fs::write(
        &ini,
        "[database-source]\nSRC_DSN = x\n[database-destination]\nDST_DSN = y\n[settings]\n\
         SRC_TABLES = t\nWRITE_MODE = vervangen\n[logging]\nLOG_TO_FILE = true\n\
         LOG_FILE = nacht.log\n",
    )
    .unwrap();
    // Yesterday's report said all was well.
    let report = dir.path().join("laatste.json");
    std::fs::write(&report, "{\"exit_status\": 0}").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let run = run_tool(
        elsewhere.path(),
        &[
            "--config",
            ini.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.output());
    let log = std::fs::read_to_string(dir.path().join("nacht.log")).unwrap();
    assert!(
        log.contains("WRITE_MODE = 'vervangen'")
            && log.contains("expected replace, truncate or append"),
        "{log}"
    );
    assert!(
        log.trim_end().ends_with("run finished with exit status 2"),
        "{log}"
    );
    let json = std::fs::read_to_string(&report).unwrap();
    assert!(
        json.contains("\"exit_status\": 2") && json.contains("vervangen"),
        "{json}"
    );
    // A connection problem: exit 1 (the server may be down), in the log and the report as well.
    std::fs::write(
        &ini,
        format!(
            "[database-source]\nSRC_DRIVER = PostgreSQL Unicode\nSRC_HOST = 127.0.0.1\n\
             SRC_PORT = 1\n[database-destination]\nDST_DRIVER = SQLite3\nDST_DB = {}\n\
             [settings]\nSRC_TABLES = t\n[logging]\nLOG_TO_FILE = true\nLOG_FILE = nacht.log\n",
            dir.path().join("x.db").display()
        ),
    )
    .unwrap();
    let run = run_tool(
        elsewhere.path(),
        &[
            "--config",
            ini.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.output());
    let log = std::fs::read_to_string(dir.path().join("nacht.log")).unwrap();
    assert!(
        log.contains("cannot connect to the source") && log.contains("exit status 1"),
        "{log}"
    );
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("\"exit_status\": 1")
    );
}

#[test]
fn an_ini_value_that_shadows_the_environment_is_said_and_a_misspelled_key_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("c.ini");
    std::fs::write(
        &ini,
        "[database-source]\nSRC_DRIVER = SQLite3\nSRC_DB = a.db\nSRC_PORT = 5432\n\
         [database-destination]\nDST_DRIVER = SQLite3\nDST_DB = b.db\n[settings]\n\
         SRC_TABLES = t\n",
    )
    .unwrap();
    let run = run_tool(
        dir.path(),
        &["check", "--config", ini.to_str().unwrap()],
        &[("SRC_PORT", "3306")],
    );
    assert!(
        run.stderr
            .contains("SRC_PORT = '5432' in ".to_string().as_str())
            && run
                .stderr
                .contains("wins over the environment variable SRC_PORT='3306'"),
        "{}",
        run.stderr
    );
    std::fs::write(
        &ini,
        "[database-source]\nSRC_DSN = x\n[database-destination]\nDST_DSN = y\n\n[settings]\n\
         SRC_TABLES = t\nWRITE_MOOD = append\n",
    )
    .unwrap();
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(
        run.stderr
            .contains("line 8: unknown key WRITE_MOOD; did you mean WRITE_MODE?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_table_name_in_another_case_gets_a_hint() {
    let src = TestDb::new(Kind::Postgres, "py_case");
    src.exec("CREATE TABLE \"Burgers\" (id integer)");
    let dst = TestDb::new(Kind::Sqlite, "py_case");
    let dir = tempfile::tempdir().unwrap();
    let ini = crate::common::write_ini(dir.path(), &src, &dst, "burgers", "");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stdout.contains(
            "the table does not exist, but 'public.Burgers' does: names are case-sensitive"
        ),
        "{}",
        run.output()
    );
    // ... and the summary's one line still ends with what the server said.
    assert!(
        run.stdout
            .contains("\"burgers\": ERROR: relation \"burgers\" does not exist"),
        "{}",
        run.output()
    );
}

#[test]
fn a_dotenv_beside_the_ini_file_is_read_from_anywhere() {
    let src = TestDb::new(Kind::Sqlite, "py_env");
    src.exec("CREATE TABLE t (id integer)");
    src.exec("INSERT INTO t VALUES (1)");
    let dst = TestDb::new(Kind::Sqlite, "py_env_dst");
    let places = places();
    let ini = places.config.join("c.ini");
    std::fs::write(
        &ini,
        format!(
            "[database-source]\n{}\n[database-destination]\n{}\n",
            src.ini_keys("SRC"),
            dst.ini_keys("DST")
        ),
    )
    .unwrap();
    std::fs::write(places.config.join(".env"), "SRC_TABLES=t\n").unwrap();
    let run = run_tool(&places.elsewhere, &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(dst.count(None, "t"), 1);
}

#[test]
fn masking_never_changes_other_words() {
    let src = TestDb::new(Kind::Postgres, "py_mask");
    src.exec("CREATE TABLE t (id integer)");
    let dst = TestDb::new(Kind::Sqlite, "py_mask");
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("c.ini");
    std::fs::write(
        &ini,
        format!(
            "[database-source]\nSRC_DRIVER = postgresql+psycopg2\nSRC_HOST = {}\n\
             SRC_PORT = 5432\nSRC_DB = {}\nSRC_USERNAME = postgres\nSRC_PASSWORD = postgres\n\
             [database-destination]\n{}\n[settings]\nSRC_TABLES = t\n",
            crate::common::PG_HOST,
            src.name,
            dst.ini_keys("DST")
        ),
    )
    .unwrap();
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap(), "-vv"], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let out = run.output();
    assert!(out.contains("SRC_DRIVER = postgresql+psycopg2:"), "{out}");
    assert!(out.contains("UID=postgres;"), "{out}");
    assert!(out.contains("PWD=***"), "{out}");
    assert!(
        !out.contains("PWD=postgres") && !out.contains("***ql"),
        "{out}"
    );
}

// ------------------------------------------------------------------------------------------------
// Interrupts from a scheduler: a second one still cleans up, within a bound; a third stops at once.

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_source-to-staging"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, signal: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{signal}");
}

/// A source of 300,000 rows and a PostgreSQL target with an old table `staging.t`.
fn big_copy(tag: &str) -> (TestDb, TestDb, tempfile::TempDir, PathBuf) {
    let src = TestDb::new(Kind::Postgres, &format!("{tag}_src"));
    src.exec(
        "CREATE TABLE t AS SELECT g::integer AS id, md5(g::text) AS v FROM generate_series(1, 300000) g",
    );
    let dst = TestDb::new(Kind::Postgres, &format!("{tag}_dst"));
    dst.exec("CREATE SCHEMA staging");
    dst.exec("CREATE TABLE staging.t (id integer, v text)");
    dst.exec("INSERT INTO staging.t VALUES (-1, 'oud')");
    let dir = tempfile::tempdir().unwrap();
    let ini = crate::common::write_ini(dir.path(), &src, &dst, "t", "SRC_CHUNK_SIZE = 5000");
    (src, dst, dir, ini)
}

#[test]
fn a_second_interrupt_still_writes_the_summary_and_report_and_drops_the_side_table() {
    let (_src, dst, dir, ini) = big_copy("int2");
    // The inserts wait until the test lets them go, so both interrupts land during the load.
    let pause = crate::common::pause_side_table_inserts(&dst);
    let child = spawn(
        dir.path(),
        &["--config", ini.to_str().unwrap(), "--report", "r.json"],
    );
    crate::common::wait_until_paused(&dst);
    signal(&child, "INT");
    signal(&child, "INT");
    drop(pause);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("interrupted"), "the summary: {stdout}");
    let report = std::fs::read_to_string(dir.path().join("r.json")).unwrap();
    assert!(report.contains("\"exit_status\": 1"), "{report}");
    assert!(!dst.has_side_table(Some("staging"), "t"), "side table left");
    assert_eq!(dst.count(Some("staging"), "t"), 1, "the old table changed");
}

#[test]
fn a_second_interrupt_stops_within_its_grace_and_a_third_at_once() {
    for signals in [2, 3] {
        let (_src, dst, dir, ini) = big_copy(&format!("int{signals}x"));
        // A batch insert that cannot finish: the run cannot stop cleanly, so the second
        // interrupt's grace is what ends it. (A swap waiting for a lock no longer is such a
        // case: it waits in short turns and stops cleanly between them.)
        let lock = crate::common::pause_side_table_inserts(&dst);
        let mut child = spawn(
            dir.path(),
            &["--config", ini.to_str().unwrap(), "--report", "r.json"],
        );
        crate::common::wait_until_paused(&dst);
        let sent = Instant::now();
        for _ in 0..signals {
            signal(&child, "INT");
            std::thread::sleep(Duration::from_millis(100));
        }
        let status = child.wait().unwrap();
        let took = sent.elapsed();
        drop(lock);
        assert_eq!(status.code(), Some(130), "{signals} interrupts");
        if signals == 2 {
            assert!(
                took >= Duration::from_secs(4),
                "stopped before its grace: {took:?}"
            );
        } else {
            assert!(
                took < Duration::from_secs(4),
                "the third did not stop at once: {took:?}"
            );
        }
        let report = std::fs::read_to_string(dir.path().join("r.json")).unwrap();
        assert!(report.contains("\"exit_status\": 130"), "{report}");
        assert_eq!(dst.count(Some("staging"), "t"), 1, "the old table changed");
        let _ = child.kill();
    }
}

#[test]
fn progress_bars_end_as_one_line_per_table_with_separators_and_no_early_eta() {
    let src = TestDb::new(Kind::Postgres, "py_bars");
    src.exec("CREATE TABLE goed AS SELECT g AS id FROM generate_series(1, 12345) g");
    src.exec("CREATE TABLE fout AS SELECT g AS id, 'te lang' AS naam FROM generate_series(1, 3) g");
    let dst = TestDb::new(Kind::Postgres, "py_bars");
    dst.exec("CREATE SCHEMA staging");
    dst.exec("CREATE TABLE staging.fout (id integer, naam varchar(2))");
    let dir = tempfile::tempdir().unwrap();
    let ini = crate::common::write_ini(
        dir.path(),
        &src,
        &dst,
        "goed, fout",
        "WRITE_MODE = truncate\nPARALLEL_TABLES = 1",
    );
    let command = format!(
        "stty cols 100 rows 50; {} --config {}",
        env!("CARGO_BIN_EXE_source-to-staging"),
        ini.display()
    );
    // `script` gives the tool a terminal of 100 columns, so it draws bars; pyte, a terminal
    // emulator, shows what stays on the screen.
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("script (util-linux)");
    let mut render = Command::new("python3")
        .args([
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/support/render_terminal.py"
            ),
            "100",
            "50",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with pyte");
    {
        use std::io::Write;
        render.stdin.take().unwrap().write_all(&out.stdout).unwrap();
    }
    let rendered = render.wait_with_output().unwrap();
    assert!(rendered.status.success(), "pyte: {rendered:?}");
    let screen = String::from_utf8_lossy(&rendered.stdout);
    let lines: Vec<&str> = screen.lines().collect();
    // One final line per table, with thousands separators, in the order they ended; then the
    // summary on a line of its own. No bar is left on the screen, and no ETA before rows move.
    let goed = lines
        .iter()
        .position(|l| l.trim_start().starts_with("goed 12,345 rows in ") && l.ends_with(", ok"));
    let fout = lines
        .iter()
        .position(|l| l.trim_start().starts_with("fout 0 rows in ") && l.ends_with(", FAILED"));
    let summary = lines.iter().position(|l| l.starts_with("table "));
    assert!(
        goed.is_some() && fout.is_some() && goed < summary && fout < summary,
        "{screen}"
    );
    assert!(
        !screen.contains("/12,345 rows") && !screen.contains("/3 rows"),
        "a bar was left on the screen:\n{screen}"
    );
    assert!(!screen.contains("ETA 0"), "{screen}");
}

#[test]
fn errors_in_the_ini_file_itself_still_reach_its_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("c.ini");
    std::fs::write(
        &ini,
        "[database-source]\nSRC_DSN = x\n[database-destination]\nDST_DSN = y\n[settings]\n\
         ; één tabel per regel\nSRC_TABLES = t\nWRITE_MOOD = append\n[logging]\n\
         LOG_TO_FILE = true\nLOG_FILE = logs/x.log\n",
    )
    .unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let run = run_tool(elsewhere.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2, "{}", run.output());
    let log = std::fs::read_to_string(dir.path().join("logs/x.log")).expect("the log file");
    assert!(
        log.contains("line 8: unknown key WRITE_MOOD; did you mean WRITE_MODE?")
            && log.trim_end().ends_with("finished with exit status 2"),
        "{log}"
    );
    // A log file that cannot be one: a configuration error, not a silent run without a log.
    std::fs::write(
        &ini,
        format!(
            "[database-source]\nSRC_DSN = x\n[database-destination]\nDST_DSN = y\n[settings]\n\
             SRC_TABLES = t\n[logging]\nLOG_TO_FILE = true\nLOG_FILE = {}\n",
            elsewhere.path().display()
        ),
    )
    .unwrap();
    let run = run_tool(elsewhere.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(
        run.stderr.contains("that is a folder, not a file"),
        "{}",
        run.stderr
    );
}

#[test]
fn problems_of_both_sides_come_together_and_the_shadow_warning_survives_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("c.ini");
    std::fs::write(
        &ini,
        "[database-source]\nSRC_DRIVER = PostgreSQL Unicode\nSRC_HOST = h\nSRC_PORT = 54321x\n\
         [database-destination]\nDST_DRIVER = oracle+oracledb\nDST_HOST = h\n[settings]\n\
         SRC_TABLES = t\n",
    )
    .unwrap();
    let run = run_tool(
        dir.path(),
        &["--config", ini.to_str().unwrap(), "-q"],
        &[("SRC_HOST", "elders")],
    );
    assert_eq!(run.code, 2, "{}", run.output());
    for needle in [
        "SRC_PORT = '54321x'",
        "DST_DRIVER = 'oracle+oracledb' means Oracle, but no ODBC driver for it is installed",
        // A warning, so -q keeps it.
        "SRC_HOST = 'h' in ",
    ] {
        assert!(
            run.stderr.contains(needle),
            "no '{needle}' in {}",
            run.stderr
        );
    }
}

#[test]
fn dump_needs_only_the_source() {
    let src = TestDb::new(Kind::Sqlite, "py_dumponly");
    src.exec("CREATE TABLE t (id integer)");
    src.exec("INSERT INTO t VALUES (1)");
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("c.ini");
    // The target's driver is not installed on the machine that dumps.
    std::fs::write(
        &ini,
        format!(
            "[database-source]\n{}\n[database-destination]\nDST_DRIVER = mssql+pyodbc\n\
             DST_HOST = elders\n[settings]\nSRC_TABLES = t\nCLEANUP_PARQUET_FILES = false\n",
            src.ini_keys("SRC")
        ),
    )
    .unwrap();
    let run = run_tool(
        dir.path(),
        &["dump", "--config", ini.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(
        PathBuf::from(run.stdout.trim()).exists(),
        "the manifest: {}",
        run.stdout
    );
}
