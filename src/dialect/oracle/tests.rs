use super::*;

#[test]
fn numbers_by_declared_type() {
    assert_eq!(declared_type("NUMBER"), ColumnType::UNCONSTRAINED_DECIMAL);
    assert_eq!(declared_type("NUMBER(1,0)"), ColumnType::Int8);
    assert_eq!(declared_type("NUMBER(10,0)"), ColumnType::Int64);
    assert_eq!(declared_type("NUMBER(9,0)"), ColumnType::Int32);
    assert_eq!(
        declared_type("NUMBER(*,0)"),
        ColumnType::Decimal {
            precision: 38,
            scale: 0
        }
    );
    assert_eq!(
        declared_type("NUMBER(12,2)"),
        ColumnType::Decimal {
            precision: 12,
            scale: 2
        }
    );
    assert_eq!(
        declared_type("FLOAT(126)"),
        ColumnType::UNCONSTRAINED_DECIMAL
    );
    assert_eq!(
        declared_type("DATE"),
        ColumnType::Timestamp { precision: 0 }
    );
    assert_eq!(
        declared_type("TIMESTAMP(6) WITH LOCAL TIME ZONE"),
        ColumnType::TimestampTz { precision: 6 }
    );
}

#[test]
fn lower_case_names_mean_upper_case() {
    assert_eq!(Oracle.fold_name("klanten"), "KLANTEN");
    assert_eq!(Oracle.fold_name("Klanten"), "Klanten");
}

#[test]
fn connection_parts_are_an_ezconnect_string() {
    assert_eq!(
        Oracle.connection_parts(
            "Oracle 21 ODBC driver",
            Some("db"),
            Some(1521),
            Some("ORCL")
        ),
        vec![("DBQ".to_string(), "//db:1521/ORCL".to_string())]
    );
}

/// What the driver reports when the catalog is not read.
#[test]
fn driver_metadata_without_the_catalog() {
    let meta = |sql_type, size, digits, type_name: &str| ColumnMeta {
        name: "c".into(),
        sql_type,
        column_size: size,
        decimal_digits: digits,
        nullable: None,
        type_name: type_name.into(),
        unsigned: false,
        declared: None,
    };
    let unconstrained = [
        meta(sql_type::DOUBLE, 15, 0, "NUMBER"),
        meta(sql_type::FLOAT, 38, 0, "NUMBER"),
        meta(sql_type::DECIMAL, 0, 0, "NUMBER"),
        meta(sql_type::DECIMAL, 38, -127, "NUMBER"),
        meta(sql_type::DECIMAL, 38, 129, "NUMBER"),
        meta(sql_type::FLOAT, 126, 0, "FLOAT"),
    ];
    for m in unconstrained {
        assert_eq!(
            Oracle.column_type(&m),
            Ok(ColumnType::UNCONSTRAINED_DECIMAL),
            "{m:?}"
        );
    }
    // A scale of 127 is Oracle's largest real one, not the "no scale" marker.
    assert_eq!(
        Oracle.column_type(&meta(sql_type::DECIMAL, 38, 127, "NUMBER")),
        Ok(ColumnType::DecimalText {
            precision: Some(127),
            scale: Some(127)
        })
    );
    assert_eq!(
        Oracle.column_type(&meta(sql_type::DECIMAL, 12, 2, "NUMBER")),
        Ok(ColumnType::Decimal {
            precision: 12,
            scale: 2
        })
    );
    assert_eq!(
        Oracle.column_type(&meta(sql_type::DECIMAL, 10, 0, "NUMBER")),
        Ok(ColumnType::Int64)
    );
    assert_eq!(
        Oracle.column_type(&meta(sql_type::REAL, 7, 0, "BINARY_FLOAT")),
        Ok(ColumnType::Float32)
    );
    assert_eq!(
        Oracle.column_type(&meta(sql_type::DOUBLE, 15, 0, "BINARY_DOUBLE")),
        Ok(ColumnType::Float64)
    );
    // DATE holds a time of day, also where an ODBC 2 driver reports SQL_DATETIME.
    assert_eq!(
        Oracle.column_type(&meta(sql_type::DATETIME, 19, 0, "DATE")),
        Ok(ColumnType::Timestamp { precision: 0 })
    );
    assert_eq!(
        Oracle.column_type(&meta(sql_type::TYPE_TIMESTAMP, 29, 9, "TIMESTAMP(9)")),
        Ok(ColumnType::Timestamp { precision: 9 })
    );
    assert_eq!(
        Oracle.column_type(&meta(
            sql_type::TYPE_TIMESTAMP,
            35,
            3,
            "TIMESTAMP(3) WITH TIME ZONE"
        )),
        Ok(ColumnType::TimestampTz { precision: 3 })
    );
    let tuning = DriverTuning {
        fetch_rows: 1,
        max_text_size: 1,
        trust_server_certificate: false,
    };
    assert_eq!(
        Oracle.driver_defaults("Oracle 21 ODBC driver", tuning),
        vec![("NUM", "US".to_string())]
    );
    // NUMBER(p,-s) holds integers of p + s digits; NUMBER(p,0) of p digits.
    assert_eq!(number(2, -2), ColumnType::Int16);
    assert_eq!(number(3, -2), ColumnType::Int32);
    assert_eq!(number(9, 0), ColumnType::Int32);
    assert_eq!(number(8, -2), ColumnType::Int64);
}

#[test]
fn oracle_values_are_read_as_exact_text_where_the_driver_would_change_them() {
    let column = |column_type, source_type: &str| Column {
        source_name: "C".into(),
        name: "c".into(),
        column_type,
        nullable: true,
        source_type: source_type.into(),
    };
    let local = column(
        ColumnType::TimestampTz { precision: 6 },
        "timestamp(6) with local time zone",
    );
    assert_eq!(
        Oracle.select_expr("\"C\"", &local),
        "TO_CHAR(SYS_EXTRACT_UTC(\"C\"), 'YYYY-MM-DD HH24:MI:SS.FF9')"
    );
    let zoned = column(
        ColumnType::TimestampTz { precision: 6 },
        "TIMESTAMP(6) WITH TIME ZONE",
    );
    assert_eq!(
        Oracle.select_expr("\"C\"", &zoned),
        "TO_CHAR(\"C\", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM')"
    );
    let big = column(ColumnType::Int64, "NUMBER(18,0)");
    assert_eq!(Oracle.fetch_form(&big), FetchForm::Text);
    assert_eq!(
        Oracle.fetch_form(&column(ColumnType::Int32, "NUMBER(9,0)")),
        FetchForm::Native
    );
    assert!(
        Oracle
            .missing_schema_advice("STG")
            .contains("ask the DBA for user STG")
    );
}

#[test]
fn catalog_names_are_written_as_a_user_writes_them() {
    let d = Oracle;
    assert_eq!(d.written_name("KLANTEN"), "klanten");
    assert_eq!(d.written_name("KLANTEN_2024"), "klanten_2024");
    assert_eq!(d.written_name("Klanten"), "Klanten");
    assert_eq!(d.fold_name(&d.written_name("KLANTEN")), "KLANTEN");
    assert_eq!(d.written_name("2024"), "2024");
}
