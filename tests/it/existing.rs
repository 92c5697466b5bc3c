//! Writing into staging tables that already exist: tables the Python tool made (other column
//! types than this tool would create), new source columns (`SCHEMA_CHANGES`), columns the source
//! lacks, views on a staging table, and failures partway: in every write mode the table holds
//! exactly what it held before when a copy fails. `check` says beforehand what will happen, and
//! its verdict agrees with the copy's.

use crate::common::{Kind, Run, TestDb, run_tool, write_ini};

/// A MariaDB application table: a TIME, a DATETIME(6), a VARCHAR(10), a DECIMAL(12,2) and a
/// timestamp, two rows.
fn application(tag: &str) -> TestDb {
    let src = TestDb::new(Kind::MariaDb, tag);
    src.exec(
        "CREATE TABLE t (id int NOT NULL, duur time, gezien datetime(6), naam varchar(10), \
         bedrag decimal(12,2), stempel timestamp(6) NULL) DEFAULT CHARSET=utf8mb4",
    );
    src.exec(
        "INSERT INTO t VALUES (1, '12:30:00', '2024-01-01 10:00:00.5', 'abc', 1.25, \
         '2024-06-01 10:00:00.000001'), (2, '23:59:59', NULL, 'abcde', -99.99, NULL)",
    );
    src
}

/// The staging table the Python tool made for it in PostgreSQL: `time`, `timestamp(6)`,
/// `varchar(n)` and `double precision` columns, one old row, and a column it added itself.
fn python_tool_table(tag: &str) -> TestDb {
    let dst = TestDb::new(Kind::Postgres, tag);
    dst.exec("CREATE SCHEMA staging");
    dst.exec(
        "CREATE TABLE staging.t (id bigint, duur time, gezien timestamp(6), naam varchar(5), \
         bedrag double precision, stempel timestamp with time zone, geladen text)",
    );
    dst.exec(
        "INSERT INTO staging.t VALUES (99, '01:00', '2000-01-01', 'oud', 0.5, NULL, 'gisteren')",
    );
    dst
}

fn rows(dst: &TestDb, sql: &str) -> Vec<Vec<Option<String>>> {
    dst.query(sql)
}

const READ_BACK: &str = "SELECT id::text, duur::text, to_char(gezien, 'YYYY-MM-DD HH24:MI:SS.US'), \
     naam, bedrag::text, to_char(stempel AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), geladen \
     FROM staging.t ORDER BY id";

fn row(values: [Option<&str>; 7]) -> Vec<Option<String>> {
    values.iter().map(|v| v.map(str::to_string)).collect()
}

fn old_row() -> Vec<Option<String>> {
    row([
        Some("99"),
        Some("01:00:00"),
        Some("2000-01-01 00:00:00.000000"),
        Some("oud"),
        Some("0.5"),
        None,
        Some("gisteren"),
    ])
}

fn new_rows() -> Vec<Vec<Option<String>>> {
    vec![
        row([
            Some("1"),
            Some("12:30:00"),
            Some("2024-01-01 10:00:00.500000"),
            Some("abc"),
            Some("1.25"),
            Some("2024-06-01 10:00:00.000001"),
            None,
        ]),
        row([
            Some("2"),
            Some("23:59:59"),
            None,
            Some("abcde"),
            Some("-99.99"),
            None,
            None,
        ]),
    ]
}

fn tool(dir: &std::path::Path, args: &[&str]) -> Run {
    run_tool(dir, args, &[])
}

/// `check` for a write mode, then the copy: the verdicts must agree.
fn check_then_copy(dir: &std::path::Path, ini: &str, mode: &str) -> (Run, Run) {
    let check = tool(dir, &["check", "--config", ini, "--write-mode", mode]);
    let copy = tool(dir, &["--config", ini, "--write-mode", mode]);
    assert_eq!(
        check.code == 0,
        copy.code == 0,
        "check and the copy disagree:\n{}\n{}",
        check.output(),
        copy.output()
    );
    (check, copy)
}

#[test]
fn truncate_and_append_cast_into_the_python_tools_column_types() {
    let src = application("ex_src");
    for mode in ["truncate", "append"] {
        let dst = python_tool_table(&format!("ex_{mode}"));
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(dir.path(), &src, &dst, "t", "");
        let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), mode);
        assert_eq!(copy.code, 0, "{mode}: {}", copy.output());
        // check shows the comparison with the existing table, the casts and what stays NULL.
        for needle in [
            "columns of the existing table:",
            "duur time without time zone",
            "text values that do not read as a time fail the table",
            "naam character varying(5)",
            "values longer than 5 characters fail the table",
            "bedrag double precision",
            "stored as the nearest floating-point number",
            "geladen: not in the source; NULL in the new rows",
            "sample: the first 2 rows went in (rolled back)",
        ] {
            assert!(
                check.stdout.contains(needle),
                "{mode}: no '{needle}' in\n{}",
                check.stdout
            );
        }
        let mut want = new_rows();
        if mode == "append" {
            want.push(old_row());
        }
        assert_eq!(rows(&dst, READ_BACK), want, "{mode}");
        // The definition is the Python tool's, not this tool's.
        assert_eq!(
            dst.column_types(Some("staging"), "t")
                .into_iter()
                .map(|(_, t)| t)
                .collect::<Vec<_>>(),
            [
                "bigint",
                "time without time zone",
                "timestamp(6) without time zone",
                "character varying(5)",
                "double precision",
                "timestamp with time zone",
                "text"
            ]
        );
        assert!(!dst.has_side_table(Some("staging"), "t"));
    }
}

#[test]
fn a_copy_that_fails_partway_leaves_the_table_as_it_was_in_every_write_mode() {
    // 2,500 rows in batches of 100; row 2,000 does not fit the existing varchar(5).
    let src = TestDb::new(Kind::Postgres, "ex_fail_src");
    src.exec(
        "CREATE TABLE t AS SELECT g AS id, CASE WHEN g = 2000 THEN 'te lang' ELSE 'ok' END AS naam \
         FROM generate_series(1, 2500) g",
    );
    for mode in ["truncate", "append"] {
        let dst = TestDb::new(Kind::Postgres, &format!("ex_fail_{mode}"));
        dst.exec("CREATE SCHEMA staging");
        dst.exec("CREATE TABLE staging.t (id bigint, naam varchar(5))");
        dst.exec("INSERT INTO staging.t VALUES (1, 'oud'), (2, 'oud')");
        dst.exec("CREATE VIEW staging.v AS SELECT naam FROM staging.t");
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(
            dir.path(),
            &src,
            &dst,
            "t",
            "SRC_CHUNK_SIZE = 100\nWRITERS_PER_TABLE = 1",
        );
        let config = ini.to_str().unwrap();
        let check = tool(
            dir.path(),
            &["check", "--config", config, "--write-mode", mode],
        );
        let copy = tool(dir.path(), &["--config", config, "--write-mode", mode]);
        assert_eq!(copy.code, 1, "{mode}: {}", copy.output());
        assert!(
            copy.stdout
                .contains("value too long for type character varying(5)"),
            "{mode}: {}",
            copy.output()
        );
        // Batches before the failing one had been committed (the summary's rows written: 19
        // batches of 100), into the side table only.
        assert_eq!(
            copy.rows_written("t"),
            Some("1900"),
            "{mode}: the failure came after committed batches: {}",
            copy.output()
        );
        assert_eq!(
            dst.query("SELECT id::text, naam FROM staging.t ORDER BY id"),
            vec![
                vec![Some("1".to_string()), Some("oud".to_string())],
                vec![Some("2".to_string()), Some("oud".to_string())]
            ],
            "{mode}: the table changed"
        );
        // The view on it is still there and reads the table as it was.
        assert_eq!(
            dst.query("SELECT naam FROM staging.v"),
            vec![vec![Some("oud".to_string())], vec![Some("oud".to_string())]],
            "{mode}: the view"
        );
        assert!(!dst.has_side_table(Some("staging"), "t"), "{mode}");
        // check's sample is the first 1,000 rows, which fit: it cannot see row 2,000, and says
        // which rows it tried, and that longer values fail the table.
        assert_eq!(check.code, 0, "{}", check.output());
        assert!(
            check.stdout.contains("the first 1000 rows went in")
                && check
                    .stdout
                    .contains("values longer than 5 characters fail the table"),
            "{}",
            check.stdout
        );
    }
}

#[test]
fn a_new_source_column_is_added_or_refused() {
    let src = TestDb::new(Kind::Postgres, "ex_new_src");
    src.exec("CREATE TABLE t (id integer, naam text, nieuw numeric(8,3))");
    src.exec("INSERT INTO t VALUES (1, 'een', 1.5)");
    let make_target = |tag: &str| {
        let dst = TestDb::new(Kind::Postgres, tag);
        dst.exec("CREATE SCHEMA staging");
        dst.exec("CREATE TABLE staging.t (id integer, naam text)");
        dst.exec("INSERT INTO staging.t VALUES (7, 'oud')");
        dst
    };
    // SCHEMA_CHANGES = fail: refused before writing, by check and by the copy.
    let dst = make_target("ex_new_fail");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "SCHEMA_CHANGES = fail");
    let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), "append");
    assert_eq!(copy.code, 1, "{}", copy.output());
    for run in [&check, &copy] {
        assert!(
            run.stdout.contains("column nieuw is new in the source")
                && run.stdout.contains("SCHEMA_CHANGES"),
            "{}",
            run.output()
        );
    }
    assert!(check.stdout.contains("missing"), "{}", check.stdout);
    assert_eq!(dst.count(Some("staging"), "t"), 1);
    assert_eq!(dst.column_types(Some("staging"), "t").len(), 2);
    // SCHEMA_CHANGES = add (the default): added as a nullable column, with a warning.
    for mode in ["append", "truncate"] {
        let dst = make_target(&format!("ex_new_add_{mode}"));
        let ini = write_ini(dir.path(), &src, &dst, "t", "");
        let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), mode);
        assert_eq!(copy.code, 0, "{}", copy.output());
        assert!(
            check
                .stdout
                .contains("columns added (SCHEMA_CHANGES = add): nieuw numeric(8,3)"),
            "{}",
            check.stdout
        );
        assert!(
            copy.stderr
                .contains("nieuw: new in the source; added to the table"),
            "{}",
            copy.output()
        );
        let want: Vec<Vec<Option<String>>> = match mode {
            "append" => vec![
                vec![Some("1".into()), Some("een".into()), Some("1.500".into())],
                vec![Some("7".into()), Some("oud".into()), None],
            ],
            _ => vec![vec![
                Some("1".into()),
                Some("een".into()),
                Some("1.500".into()),
            ]],
        };
        assert_eq!(
            dst.query("SELECT id::text, naam, nieuw::text FROM staging.t ORDER BY id"),
            want,
            "{mode}"
        );
        // check added nothing.
        assert_eq!(
            dst.column_types(Some("staging"), "t").last().unwrap(),
            &("nieuw".to_string(), "numeric(8,3)".to_string())
        );
    }
}

#[test]
fn target_columns_the_source_lacks_stay_null_or_refuse_when_not_null() {
    let src = TestDb::new(Kind::Sqlite, "ex_lacks_src");
    src.exec("CREATE TABLE t (id integer, naam text)");
    src.exec("INSERT INTO t VALUES (1, 'een')");
    let dst = TestDb::new(Kind::Postgres, "ex_lacks");
    dst.exec("CREATE SCHEMA staging");
    dst.exec(
        "CREATE TABLE staging.t (id bigint, naam text, met_default text NOT NULL DEFAULT 'd', \
         verplicht text NOT NULL)",
    );
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "");
    let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), "truncate");
    assert_eq!(copy.code, 1, "{}", copy.output());
    for run in [&check, &copy] {
        assert!(
            run.stdout
                .contains("column verplicht is NOT NULL without a default"),
            "{}",
            run.output()
        );
    }
    dst.exec("ALTER TABLE staging.t ALTER COLUMN verplicht DROP NOT NULL");
    let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), "truncate");
    assert_eq!(copy.code, 0, "{}", copy.output());
    assert!(
        check
            .stdout
            .contains("met_default: not in the source; its default in the new rows")
    );
    assert_eq!(
        dst.query("SELECT id::text, naam, met_default, verplicht FROM staging.t"),
        vec![vec![
            Some("1".into()),
            Some("een".into()),
            Some("d".into()),
            None
        ]]
    );
}

#[test]
fn values_that_cannot_go_into_a_column_are_refused_before_writing() {
    let src = TestDb::new(Kind::Postgres, "ex_refuse_src");
    src.exec("CREATE TABLE t (id integer, foto bytea, dag date)");
    src.exec("INSERT INTO t VALUES (1, '\\x00', '2024-01-01')");
    let dst = TestDb::new(Kind::Postgres, "ex_refuse");
    dst.exec("CREATE SCHEMA staging");
    dst.exec("CREATE TABLE staging.t (id integer, foto integer, dag integer)");
    dst.exec("INSERT INTO staging.t VALUES (5, 5, 5)");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "");
    let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), "truncate");
    assert_eq!(copy.code, 1);
    for run in [&check, &copy] {
        assert!(
            run.stdout.contains(
                "column foto (bytea) cannot go into foto integer: binary values cannot go into \
                 an integer column"
            ) && run
                .stdout
                .contains("column dag (date) cannot go into dag integer"),
            "{}",
            run.output()
        );
    }
    assert_eq!(dst.count(Some("staging"), "t"), 1);
}

/// A staging table with a view on it, in each live target.
fn with_view(kind: Kind, tag: &str) -> (TestDb, Option<String>) {
    let dst = TestDb::new(kind, tag);
    let schema = dst.staging_schema();
    (dst, schema)
}

#[test]
fn views_on_a_staging_table_survive_replace_in_every_target() {
    for kind in Kind::ALL {
        let src = TestDb::new(Kind::Postgres, "ex_view_src");
        src.exec("CREATE TABLE t (id integer NOT NULL, naam varchar(20))");
        src.exec("INSERT INTO t VALUES (1, 'een'), (2, 'twee')");
        let (dst, schema) = with_view(kind, "ex_view");
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(dir.path(), &src, &dst, "t", "");
        let ini = ini.to_str().unwrap();
        // The first night creates the table; then someone puts a view on it.
        let first = tool(dir.path(), &["--config", ini]);
        assert_eq!(first.code, 0, "{kind:?}: {}", first.output());
        let t = dst.table_ref(schema.as_deref(), "t");
        let v = dst.table_ref(schema.as_deref(), "v_namen");
        dst.exec(&format!(
            "CREATE VIEW {v} AS SELECT naam FROM {t} WHERE id > 0"
        ));
        // The next nights: unchanged columns, new rows: refreshed in place.
        src.exec("INSERT INTO t VALUES (3, 'drie')");
        let (check, copy) = check_then_copy(dir.path(), ini, "replace");
        assert_eq!(copy.code, 0, "{kind:?}: {}", copy.output());
        assert!(
            check.stdout.contains("refreshed in place") && check.stdout.contains("v_namen"),
            "{kind:?}: {}",
            check.stdout
        );
        assert_eq!(
            dst.query(&format!("SELECT naam FROM {v} ORDER BY naam")),
            vec![
                vec![Some("drie".to_string())],
                vec![Some("een".to_string())],
                vec![Some("twee".to_string())]
            ],
            "{kind:?}"
        );
        // The source's column changes: refused before writing, naming the view.
        src.exec("ALTER TABLE t ALTER COLUMN naam TYPE varchar(200)");
        src.exec("INSERT INTO t VALUES (4, 'vier')");
        let (check, copy) = check_then_copy(dir.path(), ini, "replace");
        assert_eq!(copy.code, 1, "{kind:?}: {}", copy.output());
        for run in [&check, &copy] {
            assert!(
                run.stdout.contains("views depend on the table")
                    && run.stdout.contains("v_namen")
                    && run.stdout.contains("naam"),
                "{kind:?}: {}",
                run.output()
            );
        }
        assert_eq!(dst.count(schema.as_deref(), "t"), 3, "{kind:?}");
        assert_eq!(
            dst.query(&format!("SELECT COUNT(*) FROM {v}"))[0][0].as_deref(),
            Some("3")
        );
    }
}

#[test]
fn check_of_an_append_shows_the_comparison_not_the_replace_ddl() {
    let src = application("ex_chk_src");
    let dst = python_tool_table("ex_chk");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "");
    let check = tool(
        dir.path(),
        &[
            "check",
            "--config",
            ini.to_str().unwrap(),
            "--write-mode",
            "append",
        ],
    );
    assert_eq!(check.code, 0, "{}", check.output());
    assert!(
        check
            .stdout
            .contains("WRITE_MODE = append: keeps the table's definition")
    );
    assert!(!check.stdout.contains("DDL:"), "{}", check.stdout);
    // Nothing was written: not the sample, not a side table.
    assert_eq!(dst.count(Some("staging"), "t"), 1);
    assert!(!dst.has_table(Some("staging"), "t_s2s_check"));
    assert!(!dst.has_side_table(Some("staging"), "t"));
}

#[test]
fn tables_that_cannot_roll_back_and_views_are_refused_before_writing() {
    let src = TestDb::new(Kind::Postgres, "ex_myisam_src");
    src.exec("CREATE TABLE t (id integer, naam text)");
    src.exec("INSERT INTO t VALUES (1, 'een')");
    // A MariaDB table on MyISAM: a refresh or an append could not be undone.
    let dst = TestDb::new(Kind::MariaDb, "ex_myisam");
    let schema = dst.staging_schema().unwrap();
    dst.exec(&format!("CREATE DATABASE {schema}"));
    dst.exec(&format!(
        "CREATE TABLE {schema}.t (id int, naam text) ENGINE=MyISAM"
    ));
    dst.exec(&format!("INSERT INTO {schema}.t VALUES (9, 'oud')"));
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "");
    for mode in ["truncate", "append"] {
        let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), mode);
        assert_eq!(copy.code, 1, "{mode}: {}", copy.output());
        for run in [&check, &copy] {
            assert!(
                run.stdout
                    .contains("uses the MyISAM storage engine, which cannot roll back"),
                "{mode}: {}",
                run.output()
            );
        }
        assert_eq!(
            dst.count(Some(&schema), "t"),
            1,
            "{mode}: check or the copy wrote"
        );
    }
    // replace swaps in a new (InnoDB) table, which is all-or-nothing.
    let (_, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), "replace");
    assert_eq!(copy.code, 0, "{}", copy.output());
    // A view where the table should be, in PostgreSQL and MariaDB.
    for kind in [Kind::Postgres, Kind::MariaDb] {
        let dst = TestDb::new(kind, "ex_isview");
        let schema = dst.staging_schema().unwrap();
        if kind == Kind::Postgres {
            dst.exec(&format!("CREATE SCHEMA {schema}"));
        } else {
            dst.exec(&format!("CREATE DATABASE {schema}"));
        }
        let base = dst.table_ref(Some(&schema), "basis");
        dst.exec(&format!("CREATE TABLE {base} (id int, naam text)"));
        dst.exec(&format!(
            "CREATE VIEW {} AS SELECT * FROM {base}",
            dst.table_ref(Some(&schema), "t")
        ));
        let ini = write_ini(dir.path(), &src, &dst, "t", "");
        for mode in ["replace", "truncate", "append"] {
            let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), mode);
            assert_eq!(copy.code, 1, "{kind:?} {mode}: {}", copy.output());
            for run in [&check, &copy] {
                assert!(
                    run.stdout.contains("the target is a view, not a table"),
                    "{kind:?} {mode}: {}",
                    run.output()
                );
            }
        }
        assert!(!dst.has_side_table(Some(&schema), "t"));
        assert!(!dst.has_table(Some(&schema), "t_s2s_old"));
        assert_eq!(dst.count(Some(&schema), "basis"), 0);
    }
}

#[test]
fn check_tries_a_refresh_on_an_empty_copy_so_keys_of_the_old_rows_do_not_collide() {
    let src = TestDb::new(Kind::Sqlite, "ex_pk_src");
    src.exec("CREATE TABLE t (id integer, naam text)");
    src.exec("INSERT INTO t VALUES (1, 'een'), (2, 'twee')");
    for kind in [Kind::Postgres, Kind::MariaDb] {
        let dst = TestDb::new(kind, "ex_pk");
        let schema = dst.staging_schema().unwrap();
        if kind == Kind::Postgres {
            dst.exec(&format!("CREATE SCHEMA {schema}"));
        } else {
            dst.exec(&format!("CREATE DATABASE {schema}"));
        }
        let t = dst.table_ref(Some(&schema), "t");
        dst.exec(&format!(
            "CREATE TABLE {t} (id bigint PRIMARY KEY, naam text)"
        ));
        dst.exec(&format!("INSERT INTO {t} VALUES (1, 'oud'), (2, 'oud')"));
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(dir.path(), &src, &dst, "t", "");
        // truncate: the old rows go, so the same keys are fine.
        let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), "truncate");
        assert_eq!(copy.code, 0, "{kind:?}: {}", copy.output());
        assert!(
            check.stdout.contains("the first 2 rows went in"),
            "{}",
            check.stdout
        );
        // append: the same keys again collide, and check says so.
        let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), "append");
        assert_eq!(copy.code, 1, "{kind:?}: {}", copy.output());
        assert!(check.stdout.contains("cannot go in"), "{}", check.stdout);
        assert_eq!(
            dst.query(&format!("SELECT naam FROM {t} ORDER BY id")),
            vec![
                vec![Some("een".to_string())],
                vec![Some("twee".to_string())]
            ]
        );
    }
}

#[test]
fn long_table_names_get_side_tables_that_fit() {
    let long = format!("t_{}", "x".repeat(61)); // 63 characters: PostgreSQL's longest name
    let src = TestDb::new(Kind::Sqlite, "ex_long_src");
    src.exec(&format!("CREATE TABLE {long} (id integer)"));
    src.exec(&format!("INSERT INTO {long} VALUES (1), (2)"));
    for kind in [Kind::Postgres, Kind::MariaDb] {
        let dst = TestDb::new(kind, "ex_long");
        let schema = dst.staging_schema();
        let dir = tempfile::tempdir().unwrap();
        let ini = write_ini(dir.path(), &src, &dst, &long, "");
        for mode in ["replace", "replace", "truncate", "append"] {
            let (_, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), mode);
            assert_eq!(copy.code, 0, "{kind:?} {mode}: {}", copy.output());
        }
        // replace, replace, truncate: the source's rows; append: once more.
        let ids = dst.query(&format!(
            "SELECT id FROM {} ORDER BY id",
            dst.table_ref(schema.as_deref(), &long)
        ));
        let want: Vec<Vec<Option<String>>> = ["1", "1", "2", "2"]
            .iter()
            .map(|v| vec![Some(v.to_string())])
            .collect();
        assert_eq!(ids, want, "{kind:?}");
    }
}

#[test]
fn types_this_tool_does_not_create_are_never_called_exact() {
    let src = TestDb::new(Kind::Postgres, "ex_odd_src");
    src.exec("CREATE TABLE t (id integer, stemming text, n integer)");
    src.exec("INSERT INTO t VALUES (1, 'blij', -5)");
    let dst = TestDb::new(Kind::Postgres, "ex_odd");
    dst.exec("CREATE SCHEMA staging");
    dst.exec("CREATE TYPE staging.gevoel AS ENUM ('blij', 'boos')");
    dst.exec("CREATE DOMAIN staging.positief AS integer CHECK (VALUE > 0)");
    dst.exec("CREATE TABLE staging.t (id integer, stemming staging.gevoel, n staging.positief)");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "");
    let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), "append");
    for column in ["staging.gevoel", "staging.positief"] {
        assert!(
            check.stdout.contains(&format!(
                "{column} is not a type this tool creates: the target converts the values"
            )),
            "{}",
            check.stdout
        );
    }
    // -5 is not positief: check's sample and the copy both say so.
    assert_eq!(copy.code, 1, "{}", copy.output());
    assert!(copy.stdout.contains("positief_check"), "{}", copy.output());
    assert_eq!(dst.count(Some("staging"), "t"), 0);
}

#[test]
fn a_column_named_like_the_table_in_another_view_is_no_dependency() {
    let src = TestDb::new(Kind::Postgres, "ex_sqlv_src");
    src.exec("CREATE TABLE t1 (id integer, naam varchar(10))");
    src.exec("INSERT INTO t1 VALUES (1, 'een')");
    let dst = TestDb::new(Kind::Sqlite, "ex_sqlv");
    dst.exec("CREATE TABLE andere (t1 int)");
    dst.exec("CREATE VIEW vo AS SELECT t1 FROM andere");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t1", "");
    let first = tool(dir.path(), &["--config", ini.to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.output());
    // The source's column changes: replace swaps (no view reads t1).
    src.exec("ALTER TABLE t1 ALTER COLUMN naam TYPE varchar(99)");
    let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), "replace");
    assert_eq!(copy.code, 0, "{}", copy.output());
    assert!(
        check.stdout.contains("replaces the table"),
        "{}",
        check.stdout
    );
}

#[test]
fn check_on_mariadb_without_a_database_says_it_could_not_try_the_sample() {
    let src = TestDb::new(Kind::Sqlite, "ex_nodb_src");
    src.exec("CREATE TABLE t (id integer)");
    src.exec("INSERT INTO t VALUES (1)");
    let dst = TestDb::new(Kind::MariaDb, "ex_nodb");
    let schema = dst.staging_schema().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("config.ini");
    std::fs::write(
        &ini,
        format!(
            "[database-source]\n{}\n[database-destination]\nDST_DRIVER = MariaDB Unicode\n\
             DST_HOST = {}\nDST_PORT = 3306\nDST_USERNAME = root\nDST_SCHEMA = {schema}\n\
             [settings]\nSRC_TABLES = t\n",
            src.ini_keys("SRC"),
            crate::common::MARIADB_HOST
        ),
    )
    .unwrap();
    let (check, copy) = check_then_copy(dir.path(), ini.to_str().unwrap(), "replace");
    assert!(
        check
            .stdout
            .contains("sample: NOT TRIED: the target schema does not exist yet")
            && check
                .stdout
                .contains("1 can be copied (1 without a sample)"),
        "{}",
        check.stdout
    );
    assert_eq!(copy.code, 0, "{}", copy.output());
    assert_eq!(dst.count(Some(&schema), "t"), 1);
}
