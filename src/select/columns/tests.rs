use super::*;
use crate::{
    config::{Query, TableName},
    plan::ColumnType,
};

fn table(schema: Option<&str>, name: &str) -> Relation {
    Relation::Table(TableName {
        schema: schema.map(str::to_string),
        name: name.into(),
    })
}

fn rules(exclude: &[&str], pseudonymize: &[&str], src_schema: Option<&str>) -> ColumnRules {
    let parse = |list: &[&str]| {
        list.iter()
            .map(|p| ColumnPattern::parse(p).unwrap())
            .collect()
    };
    ColumnRules::new(
        &Shaping {
            exclude_columns: parse(exclude),
            pseudonymize_columns: parse(pseudonymize),
            pseudonymize_key: Some(Secret::new("sleutel-voor-de-test")),
            ..Shaping::default()
        },
        src_schema,
    )
}

#[test]
fn columns_are_excluded_and_pseudonymised_by_table_and_column() {
    let r = rules(
        &["*.geboren", "zaak.klanten.tel*"],
        &["*.BSN"],
        Some("zaak"),
    );
    let klanten = table(None, "Klanten");
    let elders = table(Some("elders"), "klanten");
    assert!(r.excludes_from(&klanten) && r.excludes_from(&elders));
    assert!(r.excluded(&klanten, "GEBOREN") && r.excluded(&klanten, "telefoon"));
    assert!(!r.excluded(&klanten, "naam"));
    assert!(
        !r.excluded(&elders, "telefoon"),
        "another schema than SRC_SCHEMA"
    );
    assert!(r.pseudonymized(&klanten, "bsn") && !r.pseudonymized(&klanten, "naam"));
    let query = Relation::Query(Query {
        name: "namen".into(),
        sql: "SELECT 1 AS x".into(),
        file: None,
    });
    assert!(r.pseudonymized(&query, "bsn"));
    assert!(!r.excludes_from(&table(None, "x")) || r.excluded(&table(None, "x"), "geboren"));
    assert_eq!(r.key().map(Secret::expose), Some("sleutel-voor-de-test"));
    let none = rules(&[], &["zaken.bsn"], None);
    assert!(!none.excludes_from(&klanten) && !none.pseudonymized(&klanten, "bsn"));
}

#[test]
fn every_pattern_knows_whether_it_matched_a_column() {
    let r = rules(&["*.geboren", "klanten.fax"], &["*.bsn", "geen.bsn"], None);
    let klanten = table(None, "klanten");
    // Both exclusions and the first pseudonymisation are asked about the table's columns.
    for column in ["id", "geboren", "bsn"] {
        r.excluded(&klanten, column);
        r.pseudonymized(&klanten, column);
    }
    assert_eq!(
        r.unmatched(),
        ["EXCLUDE_COLUMNS: 'klanten.fax' matches no column of the tables it names"],
        "geen.bsn named no table copied: said when the run started, not here"
    );
    // Two patterns match one column: both know it.
    let both = rules(&["*.a", "t.a"], &[], None);
    assert!(both.excluded(&table(None, "t"), "a"));
    assert!(both.unmatched().is_empty());
}

#[test]
fn files_that_disagree_with_the_rules_are_named() {
    let r = rules(&["*.geboren"], &["zaak.*.bsn"], Some("zaak"));
    let column = |name: &str| Column {
        source_name: name.into(),
        name: name.into(),
        column_type: ColumnType::Text {
            length: Some(9),
            fixed: false,
        },
        nullable: true,
        source_type: "varchar(9)".into(),
    };
    let mut bsn = column("bsn");
    assert_eq!(
        r.disagreements(
            "klanten",
            "klanten",
            &[column("id"), bsn.clone(), column("geboren")]
        ),
        [
            "klanten.bsn is not pseudonymised in the files (PSEUDONYMIZE_COLUMNS 'zaak.*.bsn')",
            "klanten.geboren is in the files (EXCLUDE_COLUMNS '*.geboren' leaves it out)"
        ]
    );
    // Read from another schema than SRC_SCHEMA: the schema-qualified pattern does not hold.
    assert_eq!(
        r.disagreements("elders.klanten", "klanten", &[bsn.clone()])
            .len(),
        0
    );
    assert_eq!(
        r.disagreements("zaak.klanten", "klanten", &[bsn.clone()])
            .len(),
        1
    );
    assert_eq!(
        r.disagreements("namen (query)", "namen", &[column("geboren")])
            .len(),
        1
    );
    bsn.pseudonymise();
    assert!(
        r.disagreements("klanten", "klanten", &[column("id"), bsn])
            .is_empty()
    );
}
