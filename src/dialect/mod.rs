//! Everything that differs between DBMSs, one file per DBMS.
//!
//! A [`Dialect`] answers, for one DBMS: connection strings and driver settings; quoting names;
//! reading a table (row limit, byte lengths, declared types, metadata -> [`ColumnType`]); writing
//! one (types, DDL, the atomic swap, inserts); locks and snapshots. The default methods are
//! standard SQL; a dialect overrides what its DBMS does differently.
//!
//! **Adding a DBMS**: one file with a unit struct implementing [`Dialect`], listed in `DIALECTS`
//! of `choose.rs` (before [`generic::Generic`], which matches everything).

pub mod generic;
pub mod mariadb;
pub mod mssql;
pub mod oracle;
pub mod postgres;
pub mod sqlite;

mod catalog_sql;
mod choose;
mod connecting;
mod locks;
mod names;
mod shared;
mod statements;

pub use choose::{for_dbms, for_driver};
pub use connecting::Connecting;
pub use locks::{MissingGrant, SHORT_LOCK_WAIT_SECONDS, ShortLockWait, Snapshot, TableLock};
pub use names::{
    CHECK_SUFFIX, OLD_SUFFIX, WATERMARK_INDEX_SUFFIX, is_side_table_of, normalized_type, run_tag,
    side_table_name, side_table_pattern, suffixed_name,
};
pub use shared::{adapt_text_times, columns_as_text, common_source_warnings, without_time_zones};
pub use statements::{
    Braces, DriverTuning, Merge, RowsInto, Swap, default_bound_literal, from_clause,
    is_password_key, range_end_sql, ranges,
};

use arrow_odbc::arrow::{datatypes::DataType, record_batch::RecordBatch};

pub use crate::plan::ColumnDef;
use crate::{
    bound::Bound,
    convert::FetchForm,
    insert::{InsertStrategy, ParameterArrays},
    plan::{Column, ColumnMeta, ColumnType, LoadColumn, TargetColumn, generic_column_type},
};

/// One DBMS's SQL and driver behaviour (how its drivers are connected to: [`Connecting`]). See
/// the module documentation.
pub trait Dialect: Connecting + Send + Sync {
    /// Name for messages ("PostgreSQL").
    fn name(&self) -> &'static str;

    /// Does this dialect serve the DBMS that reports `dbms_name`?
    fn matches_dbms(&self, dbms_name: &str) -> bool;

    /// Does the ODBC driver registered as `driver_name` talk to this DBMS?
    fn matches_driver(&self, driver_name: &str) -> bool;

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
        let parts = schema.into_iter().flat_map(|s| s.split('.')).chain([table]);
        parts.map(|p| self.quote(p)).collect::<Vec<_>>().join(".")
    }

    /// The database to connect to for creating a missing database (`Some("")`: the server
    /// without a database); `None` when this tool does not create databases of this DBMS.
    fn admin_database(&self) -> Option<&'static str> {
        None
    }

    /// A query that returns a row when the database `name` exists (run on the admin database).
    fn database_exists_sql(&self, name: &str) -> String {
        catalog_sql::schemata(self, "catalog_name", name)
    }

    /// Creates the database `name` (run on the admin database, outside a transaction).
    fn create_database_sql(&self, name: &str) -> String {
        format!("CREATE DATABASE {}", self.quote(name))
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

    /// A query whose one row gives the catalog and schema arguments of the ODBC catalog
    /// functions (`SQLTables`, `SQLColumns`) for the tables of `schema`, or of the schema that
    /// unqualified names resolve to when `None`. NULL counts as empty.
    fn catalog_scope_sql(&self, schema: Option<&str>) -> String {
        let schema = schema.map_or("CURRENT_SCHEMA".to_string(), |s| self.literal(s));
        format!("SELECT '', {schema}")
    }

    /// A query listing the tables and views of `schema` (`None`: the one unqualified names
    /// resolve to) whose names are `LIKE` the catalog pattern `pattern`: rows of (name, kind as
    /// `SQLTables` calls it). `None`: the driver's `SQLTables` lists them.
    fn tables_sql(&self, _schema: Option<&str>, _pattern: &str) -> Option<String> {
        None
    }

    /// A query of `[queries]` as a table expression: `(SELECT ...) s2s_query`, which is what
    /// it is described, counted, measured and read from. The query stands on lines of its own,
    /// so a `--` comment at its end does not swallow the parenthesis.
    fn query_ref(&self, sql: &str) -> String {
        format!("(\n{sql}\n) s2s_query")
    }

    /// How a name from the catalog is written in `SRC_TABLES` (the inverse of
    /// [`Dialect::fold_name`]): a table a pattern matched gets this name in the target.
    fn written_name(&self, catalog_name: &str) -> String {
        catalog_name.to_string()
    }

    /// What an existing target column of type `declared` (as the catalog spells it) holds, for
    /// judging what goes into it: by default the type's mapping as a source column.
    fn target_column_type(&self, declared: &str) -> ColumnType {
        self.column_type(&ColumnMeta::declared(declared))
            .unwrap_or(ColumnType::Text {
                length: None,
                fixed: false,
            })
    }

    /// A type as a user writes it (`varchar(7)`, `int`) as the catalog spells it (PostgreSQL:
    /// `character varying(7)`, `integer`), so that [`Dialect::target_column_type`] knows it.
    fn catalog_spelling(&self, declared: &str) -> String {
        declared.trim().to_string()
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

    /// The row `offset` rows into `ordered` (a SELECT ending in ORDER BY), alone.
    fn nth_row_sql(&self, ordered: &str, offset: u64) -> String {
        format!("{ordered} LIMIT 1 OFFSET {offset}")
    }

    /// `SELECT columns FROM table` with at most `limit` rows.
    fn select_sql(&self, table_ref: &str, columns: &[String], limit: Option<u64>) -> String {
        let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
        format!("SELECT {} FROM {table_ref}{limit}", columns.join(", "))
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
        catalog_sql::schemata(self, "schema_name", schema)
    }

    /// Creates `schema` when missing.
    fn create_schema_sql(&self, schema: &str) -> Option<String> {
        Some(format!(
            "CREATE SCHEMA IF NOT EXISTS {}",
            self.quote(schema)
        ))
    }

    /// The definitions of new columns for `columns` (types from [`Dialect::type_sql`]).
    fn column_defs(&self, columns: &[Column]) -> Vec<ColumnDef> {
        columns
            .iter()
            .map(|c| ColumnDef {
                name: c.name.clone(),
                type_sql: self.type_sql(&c.column_type),
                nullable: c.nullable,
            })
            .collect()
    }

    /// The column list of a `CREATE TABLE`.
    fn column_list_sql(&self, columns: &[ColumnDef]) -> String {
        statements::column_list(self, columns)
    }

    /// `CREATE TABLE` with the given columns.
    fn create_table_sql(&self, table_ref: &str, columns: &[ColumnDef]) -> String {
        format!(
            "CREATE TABLE {table_ref} ({})",
            self.column_list_sql(columns)
        )
    }

    /// A temporary table only this session sees, for `check`'s sample where DDL cannot be rolled
    /// back (see [`Dialect::transactional_ddl`]).
    fn create_temporary_table_sql(&self, table_ref: &str, columns: &[ColumnDef]) -> String {
        format!(
            "CREATE TEMPORARY TABLE {table_ref} ({})",
            self.column_list_sql(columns)
        )
    }

    /// The name of a temporary table (`check`'s sample and copies): unqualified, since most
    /// DBMSs keep temporary tables in a schema of their own.
    fn temporary_table_ref(&self, _schema: Option<&str>, table: &str) -> String {
        self.quote(table)
    }

    /// Can DDL (CREATE, ALTER, DROP) run inside a transaction and be rolled back?
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// Statements run on every new source connection (session settings that make values come
    /// out as they are: PostgreSQL's time zone).
    fn source_session_sql(&self) -> Vec<String> {
        Vec::new()
    }

    /// How a run holds the target table `table` in `schema` against other runs.
    fn table_lock(&self, _schema: Option<&str>, _table: &str) -> TableLock {
        TableLock::Unsupported
    }

    /// How the last step waits for the locks of `table_ref` in short turns (none: it waits).
    fn short_lock_wait(&self, _table_ref: &str) -> Option<ShortLockWait> {
        None
    }

    /// How every read of one source table sees one point in time.
    fn snapshot(&self) -> Snapshot {
        Snapshot::PerStatement
    }

    /// Statements run on every new target connection (session settings that make values
    /// go in exactly and errors be errors).
    fn target_session_sql(&self) -> Vec<String> {
        Vec::new()
    }

    /// A query returning, per column of an existing table in table order: name, declared type
    /// (as DDL), the cast type (see [`TargetColumn::cast`]) or NULL, 1 when nullable, 1 when it
    /// has a default.
    fn table_columns_sql(&self, schema: Option<&str>, table: &str) -> String {
        catalog_sql::table_columns(self, schema, table)
    }

    /// A query returning the views that use a table: (qualified view name, definition). A NULL
    /// definition means the catalog knows the dependency; a definition is searched for the
    /// table's name. `None`: the DBMS cannot tell.
    fn dependent_views_sql(&self, _schema: Option<&str>, _table: &str) -> Option<String> {
        None
    }

    /// The type a parameter for a new column of `column_type` is cast to (see
    /// [`TargetColumn::cast`]); `None` where the DBMS converts by itself.
    fn cast_type(&self, _column_type: &ColumnType) -> Option<String> {
        None
    }

    /// The SQL of one inserted value: the parameter marker, cast to `target`'s type where the
    /// value travels as something else (`sent`, e.g. text for timestamps with 7 digits).
    fn parameter_sql(&self, _sent: &DataType, _target: &TargetColumn) -> String {
        "?".to_string()
    }

    /// Empties a table inside a transaction (the refresh of `truncate`).
    fn empty_table_sql(&self, table_ref: &str) -> String {
        format!("DELETE FROM {table_ref}")
    }

    /// Adds a nullable column to an existing table.
    fn add_column_sql(&self, table_ref: &str, column: &ColumnDef) -> String {
        let (name, type_sql) = (self.quote(&column.name), &column.type_sql);
        format!("ALTER TABLE {table_ref} ADD {name} {type_sql}")
    }

    /// Ends a load into an existing table: adds `added` columns, then the side table's
    /// `columns` (quoted) replace, join or are upserted into its rows (`into`), and the side
    /// table is dropped; the rows move in one transaction.
    fn merge(
        &self,
        target_ref: &str,
        side_ref: &str,
        columns: &[String],
        added: &[ColumnDef],
        into: RowsInto<'_>,
    ) -> Merge {
        statements::merge(self, target_ref, side_ref, columns, added, into)
    }

    /// Upserts the side table's rows into the target by `keys` (all quoted): a row whose keys
    /// the target holds updates that row, others are inserted; the statements run in one
    /// transaction. Standard SQL's `MERGE` (Oracle, and DBMSs of the generic dialect).
    fn upsert_sql(
        &self,
        target_ref: &str,
        side_ref: &str,
        columns: &[String],
        keys: &[String],
    ) -> Vec<String> {
        vec![statements::merge_statement(
            target_ref, side_ref, columns, keys,
        )]
    }

    /// Creates the index `index` (a plain name, in the table's schema) on `columns` (quoted) of
    /// `table_ref`.
    fn create_index_sql(&self, table_ref: &str, index: &str, columns: &[String]) -> String {
        let (index, columns) = (self.quote(index), columns.join(", "));
        format!("CREATE INDEX {index} ON {table_ref} ({columns})")
    }

    /// Adds a unique key named `name` (where the DBMS names it) on `columns` (quoted) to the
    /// table `table_ref`, so that upserts find their rows.
    fn unique_key_sql(&self, table_ref: &str, _name: &str, columns: &[String]) -> String {
        format!(
            "ALTER TABLE {table_ref} ADD UNIQUE ({})",
            columns.join(", ")
        )
    }

    /// The largest value of `column` of `table_ref` (an incremental table's watermark).
    fn max_sql(&self, table_ref: &str, column: &TargetColumn) -> String {
        format!("SELECT MAX({}) FROM {table_ref}", self.quote(&column.name))
    }

    /// Does the upsert match a row by any of the table's unique keys, not only the merge keys
    /// (MariaDB's `ON DUPLICATE KEY UPDATE`)?
    fn upsert_matches_any_unique_key(&self) -> bool {
        false
    }

    /// A query listing the unique keys of a table, primary key included: rows of (key name,
    /// column name).
    fn unique_keys_sql(&self, schema: Option<&str>, table: &str) -> String {
        catalog_sql::unique_keys(self, schema, table)
    }

    /// The column `quoted` as a window or partition compares it (`"changed" > ...`).
    fn bound_column_sql(&self, quoted: &str, _column: &Column) -> String {
        quoted.to_string()
    }

    /// `expr` (`MIN(column)`) as text this tool reads whatever the session's settings: how a
    /// partition column's MIN and MAX are asked for.
    fn bound_text_sql(&self, expr: &str, _column: &Column) -> String {
        expr.to_string()
    }

    /// A value of a window or partition bound (`WHERE column > value`), as a literal of the type
    /// of `column` (the source's column it is compared with).
    fn bound_literal(&self, bound: &Bound, column: &Column) -> String {
        statements::default_bound_literal(self, bound, column)
    }

    /// Drops a table if it exists.
    fn drop_table_sql(&self, table_ref: &str) -> String {
        format!("DROP TABLE IF EXISTS {table_ref}")
    }

    /// Removes all rows.
    fn truncate_sql(&self, table_ref: &str) -> String {
        format!("TRUNCATE TABLE {table_ref}")
    }

    /// A query that returns a row when a table or view of that name exists: its kind (`BASE
    /// TABLE`, `VIEW`, ...) and its storage engine or NULL.
    fn table_exists_sql(&self, schema: Option<&str>, table: &str) -> String {
        catalog_sql::table_exists(self, schema, table)
    }

    /// Could a table of storage `engine` (as `table_exists_sql` reports it) roll back a
    /// transaction? (MariaDB's MyISAM and Aria cannot.)
    fn transactional_engine(&self, _engine: &str) -> bool {
        true
    }

    /// Does the column type `declared` (as the catalog spells it) hold exactly the values of
    /// `column_type`, its mapping? Not for types this tool does not create (enums, domains,
    /// `jsonb`, MariaDB's unsigned integers and other character sets, SQL Server's `varchar`):
    /// their values are converted by the target, so a fit with them is never exact.
    fn faithful_type(&self, declared: &str, column_type: &ColumnType) -> bool {
        normalized_type(declared) == normalized_type(&self.type_sql(column_type))
    }

    /// The longest table name this DBMS takes, in bytes.
    fn max_name_length(&self) -> usize {
        128
    }

    /// A temporary, empty table with the definition of `target_ref` (its columns, defaults and
    /// constraints where the DBMS can copy them), for `check` to try a refresh on.
    fn empty_copy_sql(&self, copy_ref: &str, target_ref: &str) -> String {
        format!("CREATE TEMPORARY TABLE {copy_ref} AS SELECT * FROM {target_ref} WHERE 1 = 0")
    }

    /// Replaces `target` with the complete side table `side` (both unqualified, in `schema`).
    fn swap(&self, schema: Option<&str>, side: &str, target: &str, target_exists: bool) -> Swap {
        statements::drop_and_rename(self, schema, side, target, target_exists)
    }

    /// Adapts a batch to what this DBMS can store before it is inserted (e.g. PostgreSQL cannot
    /// store NUL characters); `columns` says where each column goes. Returns the batch and the
    /// number of values changed.
    fn prepare_batch(
        &self,
        batch: RecordBatch,
        _columns: &[LoadColumn],
    ) -> anyhow::Result<(RecordBatch, usize)> {
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

/// The trait's defaults and the shared helpers (each dialect's SQL: golden_tests/).
#[cfg(test)]
mod tests;

#[cfg(test)]
mod golden_tests;
