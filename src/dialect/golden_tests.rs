//! Dialects without a server: the column metadata that SQL Server's, Oracle's and other drivers
//! report (from their documentation) mapped to column types and to the target type of every
//! dialect; and the generated SQL of every dialect compared with golden files and parsed with
//! sqlparser's dialect for that DBMS.
//!
//! Regenerate the golden files after an intended change with
//! `UPDATE_GOLDEN=1 cargo test --lib golden_tests`, and read the diff.

use crate::{
    dialect::{
        Dialect, generic::Generic, mariadb::MariaDb, mssql::SqlServer, oracle::Oracle,
        postgres::Postgres, sqlite::Sqlite,
    },
    plan::{Column, ColumnMeta, ColumnType, LoadColumn, TargetColumn, sql_type as t},
};
use arrow_odbc::arrow::{datatypes::DataType, record_batch::RecordBatch};

/// What a driver reports for one column: SQL type, column size, decimal digits, type name,
/// unsigned, and (when the dialect reads the catalog) the declared type.
struct Reported {
    source: &'static str,
    sql_type: i16,
    size: usize,
    digits: i16,
    type_name: &'static str,
    unsigned: bool,
    declared: Option<&'static str>,
    expected: ColumnType,
}

const fn r(
    source: &'static str,
    sql_type: i16,
    size: usize,
    digits: i16,
    type_name: &'static str,
    expected: ColumnType,
) -> Reported {
    Reported {
        source,
        sql_type,
        size,
        digits,
        type_name,
        unsigned: false,
        declared: None,
        expected,
    }
}

fn meta(rep: &Reported) -> ColumnMeta {
    ColumnMeta {
        name: "c".into(),
        sql_type: rep.sql_type,
        column_size: rep.size,
        decimal_digits: rep.digits,
        nullable: Some(true),
        type_name: rep.type_name.into(),
        unsigned: rep.unsigned,
        declared: rep.declared.map(str::to_string),
    }
}

const fn text(length: Option<u32>, fixed: bool) -> ColumnType {
    ColumnType::Text { length, fixed }
}
const fn binary(length: Option<u32>, fixed: bool) -> ColumnType {
    ColumnType::Binary { length, fixed }
}
const fn dec(precision: u8, scale: i8) -> ColumnType {
    ColumnType::Decimal { precision, scale }
}

/// Microsoft ODBC Driver 17/18 for SQL Server ("Data Types" and "Date and Time Improvements" in
/// its documentation). FreeTDS with TDS 7.4 reports the same.
fn sql_server() -> Vec<Reported> {
    let mut tinyint = r("tinyint", t::TINYINT, 3, 0, "tinyint", ColumnType::Int16);
    tinyint.unsigned = true;
    vec![
        r("bigint", t::BIGINT, 19, 0, "bigint", ColumnType::Int64),
        r("int", t::INTEGER, 10, 0, "int", ColumnType::Int32),
        r("smallint", t::SMALLINT, 5, 0, "smallint", ColumnType::Int16),
        tinyint,
        r("bit", t::BIT, 1, 0, "bit", ColumnType::Boolean),
        r("decimal(18,5)", t::DECIMAL, 18, 5, "decimal", dec(18, 5)),
        r("numeric(38,10)", t::NUMERIC, 38, 10, "numeric", dec(38, 10)),
        r("money", t::DECIMAL, 19, 4, "money", dec(19, 4)),
        r("smallmoney", t::DECIMAL, 10, 4, "smallmoney", dec(10, 4)),
        r("float", t::FLOAT, 53, 0, "float", ColumnType::Float64),
        r("real", t::REAL, 24, 0, "real", ColumnType::Float32),
        r("date", t::TYPE_DATE, 10, 0, "date", ColumnType::Date),
        r(
            "time(7)",
            t::SS_TIME2,
            16,
            7,
            "time",
            ColumnType::Time { precision: 7 },
        ),
        r(
            "time(0)",
            t::SS_TIME2,
            8,
            0,
            "time",
            ColumnType::Time { precision: 0 },
        ),
        r(
            "datetime",
            t::TYPE_TIMESTAMP,
            23,
            3,
            "datetime",
            ColumnType::Timestamp { precision: 3 },
        ),
        r(
            "datetime2(7)",
            t::TYPE_TIMESTAMP,
            27,
            7,
            "datetime2",
            ColumnType::Timestamp { precision: 7 },
        ),
        r(
            "datetime2(3)",
            t::TYPE_TIMESTAMP,
            23,
            3,
            "datetime2",
            ColumnType::Timestamp { precision: 3 },
        ),
        r(
            "smalldatetime",
            t::TYPE_TIMESTAMP,
            16,
            0,
            "smalldatetime",
            ColumnType::Timestamp { precision: 0 },
        ),
        r(
            "datetimeoffset(7)",
            t::SS_TIMESTAMPOFFSET,
            34,
            7,
            "datetimeoffset",
            ColumnType::TimestampTz { precision: 7 },
        ),
        r("char(10)", t::CHAR, 10, 0, "char", text(Some(10), true)),
        r(
            "varchar(50)",
            t::VARCHAR,
            50,
            0,
            "varchar",
            text(Some(50), false),
        ),
        r(
            "varchar(max)",
            t::VARCHAR,
            0,
            0,
            "varchar",
            text(None, false),
        ),
        r(
            "text",
            t::LONGVARCHAR,
            2_147_483_647,
            0,
            "text",
            text(None, false),
        ),
        r("nchar(10)", t::WCHAR, 10, 0, "nchar", text(Some(10), true)),
        r(
            "nvarchar(100)",
            t::WVARCHAR,
            100,
            0,
            "nvarchar",
            text(Some(100), false),
        ),
        r(
            "nvarchar(max)",
            t::WVARCHAR,
            0,
            0,
            "nvarchar",
            text(None, false),
        ),
        r(
            "ntext",
            t::WLONGVARCHAR,
            1_073_741_823,
            0,
            "ntext",
            text(None, false),
        ),
        r(
            "binary(16)",
            t::BINARY,
            16,
            0,
            "binary",
            binary(Some(16), true),
        ),
        r(
            "varbinary(100)",
            t::VARBINARY,
            100,
            0,
            "varbinary",
            binary(Some(100), false),
        ),
        r(
            "varbinary(max)",
            t::VARBINARY,
            0,
            0,
            "varbinary",
            binary(None, false),
        ),
        r(
            "image",
            t::LONGVARBINARY,
            2_147_483_647,
            0,
            "image",
            binary(None, false),
        ),
        r(
            "uniqueidentifier",
            t::GUID,
            36,
            0,
            "uniqueidentifier",
            text(Some(36), true),
        ),
        r(
            "rowversion",
            t::BINARY,
            8,
            0,
            "timestamp",
            binary(Some(8), true),
        ),
        r(
            "sql_variant",
            t::SS_VARIANT,
            8000,
            0,
            "sql_variant",
            text(None, false),
        ),
        r("xml", t::SS_XML, 0, 0, "xml", text(None, false)),
        r(
            "geography",
            t::SS_UDT,
            0,
            0,
            "geography",
            binary(None, false),
        ),
    ]
}

/// Oracle Instant Client ODBC driver, with the declared type this tool reads from
/// ALL_TAB_COLUMNS (`Dialect::declared_types_sql`); and, for the numbers, what the driver reports
/// when the catalog query is not available.
fn oracle() -> Vec<Reported> {
    let d = |source: &'static str,
             declared: &'static str,
             sql_type,
             size,
             digits,
             type_name,
             expected| Reported {
        source,
        sql_type,
        size,
        digits,
        type_name,
        unsigned: false,
        declared: Some(declared),
        expected,
    };
    vec![
        d(
            "NUMBER",
            "NUMBER",
            t::DOUBLE,
            15,
            0,
            "NUMBER",
            ColumnType::UNCONSTRAINED_DECIMAL,
        ),
        d(
            "NUMBER(1)",
            "NUMBER(1,0)",
            t::DECIMAL,
            1,
            0,
            "NUMBER",
            ColumnType::Int8,
        ),
        d(
            "NUMBER(4)",
            "NUMBER(4,0)",
            t::DECIMAL,
            4,
            0,
            "NUMBER",
            ColumnType::Int16,
        ),
        d(
            "NUMBER(5)",
            "NUMBER(5,0)",
            t::DECIMAL,
            5,
            0,
            "NUMBER",
            ColumnType::Int32,
        ),
        d(
            "NUMBER(10)",
            "NUMBER(10,0)",
            t::DECIMAL,
            10,
            0,
            "NUMBER",
            ColumnType::Int64,
        ),
        d(
            "NUMBER(20)",
            "NUMBER(20,0)",
            t::DECIMAL,
            20,
            0,
            "NUMBER",
            dec(20, 0),
        ),
        d(
            "NUMBER(12,2)",
            "NUMBER(12,2)",
            t::DECIMAL,
            12,
            2,
            "NUMBER",
            dec(12, 2),
        ),
        d(
            "NUMBER(5,-2)",
            "NUMBER(5,-2)",
            t::DECIMAL,
            5,
            -2,
            "NUMBER",
            ColumnType::Int32,
        ),
        d(
            "INTEGER (NUMBER(*,0))",
            "NUMBER(*,0)",
            t::DECIMAL,
            38,
            0,
            "NUMBER",
            dec(38, 0),
        ),
        d(
            "FLOAT(126)",
            "FLOAT(126)",
            t::FLOAT,
            126,
            0,
            "FLOAT",
            ColumnType::UNCONSTRAINED_DECIMAL,
        ),
        d(
            "BINARY_FLOAT",
            "BINARY_FLOAT",
            t::REAL,
            7,
            0,
            "BINARY_FLOAT",
            ColumnType::Float32,
        ),
        d(
            "BINARY_DOUBLE",
            "BINARY_DOUBLE",
            t::DOUBLE,
            15,
            0,
            "BINARY_DOUBLE",
            ColumnType::Float64,
        ),
        d(
            "DATE",
            "DATE",
            t::TYPE_TIMESTAMP,
            19,
            0,
            "DATE",
            ColumnType::Timestamp { precision: 0 },
        ),
        d(
            "TIMESTAMP(6)",
            "TIMESTAMP(6)",
            t::TYPE_TIMESTAMP,
            26,
            6,
            "TIMESTAMP(6)",
            ColumnType::Timestamp { precision: 6 },
        ),
        d(
            "TIMESTAMP(9)",
            "TIMESTAMP(9)",
            t::TYPE_TIMESTAMP,
            29,
            9,
            "TIMESTAMP(9)",
            ColumnType::Timestamp { precision: 9 },
        ),
        d(
            "TIMESTAMP(6) WITH TIME ZONE",
            "TIMESTAMP(6) WITH TIME ZONE",
            t::TYPE_TIMESTAMP,
            26,
            6,
            "TIMESTAMP(6) WITH TIME ZONE",
            ColumnType::TimestampTz { precision: 6 },
        ),
        d(
            "TIMESTAMP(6) WITH LOCAL TIME ZONE",
            "TIMESTAMP(6) WITH LOCAL TIME ZONE",
            t::TYPE_TIMESTAMP,
            26,
            6,
            "TIMESTAMP(6) WITH LOCAL TIME ZONE",
            ColumnType::TimestampTz { precision: 6 },
        ),
        d(
            "VARCHAR2(100 BYTE)",
            "VARCHAR2(100)",
            t::WVARCHAR,
            100,
            0,
            "VARCHAR2",
            text(Some(100), false),
        ),
        d(
            "VARCHAR2(100 CHAR)",
            "VARCHAR2(100)",
            t::WVARCHAR,
            100,
            0,
            "VARCHAR2",
            text(Some(100), false),
        ),
        d(
            "NVARCHAR2(50)",
            "NVARCHAR2(50)",
            t::WVARCHAR,
            50,
            0,
            "NVARCHAR2",
            text(Some(50), false),
        ),
        d(
            "CHAR(3)",
            "CHAR(3)",
            t::WCHAR,
            3,
            0,
            "CHAR",
            text(Some(3), true),
        ),
        d(
            "CLOB",
            "CLOB",
            t::WLONGVARCHAR,
            2_147_483_647,
            0,
            "CLOB",
            text(None, false),
        ),
        d(
            "NCLOB",
            "NCLOB",
            t::WLONGVARCHAR,
            2_147_483_647,
            0,
            "NCLOB",
            text(None, false),
        ),
        d(
            "LONG",
            "LONG",
            t::WLONGVARCHAR,
            2_147_483_647,
            0,
            "LONG",
            text(None, false),
        ),
        d(
            "RAW(16)",
            "RAW(16)",
            t::VARBINARY,
            16,
            0,
            "RAW",
            binary(Some(16), false),
        ),
        d(
            "BLOB",
            "BLOB",
            t::LONGVARBINARY,
            2_147_483_647,
            0,
            "BLOB",
            binary(None, false),
        ),
        d(
            "LONG RAW",
            "LONG RAW",
            t::LONGVARBINARY,
            2_147_483_647,
            0,
            "LONG RAW",
            binary(None, false),
        ),
        // Without the catalog, from the driver's metadata alone.
        r(
            "NUMBER (no catalog)",
            t::DOUBLE,
            15,
            0,
            "NUMBER",
            ColumnType::UNCONSTRAINED_DECIMAL,
        ),
        r(
            "NUMBER(10) (no catalog)",
            t::DECIMAL,
            10,
            0,
            "NUMBER",
            ColumnType::Int64,
        ),
        r(
            "NUMBER(12,2) (no catalog)",
            t::DECIMAL,
            12,
            2,
            "NUMBER",
            dec(12, 2),
        ),
        r(
            "FLOAT (no catalog)",
            t::FLOAT,
            126,
            0,
            "FLOAT",
            ColumnType::UNCONSTRAINED_DECIMAL,
        ),
        r(
            "DATE (no catalog)",
            t::TYPE_TIMESTAMP,
            19,
            0,
            "DATE",
            ColumnType::Timestamp { precision: 0 },
        ),
        r(
            "TIMESTAMP WITH TIME ZONE (no catalog)",
            t::TYPE_TIMESTAMP,
            26,
            6,
            "TIMESTAMP WITH TIME ZONE",
            ColumnType::TimestampTz { precision: 6 },
        ),
    ]
}

/// Other DBMSs (DB2, Informix, Sybase, ...) through the generic dialect: standard ODBC types.
fn generic() -> Vec<Reported> {
    vec![
        r("INTEGER", t::INTEGER, 10, 0, "INTEGER", ColumnType::Int32),
        r("BIGINT", t::BIGINT, 19, 0, "BIGINT", ColumnType::Int64),
        r("DECIMAL(15,2)", t::DECIMAL, 15, 2, "DECIMAL", dec(15, 2)),
        r(
            "DECFLOAT(34)",
            t::DECIMAL,
            0,
            0,
            "DECFLOAT",
            ColumnType::UNCONSTRAINED_DECIMAL,
        ),
        r("DOUBLE", t::DOUBLE, 53, 0, "DOUBLE", ColumnType::Float64),
        r(
            "VARCHAR(200)",
            t::VARCHAR,
            200,
            0,
            "VARCHAR",
            text(Some(200), false),
        ),
        r(
            "CLOB",
            t::LONGVARCHAR,
            1_048_576,
            0,
            "CLOB",
            text(None, false),
        ),
        r(
            "BLOB",
            t::LONGVARBINARY,
            1_048_576,
            0,
            "BLOB",
            binary(None, false),
        ),
        r("DATE", t::TYPE_DATE, 10, 0, "DATE", ColumnType::Date),
        r(
            "TIME",
            t::TYPE_TIME,
            8,
            0,
            "TIME",
            ColumnType::Time { precision: 0 },
        ),
        r(
            "TIMESTAMP(6)",
            t::TYPE_TIMESTAMP,
            26,
            6,
            "TIMESTAMP",
            ColumnType::Timestamp { precision: 6 },
        ),
        r(
            "TIMESTAMP(12)",
            t::TYPE_TIMESTAMP,
            32,
            12,
            "TIMESTAMP",
            ColumnType::Timestamp { precision: 9 },
        ),
        r("BOOLEAN", t::BIT, 1, 0, "BOOLEAN", ColumnType::Boolean),
    ]
}

fn check_mapping(dialect: &dyn Dialect, fixtures: &[Reported]) {
    for f in fixtures {
        let got = dialect.column_type(&meta(f));
        assert_eq!(got, Ok(f.expected), "{}: {}", dialect.name(), f.source);
    }
}

#[test]
fn sql_server_metadata_maps_losslessly() {
    check_mapping(&SqlServer, &sql_server());
}

#[test]
fn oracle_metadata_maps_losslessly() {
    check_mapping(&Oracle, &oracle());
}

#[test]
fn generic_metadata_maps_losslessly() {
    check_mapping(&Generic, &generic());
    let unknown = r("ROW type", -999, 0, 0, "ROW", ColumnType::Boolean);
    let err = Generic.column_type(&meta(&unknown)).unwrap_err();
    assert!(err.contains("-999") && err.contains("ROW"), "{err}");
}

#[test]
fn dialects_are_picked_by_dbms_and_driver_name() {
    use crate::dialect::{for_dbms, for_driver};
    for (dbms, name) in [
        ("PostgreSQL", "PostgreSQL"),
        ("MariaDB", "MariaDB/MySQL"),
        ("MySQL", "MariaDB/MySQL"),
        ("SQLite", "SQLite"),
        ("Microsoft SQL Server", "SQL Server"),
        ("Oracle", "Oracle"),
        ("DB2/LINUXX8664", "generic ODBC"),
        ("Informix", "generic ODBC"),
    ] {
        assert_eq!(for_dbms(dbms).name(), name, "{dbms}");
    }
    for (driver, name) in [
        ("PostgreSQL Unicode", "PostgreSQL"),
        ("MariaDB Unicode", "MariaDB/MySQL"),
        ("MySQL ODBC 8.0 Unicode Driver", "MariaDB/MySQL"),
        ("SQLite3", "SQLite"),
        ("ODBC Driver 18 for SQL Server", "SQL Server"),
        ("FreeTDS", "SQL Server"),
        ("Oracle 21 ODBC driver", "Oracle"),
        ("Oracle in instantclient_21_13", "Oracle"),
        ("IBM DB2 ODBC DRIVER", "generic ODBC"),
    ] {
        assert_eq!(for_driver(driver).name(), name, "{driver}");
    }
}

/// Every column type the plan knows, with the type each target dialect creates for it:
/// PostgreSQL, MariaDB, SQLite, SQL Server, Oracle, generic.
fn target_types() -> Vec<(ColumnType, [&'static str; 6])> {
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

fn all_dialects() -> [&'static dyn Dialect; 6] {
    [&Postgres, &MariaDb, &Sqlite, &SqlServer, &Oracle, &Generic]
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

/// sqlparser's dialect for one of ours.
fn sql_parser_for(d: &dyn Dialect) -> Box<dyn sqlparser::dialect::Dialect> {
    match d.name() {
        "PostgreSQL" => Box::new(sqlparser::dialect::PostgreSqlDialect {}),
        "MariaDB/MySQL" => Box::new(sqlparser::dialect::MySqlDialect {}),
        "SQLite" => Box::new(sqlparser::dialect::SQLiteDialect {}),
        "SQL Server" => Box::new(sqlparser::dialect::MsSqlDialect {}),
        "Oracle" => Box::new(sqlparser::dialect::OracleDialect {}),
        _ => Box::new(sqlparser::dialect::AnsiDialect {}),
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

/// The columns of the golden-file table: one of every kind.
fn golden_columns() -> Vec<Column> {
    let column = |name: &str, column_type: ColumnType, nullable: bool| Column {
        source_name: name.to_uppercase(),
        name: name.to_string(),
        column_type,
        nullable,
        source_type: "x".into(),
    };
    vec![
        column("id", ColumnType::Int64, false),
        column("actief", ColumnType::Boolean, true),
        column("aantal", ColumnType::Int32, true),
        column("bedrag", dec(12, 2), true),
        column("exact", ColumnType::UNCONSTRAINED_DECIMAL, true),
        column("score", ColumnType::Float64, true),
        column("code", text(Some(6), true), true),
        column("naam", text(Some(100), false), true),
        column("opmerking", text(None, false), true),
        column("bestand", binary(None, false), true),
        column("datum", ColumnType::Date, true),
        column("tijd", ColumnType::Time { precision: 6 }, true),
        column("gewijzigd", ColumnType::Timestamp { precision: 6 }, true),
        column("vastgelegd", ColumnType::TimestampTz { precision: 6 }, true),
        column("nauwkeurig", ColumnType::Timestamp { precision: 7 }, true),
        column("moment7", ColumnType::TimestampTz { precision: 7 }, true),
        column(
            "groot",
            ColumnType::DecimalText {
                precision: Some(50),
                scale: Some(10),
            },
            true,
        ),
    ]
}

/// Source columns carried as text going into existing columns of other types: a MariaDB TIME
/// into a time column, an unconstrained decimal into decimal(12,2), SQL Server datetime2(7) into
/// a timestamp with 3 digits, datetimeoffset(7) into one with a time zone.
fn existing_columns(d: &dyn Dialect) -> Vec<LoadColumn> {
    let source = |name: &str, column_type: ColumnType| Column {
        source_name: name.to_uppercase(),
        name: name.to_string(),
        column_type,
        nullable: true,
        source_type: "x".into(),
    };
    [
        (
            source("duur", text(Some(17), false)),
            ColumnType::Time { precision: 6 },
        ),
        (
            source("bedrag", ColumnType::UNCONSTRAINED_DECIMAL),
            dec(12, 2),
        ),
        (
            source("nauwkeurig", ColumnType::Timestamp { precision: 7 }),
            ColumnType::Timestamp { precision: 3 },
        ),
        (
            source("moment7", ColumnType::TimestampTz { precision: 7 }),
            ColumnType::TimestampTz { precision: 3 },
        ),
        (source("naam", text(Some(20), false)), text(None, false)),
    ]
    .into_iter()
    .map(|(source, target_type)| {
        let target = TargetColumn::new_for(
            d,
            &Column {
                column_type: target_type,
                ..source.clone()
            },
        );
        LoadColumn { source, target }
    })
    .collect()
}

/// The insert statement of a dialect's strategy for `load`, the values travelling as `sent`.
fn insert_sql(d: &dyn Dialect, table_ref: &str, load: &[LoadColumn], sent: &[DataType]) -> String {
    let columns: Vec<String> = load.iter().map(|c| d.quote(&c.target.name)).collect();
    let params: Vec<String> = load
        .iter()
        .zip(sent)
        .map(|(c, sent)| d.parameter_sql(sent, &c.target))
        .collect();
    d.insert_strategy().statement(table_ref, &columns, &params)
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// One statement of a golden file, and whether sqlparser is expected to parse it.
struct Statement {
    what: &'static str,
    sql: String,
    parse: bool,
}

fn statements(d: &dyn Dialect) -> Vec<Statement> {
    let schema = Some("stg");
    let target = d.table_ref(schema, "clients");
    let side = d.table_ref(schema, "clients_s2s_new");
    let columns = golden_columns();
    let quoted: Vec<String> = columns.iter().map(|c| d.quote(&c.source_name)).collect();
    let select_list: Vec<String> = columns
        .iter()
        .zip(&quoted)
        .map(|(c, q)| d.select_expr(q, c))
        .collect();
    let source = d.table_ref(Some("app"), "CLIENTS");
    let mut lengths = vec!["COUNT(*)".to_string()];
    for (c, q) in columns.iter().zip(&quoted) {
        if c.column_type.is_unbounded()
            && let Some(e) = d.byte_length_sql(q, &c.column_type)
        {
            lengths.push(format!("MAX({e})"));
        }
    }
    // Procedural statements sqlparser does not know: SQL Server's IF/EXEC batches and Oracle's
    // PL/SQL blocks.
    let procedural = |sql: &str| {
        sql.starts_with("IF ")
            || sql.starts_with("BEGIN ")
            || sql.starts_with("EXEC ")
            || sql.starts_with("ALTER SESSION")
            || sql.starts_with("CREATE PRIVATE TEMPORARY")
            // PostgreSQL's CREATE TABLE (LIKE ... INCLUDING ...) and CREATE DATABASE ...
            // ENCODING, which sqlparser does not know.
            || sql.contains("(LIKE ")
            || sql.contains(" TEMPLATE template0")
    };
    let mut out = Vec::new();
    let mut add = |what: &'static str, sql: String| {
        let parse = !procedural(&sql);
        out.push(Statement { what, sql, parse });
    };
    if let Some(admin) = d.admin_database() {
        add(
            leak(match admin {
                "" => "missing database: exists? (on the server, without a database)".into(),
                _ => format!("missing database: exists? (on the database '{admin}')"),
            }),
            d.database_exists_sql("staging"),
        );
        add("missing database: create", d.create_database_sql("staging"));
    }
    if d.has_schemas() {
        add("schema exists", d.schema_exists_sql("stg"));
        if let Some(sql) = d.create_schema_sql("stg") {
            add("create schema", sql);
        }
    }
    add("table exists", d.table_exists_sql(schema, "clients"));
    add("drop side table", d.drop_table_sql(&side));
    add(
        "create side table",
        d.create_table_sql(&side, &d.column_defs(&columns)),
    );
    for sql in d.target_session_sql() {
        add("target session", sql);
    }
    add(
        "existing table's columns",
        d.table_columns_sql(schema, "clients"),
    );
    if let Some(sql) = d.dependent_views_sql(schema, "clients") {
        add("views that use the table", sql);
    }
    // The batch of a new table: the Arrow types of the columns, after the dialect's own changes.
    let new_load: Vec<LoadColumn> = columns
        .iter()
        .map(|c| LoadColumn {
            source: c.clone(),
            target: TargetColumn::new_for(d, c),
        })
        .collect();
    let schema_of = |load: &[LoadColumn]| {
        let shape = crate::plan::TableShape {
            columns: load.iter().map(|c| c.source.clone()).collect(),
        };
        let (batch, _) = d
            .prepare_batch(RecordBatch::new_empty(shape.arrow_schema()), load)
            .unwrap();
        batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.data_type().clone())
            .collect::<Vec<_>>()
    };
    add(
        "insert into the side table of a new table",
        insert_sql(d, &side, &new_load, &schema_of(&new_load)),
    );
    let existing = existing_columns(d);
    add(
        "insert into the side table of an existing table (casts to its column types)",
        insert_sql(d, &side, &existing, &schema_of(&existing)),
    );
    let names: Vec<String> = existing.iter().map(|c| d.quote(&c.target.name)).collect();
    let added = [crate::dialect::ColumnDef {
        name: "nieuw".into(),
        type_sql: d.type_sql(&text(Some(40), false)),
        nullable: true,
    }];
    for (what, refresh) in [
        ("truncate: refresh in one transaction", true),
        ("append in one transaction", false),
    ] {
        let merge = d.merge(&target, &side, &names, &added, refresh);
        for sql in merge.before {
            add(leak(format!("{what}: before, committed on its own")), sql);
        }
        for sql in merge.transaction {
            add(leak(format!("{what}: in the transaction")), sql);
        }
        for sql in merge.after {
            add(leak(format!("{what}: after the commit")), sql);
        }
    }
    add(
        "check: the empty copy a refresh is tried on",
        d.empty_copy_sql(&d.temporary_table_ref(schema, "clients_s2s_copy"), &target),
    );
    if !d.transactional_ddl() {
        add(
            "check's sample table (temporary: DDL commits)",
            d.create_temporary_table_sql(
                &d.temporary_table_ref(schema, "clients_s2s_check"),
                &d.column_defs(&columns),
            ),
        );
    }
    add("truncate", d.truncate_sql(&target));
    add(
        "row count and longest values",
        format!("SELECT {} FROM {source}", lengths.join(", ")),
    );
    add("select", d.select_sql(&source, &select_list, None));
    add(
        "select with ROW_LIMIT",
        d.select_sql(&source, &select_list, Some(1000)),
    );
    if let Some(sql) = d.declared_types_sql(Some("app"), "CLIENTS") {
        add("declared types", sql);
    }
    for sql in d
        .swap(schema, "clients_s2s_new", "clients", true)
        .statements
    {
        add("swap (table exists)", sql);
    }
    for sql in d
        .swap(schema, "clients_s2s_new", "clients", false)
        .statements
    {
        add("swap (first load)", sql);
    }
    out
}

fn golden_text(d: &dyn Dialect) -> String {
    let swap = d.swap(Some("stg"), "clients_s2s_new", "clients", true);
    let mut text = format!(
        "-- {}: generated SQL (src/dialect/golden_tests.rs; UPDATE_GOLDEN=1 rewrites this file)\n-- swap runs in one transaction: {}\n\n",
        d.name(),
        swap.transactional
    );
    for s in statements(d) {
        text.push_str(&format!(
            "-- {}{}\n{};\n\n",
            s.what,
            if s.parse {
                ""
            } else {
                " (procedural: not parsed)"
            },
            s.sql
        ));
    }
    text
}

fn golden(file: &str, d: &dyn Dialect) {
    let path = format!("{}/tests/golden/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = golden_text(d);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("{path} is missing: run UPDATE_GOLDEN=1 cargo test --lib golden_tests")
    });
    assert_eq!(
        text, want,
        "{path} differs: run UPDATE_GOLDEN=1 cargo test --lib golden_tests and read the diff"
    );
}

fn parses(dialect: &dyn sqlparser::dialect::Dialect, d: &dyn Dialect) {
    for s in statements(d) {
        if !s.parse {
            continue;
        }
        // sqlparser does not know Oracle's length semantics (`VARCHAR2(100 CHAR)`), MariaDB's
        // `ADD COLUMN IF NOT EXISTS`, or `?` markers in PostgreSQL (psqlODBC turns them into $1,
        // $2, ...): the rest of the statement is parsed without them.
        let mut sql = s
            .sql
            .replace(" CHAR)", ")")
            .replace("ADD COLUMN IF NOT EXISTS", "ADD COLUMN");
        if d.name() == "PostgreSQL" {
            let mut n = 0;
            sql = sql
                .split('?')
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part.to_string()
                    } else {
                        n += 1;
                        format!("${n}{part}")
                    }
                })
                .collect();
        }
        if let Err(e) = sqlparser::parser::Parser::parse_sql(dialect, &sql) {
            panic!("{} {} does not parse: {e}\n{}", d.name(), s.what, s.sql);
        }
    }
}

#[test]
fn postgresql_sql_matches_the_golden_file_and_parses() {
    golden("postgresql.sql", &Postgres);
    parses(&sqlparser::dialect::PostgreSqlDialect {}, &Postgres);
}

#[test]
fn mariadb_sql_matches_the_golden_file_and_parses() {
    golden("mariadb.sql", &MariaDb);
    parses(&sqlparser::dialect::MySqlDialect {}, &MariaDb);
}

#[test]
fn sqlite_sql_matches_the_golden_file_and_parses() {
    golden("sqlite.sql", &Sqlite);
    parses(&sqlparser::dialect::SQLiteDialect {}, &Sqlite);
}

#[test]
fn sql_server_sql_matches_the_golden_file_and_parses() {
    golden("sqlserver.sql", &SqlServer);
    parses(&sqlparser::dialect::MsSqlDialect {}, &SqlServer);
}

#[test]
fn oracle_sql_matches_the_golden_file_and_parses() {
    golden("oracle.sql", &Oracle);
    parses(&sqlparser::dialect::OracleDialect {}, &Oracle);
}

#[test]
fn generic_sql_matches_the_golden_file_and_parses() {
    golden("generic.sql", &Generic);
    parses(&sqlparser::dialect::AnsiDialect {}, &Generic);
}

/// Column types at the limits where the dialects choose another type (text and binary lengths
/// around 255, 2000, 4000, 8000, 65,535, 4,194,303 and 16,777,215; decimals around 18, 38 and 65
/// digits and 30 decimals; every fractional-second precision).
fn types_at_their_limits() -> Vec<ColumnType> {
    use ColumnType as T;
    let mut types = vec![
        T::Boolean,
        T::Int8,
        T::Int16,
        T::Int32,
        T::Int64,
        T::Float32,
        T::Float64,
        T::Date,
        T::UNCONSTRAINED_DECIMAL,
    ];
    let lengths = [
        1, 255, 256, 500, 501, 1000, 1001, 2000, 2001, 4000, 4001, 8000, 8001, 32_767, 32_768,
        65_535, 65_536, 4_194_303, 4_194_304, 10_485_760, 10_485_761, 16_777_215, 16_777_216,
    ];
    for n in lengths {
        for fixed in [false, true] {
            types.push(T::Text {
                length: Some(n),
                fixed,
            });
            types.push(T::Binary {
                length: Some(n),
                fixed,
            });
        }
    }
    for fixed in [false, true] {
        types.push(T::Text {
            length: None,
            fixed,
        });
        types.push(T::Binary {
            length: None,
            fixed,
        });
    }
    for (precision, scale) in [
        (1, 0),
        (18, 0),
        (19, 0),
        (38, 0),
        (38, 30),
        (38, 31),
        (38, 38),
    ] {
        types.push(T::Decimal { precision, scale });
    }
    types.push(T::Decimal {
        precision: 7,
        scale: -2,
    });
    for (p, s) in [
        (Some(39), Some(0)),
        (Some(65), Some(30)),
        (Some(65), Some(31)),
        (Some(66), Some(0)),
        (Some(3997), Some(0)),
        (Some(3998), Some(0)),
        (Some(997), Some(0)),
        (Some(998), Some(0)),
        (Some(1000), Some(0)),
        (Some(1001), Some(0)),
        (Some(40), None),
        (None, Some(2)),
    ] {
        types.push(T::DecimalText {
            precision: p,
            scale: s,
        });
    }
    for precision in 0..=9 {
        types.push(T::Time { precision });
        types.push(T::Timestamp { precision });
        types.push(T::TimestampTz { precision });
    }
    types
}

/// For every dialect and every type at its limits: the type created, the cast of its
/// parameters, the warnings, whether the catalog's spelling of the created type is taken as
/// exact, and what a column of the created type reads back as. Kept in
/// tests/golden/type-limits.txt (UPDATE_GOLDEN=1 to regenerate; read the diff).
#[test]
fn column_types_at_their_limits_in_every_dialect() {
    let mut text = String::new();
    for d in all_dialects() {
        text.push_str(&format!("# {}\n", d.name()));
        for t in types_at_their_limits() {
            let created = d.type_sql(&t);
            text.push_str(&format!(
                "{t:?} => {created} | cast {:?} | faithful {} | reads back as {:?} | {}\n",
                d.cast_type(&t),
                d.faithful_type(&created, &t),
                d.target_column_type(&created),
                d.target_warnings(&t).join("; ")
            ));
        }
    }
    let path = format!(
        "{}/tests/golden/type-limits.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let want = std::fs::read_to_string(&path).expect("tests/golden/type-limits.txt");
    for (got, want) in text.lines().zip(want.lines()) {
        assert_eq!(got, want, "{path} differs (UPDATE_GOLDEN=1 to regenerate)");
    }
    assert_eq!(text.lines().count(), want.lines().count());
}
