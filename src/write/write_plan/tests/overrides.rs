//! `[column-types]` in the write plan: a created column gets the type as written (the target
//! casts into it); an existing column keeps its own (exact when it is the asked type, which lets a
//! table with views be refreshed in place); an override for a column the source lacks refuses.

use super::super::*;
use crate::dialect::postgres::Postgres;

fn shape() -> TableShape {
    TableShape {
        columns: vec![
            Column {
                source_name: "ID".into(),
                name: "id".into(),
                column_type: ColumnType::Int32,
                nullable: false,
                source_type: "integer".into(),
            },
            Column {
                source_name: "POSTCODE".into(),
                name: "postcode".into(),
                column_type: ColumnType::Text {
                    length: Some(10),
                    fixed: false,
                },
                nullable: true,
                source_type: "varchar(10)".into(),
            },
        ],
    }
}

fn asks(column: &str, type_sql: &str) -> Vec<TypeOverride> {
    vec![TypeOverride {
        table: "klanten".into(),
        column: column.into(),
        type_sql: type_sql.into(),
    }]
}

fn options(write_mode: WriteMode) -> PlanOptions {
    PlanOptions {
        write_mode,
        schema_changes: SchemaChanges::Add,
        lowercase_columns: true,
    }
}

/// The table as a run with `postcode = varchar(7)` created it (as PostgreSQL's catalog spells
/// it), with views when asked.
fn existing(views: &[&str]) -> ExistingTable {
    ExistingTable {
        kind: "BASE TABLE".into(),
        engine: None,
        transactional: true,
        columns: vec![
            TargetColumn::new_for(&Postgres, &shape().columns[0]),
            TargetColumn {
                name: "postcode".into(),
                declared: "character varying(7)".into(),
                column_type: ColumnType::Text {
                    length: Some(7),
                    fixed: false,
                },
                cast: Some("pg_catalog.\"varchar\"".into()),
                nullable: true,
                has_default: false,
            },
        ],
        views: views.iter().map(|v| v.to_string()).collect(),
    }
}

#[test]
fn a_created_column_gets_the_type_as_written_and_the_target_casts() {
    let plan = WritePlan::new(
        &Postgres,
        options(WriteMode::Replace),
        &shape(),
        None,
        &asks("PostCode", "varchar(7)"),
    );
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    let postcode = &plan.load[1].target;
    assert_eq!(postcode.declared, "varchar(7)");
    assert_eq!(
        postcode.cast, None,
        "the created table's catalog says the cast"
    );
    assert_eq!(
        postcode.column_type,
        ColumnType::Text {
            length: Some(7),
            fixed: false
        }
    );
    assert_eq!(
        plan.warnings,
        [
            "POSTCODE: varchar(10) into varchar(7) ([column-types]): values longer than 7 \
          characters fail the table"
        ]
    );
    assert_eq!(plan.side_columns()[1].type_sql, "varchar(7)");
}

#[test]
fn an_existing_column_of_the_asked_type_is_exact_and_views_stay() {
    let plan = WritePlan::new(
        &Postgres,
        options(WriteMode::Replace),
        &shape(),
        Some(&existing(&["staging.v"])),
        &asks("postcode", "varchar(7)"),
    );
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    assert_eq!(plan.finish, Finish::Refresh);
    assert!(plan.comparison.iter().all(|c| c.same_definition));
    // The definition is as asked, but the values still go from varchar(10) into varchar(7).
    assert_eq!(
        plan.comparison[1].verdict,
        "values longer than 7 characters fail the table"
    );
    // Without the override the column would change (varchar(10) into varchar(7)): refused.
    let without = WritePlan::new(
        &Postgres,
        options(WriteMode::Replace),
        &shape(),
        Some(&existing(&["staging.v"])),
        &[],
    );
    assert_eq!(without.refused.len(), 1, "{:?}", without.refused);
}

#[test]
fn an_existing_column_of_another_type_keeps_it_with_a_warning() {
    let plan = WritePlan::new(
        &Postgres,
        options(WriteMode::Truncate),
        &shape(),
        Some(&existing(&[])),
        &asks("postcode", "char(6)"),
    );
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    assert_eq!(plan.load[1].target.declared, "character varying(7)");
    assert!(
        plan.warnings[0].contains(
            "POSTCODE: [column-types] asks for char(6), but the existing table keeps postcode \
             character varying(7) (WRITE_MODE = truncate keeps the table's definition)"
        ),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn an_override_for_a_column_the_source_lacks_refuses_the_table() {
    for existing in [None, Some(existing(&[]))] {
        let plan = WritePlan::new(
            &Postgres,
            options(WriteMode::Append),
            &shape(),
            existing.as_ref(),
            &asks("geboren", "date"),
        );
        assert_eq!(
            plan.refused,
            [
                "[column-types] klanten.geboren: no column geboren is copied (the columns copied: id, \
              postcode; EXCLUDE_COLUMNS leaves columns out)"
            ]
        );
        assert!(plan.accepted().is_err());
    }
}

#[test]
fn a_pseudonym_column_takes_only_a_type_that_holds_64_characters() {
    let mut shape = shape();
    shape.columns[1].pseudonymise();
    assert!(shape.columns[1].is_pseudonym());
    assert_eq!(shape.columns[1].source_type, "varchar(10) (pseudonymised)");
    for (type_sql, refused) in [
        ("varchar(9)", true),
        ("bigint", true),
        ("varchar(64)", false),
    ] {
        let plan = WritePlan::new(
            &Postgres,
            options(WriteMode::Replace),
            &shape,
            None,
            &asks("postcode", type_sql),
        );
        assert_eq!(
            !plan.refused.is_empty(),
            refused,
            "{type_sql}: {:?}",
            plan.refused
        );
    }
}

#[test]
fn a_type_this_tool_does_not_create_is_the_same_when_spelled_the_same() {
    let mut table = existing(&["staging.v"]);
    table.columns[1].declared = "jsonb".into();
    table.columns[1].column_type = Postgres.target_column_type("jsonb");
    let plan = WritePlan::new(
        &Postgres,
        options(WriteMode::Replace),
        &shape(),
        Some(&table),
        &asks("postcode", "JSONB"),
    );
    assert!(plan.refused.is_empty(), "{:?}", plan.refused);
    assert!(plan.comparison[1].same_definition);
}
