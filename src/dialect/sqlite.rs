//! SQLite through the SQLite3 ODBC driver (sqliteodbc).
//!
//! SQLite stores values by *affinity*, not by declared type: an `INTEGER` column holds any 64-bit
//! integer, and a column whose declared type has NUMERIC affinity (`DECIMAL(18,5)`) turns the text
//! '1234567890123.12345' into an 8-byte float, losing digits. So as a source, every integer type
//! is read as 64 bits and types come from the declared type (`pragma_table_info`), because
//! sqliteodbc reports `TEXT` as 64 KB and `BLOB` as 255 bytes whatever the values hold. As a
//! target, exact decimals are declared `DECIMAL_TEXT(p,s)`: the name contains TEXT, so SQLite
//! keeps the digits as text, and it still starts with DECIMAL, so sqliteodbc and this tool read it
//! back as a decimal. SQLite has no schemas to create.

use arrow_odbc::arrow::{
    array::AsArray, compute::cast, datatypes::DataType, record_batch::RecordBatch,
};

use super::{Braces, Connecting, Dialect, DriverTuning, TableLock};
use crate::bound::Bound;
use crate::convert::FetchForm;
use crate::insert::{InsertStrategy, RowByRow};
use crate::plan::{ColumnMeta, ColumnType, LoadColumn, decimal, type_arguments};

/// SQLite 3.
#[derive(Debug, Clone, Copy)]
pub struct Sqlite;

impl Connecting for Sqlite {
    fn connection_parts(
        &self,
        _driver: &str,
        _host: Option<&str>,
        _port: Option<u16>,
        database: Option<&str>,
    ) -> Vec<(String, String)> {
        database
            .map(|d| vec![("Database".to_string(), d.to_string())])
            .unwrap_or_default()
    }

    fn braces(&self, _driver: &str) -> Braces {
        // sqliteodbc takes every value as written: `Database={/x.db}` is a file named so.
        Braces::Never
    }

    fn driver_defaults(&self, _driver: &str, _tuning: DriverTuning) -> Vec<(&'static str, String)> {
        // Wait up to a minute for a locked database instead of failing at once.
        vec![("Timeout", "60000".into())]
    }
}

impl Dialect for Sqlite {
    fn table_lock(&self, _schema: Option<&str>, _table: &str) -> TableLock {
        // SQLite's own locks last a transaction at most: a lock file beside the database.
        TableLock::File {
            database_file: "SELECT file FROM pragma_database_list WHERE name = 'main'".into(),
        }
    }

    fn upsert_sql(
        &self,
        target_ref: &str,
        side_ref: &str,
        columns: &[String],
        keys: &[String],
    ) -> Vec<String> {
        vec![super::statements::insert_on_conflict(
            target_ref, side_ref, columns, keys,
        )]
    }

    fn unique_key_sql(&self, table_ref: &str, name: &str, columns: &[String]) -> String {
        // SQLite adds no constraint to a table; a unique index does the same.
        super::statements::index_in_schema(self, table_ref, name, columns, true, false)
    }

    fn max_sql(&self, table_ref: &str, column: &crate::plan::TargetColumn) -> String {
        // Exact decimals are text here: the largest by their value, not their spelling.
        let q = self.quote(&column.name);
        match column.column_type {
            ColumnType::Decimal { .. } | ColumnType::DecimalText { .. } => format!(
                "SELECT {q} FROM {table_ref} WHERE {q} IS NOT NULL ORDER BY CAST({q} AS REAL) \
                 DESC LIMIT 1"
            ),
            _ => format!("SELECT MAX({q}) FROM {table_ref}"),
        }
    }

    fn create_index_sql(&self, table_ref: &str, index: &str, columns: &[String]) -> String {
        super::statements::index_in_schema(self, table_ref, index, columns, false, false)
    }

    fn unique_keys_sql(&self, _schema: Option<&str>, table: &str) -> String {
        // Unique indexes, and the primary key (an INTEGER PRIMARY KEY has no index).
        let t = self.literal(table);
        format!(
            "SELECT il.name, ii.name FROM pragma_index_list({t}) il, pragma_index_info(il.name) \
             ii WHERE il.\"unique\" = 1 AND il.partial = 0 UNION ALL SELECT 'primary key', name \
             FROM pragma_table_info({t}) WHERE pk > 0"
        )
    }

    fn bound_column_sql(&self, quoted: &str, column: &crate::plan::Column) -> String {
        // Dates and times are text, spelled in many ways ('T' or space, `.5` or `.500000`, an
        // offset): compared as moments, each value is first written one way, as
        // `YYYY-MM-DD HH:MM:SS.fffffffff` (strftime reads the spellings and applies an offset;
        // the fraction is the number after the seconds, however many digits it has).
        match column.column_type {
            ColumnType::Date => format!("replace({quoted}, 'T', ' ')"),
            ColumnType::Timestamp { .. } | ColumnType::TimestampTz { .. } => format!(
                "strftime('%Y-%m-%d %H:%M:%S', {quoted}) || \
                 substr(printf('%.9f', CAST('0' || substr({quoted}, 20) AS REAL)), 2)"
            ),
            _ => quoted.to_string(),
        }
    }

    fn bound_literal(&self, bound: &Bound, column: &crate::plan::Column) -> String {
        // As `bound_column_sql` writes the column's values.
        match bound {
            Bound::Date(d) => format!("'{}'", d.format("%Y-%m-%d")),
            Bound::Timestamp(t) => format!("'{}'", t.format("%Y-%m-%d %H:%M:%S%.9f")),
            Bound::Instant(t) => format!("'{}'", t.format("%Y-%m-%d %H:%M:%S%.9f")),
            other => crate::dialect::default_bound_literal(self, other, column),
        }
    }

    fn name(&self) -> &'static str {
        "SQLite"
    }

    fn matches_dbms(&self, dbms_name: &str) -> bool {
        dbms_name.to_ascii_lowercase().contains("sqlite")
    }

    fn matches_driver(&self, driver_name: &str) -> bool {
        driver_name.to_ascii_lowercase().contains("sqlite")
    }

    fn catalog_scope_sql(&self, _schema: Option<&str>) -> String {
        // sqliteodbc lists the main database's tables without catalog or schema.
        "SELECT '', ''".to_string()
    }

    fn has_schemas(&self) -> bool {
        false
    }

    fn declared_types_sql(&self, schema: Option<&str>, table: &str) -> Option<String> {
        let schema_arg = schema.map_or(String::new(), |s| format!(", {}", self.literal(s)));
        Some(format!(
            "SELECT name, type FROM pragma_table_info({}{schema_arg}) ORDER BY cid",
            self.literal(table)
        ))
    }

    fn column_type(&self, meta: &ColumnMeta) -> Result<ColumnType, String> {
        let declared = meta
            .declared
            .clone()
            .unwrap_or_else(|| meta.type_name.clone())
            .to_ascii_lowercase();
        Ok(affinity_type(&declared))
    }

    fn select_expr(&self, quoted: &str, column: &crate::plan::Column) -> String {
        match column.column_type {
            // sqliteodbc converts doubles through 15-digit text. SQLite's own printf with the
            // alternate-form flag gives 21 significant digits; SQLite computes them in extended
            // precision, so the first 17 or more are right and the nearest double, which the
            // reader parses, is the stored one.
            ColumnType::Float32 | ColumnType::Float64 => {
                format!("CASE WHEN {quoted} IS NULL THEN NULL ELSE printf('%!.20e', {quoted}) END")
            }
            // As a blob, so that sqliteodbc does not cut the text at a NUL character.
            ColumnType::Text { .. } | ColumnType::DecimalText { .. } => {
                format!("CAST({quoted} AS BLOB)")
            }
            _ => quoted.to_string(),
        }
    }

    fn fetch_form(&self, column: &crate::plan::Column) -> FetchForm {
        match column.column_type {
            ColumnType::Float32 | ColumnType::Float64 => FetchForm::Text,
            ColumnType::Text { .. } | ColumnType::DecimalText { .. } => FetchForm::Bytes,
            _ => FetchForm::Native,
        }
    }

    fn byte_length_sql(&self, column: &str, _column_type: &ColumnType) -> Option<String> {
        Some(format!("length(CAST({column} AS BLOB))"))
    }

    fn type_sql(&self, column_type: &ColumnType) -> String {
        match *column_type {
            ColumnType::Boolean => "BOOLEAN".into(),
            ColumnType::Int8 => "TINYINT".into(),
            ColumnType::Int16 => "SMALLINT".into(),
            ColumnType::Int32 => "INTEGER".into(),
            ColumnType::Int64 => "BIGINT".into(),
            ColumnType::Float32 => "REAL".into(),
            ColumnType::Float64 => "DOUBLE".into(),
            ColumnType::Decimal { precision, scale } => {
                format!("DECIMAL_TEXT({precision},{scale})")
            }
            ColumnType::DecimalText {
                precision: Some(p),
                scale,
            } => format!("DECIMAL_TEXT({p},{})", scale.unwrap_or(0)),
            ColumnType::DecimalText { .. } => "NUMERIC_TEXT".into(),
            ColumnType::Text {
                length: Some(n),
                fixed: true,
            } => format!("CHAR({n})"),
            ColumnType::Text {
                length: Some(n), ..
            } => format!("VARCHAR({n})"),
            ColumnType::Text { length: None, .. } => "TEXT".into(),
            ColumnType::Binary { .. } => "BLOB".into(),
            ColumnType::Date => "DATE".into(),
            ColumnType::Time { .. } => "TIME".into(),
            ColumnType::Timestamp { .. } | ColumnType::TimestampTz { .. } => "TIMESTAMP".into(),
        }
    }

    fn target_warnings(&self, column_type: &ColumnType) -> Vec<String> {
        match column_type {
            ColumnType::TimestampTz { .. } => {
                vec!["SQLite has no time zone type: the instant is stored as UTC text".into()]
            }
            _ => Vec::new(),
        }
    }

    fn prepare_batch(
        &self,
        batch: RecordBatch,
        columns: &[LoadColumn],
    ) -> anyhow::Result<(RecordBatch, usize)> {
        // SQLite keeps every fractional digit (timestamps are text), but no offset.
        let batch = super::adapt_text_times(batch, columns, None, false)?;
        Ok((values_as_text(super::without_time_zones(batch)?)?, 0))
    }

    fn max_name_length(&self) -> usize {
        usize::MAX
    }

    fn faithful_type(&self, _declared: &str, _column_type: &ColumnType) -> bool {
        // Any column keeps any value as it comes (type affinity converts only without loss,
        // which the column type's own mapping already tells).
        true
    }

    fn table_columns_sql(&self, schema: Option<&str>, table: &str) -> String {
        let schema_arg = schema.map_or(String::new(), |s| format!(", {}", self.literal(s)));
        format!(
            "SELECT name, type, NULL, CASE WHEN \"notnull\" = 0 THEN 1 ELSE 0 END, CASE WHEN \
             dflt_value IS NOT NULL OR (pk > 0 AND upper(type) = 'INTEGER') THEN 1 ELSE 0 END \
             FROM pragma_table_info({}{schema_arg}) ORDER BY cid",
            self.literal(table)
        )
    }

    fn dependent_views_sql(&self, schema: Option<&str>, _table: &str) -> Option<String> {
        // SQLite keeps only each view's text; it is searched for the table's name.
        let master = match schema {
            Some(s) => format!("{}.sqlite_master", self.quote(s)),
            None => "sqlite_master".to_string(),
        };
        Some(format!(
            "SELECT name, sql FROM {master} WHERE type = 'view' ORDER BY name"
        ))
    }

    fn max_writers(&self) -> usize {
        // SQLite has one writer at a time; a second connection would only wait for the lock.
        1
    }

    fn insert_strategy(&self) -> &'static dyn InsertStrategy {
        // sqliteodbc takes a binary parameter's buffer length, not its indicator, as the value's
        // length, so rows are sent one at a time with buffers of exactly their length (in one
        // transaction per batch, which SQLite needs to be fast anyway).
        &RowByRow
    }

    fn create_schema_sql(&self, _schema: &str) -> Option<String> {
        None
    }

    fn truncate_sql(&self, table_ref: &str) -> String {
        format!("DELETE FROM {table_ref}")
    }

    fn table_exists_sql(&self, schema: Option<&str>, table: &str) -> String {
        let master = match schema {
            Some(s) => format!("{}.sqlite_master", self.quote(s)),
            None => "sqlite_master".to_string(),
        };
        format!(
            "SELECT type, NULL FROM {master} WHERE type IN ('table', 'view') AND name = {}",
            self.literal(table)
        )
    }
}

/// Timestamps and decimals are sent as their text. sqliteodbc writes a bound timestamp with
/// milliseconds only, and arrow-odbc writes decimals with a leading '+', which a TEXT-affinity
/// column would keep. Timestamps become `2020-01-01 12:00:00.123456` (every fractional digit),
/// decimals their plain form. (arrow-odbc already sends times as text.)
fn values_as_text(batch: RecordBatch) -> anyhow::Result<RecordBatch> {
    super::columns_as_text(
        batch,
        |t| matches!(t, DataType::Timestamp(..) | DataType::Decimal128(..)),
        |column| {
            // Arrow formats timestamps as ISO 8601 with as many fractional digits as needed,
            // and decimals with all their scale digits.
            let iso = cast(column, &DataType::Utf8)?;
            Ok(iso
                .as_string::<i32>()
                .iter()
                .map(|v| v.map(|t| t.replacen('T', " ", 1)))
                .collect())
        },
    )
}

/// The column type of a SQLite declared type, following SQLite's affinity rules but more
/// precisely where the declared name says more (dates, decimals, booleans).
fn affinity_type(declared: &str) -> ColumnType {
    let args = type_arguments(declared);
    let length = args
        .and_then(|(n, _)| u32::try_from(n).ok())
        .filter(|n| *n > 0);
    let starts = |p: &str| declared.starts_with(p);
    if starts("decimal") || starts("numeric") {
        return match args {
            Some((p, s)) => decimal(p as usize, s.unwrap_or(0) as i16),
            None => ColumnType::UNCONSTRAINED_DECIMAL,
        };
    }
    if declared.contains("int") {
        // Any INTEGER-affinity column stores 64-bit integers.
        return ColumnType::Int64;
    }
    if starts("bool") {
        return ColumnType::Boolean;
    }
    if declared.contains("char") || declared.contains("clob") || declared.contains("text") {
        let fixed = (starts("char") || starts("nchar") || starts("character")) && length.is_some();
        return ColumnType::Text { length, fixed };
    }
    if declared.contains("blob") || declared.contains("binary") {
        return ColumnType::Binary {
            length: None,
            fixed: false,
        };
    }
    if declared.contains("real") || declared.contains("floa") || declared.contains("doub") {
        return ColumnType::Float64;
    }
    match declared {
        "date" => ColumnType::Date,
        "datetime" | "timestamp" => ColumnType::Timestamp { precision: 6 },
        "time" => ColumnType::Time { precision: 6 },
        // No declared type, or another NUMERIC-affinity name: any value; its text is exact.
        _ => ColumnType::Text {
            length: None,
            fixed: false,
        },
    }
}

#[cfg(test)]
mod tests;
