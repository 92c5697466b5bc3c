//! MariaDB and MySQL through MariaDB Connector/ODBC (or MySQL Connector/ODBC).
//!
//! Driver facts: the connector caches whole result sets unless streaming is on (`NO_CACHE=1`,
//! 3.1.17 and later, with forward-only cursors); `LONGTEXT` is reported as 1 GB; unsigned
//! integers are reported with the signed SQL type and an unsigned flag; `TIME` is an interval
//! (-838:59:59 to 838:59:59), not a time of day. Declared types come from
//! `information_schema.COLUMNS.COLUMN_TYPE`. Tables are created with `utf8mb4`, so every
//! Unicode character (emoji included) fits. The swap is `RENAME TABLE`, which MariaDB performs
//! atomically for all tables it names.

use arrow_odbc::arrow::record_batch::RecordBatch;

use super::{ColumnDef, Dialect, ShortLockWait, Snapshot, Swap, TableLock};
use crate::plan::{
    ColumnMeta, ColumnType, LoadColumn, decimal, generic_column_type, type_arguments,
};

/// MariaDB / MySQL.
#[derive(Debug, Clone, Copy)]
pub struct MariaDb;

impl Dialect for MariaDb {
    fn upsert_sql(
        &self,
        target_ref: &str,
        side_ref: &str,
        columns: &[String],
        keys: &[String],
    ) -> Vec<String> {
        // With no column besides the keys, a key set to itself leaves the row as it is.
        let updated: Vec<&String> = columns.iter().filter(|c| !keys.contains(c)).collect();
        let sets: Vec<String> = if updated.is_empty() { &keys[..1] } else { &[] }
            .iter()
            .chain(updated)
            .map(|c| format!("{c} = VALUES({c})"))
            .collect();
        let list = columns.join(", ");
        vec![format!(
            "INSERT INTO {target_ref} ({list}) SELECT {list} FROM {side_ref} ON DUPLICATE KEY \
             UPDATE {}",
            sets.join(", ")
        )]
    }

    fn upsert_matches_any_unique_key(&self) -> bool {
        true
    }

    fn unique_keys_sql(&self, schema: Option<&str>, table: &str) -> String {
        let database = schema.map_or("DATABASE()".to_string(), |s| self.literal(s));
        format!(
            "SELECT index_name, CASE WHEN sub_part IS NULL THEN column_name END FROM \
             information_schema.statistics WHERE non_unique = 0 AND table_schema = {database} AND \
             table_name = {}",
            self.literal(table)
        )
    }

    fn name(&self) -> &'static str {
        "MariaDB/MySQL"
    }

    fn matches_dbms(&self, dbms_name: &str) -> bool {
        let d = dbms_name.to_ascii_lowercase();
        d.contains("mariadb") || d.contains("mysql")
    }

    fn matches_driver(&self, driver_name: &str) -> bool {
        let d = driver_name.to_ascii_lowercase();
        d.contains("mariadb") || d.contains("mysql") || d.contains("maodbc")
    }

    fn quote(&self, identifier: &str) -> String {
        format!("`{}`", identifier.replace('`', "``"))
    }

    fn literal(&self, text: &str) -> String {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
    }

    fn catalog_scope_sql(&self, schema: Option<&str>) -> String {
        // Connector/ODBC lists databases as catalogs and refuses a schema argument.
        let database = schema.map_or("DATABASE()".to_string(), |s| self.literal(s));
        format!("SELECT {database}, ''")
    }

    fn declared_types_sql(&self, schema: Option<&str>, table: &str) -> Option<String> {
        let schema_test = match schema {
            Some(s) => format!("TABLE_SCHEMA = {}", self.literal(s)),
            None => "TABLE_SCHEMA = DATABASE()".to_string(),
        };
        Some(format!(
            "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS \
             WHERE {schema_test} AND TABLE_NAME = {} ORDER BY ORDINAL_POSITION",
            self.literal(table)
        ))
    }

    fn column_type(&self, meta: &ColumnMeta) -> Result<ColumnType, String> {
        let Some(declared) = meta.declared.as_deref() else {
            return generic_column_type(meta);
        };
        let d = declared.to_ascii_lowercase();
        let unsigned = d.contains("unsigned");
        let args = type_arguments(&d);
        let base = d.split(['(', ' ']).next().unwrap_or_default();
        let length = args.and_then(|(n, _)| u32::try_from(n).ok());
        let text = |length: Option<u32>, fixed: bool| ColumnType::Text { length, fixed };
        let binary = |length: Option<u32>, fixed: bool| ColumnType::Binary { length, fixed };
        let fraction = args.map_or(0, |(p, _)| p.clamp(0, 6) as u8);
        Ok(match base {
            "tinyint" if unsigned => ColumnType::Int16,
            "tinyint" => ColumnType::Int8,
            "smallint" if unsigned => ColumnType::Int32,
            "smallint" => ColumnType::Int16,
            "mediumint" | "int" | "integer" if !unsigned => ColumnType::Int32,
            "mediumint" => ColumnType::Int32,
            "int" | "integer" => ColumnType::Int64,
            "bigint" if unsigned => ColumnType::Decimal {
                precision: 20,
                scale: 0,
            },
            "bigint" => ColumnType::Int64,
            "year" => ColumnType::Int16,
            "float" => ColumnType::Float32,
            "double" | "real" => ColumnType::Float64,
            "decimal" | "numeric" | "dec" | "fixed" => match args {
                Some((p, s)) => decimal(p as usize, s.unwrap_or(0) as i16),
                None => decimal(10, 0),
            },
            "bit" => binary(Some(length.unwrap_or(1).div_ceil(8)), true),
            "char" => text(length, true),
            "varchar" => text(length, false),
            "tinytext" => text(Some(255), false),
            "binary" => binary(length, true),
            "varbinary" => binary(length, false),
            "tinyblob" => binary(Some(255), false),
            "blob" | "mediumblob" | "longblob" => binary(None, false),
            "date" => ColumnType::Date,
            "datetime" | "timestamp" => ColumnType::Timestamp {
                precision: fraction,
            },
            // TIME is an interval up to ±838 hours: its text form is exact.
            "time" => text(Some(17), false),
            // text, mediumtext, longtext, json, enum, set, inet6, uuid, ...
            _ if meta.sql_type == crate::plan::sql_type::LONGVARBINARY => binary(None, false),
            _ => text(None, false),
        })
    }

    fn byte_length_sql(&self, column: &str, column_type: &ColumnType) -> Option<String> {
        Some(match column_type {
            ColumnType::Binary { .. } => format!("LENGTH({column})"),
            // LENGTH counts bytes in the column's character set: UTF-8's own for utf8mb4 and
            // utf8mb3 (`utf8` before 10.6), where converting (a quarter of the scan's time)
            // would change nothing.
            _ => format!(
                "IF(CHARSET({column}) IN ('utf8mb4', 'utf8mb3', 'utf8'), LENGTH({column}), \
                 LENGTH(CONVERT({column} USING utf8mb4)))"
            ),
        })
    }

    fn type_sql(&self, column_type: &ColumnType) -> String {
        match *column_type {
            ColumnType::Boolean => "boolean".into(),
            ColumnType::Int8 => "tinyint".into(),
            ColumnType::Int16 => "smallint".into(),
            ColumnType::Int32 => "int".into(),
            ColumnType::Int64 => "bigint".into(),
            ColumnType::Float32 => "float".into(),
            ColumnType::Float64 => "double".into(),
            ColumnType::Decimal { precision, scale } if scale <= 30 => {
                format!("decimal({precision},{scale})")
            }
            // Up to 65 digits, 30 of them after the point.
            ColumnType::DecimalText {
                precision: Some(p),
                scale: Some(s),
            } if p <= 65 && s <= 30 => format!("decimal({p},{s})"),
            // More than 30 decimals or 65 digits, or no declared precision: the exact text.
            ColumnType::Decimal { .. } | ColumnType::DecimalText { .. } => "longtext".into(),
            ColumnType::Text {
                length: Some(n),
                fixed: true,
            } if n <= 255 => format!("char({n})"),
            ColumnType::Text {
                length: Some(n), ..
            } if n <= 255 => format!("varchar({n})"),
            // Longer bounded text would risk MariaDB's 65,535-byte row limit as varchar.
            ColumnType::Text {
                length: Some(n), ..
            } if n <= 16_383 => "text".into(),
            ColumnType::Text {
                length: Some(n), ..
            } if n <= 4_194_303 => "mediumtext".into(),
            ColumnType::Text { .. } => "longtext".into(),
            ColumnType::Binary {
                length: Some(n),
                fixed: true,
            } if n <= 255 => format!("binary({n})"),
            ColumnType::Binary {
                length: Some(n), ..
            } if n <= 255 => format!("varbinary({n})"),
            ColumnType::Binary {
                length: Some(n), ..
            } if n <= 65_535 => "blob".into(),
            ColumnType::Binary {
                length: Some(n), ..
            } if n <= 16_777_215 => "mediumblob".into(),
            ColumnType::Binary { .. } => "longblob".into(),
            ColumnType::Date => "date".into(),
            ColumnType::Time { precision } => format!("time({})", precision.min(6)),
            ColumnType::Timestamp { precision } | ColumnType::TimestampTz { precision } => {
                format!("datetime({})", precision.min(6))
            }
        }
    }

    fn target_warnings(&self, column_type: &ColumnType) -> Vec<String> {
        match column_type {
            ColumnType::DecimalText {
                precision: Some(p),
                scale: Some(s),
            } if *p <= 65 && *s <= 30 => Vec::new(),
            ColumnType::DecimalText { .. } => vec![
                "MariaDB decimals hold 65 digits with at most 30 after the point: stored as its \
                 exact text (longtext)"
                    .into(),
            ],
            ColumnType::Decimal { scale, .. } if *scale > 30 => {
                vec!["more than 30 decimals: stored as its exact text (longtext)".into()]
            }
            ColumnType::TimestampTz { .. } => {
                vec![
                    "MariaDB has no time zone type: the instant is stored in UTC (datetime)".into(),
                ]
            }
            ColumnType::Time { precision } | ColumnType::Timestamp { precision }
                if *precision > 6 =>
            {
                vec!["MariaDB keeps 6 fractional digits: the rest is rounded".into()]
            }
            _ => Vec::new(),
        }
    }

    fn column_list_sql(&self, columns: &[ColumnDef]) -> String {
        // NULL said explicitly: a first TIMESTAMP column would otherwise get NOT NULL and a
        // default.
        let defs: Vec<String> = columns
            .iter()
            .map(|c| {
                let null = if c.nullable { " NULL" } else { " NOT NULL" };
                format!("{} {}{null}", self.quote(&c.name), c.type_sql)
            })
            .collect();
        defs.join(", ")
    }

    fn create_table_sql(&self, table_ref: &str, columns: &[ColumnDef]) -> String {
        format!(
            "CREATE TABLE {table_ref} ({}) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
            self.column_list_sql(columns)
        )
    }

    fn create_temporary_table_sql(&self, table_ref: &str, columns: &[ColumnDef]) -> String {
        format!(
            "CREATE TEMPORARY TABLE {table_ref} ({}) DEFAULT CHARSET=utf8mb4 \
             COLLATE=utf8mb4_bin",
            self.column_list_sql(columns)
        )
    }

    fn transactional_engine(&self, engine: &str) -> bool {
        // Views report no engine; MyISAM, Aria, MEMORY, CSV and ARCHIVE cannot roll back.
        matches!(
            engine.trim().to_ascii_lowercase().as_str(),
            "" | "innodb" | "xtradb" | "rocksdb" | "tokudb"
        )
    }

    fn max_name_length(&self) -> usize {
        64
    }

    fn target_column_type(&self, declared: &str) -> ColumnType {
        // What the text and blob types hold for sure (in characters of up to 4 bytes): as a
        // source they may hold more ASCII characters, as a target no more than this fits always.
        let d = declared.trim().to_ascii_lowercase();
        let text = |n: u32| ColumnType::Text {
            length: Some(n),
            fixed: false,
        };
        let binary = |n: u32| ColumnType::Binary {
            length: Some(n),
            fixed: false,
        };
        match d.split([' ', '(']).next().unwrap_or_default() {
            "tinytext" => text(63),
            "text" => text(16_383),
            "mediumtext" => text(4_194_303),
            "blob" => binary(65_535),
            "mediumblob" => binary(16_777_215),
            _ => self
                .column_type(&ColumnMeta::declared(declared))
                .unwrap_or(ColumnType::Text {
                    length: None,
                    fixed: false,
                }),
        }
    }

    fn faithful_type(&self, declared: &str, column_type: &ColumnType) -> bool {
        // COLUMN_TYPE shows display widths (int(11)) that say nothing about the values, and
        // datetime(0) is datetime; `boolean` is stored as tinyint(1).
        let canonical = |t: &str| {
            let mut t = super::normalized_type(t);
            for int in ["tinyint", "smallint", "mediumint", "int", "bigint", "year"] {
                if let Some(rest) = t.strip_prefix(&format!("{int}("))
                    && let Some(close) = rest.find(')')
                {
                    t = format!("{int}{}", &rest[close + 1..]);
                }
            }
            match t.as_str() {
                "boolean" => "tinyint".to_string(),
                "datetime(0)" => "datetime".to_string(),
                "time(0)" => "time".to_string(),
                _ => t,
            }
        };
        canonical(declared) == canonical(&self.type_sql(column_type))
    }

    fn empty_copy_sql(&self, copy_ref: &str, target_ref: &str) -> String {
        format!("CREATE TEMPORARY TABLE {copy_ref} LIKE {target_ref}")
    }

    fn admin_database(&self) -> Option<&'static str> {
        // Connected to the server without a database.
        Some("")
    }

    fn database_exists_sql(&self, name: &str) -> String {
        format!(
            "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = {}",
            self.literal(name)
        )
    }

    fn create_database_sql(&self, name: &str) -> String {
        format!(
            "CREATE DATABASE IF NOT EXISTS {} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
            self.quote(name)
        )
    }

    fn temporary_table_ref(&self, schema: Option<&str>, table: &str) -> String {
        // A temporary table lives in a database, like any table.
        self.table_ref(schema, table)
    }

    fn transactional_ddl(&self) -> bool {
        // Every CREATE, ALTER, DROP, RENAME and TRUNCATE commits implicitly.
        false
    }

    fn snapshot(&self) -> Snapshot {
        locks::snapshot(self)
    }

    fn table_lock(&self, schema: Option<&str>, table: &str) -> TableLock {
        locks::table_lock(self, schema, table)
    }

    fn short_lock_wait(&self, table_ref: &str) -> Option<ShortLockWait> {
        locks::short_lock_wait(self, table_ref)
    }

    fn target_session_sql(&self) -> Vec<String> {
        vec![
            // Strict: a value that does not fit is an error, never silently cut or clipped.
            "SET SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, 'STRICT_ALL_TABLES')".into(),
            // TIMESTAMP columns take UTC instants as they come.
            "SET SESSION time_zone = '+00:00'".into(),
        ]
    }

    fn table_columns_sql(&self, schema: Option<&str>, table: &str) -> String {
        let schema_test = match schema {
            Some(s) => format!("TABLE_SCHEMA = {}", self.literal(s)),
            None => "TABLE_SCHEMA = DATABASE()".to_string(),
        };
        format!(
            "SELECT COLUMN_NAME, CONCAT(COLUMN_TYPE, CASE WHEN CHARACTER_SET_NAME IS NULL OR \
             CHARACTER_SET_NAME = 'utf8mb4' THEN '' ELSE CONCAT(' CHARACTER SET ', \
             CHARACTER_SET_NAME) END), NULL, CASE WHEN IS_NULLABLE = 'YES' THEN 1 ELSE 0 END, CASE WHEN COLUMN_DEFAULT IS NOT NULL OR EXTRA <> '' THEN 1 ELSE 0 END FROM \
             information_schema.COLUMNS WHERE {schema_test} AND TABLE_NAME = {} ORDER BY \
             ORDINAL_POSITION",
            self.literal(table)
        )
    }

    fn dependent_views_sql(&self, schema: Option<&str>, table: &str) -> Option<String> {
        // MariaDB keeps no dependencies, only each view's text, which names tables as
        // `schema`.`table`.
        let schema_sql = match schema {
            Some(s) => self.literal(s),
            None => "DATABASE()".to_string(),
        };
        Some(format!(
            "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), VIEW_DEFINITION FROM \
             information_schema.VIEWS WHERE LOCATE(CONCAT('`', {schema_sql}, '`.`', {}, '`'), \
             VIEW_DEFINITION) > 0",
            self.literal(&table.replace('`', "``"))
        ))
    }

    fn add_column_sql(&self, table_ref: &str, column: &ColumnDef) -> String {
        // IF NOT EXISTS: the ALTER commits on its own, so a retried end step may meet it done.
        format!(
            "ALTER TABLE {table_ref} ADD COLUMN IF NOT EXISTS {} {}",
            self.quote(&column.name),
            column.type_sql
        )
    }

    fn prepare_batch(
        &self,
        batch: RecordBatch,
        columns: &[LoadColumn],
    ) -> anyhow::Result<(RecordBatch, usize)> {
        let batch = super::without_time_zones(batch)?;
        Ok((super::adapt_text_times(batch, columns, Some(6), false)?, 0))
    }

    fn table_exists_sql(&self, schema: Option<&str>, table: &str) -> String {
        let schema_test = match schema {
            Some(s) => format!("TABLE_SCHEMA = {}", self.literal(s)),
            None => "TABLE_SCHEMA = DATABASE()".to_string(),
        };
        format!(
            "SELECT TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE {schema_test} AND \
             TABLE_NAME = {}",
            self.literal(table)
        )
    }

    fn swap(&self, schema: Option<&str>, side: &str, target: &str, target_exists: bool) -> Swap {
        let side_ref = self.table_ref(schema, side);
        let target_ref = self.table_ref(schema, target);
        let statements = if target_exists {
            let old = super::suffixed_name(self, target, super::OLD_SUFFIX);
            let old_ref = self.table_ref(schema, &old);
            vec![
                self.drop_table_sql(&old_ref),
                format!("RENAME TABLE {target_ref} TO {old_ref}, {side_ref} TO {target_ref}"),
                self.drop_table_sql(&old_ref),
            ]
        } else {
            vec![format!("RENAME TABLE {side_ref} TO {target_ref}")]
        };
        Swap {
            statements,
            transactional: false,
        }
    }
}

mod connecting;
mod locks;
#[cfg(test)]
mod tests;
