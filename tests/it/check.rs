//! `check`: what a run would create, with warnings; nothing written.

use crate::common::{Kind, TestDb, run_tool, write_ini};

#[test]
fn check_shows_columns_types_ddl_and_warnings_and_writes_nothing() {
    let src = TestDb::new(Kind::Postgres, "check_src");
    src.exec(
        "CREATE TABLE zaken (id bigint NOT NULL, bedrag numeric(12,2), omschrijving text, \
         ontvangen timestamptz, bijlage bytea)",
    );
    src.exec("INSERT INTO zaken VALUES (1, 12.50, 'x', now(), '\\x00')");
    let dst = TestDb::new(Kind::MariaDb, "check_dst");
    let dir = tempfile::tempdir().unwrap();
    let secret = "Check-Geheim-2468";
    let ini = write_ini(dir.path(), &src, &dst, "zaken, ontbreekt", "");
    let text = std::fs::read_to_string(&ini).unwrap().replace(
        "SRC_USERNAME = postgres\n",
        &format!("SRC_USERNAME = postgres\nSRC_PASSWORD = {secret}\n"),
    );
    std::fs::write(&ini, text).unwrap();
    let run = run_tool(
        dir.path(),
        &["check", "--config", ini.to_str().unwrap()],
        &[],
    );
    assert_eq!(
        run.code,
        1,
        "a missing table makes check fail: {}",
        run.output()
    );
    let out = &run.stdout;
    for needle in [
        "source: PostgreSQL (dialect: PostgreSQL)",
        "target: MariaDB (dialect: MariaDB/MySQL)",
        "PWD=***",
        "1 rows, 5 columns",
        "numeric(12,2)",
        "Decimal128(12, 2)",
        "`bedrag` decimal(12,2)",
        "`id` bigint NOT NULL",
        "`omschrijving` longtext",
        "`ontvangen` datetime(6)",
        "ontvangen: time zone offsets are normalised to UTC",
        "ontvangen: MariaDB has no time zone type",
        "CREATE TABLE",
        "`zaken_s2s_new_",
        "WRITE_MODE = replace: creates the table",
        "sample: the first row went in (rolled back)",
        "table ontbreekt: CANNOT BE COPIED",
        "2 table(s) checked: 1 can be copied, 1 cannot; nothing was written",
    ] {
        assert!(out.contains(needle), "missing '{needle}' in:\n{out}");
    }
    assert!(!run.output().contains(secret), "{}", run.output());
    let schema = dst.staging_schema().unwrap();
    let created = dst.query(&format!(
        "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{schema}'"
    ));
    assert!(created.is_empty(), "check created the target schema");
}

#[test]
fn check_succeeds_when_every_table_can_be_copied() {
    let src = TestDb::new(Kind::Sqlite, "check_ok_src");
    src.exec("CREATE TABLE t (id integer, v varchar(10))");
    let dst = TestDb::new(Kind::Sqlite, "check_ok_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "");
    let run = run_tool(
        dir.path(),
        &["check", "--config", ini.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(run.stdout.contains("\"v\" VARCHAR(10)"), "{}", run.stdout);
    assert!(!dst.has_table(None, "t"));
}

#[test]
fn check_reports_values_longer_than_the_caps_and_configuration_errors() {
    let src = TestDb::new(Kind::Sqlite, "check_cap_src");
    src.exec("CREATE TABLE t (id integer, body text)");
    src.exec("INSERT INTO t VALUES (1, replace(hex(zeroblob(600)), '00', 'ab'))");
    let dst = TestDb::new(Kind::Sqlite, "check_cap_dst");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "MAX_TEXT_SIZE = 1000");
    let run = run_tool(
        dir.path(),
        &["check", "--config", ini.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stdout.contains("raise MAX_TEXT_SIZE to at least 1200"),
        "{}",
        run.stdout
    );
    let run = run_tool(
        dir.path(),
        &[
            "check",
            "--config",
            ini.to_str().unwrap(),
            "--write-mode",
            "merge",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(
        run.stderr
            .contains("WRITE_MODE = 'merge' (from command line)")
            && run.stderr.contains("expected replace, truncate or append"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "no check report for a bad configuration"
    );
}
