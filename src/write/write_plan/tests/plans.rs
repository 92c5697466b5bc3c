use super::super::*;
use crate::dialect::postgres::Postgres;

fn column(name: &str, column_type: ColumnType) -> Column {
    Column {
        source_name: name.to_uppercase(),
        name: name.into(),
        column_type,
        nullable: true,
        source_type: format!("src_{name}"),
    }
}

fn shape() -> TableShape {
    TableShape {
        columns: vec![
            column("id", ColumnType::Int64),
            column("name", super::text(Some(20))),
        ],
    }
}

/// The table this tool would create for `shape()`, as its catalog describes it.
fn existing(views: &[&str]) -> ExistingTable {
    ExistingTable {
        kind: "BASE TABLE".into(),
        engine: None,
        transactional: true,
        columns: shape()
            .columns
            .iter()
            .map(|c| TargetColumn::new_for(&Postgres, c))
            .collect(),
        views: views.iter().map(|v| v.to_string()).collect(),
    }
}

fn options(write_mode: WriteMode) -> PlanOptions {
    PlanOptions {
        write_mode,
        schema_changes: SchemaChanges::Add,
        lowercase_columns: false,
    }
}

fn plan(write_mode: WriteMode, existing: &ExistingTable) -> WritePlan {
    WritePlan::new(
        &Postgres,
        options(write_mode),
        &shape(),
        Some(existing),
        &[],
    )
}

#[test]
fn a_new_table_is_created_and_an_unviewed_one_swapped() {
    let new = WritePlan::new(&Postgres, options(WriteMode::Append), &shape(), None, &[]);
    assert_eq!(new.finish, Finish::Swap);
    assert!(!new.target_exists);
    assert!(new.accepted().is_ok());
    assert_eq!(
        new.side_columns(),
        vec![
            ColumnDef {
                name: "id".into(),
                type_sql: "bigint".into(),
                nullable: true
            },
            ColumnDef {
                name: "name".into(),
                type_sql: "character varying(20)".into(),
                nullable: true
            }
        ]
    );
    assert_eq!(
        new.action(),
        "creates the table (loads a side table, then renames it)"
    );
    let replaced = plan(WriteMode::Replace, &existing(&[]));
    assert_eq!(
        (replaced.finish, replaced.target_exists),
        (Finish::Swap, true)
    );
    assert_eq!(
        replaced.action(),
        "replaces the table (loads a side table, then swaps it in)"
    );
    assert!(replaced.warnings.is_empty() && replaced.refused.is_empty());
}

#[test]
fn views_make_replace_a_refresh_unless_the_columns_change() {
    let kept = plan(WriteMode::Replace, &existing(&["s.v1", "s.v2"]));
    assert_eq!(kept.finish, Finish::Refresh);
    assert!(kept.accepted().is_ok());
    assert_eq!(kept.views, vec!["s.v1", "s.v2"]);
    assert_eq!(kept.warnings.len(), 1);
    assert!(kept.warnings[0].contains("(s.v1, s.v2): it is refreshed in place"));
    assert!(
        kept.action()
            .contains("empties the table and copies the rows in")
    );

    let mut changed = existing(&["s.v1"]);
    changed.columns[1].declared = "character varying(5)".into();
    changed.columns[1].column_type = super::text(Some(5));
    changed.columns.push(TargetColumn {
        name: "old".into(),
        ..changed.columns[0].clone()
    });
    let refused = plan(WriteMode::Replace, &changed);
    let why = refused.accepted().unwrap_err().to_string();
    assert!(
        why.starts_with("refused before writing: views depend on the table (s.v1)"),
        "{why}"
    );
    assert!(why.contains("NAME (values longer than 5 characters fail the table)"));
    assert!(why.contains("old (not in the source)"), "{why}");
    assert!(refused.added.is_empty());

    // Only an extra column changes it, or only a type.
    let mut extra = existing(&["s.v1"]);
    extra.columns.push(TargetColumn {
        name: "old".into(),
        ..extra.columns[0].clone()
    });
    assert!(plan(WriteMode::Replace, &extra).accepted().is_err());
    changed.columns.pop();
    assert!(plan(WriteMode::Replace, &changed).accepted().is_err());
}

#[test]
fn truncate_and_append_keep_the_definition_and_judge_each_column() {
    let same = plan(WriteMode::Truncate, &existing(&[]));
    assert_eq!(same.finish, Finish::Refresh);
    assert!(same.warnings.is_empty() && same.refused.is_empty());
    assert_eq!(
        same.comparison[0],
        Comparison {
            source: "ID".into(),
            source_type: "src_id".into(),
            target: "id bigint".into(),
            verdict: "exact".into(),
            same_definition: true,
        }
    );
    let appended = plan(WriteMode::Append, &existing(&[]));
    assert_eq!(appended.finish, Finish::Append);
    assert_eq!(
        appended.action(),
        "keeps the table's definition; loads a side table, then copies the rows in, \
                 in one transaction"
    );

    // A narrower column warns, a type that cannot hold the values refuses.
    let mut narrow = existing(&[]);
    narrow.columns[0].declared = "integer".into();
    narrow.columns[0].column_type = ColumnType::Int32;
    narrow.columns[1].declared = "bytea".into();
    narrow.columns[1].column_type = ColumnType::Binary {
        length: None,
        fixed: false,
    };
    let p = plan(WriteMode::Truncate, &narrow);
    assert_eq!(
        p.warnings,
        vec![
            "ID: src_id into id integer: values beyond the target's range fail the table",
            "NAME: src_name into name bytea: text is stored as its UTF-8 bytes"
        ]
    );
    assert!(p.refused.is_empty());
    assert_eq!(p.comparison[1].verdict, "text is stored as its UTF-8 bytes");
    narrow.columns[0].declared = "date".into();
    narrow.columns[0].column_type = ColumnType::Date;
    let p = plan(WriteMode::Append, &narrow);
    assert_eq!(
        p.refused,
        vec![
            "column ID (src_id) cannot go into id date: integer values cannot go into \
                      a date column"
        ]
    );
    assert_eq!(
        p.comparison[0].verdict,
        "refused: integer values cannot go into a date column"
    );

    // A type this tool does not create is still refused when the values cannot go in.
    let mut domain = existing(&[]);
    domain.columns[0].declared = "birth_date".into();
    domain.columns[0].column_type = ColumnType::Date;
    let p = plan(WriteMode::Truncate, &domain);
    assert_eq!(
        p.refused,
        vec![
            "column ID (src_id) cannot go into id birth_date: integer values cannot go \
                      into a date column"
        ]
    );

    // A type this tool does not create: the target converts, with a warning.
    let mut foreign = existing(&[]);
    foreign.columns[1].declared = "citext".into();
    let p = plan(WriteMode::Truncate, &foreign);
    assert_eq!(p.warnings.len(), 1);
    assert!(p.warnings[0].contains("citext is not a type this tool creates"));
    assert!(p.refused.is_empty());
}

#[test]
fn new_and_missing_columns_follow_the_settings() {
    let mut fewer = existing(&[]);
    fewer.columns.truncate(1);
    let added = plan(WriteMode::Append, &fewer);
    assert_eq!(
        added.added,
        vec![ColumnDef {
            name: "name".into(),
            type_sql: "character varying(20)".into(),
            nullable: true
        }]
    );
    assert!(added.warnings[0].starts_with("name: new in the source; added"));
    // Added columns take NULL in the rows already there, whatever the source says.
    let strict = TableShape {
        columns: vec![
            column("id", ColumnType::Int64),
            Column {
                nullable: false,
                ..column("name", super::text(Some(20)))
            },
        ],
    };
    let p = WritePlan::new(
        &Postgres,
        options(WriteMode::Append),
        &strict,
        Some(&fewer),
        &[],
    );
    assert!(p.side_columns()[1].nullable && p.added[0].nullable);
    assert_eq!(added.comparison[1].target, "added: character varying(20)");
    assert!(added.accepted().is_ok());

    let fail = PlanOptions {
        schema_changes: SchemaChanges::Fail,
        ..options(WriteMode::Append)
    };
    let refused = WritePlan::new(&Postgres, fail, &shape(), Some(&fewer), &[]);
    assert!(refused.added.is_empty());
    assert_eq!(refused.refused.len(), 1);
    assert!(refused.refused[0].contains("column name is new in the source"));
    assert_eq!(refused.comparison[1].target, "missing");

    // Target columns the source lacks: NULL, their default, or refused.
    let mut more = existing(&[]);
    let first = more.columns[0].clone();
    let extra = |name: &str, nullable, has_default| TargetColumn {
        name: name.into(),
        nullable,
        has_default,
        ..first.clone()
    };
    more.columns.push(extra("a", true, false));
    more.columns.push(extra("b", false, true));
    more.columns.push(extra("c", false, false));
    let p = plan(WriteMode::Truncate, &more);
    assert_eq!(
        p.warnings,
        vec![
            "a: not in the source; NULL in the new rows",
            "b: not in the source; its default in the new rows"
        ]
    );
    assert_eq!(p.refused.len(), 1);
    assert!(p.refused[0].starts_with("column c is NOT NULL without a default"));

    // Names match exactly, or case-insensitively with LOWERCASE_COLUMNS.
    let mut upper = existing(&[]);
    upper.columns[0].name = "ID".into();
    let exact = plan(WriteMode::Truncate, &upper);
    assert_eq!(exact.added.len(), 1);
    let folded = PlanOptions {
        lowercase_columns: true,
        ..options(WriteMode::Truncate)
    };
    let p = WritePlan::new(&Postgres, folded, &shape(), Some(&upper), &[]);
    assert!(p.added.is_empty() && p.warnings.is_empty(), "{p:?}");
    assert_eq!(p.load[0].target.name, "ID");
}

#[test]
fn views_and_tables_that_cannot_roll_back_are_refused() {
    for kind in ["VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"] {
        let mut view = existing(&[]);
        view.kind = kind.into();
        assert!(!view.is_table());
        let p = plan(WriteMode::Replace, &view);
        assert!(p.target_exists);
        assert!(
            p.refused[0].starts_with(&format!("the target is a {}", kind.to_lowercase())),
            "{p:?}"
        );
    }
    for kind in ["BASE TABLE", "table", " TABLE ", "SYSTEM VERSIONED"] {
        let mut table = existing(&[]);
        table.kind = kind.into();
        assert!(table.is_table(), "{kind}");
    }
    let mut myisam = existing(&[]);
    myisam.transactional = false;
    myisam.engine = Some("MyISAM".into());
    assert!(plan(WriteMode::Replace, &myisam).accepted().is_ok());
    let truncate = plan(WriteMode::Truncate, &myisam).refused.join(" ");
    assert!(
        truncate.contains("MyISAM storage engine") && truncate.contains("a refresh"),
        "{truncate}"
    );
    let append = plan(WriteMode::Append, &myisam).refused.join(" ");
    assert!(
        append.contains("an append would not be all-or-nothing"),
        "{append}"
    );
}
