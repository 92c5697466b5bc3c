use super::*;

#[test]
fn connection_parts_follow_the_driver() {
    let ms = SqlServer.connection_parts(
        "ODBC Driver 18 for SQL Server",
        Some("db"),
        Some(1433),
        Some("zaken"),
    );
    assert_eq!(
        ms,
        vec![
            ("Server".to_string(), "db,1433".to_string()),
            ("Database".to_string(), "zaken".to_string())
        ]
    );
    let tds = SqlServer.connection_parts("FreeTDS", Some("db"), Some(1433), None);
    assert_eq!(
        tds,
        vec![
            ("Server".to_string(), "db".to_string()),
            ("Port".to_string(), "1433".to_string())
        ]
    );
}

#[test]
fn schema_creation_is_its_own_batch() {
    assert_eq!(
        SqlServer.create_schema_sql("stg").unwrap(),
        "IF SCHEMA_ID(N'stg') IS NULL EXEC('CREATE SCHEMA [stg]')"
    );
}

#[test]
fn the_catalogs_spellings_map_to_column_types() {
    use ColumnType as T;
    let text = |length, fixed| T::Text { length, fixed };
    let binary = |length, fixed| T::Binary { length, fixed };
    let cases = [
        ("bit", T::Boolean),
        ("tinyint", T::Int16),
        ("smallint", T::Int16),
        ("int", T::Int32),
        ("bigint", T::Int64),
        ("real", T::Float32),
        ("float", T::Float64),
        (
            "decimal(12,2)",
            T::Decimal {
                precision: 12,
                scale: 2,
            },
        ),
        (
            "numeric",
            T::Decimal {
                precision: 18,
                scale: 0,
            },
        ),
        (
            "money",
            T::Decimal {
                precision: 19,
                scale: 4,
            },
        ),
        (
            "smallmoney",
            T::Decimal {
                precision: 10,
                scale: 4,
            },
        ),
        ("nchar(2)", text(Some(2), true)),
        ("char(max)", text(None, false)),
        ("varchar(50)", text(Some(50), false)),
        ("nvarchar(max)", text(None, false)),
        ("ntext", text(None, false)),
        ("xml", text(None, false)),
        ("sql_variant", text(None, false)),
        ("uniqueidentifier", text(Some(36), true)),
        ("binary(16)", binary(Some(16), true)),
        ("varbinary(max)", binary(None, false)),
        ("image", binary(None, false)),
        ("rowversion", binary(Some(8), true)),
        ("timestamp", binary(Some(8), true)),
        ("date", T::Date),
        ("time(3)", T::Time { precision: 3 }),
        ("time", T::Time { precision: 7 }),
        ("datetime2(7)", T::Timestamp { precision: 7 }),
        ("datetime", T::Timestamp { precision: 3 }),
        ("smalldatetime", T::Timestamp { precision: 0 }),
        ("datetimeoffset(2)", T::TimestampTz { precision: 2 }),
    ];
    for (declared, expected) in cases {
        assert_eq!(
            SqlServer.target_column_type(declared),
            expected,
            "{declared}"
        );
    }
    assert_eq!(declared_type("geography"), None);
}

#[test]
fn driver_settings_follow_the_driver_and_the_certificate_setting() {
    let tuning = |trust| DriverTuning {
        fetch_rows: 1,
        max_text_size: 1,
        trust_server_certificate: trust,
    };
    assert_eq!(
        SqlServer.driver_defaults("FreeTDS", tuning(true)),
        vec![
            ("TDS_Version", "7.4".to_string()),
            ("ClientCharset", "UTF-8".to_string())
        ]
    );
    assert_eq!(
        SqlServer.driver_defaults("ODBC Driver 18 for SQL Server", tuning(true)),
        vec![("TrustServerCertificate", "yes".to_string())]
    );
    assert!(
        SqlServer
            .driver_defaults("ODBC Driver 18 for SQL Server", tuning(false))
            .is_empty()
    );
}

#[test]
fn driver_metadata_of_sql_servers_own_types() {
    let meta = |sql_type, type_name: &str| ColumnMeta {
        name: "c".into(),
        sql_type,
        column_size: 0,
        decimal_digits: 0,
        nullable: None,
        type_name: type_name.into(),
        unsigned: false,
        declared: None,
    };
    // FreeTDS does not say that tinyint is unsigned.
    assert_eq!(
        SqlServer.column_type(&meta(sql_type::TINYINT, "tinyint")),
        Ok(ColumnType::Int16)
    );
    let udt = meta(sql_type::SS_UDT, "geography");
    assert_eq!(
        SqlServer.source_warnings(
            &udt,
            &ColumnType::Binary {
                length: None,
                fixed: false
            }
        ),
        vec!["geography is read as its serialised bytes (CLR type)".to_string()]
    );
    let variant = meta(sql_type::SS_VARIANT, "sql_variant");
    assert!(
        SqlServer.source_warnings(&variant, &ColumnType::Int32)[0]
            .starts_with("sql_variant is read as its text")
    );
    assert!(
        SqlServer
            .source_warnings(&meta(sql_type::INTEGER, "int"), &ColumnType::Int32)
            .is_empty()
    );
}

#[test]
fn the_catalog_is_asked_in_the_database_a_schema_names() {
    let d = SqlServer;
    assert_eq!(d.catalog_scope_sql(None), "SELECT N'', SCHEMA_NAME()");
    assert_eq!(d.catalog_scope_sql(Some("dbo")), "SELECT N'', N'dbo'");
    assert_eq!(
        d.catalog_scope_sql(Some("zaken.dbo")),
        "SELECT N'zaken', N'dbo'"
    );
}

#[test]
fn a_refused_login_is_18456() {
    assert!(SqlServer.login_refused(18456, "Login failed for user \"x\""));
    assert!(!SqlServer.login_refused(4060, "Cannot open database"));
}
