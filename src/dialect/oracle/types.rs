//! Oracle's types: `NUMBER(p, s)`, `FLOAT`, `DATE` and the rest as the catalog declares them,
//! mapped to column types.

use crate::plan::{ColumnType, decimal, type_arguments};

/// An integer type for `NUMBER(p)` by its digits.
fn integer_by_digits(precision: i64) -> ColumnType {
    match precision {
        ..=2 => ColumnType::Int8,
        3..=4 => ColumnType::Int16,
        5..=9 => ColumnType::Int32,
        10..=18 => ColumnType::Int64,
        _ => decimal(precision as usize, 0),
    }
}

/// `NUMBER(p,s)`: integers by digits, decimals as they are, negative scales as wider integers.
pub(super) fn number(precision: i64, scale: i64) -> ColumnType {
    match scale {
        0 => integer_by_digits(precision),
        ..=-1 => integer_by_digits(precision - scale),
        s => decimal(precision as usize, s as i16),
    }
}

/// The column type of an Oracle type as `ALL_TAB_COLUMNS` describes it (see
/// `declared_types_sql`), e.g. `NUMBER(10,0)`, `NUMBER`, `VARCHAR2(100 CHAR)`.
pub(super) fn declared_type(declared: &str) -> ColumnType {
    // The catalog spells lengths with their semantics (`VARCHAR2(50 CHAR)`, `CHAR(2 BYTE)`).
    let d = declared
        .trim()
        .to_ascii_uppercase()
        .replace(" CHAR)", ")")
        .replace(" BYTE)", ")");
    let args = type_arguments(&d);
    let length = args.and_then(|(n, _)| u32::try_from(n).ok());
    let text = |fixed: bool| ColumnType::Text { length, fixed };
    let fraction = |default: u8| args.map_or(default, |(p, _)| p.clamp(0, 9) as u8);
    let unbounded_text = ColumnType::Text {
        length: None,
        fixed: false,
    };
    match d.split('(').next().unwrap_or_default().trim() {
        "NUMBER" if d.starts_with("NUMBER(*") => {
            // NUMBER(*,s): 38 digits.
            let scale = d
                .trim_end_matches(')')
                .rsplit(',')
                .next()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0);
            number(38, scale)
        }
        "NUMBER" => match args {
            Some((p, s)) => number(p, s.unwrap_or(0)),
            None => ColumnType::UNCONSTRAINED_DECIMAL,
        },
        "FLOAT" => ColumnType::UNCONSTRAINED_DECIMAL,
        "BINARY_FLOAT" => ColumnType::Float32,
        "BINARY_DOUBLE" => ColumnType::Float64,
        "DATE" => ColumnType::Timestamp { precision: 0 },
        t if t.starts_with("TIMESTAMP") && d.contains("TIME ZONE") => ColumnType::TimestampTz {
            precision: fraction(6),
        },
        t if t.starts_with("TIMESTAMP") => ColumnType::Timestamp {
            precision: fraction(6),
        },
        "VARCHAR2" | "NVARCHAR2" | "VARCHAR" => text(false),
        "CHAR" | "NCHAR" => text(true),
        "RAW" => ColumnType::Binary {
            length,
            fixed: false,
        },
        "BLOB" | "LONG RAW" | "BFILE" => ColumnType::Binary {
            length: None,
            fixed: false,
        },
        // CLOB, NCLOB, LONG, XMLTYPE, ROWID, UROWID, INTERVAL ...: their text is exact.
        _ => unbounded_text,
    }
}
