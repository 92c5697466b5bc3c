use super::*;

fn text(n: Option<u32>) -> ColumnType {
    ColumnType::Text {
        length: n,
        fixed: false,
    }
}

#[test]
fn fits_say_exact_warn_or_refuse() {
    use ColumnType as T;
    assert_eq!(fit(&T::Int32, &T::Int64), Fit::Exact);
    assert!(matches!(fit(&T::Int64, &T::Int32), Fit::Warn(_)));
    assert_eq!(fit(&text(Some(20)), &text(None)), Fit::Exact);
    assert_eq!(
        fit(&text(Some(100)), &text(Some(50))),
        Fit::Warn("values longer than 50 characters fail the table".into())
    );
    assert!(matches!(
        fit(
            &T::Decimal {
                precision: 12,
                scale: 2
            },
            &T::Float64
        ),
        Fit::Warn(_)
    ));
    assert_eq!(
        fit(
            &T::Decimal {
                precision: 12,
                scale: 2
            },
            &T::UNCONSTRAINED_DECIMAL
        ),
        Fit::Exact
    );
    assert!(matches!(
        fit(
            &T::UNCONSTRAINED_DECIMAL,
            &T::Decimal {
                precision: 12,
                scale: 2
            }
        ),
        Fit::Warn(w) if w.contains("rounded to 2 decimals") && w.contains("more than 10 digits")
    ));
    assert!(matches!(
        fit(&T::TimestampTz { precision: 6 }, &T::Timestamp { precision: 6 }),
        Fit::Warn(w) if w.contains("UTC")
    ));
    assert!(matches!(
        fit(&T::Timestamp { precision: 7 }, &T::Timestamp { precision: 6 }),
        Fit::Warn(w) if w.contains("beyond 6")
    ));
    assert!(matches!(
        fit(&text(Some(17)), &T::Time { precision: 6 }),
        Fit::Warn(_)
    ));
    assert!(matches!(
        fit(
            &T::Binary {
                length: None,
                fixed: false
            },
            &T::Int64
        ),
        Fit::Refuse(_)
    ));
    assert!(matches!(fit(&T::Date, &T::Int32), Fit::Refuse(_)));
    assert!(matches!(fit(&T::Float64, &T::Int64), Fit::Refuse(_)));
    assert_eq!(fit(&T::Boolean, &T::Int8), Fit::Exact);
    assert!(matches!(fit(&T::Int8, &T::Boolean), Fit::Refuse(_)));
}

#[test]
fn identifiers_are_found_in_view_text() {
    assert!(names_identifier(
        "select `db`.`t`.`id` AS `id` from `db`.`t`",
        "t"
    ));
    assert!(names_identifier(
        "CREATE VIEW v AS SELECT id FROM Zaken",
        "zaken"
    ));
    assert!(names_identifier("select * from \"zaken\"", "zaken"));
    assert!(!names_identifier("select * from zaken_oud", "zaken"));
    assert!(!names_identifier("select 'zaken' from x", "zaken"));
    assert!(!names_identifier("select tt from x", "t"));
    // A column of the same name is not the table.
    assert!(!names_identifier(
        "create view vo as select t1 from other",
        "t1"
    ));
    assert!(names_identifier(
        "select a from x, \"T1\" as y where 1",
        "t1"
    ));
    assert!(names_identifier(
        "select a from x left join main.t1 on 1",
        "t1"
    ));
    assert!(!names_identifier("select a from x where t1 = 1", "t1"));
    assert!(names_identifier("select a from t", "t"));
    assert!(names_identifier("select a from x y, t", "t"));
    assert!(names_identifier("select a from x as y join t on 1", "t"));
    assert!(names_identifier("select a from [dbo].[T]", "t"));
    assert!(!names_identifier("select a from x as y where t = 1", "t"));
    assert!(!names_identifier("select a from x join y on 1", "t"));
    // A string, a subquery's end or a clause's end stops the list of tables.
    assert!(!names_identifier("select 'a from t' as c from x", "t"));
    assert!(!names_identifier(
        "select (select max(a) from x), t from y",
        "t"
    ));
    assert!(!names_identifier("select a from x where b in (1, t)", "t"));
    assert!(!names_identifier("select a from x; select t", "t"));
    assert!(!names_identifier("select a from x order by b, t", "t"));
    assert!(names_identifier(
        "select a from x union select b from t",
        "t"
    ));
    assert!(names_identifier("select a from tür$1", "tür$1"));
}

/// One column type of every shape that matters to `fit`, with a short name.
fn samples() -> Vec<(&'static str, ColumnType)> {
    use ColumnType as T;
    let dec = |precision, scale| T::Decimal { precision, scale };
    let bin = |length, fixed| T::Binary { length, fixed };
    vec![
        ("boolean", T::Boolean),
        ("int8", T::Int8),
        ("int16", T::Int16),
        ("int32", T::Int32),
        ("int64", T::Int64),
        ("float32", T::Float32),
        ("float64", T::Float64),
        ("dec(3,0)", dec(3, 0)),
        ("dec(5,2)", dec(5, 2)),
        ("dec(10,0)", dec(10, 0)),
        ("dec(12,2)", dec(12, 2)),
        ("dec(19,0)", dec(19, 0)),
        ("dec(38,10)", dec(38, 10)),
        ("dec(4,-2)", dec(4, -2)),
        ("numeric", T::UNCONSTRAINED_DECIMAL),
        (
            "numeric(50,5)",
            T::DecimalText {
                precision: Some(50),
                scale: Some(5),
            },
        ),
        (
            "numeric(45)",
            T::DecimalText {
                precision: Some(45),
                scale: None,
            },
        ),
        ("char(1)", text_fixed(1)),
        ("text(4)", text(Some(4))),
        ("text(10)", text(Some(10))),
        ("text(40)", text(Some(40))),
        ("text(50)", text(Some(50))),
        ("text(60)", text(Some(60))),
        ("text", text(None)),
        ("binary(16)", bin(Some(16), true)),
        ("varbinary(8)", bin(Some(8), false)),
        ("varbinary(16)", bin(Some(16), false)),
        ("varbinary(100)", bin(Some(100), false)),
        ("blob", bin(None, false)),
        ("date", T::Date),
        ("time(0)", T::Time { precision: 0 }),
        ("time(6)", T::Time { precision: 6 }),
        ("timestamp(0)", T::Timestamp { precision: 0 }),
        ("timestamp(6)", T::Timestamp { precision: 6 }),
        ("timestamp(7)", T::Timestamp { precision: 7 }),
        ("timestamptz(3)", T::TimestampTz { precision: 3 }),
        ("timestamptz(6)", T::TimestampTz { precision: 6 }),
    ]
}

fn text_fixed(n: u32) -> ColumnType {
    ColumnType::Text {
        length: Some(n),
        fixed: true,
    }
}

/// Every source type against every target type: the whole decision table of `fit`, kept in
/// tests/golden/fit.txt (scripts/update-golden.sh takes a change; read the diff).
#[test]
fn every_pair_of_types_fits_as_the_table_says() {
    let mut table = String::new();
    for (source_name, source) in samples() {
        for (target_name, target) in samples() {
            let verdict = match fit(&source, &target) {
                Fit::Exact => "exact".to_string(),
                Fit::Warn(why) => format!("warn: {why}"),
                Fit::Refuse(why) => format!("refuse: {why}"),
            };
            table.push_str(&format!("{source_name:<15}{target_name:<15}{verdict}\n"));
        }
    }
    crate::golden::assert_golden("fit.txt", &table);
}

mod overrides;
mod plans;
