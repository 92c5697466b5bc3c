//! The fallback for any other DBMS (DB2, Informix, Sybase, ...): standard SQL and the standard
//! ODBC type mapping. Quoting uses double quotes, row limits `FETCH FIRST n ROWS ONLY`
//! (SQL:2008), lengths `OCTET_LENGTH` (SQL-92); when the DBMS refuses the length query, unbounded
//! columns get buffers of `MAX_TEXT_SIZE` / `MAX_BINARY_SIZE` bytes.

use super::{Connecting, Dialect};
use crate::plan::{ColumnType, decimal, type_arguments};

/// Standard SQL for DBMSs without a dialect of their own.
#[derive(Debug, Clone, Copy)]
pub struct Generic;

impl Connecting for Generic {}

impl Dialect for Generic {
    fn name(&self) -> &'static str {
        "generic ODBC"
    }

    fn matches_dbms(&self, _dbms_name: &str) -> bool {
        true
    }

    fn matches_driver(&self, _driver_name: &str) -> bool {
        true
    }

    fn nth_row_sql(&self, ordered: &str, offset: u64) -> String {
        format!("{ordered} OFFSET {offset} ROWS FETCH NEXT 1 ROWS ONLY")
    }

    fn select_sql(&self, table_ref: &str, columns: &[String], limit: Option<u64>) -> String {
        let list = columns.join(", ");
        match limit {
            Some(n) => format!("SELECT {list} FROM {table_ref} FETCH FIRST {n} ROWS ONLY"),
            None => format!("SELECT {list} FROM {table_ref}"),
        }
    }

    fn byte_length_sql(&self, column: &str, _column_type: &ColumnType) -> Option<String> {
        Some(format!("OCTET_LENGTH({column})"))
    }

    fn target_warnings(&self, column_type: &ColumnType) -> Vec<String> {
        match column_type {
            ColumnType::DecimalText { .. } => {
                vec!["no declared precision: stored as its exact text (CLOB)".into()]
            }
            _ => Vec::new(),
        }
    }

    /// The standard SQL type names `type_sql` writes (and their common synonyms), read back;
    /// anything else holds text as far as this tool can tell.
    fn target_column_type(&self, declared: &str) -> ColumnType {
        let d = super::normalized_type(declared);
        let args = type_arguments(&d);
        let length = args.and_then(|(n, _)| u32::try_from(n).ok());
        let fraction = args.map_or(6, |(p, _)| p.clamp(0, 9) as u8);
        let base = d.split('(').next().unwrap_or_default().trim();
        match base {
            "boolean" => ColumnType::Boolean,
            "smallint" => ColumnType::Int16,
            "integer" | "int" => ColumnType::Int32,
            "bigint" => ColumnType::Int64,
            "real" => ColumnType::Float32,
            "double precision" | "double" | "float" => ColumnType::Float64,
            "decimal" | "numeric" => match args {
                Some((p, s)) => decimal(p as usize, s.unwrap_or(0) as i16),
                None => ColumnType::UNCONSTRAINED_DECIMAL,
            },
            "char" | "character" => ColumnType::Text {
                length,
                fixed: true,
            },
            "varchar" | "character varying" => ColumnType::Text {
                length,
                fixed: false,
            },
            "binary" => ColumnType::Binary {
                length,
                fixed: true,
            },
            "varbinary" => ColumnType::Binary {
                length,
                fixed: false,
            },
            "blob" => ColumnType::Binary {
                length: None,
                fixed: false,
            },
            "date" => ColumnType::Date,
            "time" => ColumnType::Time {
                precision: fraction,
            },
            "timestamp" if d.ends_with("with time zone") => ColumnType::TimestampTz {
                precision: fraction,
            },
            "timestamp" => ColumnType::Timestamp {
                precision: fraction,
            },
            // CLOB and every type this tool does not know.
            _ => ColumnType::Text {
                length: None,
                fixed: false,
            },
        }
    }

    fn type_sql(&self, column_type: &ColumnType) -> String {
        match *column_type {
            ColumnType::Boolean => "BOOLEAN".into(),
            ColumnType::Int8 | ColumnType::Int16 => "SMALLINT".into(),
            ColumnType::Int32 => "INTEGER".into(),
            ColumnType::Int64 => "BIGINT".into(),
            ColumnType::Float32 => "REAL".into(),
            ColumnType::Float64 => "DOUBLE PRECISION".into(),
            ColumnType::Decimal { precision, scale } => format!("DECIMAL({precision},{scale})"),
            ColumnType::DecimalText { .. } => "CLOB".into(),
            ColumnType::Text {
                length: Some(n),
                fixed: true,
            } => format!("CHAR({n})"),
            ColumnType::Text {
                length: Some(n), ..
            } => format!("VARCHAR({n})"),
            ColumnType::Text { length: None, .. } => "CLOB".into(),
            ColumnType::Binary {
                length: Some(n),
                fixed: true,
            } => format!("BINARY({n})"),
            ColumnType::Binary {
                length: Some(n), ..
            } => format!("VARBINARY({n})"),
            ColumnType::Binary { length: None, .. } => "BLOB".into(),
            ColumnType::Date => "DATE".into(),
            ColumnType::Time { precision } => format!("TIME({precision})"),
            ColumnType::Timestamp { precision } => format!("TIMESTAMP({precision})"),
            ColumnType::TimestampTz { precision } => {
                format!("TIMESTAMP({precision}) WITH TIME ZONE")
            }
        }
    }
}

#[cfg(test)]
mod tests;
