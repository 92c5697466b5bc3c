//! The ODBC catalog functions: the tables and views of a schema (`SQLTables`) and the columns of
//! a table (`SQLColumns`). Their schema and table arguments are patterns (`_` matches any
//! character), so the rows are filtered by exact names afterwards.

use std::collections::BTreeMap;

use anyhow::Context;
use arrow_odbc::odbc_api::parameter::VarCharArray;

use super::Connection;
use crate::dialect::Dialect;

/// Where the catalog functions look: their catalog and schema arguments (see
/// `Dialect::catalog_scope_sql`: MariaDB names databases as catalogs, SQLite has neither).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The catalog argument (`""`: not restricted by catalog).
    pub catalog: String,
    /// The schema argument (`""`: the DBMS has no schemas here).
    pub schema: String,
}

impl Scope {
    /// The scope the query `sql` (`Dialect::catalog_scope_sql`) answers: one row of catalog and
    /// schema, NULL counting as empty.
    pub fn query(conn: &Connection, sql: &str) -> anyhow::Result<Scope> {
        let row = super::query_text(conn, sql)
            .context("asking where the tables are listed (catalog and schema)")?
            .into_iter()
            .next()
            .unwrap_or_default();
        let part = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
        Ok(Scope {
            catalog: part(0),
            schema: part(1),
        })
    }
}

/// A table or view the catalog lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogTable {
    /// Its name, as the catalog spells it.
    pub name: String,
    /// `TABLE`, `VIEW`, ...
    pub kind: String,
}

fn text<const N: usize>(v: &VarCharArray<N>) -> String {
    v.as_str()
        .ok()
        .flatten()
        .map(str::to_string)
        .unwrap_or_default()
}

/// Is a `TABLE_TYPE` one whose rows a user would copy (not a system table, synonym or index)?
/// psqlODBC calls a materialized view `MATVIEW`.
fn copyable(kind: &str) -> bool {
    matches!(
        kind.trim().to_ascii_uppercase().as_str(),
        "TABLE" | "BASE TABLE" | "VIEW" | "MATERIALIZED VIEW" | "MATVIEW" | "FOREIGN TABLE"
    )
}

/// Are the catalog and schema a row reports the ones asked for? (The arguments are patterns:
/// `app_db` also lists `appXdb`; drivers without catalogs or schemas report none.)
fn in_scope(catalog: &str, schema: &str, scope: &Scope) -> bool {
    let same = |reported: &str, asked: &str| {
        reported.is_empty() || asked.is_empty() || reported.eq_ignore_ascii_case(asked)
    };
    same(catalog, &scope.catalog) && same(schema, &scope.schema)
}

/// The tables and views of `schema` (`None`: the one unqualified names resolve to) whose names
/// match the catalog pattern `pattern` (`%` any characters, `_` any one), in the catalog's order:
/// from the dialect's catalog query where it has one, else from `SQLTables` in `scope` (what
/// `Dialect::catalog_scope_sql` answers for `schema`).
pub fn tables_like(
    conn: &Connection,
    d: &dyn Dialect,
    schema: Option<&str>,
    scope: &Scope,
    pattern: &str,
) -> anyhow::Result<Vec<CatalogTable>> {
    if let Some(sql) = d.tables_sql(schema, pattern) {
        let rows = super::query_text(conn, &sql).context("listing tables and views")?;
        return Ok(rows
            .into_iter()
            .filter_map(|row| {
                let mut row = row.into_iter();
                let name = row.next().flatten()?;
                let kind = row.next().flatten().unwrap_or_default();
                copyable(&kind).then_some(CatalogTable { name, kind })
            })
            .collect());
    }
    listed_tables(conn, scope, pattern)
}

fn listed_tables(
    conn: &Connection,
    scope: &Scope,
    pattern: &str,
) -> anyhow::Result<Vec<CatalogTable>> {
    let schema = if scope.schema.is_empty() {
        ""
    } else {
        &scope.schema
    };
    let rows = conn
        .tables(&scope.catalog, schema, pattern, "")
        .context("listing tables and views (SQLTables)")?;
    let mut found = Vec::new();
    for row in rows {
        let row = row.context("listing tables and views (SQLTables)")?;
        let kind = text(&row.table_type);
        if copyable(&kind) && in_scope(&text(&row.catalog), &text(&row.schema), scope) {
            found.push(CatalogTable {
                name: text(&row.table),
                kind,
            });
        }
    }
    Ok(found)
}

/// The column names of the table `table` in `scope`, in table order (case-insensitively when the
/// catalog has no exact match, as SQLite's names are).
pub fn column_names(conn: &Connection, scope: &Scope, table: &str) -> anyhow::Result<Vec<String>> {
    let rows = conn
        .columns(&scope.catalog, &scope.schema, table, "%")
        .with_context(|| format!("listing the columns of {table} (SQLColumns)"))?;
    let mut columns: Vec<(String, i32, String)> = Vec::new();
    for row in rows {
        let row = row.with_context(|| format!("listing the columns of {table} (SQLColumns)"))?;
        if in_scope(&text(&row.catalog), &text(&row.schema), scope) {
            columns.push((
                text(&row.table),
                row.ordinal_position,
                text(&row.column_name),
            ));
        }
    }
    let exact = columns.iter().any(|(t, _, _)| t == table);
    let mut columns: Vec<(i32, String)> = columns
        .into_iter()
        .filter(|(t, _, _)| {
            if exact {
                t == table
            } else {
                t.eq_ignore_ascii_case(table)
            }
        })
        .map(|(_, position, name)| (position, name))
        .collect();
    columns.sort_by_key(|(position, _)| *position);
    Ok(columns.into_iter().map(|(_, name)| name).collect())
}

/// A table's unique keys (primary key included, `Dialect::unique_keys_sql`) by name: their
/// columns in lower case, sorted; `None` for a key on an expression or a prefix, which no
/// statement can name.
pub fn unique_keys(
    conn: &Connection,
    d: &dyn Dialect,
    schema: Option<&str>,
    table: &str,
) -> anyhow::Result<BTreeMap<String, Option<Vec<String>>>> {
    let rows = super::query_text(conn, &d.unique_keys_sql(schema, table))?;
    let mut keys: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
    for row in rows {
        let mut row = row.into_iter();
        let Some(Some(key)) = row.next() else {
            continue;
        };
        let entry = keys.entry(key).or_insert_with(|| Some(Vec::new()));
        match (row.next().flatten(), entry.as_mut()) {
            (Some(column), Some(columns)) => columns.push(column.to_lowercase()),
            _ => *entry = None,
        }
    }
    for columns in keys.values_mut().flatten() {
        columns.sort();
        columns.dedup();
    }
    Ok(keys)
}
