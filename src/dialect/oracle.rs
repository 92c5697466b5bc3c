//! Oracle through the Oracle Instant Client ODBC driver.
//!
//! Not tested against a live server (none can run on the development machines): the mapping is
//! built from the metadata the driver documents and from the catalog (`ALL_TAB_COLUMNS`), and
//! the generated SQL is checked against golden files and parsed with sqlparser's OracleDialect
//! where sqlparser understands it (`src/dialect/golden_tests/`).
//!
//! What Oracle does differently: unquoted names are stored in upper case, so a name written in
//! lower case in `SRC_TABLES` means the upper-case one; `NUMBER` without precision holds any
//! decimal of up to 38-40 digits (carried as exact text, never as a float), `NUMBER(p)` is an
//! integer sized by its digits (`NUMBER(10)` needs 64 bits, `NUMBER(1)` is a number, not a
//! boolean), `FLOAT` is a decimal `NUMBER` with binary precision; `DATE` carries a time of day;
//! the driver cannot bind 64-bit integers (they travel as text); numbers are read with
//! `TO_CHAR(..., 'TM9')` and `.` as decimal separator whatever the session's NLS settings. A
//! schema is a user: it cannot be created by this tool. DDL commits implicitly, so the swap is two
//! renames (a short moment without the table), then the old table is dropped.

use arrow_odbc::arrow::{
    array::AsArray, compute::cast, datatypes::DataType, record_batch::RecordBatch,
};

use super::statements;
use super::{
    ColumnDef, Connecting, Dialect, DriverTuning, ShortLockWait, Snapshot, Swap, TableLock,
    normalized_type,
};
use crate::bound::{Bound, timestamp_text};
use crate::{
    convert::FetchForm,
    plan::{Column, ColumnMeta, ColumnType, LoadColumn, TargetColumn, sql_type},
};

mod locks;
mod types;

use types::{declared_type, number};

/// Oracle Database.
#[derive(Debug, Clone, Copy)]
pub struct Oracle;

impl Connecting for Oracle {
    fn connection_parts(
        &self,
        _driver: &str,
        host: Option<&str>,
        port: Option<u16>,
        database: Option<&str>,
    ) -> Vec<(String, String)> {
        // EZConnect: //host:port/service.
        let dbq = match (host, port, database) {
            (Some(h), Some(p), Some(d)) => format!("//{h}:{p}/{d}"),
            (Some(h), None, Some(d)) => format!("//{h}/{d}"),
            (Some(h), Some(p), None) => format!("//{h}:{p}"),
            (Some(h), None, None) => h.to_string(),
            (None, _, Some(d)) => d.to_string(), // a TNS alias
            (None, _, None) => return Vec::new(),
        };
        vec![("DBQ".to_string(), dbq)]
    }

    fn driver_defaults(&self, _driver: &str, _tuning: DriverTuning) -> Vec<(&'static str, String)> {
        // US numeric settings: '.' as decimal separator whatever the NLS settings.
        vec![("NUM", "US".into())]
    }
}

impl Dialect for Oracle {
    fn create_index_sql(&self, table_ref: &str, index: &str, columns: &[String]) -> String {
        // An index goes into the current user's schema unless its name says otherwise.
        statements::index_in_schema(self, table_ref, index, columns, false, true)
    }

    fn unique_keys_sql(&self, schema: Option<&str>, table: &str) -> String {
        let owner = schema.map_or("USER".to_string(), |s| self.literal(s));
        format!(
            "SELECT ic.index_name, ic.column_name FROM all_ind_columns ic JOIN all_indexes i ON \
             i.owner = ic.index_owner AND i.index_name = ic.index_name WHERE i.uniqueness = \
             'UNIQUE' AND ic.table_owner = {owner} AND ic.table_name = {}",
            self.literal(table)
        )
    }

    fn bound_text_sql(&self, expr: &str, column: &Column) -> String {
        // Dates and numbers as text in one format, whatever NLS_DATE_FORMAT says.
        let format = match column.column_type {
            ColumnType::Timestamp { .. } if normalized_type(&column.source_type) == "date" => {
                "'YYYY-MM-DD HH24:MI:SS'"
            }
            ColumnType::Date => "'YYYY-MM-DD'",
            ColumnType::Timestamp { .. } => "'YYYY-MM-DD HH24:MI:SS.FF9'",
            ColumnType::Text { .. } => return expr.to_string(),
            ColumnType::TimestampTz { .. } => {
                return format!("TO_CHAR(SYS_EXTRACT_UTC({expr}), 'YYYY-MM-DD HH24:MI:SS.FF9')");
            }
            _ => return format!("TO_CHAR({expr}, 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''')"),
        };
        format!("TO_CHAR({expr}, {format})")
    }

    fn bound_literal(&self, bound: &Bound, column: &Column) -> String {
        // A DATE column compared with a TIMESTAMP literal would be converted, and its index not
        // used: a DATE gets a DATE.
        match bound {
            Bound::Timestamp(t) if normalized_type(&column.source_type) == "date" => format!(
                "TO_DATE('{}', 'YYYY-MM-DD HH24:MI:SS')",
                timestamp_text(t, 0)
            ),
            Bound::Instant(t) => format!("TIMESTAMP '{} +00:00'", t.format("%Y-%m-%d %H:%M:%S%.f")),
            other => crate::dialect::default_bound_literal(self, other, column),
        }
    }

    fn name(&self) -> &'static str {
        "Oracle"
    }

    fn matches_dbms(&self, dbms_name: &str) -> bool {
        dbms_name.to_ascii_lowercase().contains("oracle")
    }

    fn matches_driver(&self, driver_name: &str) -> bool {
        let d = driver_name.to_ascii_lowercase();
        d.contains("oracle") || d.contains("sqora")
    }

    fn fold_name(&self, name: &str) -> String {
        // An unquoted name is stored in upper case: `klanten` means KLANTEN.
        if name.chars().any(|c| c.is_uppercase()) {
            name.to_string()
        } else {
            name.to_uppercase()
        }
    }

    fn written_name(&self, catalog_name: &str) -> String {
        // KLANTEN is written klanten (fold_name makes it KLANTEN again); Klanten stays.
        if catalog_name.chars().any(char::is_alphabetic)
            && self.fold_name(&catalog_name.to_lowercase()) == catalog_name
        {
            catalog_name.to_lowercase()
        } else {
            catalog_name.to_string()
        }
    }

    fn catalog_scope_sql(&self, schema: Option<&str>) -> String {
        let owner = schema.map_or(
            "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')".to_string(),
            |s| self.literal(s),
        );
        format!("SELECT NULL, {owner} FROM DUAL")
    }

    fn declared_types_sql(&self, schema: Option<&str>, table: &str) -> Option<String> {
        let owner = match schema {
            Some(s) => self.literal(s),
            None => "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')".to_string(),
        };
        Some(format!(
            "SELECT column_name, data_type || CASE \
             WHEN data_type = 'NUMBER' AND data_precision IS NOT NULL \
             THEN '(' || data_precision || ',' || NVL(data_scale, 0) || ')' \
             WHEN data_type = 'NUMBER' AND data_scale IS NOT NULL THEN '(*,' || data_scale || ')' \
             WHEN data_type = 'FLOAT' THEN '(' || data_precision || ')' \
             WHEN data_type IN ('VARCHAR2', 'NVARCHAR2', 'CHAR', 'NCHAR') \
             THEN '(' || char_length || ')' \
             WHEN data_type = 'RAW' THEN '(' || data_length || ')' \
             ELSE '' END \
             FROM all_tab_columns WHERE owner = {owner} AND table_name = {} ORDER BY column_id",
            self.literal(table)
        ))
    }

    fn column_type(&self, meta: &ColumnMeta) -> Result<ColumnType, String> {
        if let Some(declared) = &meta.declared {
            return Ok(declared_type(declared));
        }
        // Without the catalog: what the driver reports.
        let name = meta.type_name.to_ascii_uppercase();
        Ok(match meta.sql_type {
            _ if name.starts_with("FLOAT") => ColumnType::UNCONSTRAINED_DECIMAL,
            // BINARY_FLOAT and BINARY_DOUBLE arrive as SQL_REAL and SQL_DOUBLE: the generic mapping.
            // NUMBER without precision: reported as a double, or with size 0 or 38 and no scale.
            _ if name == "NUMBER"
                && (matches!(meta.sql_type, sql_type::DOUBLE | sql_type::FLOAT)
                    || meta.column_size == 0
                    || meta.decimal_digits < 0
                    || meta.decimal_digits > 127) =>
            {
                ColumnType::UNCONSTRAINED_DECIMAL
            }
            sql_type::NUMERIC | sql_type::DECIMAL => {
                number(meta.column_size as i64, i64::from(meta.decimal_digits))
            }
            _ if name.contains("TIME ZONE") => ColumnType::TimestampTz {
                precision: meta.decimal_digits.clamp(0, 9) as u8,
            },
            sql_type::TYPE_TIMESTAMP | sql_type::DATETIME => ColumnType::Timestamp {
                precision: meta.decimal_digits.clamp(0, 9) as u8,
            },
            _ => crate::plan::generic_column_type(meta)?,
        })
    }

    fn select_expr(&self, quoted: &str, column: &Column) -> String {
        let source = column.source_type.to_ascii_uppercase();
        match column.column_type {
            // Numbers as text with '.' whatever the session's NLS settings; 64-bit integers
            // cannot be bound by the driver anyway.
            ColumnType::Decimal { .. } | ColumnType::DecimalText { .. } | ColumnType::Int64 => {
                format!("TO_CHAR({quoted}, 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''')")
            }
            ColumnType::TimestampTz { .. } if source.contains("LOCAL") => {
                format!("TO_CHAR(SYS_EXTRACT_UTC({quoted}), 'YYYY-MM-DD HH24:MI:SS.FF9')")
            }
            ColumnType::TimestampTz { .. } => {
                format!("TO_CHAR({quoted}, 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM')")
            }
            ColumnType::Timestamp { precision } if precision > 6 => {
                format!("TO_CHAR({quoted}, 'YYYY-MM-DD HH24:MI:SS.FF9')")
            }
            _ => quoted.to_string(),
        }
    }

    fn fetch_form(&self, column: &Column) -> FetchForm {
        match column.column_type {
            ColumnType::Int64 => FetchForm::Text,
            _ => FetchForm::Native,
        }
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

    fn byte_length_sql(&self, column: &str, column_type: &ColumnType) -> Option<String> {
        Some(match column_type {
            ColumnType::Binary { .. } => format!("DBMS_LOB.GETLENGTH({column})"),
            ColumnType::DecimalText { .. } => {
                format!("LENGTH(TO_CHAR({column}, 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''))")
            }
            // Characters; at most four UTF-8 bytes each. (LONG columns cannot be measured; they
            // get buffers of MAX_TEXT_SIZE.)
            _ => format!("DBMS_LOB.GETLENGTH(TO_CLOB({column})) * 4"),
        })
    }

    fn type_sql(&self, column_type: &ColumnType) -> String {
        match *column_type {
            ColumnType::Boolean => "NUMBER(1)".into(),
            ColumnType::Int8 => "NUMBER(3)".into(),
            ColumnType::Int16 => "NUMBER(5)".into(),
            ColumnType::Int32 => "NUMBER(10)".into(),
            ColumnType::Int64 => "NUMBER(19)".into(),
            ColumnType::Float32 => "BINARY_FLOAT".into(),
            ColumnType::Float64 => "BINARY_DOUBLE".into(),
            ColumnType::Decimal { precision, scale } => format!("NUMBER({precision},{scale})"),
            // More than 38 digits, or a decimal of unbounded precision (PostgreSQL numeric): the
            // exact text, since NUMBER keeps 38 significant digits.
            ColumnType::DecimalText {
                precision: Some(p), ..
            } if crate::plan::decimal_text_bytes(p) <= 1000 => {
                format!("VARCHAR2({} CHAR)", crate::plan::decimal_text_bytes(p))
            }
            ColumnType::DecimalText { .. } => "CLOB".into(),
            // VARCHAR2 holds 4,000 bytes: up to 1,000 characters of any kind fit.
            ColumnType::Text {
                length: Some(n),
                fixed: true,
            } if n <= 500 => format!("CHAR({n} CHAR)"),
            ColumnType::Text {
                length: Some(n), ..
            } if n <= 1000 => format!("VARCHAR2({n} CHAR)"),
            ColumnType::Text { .. } => "CLOB".into(),
            ColumnType::Binary {
                length: Some(n), ..
            } if n <= 2000 => format!("RAW({n})"),
            ColumnType::Binary { .. } => "BLOB".into(),
            ColumnType::Date => "DATE".into(),
            ColumnType::Time { .. } => "VARCHAR2(18 CHAR)".into(),
            ColumnType::Timestamp { precision } => format!("TIMESTAMP({})", precision.min(9)),
            ColumnType::TimestampTz { precision } => {
                format!("TIMESTAMP({}) WITH TIME ZONE", precision.min(9))
            }
        }
    }

    fn target_warnings(&self, column_type: &ColumnType) -> Vec<String> {
        match column_type {
            ColumnType::Time { .. } => {
                vec!["Oracle has no time-of-day type: stored as text (HH:MM:SS.ffffff)".into()]
            }
            ColumnType::DecimalText { .. } => {
                vec!["Oracle NUMBER keeps 38 significant digits: stored as its exact text".into()]
            }
            ColumnType::Boolean => vec!["Oracle has no boolean before 23ai: stored as 1/0".into()],
            _ => Vec::new(),
        }
    }

    fn schema_exists_sql(&self, schema: &str) -> String {
        format!(
            "SELECT 1 FROM all_users WHERE username = {}",
            self.literal(schema)
        )
    }

    fn create_schema_sql(&self, _schema: &str) -> Option<String> {
        None
    }

    fn missing_schema_advice(&self, schema: &str) -> String {
        format!(
            "in Oracle a schema is a user, which this tool does not create; ask the DBA for user \
             {schema} (with quota on a tablespace) or set DST_SCHEMA to an existing one"
        )
    }

    fn drop_table_sql(&self, table_ref: &str) -> String {
        // No DROP TABLE IF EXISTS before 23ai: ignore ORA-00942 (table does not exist).
        format!(
            "BEGIN EXECUTE IMMEDIATE 'DROP TABLE {} PURGE'; EXCEPTION WHEN OTHERS THEN \
             IF SQLCODE != -942 THEN RAISE; END IF; END;",
            table_ref.replace('\'', "''")
        )
    }

    fn table_exists_sql(&self, schema: Option<&str>, table: &str) -> String {
        let owner = match schema {
            Some(s) => self.literal(s),
            None => "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')".to_string(),
        };
        format!(
            "SELECT 'TABLE', NULL FROM all_tables WHERE owner = {owner} AND table_name = {table} \
             UNION ALL SELECT 'VIEW', NULL FROM all_views WHERE owner = {owner} AND view_name = \
             {table}",
            table = self.literal(table)
        )
    }

    fn swap(&self, schema: Option<&str>, side: &str, target: &str, target_exists: bool) -> Swap {
        let rename = |from: &str, to: &str| {
            format!(
                "ALTER TABLE {} RENAME TO {}",
                self.table_ref(schema, from),
                self.quote(to)
            )
        };
        let statements = if target_exists {
            let old = super::suffixed_name(self, target, super::OLD_SUFFIX);
            vec![
                self.drop_table_sql(&self.table_ref(schema, &old)),
                rename(target, &old),
                rename(side, target),
                self.drop_table_sql(&self.table_ref(schema, &old)),
            ]
        } else {
            vec![rename(side, target)]
        };
        Swap {
            statements,
            transactional: false,
        }
    }

    fn prepare_batch(
        &self,
        batch: RecordBatch,
        _columns: &[LoadColumn],
    ) -> anyhow::Result<(RecordBatch, usize)> {
        Ok((int64_as_text(batch)?, 0))
    }

    fn transactional_ddl(&self) -> bool {
        // DDL commits implicitly.
        false
    }

    fn table_lock(&self, schema: Option<&str>, table: &str) -> TableLock {
        locks::table_lock(self, schema, table)
    }

    fn short_lock_wait(&self, table_ref: &str) -> Option<ShortLockWait> {
        locks::short_lock_wait(self, table_ref)
    }

    fn snapshot(&self) -> Snapshot {
        locks::snapshot(self)
    }

    fn target_session_sql(&self) -> Vec<String> {
        // Text converted to numbers, dates and timestamps reads the same whatever the
        // database's NLS settings.
        vec![
            "ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,' NLS_DATE_FORMAT = 'YYYY-MM-DD \
             HH24:MI:SS' NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9' \
             NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM' TIME_ZONE = '+00:00'"
                .into(),
        ]
    }

    fn table_columns_sql(&self, schema: Option<&str>, table: &str) -> String {
        let owner = match schema {
            Some(s) => self.literal(s),
            None => "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')".to_string(),
        };
        format!(
            "SELECT column_name, data_type || CASE WHEN data_type = 'NUMBER' AND data_precision \
             IS NOT NULL THEN '(' || data_precision || ',' || NVL(data_scale, 0) || ')' WHEN \
             data_type = 'NUMBER' AND data_scale IS NOT NULL THEN '(*,' || data_scale || ')' WHEN \
             data_type = 'FLOAT' THEN '(' || data_precision || ')' WHEN data_type IN \
             ('VARCHAR2', 'NVARCHAR2', 'CHAR', 'NCHAR') THEN '(' || char_length || ' CHAR)' WHEN \
             data_type = 'RAW' THEN '(' || data_length || ')' ELSE '' END, NULL, CASE WHEN \
             nullable = 'Y' THEN 1 ELSE 0 END, CASE WHEN data_default IS NULL THEN 0 ELSE 1 END \
             FROM all_tab_columns WHERE owner = {owner} AND table_name = {} ORDER BY column_id",
            self.literal(table)
        )
    }

    fn dependent_views_sql(&self, schema: Option<&str>, table: &str) -> Option<String> {
        let owner = match schema {
            Some(s) => self.literal(s),
            None => "SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')".to_string(),
        };
        Some(format!(
            "SELECT DISTINCT owner || '.' || name, NULL FROM all_dependencies WHERE type = 'VIEW' \
             AND referenced_type = 'TABLE' AND referenced_owner = {owner} AND referenced_name = \
             {}",
            self.literal(table)
        ))
    }

    fn parameter_sql(&self, sent: &DataType, target: &TargetColumn) -> String {
        // Text carried for timestamps with more than 6 digits and for numbers (64-bit integers,
        // decimals) is converted with explicit formats.
        if sent != &DataType::Utf8 {
            return "?".to_string();
        }
        // What the column holds as declared (a decimal carried as text may go into a VARCHAR2).
        match declared_type(&target.declared) {
            ColumnType::Timestamp { .. } => "TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS.FF9')".into(),
            ColumnType::TimestampTz { .. } => {
                "TO_TIMESTAMP_TZ(?, 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM')".into()
            }
            ColumnType::Int8
            | ColumnType::Int16
            | ColumnType::Int32
            | ColumnType::Int64
            | ColumnType::Decimal { .. }
            | ColumnType::DecimalText { .. }
            | ColumnType::Float32
            | ColumnType::Float64 => "TO_NUMBER(?)".into(),
            _ => "?".to_string(),
        }
    }

    fn empty_copy_sql(&self, copy_ref: &str, target_ref: &str) -> String {
        format!(
            "CREATE PRIVATE TEMPORARY TABLE {copy_ref} ON COMMIT PRESERVE DEFINITION AS SELECT * \
             FROM {target_ref} WHERE 1 = 0"
        )
    }

    fn temporary_table_ref(&self, _schema: Option<&str>, table: &str) -> String {
        // Private temporary tables (18c and later) must be named ORA$PTT_...
        self.quote(&format!("ORA$PTT_{}", table.to_uppercase()))
    }

    fn create_temporary_table_sql(&self, table_ref: &str, columns: &[ColumnDef]) -> String {
        format!(
            "CREATE PRIVATE TEMPORARY TABLE {table_ref} ({}) ON COMMIT PRESERVE DEFINITION",
            self.column_list_sql(columns)
        )
    }
}

/// The Oracle ODBC driver cannot bind 64-bit integers: they are sent as their decimal text,
/// which Oracle converts into the NUMBER column exactly.
fn int64_as_text(batch: RecordBatch) -> anyhow::Result<RecordBatch> {
    super::columns_as_text(
        batch,
        |t| t == &DataType::Int64,
        |column| Ok(cast(column, &DataType::Utf8)?.as_string::<i32>().clone()),
    )
}

#[cfg(test)]
mod tests;
