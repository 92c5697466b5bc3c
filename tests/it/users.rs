//! What users meet around a copy: DSNs and the `drivers`/`dsns` listings, the JSON run report,
//! the rotating log file, the password prompt, and the smoke scenario of the Docker image.

use std::{path::Path, process::Command};

use crate::common::{Kind, TestDb, run_tool, write_ini};

/// A DSN name of 32 characters, the most Windows allows: longer than every driver's description
/// (odbc-api's own listing cut such names to the longest description).
const LONG_DSN: &str = "S2S_TEST_LITE_STAGING_GEMEENTE_X";

/// An odbc.ini with one DSN per test database, for unixODBC's `ODBCINI`.
fn odbc_ini(dir: &Path, src: &TestDb) -> String {
    let path = dir.join("odbc.ini");
    std::fs::write(
        &path,
        format!(
            "[S2S_TEST_PG]\nDriver = PostgreSQL Unicode\nServername = {}\nPort = 5432\nDatabase = {}\n\n\
             [{LONG_DSN}]\nDriver = SQLite3\nDatabase = {}\n",
            crate::common::PG_HOST,
            src.name,
            dir.join("lite.db").display()
        ),
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn drivers_and_dsns_are_listed_and_a_dsn_connects() {
    let src = TestDb::new(Kind::Postgres, "dsn_src");
    src.exec("CREATE TABLE t (id integer, naam varchar(20))");
    src.exec("INSERT INTO t VALUES (1, 'één'), (2, NULL)");
    let dir = tempfile::tempdir().unwrap();
    let ini = odbc_ini(dir.path(), &src);
    let env = [("ODBCINI", ini.as_str())];

    let run = run_tool(dir.path(), &["drivers"], &env);
    assert_eq!(run.code, 0, "{}", run.output());
    for driver in ["PostgreSQL Unicode", "MariaDB Unicode", "SQLite3"] {
        assert!(
            run.stdout.lines().any(|l| l == driver),
            "{driver} missing: {}",
            run.stdout
        );
    }
    let run = run_tool(dir.path(), &["dsns"], &env);
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(
        run.stdout.contains("S2S_TEST_PG\tPostgreSQL Unicode"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("{LONG_DSN}\tSQLite3")),
        "{}",
        run.stdout
    );

    let run = run_tool(
        dir.path(),
        &["run"],
        &[
            ("ODBCINI", ini.as_str()),
            ("SRC_DSN", "S2S_TEST_PG"),
            ("SRC_USERNAME", "postgres"),
            ("DST_DSN", LONG_DSN),
            ("SRC_TABLES", "t"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    let lite = crate::common::query(
        &format!(
            "Driver={{SQLite3}};Database={};",
            dir.path().join("lite.db").display()
        ),
        "SELECT id, naam FROM t ORDER BY id",
    );
    assert_eq!(
        lite,
        vec![
            vec![Some("1".into()), Some("één".into())],
            vec![Some("2".into()), None]
        ]
    );
}

#[test]
fn the_json_run_report_lists_every_table() {
    let src = TestDb::new(Kind::Sqlite, "report_src");
    src.exec("CREATE TABLE a (id integer)");
    src.exec("INSERT INTO a VALUES (1), (2)");
    let dst = TestDb::new(Kind::Sqlite, "report_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "a, missing", "");
    let report = dir.path().join("reports").join("run.json");
    let run = run_tool(
        dir.path(),
        &[
            "--config",
            ini.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.output());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["command"], "run");
    assert_eq!(json["transfer_mode"], "DIRECT");
    assert_eq!(json["write_mode"], "replace");
    assert_eq!(json["exit_status"], 1);
    assert!(json["started_at"].as_str().unwrap().ends_with('Z'));
    let tables = json["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0]["source"], "a");
    assert_eq!(tables[0]["rows_read"], 2);
    assert_eq!(tables[0]["rows_written"], 2);
    assert_eq!(tables[0]["status"], "ok");
    assert!(tables[0]["seconds"].as_f64().unwrap() >= 0.0);
    assert_eq!(tables[1]["status"], "failed");
    assert!(
        tables[1]["error"]
            .as_str()
            .unwrap()
            .contains("does not exist")
    );

    // A run that cannot start still leaves a report.
    let run = run_tool(
        dir.path(),
        &[
            "--config",
            ini.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
            "--set",
            "DST_DRIVER=Nope",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.output());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["exit_status"], 2);
    assert!(
        json["error"].as_str().unwrap().contains("DST_DRIVER"),
        "{json}"
    );
}

#[test]
fn the_log_file_gets_the_same_lines_and_rotates_by_size() {
    let src = TestDb::new(Kind::Sqlite, "log_src");
    for t in ["a", "b", "c", "d", "e", "f"] {
        src.exec(&format!("CREATE TABLE {t} (id integer)"));
    }
    let dst = TestDb::new(Kind::Sqlite, "log_dst");
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("logs").join("s2s.log");
    let ini = write_ini(
        dir.path(),
        &src,
        &dst,
        "a, b, c, d, e, f",
        &format!(
            "\n[logging]\nLOG_TO_FILE = true\nLOG_FILE = {}\nLOG_ROTATE_BYTES = 600\nLOG_BACKUP_COUNT = 2",
            log.display()
        ),
    );
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap(), "-v"], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let files: Vec<String> = {
        let mut f: Vec<String> = std::fs::read_dir(log.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        f.sort();
        f
    };
    assert_eq!(
        files,
        vec!["s2s.log", "s2s.log.1", "s2s.log.2"],
        "rotation with 2 backups"
    );
    let newest = std::fs::read_to_string(&log).unwrap();
    let line = newest.lines().last().unwrap_or_default();
    assert!(
        line.contains(" INFO ") || line.contains(" DEBUG "),
        "lines carry a level: {line}"
    );
    assert!(line.starts_with("20"), "lines carry a timestamp: {line}");
    assert!(run.stderr.contains(line), "the console has the same lines");
}

#[test]
fn passwords_are_asked_with_hidden_input_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        panic!("the `script` command (util-linux) is needed to give the tool a terminal");
    }
    // A source that checks passwords: a MariaDB user whose password is the one to be typed
    // (PostgreSQL here trusts every password, so it could not tell).
    let src = TestDb::new(Kind::MariaDb, "prompt_src");
    src.exec("CREATE TABLE t (id integer)");
    src.exec("INSERT INTO t VALUES (7)");
    let typed = "Getypt-Geheim-1357";
    let user = format!("s2s_prompt_{}", std::process::id());
    src.exec(&format!("DROP USER IF EXISTS '{user}'@'%'"));
    src.exec(&format!("CREATE USER '{user}'@'%' IDENTIFIED BY '{typed}'"));
    src.exec(&format!("GRANT SELECT ON {}.* TO '{user}'@'%'", src.name));
    let dst = TestDb::new(Kind::Sqlite, "prompt_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "ASK_PASSWORD_IN_CLI = true");
    let text = std::fs::read_to_string(&ini)
        .unwrap()
        .replace("SRC_USERNAME = root", &format!("SRC_USERNAME = {user}"));
    std::fs::write(&ini, text).unwrap();
    let command = format!(
        "{} --config {} -vv",
        env!("CARGO_BIN_EXE_source-to-staging"),
        ini.display()
    );
    // `script` gives the tool a terminal; the answers are typed into it once the prompts show
    // (typed earlier, the terminal would still echo them).
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let wait_for = |needle: &str| {
        let started = std::time::Instant::now();
        loop {
            if String::from_utf8_lossy(&seen.lock().unwrap()).contains(needle) {
                return;
            }
            assert!(started.elapsed().as_secs() < 30, "no prompt '{needle}'");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        wait_for("Password for the source");
        std::thread::sleep(std::time::Duration::from_millis(100));
        stdin.write_all(format!("{typed}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
        wait_for("Password for the target");
        std::thread::sleep(std::time::Duration::from_millis(100));
        // Blank keeps the configured one (none).
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }
    let out = child.wait_with_output().unwrap();
    reader.join().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&seen.lock().unwrap()),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Password for the source"), "{text}");
    assert!(text.contains("Password for the target"), "{text}");
    assert!(
        !text.contains(typed),
        "the typed password was echoed or logged:\n{text}"
    );
    assert!(
        text.contains("PWD=***"),
        "the prompted password is used (and masked): {text}"
    );
    // The user could only log in with the typed password.
    assert_eq!(
        dst.query("SELECT id FROM t"),
        vec![vec![Some("7".to_string())]]
    );
    src.exec(&format!("DROP USER IF EXISTS '{user}'@'%'"));
}

/// A password from a file (`DST_PASSWORD_FILE`, a mounted Docker or Kubernetes secret) is used
/// and never shown, not even at `-vv`; the file's path may be. The target is a PostgreSQL user
/// whose password the server checks: a run without the file's password cannot log in.
#[test]
fn a_password_from_a_file_is_used_and_never_shown() {
    let password = "Uit-Een-Bestand; {42}";
    let user = crate::common::CheckedUser::new(Kind::Postgres, password);
    let src = TestDb::new(Kind::Postgres, "pwfile");
    src.exec("CREATE TABLE t (id int, naam text)");
    src.exec("INSERT INTO t VALUES (1, 'een'), (2, NULL)");
    let dst = TestDb::new(Kind::Postgres, "pwfiledst");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dst_password"), format!("{password}\n")).unwrap();
    let ini = crate::common::write_ini(dir.path(), &src, &dst, "t", "");
    let text = std::fs::read_to_string(&ini).unwrap().replace(
        "[database-destination]\n",
        "[database-destination]\nDST_PASSWORD_FILE = dst_password\n",
    );
    let text = text.replace(
        "DST_USERNAME = postgres\n",
        &format!("DST_USERNAME = {}\n", user.name),
    );
    std::fs::write(&ini, text).unwrap();
    for args in [&["check", "-vv"][..], &["-vv"][..]] {
        let mut all = args.to_vec();
        all.extend(["--config", ini.to_str().unwrap()]);
        let run = crate::common::run_tool(dir.path(), &all, &[]);
        assert_eq!(run.code, 0, "{args:?}: {}", run.output());
        assert!(run.stderr.contains("PWD=***"), "{}", run.output());
        for part in ["Uit-Een-Bestand", "{42}"] {
            assert!(!run.output().contains(part), "{part}: {}", run.output());
        }
    }
    let read =
        |db: &TestDb, table: &str| db.query(&format!("SELECT id, naam FROM {table} ORDER BY id"));
    assert_eq!(read(&dst, "staging.t"), read(&src, "t"));
    // Another password in the file: the server refuses it.
    std::fs::write(dir.path().join("dst_password"), "Niet-Dit-Wachtwoord\n").unwrap();
    let run = crate::common::run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(
        run.stderr
            .contains("cannot connect to the target: check the user name and password"),
        "{}",
        run.output()
    );
}
