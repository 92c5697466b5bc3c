//! The fallback for any other DBMS (DB2, Informix, Sybase, ...): standard SQL and the standard
//! ODBC type mapping. Quoting uses double quotes, row limits `FETCH FIRST n ROWS ONLY`
//! (SQL:2008), lengths `OCTET_LENGTH` (SQL-92); when the DBMS refuses the length query, unbounded
//! columns get buffers of `MAX_TEXT_SIZE` / `MAX_BINARY_SIZE` bytes.

use super::Dialect;
use crate::plan::ColumnType;

/// Standard SQL for DBMSs without a dialect of their own.
#[derive(Debug, Clone, Copy)]
pub struct Generic;

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
mod tests {
    use super::*;

    #[test]
    fn decimals_without_precision_are_said_to_go_into_text() {
        assert_eq!(
            Generic.target_warnings(&ColumnType::UNCONSTRAINED_DECIMAL),
            vec!["no declared precision: stored as its exact text (CLOB)".to_string()]
        );
        assert!(Generic.target_warnings(&ColumnType::Int64).is_empty());
        assert!(Generic.matches_dbms("DB2/LINUXX8664") && Generic.matches_driver("IBM DB2 ODBC"));
    }
}
