use super::*;
use arrow_odbc::arrow::{
    array::{Array, AsArray, StringArray},
    datatypes::{Field, Schema},
};
use std::sync::Arc;

#[test]
fn nul_characters_are_removed_and_counted() {
    let schema = Arc::new(Schema::new(vec![Field::new("t", DataType::Utf8, true)]));
    let array = StringArray::from(vec![Some("a\0b"), None, Some("c"), Some("\0\0")]);
    let batch = RecordBatch::try_new(schema, vec![Arc::new(array)]).unwrap();
    let (out, changed) = remove_nul_characters(batch).unwrap();
    assert_eq!(changed, 2);
    let s = out.column(0).as_string::<i32>();
    assert_eq!(s.value(0), "ab");
    assert!(s.is_null(1));
    assert_eq!(s.value(2), "c");
    assert_eq!(s.value(3), "");
}

#[test]
fn declared_types_win_over_driver_defaults() {
    let meta = |declared: &str| ColumnMeta {
        name: "c".into(),
        sql_type: crate::plan::sql_type::NUMERIC,
        column_size: 28,
        decimal_digits: 6,
        nullable: None,
        type_name: "numeric".into(),
        unsigned: false,
        declared: Some(declared.into()),
    };
    assert_eq!(
        Postgres.column_type(&meta("numeric")),
        Ok(ColumnType::UNCONSTRAINED_DECIMAL)
    );
    assert_eq!(
        Postgres.column_type(&meta("numeric(18,5)")),
        Ok(ColumnType::Decimal {
            precision: 18,
            scale: 5
        })
    );
    assert_eq!(
        Postgres.column_type(&meta("character varying")),
        Ok(ColumnType::Text {
            length: None,
            fixed: false
        })
    );
    assert_eq!(
        Postgres.column_type(&meta("timestamp(3) with time zone")),
        Ok(ColumnType::TimestampTz { precision: 3 })
    );
    assert_eq!(
        Postgres.column_type(&meta("time without time zone")),
        Ok(ColumnType::Time { precision: 6 })
    );
}

/// `format_type`'s spellings, as the source's catalog query and an existing target's
/// columns report them.
#[test]
fn format_type_spellings_map_to_column_types() {
    use ColumnType as T;
    let text = |length, fixed| T::Text { length, fixed };
    let cases = [
        ("boolean", T::Boolean),
        ("smallint", T::Int16),
        ("integer", T::Int32),
        ("bigint", T::Int64),
        ("real", T::Float32),
        ("double precision", T::Float64),
        ("date", T::Date),
        (
            "bytea",
            T::Binary {
                length: None,
                fixed: false,
            },
        ),
        ("uuid", text(Some(36), true)),
        (
            "numeric(18,5)",
            T::Decimal {
                precision: 18,
                scale: 5,
            },
        ),
        ("numeric", T::UNCONSTRAINED_DECIMAL),
        ("character varying(20)", text(Some(20), false)),
        ("character varying", text(None, false)),
        ("character(3)", text(Some(3), true)),
        ("character", text(None, false)),
        (
            "timestamp(3) with time zone",
            T::TimestampTz { precision: 3 },
        ),
        ("timestamp with time zone", T::TimestampTz { precision: 6 }),
        (
            "timestamp(0) without time zone",
            T::Timestamp { precision: 0 },
        ),
        ("timestamp without time zone", T::Timestamp { precision: 6 }),
        ("time(2) without time zone", T::Time { precision: 2 }),
        ("time without time zone", T::Time { precision: 6 }),
        ("time with time zone", text(None, false)),
        ("interval", text(None, false)),
        ("jsonb", text(None, false)),
        ("integer[]", text(None, false)),
    ];
    for (declared, expected) in cases {
        let meta = ColumnMeta::declared(declared);
        assert_eq!(Postgres.column_type(&meta), Ok(expected), "{declared}");
    }
}

#[test]
fn psqlodbc_settings_reads_and_limits() {
    let tuning = |fetch_rows| DriverTuning {
        fetch_rows,
        max_text_size: 65_536,
        trust_server_certificate: false,
    };
    let settings = Postgres.driver_defaults("PostgreSQL Unicode", tuning(5000));
    assert_eq!(
        settings,
        vec![
            ("UseDeclareFetch", "1".to_string()),
            ("Fetch", "5000".to_string()),
            ("BoolsAsChar", "0".to_string()),
            ("MaxLongVarcharSize", "65536".to_string()),
            ("ByteaAsLongVarBinary", "1".to_string()),
            ("TextAsLongVarchar", "1".to_string()),
            ("UnknownsAsLongVarchar", "1".to_string()),
            ("LFConversion", "0".to_string()),
        ]
    );
    let fetch = |rows| Postgres.driver_defaults("", tuning(rows))[1].1.clone();
    assert_eq!(
        (fetch(1), fetch(10_000_000)),
        ("100".into(), "100000".into())
    );
    assert_eq!(Postgres.max_name_length(), 63);
    assert!(
        Postgres
            .prepare_batch_effect()
            .contains("NUL characters removed")
    );

    let column = |column_type, source_type: &str| Column {
        source_name: "c".into(),
        name: "c".into(),
        column_type,
        nullable: true,
        source_type: source_type.into(),
    };
    let text = ColumnType::Text {
        length: None,
        fixed: false,
    };
    // Text that is not character data is PostgreSQL's own text of the value.
    assert_eq!(
        Postgres.select_expr("\"u\"", &column(text, "uuid")),
        "\"u\"::text"
    );
    assert_eq!(
        Postgres.select_expr("\"t\"", &column(text, "text")),
        "\"t\""
    );
    assert_eq!(
        Postgres.select_expr("\"v\"", &column(text, "character varying(5)")),
        "\"v\""
    );
    for read_as_text in [
        ColumnType::Date,
        ColumnType::Timestamp { precision: 6 },
        ColumnType::Float32,
        ColumnType::Float64,
    ] {
        assert_eq!(
            Postgres.fetch_form(&column(read_as_text, "x")),
            FetchForm::Text,
            "{read_as_text:?}"
        );
    }
    assert_eq!(
        Postgres.fetch_form(&column(ColumnType::Int32, "integer")),
        FetchForm::Native
    );
    // format_type's spellings of what type_sql writes are exact; others are not.
    assert!(Postgres.faithful_type("time without time zone", &ColumnType::Time { precision: 6 }));
    assert!(Postgres.faithful_type(
        "timestamp without time zone",
        &ColumnType::Timestamp { precision: 6 }
    ));
    assert!(Postgres.faithful_type(
        "timestamp with time zone",
        &ColumnType::TimestampTz { precision: 6 }
    ));
    assert!(Postgres.faithful_type("character varying", &text));
    assert!(!Postgres.faithful_type("citext", &text));
    assert!(!Postgres.faithful_type("integer", &ColumnType::Int64));
}

#[test]
fn types_as_users_write_them_are_spelled_as_the_catalog_spells_them() {
    let d = Postgres;
    for (written, spelled) in [
        ("varchar(7)", "character varying(7)"),
        ("VARCHAR (7)", "character varying(7)"),
        ("char(64)", "character(64)"),
        ("int", "integer"),
        ("int8", "bigint"),
        ("int2", "smallint"),
        ("float4", "real"),
        ("decimal(10, 2)", "numeric(10,2)"),
        ("float8", "double precision"),
        ("bool", "boolean"),
        ("timestamptz(3)", "timestamp(3) with time zone"),
        ("timestamp", "timestamp without time zone"),
        ("time(2)", "time(2) without time zone"),
        ("timestamp(3) with time zone", "timestamp(3) with time zone"),
        ("jsonb", "jsonb"),
    ] {
        assert_eq!(d.catalog_spelling(written), spelled, "{written}");
    }
    assert_eq!(
        d.target_column_type(&d.catalog_spelling("decimal(10,2)")),
        crate::plan::decimal(10, 2)
    );
    assert_eq!(
        d.target_column_type(&d.catalog_spelling("varchar(5)")),
        ColumnType::Text {
            length: Some(5),
            fixed: false
        }
    );
}

/// Timestamps with time zone are read in UTC (a server set to Europe/Amsterdam would otherwise
/// send them in its zone); the target takes a timestamp without zone into timestamptz as UTC.
#[test]
fn sessions_read_and_write_in_utc() {
    assert_eq!(Postgres.source_session_sql(), ["SET TIME ZONE 'UTC'"]);
    assert_eq!(Postgres.target_session_sql(), ["SET TIME ZONE 'UTC'"]);
}

#[test]
fn postgres_literals_mean_the_same_whatever_standard_conforming_strings_says() {
    let d = Postgres;
    assert_eq!(d.literal("o'k"), "'o''k'");
    assert_eq!(d.literal("C:\\data\\'x'"), "E'C:\\\\data\\\\''x'''");
    assert_eq!(d.literal("\\"), "E'\\\\'");
}

#[test]
fn a_refused_postgres_login_is_told_from_an_unreachable_server() {
    let d = Postgres;
    assert!(d.login_refused(
        101,
        "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password \
         authentication failed for user \"loader\""
    ));
    assert!(d.login_refused(101, "fe_sendauth: no password supplied"));
    assert!(!d.login_refused(101, "could not connect to server: Connection refused"));
}
