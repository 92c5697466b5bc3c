//! SQL Server's declared types (as the catalog query spells them) as column types.

use crate::plan::{ColumnType, decimal, type_arguments};

/// The column type of a SQL Server type as `table_columns_sql` spells it (`nvarchar(50)`,
/// `decimal(12,2)`, `datetime2(7)`, `varbinary(max)`); `None` for a type it does not know.
pub(super) fn declared_type(declared: &str) -> Option<ColumnType> {
    let d = declared.trim().to_ascii_lowercase();
    let base = d.split('(').next().unwrap_or_default().trim();
    let args = type_arguments(&d);
    let max = d.contains("(max)");
    let length = if max {
        None
    } else {
        args.and_then(|(n, _)| u32::try_from(n).ok())
    };
    let fraction = args.map_or(7, |(p, _)| p.clamp(0, 7) as u8);
    Some(match base {
        "bit" => ColumnType::Boolean,
        "tinyint" | "smallint" => ColumnType::Int16,
        "int" => ColumnType::Int32,
        "bigint" => ColumnType::Int64,
        "real" => ColumnType::Float32,
        "float" => ColumnType::Float64,
        "decimal" | "numeric" => match args {
            Some((p, s)) => decimal(p as usize, s.unwrap_or(0) as i16),
            None => decimal(18, 0),
        },
        "money" => decimal(19, 4),
        "smallmoney" => decimal(10, 4),
        "char" | "nchar" => ColumnType::Text {
            length,
            fixed: length.is_some(),
        },
        "varchar" | "nvarchar" => ColumnType::Text {
            length,
            fixed: false,
        },
        "uniqueidentifier" => ColumnType::Text {
            length: Some(36),
            fixed: true,
        },
        "binary" => ColumnType::Binary {
            length,
            fixed: length.is_some(),
        },
        "varbinary" | "image" => ColumnType::Binary {
            length,
            fixed: false,
        },
        "timestamp" | "rowversion" => ColumnType::Binary {
            length: Some(8),
            fixed: true,
        },
        "date" => ColumnType::Date,
        "time" => ColumnType::Time {
            precision: fraction,
        },
        "datetime2" => ColumnType::Timestamp {
            precision: fraction,
        },
        "datetime" => ColumnType::Timestamp { precision: 3 },
        "smalldatetime" => ColumnType::Timestamp { precision: 0 },
        "datetimeoffset" => ColumnType::TimestampTz {
            precision: fraction,
        },
        // text, ntext, xml, sql_variant, CLR types: text as far as this tool can tell (the
        // caller's fallback).
        _ => return None,
    })
}
