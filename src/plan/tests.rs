use super::*;

fn meta(sql_type: i16, size: usize, digits: i16) -> ColumnMeta {
    ColumnMeta {
        name: "c".into(),
        sql_type,
        column_size: size,
        decimal_digits: digits,
        nullable: None,
        type_name: "x".into(),
        unsigned: false,
        declared: None,
    }
}

#[test]
fn generic_mapping_keeps_widths_and_precision() {
    use sql_type as t;
    assert_eq!(
        generic_column_type(&meta(t::NUMERIC, 18, 5)),
        Ok(ColumnType::Decimal {
            precision: 18,
            scale: 5
        })
    );
    assert_eq!(
        generic_column_type(&meta(t::NUMERIC, 0, 0)),
        Ok(ColumnType::UNCONSTRAINED_DECIMAL)
    );
    assert_eq!(
        generic_column_type(&meta(t::DECIMAL, 40, 2)),
        Ok(ColumnType::DecimalText {
            precision: Some(40),
            scale: Some(2)
        })
    );
    assert_eq!(
        generic_column_type(&meta(t::VARCHAR, 0, 0)),
        Ok(ColumnType::Text {
            length: None,
            fixed: false
        })
    );
    assert_eq!(
        generic_column_type(&meta(t::TYPE_TIMESTAMP, 27, 7)),
        Ok(ColumnType::Timestamp { precision: 7 })
    );
    let mut unsigned_int = meta(t::INTEGER, 10, 0);
    unsigned_int.unsigned = true;
    assert_eq!(generic_column_type(&unsigned_int), Ok(ColumnType::Int64));
    assert!(generic_column_type(&meta(-999, 0, 0)).is_err());
}

#[test]
fn negative_scale_becomes_a_wider_integer_decimal() {
    assert_eq!(
        decimal(5, -2),
        ColumnType::Decimal {
            precision: 7,
            scale: 0
        }
    );
    assert_eq!(
        decimal(38, -2),
        ColumnType::DecimalText {
            precision: Some(40),
            scale: Some(0)
        }
    );
}

#[test]
fn wide_and_odd_decimals_keep_their_declared_digits() {
    assert_eq!(
        decimal(65, 30),
        ColumnType::DecimalText {
            precision: Some(65),
            scale: Some(30)
        }
    );
    assert_eq!(
        decimal(3, 5),
        ColumnType::Decimal {
            precision: 5,
            scale: 5
        }
    );
    assert_eq!(decimal(0, 0), ColumnType::UNCONSTRAINED_DECIMAL);
    assert!(ColumnType::UNCONSTRAINED_DECIMAL.is_unbounded());
    assert!(!decimal(50, 10).is_unbounded());
    assert_eq!(decimal_text_bytes(50), 53);
}

#[test]
fn type_arguments_are_parsed() {
    assert_eq!(type_arguments("numeric(18,5)"), Some((18, Some(5))));
    assert_eq!(type_arguments("character varying(100)"), Some((100, None)));
    assert_eq!(type_arguments("text"), None);
}

#[test]
fn every_odbc_type_code_has_its_column_type() {
    use ColumnType as T;
    use sql_type as t;
    let text = |length, fixed| T::Text { length, fixed };
    let binary = |length, fixed| T::Binary { length, fixed };
    let cases = [
        (t::BIT, 1, 0, false, T::Boolean),
        (t::TINYINT, 3, 0, false, T::Int8),
        (t::TINYINT, 3, 0, true, T::Int16),
        (t::SMALLINT, 5, 0, false, T::Int16),
        (t::SMALLINT, 5, 0, true, T::Int32),
        (t::INTEGER, 10, 0, false, T::Int32),
        (t::BIGINT, 19, 0, false, T::Int64),
        (
            t::BIGINT,
            20,
            0,
            true,
            T::Decimal {
                precision: 20,
                scale: 0,
            },
        ),
        (t::REAL, 24, 0, false, T::Float32),
        (t::FLOAT, 24, 0, false, T::Float32),
        (t::FLOAT, 1, 0, false, T::Float32),
        (t::FLOAT, 25, 0, false, T::Float64),
        (t::FLOAT, 0, 0, false, T::Float64),
        (t::DOUBLE, 15, 0, false, T::Float64),
        (t::CHAR, 10, 0, false, text(Some(10), true)),
        (t::WCHAR, 0, 0, false, text(None, false)),
        (t::WVARCHAR, 50, 0, false, text(Some(50), false)),
        (t::LONGVARCHAR, 1 << 30, 0, false, text(None, false)),
        (t::WLONGVARCHAR, 0, 0, false, text(None, false)),
        (t::SS_XML, 0, 0, false, text(None, false)),
        (t::GUID, 36, 0, false, text(Some(36), true)),
        (t::BINARY, 16, 0, false, binary(Some(16), true)),
        (t::BINARY, 0, 0, false, binary(None, false)),
        (t::VARBINARY, 8000, 0, false, binary(Some(8000), false)),
        (t::LONGVARBINARY, 1 << 31, 0, false, binary(None, false)),
        (t::TYPE_DATE, 10, 0, false, T::Date),
        (t::DATETIME, 10, 0, false, T::Date),
        (t::TYPE_TIME, 8, 0, false, T::Time { precision: 0 }),
        (t::SS_TIME2, 16, 7, false, T::Time { precision: 7 }),
        (
            t::TYPE_TIMESTAMP,
            23,
            3,
            false,
            T::Timestamp { precision: 3 },
        ),
        (
            t::TYPE_TIMESTAMP,
            40,
            12,
            false,
            T::Timestamp { precision: 9 },
        ),
        (
            t::TYPE_TIMESTAMP,
            19,
            -1,
            false,
            T::Timestamp { precision: 0 },
        ),
        (
            t::SS_TIMESTAMPOFFSET,
            34,
            7,
            false,
            T::TimestampTz { precision: 7 },
        ),
    ];
    for (code, size, digits, unsigned, expected) in cases {
        let mut m = meta(code, size, digits);
        m.unsigned = unsigned;
        assert_eq!(
            generic_column_type(&m),
            Ok(expected),
            "{} size {size} digits {digits} unsigned {unsigned}",
            sql_type::name(code)
        );
    }
    // SQL Server's driver reports its own types with these codes (msodbcsql.h).
    assert_eq!(
        generic_column_type(&meta(-152, 0, 0)),
        Ok(text(None, false))
    );
    assert_eq!(
        generic_column_type(&meta(-154, 16, 7)),
        Ok(T::Time { precision: 7 })
    );
    assert_eq!(
        generic_column_type(&meta(-155, 34, 7)),
        Ok(T::TimestampTz { precision: 7 })
    );
    assert!(generic_column_type(&meta(-151, 0, 0)).is_err());
    assert_eq!(sql_type::name(-150), "SS_VARIANT");
    assert_eq!(sql_type::name(-151), "SS_UDT");
    let mut variant = meta(t::SS_VARIANT, 0, 0);
    variant.type_name = "sql_variant".into();
    assert_eq!(
        generic_column_type(&variant),
        Err("ODBC SQL type -150 ('sql_variant') has no lossless mapping".into())
    );
}

#[test]
fn type_codes_are_named_for_messages() {
    use sql_type as t;
    let named = [
        (t::CHAR, "CHAR"),
        (t::NUMERIC, "NUMERIC"),
        (t::DECIMAL, "DECIMAL"),
        (t::INTEGER, "INTEGER"),
        (t::SMALLINT, "SMALLINT"),
        (t::FLOAT, "FLOAT"),
        (t::REAL, "REAL"),
        (t::DOUBLE, "DOUBLE"),
        (t::DATETIME, "DATETIME"),
        (t::VARCHAR, "VARCHAR"),
        (t::TYPE_DATE, "DATE"),
        (t::TYPE_TIME, "TIME"),
        (t::TYPE_TIMESTAMP, "TIMESTAMP"),
        (t::LONGVARCHAR, "LONGVARCHAR"),
        (t::BINARY, "BINARY"),
        (t::VARBINARY, "VARBINARY"),
        (t::LONGVARBINARY, "LONGVARBINARY"),
        (t::BIGINT, "BIGINT"),
        (t::TINYINT, "TINYINT"),
        (t::BIT, "BIT"),
        (t::WCHAR, "WCHAR"),
        (t::WVARCHAR, "WVARCHAR"),
        (t::WLONGVARCHAR, "WLONGVARCHAR"),
        (t::GUID, "GUID"),
        (t::SS_VARIANT, "SS_VARIANT"),
        (t::SS_UDT, "SS_UDT"),
        (t::SS_XML, "SS_XML"),
        (t::SS_TIME2, "SS_TIME2"),
        (t::SS_TIMESTAMPOFFSET, "SS_TIMESTAMPOFFSET"),
        (-98, "type -98"),
    ];
    for (code, name) in named {
        assert_eq!(sql_type::name(code), name);
    }
}

#[test]
fn arrow_types_units_and_text_carriage() {
    use ColumnType as T;
    let cases = [
        (T::Boolean, DataType::Boolean),
        (T::Int8, DataType::Int8),
        (T::Int16, DataType::Int16),
        (T::Int32, DataType::Int32),
        (T::Int64, DataType::Int64),
        (T::Float32, DataType::Float32),
        (T::Float64, DataType::Float64),
        (
            T::Decimal {
                precision: 12,
                scale: -2,
            },
            DataType::Decimal128(12, -2),
        ),
        (T::UNCONSTRAINED_DECIMAL, DataType::Utf8),
        (
            T::Binary {
                length: None,
                fixed: false,
            },
            DataType::Binary,
        ),
        (T::Date, DataType::Date32),
        (
            T::Time { precision: 0 },
            DataType::Time64(TimeUnit::Microsecond),
        ),
        (
            T::Time { precision: 6 },
            DataType::Time64(TimeUnit::Microsecond),
        ),
        (T::Time { precision: 7 }, DataType::Utf8),
        (
            T::Timestamp { precision: 0 },
            DataType::Timestamp(TimeUnit::Second, None),
        ),
        (
            T::Timestamp { precision: 1 },
            DataType::Timestamp(TimeUnit::Millisecond, None),
        ),
        (
            T::Timestamp { precision: 3 },
            DataType::Timestamp(TimeUnit::Millisecond, None),
        ),
        (
            T::Timestamp { precision: 4 },
            DataType::Timestamp(TimeUnit::Microsecond, None),
        ),
        (
            T::Timestamp { precision: 6 },
            DataType::Timestamp(TimeUnit::Microsecond, None),
        ),
        (T::Timestamp { precision: 7 }, DataType::Utf8),
        (
            T::TimestampTz { precision: 3 },
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
        ),
        (T::TimestampTz { precision: 9 }, DataType::Utf8),
    ];
    for (column_type, arrow) in cases {
        assert_eq!(column_type.arrow_type(), arrow, "{column_type:?}");
        // Exactly the times and timestamps beyond microseconds travel as text.
        let as_text = matches!(
            column_type,
            T::Time { precision } | T::Timestamp { precision } | T::TimestampTz { precision }
                if precision > 6
        );
        assert_eq!(column_type.carried_as_text(), as_text, "{column_type:?}");
    }
    assert_eq!(time_unit(9), TimeUnit::Nanosecond);
    assert!(
        !T::Text {
            length: Some(1),
            fixed: true
        }
        .is_unbounded()
    );
    assert!(
        T::Binary {
            length: None,
            fixed: false
        }
        .is_unbounded()
    );
    assert!(!T::Int64.is_unbounded());

    let column = |name: &str, column_type, nullable| Column {
        source_name: name.to_uppercase(),
        name: name.into(),
        column_type,
        nullable,
        source_type: "x".into(),
    };
    let shape = TableShape {
        columns: vec![
            column("id", T::Int64, false),
            column("at", T::TimestampTz { precision: 6 }, true),
        ],
    };
    let schema = shape.arrow_schema();
    assert_eq!(schema.fields().len(), 2);
    assert_eq!(schema.field(0), &Field::new("id", DataType::Int64, false));
    assert_eq!(
        schema.field(1),
        &Field::new(
            "at",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            true
        )
    );
}

#[test]
fn decimals_at_their_limits() {
    use ColumnType as T;
    assert_eq!(
        decimal(38, 38),
        T::Decimal {
            precision: 38,
            scale: 38
        }
    );
    assert_eq!(
        decimal(1, 0),
        T::Decimal {
            precision: 1,
            scale: 0
        }
    );
    assert_eq!(
        decimal(39, 0),
        T::DecimalText {
            precision: Some(39),
            scale: Some(0)
        }
    );
    assert_eq!(
        decimal(2, -1),
        T::Decimal {
            precision: 3,
            scale: 0
        }
    );
    assert_eq!(decimal(usize::MAX, 0), T::UNCONSTRAINED_DECIMAL);
    assert_eq!(decimal(70_000, 0), T::UNCONSTRAINED_DECIMAL);
    assert_eq!(
        decimal(65_535, 2),
        T::DecimalText {
            precision: Some(65_535),
            scale: Some(2)
        }
    );
    assert_eq!(type_arguments("decimal( 10 , 2 )"), Some((10, Some(2))));
    assert_eq!(type_arguments("float(53) unsigned"), Some((53, None)));
    assert_eq!(type_arguments("x(a)"), None);
    assert_eq!(type_arguments("x(1"), None);
}
