use super::*;
use crate::config::{RawValues, Settings};

fn raw(pairs: &[(&str, &str)]) -> RawValues {
    let mut all = vec![("SRC_DSN", "src"), ("DST_DSN", "dst")];
    all.extend_from_slice(pairs);
    RawValues::from_pairs(all)
}

fn error(raw: &RawValues) -> String {
    Settings::from_values(raw).unwrap_err().to_string()
}

#[test]
fn globs_match_ignoring_case() {
    assert!(glob_matches("zk_*", "ZK_Adres"));
    assert!(glob_matches("zk_r?laties", "zk_relaties"));
    assert!(!glob_matches("zk_r?laties", "zk_rlaties"));
    assert!(!glob_matches("zk_*", "xzk_a"));
    assert!(is_pattern("a*") && is_pattern("a?") && !is_pattern("a_b"));
}

#[test]
fn column_patterns_are_table_dot_column() {
    let p = ColumnPattern::parse("*.BSN").unwrap();
    assert!(p.matches_table(None, "Klanten") && p.matches_column("bsn"));
    assert!(!p.matches_column("bsn_partner"));
    let p = ColumnPattern::parse("zaak.klanten.bsn").unwrap();
    assert!(p.matches_table(Some("zaak"), "klanten"));
    assert!(!p.matches_table(None, "klanten"));
    assert!(ColumnPattern::parse(".bsn").is_err() && ColumnPattern::parse("klanten. ").is_err());
    assert_eq!(
        ColumnPattern::parse("bsn").unwrap_err(),
        "'bsn' is not table.column; write *.bsn for a column of every table"
    );
    let e = error(&raw(&[
        ("SRC_TABLES", "a"),
        ("EXCLUDE_COLUMNS", "a.x,,b.y"),
    ]));
    assert!(e.contains("EXCLUDE_COLUMNS = 'a.x,,b.y'"), "{e}");
    assert!(e.contains("entry 2 is empty"), "{e}");
}

#[test]
fn pseudonymising_needs_the_key_which_is_a_secret() {
    let e = error(&raw(&[
        ("SRC_TABLES", "a"),
        ("PSEUDONYMIZE_COLUMNS", "*.bsn"),
    ]));
    assert!(
        e.contains("PSEUDONYMIZE_COLUMNS is set but PSEUDONYMIZE_KEY is not"),
        "{e}"
    );
    let s = Settings::from_values(&raw(&[
        ("SRC_TABLES", "a"),
        ("PSEUDONYMIZE_COLUMNS", "*.bsn, b.postcode"),
        ("PSEUDONYMIZE_KEY", "a-long-and-secret-key"),
    ]))
    .unwrap();
    assert_eq!(s.shaping.pseudonymize_columns.len(), 2);
    assert_eq!(
        format!("{:?}", s.shaping.pseudonymize_key),
        "Some(***)",
        "Debug never shows it"
    );
    assert_eq!(
        crate::config::secrets::redact("key a-long-and-secret-key"),
        "key ***"
    );
}

#[test]
fn queries_come_inline_or_from_a_file_beside_the_ini() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sql")).unwrap();
    std::fs::write(
        dir.path().join("sql/b.sql"),
        "\u{feff}SELECT 2 AS y\nFROM t ;\n\n",
    )
    .unwrap();
    let mut values = raw(&[]).with_section(
        "queries",
        [
            ("a", "SELECT 1 AS x;"),
            ("B", "@sql/b.sql"),
            ("c", "SELECT 3 AS z -- three\nFROM t;\n-- the end\n  \n"),
        ],
    );
    values.config_dir = Some(dir.path().to_path_buf());
    let s = Settings::from_values(&values).unwrap();
    assert!(s.tables.is_empty(), "SRC_TABLES may be left out");
    let q = &s.shaping.queries;
    assert_eq!(
        (q[0].name.as_str(), q[0].sql.as_str()),
        ("a", "SELECT 1 AS x")
    );
    assert_eq!(
        (q[1].name.as_str(), q[1].sql.as_str()),
        ("B", "SELECT 2 AS y\nFROM t")
    );
    assert_eq!(q[1].file, Some(dir.path().join("sql/b.sql")));
    assert_eq!(q[2].sql, "SELECT 3 AS z -- three\nFROM t");
}

#[test]
fn bad_queries_and_overrides_are_configuration_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut values = raw(&[("SRC_TABLES", "klanten")])
        .with_section(
            "queries",
            [("weg", "@geen.sql"), ("s.q", "SELECT 1"), ("leeg", ";")],
        )
        .with_section(
            "column-types",
            [
                ("postcode", "varchar(6)"),
                ("*.x", "int"),
                (".y", "int"),
                ("t.", "int"),
            ],
        );
    values.config_dir = Some(dir.path().to_path_buf());
    let e = error(&values);
    for says in [
        "[queries] weg: cannot read the query file",
        "[queries] s.q: a query's name is the target table's name",
        "[queries] leeg: the query is empty",
        "[column-types] postcode: expected table.column = TYPE",
        "[column-types] *.x: expected table.column = TYPE",
        "[column-types] .y: expected table.column = TYPE",
        "[column-types] t.: expected table.column = TYPE",
    ] {
        assert!(e.contains(says), "{says}\n{e}");
    }
    let collision =
        raw(&[("SRC_TABLES", "klanten")]).with_section("queries", [("KLANTEN", "SELECT 1")]);
    assert!(error(&collision).contains(
        "[queries] KLANTEN and the table klanten of SRC_TABLES would both be copied into the \
         target table 'KLANTEN'; rename the query"
    ));
}

#[test]
fn srctables_patterns_are_kept_for_the_catalog_and_not_in_schemas() {
    let s = Settings::from_values(&raw(&[("SRC_TABLES", "zk_*, zk_*, s.a?, b")])).unwrap();
    assert!(s.tables[0].is_pattern() && s.tables[2].is_pattern() && !s.tables[3].is_pattern());
    let e = error(&raw(&[("SRC_TABLES", "s*.a")]));
    assert!(
        e.contains("wildcards (* and ?) match table names only"),
        "{e}"
    );
    let e = error(&raw(&[]));
    assert!(e.contains("or give queries in [queries]"), "{e}");
}

#[test]
fn overrides_and_column_patterns_are_read_for_load_too_without_a_key() {
    use crate::config::Purpose;
    let values = RawValues::from_pairs([
        ("DST_DSN", "dst"),
        ("EXCLUDE_COLUMNS", "*.geboren"),
        ("PSEUDONYMIZE_COLUMNS", "*.bsn"),
    ])
    .with_section("column-types", [("Klanten.postcode", "varchar(6)")]);
    let s = Settings::from_values_for(&values, Purpose::Load).unwrap();
    assert_eq!(
        s.shaping.column_types,
        [TypeOverride {
            table: "Klanten".into(),
            column: "postcode".into(),
            type_sql: "varchar(6)".into(),
        }]
    );
    assert_eq!(s.shaping.exclude_columns.len(), 1);
    assert_eq!(s.shaping.pseudonymize_columns.len(), 1);
    let column = |source_name: &str, name: &str| crate::plan::Column {
        source_name: source_name.into(),
        name: name.into(),
        column_type: crate::plan::ColumnType::Int32,
        nullable: true,
        source_type: "int".into(),
    };
    let o = &s.shaping.column_types[0];
    assert!(o.names(&column("POSTCODE", "x")) && o.names(&column("x", "Postcode")));
    assert!(!o.names(&column("x", "y")));
}

#[test]
fn a_pseudonymisation_key_needs_sixteen_bytes() {
    for short in ["k", "fifteen-bytes!!"] {
        let e = error(&raw(&[
            ("SRC_TABLES", "a"),
            ("PSEUDONYMIZE_COLUMNS", "*.bsn"),
            ("PSEUDONYMIZE_KEY", short),
        ]));
        assert!(
            e.contains(&format!(
                "PSEUDONYMIZE_KEY (from library call) has {} bytes; a key needs at least 16",
                short.len()
            )),
            "{e}"
        );
        assert!(e.contains("openssl rand -hex 32"), "{e}");
        assert!(short.len() < 3 || !e.contains(short), "{e}");
    }
    let s = Settings::from_values(&raw(&[
        ("SRC_TABLES", "a"),
        ("PSEUDONYMIZE_COLUMNS", "*.bsn"),
        ("PSEUDONYMIZE_KEY", "sixteen-bytes-ok"),
    ]));
    assert!(s.is_ok());
}

#[test]
fn column_types_are_type_expressions_and_nothing_more() {
    for fine in [
        "varchar(6)",
        "numeric(12, 2)",
        "NUMERIC(12,2)",
        "double precision",
        "character varying(20)",
        "timestamp(3) with time zone",
        "int unsigned",
        "nvarchar(max)",
        "VARCHAR2(20 CHAR)",
        "NUMBER(*,0)",
        "pg_catalog.int4",
        "integer[]",
        "datetime2(7)",
        "character varying(20) with local time zone",
        "interval day(2) to second(6)",
    ] {
        assert_eq!(super::type_expression(fine), Ok(()), "{fine}");
    }
    for bad in [
        "int); CREATE TABLE public.x (a int",
        "int; DROP TABLE t",
        "int -- comment",
        "int /* x */",
        "varchar(6) DEFAULT 'x'",
        "text COLLATE \"C\"",
        "int CHECK (1)",
        "int REFERENCES victim",
        "int NOT NULL",
        "int GENERATED ALWAYS AS (1)",
        "numeric(12,2",
        "numeric(a)",
        "(6)",
        "",
        "int(1)(2)(3)",
        "a b c d e f g",
        "int\u{0}",
    ] {
        assert!(super::type_expression(bad).is_err(), "{bad:?}");
    }
    let e = error(&raw(&[("SRC_TABLES", "t")]).with_section(
        "column-types",
        [("t.id", "int); CREATE TABLE public.x (a int")],
    ));
    assert!(
        e.contains("[column-types] t.id = int); CREATE TABLE public.x (a int: ')' has no place"),
        "{e}"
    );
}
