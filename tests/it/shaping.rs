//! Shaping what is copied: `EXCLUDE_COLUMNS` (never selected: a reading user without the right to
//! select the column can still copy the table), `PSEUDONYMIZE_COLUMNS` (hex HMAC-SHA-256 equal to
//! one computed here, equal across tables, NULL kept, also in the Parquet parts), `[column-types]`
//! overrides, and the bad inputs around them; PostgreSQL, MariaDB and SQLite sources, DIRECT and
//! DUMP.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::{
    choosing::{Case, klanten_in, per_source},
    common::{Kind, TestDb, ValueKind, try_admin_exec},
};

const KEY: &str = "d3b07384d113edec49eaa6238ad5ff00-test-key";

/// The pseudonym of `value`, computed here with the RustCrypto crates directly.
fn hmac_hex(value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(value.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A login that may read every column of `Klanten` except `geboren`; dropped at the end.
struct Reader {
    kind: Kind,
    name: String,
    /// The source database, where its grants are.
    source: String,
}

impl Reader {
    fn new(src: &TestDb) -> Reader {
        let reader = Reader {
            kind: src.kind,
            name: format!("s2s_reader_{}", std::process::id()),
            source: src.connection_string(),
        };
        reader.remove();
        let name = &reader.name;
        match src.kind {
            Kind::Postgres => {
                src.exec(&format!("CREATE ROLE {name} LOGIN"));
                src.exec(&format!(
                    "GRANT SELECT (id, naam, bsn, postcode) ON \"Klanten\" TO {name}"
                ));
            }
            Kind::MariaDb => {
                for host in ["%", "localhost", "127.0.0.1"] {
                    src.exec(&format!("CREATE USER '{name}'@'{host}'"));
                    src.exec(&format!(
                        "GRANT SELECT (id, naam, bsn, postcode) ON {}.`Klanten` TO \
                         '{name}'@'{host}'",
                        src.name
                    ));
                }
            }
            Kind::Sqlite | Kind::SqlServer => unreachable!("not a test of SQLite or SQL Server"),
        }
        reader
    }

    /// The INI lines that connect as this login.
    fn ini_keys(&self, src: &TestDb) -> String {
        let admin = match self.kind {
            Kind::Postgres => "SRC_USERNAME = postgres",
            _ => "SRC_USERNAME = root",
        };
        src.ini_keys("SRC")
            .replace(admin, &format!("SRC_USERNAME = {}", self.name))
    }

    /// Drops the login (and, in PostgreSQL, first its grants in the source database).
    fn remove(&self) {
        match self.kind {
            Kind::Postgres => {
                let exists = !crate::common::query(
                    &self.source,
                    &format!("SELECT 1 FROM pg_roles WHERE rolname = '{}'", self.name),
                )
                .is_empty();
                if exists {
                    crate::common::exec(&self.source, &format!("DROP OWNED BY {}", self.name));
                    let _ = try_admin_exec(self.kind, &format!("DROP ROLE {}", self.name));
                }
            }
            _ => {
                for host in ["%", "localhost", "127.0.0.1"] {
                    let _ = try_admin_exec(
                        self.kind,
                        &format!("DROP USER IF EXISTS '{}'@'{host}'", self.name),
                    );
                }
            }
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.remove();
        }
    }
}

per_source!(excluded_columns_never_selected:
    excluded_columns_are_never_selected_from_postgres = Kind::Postgres,
    excluded_columns_are_never_selected_from_mariadb = Kind::MariaDb,
);

/// The reading user may not select `geboren`: copying `Klanten` fails without
/// `EXCLUDE_COLUMNS` and succeeds with it, so the column was never selected.
fn excluded_columns_never_selected(kind: Kind) {
    let mut case = Case::new(kind, Kind::Postgres, "excl");
    // Dropped before the databases: its grants go with it first.
    let reader = Reader::new(&case.src);
    case.source_keys = reader.ini_keys(&case.src);
    let (src, dst) = (&case.src, &case.dst);
    let plain = case.ini("SRC_TABLES = Klanten", "");
    let refused = case.run(&plain, &[], &[]);
    assert_eq!(refused.code, 1, "{}", refused.output());
    assert!(
        refused.output().to_lowercase().contains("denied"),
        "{}",
        refused.output()
    );
    for mode in ["DIRECT", "DUMP"] {
        let ini = case.ini(
            &format!("SRC_TABLES = Klanten\nEXCLUDE_COLUMNS = *.GEBOREN\nTRANSFER_MODE = {mode}"),
            "",
        );
        let copied = case.run(&ini, &[], &[]);
        assert_eq!(copied.code, 0, "{mode}: {}", copied.output());
        let columns: Vec<String> = dst
            .column_types(Some("staging"), "Klanten")
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(columns, ["id", "naam", "bsn", "postcode"], "{mode}");
        let kept = [
            ("id", ValueKind::Integer),
            ("naam", ValueKind::Text),
            ("bsn", ValueKind::Text),
            ("postcode", ValueKind::Text),
        ];
        assert_eq!(
            dst.canonical_rows(Some("staging"), "Klanten", &kept, "id"),
            src.canonical_rows(None, "Klanten", &kept, "id"),
            "{mode}"
        );
        let check = case.run(&ini, &["check"], &[]);
        assert_eq!(check.code, 0, "{}", check.output());
        // MariaDB's catalog shows a user only the columns they may select: for this reader,
        // `geboren` is not there at all (and the pattern matches no column it can see).
        let says = match kind {
            Kind::MariaDb => "WARNING: EXCLUDE_COLUMNS: '*.GEBOREN' matches no column",
            _ => "left out (EXCLUDE_COLUMNS, never selected): geboren",
        };
        assert!(check.stdout.contains(says), "{}", check.output());
    }
}

/// `Klanten.bsn` is text and `zk_relaties.bsn` an integer: the same number gets the same
/// pseudonym in both (the HMAC of its text), so the staging tables still join on it.
fn pseudonyms_from(kind: Kind) {
    let case = Case::new(kind, Kind::Postgres, "pseu");
    let dst = &case.dst;
    for mode in ["DIRECT", "DUMP"] {
        let ini = case.ini(
            &format!(
                "SRC_TABLES = Klanten, zk_relaties\nPSEUDONYMIZE_COLUMNS = *.BSN\n\
                 TRANSFER_MODE = {mode}"
            ),
            "",
        );
        let run = case.run(
            &ini,
            &["--set", "LOG_LEVEL=DEBUG"],
            &[("PSEUDONYMIZE_KEY", KEY)],
        );
        assert_eq!(run.code, 0, "{mode}: {}", run.output());
        assert!(!run.output().contains(KEY), "the key was printed");
        let bsn = [("id", ValueKind::Integer), ("bsn", ValueKind::Text)];
        let expected = |rows: &[(&str, Option<&str>)]| -> Vec<Vec<Option<String>>> {
            rows.iter()
                .map(|(id, v)| vec![Some(id.to_string()), v.map(hmac_hex)])
                .collect()
        };
        assert_eq!(
            dst.canonical_rows(Some("staging"), "Klanten", &bsn, "id"),
            expected(&[
                ("1", Some("123456782")),
                ("2", None),
                ("3", Some("111222333"))
            ]),
            "{mode}"
        );
        assert_eq!(
            dst.canonical_rows(Some("staging"), "zk_relaties", &bsn, "id"),
            expected(&[("1", Some("123456782")), ("2", None)]),
            "{mode}"
        );
        let joined = dst.query(
            "SELECT k.id, r.soort FROM staging.\"Klanten\" k JOIN staging.zk_relaties r ON \
             r.bsn = k.bsn",
        );
        assert_eq!(
            joined,
            vec![vec![Some("1".to_string()), Some("partner".to_string())]]
        );
        for table in ["Klanten", "zk_relaties"] {
            let types = dst.column_types(Some("staging"), table);
            let bsn = types.iter().find(|(c, _)| c == "bsn").unwrap();
            assert_eq!(
                bsn.1, "character(64)",
                "{table}: the type says what it holds"
            );
        }
    }
}

per_source!(pseudonyms_from:
    pseudonyms_are_hmac_sha256_equal_across_tables_from_postgres = Kind::Postgres,
    pseudonyms_are_hmac_sha256_equal_across_tables_from_mariadb = Kind::MariaDb,
    pseudonyms_are_hmac_sha256_equal_across_tables_from_sqlite = Kind::Sqlite,
    pseudonyms_are_hmac_sha256_equal_across_tables_from_sqlserver = Kind::SqlServer,
);

#[test]
fn the_parquet_parts_of_a_dump_hold_only_the_pseudonyms() {
    use arrow_odbc::arrow::array::AsArray;
    let case = Case::new(Kind::Sqlite, Kind::Postgres, "pseupq");
    let ini = case.ini(
        &format!(
            "SRC_TABLES = Klanten\nPSEUDONYMIZE_COLUMNS = klanten.bsn\nPSEUDONYMIZE_KEY = {KEY}"
        ),
        "",
    );
    let run = case.run(&ini, &["dump"], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    // Its file, as the manifest names it (`Klanten` is not a plain name: klanten~<hash>).
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.stdout.trim()).unwrap()).unwrap();
    let name = manifest["tables"][0]["files"][0]["file"].as_str().unwrap();
    assert!(name.starts_with("klanten~"), "{name}");
    let part = case.dir.path().join("data").join(name);
    let file = std::fs::File::open(&part).unwrap_or_else(|e| panic!("{}: {e}", part.display()));
    let bytes = std::fs::read(&part).unwrap();
    assert!(
        !bytes.windows(9).any(|w| w == b"123456782"),
        "a BSN is in the part file"
    );
    let reader =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let mut values = Vec::new();
    for batch in reader.build().unwrap() {
        let batch = batch.unwrap();
        let bsn = batch.column_by_name("bsn").unwrap().as_string::<i32>();
        values.extend(bsn.iter().map(|v| v.map(str::to_string)));
    }
    assert_eq!(
        values,
        [
            Some(hmac_hex("123456782")),
            None,
            Some(hmac_hex("111222333"))
        ]
    );
    assert!(!run.output().contains(KEY), "the key was printed");
}

/// An empty key (an empty `PSEUDONYMIZE_KEY_FILE`) or a short one would let anyone recover
/// every BSN by trying all nine-digit numbers: refused with exit 2, nothing written.
#[test]
fn a_short_or_empty_pseudonymisation_key_is_refused_before_anything_is_written() {
    let case = Case::new(Kind::Sqlite, Kind::Postgres, "shortkey");
    std::fs::write(case.dir.path().join("key"), "").unwrap();
    for (key, expected) in [
        (
            "PSEUDONYMIZE_KEY_FILE = key",
            "PSEUDONYMIZE_KEY_FILE = 'key' (from configuration file",
        ),
        (
            "PSEUDONYMIZE_KEY = kort-sleuteltje",
            "PSEUDONYMIZE_KEY (from configuration file",
        ),
    ] {
        let ini = case.ini(
            &format!("SRC_TABLES = Klanten\nPSEUDONYMIZE_COLUMNS = *.bsn\n{key}"),
            "",
        );
        for args in [&[][..], &["check"][..]] {
            let run = case.run(&ini, args, &[]);
            assert_eq!(run.code, 2, "{key} {args:?}: {}", run.output());
            assert!(run.stderr.contains(expected), "{}", run.output());
            assert!(
                !run.output().contains("kort-sleuteltje"),
                "{}",
                run.output()
            );
        }
        assert!(!case.dst.has_table(Some("staging"), "Klanten"));
    }
}

#[test]
fn pseudonymising_needs_a_key_which_is_never_shown() {
    let case = Case::new(Kind::Sqlite, Kind::Postgres, "pseukey");
    let dst = &case.dst;
    let without = case.ini("SRC_TABLES = Klanten\nPSEUDONYMIZE_COLUMNS = *.bsn", "");
    let run1 = case.run(&without, &[], &[]);
    assert_eq!(run1.code, 2, "{}", run1.output());
    assert!(
        run1.stderr
            .contains("PSEUDONYMIZE_COLUMNS is set but PSEUDONYMIZE_KEY is not"),
        "{}",
        run1.output()
    );
    assert!(!dst.has_table(Some("staging"), "Klanten"));
    // In the file and in the environment, different: the warning that the file wins masks both.
    let with = case.ini(
        &format!("SRC_TABLES = Klanten\nPSEUDONYMIZE_COLUMNS = *.bsn\nPSEUDONYMIZE_KEY = {KEY}"),
        "",
    );
    let other = "another-secret-key-value-0123456789";
    for args in [&["check"][..], &["--set", "LOG_LEVEL=DEBUG"][..]] {
        let run2 = case.run(&with, args, &[("PSEUDONYMIZE_KEY", other)]);
        assert_eq!(run2.code, 0, "{}", run2.output());
        assert!(
            run2.stderr.contains("PSEUDONYMIZE_KEY = ***"),
            "{}",
            run2.output()
        );
        assert!(!run2.output().contains(KEY) && !run2.output().contains(other));
    }
}

#[test]
fn column_patterns_that_match_nothing_are_named() {
    let case = Case::new(Kind::Postgres, Kind::Postgres, "nomatch");
    let dst = &case.dst;
    let ini = case.ini(
        &format!(
            "SRC_TABLES = Klanten\nEXCLUDE_COLUMNS = klanten.bestaat_niet, geen_tabel.x\n\
             PSEUDONYMIZE_COLUMNS = *.bsn_oud\nPSEUDONYMIZE_KEY = {KEY}"
        ),
        "",
    );
    for args in [&[][..], &["check"][..]] {
        let run = case.run(&ini, args, &[]);
        assert_eq!(run.code, 0, "{}", run.output());
        for says in [
            "EXCLUDE_COLUMNS: 'klanten.bestaat_niet' matches no column of the tables it names",
            "EXCLUDE_COLUMNS: 'geen_tabel.x' matches none of the tables copied",
            "PSEUDONYMIZE_COLUMNS: '*.bsn_oud' matches no column of the tables it names",
        ] {
            assert!(run.output().contains(says), "{says}: {}", run.output());
        }
    }
    assert_eq!(dst.count(Some("staging"), "Klanten"), 3);
}

/// `[column-types]` into PostgreSQL and MariaDB targets: the target gets the types as written
/// and casts the values; DIRECT and DUMP.
fn overrides_into(target: Kind) {
    let case = Case::new(Kind::Sqlite, target, "ovr");
    let (src, dst) = (&case.src, &case.dst);
    let schema = dst.staging_schema();
    let sections = "[column-types]\nKlanten.postcode = varchar(7)\nklanten.ID = bigint\n\
                    zk_adres.huisnummer = decimal(10,2)\n";
    for mode in ["DIRECT", "DUMP"] {
        let ini = case.ini(
            &format!("SRC_TABLES = Klanten, zk_adres\nTRANSFER_MODE = {mode}"),
            sections,
        );
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 0, "{mode}: {}", run.output());
        let types = dst.column_types(schema.as_deref(), "Klanten");
        let of = |types: &[(String, String)], c: &str| {
            types.iter().find(|(n, _)| n == c).unwrap().1.clone()
        };
        let adres = dst.column_types(schema.as_deref(), "zk_adres");
        match target {
            Kind::Postgres => {
                assert_eq!(of(&types, "postcode"), "character varying(7)");
                assert_eq!(of(&types, "id"), "bigint");
                assert_eq!(of(&adres, "huisnummer"), "numeric(10,2)");
            }
            _ => {
                assert_eq!(of(&types, "postcode"), "varchar(7)");
                assert!(of(&types, "id").starts_with("bigint"), "{types:?}");
                assert_eq!(of(&adres, "huisnummer"), "decimal(10,2)");
            }
        }
        let columns = [
            ("id", ValueKind::Integer),
            ("postcode", ValueKind::Text),
            ("naam", ValueKind::Text),
        ];
        assert_eq!(
            dst.canonical_rows(schema.as_deref(), "Klanten", &columns, "id"),
            src.canonical_rows(None, "Klanten", &columns, "id"),
            "{mode}"
        );
        assert_eq!(
            dst.canonical_rows(
                schema.as_deref(),
                "zk_adres",
                &[
                    ("id", ValueKind::Integer),
                    ("huisnummer", ValueKind::Decimal)
                ],
                "id"
            ),
            [
                [Some("10".to_string()), Some("5".to_string())],
                [Some("11".to_string()), Some("12".to_string())],
                [Some("12".to_string()), None]
            ]
        );
    }
    let check = case.run(
        &case.ini("SRC_TABLES = Klanten, zk_adres", sections),
        &["check"],
        &[],
    );
    assert_eq!(check.code, 0, "{}", check.output());
    assert!(
        check
            .stdout
            .contains("[column-types]: postcode = varchar(7), ID = bigint"),
        "{}",
        check.output()
    );
}

per_source!(overrides_into:
    column_type_overrides_into_postgres = Kind::Postgres,
    column_type_overrides_into_mariadb = Kind::MariaDb,
    column_type_overrides_into_sqlserver = Kind::SqlServer,
);

/// A `[column-types]` value goes into the DDL as written: one that is more than a type (here it
/// would end the CREATE TABLE and create another table) is a configuration error, and nothing
/// is created.
#[test]
fn a_column_type_that_is_more_than_a_type_is_refused() {
    let case = Case::new(Kind::Postgres, Kind::Postgres, "ovrsql");
    let ini = case.ini(
        "SRC_TABLES = zk_adres",
        "[column-types]\nzk_adres.id = int); CREATE TABLE public.ingeschoven (a int\n",
    );
    for args in [&["check"][..], &[][..]] {
        let run = case.run(&ini, args, &[]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.output());
        assert!(
            run.stderr.contains(
                "[column-types] zk_adres.id = int); CREATE TABLE public.ingeschoven (a int: ')' \
                 has no place in a type"
            ),
            "{}",
            run.output()
        );
    }
    assert!(!case.dst.has_table(Some("public"), "ingeschoven"));
    assert!(!case.dst.has_table(Some("staging"), "zk_adres"));
}

#[test]
fn bad_column_type_overrides_are_refused_before_writing() {
    let case = Case::new(Kind::Postgres, Kind::Postgres, "ovrbad");
    let dst = &case.dst;
    // A column the source does not have (here: one EXCLUDE_COLUMNS leaves out): that table
    // fails before anything is written; the other is copied.
    let ini1 = case.ini(
        "SRC_TABLES = Klanten, zk_adres\nEXCLUDE_COLUMNS = klanten.geboren",
        "[column-types]\nklanten.geboren = date\n",
    );
    for args in [&["check"][..], &[][..]] {
        let run1 = case.run(&ini1, args, &[]);
        assert_eq!(run1.code, 1, "{}", run1.output());
        assert!(
            run1.stdout.contains(
                "[column-types] klanten.geboren: no column geboren is copied (the columns copied: id, naam, bsn, postcode; EXCLUDE_COLUMNS leaves columns out)"
            ),
            "{}",
            run1.output()
        );
    }
    assert!(!dst.has_table(Some("staging"), "Klanten"));
    assert_eq!(dst.count(Some("staging"), "zk_adres"), 3);
    // A table that is not copied: a configuration error.
    let ini2 = case.ini(
        "SRC_TABLES = zk_adres",
        "[column-types]\nklanten.postcode = varchar(7)\n",
    );
    let run2 = case.run(&ini2, &[], &[]);
    assert_eq!(run2.code, 2, "{}", run2.output());
    assert!(
        run2.stderr
            .contains("[column-types] klanten.postcode: no such table is copied"),
        "{}",
        run2.output()
    );
    // A type too small for the values: check warns, and the target's cast fails the table with
    // its own message; the table keeps what it held.
    let ini3 = case.ini(
        "SRC_TABLES = zk_adres",
        "[column-types]\nzk_adres.straat = varchar(5)\n",
    );
    let check = case.run(&ini3, &["check"], &[]);
    assert!(
        check
            .stdout
            .contains("straat: character varying(40) into varchar(5) ([column-types])"),
        "{}",
        check.output()
    );
    let run3 = case.run(&ini3, &[], &[]);
    assert_eq!(run3.code, 1, "{}", run3.output());
    assert!(
        run3.stdout
            .contains("value too long for type character varying(5)"),
        "{}",
        run3.output()
    );
    assert_eq!(dst.count(Some("staging"), "zk_adres"), 3);
    assert_eq!(
        dst.column_types(Some("staging"), "zk_adres")[2].1,
        "character varying(40)"
    );
}

#[test]
fn check_shows_the_tables_patterns_matched_and_how_each_is_shaped() {
    let case = Case::new(Kind::Postgres, Kind::Postgres, "chk");
    let dst = &case.dst;
    let klanten = klanten_in(Kind::Postgres);
    let ini = case.ini(
        &format!(
            "SRC_TABLES = k*, zk_*\nSRC_TABLES_EXCLUDE = zk_log, zk_v*\nEXCLUDE_COLUMNS = \
             *.geboren\nPSEUDONYMIZE_COLUMNS = *.bsn\nPSEUDONYMIZE_KEY = {KEY}"
        ),
        &format!(
            "[queries]\nnamen = SELECT id, naam, bsn, geboren FROM {klanten}\n\n\
             [column-types]\nzk_adres.huisnummer = bigint\n"
        ),
    );
    let check = case.run(&ini, &["check"], &[]);
    assert_eq!(check.code, 0, "{}", check.output());
    for says in [
        "SRC_TABLES: 'k*' matches 1 table in schema public: Klanten",
        "SRC_TABLES: 'zk_*' matches 4 tables in schema public: zk_adres, zk_log, zk_relaties, \
         zk_v_namen",
        "SRC_TABLES_EXCLUDE leaves out 2 tables: zk_log, zk_v_namen",
        "copying 4 tables: Klanten, zk_adres, zk_relaties, namen (query)",
        "table namen (query) -> \"staging\".\"namen\": 3 rows, 3 columns",
        "pseudonymised (PSEUDONYMIZE_COLUMNS: hex HMAC-SHA-256): bsn",
        "\"bsn\" character(64)",
        "[column-types]: huisnummer = bigint",
        "\"huisnummer\" bigint",
        "4 table(s) checked: 4 can be copied, 0 cannot; nothing was written",
    ] {
        assert!(check.stdout.contains(says), "{says}: {}", check.output());
    }
    assert_eq!(
        check
            .stdout
            .matches("left out (EXCLUDE_COLUMNS, never selected): geboren")
            .count(),
        2,
        "Klanten and the query: {}",
        check.output()
    );
    assert!(!dst.has_table(Some("staging"), "Klanten"));
}

#[test]
fn schema_qualified_patterns_match_tables_read_from_src_schema() {
    let mut case = Case::new(Kind::Postgres, Kind::Postgres, "schemapat");
    case.source_keys.push_str("SRC_SCHEMA = public\n");
    let ini = case.ini(
        &format!(
            "SRC_TABLES = Klanten, zk_*\nSRC_TABLES_EXCLUDE = public.zk_log, public.zk_v*, \
             public.zk_a*\nEXCLUDE_COLUMNS = public.klanten.geboren\nPSEUDONYMIZE_COLUMNS = \
             public.*.bsn\nPSEUDONYMIZE_KEY = {KEY}"
        ),
        "",
    );
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(!run.stderr.contains("matches none"), "{}", run.output());
    let dst = &case.dst;
    assert!(!dst.has_table(Some("staging"), "zk_log"));
    let columns: Vec<String> = dst
        .column_types(Some("staging"), "Klanten")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(columns, ["id", "naam", "bsn", "postcode"]);
    for table in ["Klanten", "zk_relaties"] {
        let bsn = dst.query(&format!("SELECT bsn FROM staging.\"{table}\" WHERE id = 1"));
        assert_eq!(bsn[0][0], Some(hmac_hex("123456782")), "{table}");
    }
}

#[test]
fn load_refuses_files_not_shaped_as_configured() {
    let case = Case::new(Kind::Sqlite, Kind::Postgres, "loadshape");
    let dst = &case.dst;
    // Dumped without the settings...
    let plain = case.ini("SRC_TABLES = Klanten", "");
    let report = case.dir.path().join("dump.json");
    let dumped = case.run(&plain, &["dump", "--report", report.to_str().unwrap()], &[]);
    assert_eq!(dumped.code, 0, "{}", dumped.output());
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(report.contains("\"transfer_mode\": \"DUMP\""), "{report}");
    let manifest = dumped
        .stdout
        .trim()
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string();
    // ...and loaded with them: refused before anything is written, whatever the key.
    let shaped = case.ini(
        "SRC_TABLES = Klanten\nPSEUDONYMIZE_COLUMNS = *.bsn\nEXCLUDE_COLUMNS = *.geboren",
        "",
    );
    let load = case.run(&shaped, &["load", "--manifest", &manifest], &[]);
    assert_eq!(load.code, 2, "{}", load.output());
    for says in [
        "Klanten.bsn is not pseudonymised in the files (PSEUDONYMIZE_COLUMNS '*.bsn')",
        "Klanten.geboren is in the files (EXCLUDE_COLUMNS '*.geboren' leaves it out)",
    ] {
        assert!(load.stderr.contains(says), "{says}: {}", load.output());
    }
    assert!(!dst.has_table(Some("staging"), "Klanten"));
    // Dumped with them, the files load without the key.
    let with_key = case.ini(
        &format!(
            "SRC_TABLES = Klanten\nPSEUDONYMIZE_COLUMNS = *.bsn\nEXCLUDE_COLUMNS = *.geboren\n\
             PSEUDONYMIZE_KEY = {KEY}"
        ),
        "",
    );
    let dumped = case.run(&with_key, &["dump"], &[]);
    assert_eq!(dumped.code, 0, "{}", dumped.output());
    let manifest = dumped
        .stdout
        .trim()
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string();
    let load = case.run(&shaped, &["load", "--manifest", &manifest], &[]);
    assert_eq!(load.code, 0, "{}", load.output());
    let bsn = dst.query("SELECT bsn FROM staging.\"Klanten\" WHERE id = 1");
    assert_eq!(bsn[0][0], Some(hmac_hex("123456782")));
}

#[test]
fn an_excluded_column_is_never_selected_even_from_a_table_the_catalog_does_not_list_there() {
    let case = Case::new(Kind::Postgres, Kind::Postgres, "searchpath");
    // `oud.klanten_oud` is found through the search path, but it is not in current_schema().
    case.src.exec("CREATE SCHEMA oud");
    case.src
        .exec("CREATE TABLE oud.klanten_oud (id int, bsn varchar(9), geboren date)");
    case.src
        .exec("INSERT INTO oud.klanten_oud VALUES (1, '123456782', '1960-01-31')");
    case.src.exec(&format!(
        "ALTER DATABASE {} SET search_path = public, oud",
        case.src.name
    ));
    let plain = case.ini("SRC_TABLES = klanten_oud", "");
    let copied = case.run(&plain, &[], &[]);
    assert_eq!(
        copied.code,
        0,
        "found through the search path: {}",
        copied.output()
    );
    let ini = case.ini("SRC_TABLES = klanten_oud\nEXCLUDE_COLUMNS = *.geboren", "");
    for args in [&["check"][..], &[][..]] {
        let run = case.run(&ini, args, &[]);
        assert_eq!(run.code, 1, "{}", run.output());
        assert!(
            run.stdout
                .contains("EXCLUDE_COLUMNS applies to \"klanten_oud\", but the catalog"),
            "{}",
            run.output()
        );
    }
    // The first copy stays as it was: with its geboren column, which the failed run left alone.
    assert_eq!(
        case.dst.column_types(Some("staging"), "klanten_oud").len(),
        3
    );
}

#[test]
fn a_pseudonymised_value_that_cannot_be_read_is_never_shown() {
    let src = TestDb::new(Kind::Sqlite, "pseubad");
    // SQLite keeps what it is given: text in a decimal column, which the reader parses.
    src.exec("CREATE TABLE t (id int, bsn decimal(12, 2))");
    src.exec("INSERT INTO t VALUES (1, 123456782), (2, 'x98765432y')");
    let case = Case::with(src, Kind::Postgres, "pseubad");
    // Not pseudonymised, the message quotes the value, as it should for any other column.
    let plain = case.run(&case.ini("SRC_TABLES = t", ""), &[], &[]);
    assert_eq!(plain.code, 1, "{}", plain.output());
    assert!(plain.output().contains("x98765432y"), "{}", plain.output());
    let ini = case.ini(
        &format!("SRC_TABLES = t\nPSEUDONYMIZE_COLUMNS = t.bsn\nPSEUDONYMIZE_KEY = {KEY}"),
        "",
    );
    let run = case.run(&ini, &["-vv"], &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stdout
            .contains("a value of the pseudonymised column bsn cannot be read (it is not shown"),
        "{}",
        run.output()
    );
    assert!(!run.output().contains("98765432"), "{}", run.output());
}
