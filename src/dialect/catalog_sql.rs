//! The default catalog queries, on `information_schema` (standard SQL); dialects whose DBMS
//! answers better elsewhere write their own.

use super::Dialect;

/// `table_schema = 'x'`, or the current schema.
fn schema_test<D: Dialect + ?Sized>(d: &D, column: &str, schema: Option<&str>) -> String {
    match schema {
        Some(s) => format!("{column} = {}", d.literal(s)),
        None => format!("{column} = CURRENT_SCHEMA"),
    }
}

/// [`Dialect::table_columns_sql`].
pub(super) fn table_columns<D: Dialect + ?Sized>(
    d: &D,
    schema: Option<&str>,
    table: &str,
) -> String {
    format!(
        "SELECT column_name, data_type, NULL, CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END, \
         CASE WHEN column_default IS NULL THEN 0 ELSE 1 END FROM information_schema.columns \
         WHERE {} AND table_name = {} ORDER BY ordinal_position",
        schema_test(d, "table_schema", schema),
        d.literal(table)
    )
}

/// [`Dialect::table_exists_sql`].
pub(super) fn table_exists<D: Dialect + ?Sized>(
    d: &D,
    schema: Option<&str>,
    table: &str,
) -> String {
    format!(
        "SELECT table_type, NULL FROM information_schema.tables WHERE {} AND table_name = {}",
        schema_test(d, "table_schema", schema),
        d.literal(table)
    )
}

/// [`Dialect::unique_keys_sql`].
pub(super) fn unique_keys<D: Dialect + ?Sized>(d: &D, schema: Option<&str>, table: &str) -> String {
    format!(
        "SELECT tc.constraint_name, k.column_name FROM information_schema.table_constraints tc \
         JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name AND \
         k.table_schema = tc.table_schema AND k.table_name = tc.table_name WHERE \
         tc.constraint_type IN ('UNIQUE', 'PRIMARY KEY') AND {} AND tc.table_name = {}",
        schema_test(d, "tc.table_schema", schema),
        d.literal(table)
    )
}

/// A row when `information_schema.schemata` has `column = value` ([`Dialect::schema_exists_sql`],
/// [`Dialect::database_exists_sql`]).
pub(super) fn schemata<D: Dialect + ?Sized>(d: &D, column: &str, value: &str) -> String {
    format!(
        "SELECT 1 FROM information_schema.schemata WHERE {column} = {}",
        d.literal(value)
    )
}
