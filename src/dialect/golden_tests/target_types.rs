//! Every column type's target type in every dialect, that each DBMS parses it, and that every
//! lossy mapping warns.

use super::*;

/// Every column type the plan knows, with the type each target dialect creates for it:
/// PostgreSQL, MariaDB, SQLite, SQL Server, Oracle, generic.
pub(super) fn target_types() -> Vec<(ColumnType, [&'static str; 6])> {
    vec![
        (
            ColumnType::Boolean,
            [
                "boolean",
                "boolean",
                "BOOLEAN",
                "bit",
                "NUMBER(1)",
                "BOOLEAN",
            ],
        ),
        (
            ColumnType::Int8,
            [
                "smallint",
                "tinyint",
                "TINYINT",
                "smallint",
                "NUMBER(3)",
                "SMALLINT",
            ],
        ),
        (
            ColumnType::Int16,
            [
                "smallint",
                "smallint",
                "SMALLINT",
                "smallint",
                "NUMBER(5)",
                "SMALLINT",
            ],
        ),
        (
            ColumnType::Int32,
            ["integer", "int", "INTEGER", "int", "NUMBER(10)", "INTEGER"],
        ),
        (
            ColumnType::Int64,
            [
                "bigint",
                "bigint",
                "BIGINT",
                "bigint",
                "NUMBER(19)",
                "BIGINT",
            ],
        ),
        (
            ColumnType::Float32,
            ["real", "float", "REAL", "real", "BINARY_FLOAT", "REAL"],
        ),
        (
            ColumnType::Float64,
            [
                "double precision",
                "double",
                "DOUBLE",
                "float",
                "BINARY_DOUBLE",
                "DOUBLE PRECISION",
            ],
        ),
        (
            dec(18, 5),
            [
                "numeric(18,5)",
                "decimal(18,5)",
                "DECIMAL_TEXT(18,5)",
                "decimal(18,5)",
                "NUMBER(18,5)",
                "DECIMAL(18,5)",
            ],
        ),
        (
            dec(38, 0),
            [
                "numeric(38,0)",
                "decimal(38,0)",
                "DECIMAL_TEXT(38,0)",
                "decimal(38,0)",
                "NUMBER(38,0)",
                "DECIMAL(38,0)",
            ],
        ),
        (
            ColumnType::UNCONSTRAINED_DECIMAL,
            [
                "numeric",
                "longtext",
                "NUMERIC_TEXT",
                "nvarchar(max)",
                "CLOB",
                "CLOB",
            ],
        ),
        (
            ColumnType::DecimalText {
                precision: Some(50),
                scale: Some(10),
            },
            [
                "numeric(50,10)",
                "decimal(50,10)",
                "DECIMAL_TEXT(50,10)",
                "nvarchar(53)",
                "VARCHAR2(53 CHAR)",
                "CLOB",
            ],
        ),
        (
            ColumnType::DecimalText {
                precision: Some(65),
                scale: Some(30),
            },
            [
                "numeric(65,30)",
                "decimal(65,30)",
                "DECIMAL_TEXT(65,30)",
                "nvarchar(68)",
                "VARCHAR2(68 CHAR)",
                "CLOB",
            ],
        ),
        (
            ColumnType::DecimalText {
                precision: Some(70),
                scale: Some(31),
            },
            [
                "numeric(70,31)",
                "longtext",
                "DECIMAL_TEXT(70,31)",
                "nvarchar(73)",
                "VARCHAR2(73 CHAR)",
                "CLOB",
            ],
        ),
        (
            text(Some(10), true),
            [
                "character(10)",
                "char(10)",
                "CHAR(10)",
                "nchar(10)",
                "CHAR(10 CHAR)",
                "CHAR(10)",
            ],
        ),
        (
            text(Some(100), false),
            [
                "character varying(100)",
                "varchar(100)",
                "VARCHAR(100)",
                "nvarchar(100)",
                "VARCHAR2(100 CHAR)",
                "VARCHAR(100)",
            ],
        ),
        (
            text(Some(4000), false),
            [
                "character varying(4000)",
                "text",
                "VARCHAR(4000)",
                "nvarchar(4000)",
                "CLOB",
                "VARCHAR(4000)",
            ],
        ),
        (
            text(Some(20_000), false),
            [
                "character varying(20000)",
                "mediumtext",
                "VARCHAR(20000)",
                "nvarchar(max)",
                "CLOB",
                "VARCHAR(20000)",
            ],
        ),
        (
            text(None, false),
            ["text", "longtext", "TEXT", "nvarchar(max)", "CLOB", "CLOB"],
        ),
        (
            binary(Some(16), true),
            [
                "bytea",
                "binary(16)",
                "BLOB",
                "binary(16)",
                "RAW(16)",
                "BINARY(16)",
            ],
        ),
        (
            binary(Some(100), false),
            [
                "bytea",
                "varbinary(100)",
                "BLOB",
                "varbinary(100)",
                "RAW(100)",
                "VARBINARY(100)",
            ],
        ),
        (
            binary(None, false),
            [
                "bytea",
                "longblob",
                "BLOB",
                "varbinary(max)",
                "BLOB",
                "BLOB",
            ],
        ),
        (
            ColumnType::Date,
            ["date", "date", "DATE", "date", "DATE", "DATE"],
        ),
        (
            ColumnType::Time { precision: 6 },
            [
                "time(6)",
                "time(6)",
                "TIME",
                "time(6)",
                "VARCHAR2(18 CHAR)",
                "TIME(6)",
            ],
        ),
        (
            ColumnType::Time { precision: 7 },
            [
                "time(6)",
                "time(6)",
                "TIME",
                "time(7)",
                "VARCHAR2(18 CHAR)",
                "TIME(7)",
            ],
        ),
        (
            ColumnType::Timestamp { precision: 0 },
            [
                "timestamp(0)",
                "datetime(0)",
                "TIMESTAMP",
                "datetime2(0)",
                "TIMESTAMP(0)",
                "TIMESTAMP(0)",
            ],
        ),
        (
            ColumnType::Timestamp { precision: 6 },
            [
                "timestamp(6)",
                "datetime(6)",
                "TIMESTAMP",
                "datetime2(6)",
                "TIMESTAMP(6)",
                "TIMESTAMP(6)",
            ],
        ),
        (
            ColumnType::Timestamp { precision: 7 },
            [
                "timestamp(6)",
                "datetime(6)",
                "TIMESTAMP",
                "datetime2(7)",
                "TIMESTAMP(7)",
                "TIMESTAMP(7)",
            ],
        ),
        (
            ColumnType::TimestampTz { precision: 6 },
            [
                "timestamp(6) with time zone",
                "datetime(6)",
                "TIMESTAMP",
                "datetimeoffset(6)",
                "TIMESTAMP(6) WITH TIME ZONE",
                "TIMESTAMP(6) WITH TIME ZONE",
            ],
        ),
    ]
}

#[test]
fn every_column_type_maps_to_these_target_types_in_every_dialect() {
    // Where a target keeps less (PostgreSQL's 6 fractional digits for time(7)), `check` warns:
    // see lossy_mappings_come_with_warnings.
    for (column_type, expected) in target_types() {
        for (dialect, want) in all_dialects().iter().zip(expected) {
            assert_eq!(
                dialect.type_sql(&column_type),
                want,
                "{} {column_type:?}",
                dialect.name()
            );
        }
    }
}

#[test]
fn every_source_type_of_the_fixtures_has_a_target_type_that_its_dbms_parses() {
    // The whole chain: reported metadata -> column type -> a DDL type in every target, which
    // that target's SQL parser accepts in a CREATE TABLE.
    for (dialect, fixtures) in [
        (&SqlServer as &dyn Dialect, sql_server()),
        (&Oracle, oracle()),
        (&Generic, generic()),
    ] {
        for f in &fixtures {
            let column_type = dialect.column_type(&meta(f)).unwrap();
            for target in all_dialects() {
                let sql = format!("CREATE TABLE t (c {})", target.type_sql(&column_type))
                    // sqlparser does not know Oracle's length semantics.
                    .replace(" CHAR)", ")");
                let parsed =
                    sqlparser::parser::Parser::parse_sql(sql_parser_for(target).as_ref(), &sql);
                assert!(
                    parsed.is_ok(),
                    "{} does not parse {sql} (for {}): {parsed:?}",
                    target.name(),
                    f.source
                );
            }
        }
    }
}

#[test]
fn lossy_mappings_come_with_warnings() {
    let tz = ColumnType::TimestampTz { precision: 7 };
    let reported = r(
        "datetimeoffset(7)",
        t::SS_TIMESTAMPOFFSET,
        34,
        7,
        "datetimeoffset",
        tz,
    );
    assert!(SqlServer.source_warnings(&meta(&reported), &tz)[0].contains("text"));
    let tz6 = ColumnType::TimestampTz { precision: 6 };
    assert!(Postgres.source_warnings(&meta(&reported), &tz6)[0].contains("UTC"));
    let variant = r(
        "sql_variant",
        t::SS_VARIANT,
        8000,
        0,
        "sql_variant",
        text(None, false),
    );
    assert!(
        SqlServer.source_warnings(&meta(&variant), &text(None, false))[0].contains("sql_variant")
    );
    assert!(Postgres.target_warnings(&ColumnType::Timestamp { precision: 7 })[0].contains("6"));
    assert!(MariaDb.target_warnings(&ColumnType::UNCONSTRAINED_DECIMAL)[0].contains("text"));
    assert!(Oracle.target_warnings(&ColumnType::Time { precision: 6 })[0].contains("text"));
    assert!(SqlServer.target_warnings(&ColumnType::UNCONSTRAINED_DECIMAL)[0].contains("38"));
    assert!(Postgres.target_warnings(&ColumnType::Int64).is_empty());
}
