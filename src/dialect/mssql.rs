//! Microsoft SQL Server through Microsoft's ODBC Driver 17/18 or FreeTDS.
//!
//! Not tested against a live server (none can run on the development machines): the mapping is
//! built from the metadata these drivers document, and the generated SQL is checked against
//! golden files and parsed with sqlparser's MsSqlDialect (`src/dialect/golden_tests/`).
//!
//! Driver facts: `varchar(max)`, `nvarchar(max)` and `varbinary(max)` are reported with size 0
//! (their buffers are sized from the longest value, `DATALENGTH`); `tinyint` is unsigned (0-255);
//! `datetime2(7)`, `time(7)` and `datetimeoffset(7)` have 100 ns digits (carried as text, see
//! [`ColumnType::arrow_type`]); `timestamp`/`rowversion` is 8 bytes of binary, not a time;
//! `sql_variant` is read as its text and CLR types (geometry, geography, hierarchyid) as their
//! bytes. FreeTDS needs `TDS_Version=7.4` for `datetime2`, `nvarchar(max)` and friends.
//! As a target, text goes into `nvarchar` (Unicode whatever the collation), timestamps into
//! `datetime2`, and the swap is `sp_rename` inside a transaction.

use arrow_odbc::arrow::datatypes::DataType;

use super::statements;
use super::{
    Braces, Connecting, Dialect, DriverTuning, ShortLockWait, Snapshot, Swap, TableLock,
    normalized_type,
};
use crate::bound::{Bound, timestamp_text};
use crate::insert::InsertStrategy;
use crate::plan::{Column, ColumnMeta, ColumnType, TargetColumn, generic_column_type, sql_type};

/// SQL Server (and Azure SQL).
#[derive(Debug, Clone, Copy)]
pub struct SqlServer;

fn is_freetds(driver: &str) -> bool {
    let d = driver.to_ascii_lowercase();
    d.contains("freetds") || d.contains("tdsodbc")
}

/// `db.schema` as its database and schema; a plain schema is in the connection's database
/// (`""`).
fn database_and_schema(schema: &str) -> (&str, &str) {
    schema.rsplit_once('.').unwrap_or(("", schema))
}

impl Connecting for SqlServer {
    fn login_refused(&self, native: i32, _message: &str) -> bool {
        // "Login failed for user ..." (FreeTDS reports it as 42000).
        native == 18456
    }

    fn braces(&self, driver: &str) -> Braces {
        // Microsoft's driver documents the ODBC rule for every value. FreeTDS ends a braced
        // value at the first `};` and keeps `}}` as it is (odbc_parse_connect_string; tried:
        // `PWD={x}};DumpFile=...` wrote the dump file).
        if is_freetds(&driver.to_ascii_lowercase()) {
            Braces::UpToBraceSemicolon
        } else {
            Braces::Every
        }
    }

    fn connection_parts(
        &self,
        driver: &str,
        host: Option<&str>,
        port: Option<u16>,
        database: Option<&str>,
    ) -> Vec<(String, String)> {
        let mut parts = Vec::new();
        if is_freetds(driver) {
            if let Some(h) = host {
                parts.push(("Server".to_string(), h.to_string()));
            }
            if let Some(p) = port {
                parts.push(("Port".to_string(), p.to_string()));
            }
        } else if let Some(h) = host {
            // Microsoft's driver: "Server=host,port".
            let server = match port {
                Some(p) => format!("{h},{p}"),
                None => h.to_string(),
            };
            parts.push(("Server".to_string(), server));
        }
        if let Some(d) = database {
            parts.push(("Database".to_string(), d.to_string()));
        }
        parts
    }

    fn driver_defaults(&self, driver: &str, tuning: DriverTuning) -> Vec<(&'static str, String)> {
        if is_freetds(driver) {
            // TDS 7.4 for datetime2, time, datetimeoffset and (n)varchar(max); UTF-8 text.
            vec![
                ("TDS_Version", "7.4".into()),
                ("ClientCharset", "UTF-8".into()),
            ]
        } else if tuning.trust_server_certificate {
            // Microsoft's driver 18 encrypts and verifies the certificate by default; the Python
            // tool trusted it unless told otherwise.
            vec![("TrustServerCertificate", "yes".into())]
        } else {
            Vec::new()
        }
    }
}

impl Dialect for SqlServer {
    fn upsert_sql(
        &self,
        target_ref: &str,
        side_ref: &str,
        columns: &[String],
        keys: &[String],
    ) -> Vec<String> {
        // UPDATE, then INSERT of the rows whose keys the target lacks, not MERGE: MERGE has
        // a history of wrong results and deadlocks (Microsoft's own advice is to use it with
        // care), and Babelfish has none. UPDLOCK and HOLDLOCK keep the keys' range locked from
        // the UPDATE's search to the INSERT, as MERGE WITH (HOLDLOCK) would; the side table has a
        // unique key on `keys`, so each target row matches at most one side row.
        statements::update_then_insert(
            &format!("{target_ref} AS d WITH (UPDLOCK, HOLDLOCK)"),
            target_ref,
            &format!("{side_ref} AS s"),
            columns,
            keys,
        )
    }

    fn unique_keys_sql(&self, schema: Option<&str>, table: &str) -> String {
        let object = match schema {
            Some(s) => format!("{}.{}", self.quote(s), self.quote(table)),
            None => self.quote(table),
        };
        format!(
            "SELECT i.name, c.name FROM sys.indexes i JOIN sys.index_columns ic ON ic.object_id = \
             i.object_id AND ic.index_id = i.index_id AND ic.is_included_column = 0 JOIN \
             sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id WHERE \
             i.is_unique = 1 AND i.has_filter = 0 AND i.object_id = OBJECT_ID({})",
            self.literal(&object)
        )
    }

    fn bound_literal(&self, bound: &Bound, column: &crate::plan::Column) -> String {
        // The literal has the column's own type: a datetime column compared with a datetime2
        // value would be converted (.003 becomes .0033333) and its MAX row read again; a bare
        // string or an ODBC escape would be read as datetime. datetime2 takes at most 7 digits.
        let legacy = matches!(
            normalized_type(&column.source_type).as_str(),
            "datetime" | "smalldatetime"
        );
        match bound {
            Bound::Date(d) => format!("CAST('{}' AS date)", d.format("%Y-%m-%d")),
            Bound::Timestamp(t) if legacy => {
                format!("CAST('{}' AS datetime)", timestamp_text(t, 3))
            }
            Bound::Timestamp(t) => format!("CAST('{}' AS datetime2(7))", timestamp_text(t, 7)),
            Bound::Instant(t) => format!(
                "CAST('{}+00:00' AS datetimeoffset(7))",
                timestamp_text(&t.naive_utc(), 7)
            ),
            other => crate::dialect::default_bound_literal(self, other, column),
        }
    }

    fn name(&self) -> &'static str {
        "SQL Server"
    }

    fn catalog_scope_sql(&self, schema: Option<&str>) -> String {
        // The driver's catalog argument is the database; `db.schema` names both. No catalog
        // means the connection's database (Babelfish 4.4 cannot run the `db..sp_tables` that
        // FreeTDS sends for a catalog argument).
        match schema.map(database_and_schema) {
            Some(("", s)) => format!("SELECT N'', {}", self.literal(s)),
            Some((db, s)) => format!("SELECT {}, {}", self.literal(db), self.literal(s)),
            None => "SELECT N'', SCHEMA_NAME()".to_string(),
        }
    }

    fn tables_sql(&self, schema: Option<&str>, pattern: &str) -> Option<String> {
        // INFORMATION_SCHEMA keeps the names' case (Babelfish 4.4's sp_tables, behind SQLTables,
        // lower-cases them).
        let (views, schema_sql) = match schema.map(database_and_schema) {
            Some(("", s)) => ("INFORMATION_SCHEMA.TABLES".to_string(), self.literal(s)),
            Some((db, s)) => (
                format!("{}.INFORMATION_SCHEMA.TABLES", self.quote(db)),
                self.literal(s),
            ),
            None => (
                "INFORMATION_SCHEMA.TABLES".to_string(),
                "SCHEMA_NAME()".into(),
            ),
        };
        Some(format!(
            "SELECT TABLE_NAME, TABLE_TYPE FROM {views} WHERE TABLE_SCHEMA = {schema_sql} AND \
             TABLE_NAME LIKE {} ORDER BY TABLE_NAME",
            self.literal(pattern)
        ))
    }

    fn matches_dbms(&self, dbms_name: &str) -> bool {
        dbms_name.to_ascii_lowercase().contains("sql server")
    }

    fn matches_driver(&self, driver_name: &str) -> bool {
        let d = driver_name.to_ascii_lowercase();
        d.contains("sql server") || d.contains("msodbcsql") || is_freetds(&d)
    }

    fn quote(&self, identifier: &str) -> String {
        format!("[{}]", identifier.replace(']', "]]"))
    }

    fn literal(&self, text: &str) -> String {
        format!("N'{}'", text.replace('\'', "''"))
    }

    fn column_type(&self, meta: &ColumnMeta) -> Result<ColumnType, String> {
        // A target table's column, as the catalog spells it.
        if let Some(t) = meta.declared.as_deref().and_then(declared_type) {
            return Ok(t);
        }
        Ok(match meta.sql_type {
            // sql_variant: its text (a warning says so).
            sql_type::SS_VARIANT => ColumnType::Text {
                length: None,
                fixed: false,
            },
            // geometry, geography, hierarchyid: their serialised bytes.
            sql_type::SS_UDT => ColumnType::Binary {
                length: None,
                fixed: false,
            },
            // rowversion / timestamp arrive as SQL_BINARY of 8 bytes (not a time): the generic
            // mapping. tinyint is 0..255, also where a driver does not say it is unsigned.
            sql_type::TINYINT => ColumnType::Int16,
            _ => generic_column_type(meta)?,
        })
    }

    fn select_expr(&self, quoted: &str, column: &Column) -> String {
        // Types with 100 ns digits travel as text: SQL Server's own (style 121, years of four
        // digits), not the driver's (FreeTDS writes the year 1 as "1-01-01").
        if column.column_type.carried_as_text() {
            format!("CONVERT(varchar(34), {quoted}, 121)")
        } else {
            quoted.to_string()
        }
    }

    fn source_warnings(&self, meta: &ColumnMeta, column_type: &ColumnType) -> Vec<String> {
        let mut warnings = super::common_source_warnings(column_type);
        warnings.extend(match meta.sql_type {
            sql_type::SS_VARIANT => vec![
                "sql_variant is read as its text: the base type of each value is not kept".into(),
            ],
            sql_type::SS_UDT => vec![format!(
                "{} is read as its serialised bytes (CLR type)",
                meta.type_name
            )],
            _ => Vec::new(),
        });
        warnings
    }

    fn nth_row_sql(&self, ordered: &str, offset: u64) -> String {
        format!("{ordered} OFFSET {offset} ROWS FETCH NEXT 1 ROWS ONLY")
    }

    fn select_sql(&self, table_ref: &str, columns: &[String], limit: Option<u64>) -> String {
        let list = columns.join(", ");
        match limit {
            Some(n) => format!("SELECT TOP ({n}) {list} FROM {table_ref}"),
            None => format!("SELECT {list} FROM {table_ref}"),
        }
    }

    fn byte_length_sql(&self, column: &str, column_type: &ColumnType) -> Option<String> {
        // DATALENGTH counts the stored bytes: UTF-16 for nvarchar (at most 1.5 UTF-8 bytes per
        // UTF-16 byte), a code page for varchar (at most 3 UTF-8 bytes per byte).
        Some(match column_type {
            ColumnType::Binary { .. } => format!("DATALENGTH({column})"),
            _ => format!("DATALENGTH({column}) * 3"),
        })
    }

    fn type_sql(&self, column_type: &ColumnType) -> String {
        match *column_type {
            ColumnType::Boolean => "bit".into(),
            // tinyint is unsigned in SQL Server: -128..127 needs smallint.
            ColumnType::Int8 | ColumnType::Int16 => "smallint".into(),
            ColumnType::Int32 => "int".into(),
            ColumnType::Int64 => "bigint".into(),
            ColumnType::Float32 => "real".into(),
            ColumnType::Float64 => "float".into(),
            ColumnType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
            // More than 38 digits: the exact text, as long as the declared digits need.
            ColumnType::DecimalText {
                precision: Some(p), ..
            } if crate::plan::decimal_text_bytes(p) <= 4000 => {
                format!("nvarchar({})", crate::plan::decimal_text_bytes(p))
            }
            ColumnType::DecimalText { .. } => "nvarchar(max)".into(),
            ColumnType::Text {
                length: Some(n),
                fixed: true,
            } if n <= 4000 => format!("nchar({n})"),
            ColumnType::Text {
                length: Some(n), ..
            } if n <= 4000 => format!("nvarchar({n})"),
            ColumnType::Text { .. } => "nvarchar(max)".into(),
            ColumnType::Binary {
                length: Some(n),
                fixed: true,
            } if n <= 8000 => format!("binary({n})"),
            ColumnType::Binary {
                length: Some(n), ..
            } if n <= 8000 => format!("varbinary({n})"),
            ColumnType::Binary { .. } => "varbinary(max)".into(),
            ColumnType::Date => "date".into(),
            ColumnType::Time { precision } => format!("time({})", precision.min(7)),
            ColumnType::Timestamp { precision } => format!("datetime2({})", precision.min(7)),
            ColumnType::TimestampTz { precision } => {
                format!("datetimeoffset({})", precision.min(7))
            }
        }
    }

    fn target_warnings(&self, column_type: &ColumnType) -> Vec<String> {
        match column_type {
            ColumnType::DecimalText { .. } => vec![format!(
                "SQL Server decimals hold at most 38 digits: stored as its exact text in {}",
                self.type_sql(column_type)
            )],
            ColumnType::Time { precision }
            | ColumnType::Timestamp { precision }
            | ColumnType::TimestampTz { precision }
                if *precision > 7 =>
            {
                vec!["SQL Server keeps 7 fractional digits: the rest is rounded".into()]
            }
            _ => Vec::new(),
        }
    }

    fn table_columns_sql(&self, schema: Option<&str>, table: &str) -> String {
        let schema_sql = match schema {
            Some(s) => self.literal(s),
            None => "SCHEMA_NAME()".to_string(),
        };
        // The declared type spelled as DDL: lengths in characters for nchar/nvarchar (bytes in
        // max_length), (max) for -1, precision and scale, fractional digits.
        format!(
            "SELECT c.name, t.name + CASE WHEN t.name IN (N'varchar', N'char', N'varbinary', \
             N'binary') THEN N'(' + CASE WHEN c.max_length = -1 THEN N'max' ELSE \
             CAST(c.max_length AS nvarchar(10)) END + N')' WHEN t.name IN (N'nvarchar', N'nchar') \
             THEN N'(' + CASE WHEN c.max_length = -1 THEN N'max' ELSE CAST(c.max_length / 2 AS \
             nvarchar(10)) END + N')' WHEN t.name IN (N'decimal', N'numeric') THEN N'(' + \
             CAST(c.precision AS nvarchar(10)) + N',' + CAST(c.scale AS nvarchar(10)) + N')' WHEN \
             t.name IN (N'datetime2', N'time', N'datetimeoffset') THEN N'(' + CAST(c.scale AS \
             nvarchar(10)) + N')' ELSE N'' END, NULL, CASE WHEN c.is_nullable = 1 THEN 1 ELSE 0 \
             END, CASE WHEN c.default_object_id <> 0 OR c.is_identity = 1 OR c.is_computed = 1 \
             THEN 1 ELSE 0 END FROM sys.columns c JOIN sys.types t ON t.user_type_id = \
             c.user_type_id WHERE c.object_id = OBJECT_ID(QUOTENAME({schema_sql}) + N'.' + \
             QUOTENAME({})) ORDER BY c.column_id",
            self.literal(table)
        )
    }

    fn dependent_views_sql(&self, schema: Option<&str>, table: &str) -> Option<String> {
        let schema_sql = match schema {
            Some(s) => self.literal(s),
            None => "SCHEMA_NAME()".to_string(),
        };
        // The dependencies the server recorded, and the views whose definition names the table
        // (searched by the caller): Babelfish 4.4 records none.
        Some(format!(
            "SELECT DISTINCT OBJECT_SCHEMA_NAME(d.referencing_id) + N'.' + \
             OBJECT_NAME(d.referencing_id), NULL FROM sys.sql_expression_dependencies d JOIN \
             sys.views v ON v.object_id = d.referencing_id WHERE d.referenced_id = \
             OBJECT_ID(QUOTENAME({schema_sql}) + N'.' + QUOTENAME({table_sql})) UNION ALL SELECT \
             OBJECT_SCHEMA_NAME(m.object_id) + N'.' + OBJECT_NAME(m.object_id), m.definition FROM \
             sys.sql_modules m JOIN sys.views v ON v.object_id = m.object_id WHERE \
             CHARINDEX({table_sql}, m.definition) > 0",
            table_sql = self.literal(table)
        ))
    }

    fn parameter_sql(&self, sent: &DataType, target: &TargetColumn) -> String {
        // Values carried as text (timestamps with 7 digits, decimals beyond 38 digits) are
        // converted explicitly to the column's type.
        let holds = declared_type(&target.declared).unwrap_or(target.column_type);
        let typed = !matches!(holds, ColumnType::Text { .. });
        if sent == &DataType::Utf8 && typed {
            format!("CAST(? AS {})", target.declared)
        } else {
            "?".to_string()
        }
    }

    fn insert_strategy(&self) -> &'static dyn InsertStrategy {
        &LiteralValues::DEFAULT
    }

    fn temporary_table_ref(&self, _schema: Option<&str>, table: &str) -> String {
        self.quote(&format!("#{table}"))
    }

    fn empty_copy_sql(&self, copy_ref: &str, target_ref: &str) -> String {
        format!("SELECT * INTO {copy_ref} FROM {target_ref} WHERE 1 = 0")
    }

    fn admin_database(&self) -> Option<&'static str> {
        Some("master")
    }

    fn database_exists_sql(&self, name: &str) -> String {
        format!(
            "SELECT 1 FROM sys.databases WHERE name = {}",
            self.literal(name)
        )
    }

    fn schema_exists_sql(&self, schema: &str) -> String {
        format!(
            "SELECT 1 FROM sys.schemas WHERE name = {}",
            self.literal(schema)
        )
    }

    fn create_schema_sql(&self, schema: &str) -> Option<String> {
        // CREATE SCHEMA must be the only statement in its batch.
        let inner = format!("CREATE SCHEMA {}", self.quote(schema)).replace('\'', "''");
        Some(format!(
            "IF SCHEMA_ID({}) IS NULL EXEC('{inner}')",
            self.literal(schema)
        ))
    }

    fn drop_table_sql(&self, table_ref: &str) -> String {
        // DROP TABLE IF EXISTS needs SQL Server 2016; OBJECT_ID works everywhere.
        format!(
            "IF OBJECT_ID({}, N'U') IS NOT NULL DROP TABLE {table_ref}",
            self.literal(table_ref)
        )
    }

    fn table_exists_sql(&self, schema: Option<&str>, table: &str) -> String {
        let schema_test = match schema {
            Some(s) => format!("TABLE_SCHEMA = {}", self.literal(s)),
            None => "TABLE_SCHEMA = SCHEMA_NAME()".to_string(),
        };
        format!(
            "SELECT TABLE_TYPE, NULL FROM INFORMATION_SCHEMA.TABLES WHERE {schema_test} AND \
             TABLE_NAME = {}",
            self.literal(table)
        )
    }

    fn short_lock_wait(&self, table_ref: &str) -> Option<ShortLockWait> {
        locks::short_lock_wait(self, table_ref)
    }

    fn snapshot(&self) -> Snapshot {
        locks::snapshot(self)
    }

    fn table_lock(&self, schema: Option<&str>, table: &str) -> TableLock {
        locks::table_lock(self, schema, table)
    }

    fn swap(&self, schema: Option<&str>, side: &str, target: &str, target_exists: bool) -> Swap {
        let mut statements = Vec::new();
        if target_exists {
            statements.push(self.drop_table_sql(&self.table_ref(schema, target)));
        }
        statements.push(format!(
            "EXEC sp_rename {}, {}, N'OBJECT'",
            self.literal(&self.table_ref(schema, side)),
            self.literal(target)
        ));
        Swap {
            statements,
            transactional: true,
        }
    }
}

mod locks;
mod types;
mod values;

use types::declared_type;
pub use values::LiteralValues;

#[cfg(test)]
mod tests;
