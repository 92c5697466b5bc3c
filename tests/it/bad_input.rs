//! Every bad input gets one clear message (what is wrong, what to do), the right exit status,
//! and nothing written.

use std::{io::Write, net::TcpListener, path::Path, time::Instant};

use crate::common::{Kind, Run, TestDb, run_tool, write_ini};

/// Runs with a minimal valid SQLite -> SQLite environment plus `env`, and `args`.
fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let src = dir.join("src.db");
    let dst = dir.join("dst.db");
    let src = src.to_str().unwrap().to_string();
    let dst = dst.to_str().unwrap().to_string();
    let mut all: Vec<(&str, &str)> = vec![
        ("SRC_DRIVER", "SQLite3"),
        ("SRC_DB", &src),
        ("DST_DRIVER", "SQLite3"),
        ("DST_DB", &dst),
        ("SRC_TABLES", "t"),
    ];
    for (k, v) in env {
        all.retain(|(key, _)| key != k);
        all.push((k, v));
    }
    let all: Vec<(&str, &str)> = all.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let mut full = vec!["run"];
    full.extend_from_slice(args);
    let run = run_tool(dir, &full, &all);
    // A configuration error is found before anything is connected to: the target database (a
    // SQLite file, which connecting would create) is not there.
    if run.code == 2 {
        assert!(
            !Path::new(&dst).exists(),
            "exit 2, but the target was written: {}",
            run.output()
        );
    }
    run
}

/// Asserts exit status `code` and that stderr holds every `needle`.
fn expect(run: &Run, code: i32, needles: &[&str]) {
    assert_eq!(run.code, code, "{}", run.output());
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "missing '{needle}' in:\n{}",
            run.output()
        );
    }
}

#[test]
fn unknown_modes_list_the_valid_values() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with(dir.path(), &[], &[("TRANSFER_MODE", "STREAM")]);
    expect(
        &run,
        2,
        &[
            "TRANSFER_MODE = 'STREAM'",
            "DIRECT or DUMP",
            "CONNECTORX_DUMP",
        ],
    );
    let run = run_with(dir.path(), &[], &[("WRITE_MODE", "upsert")]);
    expect(
        &run,
        2,
        &["WRITE_MODE = 'upsert'", "replace, truncate or append"],
    );
    assert!(
        !dir.path().join("dst.db").exists(),
        "nothing may be written"
    );
}

#[test]
fn numbers_and_booleans_that_do_not_parse() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with(
        dir.path(),
        &[],
        &[
            ("SRC_CHUNK_SIZE", "lots"),
            ("LOG_ROW_COUNT", "maybe"),
            ("DIRECT_BACKOFF_MAX_SECONDS", "-1"),
        ],
    );
    expect(
        &run,
        2,
        &[
            "3 problems",
            "SRC_CHUNK_SIZE = 'lots' (from environment): expected a whole number",
            "LOG_ROW_COUNT = 'maybe' (from environment): expected true/false, 1/0, yes/no or on/off",
            "DIRECT_BACKOFF_MAX_SECONDS = '-1'",
        ],
    );
    let run = run_with(dir.path(), &["--chunk-size", "0"], &[]);
    expect(
        &run,
        2,
        &[
            "SRC_CHUNK_SIZE = '0' (from command line)",
            "a whole number from 1 to 100000000",
        ],
    );
}

/// Absurd numbers are configuration errors with the allowed range, never a panic
/// (`LOCK_WAIT_SECONDS = 1e20` exited with 101), and nothing is written.
#[test]
fn absurd_numbers_are_refused_with_their_range() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with(
        dir.path(),
        &[],
        &[
            ("LOCK_WAIT_SECONDS", "1e20"),
            ("PARTITIONS", "100000"),
            ("INCREMENTAL_LOOKBACK", "1e300"),
        ],
    );
    expect(
        &run,
        2,
        &[
            "3 problems",
            "LOCK_WAIT_SECONDS = '1e20' (from environment): expected a number of seconds from 0 \
             to 86400",
            "PARTITIONS = '100000' (from environment): expected a whole number from 1 to 64",
            "INCREMENTAL_LOOKBACK = '1e300' (from environment): expected a number from 0 to 1e12",
        ],
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.output());
    assert!(!dir.path().join("dst.db").exists());
}

#[test]
fn src_tables_missing_empty_or_with_an_empty_entry() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with(dir.path(), &[], &[("SRC_TABLES", "")]);
    expect(&run, 2, &["SRC_TABLES is not set"]);
    let run = run_with(dir.path(), &[], &[("SRC_TABLES", " , ")]);
    expect(&run, 2, &["SRC_TABLES", "entry 1 is empty"]);
    let run = run_with(dir.path(), &[], &[("SRC_TABLES", "a,b,")]);
    expect(&run, 2, &["SRC_TABLES", "entry 3 is empty"]);
}

#[test]
fn no_way_or_two_ways_to_connect() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with(dir.path(), &[], &[("SRC_DRIVER", ""), ("SRC_DB", "")]);
    expect(
        &run,
        2,
        &[
            "no way to connect to the source",
            "SRC_CONNECTION_STRING",
            "SRC_DSN",
        ],
    );
    let run = run_with(dir.path(), &[], &[("DST_DSN", "staging")]);
    expect(&run, 2, &["two ways to connect to the target", "DST_DSN"]);
    let run = run_with(dir.path(), &[], &[("SRC_DRIVER", ""), ("SRC_HOST", "h")]);
    expect(&run, 2, &["SRC_DRIVER is not"]);
}

#[test]
fn unknown_driver_and_dsn_names() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with(dir.path(), &[], &[("SRC_DRIVER", "Oracle 99 ODBC driver")]);
    expect(
        &run,
        2,
        &[
            "SRC_DRIVER = 'Oracle 99 ODBC driver' is not an installed ODBC driver",
            "SQLite3",
            "PostgreSQL Unicode",
        ],
    );
    let run = run_with(
        dir.path(),
        &[],
        &[
            ("DST_DRIVER", ""),
            ("DST_DB", ""),
            ("DST_DSN", "NO_SUCH_DSN"),
        ],
    );
    expect(
        &run,
        2,
        &[
            "DST_DSN = 'NO_SUCH_DSN': no such ODBC data source",
            "odbc.ini",
        ],
    );
}

#[test]
fn a_wrong_password_is_a_configuration_error_and_never_printed() {
    let db = TestDb::new(Kind::MariaDb, "wrongpw");
    let dir = tempfile::tempdir().unwrap();
    let secret = "Niet-Het-Goede-Wachtwoord-42";
    let run = run_with(
        dir.path(),
        &["-vv"],
        &[
            ("SRC_DRIVER", "MariaDB Unicode"),
            ("SRC_HOST", crate::common::MARIADB_HOST),
            ("SRC_DB", &db.name),
            ("SRC_USERNAME", "root"),
            ("SRC_PASSWORD", secret),
        ],
    );
    expect(
        &run,
        2,
        &["cannot connect to the source: check the user name and password"],
    );
    assert!(!run.output().contains(secret), "{}", run.output());
}

#[test]
fn a_refused_connection_fails_fast_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    // A port nobody listens on.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let port = port.to_string();
    let started = Instant::now();
    let run = run_with(
        dir.path(),
        &[],
        &[
            ("SRC_DRIVER", "PostgreSQL Unicode"),
            ("SRC_HOST", "127.0.0.1"),
            ("SRC_PORT", &port),
            ("SRC_DB", "x"),
        ],
    );
    expect(
        &run,
        1,
        &["cannot connect to the source", "cannot be reached"],
    );
    // Fast: a refused connection is not waited out (LOGIN_TIMEOUT_SECONDS is 30).
    assert!(
        started.elapsed().as_secs_f64() < 5.0,
        "took {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn a_server_that_never_answers_hits_the_login_timeout() {
    // Accepts connections and never says a word.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    for driver in ["PostgreSQL Unicode", "MariaDB Unicode"] {
        let started = Instant::now();
        let run = run_with(
            dir.path(),
            &["--set", "LOGIN_TIMEOUT_SECONDS=2"],
            &[
                ("SRC_DRIVER", driver),
                ("SRC_HOST", "127.0.0.1"),
                ("SRC_PORT", &port),
                ("SRC_DB", "x"),
            ],
        );
        let took = started.elapsed().as_secs_f64();
        expect(&run, 1, &["cannot connect to the source"]);
        // The README promises LOGIN_TIMEOUT_SECONDS + 2 s (plus starting the process).
        assert!(
            took < 4.5,
            "{driver}: took {took:.1} s, the login timeout is 2 s"
        );
    }
}

#[test]
fn no_permission_to_create_the_target_schema_or_table() {
    let src = TestDb::new(Kind::Sqlite, "noperm_src");
    src.exec("CREATE TABLE t (id integer)");
    let dst = TestDb::new(Kind::Postgres, "noperm_dst");
    dst.exec(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 's2s_noperm') \
         THEN CREATE ROLE s2s_noperm LOGIN; END IF; END $$",
    );
    dst.exec("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    let dir = tempfile::tempdir().unwrap();
    for (schema, what) in [("staging", "schema"), ("public", "table")] {
        let ini = write_ini(dir.path(), &src, &dst, "t", "");
        let text = std::fs::read_to_string(&ini)
            .unwrap()
            .replace("DST_USERNAME = postgres", "DST_USERNAME = s2s_noperm")
            .replace("DST_SCHEMA = staging", &format!("DST_SCHEMA = {schema}"));
        std::fs::write(&ini, text).unwrap();
        let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
        assert_eq!(run.code, 1, "{what}: {}", run.output());
        assert!(
            run.stdout.contains("FAILED") && run.stdout.contains("permission denied"),
            "{what}: {}",
            run.output()
        );
    }
}

#[test]
fn a_value_that_does_not_fit_the_target_column() {
    let src = TestDb::new(Kind::MariaDb, "nofit_src");
    src.exec("CREATE TABLE t (id integer, v varchar(20))");
    src.exec("INSERT INTO t VALUES (1, 'veel te lang')");
    let dst = TestDb::new(Kind::Postgres, "nofit_dst");
    dst.exec("CREATE SCHEMA staging");
    dst.exec("CREATE TABLE staging.t (id integer, v varchar(3))");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "WRITE_MODE = truncate");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.stdout.contains("FAILED"), "{}", run.output());
    assert!(run.stderr.contains("value too long"), "{}", run.output());
    assert_eq!(dst.count(Some("staging"), "t"), 0);
}

#[test]
fn a_missing_or_invalid_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_tool(dir.path(), &["--config", "nope.ini"], &[]);
    expect(&run, 2, &["the configuration file nope.ini does not exist"]);
    let bad = dir.path().join("bad.ini");
    std::fs::File::create(&bad)
        .unwrap()
        .write_all(b"[settings\nSRC_TABLES = a\n")
        .unwrap();
    let run = run_tool(dir.path(), &["--config", bad.to_str().unwrap()], &[]);
    expect(&run, 2, &["is not valid INI"]);
    std::fs::write(&bad, "[database-source]\nSRC_TABLES = a\n").unwrap();
    let run = run_tool(dir.path(), &["--config", bad.to_str().unwrap()], &[]);
    expect(
        &run,
        2,
        &[
            "SRC_TABLES is in section [database-source]",
            "belongs in [settings]",
        ],
    );
}

#[test]
fn command_line_mistakes() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with(dir.path(), &["--set", "ROW_LIMIT"], &[]);
    expect(&run, 2, &["--set ROW_LIMIT: expected KEY=VALUE"]);
    let run = run_with(dir.path(), &["--set", "ROWLIMIT=5"], &[]);
    expect(&run, 2, &["--set ROWLIMIT: unknown key"]);
    let run = run_tool(dir.path(), &["--no-such-flag"], &[]);
    assert_eq!(run.code, 2, "{}", run.output());
}

#[test]
fn a_schema_for_a_sqlite_target_and_a_password_prompt_without_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_with(dir.path(), &["--dst-schema", "staging"], &[]);
    expect(&run, 2, &["DST_SCHEMA = 'staging'", "has no schemas"]);
    let run = run_with(dir.path(), &[], &[("ASK_PASSWORD_IN_CLI", "true")]);
    expect(&run, 2, &["ASK_PASSWORD_IN_CLI", "no terminal"]);
}

#[test]
fn values_longer_than_the_size_caps_fail_before_reading() {
    let src = TestDb::new(Kind::Sqlite, "caps_src");
    src.exec("CREATE TABLE t (id integer, body text, blob blob)");
    src.exec("INSERT INTO t VALUES (1, replace(hex(zeroblob(1000)), '00', 'ab'), zeroblob(3000))");
    let dst = TestDb::new(Kind::Sqlite, "caps_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "MAX_TEXT_SIZE = 1000");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stdout
            .contains("column body holds a value of 2000 bytes, more than MAX_TEXT_SIZE (1000)"),
        "{}",
        run.output()
    );
    let ini = write_ini(dir.path(), &src, &dst, "t", "MAX_BINARY_SIZE = 2048");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stdout
            .contains("raise MAX_BINARY_SIZE to at least 3000"),
        "{}",
        run.output()
    );
    assert!(!dst.has_table(None, "t"), "nothing may be created");
}
