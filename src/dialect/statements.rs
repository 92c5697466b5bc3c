//! What a dialect answers with: the statements that end a load, and the driver settings it may
//! use.

use super::{ColumnDef, Dialect};
use crate::bound::Bound;

/// The statements that end a load into an existing table from the complete side table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Merge {
    /// Run first, each committing on its own (DDL where the DBMS commits DDL implicitly).
    pub before: Vec<String>,
    /// Run in one transaction: the table holds either what it held or everything.
    pub transaction: Vec<String>,
    /// Run after the commit, each on its own (dropping the side table where DDL commits).
    pub after: Vec<String>,
}

/// What the side table's rows do to the existing target table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsInto<'a> {
    /// Replace its rows (`truncate`, and `replace` of a table that views depend on).
    Refresh,
    /// Are added to its rows.
    Append,
    /// Are upserted by these key columns (quoted): inserted, or update the row with their keys.
    Upsert(&'a [String]),
}

/// How a side table replaces the target table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swap {
    /// Statements, in order.
    pub statements: Vec<String>,
    /// Run them in one transaction (the DBMS has transactional DDL).
    pub transactional: bool,
}

/// How a driver reads braced values (`{...}`) in a connection string. A value holding `;`, `{`
/// or `}`, or spaces at its ends, can only be passed braced: the driver manager and every
/// driver split attributes at `;`. Drivers differ in which attributes they unbrace, and how, so
/// the quoting is the driver's fact, tried on each, not a guess (see [`Braces::write`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Braces {
    /// The ODBC rule for every attribute, `}}` a brace inside (MariaDB Connector/ODBC,
    /// Microsoft's SQL Server driver): every value is written braced, so none can add an
    /// attribute.
    Every,
    /// The ODBC rule where the value needs it (drivers not tried here).
    WhenNeeded,
    /// The ODBC rule for these attributes only, which are always braced (psqlODBC: the password,
    /// `ConnSettings`, `pqopt`; `Port={5432}` is "invalid integer value" to it, a braced `UID`
    /// a user named with braces); another value that needs braces cannot be passed.
    Only(&'static [&'static str]),
    /// No attribute is unbraced (sqliteodbc opens a file named `{...}`): a value that needs
    /// braces cannot be passed.
    Never,
    /// FreeTDS: a braced value runs to the first `}` that a `;` follows, and `}}` stays two
    /// braces; every value is written braced as it is, and one that holds `};` cannot be passed.
    UpToBraceSemicolon,
}

/// Is `key` the password attribute of a connection string?
pub fn is_password_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("PWD") || key.eq_ignore_ascii_case("PASSWORD")
}

/// `value` braced by the ODBC rule: `{` + the value with every `}` doubled + `}`.
fn braced(value: &str) -> String {
    format!("{{{}}}", value.replace('}', "}}"))
}

/// Does `value` need braces to be read back as itself? (`;` ends an attribute, a leading `{`
/// starts a braced value, and drivers trim spaces around plain values.)
fn needs_braces(value: &str) -> bool {
    value.contains([';', '{', '}']) || value.trim() != value
}

impl Braces {
    /// `key=value;` as this driver reads it back, or `None` when the driver cannot be given this
    /// value for this attribute (it would read the braces, or a `};`, as part of the value).
    pub fn write(self, key: &str, value: &str) -> Option<String> {
        let written = match self {
            Braces::Every => braced(value),
            Braces::WhenNeeded if needs_braces(value) => braced(value),
            Braces::Only(keys) if keys.iter().any(|k| k.eq_ignore_ascii_case(key)) => braced(value),
            Braces::Only(_) | Braces::Never if needs_braces(value) => return None,
            Braces::WhenNeeded | Braces::Only(_) | Braces::Never => value.to_string(),
            Braces::UpToBraceSemicolon if value.contains("};") => return None,
            Braces::UpToBraceSemicolon => format!("{{{value}}}"),
        };
        Some(format!("{key}={written};"))
    }
}

/// Settings a dialect may use for the driver's connection attributes.
#[derive(Debug, Clone, Copy)]
pub struct DriverTuning {
    /// Rows per fetch.
    pub fetch_rows: usize,
    /// Largest text value to expect, in bytes.
    pub max_text_size: usize,
    /// Trust the server's TLS certificate (SQL Server: `P_MSSQL_TRUST_SERVER_CERTIFICATE`).
    pub trust_server_certificate: bool,
}

/// The default [`Dialect::merge`]: alters, (empty,) insert-select and drop, in one transaction
/// where DDL is transactional; otherwise the alters before and the drop after it.
pub(super) fn merge<D: Dialect + ?Sized>(
    d: &D,
    target_ref: &str,
    side_ref: &str,
    columns: &[String],
    added: &[ColumnDef],
    into: RowsInto<'_>,
) -> Merge {
    let alters: Vec<String> = added
        .iter()
        .map(|c| d.add_column_sql(target_ref, c))
        .collect();
    let list = columns.join(", ");
    let mut rows = Vec::new();
    match into {
        RowsInto::Refresh => rows.push(d.empty_table_sql(target_ref)),
        RowsInto::Append => {}
        RowsInto::Upsert(keys) => rows.extend(d.upsert_sql(target_ref, side_ref, columns, keys)),
    }
    if !matches!(into, RowsInto::Upsert(_)) {
        rows.push(format!(
            "INSERT INTO {target_ref} ({list}) SELECT {list} FROM {side_ref}"
        ));
    }
    let drop = d.drop_table_sql(side_ref);
    if d.transactional_ddl() {
        let mut transaction = alters;
        transaction.extend(rows);
        transaction.push(drop);
        Merge {
            before: Vec::new(),
            transaction,
            after: Vec::new(),
        }
    } else {
        Merge {
            before: alters,
            transaction: rows,
            after: vec![drop],
        }
    }
}

/// The columns of `columns` that are not among `keys` (both quoted).
fn non_keys<'a>(columns: &'a [String], keys: &'a [String]) -> impl Iterator<Item = &'a String> {
    columns.iter().filter(move |c| !keys.contains(c))
}

/// `INSERT ... SELECT ... ON CONFLICT (keys) DO UPDATE` (PostgreSQL, SQLite: `WHERE true` keeps
/// SQLite from reading `ON` as a join's).
pub(super) fn insert_on_conflict(
    target_ref: &str,
    side_ref: &str,
    columns: &[String],
    keys: &[String],
) -> String {
    let list = columns.join(", ");
    let sets: Vec<String> = non_keys(columns, keys)
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    let action = if sets.is_empty() {
        "DO NOTHING".to_string()
    } else {
        format!("DO UPDATE SET {}", sets.join(", "))
    };
    format!(
        "INSERT INTO {target_ref} ({list}) SELECT {list} FROM {side_ref} WHERE true ON CONFLICT \
         ({}) {action}",
        keys.join(", ")
    )
}

/// Standard SQL `MERGE` of the side table `source` into the table `target` by `keys` (Oracle,
/// and DBMSs of the generic dialect), aliased `d` and `s`.
pub(super) fn merge_statement(
    target: &str,
    source: &str,
    columns: &[String],
    keys: &[String],
) -> String {
    let on: Vec<String> = keys.iter().map(|k| format!("d.{k} = s.{k}")).collect();
    let sets: Vec<String> = non_keys(columns, keys)
        .map(|c| format!("d.{c} = s.{c}"))
        .collect();
    let matched = if sets.is_empty() {
        String::new()
    } else {
        format!(" WHEN MATCHED THEN UPDATE SET {}", sets.join(", "))
    };
    let values: Vec<String> = columns.iter().map(|c| format!("s.{c}")).collect();
    format!(
        "MERGE INTO {target} d USING {source} s ON ({}){matched} WHEN NOT MATCHED THEN INSERT \
         ({}) VALUES ({})",
        on.join(" AND "),
        columns.join(", "),
        values.join(", ")
    )
}

/// An upsert as `UPDATE ... FROM` and `INSERT ... WHERE NOT EXISTS` (SQL Server): `target` is
/// the target table with its alias `d` (and hints), `target_ref` the table itself, `source` the
/// side table with its alias `s`.
pub(super) fn update_then_insert(
    target: &str,
    target_ref: &str,
    source: &str,
    columns: &[String],
    keys: &[String],
) -> Vec<String> {
    let on: Vec<String> = keys.iter().map(|k| format!("d.{k} = s.{k}")).collect();
    let on = on.join(" AND ");
    let sets: Vec<String> = non_keys(columns, keys)
        .map(|c| format!("{c} = s.{c}"))
        .collect();
    let mut statements = Vec::new();
    if !sets.is_empty() {
        statements.push(format!(
            "UPDATE d SET {} FROM {target} JOIN {source} ON {on}",
            sets.join(", ")
        ));
    }
    let values: Vec<String> = columns.iter().map(|c| format!("s.{c}")).collect();
    statements.push(format!(
        "INSERT INTO {target_ref} ({}) SELECT {} FROM {source} WHERE NOT EXISTS (SELECT 1 FROM \
         {target} WHERE {on})",
        columns.join(", "),
        values.join(", ")
    ));
    statements
}

/// [`Dialect::bound_literal`] in standard SQL (`DATE '...'`, `TIMESTAMP '...'`), for dialects
/// that write some kinds their own way.
pub fn default_bound_literal<D: Dialect + ?Sized>(
    d: &D,
    bound: &Bound,
    _column: &crate::plan::Column,
) -> String {
    match bound {
        Bound::Int(v) => v.to_string(),
        Bound::Number(n) => n.clone(),
        Bound::Text(t) => d.literal(t),
        Bound::Date(day) => format!("DATE '{}'", day.format("%Y-%m-%d")),
        Bound::Timestamp(t) => format!("TIMESTAMP '{}'", t.format("%Y-%m-%d %H:%M:%S%.f")),
        Bound::Instant(t) => format!(
            "TIMESTAMP WITH TIME ZONE '{}+00:00'",
            t.format("%Y-%m-%d %H:%M:%S%.f")
        ),
    }
}

/// The default [`Dialect::swap`]: drop the old table (when there is one), rename the side table;
/// in one transaction.
pub(super) fn drop_and_rename<D: Dialect + ?Sized>(
    d: &D,
    schema: Option<&str>,
    side: &str,
    target: &str,
    target_exists: bool,
) -> Swap {
    let mut statements = Vec::new();
    if target_exists {
        statements.push(d.drop_table_sql(&d.table_ref(schema, target)));
    }
    statements.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        d.table_ref(schema, side),
        d.quote(target)
    ));
    Swap {
        statements,
        transactional: true,
    }
}

/// `CREATE [UNIQUE] INDEX` where an index name is qualified by its schema (SQLite, Oracle: an
/// unqualified one would go into the default schema); `qualified_table`: the table may be
/// qualified too (SQLite: it may not). For dialects quoting with `"`.
/// `"schema"."table"` split at the dot between its two quoted names (a `"."` inside a name, written
/// `"a"".""b"`, is part of it); `None` for a name without a schema.
pub(super) fn split_qualified(table_ref: &str) -> Option<(&str, &str)> {
    let mut quoted = false;
    let mut last_dot = None;
    for (at, c) in table_ref.char_indices() {
        match c {
            // A doubled quote inside a name closes and reopens it: the state ends the same.
            '"' => quoted = !quoted,
            '.' if !quoted => last_dot = Some(at),
            _ => {}
        }
    }
    last_dot.map(|at| (&table_ref[..at], &table_ref[at + 1..]))
}

pub(super) fn index_in_schema<D: Dialect + ?Sized>(
    d: &D,
    table_ref: &str,
    index: &str,
    columns: &[String],
    unique: bool,
    qualified_table: bool,
) -> String {
    let quoted = d.quote(index);
    let (index, on) = match split_qualified(table_ref) {
        Some((schema, name)) => (
            format!("{schema}.{quoted}"),
            if qualified_table {
                table_ref.to_string()
            } else {
                name.to_string()
            },
        ),
        None => (quoted, table_ref.to_string()),
    };
    let unique = if unique { "UNIQUE " } else { "" };
    format!(
        "CREATE {unique}INDEX {index} ON {on} ({})",
        columns.join(", ")
    )
}

/// The default [`Dialect::connection_parts`]: `Server`, `Port`, `Database`.
pub(super) fn server_port_database(
    host: Option<&str>,
    port: Option<u16>,
    database: Option<&str>,
) -> Vec<(String, String)> {
    [
        ("Server", host.map(str::to_string)),
        ("Port", port.map(|p| p.to_string())),
        ("Database", database.map(str::to_string)),
    ]
    .into_iter()
    .filter_map(|(key, value)| value.map(|v| (key.to_string(), v)))
    .collect()
}

/// The default [`Dialect::column_list_sql`]: `"name" type [NOT NULL], ...`.
pub(super) fn column_list<D: Dialect + ?Sized>(d: &D, columns: &[ColumnDef]) -> String {
    let defs: Vec<String> = columns
        .iter()
        .map(|c| {
            let null = if c.nullable { "" } else { " NOT NULL" };
            format!("{} {}{null}", d.quote(&c.name), c.type_sql)
        })
        .collect();
    defs.join(", ")
}

/// `FROM` what, with the WHERE condition `filter`.
pub fn from_clause(table_ref: &str, filter: Option<&str>) -> String {
    match filter {
        Some(f) => format!("{table_ref} WHERE {f}"),
        None => table_ref.to_string(),
    }
}

/// The statement that finds where a range ends: the value, as text, of the key `quoted` in the
/// `rows`-th row after `after` in the key's order (NULLs left out); no row when fewer are left.
/// The server walks the key's index to it; no other row is sent.
pub fn range_end_sql(
    d: &dyn Dialect,
    table_ref: &str,
    filter: Option<&str>,
    quoted: &str,
    column: &crate::plan::Column,
    rows: u64,
    after: Option<&str>,
) -> String {
    let mut conditions: Vec<String> = filter.iter().map(|f| format!("({f})")).collect();
    conditions.push(format!("{quoted} IS NOT NULL"));
    if let Some(a) = after {
        conditions.push(format!("{quoted} > {a}"));
    }
    let from = from_clause(table_ref, Some(&conditions.join(" AND ")));
    let ordered = format!(
        "SELECT {} FROM {from} ORDER BY {quoted}",
        d.bound_text_sql(quoted, column)
    );
    d.nth_row_sql(&ordered, rows.saturating_sub(1))
}

/// The condition of each range that `bounds` ([`crate::bound::split`]) make, on the column `quoted` (literals of
/// the dialect); the first range also reads the NULLs, so every row is read by
/// exactly one range, whatever was inserted meanwhile.
pub fn ranges(quoted: &str, bounds: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(bounds.len() + 1);
    for (i, b) in bounds.iter().enumerate() {
        out.push(match i {
            0 => format!("({quoted} < {b} OR {quoted} IS NULL)"),
            _ => format!("{quoted} >= {} AND {quoted} < {b}", bounds[i - 1]),
        });
    }
    match bounds.last() {
        Some(last) => out.push(format!("{quoted} >= {last}")),
        None => out.push("1 = 1".to_string()),
    }
    out
}

#[cfg(test)]
mod range_tests {
    use super::*;

    #[test]
    fn every_row_falls_in_one_range_and_nulls_in_the_first() {
        let r = ranges("c", &["10".into(), "20".into()]);
        assert_eq!(
            r,
            vec!["(c < 10 OR c IS NULL)", "c >= 10 AND c < 20", "c >= 20"]
        );
        assert_eq!(ranges("c", &[]), vec!["1 = 1"]);
        assert_eq!(from_clause("t", Some("c > 1")), "t WHERE c > 1");
        assert_eq!(from_clause("t", None), "t");
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    #[test]
    fn an_index_goes_into_the_tables_schema_whatever_the_names_hold() {
        let oracle = crate::dialect::oracle::Oracle;
        assert_eq!(
            index_in_schema(
                &oracle,
                "\"S\".\"T\"",
                "T_IX",
                &["\"C\"".into()],
                false,
                true
            ),
            "CREATE INDEX \"S\".\"T_IX\" ON \"S\".\"T\" (\"C\")"
        );
        // A name holding "." (quoted as "a"".""b"): the split is at the dot between the names.
        assert_eq!(
            split_qualified("\"s\".\"a\"\".\"\"b\""),
            Some(("\"s\"", "\"a\"\".\"\"b\""))
        );
        assert_eq!(
            split_qualified("\"s\"\".\"\"x\".\"t\""),
            Some(("\"s\"\".\"\"x\"", "\"t\""))
        );
        assert_eq!(split_qualified("\"a\"\".\"\"b\""), None);
        let sqlite = crate::dialect::sqlite::Sqlite;
        assert_eq!(
            index_in_schema(
                &sqlite,
                "\"main\".\"a\"\".\"\"b\"",
                "k",
                &["\"c\"".into()],
                true,
                false
            ),
            "CREATE UNIQUE INDEX \"main\".\"k\" ON \"a\"\".\"\"b\" (\"c\")"
        );
        assert_eq!(
            index_in_schema(&sqlite, "\"t\"", "k", &["\"c\"".into()], true, false),
            "CREATE UNIQUE INDEX \"k\" ON \"t\" (\"c\")"
        );
    }
}
