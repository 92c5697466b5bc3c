//! Dialects without a server: the column metadata that SQL Server's, Oracle's and other drivers
//! report (from their documentation) mapped to column types and to the target type of every
//! dialect; and the generated SQL of every dialect compared with golden files and parsed with
//! sqlparser's dialect for that DBMS.
//!
//! After an intended change, `scripts/update-golden.sh` takes what the tests generated (they
//! never write a golden file themselves; see `crate::golden`), and read the diff.

mod fixtures;
mod golden_sql;
mod limits;
mod loads_sql;
mod oracle;
mod sql_server;
mod target_types;

use crate::{
    dialect::{
        Dialect, generic::Generic, mariadb::MariaDb, mssql::SqlServer, oracle::Oracle,
        postgres::Postgres, sqlite::Sqlite,
    },
    plan::{Column, ColumnMeta, ColumnType, LoadColumn, TargetColumn, sql_type as t},
};
use arrow_odbc::arrow::{datatypes::DataType, record_batch::RecordBatch};
use oracle::oracle;
use sql_server::sql_server;

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

fn all_dialects() -> [&'static dyn Dialect; 6] {
    [&Postgres, &MariaDb, &Sqlite, &SqlServer, &Oracle, &Generic]
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
