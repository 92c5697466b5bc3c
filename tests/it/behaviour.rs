//! Write modes, row limits, where settings come from, and what happens with bad input and
//! missing tables, against the real databases.

use crate::common::{Kind, TestDb, run_tool, write_ini};

/// A small source table `t(id, v)` with three rows.
fn small_source(kind: Kind, tag: &str) -> TestDb {
    let db = TestDb::new(kind, tag);
    db.exec("CREATE TABLE t (id integer NOT NULL, v varchar(20))");
    db.exec("INSERT INTO t VALUES (1, 'een'), (2, 'twee'), (3, NULL)");
    db
}

fn rows(db: &TestDb, schema: Option<&str>, table: &str) -> Vec<Vec<Option<String>>> {
    db.query(&format!(
        "SELECT id, v FROM {} ORDER BY id",
        db.table_ref(schema, table)
    ))
}

fn expected_small() -> Vec<Vec<Option<String>>> {
    vec![
        vec![Some("1".into()), Some("een".into())],
        vec![Some("2".into()), Some("twee".into())],
        vec![Some("3".into()), None],
    ]
}

/// A target PostgreSQL database with `staging.t(id bigint, v text, extra text)` holding 2 rows.
fn existing_target(tag: &str) -> TestDb {
    let db = TestDb::new(Kind::Postgres, tag);
    db.exec("CREATE SCHEMA staging");
    db.exec("CREATE TABLE staging.t (id bigint, v text, extra text)");
    db.exec("INSERT INTO staging.t VALUES (10, 'oud', 'x'), (11, 'ouder', 'y')");
    db
}

fn column_names(db: &TestDb) -> Vec<String> {
    db.column_types(Some("staging"), "t")
        .into_iter()
        .map(|(n, t)| format!("{n} {t}"))
        .collect()
}

#[test]
fn replace_swaps_in_a_table_derived_from_the_source() {
    let src = small_source(Kind::Sqlite, "wm_src");
    let dst = existing_target("wm_replace");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "WRITE_MODE = replace");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(rows(&dst, Some("staging"), "t"), expected_small());
    assert_eq!(
        column_names(&dst),
        vec!["id bigint", "v character varying(20)"],
        "the definition comes from the source (SQLite integers are 64-bit)"
    );
    assert!(
        !dst.has_side_table(Some("staging"), "t"),
        "side table left behind"
    );
}

#[test]
fn truncate_keeps_the_existing_definition() {
    let src = small_source(Kind::Sqlite, "wm_src");
    let dst = existing_target("wm_truncate");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "WRITE_MODE = truncate");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(rows(&dst, Some("staging"), "t"), expected_small());
    assert_eq!(
        column_names(&dst),
        vec!["id bigint", "v text", "extra text"]
    );
}

#[test]
fn append_adds_to_the_existing_rows() {
    let src = small_source(Kind::Sqlite, "wm_src");
    let dst = existing_target("wm_append");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "WRITE_MODE = append");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let mut want = expected_small();
    want.extend([
        vec![Some("10".into()), Some("oud".into())],
        vec![Some("11".into()), Some("ouder".into())],
    ]);
    assert_eq!(rows(&dst, Some("staging"), "t"), want);
    assert_eq!(
        column_names(&dst),
        vec!["id bigint", "v text", "extra text"]
    );
}

#[test]
fn truncate_and_append_create_a_missing_table() {
    for mode in ["truncate", "append"] {
        let src = small_source(Kind::Postgres, "wm_src");
        let dst = TestDb::new(Kind::MariaDb, "wm_create");
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(dir.path(), &src, &dst, "t", &format!("WRITE_MODE = {mode}"));
        let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
        assert_eq!(run.code, 0, "{mode}: {}", run.output());
        let schema = dst.staging_schema();
        assert_eq!(
            rows(&dst, schema.as_deref(), "t"),
            expected_small(),
            "{mode}"
        );
    }
}

#[test]
fn row_limit_caps_the_rows_per_table() {
    for source in [Kind::Postgres, Kind::MariaDb, Kind::Sqlite] {
        let src = small_source(source, "limit_src");
        let dst = TestDb::new(Kind::Postgres, "limit_dst");
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(dir.path(), &src, &dst, "t", "ROW_LIMIT = 2");
        let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
        assert_eq!(run.code, 0, "{source:?}: {}", run.output());
        assert_eq!(dst.count(Some("staging"), "t"), 2, "{source:?}");
        assert!(run.stdout.contains("2             2"), "{}", run.stdout);
    }
}

#[test]
fn an_empty_table_entry_is_a_configuration_error_and_nothing_is_created() {
    let src = small_source(Kind::Sqlite, "empty_entry_src");
    let dst = TestDb::new(Kind::Postgres, "empty_entry_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t,,t2", "");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(run.stderr.contains("SRC_TABLES"), "{}", run.output());
    assert!(run.stderr.contains("empty"), "{}", run.output());
    let schemas =
        dst.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'staging'");
    assert!(schemas.is_empty(), "the staging schema was created");
}

#[test]
fn configuration_from_the_environment_alone() {
    let src = small_source(Kind::Postgres, "env_src");
    let dst = TestDb::new(Kind::Postgres, "env_dst");
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("SRC_DRIVER", "PostgreSQL Unicode"),
        ("SRC_HOST", crate::common::PG_HOST),
        ("SRC_PORT", "5432"),
        ("SRC_DB", src.name.as_str()),
        ("SRC_USERNAME", "postgres"),
        (
            "DST_CONNECTION_STRING",
            &format!(
                "Driver={{PostgreSQL Unicode}};Server={};Port=5432;Database={};Uid=postgres;Pwd=;",
                crate::common::PG_HOST,
                dst.name
            ),
        ),
        ("DST_SCHEMA", "bronze"),
        ("SRC_TABLES", "t"),
    ];
    let run = run_tool(dir.path(), &["run"], &env);
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(rows(&dst, Some("bronze"), "t"), expected_small());
}

#[test]
fn the_ini_file_beats_the_environment_and_the_command_line_beats_both() {
    let src = TestDb::new(Kind::Sqlite, "prio_src");
    for t in ["a", "b", "c"] {
        src.exec(&format!("CREATE TABLE {t} (id integer)"));
        src.exec(&format!("INSERT INTO {t} VALUES (1)"));
    }
    let dst = TestDb::new(Kind::Postgres, "prio_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "a", "");
    let run = run_tool(
        dir.path(),
        &["--config", ini.to_str().unwrap()],
        &[("SRC_TABLES", "b")],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(dst.has_table(Some("staging"), "a"), "INI value not used");
    assert!(
        !dst.has_table(Some("staging"), "b"),
        "environment beat the INI file"
    );

    // Into a fresh target, so that what must be absent cannot be there from the first run.
    let fresh = TestDb::new(Kind::Postgres, "prio_dst2");
    let ini = write_ini(dir.path(), &src, &fresh, "a", "");
    let run = run_tool(
        dir.path(),
        &["--config", ini.to_str().unwrap(), "--tables", "c"],
        &[("SRC_TABLES", "b")],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(fresh.has_table(Some("staging"), "c"), "--tables not used");
    assert!(
        !fresh.has_table(Some("staging"), "a"),
        "--tables did not replace the INI value"
    );
    assert!(
        !fresh.has_table(Some("staging"), "b"),
        "the environment was used"
    );
}

#[test]
fn a_dotenv_file_fills_the_environment_without_overriding_it() {
    let src = TestDb::new(Kind::Sqlite, "dotenv_src");
    for t in ["a", "b"] {
        src.exec(&format!("CREATE TABLE {t} (id integer)"));
    }
    let dst = TestDb::new(Kind::Sqlite, "dotenv_dst");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "SRC_DRIVER=SQLite3\nSRC_DB={}\nDST_DRIVER=SQLite3\nDST_DB={}\nSRC_TABLES=a\n",
            src.name, dst.name
        ),
    )
    .unwrap();
    let run = run_tool(dir.path(), &["run"], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(dst.has_table(None, "a"));
    let run = run_tool(dir.path(), &["run"], &[("SRC_TABLES", "b")]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(
        dst.has_table(None, "b"),
        "the environment must win over .env"
    );
}

#[test]
fn the_old_transfer_mode_names_are_accepted() {
    for mode in ["sqlalchemy_direct", "SQLALCHEMY_DUMP", "ConnectorX_Dump"] {
        let src = small_source(Kind::Sqlite, "oldmode_src");
        let dst = TestDb::new(Kind::Sqlite, "oldmode_dst");
        let dir = tempfile::tempdir().unwrap();
        // The Parquet files stay, so they show whether the copy went through them.
        let pq = dir.path().join("pq");
        let settings = format!(
            "TRANSFER_MODE = {mode}\nPARQUET_DIR = {}\nCLEANUP_PARQUET_FILES = false",
            pq.display()
        );
        let ini = write_ini(dir.path(), &src, &dst, "t", &settings);
        let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
        assert_eq!(run.code, 0, "{mode}: {}", run.output());
        assert_eq!(rows(&dst, None, "t"), expected_small(), "{mode}");
        let files: Vec<String> = std::fs::read_dir(&pq)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let dumped = files.iter().any(|f| f == "t_part0000.parquet")
            && files.iter().any(|f| f.starts_with("manifest_"));
        assert_eq!(
            dumped,
            mode.to_lowercase().ends_with("dump"),
            "{mode}: files {files:?}"
        );
    }
}

#[test]
fn a_missing_source_table_fails_alone() {
    let src = TestDb::new(Kind::MariaDb, "missing_src");
    for t in ["a", "b"] {
        src.exec(&format!("CREATE TABLE {t} (id integer)"));
        src.exec(&format!("INSERT INTO {t} VALUES (1), (2)"));
    }
    let dst = TestDb::new(Kind::Postgres, "missing_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "a, does_not_exist, b", "");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert_eq!(dst.count(Some("staging"), "a"), 2);
    assert_eq!(dst.count(Some("staging"), "b"), 2);
    assert!(!dst.has_table(Some("staging"), "does_not_exist"));
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("does_not_exist"))
        .unwrap_or_else(|| panic!("no summary line: {}", run.output()));
    assert!(
        line.contains("FAILED") && line.contains("does not exist"),
        "{line}"
    );
}

#[test]
fn nul_characters_are_removed_for_postgresql_and_counted() {
    for (kind, nul) in [
        (Kind::Sqlite, "'a' || char(0) || 'b'"),
        (Kind::MariaDb, "CONCAT('a', CHAR(0), 'b')"),
    ] {
        let src = TestDb::new(kind, "nul_src");
        src.exec("CREATE TABLE t (id integer, v text)");
        src.exec(&format!(
            "INSERT INTO t VALUES (1, {nul}), (2, 'plain'), (3, NULL)"
        ));
        let dst = TestDb::new(Kind::Postgres, "nul_dst");
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(dir.path(), &src, &dst, "t", "");
        let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
        assert_eq!(run.code, 0, "{kind:?}: {}", run.output());
        assert_eq!(
            rows(&dst, Some("staging"), "t"),
            vec![
                vec![Some("1".into()), Some("ab".into())],
                vec![Some("2".into()), Some("plain".into())],
                vec![Some("3".into()), None],
            ],
            "{kind:?}"
        );
        assert!(
            run.stderr
                .contains("1 text values had NUL characters removed"),
            "{kind:?}: {}",
            run.output()
        );
    }
}

#[test]
fn driver_problems_of_both_sides_come_in_one_message_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_tool(
        dir.path(),
        &["run"],
        &[
            // The Python tool's name for Oracle: no Oracle ODBC driver is installed here.
            ("SRC_DRIVER", "oracle+oracledb"),
            ("SRC_HOST", "localhost"),
            ("DST_DRIVER", "PostgreSQL Unicodeee"),
            ("DST_DB", "x"),
            ("SRC_TABLES", "t"),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.output());
    for needle in [
        "SRC_DRIVER = 'oracle+oracledb' means Oracle, but no ODBC driver for it is installed",
        "Instant Client",
        "DST_DRIVER = 'PostgreSQL Unicodeee' is not an installed ODBC driver",
        "PostgreSQL Unicode, ",
    ] {
        assert!(
            run.stderr.contains(needle),
            "no '{needle}' in {}",
            run.stderr
        );
    }
    assert!(
        !run.stderr.contains("cannot connect"),
        "nothing is connected to: {}",
        run.stderr
    );
}

#[test]
fn passwords_never_appear_in_the_output() {
    let src = small_source(Kind::Postgres, "secret_src");
    let dst = TestDb::new(Kind::Postgres, "secret_dst");
    let dir = tempfile::tempdir().unwrap();
    let secret = "Geheim-Wachtwoord-9876";
    let log_file = dir.path().join("logs").join("run.log");
    let ini = write_ini(
        dir.path(),
        &src,
        &dst,
        "t, not_there",
        &format!(
            "\n[logging]\nLOG_TO_FILE = true\nLOG_FILE = {}",
            log_file.display()
        ),
    );
    let mut text = std::fs::read_to_string(&ini).unwrap();
    text = text.replace(
        "SRC_USERNAME = postgres\n",
        &format!("SRC_USERNAME = postgres\nSRC_PASSWORD = {secret}\n"),
    );
    std::fs::write(&ini, text).unwrap();
    let run = run_tool(
        dir.path(),
        &["--config", ini.to_str().unwrap(), "-vv"],
        &[("DST_PASSWORD", secret)],
    );
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stderr.contains("PWD=***"),
        "the connection string is logged at -vv"
    );
    assert!(!run.output().contains(secret), "{}", run.output());
    let logged = std::fs::read_to_string(&log_file).expect("the log file");
    assert!(
        logged.contains("PWD=***"),
        "the log file has the same lines"
    );
    assert!(!logged.contains(secret), "{logged}");
}

#[test]
fn nul_characters_survive_into_targets_that_can_store_them() {
    for target in [Kind::MariaDb, Kind::Sqlite] {
        let src = TestDb::new(Kind::MariaDb, "nul_keep_src");
        src.exec("CREATE TABLE t (id integer, v text)");
        src.exec("INSERT INTO t VALUES (1, CONCAT('a', CHAR(0), 'b')), (2, 'plain')");
        let dst = TestDb::new(target, "nul_keep_dst");
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(dir.path(), &src, &dst, "t", "");
        let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
        assert_eq!(run.code, 0, "{target:?}: {}", run.output());
        let schema = dst.staging_schema();
        let hex = match target {
            Kind::MariaDb => "LOWER(HEX(v))",
            _ => "lower(hex(v))",
        };
        let got = dst.query(&format!(
            "SELECT {hex} FROM {} ORDER BY id",
            dst.table_ref(schema.as_deref(), "t")
        ));
        assert_eq!(got[0][0].as_deref(), Some("610062"), "{target:?}: NUL lost");
        assert!(
            !run.stderr.contains("NUL characters removed"),
            "{}",
            run.output()
        );
    }
}

#[test]
fn tricky_text_survives_every_target() {
    let values = [
        "a\"b",
        "back\\slash",
        "comma,here",
        "{braces}",
        "new\nline",
        "tab\tand\rreturn",
        "NULL",
        " leading and trailing ",
        "",
        "quote's",
        "\\x00ff",
        "\"",
        "\\",
        "é ë 中文 😀",
    ];
    let src = TestDb::new(Kind::Postgres, "tricky_src");
    src.exec("CREATE TABLE t (id integer, v text)");
    for (i, v) in values.iter().enumerate() {
        // Dollar quoting: every character as it is.
        src.exec(&format!("INSERT INTO t VALUES ({i}, $q${v}$q$)"));
    }
    src.exec(&format!("INSERT INTO t VALUES ({}, NULL)", values.len()));
    let want = src.query("SELECT id, v FROM t ORDER BY id");
    assert_eq!(
        want[1][1].as_deref(),
        Some("back\\slash"),
        "source as intended"
    );
    for target in [Kind::Postgres, Kind::MariaDb, Kind::Sqlite] {
        let dst = TestDb::new(target, "tricky_dst");
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(dir.path(), &src, &dst, "t", "");
        let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
        assert_eq!(run.code, 0, "{target:?}: {}", run.output());
        let schema = dst.staging_schema();
        assert_eq!(rows(&dst, schema.as_deref(), "t"), want, "{target:?}");
    }
}

#[test]
fn float_specials_survive_into_postgresql() {
    let src = TestDb::new(Kind::Postgres, "floats_src");
    src.exec("CREATE TABLE t (id integer, d double precision, r real)");
    src.exec(
        "INSERT INTO t VALUES (1, 'NaN', 'NaN'), (2, 'Infinity', 'Infinity'), \
         (3, '-Infinity', '-Infinity'), (4, 0.1, 0.1), (5, -0.0, 3.4028235e38), \
         (6, 5e-324, 1.4e-45)",
    );
    let dst = TestDb::new(Kind::Postgres, "floats_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "");
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let sql = |t: &str| format!("SELECT id, d::text, r::text FROM {t} ORDER BY id");
    assert_eq!(dst.query(&sql("staging.t")), src.query(&sql("t")));
}

/// Creates the tables `names` in `db`, the i-th (from 0) with rows (0, 'r0') .. (i, 'ri').
fn tables_of_growing_size(db: &TestDb, names: &[impl AsRef<str>]) {
    for (i, t) in names.iter().enumerate() {
        let t = t.as_ref();
        db.exec(&format!("CREATE TABLE {t} (id integer, v varchar(10))"));
        let rows: Vec<String> = (0..=i).map(|n| format!("({n}, 'r{n}')")).collect();
        db.exec(&format!("INSERT INTO {t} VALUES {}", rows.join(", ")));
    }
}

#[test]
fn tables_in_parallel_are_all_copied_and_reported_in_order() {
    let src = TestDb::new(Kind::MariaDb, "par_src");
    let names = ["t1", "t2", "t3", "t4", "t5"];
    tables_of_growing_size(&src, &names);
    let dst = TestDb::new(Kind::Postgres, "par_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(
        dir.path(),
        &src,
        &dst,
        &names.join(", "),
        "PARALLEL_TABLES = 3",
    );
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let order: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.starts_with('t') && w.len() == 2)
        .collect();
    assert_eq!(order, names, "{}", run.stdout);
    for (i, t) in names.iter().enumerate() {
        let values = |db: &TestDb, schema: Option<&str>| {
            db.query(&format!(
                "SELECT id, v FROM {} ORDER BY id",
                db.table_ref(schema, t)
            ))
        };
        let want = values(&src, None);
        assert_eq!(want.len(), i + 1, "{t} in the source");
        assert_eq!(values(&dst, Some("staging")), want, "{t}");
    }
}

#[test]
fn tables_in_parallel_into_one_sqlite_file_swap_without_deadlock() {
    // SQLite has one writer per file: tables swapped in at the same moment must not hold a read
    // lock into the swap, or each waits for the other until the busy timeout.
    let src = TestDb::new(Kind::Sqlite, "par_lite_src");
    let names: Vec<String> = (0..12).map(|i| format!("p{i:02}")).collect();
    tables_of_growing_size(&src, &names);
    let dst = TestDb::new(Kind::Sqlite, "par_lite_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(
        dir.path(),
        &src,
        &dst,
        &names.join(", "),
        "PARALLEL_TABLES = 4",
    );
    // The second and third runs replace existing tables (drop the old one in the swap).
    for _ in 0..3 {
        let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
        assert_eq!(run.code, 0, "{}", run.output());
        for t in &names {
            let sql = format!("SELECT id, v FROM {t} ORDER BY id");
            assert_eq!(dst.query(&sql), src.query(&sql), "{t}");
        }
    }
}
