//! Choosing what is copied: `SRC_TABLES` patterns matched against the source's catalog (mixed-case
//! names, views), `SRC_TABLES_EXCLUDE`, and queries of `[queries]` (inline and `@file.sql`), from
//! PostgreSQL, MariaDB and SQLite sources, in DIRECT and DUMP, with the copied values compared.

use crate::common::{Kind, Run, TestDb, ValueKind, run_tool};

/// A municipal application's tables: `Klanten` (mixed case), `zk_adres`, `zk_relaties`, a log
/// table, a view, and a table no pattern names.
pub fn municipal(kind: Kind, tag: &str) -> TestDb {
    let db = TestDb::new(kind, tag);
    let q = |name: &str| match kind {
        Kind::MariaDb => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    let klanten = q("Klanten");
    let engine = if kind == Kind::MariaDb {
        " DEFAULT CHARSET=utf8mb4"
    } else {
        ""
    };
    db.exec(&format!(
        "CREATE TABLE {klanten} (id int NOT NULL, naam varchar(50), bsn varchar(9), postcode \
         varchar(10), geboren date){engine}"
    ));
    db.exec(&format!(
        "INSERT INTO {klanten} VALUES (1, 'Jansen', '123456782', '1234 AB', '1960-01-31'), \
         (2, 'de Vries', NULL, '9999 ZZ', NULL), (3, 'Bakker', '111222333', NULL, '2001-12-01')"
    ));
    db.exec(&format!(
        "CREATE TABLE zk_adres (id int NOT NULL, klant_id int, straat varchar(40), huisnummer \
         int){engine}"
    ));
    db.exec(
        "INSERT INTO zk_adres VALUES (10, 1, 'Dorpsstraat', 5), (11, 2, 'Kerkstraat', 12), \
         (12, 3, 'Molenweg', NULL)",
    );
    db.exec(&format!(
        "CREATE TABLE zk_relaties (id int NOT NULL, bsn bigint, soort varchar(10)){engine}"
    ));
    db.exec("INSERT INTO zk_relaties VALUES (1, 123456782, 'partner'), (2, NULL, 'kind')");
    db.exec(&format!(
        "CREATE TABLE zk_log (id int, regel varchar(20)){engine}"
    ));
    db.exec("INSERT INTO zk_log VALUES (1, 'x')");
    db.exec(&format!("CREATE TABLE ander (id int){engine}"));
    db.exec(&format!(
        "CREATE VIEW zk_v_namen AS SELECT id, naam FROM {klanten} WHERE id < 3"
    ));
    db
}

/// `Klanten` as the source's SQL names it (quoted where names are case-sensitive).
pub fn klanten_in(kind: Kind) -> &'static str {
    match kind {
        Kind::Postgres => "\"Klanten\"",
        Kind::MariaDb => "`Klanten`",
        Kind::Sqlite => "Klanten",
        Kind::SqlServer => "[Klanten]",
    }
}

/// A source, a target and a working folder: one test's setting.
pub struct Case {
    pub src: TestDb,
    pub dst: TestDb,
    pub dir: tempfile::TempDir,
    /// The `[database-source]` lines (another login's, for some tests).
    pub source_keys: String,
}

impl Case {
    /// The municipal application in a `source` database, and an empty `target`.
    pub fn new(source: Kind, target: Kind, tag: &str) -> Case {
        Case::with(municipal(source, tag), target, tag)
    }

    /// `src` as the source, and an empty `target`.
    pub fn with(src: TestDb, target: Kind, tag: &str) -> Case {
        Case {
            dst: TestDb::new(target, &format!("{tag}dst")),
            source_keys: src.ini_keys("SRC"),
            src,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Writes the INI file (into the target's staging schema) with `settings` lines and more
    /// sections; returns its path.
    pub fn ini(&self, settings: &str, sections: &str) -> String {
        let schema = self
            .dst
            .staging_schema()
            .map(|s| format!("DST_SCHEMA = {s}\n"))
            .unwrap_or_default();
        let text = format!(
            "[database-source]\n{}\n[database-destination]\n{}{schema}\n[settings]\n\
             {settings}\n\n{sections}\n[logging]\nLOG_LEVEL = INFO\n",
            self.source_keys,
            self.dst.ini_keys("DST"),
        );
        let path = self.dir.path().join("config.ini");
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    /// Runs the tool with `args` and the INI at `ini`, in the working folder.
    pub fn run(&self, ini: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut all = args.to_vec();
        all.extend(["--config", ini]);
        run_tool(self.dir.path(), &all, env)
    }
}

/// One test per source DBMS, each calling `$body(kind)`.
macro_rules! per_source {
    ($body:ident: $($name:ident = $kind:expr),+ $(,)?) => {
        $(
            #[test]
            fn $name() {
                $body($kind);
            }
        )+
    };
}
pub(crate) use per_source;

/// The tables in the staging schema of `dst` (PostgreSQL).
fn staging_tables(dst: &TestDb) -> Vec<String> {
    dst.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'staging' \
         ORDER BY table_name",
    )
    .into_iter()
    .map(|r| r[0].clone().unwrap())
    .collect()
}

fn text_rows(rows: &[&[Option<&str>]]) -> Vec<Vec<Option<String>>> {
    rows.iter()
        .map(|r| r.iter().map(|v| v.map(str::to_string)).collect())
        .collect()
}

fn patterns_from(kind: Kind) {
    let case = Case::new(kind, Kind::Postgres, "pat");
    let (src, dst) = (&case.src, &case.dst);
    for mode in ["DIRECT", "DUMP"] {
        let ini = case.ini(
            &format!(
                "SRC_TABLES = KLANT*, zk_*, zk_r?laties, geen_*\nSRC_TABLES_EXCLUDE = *_LOG\n\
                 TRANSFER_MODE = {mode}"
            ),
            "",
        );
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 0, "{mode}: {}", run.output());
        // Mixed-case names keep their case; the view is copied; zk_relaties (matched twice)
        // once; the log table and the unmatched table are not.
        assert_eq!(
            staging_tables(dst),
            ["Klanten", "zk_adres", "zk_relaties", "zk_v_namen"],
            "{mode}: {}",
            run.output()
        );
        assert!(
            run.stderr
                .contains("SRC_TABLES: 'geen_*' matches no table or view"),
            "{}",
            run.output()
        );
        assert!(
            run.stderr
                .contains("SRC_TABLES_EXCLUDE leaves out 1 table: zk_log"),
            "{}",
            run.output()
        );
        assert!(
            run.stderr
                .contains("copying 4 tables: Klanten, zk_adres, zk_relaties, zk_v_namen"),
            "{}",
            run.output()
        );
        let columns = [
            ("id", ValueKind::Integer),
            ("naam", ValueKind::Text),
            ("bsn", ValueKind::Text),
            ("postcode", ValueKind::Text),
            ("geboren", ValueKind::Date),
        ];
        assert_eq!(
            dst.canonical_rows(Some("staging"), "Klanten", &columns, "id"),
            src.canonical_rows(None, "Klanten", &columns, "id"),
            "{mode}"
        );
        let view = [("id", ValueKind::Integer), ("naam", ValueKind::Text)];
        assert_eq!(
            dst.canonical_rows(Some("staging"), "zk_v_namen", &view, "id"),
            text_rows(&[&[Some("1"), Some("Jansen")], &[Some("2"), Some("de Vries")]]),
            "{mode}"
        );
        assert_eq!(dst.count(Some("staging"), "zk_relaties"), 2);
    }
}

per_source!(patterns_from:
    patterns_pick_tables_and_views_from_postgres = Kind::Postgres,
    patterns_pick_tables_and_views_from_mariadb = Kind::MariaDb,
    patterns_pick_tables_and_views_from_sqlite = Kind::Sqlite,
    patterns_pick_tables_and_views_from_sqlserver = Kind::SqlServer,
);

#[test]
fn patterns_look_in_src_schema_and_in_the_schema_written_with_them() {
    let src = TestDb::new(Kind::Postgres, "patschema");
    src.exec("CREATE SCHEMA zaak");
    src.exec("CREATE SCHEMA zaak_2");
    src.exec("CREATE TABLE zaak.zk_a (id int)");
    src.exec("CREATE TABLE zaak_2.zk_b (id int)");
    // `_` is a wildcard in the catalog functions' arguments: zaak_2 must not be listed for zaak.
    src.exec("CREATE TABLE public.zk_c (id int)");
    src.exec("INSERT INTO zaak.zk_a VALUES (1)");
    src.exec("CREATE MATERIALIZED VIEW zaak.zk_mv AS SELECT 7 AS id");
    let mut case = Case::with(src, Kind::Postgres, "patschema");
    case.source_keys.push_str("SRC_SCHEMA = zaak\n");
    let dst = &case.dst;
    // zaak.zk_a, named twice (once through SRC_SCHEMA), is copied once.
    let ini = case.ini("SRC_TABLES = zk_*, zaak_2.zk_*, zaak.zk_a", "");
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(
        staging_tables(dst),
        ["zk_a", "zk_b", "zk_mv"],
        "{}",
        run.output()
    );
    assert_eq!(dst.count(Some("staging"), "zk_a"), 1);
}

fn queries_from(kind: Kind) {
    let case = Case::new(kind, Kind::Postgres, "qry");
    let dst = &case.dst;
    std::fs::create_dir(case.dir.path().join("sql")).unwrap();
    std::fs::write(
        case.dir.path().join("sql/adressen.sql"),
        "-- streets with a house number\nSELECT id, straat, huisnummer\nFROM zk_adres\nWHERE \
         huisnummer IS NOT NULL;\n",
    )
    .unwrap();
    let klanten = klanten_in(kind);
    let sections = format!(
        "[queries]\nklant_adres = SELECT k.id, k.naam, a.straat FROM {klanten} k JOIN zk_adres a \
         ON a.klant_id = k.id WHERE a.straat <> 'Kerkstraat'\nadressen = @sql/adressen.sql\n"
    );
    let joined = text_rows(&[
        &[Some("1"), Some("Jansen"), Some("Dorpsstraat")],
        &[Some("3"), Some("Bakker"), Some("Molenweg")],
    ]);
    let columns = [
        ("id", ValueKind::Integer),
        ("naam", ValueKind::Text),
        ("straat", ValueKind::Text),
    ];
    for mode in ["DIRECT", "DUMP"] {
        // Queries alone (no SRC_TABLES), and next to a table.
        for tables in ["", "SRC_TABLES = zk_relaties\n"] {
            let ini = case.ini(&format!("{tables}TRANSFER_MODE = {mode}"), &sections);
            let run = case.run(&ini, &[], &[]);
            assert_eq!(run.code, 0, "{mode} {tables}: {}", run.output());
            assert_eq!(
                dst.canonical_rows(Some("staging"), "klant_adres", &columns, "id"),
                joined,
                "{mode}"
            );
            let adressen = [
                ("id", ValueKind::Integer),
                ("straat", ValueKind::Text),
                ("huisnummer", ValueKind::Integer),
            ];
            assert_eq!(
                dst.canonical_rows(Some("staging"), "adressen", &adressen, "id"),
                text_rows(&[
                    &[Some("10"), Some("Dorpsstraat"), Some("5")],
                    &[Some("11"), Some("Kerkstraat"), Some("12")]
                ]),
                "{mode}"
            );
            assert!(
                run.stdout.contains("klant_adres (query)"),
                "the summary names the query: {}",
                run.output()
            );
        }
        // ROW_LIMIT limits a query's rows like a table's.
        let ini = case.ini(&format!("TRANSFER_MODE = {mode}\nROW_LIMIT = 1"), &sections);
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 0, "{}", run.output());
        assert_eq!(dst.count(Some("staging"), "klant_adres"), 1, "{mode}");
    }
}

per_source!(queries_from:
    queries_copy_a_join_with_a_where_from_postgres = Kind::Postgres,
    queries_copy_a_join_with_a_where_from_mariadb = Kind::MariaDb,
    queries_copy_a_join_with_a_where_from_sqlite = Kind::Sqlite,
    queries_copy_a_join_with_a_where_from_sqlserver = Kind::SqlServer,
);

#[test]
fn a_failing_query_fails_its_table_only_with_the_dbms_message() {
    let case = Case::new(Kind::Postgres, Kind::Postgres, "qbad");
    let dst = &case.dst;
    for mode in ["DIRECT", "DUMP"] {
        let ini = case.ini(
            &format!("SRC_TABLES = zk_adres\nTRANSFER_MODE = {mode}"),
            "[queries]\nkapot = SELEC id FROM zk_adres\nnaamloos = SELECT 1\n\
             opmerking = SELECT id FROM zk_adres -- a comment at the end\n",
        );
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 1, "{mode}: {}", run.output());
        assert!(
            run.stdout.contains(
                "FAILED: reading the source: the query [queries] kapot failed: ERROR: \
                           syntax error at or near"
            ),
            "{mode}: {}",
            run.output()
        );
        assert!(
            run.stdout.contains(
                "FAILED: reading the source: column 1 of the query [queries] naamloos has no \
                 name (the DBMS calls it '?column?'); name it with AS"
            ),
            "{mode}: {}",
            run.output()
        );
        assert_eq!(dst.count(Some("staging"), "zk_adres"), 3, "{mode}");
        assert_eq!(dst.count(Some("staging"), "opmerking"), 3, "{mode}");
        assert!(!dst.has_table(Some("staging"), "kapot"), "{mode}");
    }
}

#[test]
fn a_missing_query_file_and_a_name_collision_are_configuration_errors() {
    let case = Case::new(Kind::Sqlite, Kind::Postgres, "qcfg");
    let dst = &case.dst;
    let cases = [
        (
            "SRC_TABLES = zk_adres",
            "[queries]\nweg = @sql/bestaat_niet.sql\n",
            "cannot read the query file",
        ),
        (
            "SRC_TABLES = zk_adres",
            "[queries]\nZK_ADRES = SELECT 1 AS x\n",
            "would both be copied into the target table",
        ),
        // A pattern's table with a query's name is found when the catalog is read: still
        // before anything is written.
        (
            "SRC_TABLES = zk_*",
            "[queries]\nzk_log = SELECT 1 AS x\n",
            "would both be copied into the target table 'zk_log'",
        ),
    ];
    for (settings, sections, says) in cases {
        let ini = case.ini(settings, sections);
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 2, "{sections}: {}", run.output());
        assert!(run.stderr.contains(says), "{sections}: {}", run.output());
        assert!(
            !dst.has_table(Some("staging"), "zk_adres"),
            "nothing is written: {}",
            run.output()
        );
    }
}

#[test]
fn patterns_that_leave_nothing_or_two_tables_for_one_target_stop_before_writing() {
    let case = Case::new(Kind::Postgres, Kind::Postgres, "patnone");
    case.src.exec("CREATE TABLE klanten (id int)");
    let dst = &case.dst;
    let cases = [
        (
            "SRC_TABLES = geen_*, zk_log\nSRC_TABLES_EXCLUDE = zk_*",
            "nothing to copy: SRC_TABLES matched no table",
        ),
        // `Klanten` and `klanten` are two tables in PostgreSQL, one name in most targets.
        (
            "SRC_TABLES = klant*",
            "Klanten and klanten would both be copied into the target table 'klanten'; narrow \
             the pattern",
        ),
    ];
    for (settings, says) in cases {
        let ini = case.ini(settings, "");
        for args in [&[][..], &["check"][..]] {
            let run = case.run(&ini, args, &[]);
            assert_eq!(run.code, 2, "{settings}: {}", run.output());
            assert!(run.stderr.contains(says), "{settings}: {}", run.output());
        }
        assert!(staging_tables(dst).is_empty());
    }
}
