//! The type matrix: every column type the plan produces, with boundary values, from PostgreSQL
//! and MariaDB sources into every live target (PostgreSQL, MariaDB, SQLite), DIRECT and DUMP,
//! every value compared exactly through the target's own text functions. `check` runs first on
//! every pair and must say "can be copied" exactly when the copy then succeeds. Types no live
//! source here produces (SQL Server's and Oracle's, carried as text) come in through hand-built
//! Parquet files and a manifest, loaded with `load --manifest`.

use std::{path::Path, sync::Arc};

use crate::common::{Kind, TestDb, ValueKind, run_tool, write_ini};
use arrow_odbc::arrow::{
    array::{
        ArrayRef, BinaryArray, Decimal128Array, Int64Array, StringArray, TimestampSecondArray,
    },
    datatypes::{Field, Schema},
    record_batch::RecordBatch,
};
use source_to_staging::{
    manifest::{MANIFEST_FORMAT, Manifest, ManifestTable, PartFile},
    plan::{Column, ColumnType},
};

/// Rows of every matrix table: two rows of values, then a row of NULLs.
const ROWS: usize = 3;

/// One column of a matrix table.
struct Col {
    name: &'static str,
    /// Its type in the source.
    ddl: &'static str,
    kind: ValueKind,
    /// SQL literals, one per row.
    literals: [&'static str; ROWS],
    /// The canonical text of each row's value in the source (and in every target, unless
    /// `differs` says otherwise).
    values: [Option<&'static str>; ROWS],
    /// The canonical text in targets where a documented conversion applies.
    differs: fn(Kind) -> Option<[Option<&'static str>; ROWS]>,
}

fn same(_: Kind) -> Option<[Option<&'static str>; ROWS]> {
    None
}

const fn col(
    name: &'static str,
    ddl: &'static str,
    kind: ValueKind,
    literals: [&'static str; ROWS],
    values: [Option<&'static str>; ROWS],
) -> Col {
    Col {
        name,
        ddl,
        kind,
        literals,
        values,
        differs: same,
    }
}

const N: &str = "NULL";

/// PostgreSQL's types, at their limits.
#[rustfmt::skip]
fn postgres_columns() -> Vec<Col> {
    use ValueKind as K;
    vec![
        col("id", "integer NOT NULL", K::Integer, ["1", "2", "3"], [Some("1"), Some("2"), Some("3")]),
        col("b", "boolean", K::Boolean, ["true", "false", N], [Some("1"), Some("0"), None]),
        col("i2", "smallint", K::Integer, ["-32768", "32767", N], [Some("-32768"), Some("32767"), None]),
        col("i8", "bigint", K::Integer, ["-9223372036854775808", "9223372036854775807", N], [Some("-9223372036854775808"), Some("9223372036854775807"), None]),
        col("r", "real", K::Float, ["1.5", "-0.25", N], [Some("1.5"), Some("-0.25"), None]),
        col("f", "double precision", K::Float, ["1e-300", "-1.7976931348623157e308", N], [Some("1e-300"), Some("-1.7976931348623157e308"), None]),
        // Unconstrained numeric of 69 digits: numeric in PostgreSQL, exact text elsewhere.
        col("n_free", "numeric", K::Decimal, ["'123456789012345678901234567890123456789012345678901234567890.123456789'", "'-0.000000000000000000000000000000000000000000000000000000000001'", N], [Some("123456789012345678901234567890123456789012345678901234567890.123456789"), Some("-0.000000000000000000000000000000000000000000000000000000000001"), None]),
        col("n_50", "numeric(50,10)", K::Decimal, ["'1234567890123456789012345678901234567890.0123456789'", "'-0.0000000001'", N], [Some("1234567890123456789012345678901234567890.0123456789"), Some("-0.0000000001"), None]),
        col("n_38", "numeric(38,0)", K::Decimal, ["'99999999999999999999999999999999999999'", "'-1'", N], [Some("99999999999999999999999999999999999999"), Some("-1"), None]),
        // Negative scale (PostgreSQL 15): integers of 7 digits.
        col("n_neg", "numeric(5,-2)", K::Decimal, ["12345", "-9999949", N], [Some("12300"), Some("-9999900"), None]),
        // A scale larger than the precision: fractions with 5 digits.
        col("n_frac", "numeric(3,5)", K::Decimal, ["0.00999", "-0.00001", N], [Some("0.00999"), Some("-0.00001"), None]),
        col("d", "date", K::Date, ["'0001-01-01'", "'9999-12-31'", N], [Some("0001-01-01"), Some("9999-12-31"), None]),
        col("t", "time(6)", K::Time, ["'00:00:00'", "'23:59:59.999999'", N], [Some("00:00:00.000000"), Some("23:59:59.999999"), None]),
        col("ts", "timestamp(6)", K::Timestamp, ["'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'", N], [Some("0001-01-01 00:00:00.000000"), Some("9999-12-31 23:59:59.999999"), None]),
        // Offsets: the instant is kept (in UTC where the target has no time zone type).
        col("tstz", "timestamptz", K::Instant, ["'2024-06-01 12:00:00.123456+02'", "'1999-12-31 23:30:00-05:30'", N], [Some("2024-06-01 10:00:00.123456"), Some("2000-01-01 05:00:00.000000"), None]),
        // Types read as PostgreSQL's own text.
        col("ttz", "timetz", K::Text, ["'10:00:00+02'", "'23:59:59.5-11:30'", N], [Some("10:00:00+02"), Some("23:59:59.5-11:30"), None]),
        col("iv", "interval", K::Text, ["'1 year 2 mons 3 days 04:05:06.789'", "'-00:00:01'", N], [Some("1 year 2 mons 3 days 04:05:06.789"), Some("-00:00:01"), None]),
        col("u", "uuid", K::Text, ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000000'", N], [Some("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), Some("00000000-0000-0000-0000-000000000000"), None]),
        col("j", "json", K::Text, [r#"'{"a": [1, 2.50, "é"], "b": null}'"#, "'[]'", N], [Some(r#"{"a": [1, 2.50, "é"], "b": null}"#), Some("[]"), None]),
        col("e", "stemming", K::Text, ["'blij'", "'boos'", N], [Some("blij"), Some("boos"), None]),
        col("bits", "bit(5)", K::Text, ["B'10101'", "B'00000'", N], [Some("10101"), Some("00000"), None]),
        col("bin", "bytea", K::Binary, ["'\\x00ff00'", "'\\x'", N], [Some("00ff00"), Some(""), None]),
        // '' and NULL are different values.
        col("txt", "text", K::Text, ["''", "'é ë ß 😀'", N], [Some(""), Some("é ë ß 😀"), None]),
        col("vc", "varchar(20)", K::Text, ["'x'", "''", N], [Some("x"), Some(""), None]),
    ]
}

/// MariaDB's types, at their limits.
#[rustfmt::skip]
fn mariadb_columns() -> Vec<Col> {
    use ValueKind as K;
    vec![
        col("id", "int NOT NULL", K::Integer, ["1", "2", "3"], [Some("1"), Some("2"), Some("3")]),
        // BOOLEAN is tinyint(1): a number.
        col("bo", "boolean", K::Integer, ["1", "127", N], [Some("1"), Some("127"), None]),
        col("tu", "tinyint unsigned", K::Integer, ["255", "0", N], [Some("255"), Some("0"), None]),
        col("bu", "bigint unsigned", K::Decimal, ["18446744073709551615", "0", N], [Some("18446744073709551615"), Some("0"), None]),
        col("fl", "float", K::Float, ["1.5", "-0.25", N], [Some("1.5"), Some("-0.25"), None]),
        col("db", "double", K::Float, ["2.718281828459045", "-1.7976931348623157e308", N], [Some("2.718281828459045"), Some("-1.7976931348623157e308"), None]),
        // The longest decimals: 65 digits, 30 after the point.
        col("d65", "decimal(65,30)", K::Decimal, ["'12345678901234567890123456789012345.123456789012345678901234567890'", "'-0.000000000000000000000000000001'", N], [Some("12345678901234567890123456789012345.12345678901234567890123456789"), Some("-0.000000000000000000000000000001"), None]),
        col("d65_0", "decimal(65,0)", K::Decimal, ["'99999999999999999999999999999999999999999999999999999999999999999'", "'-1'", N], [Some("99999999999999999999999999999999999999999999999999999999999999999"), Some("-1"), None]),
        col("dt", "datetime(6)", K::Timestamp, ["'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'", N], [Some("0001-01-01 00:00:00.000000"), Some("9999-12-31 23:59:59.999999"), None]),
        col("dd", "date", K::Date, ["'0001-01-01'", "'9999-12-31'", N], [Some("0001-01-01"), Some("9999-12-31"), None]),
        // TIME is an interval: beyond 24 hours and negative, read as its text.
        col("tm", "time", K::Text, ["'838:59:59'", "'-838:59:59'", N], [Some("838:59:59"), Some("-838:59:59"), None]),
        col("tm6", "time(6)", K::Text, ["'-00:00:00.000001'", "'24:00:00'", N], [Some("-00:00:00.000001"), Some("24:00:00.000000"), None]),
        col("y", "year", K::Integer, ["1901", "2155", N], [Some("1901"), Some("2155"), None]),
        // BIT(5) is one byte; MariaDB's HEX() of a BIT value drops leading zeros.
        Col {
            differs: |_| Some([Some("15"), Some("00"), None]),
            ..col(
                "bt",
                "bit(5)",
                K::Binary,
                ["b'10101'", "b'00000'", N],
                [Some("15"), Some("0"), None],
            )
        },
        col("en", "enum('aap','noot')", K::Text, ["'aap'", "'noot'", N], [Some("aap"), Some("noot"), None]),
        col("st", "set('x','y','z')", K::Text, ["'x,z'", "''", N], [Some("x,z"), Some(""), None]),
        col("js", "json", K::Text, [r#"'{"a": 1}'"#, "'[]'", N], [Some(r#"{"a": 1}"#), Some("[]"), None]),
        col("uu", "uuid", K::Text, ["'123e4567-e89b-12d3-a456-426614174000'", "'00000000-0000-0000-0000-000000000000'", N], [Some("123e4567-e89b-12d3-a456-426614174000"), Some("00000000-0000-0000-0000-000000000000"), None]),
        col("ip", "inet6", K::Text, ["'::ffff:1.2.3.4'", "'::'", N], [Some("::ffff:1.2.3.4"), Some("::"), None]),
        col("bn", "binary(4)", K::Binary, ["x'00010000'", "x'ffffffff'", N], [Some("00010000"), Some("ffffffff"), None]),
        col("vb", "varbinary(10)", K::Binary, ["x'00'", "x''", N], [Some("00"), Some(""), None]),
        col("bl", "longblob", K::Binary, ["x'000102'", "x''", N], [Some("000102"), Some(""), None]),
        col("vc", "varchar(10)", K::Text, ["''", "'é😀'", N], [Some(""), Some("é😀"), None]),
        col("tx", "longtext", K::Text, ["'ß'", "''", N], [Some("ß"), Some(""), None]),
    ]
}

/// SQL Server's types, at their limits (Babelfish keeps 6 of the 7 fractional digits of
/// `datetime2(7)`, `time(7)` and `datetimeoffset(7)`, so the values have 6).
#[rustfmt::skip]
fn sqlserver_columns() -> Vec<Col> {
    use ValueKind as K;
    vec![
        col("id", "int NOT NULL", K::Integer, ["1", "2", "3"], [Some("1"), Some("2"), Some("3")]),
        col("b", "bit", K::Boolean, ["1", "0", N], [Some("1"), Some("0"), None]),
        col("ti", "tinyint", K::Integer, ["255", "0", N], [Some("255"), Some("0"), None]),
        col("si", "smallint", K::Integer, ["-32768", "32767", N], [Some("-32768"), Some("32767"), None]),
        col("bi", "bigint", K::Integer, ["-9223372036854775808", "9223372036854775807", N], [Some("-9223372036854775808"), Some("9223372036854775807"), None]),
        col("r", "real", K::Float, ["1.5", "-0.25", N], [Some("1.5"), Some("-0.25"), None]),
        col("f", "float", K::Float, ["1e-300", "-1.7976931348623157e308", N], [Some("1e-300"), Some("-1.7976931348623157e308"), None]),
        col("d38", "decimal(38,10)", K::Decimal, ["9999999999999999999999999999.9999999999", "-0.0000000001", N], [Some("9999999999999999999999999999.9999999999"), Some("-0.0000000001"), None]),
        col("m", "money", K::Decimal, ["922337203685477.5807", "-922337203685477.5808", N], [Some("922337203685477.5807"), Some("-922337203685477.5808"), None]),
        col("sm", "smallmoney", K::Decimal, ["214748.3647", "-214748.3648", N], [Some("214748.3647"), Some("-214748.3648"), None]),
        col("dd", "date", K::Date, ["'0001-01-01'", "'9999-12-31'", N], [Some("0001-01-01"), Some("9999-12-31"), None]),
        col("t7", "time(7)", K::Time, ["'00:00:00'", "'23:59:59.999999'", N], [Some("00:00:00.000000"), Some("23:59:59.999999"), None]),
        col("dt2", "datetime2(7)", K::Timestamp, ["'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'", N], [Some("0001-01-01 00:00:00.000000"), Some("9999-12-31 23:59:59.999999"), None]),
        col("dt", "datetime", K::Timestamp, ["'1753-01-01 00:00:00'", "'9999-12-31 23:59:59.997'", N], [Some("1753-01-01 00:00:00.000000"), Some("9999-12-31 23:59:59.997000"), None]),
        col("sdt", "smalldatetime", K::Timestamp, ["'1900-01-01 00:00'", "'2079-06-06 23:59'", N], [Some("1900-01-01 00:00:00.000000"), Some("2079-06-06 23:59:00.000000"), None]),
        col("dto", "datetimeoffset(7)", K::Instant, ["'2024-06-01 12:00:00.123456 +02:00'", "'2000-01-01 00:30:00 -05:30'", N], [Some("2024-06-01 10:00:00.123456"), Some("2000-01-01 06:00:00.000000"), None]),
        col("u", "uniqueidentifier", K::Text, ["'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", "'00000000-0000-0000-0000-000000000000'", N], [Some("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), Some("00000000-0000-0000-0000-000000000000"), None]),
        col("nv", "nvarchar(20)", K::Text, ["N'é ë ß 😀'", "N''", N], [Some("é ë ß 😀"), Some(""), None]),
        col("nvm", "nvarchar(max)", K::Text, ["N''", "N'Ĳsselmonde ''t Zand'", N], [Some(""), Some("Ĳsselmonde 't Zand"), None]),
        col("vc", "varchar(10)", K::Text, ["'x'", "''", N], [Some("x"), Some(""), None]),
        // PostgreSQL's character(3) and MariaDB's char(3) hold the spaces; their text drops
        // them.
        Col {
            differs: |k| matches!(k, Kind::Postgres | Kind::MariaDb).then_some([Some("ab"), Some("é"), None]),
            ..col("nc", "nchar(3)", K::Text, ["N'ab'", "N'é'", N], [Some("ab "), Some("é  "), None])
        },
        col("vb", "varbinary(max)", K::Binary, ["0x00FF00", "0x", N], [Some("00ff00"), Some(""), None]),
        col("bn", "binary(4)", K::Binary, ["0x00010000", "0xFFFFFFFF", N], [Some("00010000"), Some("ffffffff"), None]),
    ]
}

/// Creates the matrix table `t` in `db` (of the source's kind) and checks that the source holds
/// the intended values.
fn create_source(db: &TestDb, columns: &[Col]) {
    if db.kind == Kind::Postgres {
        db.exec("CREATE TYPE stemming AS ENUM ('blij', 'boos')");
    }
    let defs: Vec<String> = columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.ddl))
        .collect();
    let charset = if db.kind == Kind::MariaDb {
        " DEFAULT CHARSET=utf8mb4"
    } else {
        ""
    };
    db.exec(&format!("CREATE TABLE t ({}){charset}", defs.join(", ")));
    for row in 0..ROWS {
        let values: Vec<&str> = columns.iter().map(|c| c.literals[row]).collect();
        db.exec(&format!("INSERT INTO t VALUES ({})", values.join(", ")));
    }
    let got = canonical(db, None, columns);
    let want: Vec<Vec<Option<String>>> = (0..ROWS)
        .map(|row| {
            columns
                .iter()
                .map(|c| c.values[row].map(|v| crate::common::normalise(v, c.kind)))
                .collect()
        })
        .collect();
    assert_rows(&got, &want, columns, "the source itself");
}

fn canonical(db: &TestDb, schema: Option<&str>, columns: &[Col]) -> Vec<Vec<Option<String>>> {
    let spec: Vec<(&str, ValueKind)> = columns.iter().map(|c| (c.name, c.kind)).collect();
    db.canonical_rows(schema, "t", &spec, "id")
}

fn expected(columns: &[Col], target: Kind) -> Vec<Vec<Option<String>>> {
    (0..ROWS)
        .map(|row| {
            columns
                .iter()
                .map(|c| {
                    let values = (c.differs)(target).unwrap_or(c.values);
                    values[row].map(|v| crate::common::normalise(v, c.kind))
                })
                .collect()
        })
        .collect()
}

fn assert_rows(
    got: &[Vec<Option<String>>],
    want: &[Vec<Option<String>>],
    columns: &[Col],
    what: &str,
) {
    assert_eq!(got.len(), want.len(), "rows in {what}");
    let mut wrong = Vec::new();
    for (g, w) in got.iter().zip(want) {
        for ((gv, wv), c) in g.iter().zip(w).zip(columns) {
            if gv != wv {
                wrong.push(format!(
                    "{} (id {:?}): got {gv:?}, want {wv:?}",
                    c.name, g[0]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{what}:\n  {}", wrong.join("\n  "));
}

/// Column types the target must have: declared precision and scale kept where the target can
/// hold them, the exact text where it cannot.
fn expected_types(source: Kind, target: Kind) -> &'static [(&'static str, &'static str)] {
    match (source, target) {
        (Kind::Postgres, Kind::Postgres) => &[
            ("n_free", "numeric"),
            ("n_50", "numeric(50,10)"),
            ("n_38", "numeric(38,0)"),
            ("n_neg", "numeric(7,0)"),
            ("n_frac", "numeric(5,5)"),
            ("tstz", "timestamp(6) with time zone"),
        ],
        (Kind::Postgres, Kind::MariaDb) => &[
            ("n_free", "longtext"),
            ("n_50", "decimal(50,10)"),
            ("n_38", "decimal(38,0)"),
            ("n_neg", "decimal(7,0)"),
            ("n_frac", "decimal(5,5)"),
            ("tstz", "datetime(6)"),
        ],
        (Kind::Postgres, Kind::Sqlite) => &[
            ("n_free", "NUMERIC_TEXT"),
            ("n_50", "DECIMAL_TEXT(50,10)"),
            ("n_neg", "DECIMAL_TEXT(7,0)"),
        ],
        (Kind::MariaDb, Kind::Postgres) => &[
            ("d65", "numeric(65,30)"),
            ("d65_0", "numeric(65,0)"),
            ("bu", "numeric(20,0)"),
            ("tm", "character varying(17)"),
        ],
        (Kind::MariaDb, Kind::MariaDb) => &[
            ("d65", "decimal(65,30)"),
            ("d65_0", "decimal(65,0)"),
            ("bu", "decimal(20,0)"),
        ],
        (Kind::MariaDb, Kind::Sqlite) => &[("d65", "DECIMAL_TEXT(65,30)")],
        _ => &[],
    }
}

/// `check`, then DIRECT, then DUMP from `source` into `target`; every value compared.
fn matrix(source: Kind, target: Kind, columns: Vec<Col>) {
    let src = TestDb::new(source, &format!("types_{}", target.tag()));
    create_source(&src, &columns);
    let dst = TestDb::new(target, &format!("types_{}", source.tag()));
    let dir = tempfile::tempdir().unwrap();
    let schema = dst.staging_schema();
    for mode in ["DIRECT", "DUMP"] {
        let ini = write_ini(
            dir.path(),
            &src,
            &dst,
            "t",
            &format!("TRANSFER_MODE = {mode}"),
        );
        let config = ini.to_str().unwrap();
        let check = run_tool(dir.path(), &["check", "--config", config], &[]);
        assert_eq!(
            check.code,
            0,
            "check says the table cannot be copied:\n{}",
            check.output()
        );
        assert!(
            check.stdout.contains("1 can be copied")
                && check.stdout.contains("sample: the first 3 rows went in"),
            "{}",
            check.stdout
        );
        let run = run_tool(dir.path(), &["--config", config], &[]);
        assert_eq!(
            run.code,
            0,
            "{mode}: check said yes, the copy failed:\n{}",
            run.output()
        );
        let got = canonical(&dst, schema.as_deref(), &columns);
        assert_rows(
            &got,
            &expected(&columns, target),
            &columns,
            &format!("{mode} into {target:?}"),
        );
        let types = dst.column_types(schema.as_deref(), "t");
        for (name, want) in expected_types(source, target) {
            let got = types
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.as_str());
            assert_eq!(got, Some(*want), "{mode}: type of {name} in {target:?}");
        }
    }
}

macro_rules! pair {
    ($name:ident, $source:expr, $target:expr, $columns:expr) => {
        #[test]
        fn $name() {
            matrix($source, $target, $columns);
        }
    };
}

pair!(
    postgres_types_into_postgres,
    Kind::Postgres,
    Kind::Postgres,
    postgres_columns()
);
pair!(
    postgres_types_into_mariadb,
    Kind::Postgres,
    Kind::MariaDb,
    postgres_columns()
);
pair!(
    postgres_types_into_sqlite,
    Kind::Postgres,
    Kind::Sqlite,
    postgres_columns()
);
pair!(
    mariadb_types_into_postgres,
    Kind::MariaDb,
    Kind::Postgres,
    mariadb_columns()
);
pair!(
    mariadb_types_into_mariadb,
    Kind::MariaDb,
    Kind::MariaDb,
    mariadb_columns()
);
pair!(
    mariadb_types_into_sqlite,
    Kind::MariaDb,
    Kind::Sqlite,
    mariadb_columns()
);

pair!(
    postgres_types_into_sqlserver,
    Kind::Postgres,
    Kind::SqlServer,
    postgres_columns()
);
pair!(
    mariadb_types_into_sqlserver,
    Kind::MariaDb,
    Kind::SqlServer,
    mariadb_columns()
);
pair!(
    sqlserver_types_into_postgres,
    Kind::SqlServer,
    Kind::Postgres,
    sqlserver_columns()
);
pair!(
    sqlserver_types_into_mariadb,
    Kind::SqlServer,
    Kind::MariaDb,
    sqlserver_columns()
);
pair!(
    sqlserver_types_into_sqlite,
    Kind::SqlServer,
    Kind::Sqlite,
    sqlserver_columns()
);
pair!(
    sqlserver_types_into_sqlserver,
    Kind::SqlServer,
    Kind::SqlServer,
    sqlserver_columns()
);

/// A value the target cannot hold: `check` says so (its sample fails), and so does the copy,
/// which leaves nothing behind.
#[test]
fn check_and_copy_agree_when_a_value_cannot_go_in() {
    let src = TestDb::new(Kind::Postgres, "types_bc");
    src.exec("CREATE TABLE t (id integer, d date)");
    src.exec("INSERT INTO t VALUES (1, '2024-01-01'), (2, '0044-03-15 BC')");
    let dst = TestDb::new(Kind::MariaDb, "types_bc");
    let dir = tempfile::tempdir().unwrap();
    let ini = write_ini(dir.path(), &src, &dst, "t", "");
    let config = ini.to_str().unwrap();
    let check = run_tool(dir.path(), &["check", "--config", config], &[]);
    assert_eq!(check.code, 1, "{}", check.output());
    assert!(
        check
            .stdout
            .contains("CANNOT BE COPIED: the first 2 rows cannot go in"),
        "{}",
        check.stdout
    );
    let run = run_tool(dir.path(), &["--config", config], &[]);
    assert_eq!(run.code, 1, "check said no, the copy: {}", run.output());
    let schema = dst.staging_schema();
    assert!(!dst.has_table(schema.as_deref(), "t"));
    assert!(!dst.has_side_table(schema.as_deref(), "t"));
}

// ------------------------------------------------------------------------------------------------
// SQL Server's and Oracle's types, through hand-built Parquet files.

fn column(name: &str, column_type: ColumnType, source_type: &str) -> Column {
    Column {
        source_name: name.to_uppercase(),
        name: name.to_string(),
        column_type,
        nullable: true,
        source_type: source_type.to_string(),
    }
}

/// The columns of a table as a SQL Server or Oracle source would have dumped it, with the
/// values as they travel (text for the types with more than 6 fractional digits and Oracle's
/// unconstrained NUMBER), and the canonical text each target must hold.
struct Carried {
    column: Column,
    array: ArrayRef,
    kind: ValueKind,
    want: fn(Kind) -> [Option<&'static str>; ROWS],
}

fn carried_columns() -> Vec<Carried> {
    let strings = |v: [Option<&str>; ROWS]| Arc::new(StringArray::from(v.to_vec())) as ArrayRef;
    vec![
        Carried {
            column: column("id", ColumnType::Int64, "bigint"),
            array: Arc::new(Int64Array::from(vec![1, 2, 3])),
            kind: ValueKind::Integer,
            want: |_| [Some("1"), Some("2"), Some("3")],
        },
        // SQL Server datetime2(7): "end of time" stays in 9999 where 6 digits are kept.
        Carried {
            column: column(
                "dt2",
                ColumnType::Timestamp { precision: 7 },
                "datetime2(7)",
            ),
            array: strings([
                Some("9999-12-31 23:59:59.9999999"),
                Some("0001-01-01 00:00:00.0000001"),
                None,
            ]),
            kind: ValueKind::Timestamp,
            want: |k| match k {
                Kind::Sqlite => [
                    Some("9999-12-31 23:59:59.9999999"),
                    Some("0001-01-01 00:00:00.0000001"),
                    None,
                ],
                _ => [
                    Some("9999-12-31 23:59:59.999999"),
                    Some("0001-01-01 00:00:00.000000"),
                    None,
                ],
            },
        },
        // SQL Server datetimeoffset(7): the instant, in UTC where no offset is kept.
        Carried {
            column: column(
                "dto",
                ColumnType::TimestampTz { precision: 7 },
                "datetimeoffset(7)",
            ),
            array: strings([
                Some("2024-06-01 12:00:00.1234567 +02:00"),
                Some("2000-01-01 00:30:00.0000000 -05:30"),
                None,
            ]),
            kind: ValueKind::Instant,
            want: |k| match k {
                Kind::Sqlite => [
                    Some("2024-06-01 10:00:00.1234567"),
                    Some("2000-01-01 06:00:00.0000000"),
                    None,
                ],
                _ => [
                    Some("2024-06-01 10:00:00.123456"),
                    Some("2000-01-01 06:00:00.000000"),
                    None,
                ],
            },
        },
        // SQL Server time(7).
        Carried {
            column: column("tm7", ColumnType::Time { precision: 7 }, "time(7)"),
            array: strings([Some("23:59:59.9999999"), Some("00:00:00.0000001"), None]),
            kind: ValueKind::Time,
            want: |k| match k {
                Kind::Sqlite => [Some("23:59:59.9999999"), Some("00:00:00.0000001"), None],
                _ => [Some("23:59:59.999999"), Some("00:00:00.000000"), None],
            },
        },
        // Oracle NUMBER without precision, as TO_CHAR(.., 'TM9') writes it.
        Carried {
            column: column("num", ColumnType::UNCONSTRAINED_DECIMAL, "NUMBER"),
            array: strings([
                Some("12345678901234567890123456789012345678"),
                Some("-.000123"),
                None,
            ]),
            kind: ValueKind::Decimal,
            want: |k| match k {
                Kind::Postgres => [
                    Some("12345678901234567890123456789012345678"),
                    Some("-0.000123"),
                    None,
                ],
                _ => [
                    Some("12345678901234567890123456789012345678"),
                    Some("-.000123"),
                    None,
                ],
            },
        },
        // Oracle NUMBER(5,-2): integers of 7 digits.
        Carried {
            column: column(
                "numneg",
                ColumnType::Decimal {
                    precision: 7,
                    scale: 0,
                },
                "NUMBER(5,-2)",
            ),
            array: Arc::new(
                Decimal128Array::from(vec![Some(9_999_900), Some(-100), None])
                    .with_precision_and_scale(7, 0)
                    .unwrap(),
            ),
            kind: ValueKind::Decimal,
            want: |_| [Some("9999900"), Some("-100"), None],
        },
        // Oracle DATE: a timestamp without fractions.
        Carried {
            column: column("odate", ColumnType::Timestamp { precision: 0 }, "DATE"),
            array: Arc::new(TimestampSecondArray::from(vec![
                Some(-62_135_596_800),
                Some(253_402_300_799),
                None,
            ])),
            kind: ValueKind::Timestamp,
            want: |_| {
                [
                    Some("0001-01-01 00:00:00"),
                    Some("9999-12-31 23:59:59"),
                    None,
                ]
            },
        },
        // SQL Server money and uniqueidentifier, Oracle RAW.
        Carried {
            column: column(
                "geld",
                ColumnType::Decimal {
                    precision: 19,
                    scale: 4,
                },
                "money",
            ),
            array: Arc::new(
                Decimal128Array::from(vec![
                    Some(i128::from(i64::MAX)),
                    Some(i128::from(i64::MIN)),
                    None,
                ])
                .with_precision_and_scale(19, 4)
                .unwrap(),
            ),
            kind: ValueKind::Decimal,
            want: |_| {
                [
                    Some("922337203685477.5807"),
                    Some("-922337203685477.5808"),
                    None,
                ]
            },
        },
        Carried {
            column: column(
                "guid",
                ColumnType::Text {
                    length: Some(36),
                    fixed: true,
                },
                "uniqueidentifier",
            ),
            array: strings([Some("6F9619FF-8B86-D011-B42D-00C04FC964FF"), Some(""), None]),
            kind: ValueKind::Text,
            want: |_| [Some("6F9619FF-8B86-D011-B42D-00C04FC964FF"), Some(""), None],
        },
        Carried {
            column: column(
                "raw",
                ColumnType::Binary {
                    length: Some(16),
                    fixed: false,
                },
                "RAW(16)",
            ),
            array: Arc::new(BinaryArray::from(vec![
                Some(&b"\x00\x01"[..]),
                Some(&b""[..]),
                None,
            ])),
            kind: ValueKind::Binary,
            want: |_| [Some("0001"), Some(""), None],
        },
    ]
}

/// Writes the Parquet file and the manifest a SQL Server source would have produced.
fn hand_built_dump(dir: &Path, columns: &[Carried]) -> std::path::PathBuf {
    let shape = source_to_staging::plan::TableShape {
        columns: columns.iter().map(|c| c.column.clone()).collect(),
    };
    let schema = shape.arrow_schema();
    // The arrays as built must have the plan's Arrow types.
    let fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let batch = RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns.iter().map(|c| c.array.clone()).collect(),
    )
    .expect("the arrays have the plan's Arrow types");
    let file = std::fs::File::create(dir.join("t_part0000.parquet")).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let manifest = Manifest {
        format: MANIFEST_FORMAT.to_string(),
        version: 1,
        run_id: "handbuilt".into(),
        created_at: "2026-11-26T00:00:00Z".into(),
        source_dbms: "Microsoft SQL Server".into(),
        tables: vec![ManifestTable {
            source: "dbo.t".into(),
            target_table: "t".into(),
            rows: ROWS as u64,
            columns: shape.columns.clone(),
            files: vec![PartFile {
                file: "t_part0000.parquet".into(),
                rows: ROWS as u64,
            }],
            incremental: None,
        }],
    };
    let path = dir.join("manifest_handbuilt.json");
    std::fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
    path
}

fn load_carried(target: Kind) {
    let columns = carried_columns();
    let dst = TestDb::new(target, "types_carried");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let manifest = hand_built_dump(&data, &columns);
    // `load` needs only the target; the source section may be missing.
    let ini = crate::common::write_target_ini(dir.path(), &dst, "CLEANUP_PARQUET_FILES = false");
    let run = crate::common::load_manifest(dir.path(), &ini, &manifest);
    assert_eq!(run.code, 0, "{}", run.output());
    let spec: Vec<(&str, ValueKind)> = columns
        .iter()
        .map(|c| (c.column.name.as_str(), c.kind))
        .collect();
    let got = dst.canonical_rows(dst.staging_schema().as_deref(), "t", &spec, "id");
    let want: Vec<Vec<Option<String>>> = (0..ROWS)
        .map(|row| {
            columns
                .iter()
                .map(|c| (c.want)(target)[row].map(|v| crate::common::normalise(v, c.kind)))
                .collect()
        })
        .collect();
    let mut wrong = Vec::new();
    for (g, w) in got.iter().zip(&want) {
        for ((gv, wv), c) in g.iter().zip(w).zip(&columns) {
            if gv != wv {
                wrong.push(format!(
                    "{} (id {:?}): got {gv:?}, want {wv:?}",
                    c.column.name, g[0]
                ));
            }
        }
    }
    assert_eq!(got.len(), ROWS);
    assert!(
        wrong.is_empty(),
        "into {target:?}:\n  {}",
        wrong.join("\n  ")
    );
}

/// One test per target: `into!(test_name, Kind)`.
macro_rules! into {
    ($($name:ident: $target:expr),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                load_carried($target);
            }
        )*
    };
}

into!(
    sql_server_and_oracle_types_load_into_postgres: Kind::Postgres,
    sql_server_and_oracle_types_load_into_mariadb: Kind::MariaDb,
    sql_server_and_oracle_types_load_into_sqlite: Kind::Sqlite,
);
