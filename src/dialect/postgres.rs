//! PostgreSQL through psqlODBC.
//!
//! Driver facts this file answers: psqlODBC caches whole result sets unless `UseDeclareFetch=1`;
//! it reports booleans as text unless `BoolsAsChar=0`; `text` is reported with the size
//! `MaxLongVarcharSize`; `varchar` without a length as 255; unconstrained `numeric` as
//! `numeric(28,6)`; and on Windows it turns LF into CRLF unless `LFConversion=0`. So the
//! declared types come from the catalog (`format_type`), and the settings below are added
//! unless the user set them. PostgreSQL cannot store NUL characters in text: they are removed
//! before inserting, and counted.

use arrow_odbc::arrow::{datatypes::DataType, record_batch::RecordBatch};

use super::{
    Braces, ColumnDef, Connecting, Dialect, DriverTuning, ShortLockWait, Snapshot, TableLock,
    normalized_type,
};
use crate::convert::FetchForm;
use crate::insert::{InsertStrategy, UnnestArrays};
use crate::plan::{
    Column, ColumnMeta, ColumnType, LoadColumn, TargetColumn, decimal, generic_column_type,
    type_arguments,
};

/// PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub struct Postgres;

impl Connecting for Postgres {
    fn braces(&self, _driver: &str) -> Braces {
        // psqlODBC unbraces the password and the two options that hold statements and libpq
        // options (decode_or_remove_braces; unbraced, they are URL-decoded); `Port={5432}` is an
        // invalid integer and a braced UID names a user with braces.
        Braces::Only(&["PWD", "Password", "ConnSettings", "pqopt"])
    }

    fn login_refused(&self, _native: i32, message: &str) -> bool {
        // psqlODBC reports a refused login as 08001 (native 101), like a server it cannot reach;
        // the server's own words tell them apart.
        message.contains("password authentication failed")
            || message.contains("no password supplied")
    }

    fn driver_defaults(&self, _driver: &str, tuning: DriverTuning) -> Vec<(&'static str, String)> {
        vec![
            ("UseDeclareFetch", "1".into()),
            ("Fetch", tuning.fetch_rows.clamp(100, 100_000).to_string()),
            ("BoolsAsChar", "0".into()),
            ("MaxLongVarcharSize", tuning.max_text_size.to_string()),
            ("ByteaAsLongVarBinary", "1".into()),
            ("TextAsLongVarchar", "1".into()),
            ("UnknownsAsLongVarchar", "1".into()),
            ("LFConversion", "0".into()),
        ]
    }
}

impl Dialect for Postgres {
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

    fn unique_keys_sql(&self, schema: Option<&str>, table: &str) -> String {
        // Unique indexes (primary key included) on plain columns without a WHERE, checked at
        // once, by their key columns (not INCLUDE columns): the ones ON CONFLICT can use.
        let schema = schema.map_or("current_schema()".to_string(), |s| self.literal(s));
        format!(
            "SELECT ci.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid \
             JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_namespace n ON n.oid = \
             c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = \
             ANY((i.indkey::int2[])[0:i.indnkeyatts - 1]) WHERE i.indisunique AND i.indimmediate \
             AND i.indpred IS NULL AND i.indexprs IS NULL AND n.nspname = {schema} AND c.relname \
             = {}",
            self.literal(table)
        )
    }

    fn name(&self) -> &'static str {
        "PostgreSQL"
    }

    fn matches_dbms(&self, dbms_name: &str) -> bool {
        dbms_name.to_ascii_lowercase().contains("postgres")
    }

    fn matches_driver(&self, driver_name: &str) -> bool {
        let d = driver_name.to_ascii_lowercase();
        d.contains("postgres") || d.contains("psqlodbc")
    }

    fn literal(&self, text: &str) -> String {
        // With standard_conforming_strings = off (a server or database may still be set so), a
        // backslash in '...' starts an escape; in E'...' it always does, so a text with one is
        // written that way, whatever the session says.
        if text.contains('\\') {
            format!("E'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
        } else {
            format!("'{}'", text.replace('\'', "''"))
        }
    }

    fn declared_types_sql(&self, schema: Option<&str>, table: &str) -> Option<String> {
        // to_regclass resolves the name exactly as the SELECT will (search_path included).
        Some(format!(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) \
             FROM pg_catalog.pg_attribute a \
             WHERE a.attrelid = to_regclass({}) AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY a.attnum",
            self.literal(&self.table_ref(schema, table))
        ))
    }

    fn catalog_spelling(&self, declared: &str) -> String {
        let d = normalized_type(declared);
        let (name, args) = d.split_at(d.find('(').unwrap_or(d.len()));
        let (args, rest) = args.split_at(args.find(')').map_or(0, |i| i + 1));
        let zone = |with: &str| format!("{}{args} {with} time zone{rest}", &name[..name.len() - 2]);
        match name {
            "varchar" => format!("character varying{args}{rest}"),
            "char" | "bpchar" => format!("character{args}{rest}"),
            "int" | "int4" => "integer".to_string(),
            "int8" => "bigint".to_string(),
            "int2" => "smallint".to_string(),
            "decimal" => format!("numeric{args}{rest}"),
            "float" | "float8" => "double precision".to_string(),
            "float4" => "real".to_string(),
            "bool" => "boolean".to_string(),
            "timestamptz" | "timetz" => zone("with"),
            "timestamp" | "time" if !rest.contains("zone") => {
                format!("{name}{args} without time zone")
            }
            _ => d,
        }
    }

    fn column_type(&self, meta: &ColumnMeta) -> Result<ColumnType, String> {
        let Some(declared) = meta.declared.as_deref() else {
            return generic_column_type(meta);
        };
        let d = declared.to_ascii_lowercase();
        let args = type_arguments(&d);
        let precision = |default: u8| args.map_or(default, |(p, _)| p.clamp(0, 9) as u8);
        let bounded = |fixed: bool| ColumnType::Text {
            length: args.and_then(|(n, _)| u32::try_from(n).ok()),
            fixed: fixed && args.is_some(),
        };
        Ok(match d.as_str() {
            "boolean" => ColumnType::Boolean,
            "smallint" => ColumnType::Int16,
            "integer" => ColumnType::Int32,
            "bigint" => ColumnType::Int64,
            "real" => ColumnType::Float32,
            "double precision" => ColumnType::Float64,
            "date" => ColumnType::Date,
            "bytea" => ColumnType::Binary {
                length: None,
                fixed: false,
            },
            "uuid" => ColumnType::Text {
                length: Some(36),
                fixed: true,
            },
            _ if d.starts_with("numeric") => match args {
                Some((p, s)) => decimal(p as usize, s.unwrap_or(0) as i16),
                None => ColumnType::UNCONSTRAINED_DECIMAL,
            },
            _ if d.starts_with("character varying") => bounded(false),
            _ if d.starts_with("character") => bounded(true),
            _ if d.starts_with("timestamp") && d.ends_with("with time zone") => {
                ColumnType::TimestampTz {
                    precision: precision(6),
                }
            }
            _ if d.starts_with("timestamp") => ColumnType::Timestamp {
                precision: precision(6),
            },
            _ if d.starts_with("time") && d.ends_with("without time zone") => ColumnType::Time {
                precision: precision(6),
            },
            // text, json, jsonb, xml, interval, money, time with time zone, arrays, enums,
            // geometric and network types: their text form is exact.
            _ => ColumnType::Text {
                length: None,
                fixed: false,
            },
        })
    }

    fn select_expr(&self, quoted: &str, column: &Column) -> String {
        // Types read as text that are not text in PostgreSQL (uuid, json, interval, arrays, ...)
        // are cast on the server, so their text is PostgreSQL's own (psqlODBC upper-cases uuids).
        let character = ["character", "text"]
            .iter()
            .any(|p| column.source_type.starts_with(p));
        match column.column_type {
            ColumnType::Text { .. } if !character => format!("{quoted}::text"),
            // Sent as text, so psqlODBC passes them through instead of parsing them (with
            // sscanf and strtod) and printing them again; see `fetch_form`.
            ColumnType::Date
            | ColumnType::Timestamp { .. }
            | ColumnType::Float32
            | ColumnType::Float64 => format!("{quoted}::text"),
            _ => quoted.to_string(),
        }
    }

    fn fetch_form(&self, column: &Column) -> FetchForm {
        // psqlODBC converts dates and timestamps with sscanf and floats with strtod, a quarter
        // of the reading time; their text (cast in `select_expr`) is parsed here far faster, and
        // exactly (PostgreSQL prints the shortest text that reads back as the same float).
        match column.column_type {
            ColumnType::Date
            | ColumnType::Timestamp { .. }
            | ColumnType::Float32
            | ColumnType::Float64 => FetchForm::Text,
            _ => FetchForm::Native,
        }
    }

    fn byte_length_sql(&self, column: &str, column_type: &ColumnType) -> Option<String> {
        Some(match column_type {
            ColumnType::Binary { .. } => format!("octet_length({column})"),
            _ => format!("octet_length({column}::text)"),
        })
    }

    fn type_sql(&self, column_type: &ColumnType) -> String {
        match *column_type {
            ColumnType::Boolean => "boolean".into(),
            ColumnType::Int8 | ColumnType::Int16 => "smallint".into(),
            ColumnType::Int32 => "integer".into(),
            ColumnType::Int64 => "bigint".into(),
            ColumnType::Float32 => "real".into(),
            ColumnType::Float64 => "double precision".into(),
            ColumnType::Decimal { precision, scale } => format!("numeric({precision},{scale})"),
            // PostgreSQL's numeric holds up to 1,000 declared digits.
            ColumnType::DecimalText {
                precision: Some(p),
                scale,
            } if p <= 1000 => format!("numeric({p},{})", scale.unwrap_or(0)),
            ColumnType::DecimalText { .. } => "numeric".into(),
            ColumnType::Text {
                length: Some(n),
                fixed,
            } if n <= 10_485_760 => {
                if fixed {
                    format!("character({n})")
                } else {
                    format!("character varying({n})")
                }
            }
            ColumnType::Text { .. } => "text".into(),
            ColumnType::Binary { .. } => "bytea".into(),
            ColumnType::Date => "date".into(),
            ColumnType::Time { precision } => format!("time({})", precision.min(6)),
            ColumnType::Timestamp { precision } => format!("timestamp({})", precision.min(6)),
            ColumnType::TimestampTz { precision } => {
                format!("timestamp({}) with time zone", precision.min(6))
            }
        }
    }

    fn target_warnings(&self, column_type: &ColumnType) -> Vec<String> {
        match column_type {
            ColumnType::Time { precision }
            | ColumnType::Timestamp { precision }
            | ColumnType::TimestampTz { precision }
                if *precision > 6 =>
            {
                vec!["PostgreSQL keeps 6 fractional digits: the rest is rounded".into()]
            }
            _ => Vec::new(),
        }
    }

    fn table_exists_sql(&self, schema: Option<&str>, table: &str) -> String {
        // pg_class also knows materialized views, which information_schema.tables leaves out.
        let schema_sql = schema.map_or("current_schema()".to_string(), |s| self.literal(s));
        format!(
            "SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN \
             'f' THEN 'FOREIGN TABLE' ELSE 'BASE TABLE' END, NULL FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \
             {schema_sql} AND c.relname = {} AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
            self.literal(table)
        )
    }

    fn faithful_type(&self, declared: &str, column_type: &ColumnType) -> bool {
        // format_type's spellings of the types type_sql writes.
        let canonical = |t: &str| {
            let t = super::normalized_type(t).replace(" without time zone", "");
            match t.as_str() {
                "time" => "time(6)".to_string(),
                "timestamp" => "timestamp(6)".to_string(),
                "timestamp with time zone" => "timestamp(6) with time zone".to_string(),
                "character varying" => "text".to_string(),
                _ => t,
            }
        };
        canonical(declared) == canonical(&self.type_sql(column_type))
    }

    fn max_name_length(&self) -> usize {
        // NAMEDATALEN - 1: longer names are cut silently, which could make a side table's name
        // the table's own.
        63
    }

    fn empty_copy_sql(&self, copy_ref: &str, target_ref: &str) -> String {
        format!(
            "CREATE TEMPORARY TABLE {copy_ref} (LIKE {target_ref} INCLUDING DEFAULTS INCLUDING \
             CONSTRAINTS INCLUDING INDEXES INCLUDING GENERATED INCLUDING IDENTITY)"
        )
    }

    fn admin_database(&self) -> Option<&'static str> {
        Some("postgres")
    }

    fn database_exists_sql(&self, name: &str) -> String {
        format!(
            "SELECT 1 FROM pg_catalog.pg_database WHERE datname = {}",
            self.literal(name)
        )
    }

    fn create_database_sql(&self, name: &str) -> String {
        // UTF-8 whatever the template's encoding, so every character of the sources fits.
        format!(
            "CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0",
            self.quote(name)
        )
    }

    fn source_session_sql(&self) -> Vec<String> {
        // timestamptz values are sent in the session's time zone (a server or database set to
        // Europe/Amsterdam): read in UTC, they are the instants they are.
        vec!["SET TIME ZONE 'UTC'".into()]
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
        // A timestamp without time zone going into a timestamptz column is taken as UTC, the
        // way instants are normalised everywhere else.
        vec!["SET TIME ZONE 'UTC'".into()]
    }

    fn table_columns_sql(&self, schema: Option<&str>, table: &str) -> String {
        // The cast type is the column's type without its length (pg_catalog.bpchar, not
        // character, which means character(1)), so that the INSERT checks lengths and raises an
        // error instead of a cast cutting values short; array types are cast from text.
        format!(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), CASE WHEN t.typcategory = \
             'A' THEN NULL ELSE quote_ident(n.nspname) || '.' || quote_ident(t.typname) END, \
             CASE WHEN a.attnotnull THEN 0 ELSE 1 END, CASE WHEN a.atthasdef OR a.attidentity \
             <> '' OR a.attgenerated <> '' THEN 1 ELSE 0 END FROM pg_catalog.pg_attribute a JOIN \
             pg_catalog.pg_type t ON t.oid = a.atttypid JOIN pg_catalog.pg_namespace n ON n.oid \
             = t.typnamespace WHERE a.attrelid = to_regclass({}) AND a.attnum > 0 AND NOT \
             a.attisdropped ORDER BY a.attnum",
            self.literal(&self.table_ref(schema, table))
        )
    }

    fn dependent_views_sql(&self, schema: Option<&str>, table: &str) -> Option<String> {
        // A view's rewrite rule depends on the tables it reads.
        Some(format!(
            "SELECT DISTINCT quote_ident(vn.nspname) || '.' || quote_ident(v.relname), NULL FROM \
             pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid JOIN \
             pg_catalog.pg_class v ON v.oid = r.ev_class JOIN pg_catalog.pg_namespace vn ON \
             vn.oid = v.relnamespace WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND \
             d.refobjid = to_regclass({}) AND v.oid <> d.refobjid",
            self.literal(&self.table_ref(schema, table))
        ))
    }

    fn cast_type(&self, column_type: &ColumnType) -> Option<String> {
        // As `table_columns_sql` reports them for the columns `type_sql` creates.
        Some(
            match column_type {
                ColumnType::Boolean => "pg_catalog.bool",
                ColumnType::Int8 | ColumnType::Int16 => "pg_catalog.int2",
                ColumnType::Int32 => "pg_catalog.int4",
                ColumnType::Int64 => "pg_catalog.int8",
                ColumnType::Float32 => "pg_catalog.float4",
                ColumnType::Float64 => "pg_catalog.float8",
                ColumnType::Decimal { .. } | ColumnType::DecimalText { .. } => {
                    "pg_catalog.\"numeric\""
                }
                ColumnType::Text { .. } => match self.type_sql(column_type).as_str() {
                    "text" => "pg_catalog.text",
                    t if t.starts_with("character varying") => "pg_catalog.\"varchar\"",
                    _ => "pg_catalog.bpchar",
                },
                ColumnType::Binary { .. } => "pg_catalog.bytea",
                ColumnType::Date => "pg_catalog.date",
                ColumnType::Time { .. } => "pg_catalog.\"time\"",
                ColumnType::Timestamp { .. } => "pg_catalog.\"timestamp\"",
                ColumnType::TimestampTz { .. } => "pg_catalog.timestamptz",
            }
            .to_string(),
        )
    }

    fn parameter_sql(&self, _sent: &DataType, target: &TargetColumn) -> String {
        match &target.cast {
            Some(cast) => format!("unnest(?::{cast}[])"),
            None => format!("unnest(?::text[])::{}", target.declared),
        }
    }

    fn empty_table_sql(&self, table_ref: &str) -> String {
        // Transactional in PostgreSQL, and far faster than DELETE.
        format!("TRUNCATE TABLE {table_ref}")
    }

    fn add_column_sql(&self, table_ref: &str, column: &ColumnDef) -> String {
        format!(
            "ALTER TABLE {table_ref} ADD COLUMN {} {}",
            self.quote(&column.name),
            column.type_sql
        )
    }

    fn prepare_batch(
        &self,
        batch: RecordBatch,
        columns: &[LoadColumn],
    ) -> anyhow::Result<(RecordBatch, usize)> {
        let batch = super::adapt_text_times(batch, columns, Some(6), true)?;
        remove_nul_characters(batch)
    }

    fn insert_strategy(&self) -> &'static dyn InsertStrategy {
        &UnnestArrays
    }

    fn prepare_batch_effect(&self) -> &'static str {
        "text values had NUL characters removed (PostgreSQL cannot store them)"
    }
}

mod locks;
mod nul;

pub use nul::remove_nul_characters;
#[cfg(test)]
mod tests;
