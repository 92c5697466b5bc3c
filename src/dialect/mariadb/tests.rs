use super::*;
use crate::dialect::{Connecting, DriverTuning};

fn declared(d: &str) -> ColumnType {
    MariaDb
        .column_type(&ColumnMeta {
            name: "c".into(),
            sql_type: 4,
            column_size: 10,
            decimal_digits: 0,
            nullable: None,
            type_name: "x".into(),
            unsigned: false,
            declared: Some(d.into()),
        })
        .unwrap()
}

#[test]
fn unsigned_integers_widen() {
    assert_eq!(declared("tinyint(3) unsigned"), ColumnType::Int16);
    assert_eq!(declared("int(10) unsigned"), ColumnType::Int64);
    assert_eq!(
        declared("bigint(20) unsigned"),
        ColumnType::Decimal {
            precision: 20,
            scale: 0
        }
    );
    assert_eq!(declared("tinyint(1)"), ColumnType::Int8);
}

#[test]
fn literals_escape_backslashes() {
    assert_eq!(MariaDb.literal(r"a\'b"), r"'a\\''b'");
}

#[test]
fn swap_renames_both_tables_in_one_statement() {
    let swap = MariaDb.swap(Some("st"), "t__s2s_new", "t", true);
    assert!(!swap.transactional);
    assert_eq!(
        swap.statements[1],
        "RENAME TABLE `st`.`t` TO `st`.`t_s2s_old`, `st`.`t__s2s_new` TO `st`.`t`"
    );
}

#[test]
fn every_declared_type_maps_to_its_column_type() {
    use ColumnType as T;
    let text = |length, fixed| T::Text { length, fixed };
    let binary = |length, fixed| T::Binary { length, fixed };
    let cases = [
        ("tinyint(4)", T::Int8),
        ("smallint(6)", T::Int16),
        ("smallint(5) unsigned", T::Int32),
        ("mediumint(9)", T::Int32),
        ("mediumint(8) unsigned", T::Int32),
        ("int(11)", T::Int32),
        ("integer", T::Int32),
        ("integer unsigned", T::Int64),
        ("bigint(20)", T::Int64),
        ("year(4)", T::Int16),
        ("float", T::Float32),
        ("double", T::Float64),
        ("real", T::Float64),
        (
            "decimal(12,2)",
            T::Decimal {
                precision: 12,
                scale: 2,
            },
        ),
        (
            "numeric(5)",
            T::Decimal {
                precision: 5,
                scale: 0,
            },
        ),
        (
            "dec",
            T::Decimal {
                precision: 10,
                scale: 0,
            },
        ),
        (
            "fixed(65,30)",
            T::DecimalText {
                precision: Some(65),
                scale: Some(30),
            },
        ),
        ("bit(1)", binary(Some(1), true)),
        ("bit(9)", binary(Some(2), true)),
        ("bit", binary(Some(1), true)),
        ("char(10)", text(Some(10), true)),
        ("varchar(255)", text(Some(255), false)),
        ("tinytext", text(Some(255), false)),
        ("text", text(None, false)),
        ("enum('a','b')", text(None, false)),
        ("binary(4)", binary(Some(4), true)),
        ("varbinary(16)", binary(Some(16), false)),
        ("tinyblob", binary(Some(255), false)),
        ("blob", binary(None, false)),
        ("mediumblob", binary(None, false)),
        ("longblob", binary(None, false)),
        ("date", T::Date),
        ("datetime", T::Timestamp { precision: 0 }),
        ("datetime(3)", T::Timestamp { precision: 3 }),
        ("timestamp(6)", T::Timestamp { precision: 6 }),
        ("time(6)", text(Some(17), false)),
    ];
    for (d, expected) in cases {
        assert_eq!(declared(d), expected, "{d}");
    }
    // Without a declared type the driver's metadata decides; a type the mapping does not
    // know that the driver reports as long binary (geometry) stays binary.
    let mut meta = ColumnMeta {
        name: "c".into(),
        sql_type: crate::plan::sql_type::BIGINT,
        column_size: 19,
        decimal_digits: 0,
        nullable: None,
        type_name: "BIGINT".into(),
        unsigned: false,
        declared: None,
    };
    assert_eq!(MariaDb.column_type(&meta), Ok(T::Int64));
    meta.declared = Some("geometry".into());
    meta.sql_type = crate::plan::sql_type::LONGVARBINARY;
    assert_eq!(MariaDb.column_type(&meta), Ok(binary(None, false)));
}

#[test]
fn the_connector_streams_in_utf8mb4() {
    let tuning = DriverTuning {
        fetch_rows: 1000,
        max_text_size: 1,
        trust_server_certificate: false,
    };
    assert_eq!(
        MariaDb.driver_defaults("MariaDB Unicode", tuning),
        vec![
            ("NO_CACHE", "1".to_string()),
            ("FORWARDONLY", "1".to_string()),
            ("CHARSET", "utf8mb4".to_string())
        ]
    );
    assert!(MariaDb.matches_dbms("MySQL") && MariaDb.matches_dbms("MariaDB"));
    assert!(MariaDb.matches_driver("maodbc") && MariaDb.matches_driver("MySQL ODBC 8.0"));
    assert!(!MariaDb.matches_dbms("PostgreSQL") && !MariaDb.matches_driver("PostgreSQL"));
}

#[test]
fn existing_tables_by_engine_and_column_type() {
    for engine in ["InnoDB", " innodb ", "", "XtraDB", "RocksDB", "TokuDB"] {
        assert!(MariaDb.transactional_engine(engine), "{engine}");
    }
    for engine in ["MyISAM", "Aria", "MEMORY", "CSV", "ARCHIVE"] {
        assert!(!MariaDb.transactional_engine(engine), "{engine}");
    }
    // What an existing column holds for sure, in characters of up to 4 bytes.
    let text = |n| ColumnType::Text {
        length: Some(n),
        fixed: false,
    };
    let binary = |n| ColumnType::Binary {
        length: Some(n),
        fixed: false,
    };
    assert_eq!(MariaDb.target_column_type("tinytext"), text(63));
    assert_eq!(MariaDb.target_column_type("TEXT"), text(16_383));
    assert_eq!(MariaDb.target_column_type("mediumtext"), text(4_194_303));
    assert_eq!(MariaDb.target_column_type("blob"), binary(65_535));
    assert_eq!(MariaDb.target_column_type("mediumblob"), binary(16_777_215));
    assert_eq!(MariaDb.target_column_type("int(11)"), ColumnType::Int32);
    // COLUMN_TYPE's display widths, tinyint(1) for boolean and datetime(0) are the types
    // this tool creates; other widths and types are not.
    assert!(MariaDb.faithful_type("int(11)", &ColumnType::Int32));
    assert!(MariaDb.faithful_type("tinyint(1)", &ColumnType::Boolean));
    assert!(MariaDb.faithful_type("datetime", &ColumnType::Timestamp { precision: 0 }));
    assert!(MariaDb.faithful_type("time", &ColumnType::Time { precision: 0 }));
    assert!(!MariaDb.faithful_type("int(10) unsigned", &ColumnType::Int32));
    assert!(!MariaDb.faithful_type("varchar(10)", &ColumnType::Int32));
}

#[test]
fn a_refused_login_is_access_denied() {
    assert!(MariaDb.login_refused(1045, "Access denied"));
    assert!(!MariaDb.login_refused(2002, "password authentication failed"));
}
