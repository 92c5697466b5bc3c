use super::*;
use crate::config::{ColumnPattern, TypeOverride};

fn table(schema: Option<&str>, name: &str) -> TableName {
    TableName {
        schema: schema.map(str::to_string),
        name: name.into(),
    }
}

fn query(name: &str) -> Relation {
    Relation::Query(Query {
        name: name.into(),
        sql: "SELECT 1 AS x".into(),
        file: None,
    })
}

#[test]
fn exclusions_match_the_name_or_the_schema_and_name() {
    assert!(excluded_by("*_LOG", &table(None, "zk_log"), None));
    assert!(!excluded_by("*_log", &table(None, "zk_logboek"), None));
    assert!(excluded_by("zaak.zk_*", &table(Some("zaak"), "zk_a"), None));
    assert!(excluded_by("zaak.zk_*", &table(None, "zk_a"), Some("zaak")));
    assert!(!excluded_by("zaak.zk_*", &table(None, "zk_a"), None));
    assert!(!excluded_by(
        "zaak.zk_*",
        &table(Some("oud"), "zk_a"),
        Some("zaak")
    ));
}

#[test]
fn every_target_table_is_written_by_one_relation() {
    let tables = [
        Relation::Table(table(None, "Klanten")),
        Relation::Table(table(Some("oud"), "klanten")),
    ];
    let e = check_targets(&tables).unwrap_err().to_string();
    assert!(
        e.starts_with(
            "Klanten and oud.klanten would both be copied into the target table 'klanten'; \
             narrow the pattern"
        ),
        "{e}"
    );
    let e = check_targets(&[Relation::Table(table(None, "namen")), query("NAMEN")])
        .unwrap_err()
        .to_string();
    assert!(e.ends_with("rename the query"), "{e}");
    assert!(check_targets(&[Relation::Table(table(None, "a")), query("b")]).is_ok());
    assert_eq!(query("b").label(), "b (query)");
    assert_eq!(Relation::Table(table(Some("s"), "a")).label(), "s.a");
}

#[test]
fn column_settings_name_tables_that_are_copied() {
    let relations = [Relation::Table(table(None, "klanten")), query("namen")];
    let shaping = |types: &[(&str, &str)], exclude: &[&str]| Shaping {
        column_types: types
            .iter()
            .map(|(t, c)| TypeOverride {
                table: t.to_string(),
                column: c.to_string(),
                type_sql: "int".into(),
            })
            .collect(),
        exclude_columns: exclude
            .iter()
            .map(|p| ColumnPattern::parse(p).unwrap())
            .collect(),
        ..Shaping::default()
    };
    let mut warnings = Vec::new();
    check_column_settings(
        &relations,
        &shaping(
            &[("KLANTEN", "id"), ("namen", "x")],
            &["zaak.klanten.bsn", "*.x"],
        ),
        Some("zaak"),
        &mut warnings,
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let e = check_column_settings(
        &relations,
        &shaping(&[("zaken", "id")], &[]),
        None,
        &mut warnings,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with(
            "[column-types] zaken.id: no such table is copied (the tables are: klanten, namen)"
        ),
        "{e}"
    );
    check_column_settings(
        &relations,
        &shaping(&[], &["oud.klanten.bsn"]),
        Some("zaak"),
        &mut warnings,
    )
    .unwrap();
    assert_eq!(
        warnings,
        ["EXCLUDE_COLUMNS: 'oud.klanten.bsn' matches none of the tables copied"]
    );
    assert_eq!(
        (count(1, "table"), count(3, "table")),
        ("1 table".into(), "3 tables".into())
    );
}
