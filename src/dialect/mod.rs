//! Everything that differs between DBMSs, one file per DBMS.
//!
//! A [`Dialect`] answers, for one DBMS: how to build a connection string from host/port/database
//! and which driver settings keep memory bounded and types faithful; how to quote and qualify
//! names; how to read a table (row limit, byte lengths of unbounded columns, declared types from
//! the catalog, metadata -> [`ColumnType`]); and how to write one (type names, DDL, truncate,
//! the atomic swap, and the insert strategy). The default methods are standard SQL; a dialect
//! overrides what its DBMS does differently.
//!
//! **Adding a DBMS** means adding one file with a unit struct that implements [`Dialect`] and
//! listing it in [`DIALECTS`] (before [`generic::Generic`], which matches everything).

pub mod generic;
pub mod mariadb;
pub mod mssql;
pub mod oracle;
pub mod postgres;
pub mod sqlite;

use std::sync::Arc;

use arrow_odbc::arrow::{
    array::{ArrayRef, StringArray},
    datatypes::{DataType, Field, Schema},
    record_batch::RecordBatch,
};

use crate::{
    convert::FetchForm,
    insert::{InsertStrategy, ParameterArrays},
    plan::{Column, ColumnMeta, ColumnType, generic_column_type},
};

/// The dialects, tried in order; the generic fallback last.
pub static DIALECTS: &[&dyn Dialect] = &[
    &postgres::Postgres,
    &mariadb::MariaDb,
    &sqlite::Sqlite,
    &mssql::SqlServer,
    &oracle::Oracle,
    &generic::Generic,
];

/// The dialect for the DBMS name a connection reports (`SQL_DBMS_NAME`).
pub fn for_dbms(dbms_name: &str) -> &'static dyn Dialect {
    DIALECTS
        .iter()
        .copied()
        .find(|d| d.matches_dbms(dbms_name))
        .unwrap_or(&generic::Generic)
}

/// The dialect a driver's registered name suggests, used before connecting to build the
/// connection string and add driver settings.
pub fn for_driver(driver_name: &str) -> &'static dyn Dialect {
    DIALECTS
        .iter()
        .copied()
        .find(|d| d.matches_driver(driver_name))
        .unwrap_or(&generic::Generic)
}

/// Replaces the columns whose type `pick` selects by their text, made by `to_text`; the other
/// columns stay as they are, and a batch without such columns comes back untouched. Dialects use
/// it in `prepare_batch` for values their driver binds badly.
pub fn columns_as_text(
    batch: RecordBatch,
    pick: impl Fn(&DataType) -> bool,
    to_text: impl Fn(&ArrayRef) -> anyhow::Result<StringArray>,
) -> anyhow::Result<RecordBatch> {
    let schema = batch.schema();
    if !schema.fields().iter().any(|f| pick(f.data_type())) {
        return Ok(batch);
    }
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        if pick(field.data_type()) {
            fields.push(Field::new(
                field.name(),
                DataType::Utf8,
                field.is_nullable(),
            ));
            columns.push(Arc::new(to_text(column)?));
        } else {
            fields.push(field.as_ref().clone());
            columns.push(column.clone());
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

/// Warnings about reading a column type from any source.
pub fn common_source_warnings(column_type: &ColumnType) -> Vec<String> {
    match column_type {
        ColumnType::TimestampTz { precision } if *precision <= 6 => vec![
            "time zone offsets are normalised to UTC: the instant is kept, the offset not".into(),
        ],
        t if t.carried_as_text() => vec![
            "more than 6 fractional digits: carried as its text (Arrow and Parquet timestamps \
             hold microseconds, or nanoseconds only for 1677-2262)"
                .into(),
        ],
        _ => Vec::new(),
    }
}

/// How a side table replaces the target table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swap {
    /// Statements, in order.
    pub statements: Vec<String>,
    /// Run them in one transaction (the DBMS has transactional DDL).
    pub transactional: bool,
}

/// Settings a dialect may use for the driver's connection attributes.
#[derive(Debug, Clone, Copy)]
pub struct DriverTuning {
    /// Rows per fetch.
    pub fetch_rows: usize,
    /// Largest text value to expect, in bytes.
    pub max_text_size: usize,
}

/// One DBMS's SQL and driver behaviour. See the module documentation.
pub trait Dialect: Send + Sync {
    /// Name for messages ("PostgreSQL").
    fn name(&self) -> &'static str;

    /// Does this dialect serve the DBMS that reports `dbms_name`?
    fn matches_dbms(&self, dbms_name: &str) -> bool;

    /// Does the ODBC driver registered as `driver_name` talk to this DBMS?
    fn matches_driver(&self, driver_name: &str) -> bool;

    // ---------------------------------------------------------------- connecting

    /// Connection-string attributes for `P_HOST`, `P_PORT`, `P_DB` with the driver registered as
    /// `driver` (drivers of one DBMS differ: FreeTDS and Microsoft's driver for SQL Server).
    fn connection_parts(
        &self,
        _driver: &str,
        host: Option<&str>,
        port: Option<u16>,
        database: Option<&str>,
    ) -> Vec<(String, String)> {
        let mut parts = Vec::new();
        if let Some(h) = host {
            parts.push(("Server".to_string(), h.to_string()));
        }
        if let Some(p) = port {
            parts.push(("Port".to_string(), p.to_string()));
        }
        if let Some(d) = database {
            parts.push(("Database".to_string(), d.to_string()));
        }
        parts
    }

    /// Driver settings added to the connection string unless the user set them; `driver` is
    /// the registered driver name when it is known (empty otherwise).
    fn driver_defaults(&self, _driver: &str, _tuning: DriverTuning) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    // ---------------------------------------------------------------- names

    /// Quotes an identifier.
    fn quote(&self, identifier: &str) -> String {
        format!("\"{}\"", identifier.replace('"', "\"\""))
    }

    /// A string literal.
    fn literal(&self, text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }

    /// How the DBMS stores a name given in the configuration (Oracle upper-cases unquoted
    /// lower-case names; most keep them).
    fn fold_name(&self, name: &str) -> String {
        name.to_string()
    }

    /// `schema.table`, quoted. A schema with dots (`db.schema`) is quoted part by part.
    fn table_ref(&self, schema: Option<&str>, table: &str) -> String {
        match schema {
            Some(s) => {
                let parts: Vec<String> = s.split('.').map(|p| self.quote(p)).collect();
                format!("{}.{}", parts.join("."), self.quote(table))
            }
            None => self.quote(table),
        }
    }

    /// Does this DBMS have schemas that can be created (`CREATE SCHEMA`)?
    fn has_schemas(&self) -> bool {
        true
    }

    // ---------------------------------------------------------------- reading

    /// A query returning `(column name, declared type)` for each column of a table, when the
    /// catalog knows more than the driver reports.
    fn declared_types_sql(&self, _schema: Option<&str>, _table: &str) -> Option<String> {
        None
    }

    /// Maps what the driver (and catalog) report to a column type; `Err` says why not.
    fn column_type(&self, meta: &ColumnMeta) -> Result<ColumnType, String> {
        generic_column_type(meta)
    }

    /// The select-list expression that reads `column` (quoted) as `column_type` expects; a
    /// dialect may cast where the driver's own conversion would change the value.
    fn select_expr(&self, quoted: &str, _column: &Column) -> String {
        quoted.to_string()
    }

    /// Warnings about reading a column of this source: what `check` prints for mappings that can
    /// lose information.
    fn source_warnings(&self, _meta: &ColumnMeta, column_type: &ColumnType) -> Vec<String> {
        common_source_warnings(column_type)
    }

    /// Warnings about storing a column type in this target (e.g. rounding, text storage).
    fn target_warnings(&self, _column_type: &ColumnType) -> Vec<String> {
        Vec::new()
    }

    /// What to do when the target schema does not exist and this DBMS cannot create it.
    fn missing_schema_advice(&self, schema: &str) -> String {
        format!("create the schema {schema} first")
    }

    /// The C type to fetch a column in, when the driver's own conversion to the natural one
    /// loses information (sqliteodbc rounds doubles to 15 digits and cuts text at NUL).
    fn fetch_form(&self, _column: &Column) -> FetchForm {
        FetchForm::Native
    }

    /// `SELECT columns FROM table` with at most `limit` rows.
    fn select_sql(&self, table_ref: &str, columns: &[String], limit: Option<u64>) -> String {
        let list = columns.join(", ");
        match limit {
            Some(n) => format!("SELECT {list} FROM {table_ref} LIMIT {n}"),
            None => format!("SELECT {list} FROM {table_ref}"),
        }
    }

    /// An expression giving the length in bytes (as UTF-8 for text) of `column`'s values, used
    /// to size the read buffers of unbounded columns. `None`: the DBMS has no such function.
    fn byte_length_sql(&self, _column: &str, _column_type: &ColumnType) -> Option<String> {
        None
    }

    // ---------------------------------------------------------------- writing

    /// The column type name in this DBMS that holds every value of `column_type`.
    fn type_sql(&self, column_type: &ColumnType) -> String;

    /// A query that returns a row when `schema` exists.
    fn schema_exists_sql(&self, schema: &str) -> String {
        format!(
            "SELECT 1 FROM information_schema.schemata WHERE schema_name = {}",
            self.literal(schema)
        )
    }

    /// Creates `schema` when missing.
    fn create_schema_sql(&self, schema: &str) -> Option<String> {
        Some(format!(
            "CREATE SCHEMA IF NOT EXISTS {}",
            self.quote(schema)
        ))
    }

    /// `CREATE TABLE` with the given columns.
    fn create_table_sql(&self, table_ref: &str, columns: &[Column]) -> String {
        let defs: Vec<String> = columns
            .iter()
            .map(|c| {
                let null = if c.nullable { "" } else { " NOT NULL" };
                format!(
                    "{} {}{null}",
                    self.quote(&c.name),
                    self.type_sql(&c.column_type)
                )
            })
            .collect();
        format!("CREATE TABLE {table_ref} ({})", defs.join(", "))
    }

    /// Drops a table if it exists.
    fn drop_table_sql(&self, table_ref: &str) -> String {
        format!("DROP TABLE IF EXISTS {table_ref}")
    }

    /// Removes all rows.
    fn truncate_sql(&self, table_ref: &str) -> String {
        format!("TRUNCATE TABLE {table_ref}")
    }

    /// A query that returns a row when the table exists.
    fn table_exists_sql(&self, schema: Option<&str>, table: &str) -> String {
        let schema_test = match schema {
            Some(s) => format!("table_schema = {}", self.literal(s)),
            None => "table_schema = CURRENT_SCHEMA".to_string(),
        };
        format!(
            "SELECT 1 FROM information_schema.tables WHERE {schema_test} AND table_name = {}",
            self.literal(table)
        )
    }

    /// Replaces `target` with the complete side table `side` (both unqualified, in `schema`).
    fn swap(&self, schema: Option<&str>, side: &str, target: &str, target_exists: bool) -> Swap {
        let mut statements = Vec::new();
        if target_exists {
            statements.push(self.drop_table_sql(&self.table_ref(schema, target)));
        }
        statements.push(format!(
            "ALTER TABLE {} RENAME TO {}",
            self.table_ref(schema, side),
            self.quote(target)
        ));
        Swap {
            statements,
            transactional: true,
        }
    }

    /// Adapts a batch to what this DBMS can store before it is inserted (e.g. PostgreSQL cannot
    /// store NUL characters). Returns the batch and the number of values changed.
    fn prepare_batch(&self, batch: RecordBatch) -> anyhow::Result<(RecordBatch, usize)> {
        Ok((batch, 0))
    }

    /// Most connections that may insert into one table at the same time.
    fn max_writers(&self) -> usize {
        usize::MAX
    }

    /// How batches are inserted.
    fn insert_strategy(&self) -> &'static dyn InsertStrategy {
        &ParameterArrays::DEFAULT
    }

    /// What `prepare_batch` changes, for the log line ("NUL characters removed").
    fn prepare_batch_effect(&self) -> &'static str {
        "values changed"
    }
}
