use super::*;

#[test]
fn affinity_and_declared_names() {
    assert_eq!(affinity_type("smallint"), ColumnType::Int64);
    assert_eq!(
        affinity_type("decimal_text(18,5)"),
        ColumnType::Decimal {
            precision: 18,
            scale: 5
        }
    );
    assert_eq!(
        affinity_type("numeric_text"),
        ColumnType::UNCONSTRAINED_DECIMAL
    );
    assert_eq!(
        affinity_type("decimal_text(65,30)"),
        ColumnType::DecimalText {
            precision: Some(65),
            scale: Some(30)
        }
    );
    assert_eq!(
        affinity_type("varchar(100)"),
        ColumnType::Text {
            length: Some(100),
            fixed: false
        }
    );
    assert_eq!(
        affinity_type("blob"),
        ColumnType::Binary {
            length: None,
            fixed: false
        }
    );
    assert_eq!(
        affinity_type("timestamp"),
        ColumnType::Timestamp { precision: 6 }
    );
    assert_eq!(affinity_type("boolean"), ColumnType::Boolean);
    assert_eq!(
        affinity_type(""),
        ColumnType::Text {
            length: None,
            fixed: false
        }
    );
}

#[test]
fn sqlite_targets_keep_decimal_digits_as_text() {
    assert_eq!(
        Sqlite.type_sql(&ColumnType::Decimal {
            precision: 18,
            scale: 5
        }),
        "DECIMAL_TEXT(18,5)"
    );
}

#[test]
fn every_affinity_rule_in_order() {
    use ColumnType as T;
    let text = |length, fixed| T::Text { length, fixed };
    let cases = [
        (
            "numeric(10,2)",
            T::Decimal {
                precision: 10,
                scale: 2,
            },
        ),
        ("decimal", T::UNCONSTRAINED_DECIMAL),
        ("integer", T::Int64),
        ("bigint", T::Int64),
        ("point_int", T::Int64),
        ("boolean", T::Boolean),
        ("character(2)", text(Some(2), true)),
        ("nchar(3)", text(Some(3), true)),
        ("char(0)", text(None, false)),
        ("char", text(None, false)),
        ("nvarchar(5)", text(Some(5), false)),
        ("clob", text(None, false)),
        ("clob(5)", text(Some(5), false)),
        ("text(7)", text(Some(7), false)),
        ("text", text(None, false)),
        (
            "varbinary(4)",
            T::Binary {
                length: None,
                fixed: false,
            },
        ),
        ("real", T::Float64),
        ("float", T::Float64),
        ("double precision", T::Float64),
        ("date", T::Date),
        ("datetime", T::Timestamp { precision: 6 }),
        ("timestamp", T::Timestamp { precision: 6 }),
        ("time", T::Time { precision: 6 }),
        ("", text(None, false)),
        ("money", text(None, false)),
    ];
    for (declared, expected) in cases {
        assert_eq!(affinity_type(declared), expected, "{declared}");
    }
    // Without a declared type from the catalog, the driver's type name decides.
    let meta = ColumnMeta {
        name: "c".into(),
        sql_type: 0,
        column_size: 0,
        decimal_digits: 0,
        nullable: None,
        type_name: "INTEGER".into(),
        unsigned: false,
        declared: None,
    };
    assert_eq!(Sqlite.column_type(&meta), Ok(T::Int64));
    let declared = ColumnMeta {
        declared: Some("TEXT".into()),
        ..meta
    };
    assert_eq!(Sqlite.column_type(&declared), Ok(text(None, false)));
}

#[test]
fn a_file_one_writer_and_no_schemas() {
    assert_eq!(
        Sqlite.connection_parts("SQLite3", Some("ignored"), Some(1), Some("/data/a.db")),
        vec![("Database".to_string(), "/data/a.db".to_string())]
    );
    assert!(
        Sqlite
            .connection_parts("SQLite3", Some("h"), None, None)
            .is_empty()
    );
    let tuning = DriverTuning {
        fetch_rows: 1,
        max_text_size: 1,
        trust_server_certificate: false,
    };
    assert_eq!(
        Sqlite.driver_defaults("SQLite3", tuning),
        vec![("Timeout", "60000".to_string())]
    );
    assert_eq!(Sqlite.max_writers(), 1);
    assert_eq!(Sqlite.max_name_length(), usize::MAX);
    assert_eq!(Sqlite.create_schema_sql("s"), None);
    assert!(!Sqlite.has_schemas());
    // Any column keeps any value as it comes.
    assert!(Sqlite.faithful_type("whatever", &ColumnType::Int32));
    assert_eq!(
        Sqlite.target_warnings(&ColumnType::TimestampTz { precision: 6 }),
        vec!["SQLite has no time zone type: the instant is stored as UTC text".to_string()]
    );
    assert!(Sqlite.target_warnings(&ColumnType::Int32).is_empty());
    // Doubles through SQLite's own printf, text as blobs (sqliteodbc cuts at NUL).
    let column = |column_type| crate::plan::Column {
        source_name: "c".into(),
        name: "c".into(),
        column_type,
        nullable: true,
        source_type: "x".into(),
    };
    assert_eq!(
        Sqlite.fetch_form(&column(ColumnType::Float64)),
        FetchForm::Text
    );
    assert_eq!(
        Sqlite.fetch_form(&column(ColumnType::UNCONSTRAINED_DECIMAL)),
        FetchForm::Bytes
    );
    assert_eq!(
        Sqlite.fetch_form(&column(ColumnType::Int64)),
        FetchForm::Native
    );
}

/// The watermark's MAX: exact decimals are text in SQLite, so the largest by value (100.000,
/// not the text 3.000); other columns by MAX.
#[test]
fn the_largest_decimal_is_the_largest_by_value() {
    let column = |column_type: ColumnType| crate::plan::TargetColumn {
        name: "n".into(),
        declared: String::new(),
        column_type,
        cast: None,
        nullable: true,
        has_default: false,
    };
    let by_value = "SELECT \"n\" FROM \"t\" WHERE \"n\" IS NOT NULL ORDER BY CAST(\"n\" AS REAL) \
                    DESC LIMIT 1";
    for decimal in [
        ColumnType::Decimal {
            precision: 10,
            scale: 3,
        },
        ColumnType::DecimalText {
            precision: None,
            scale: None,
        },
    ] {
        assert_eq!(Sqlite.max_sql("\"t\"", &column(decimal)), by_value);
    }
    assert_eq!(
        Sqlite.max_sql("\"t\"", &column(ColumnType::Int64)),
        "SELECT MAX(\"n\") FROM \"t\""
    );
}
