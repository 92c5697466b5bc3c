//! A relation's columns as the driver describes them: a table's (those `EXCLUDE_COLUMNS` names
//! never selected, a hint for a table that is not found) or a query's.

use std::collections::HashMap;

use anyhow::{Context, bail};
use arrow_odbc::odbc_api::{self, ColumnDescription, Nullability, ResultSetMetadata};

use crate::{
    config::{Query, TableName},
    dialect::Dialect,
    odbc::{
        self, Connection,
        catalog::{self, Scope},
    },
    plan::{Column, ColumnMeta},
    select::{ColumnRules, Relation},
};

use super::ReadOptions;

/// What describing a relation found: the table expression to read from, the columns kept, and
/// the columns `EXCLUDE_COLUMNS` left out.
pub(super) type Found = (String, Vec<ColumnMeta>, Vec<String>);

/// A table's columns (with their declared types where the dialect reads them from the catalog).
/// When `EXCLUDE_COLUMNS` names the table, its columns are listed from the catalog and only the
/// kept ones are ever selected; a table the catalog does not list then fails, rather than being
/// described with `SELECT *`.
pub(super) fn table_columns(
    conn: &Connection,
    dialect: &dyn Dialect,
    relation: &Relation,
    table: &TableName,
    options: &ReadOptions,
) -> anyhow::Result<Found> {
    let rules = &options.columns;
    let (schema, name) = catalog_name(dialect, table, options);
    let schema = schema.as_deref();
    let table_ref = dialect.table_ref(schema, &name);
    let mut excluded = Vec::new();
    let kept = if rules.excludes_from(relation) {
        let Some(all) = catalog_columns(conn, dialect, schema, &name)? else {
            bail!(
                "EXCLUDE_COLUMNS applies to {table_ref}, but the catalog lists no such table in \
                 {} (it does not exist there, or is found through the search path or a \
                 synonym); name the schema it is in (schema.table in SRC_TABLES, or \
                 SRC_SCHEMA), so that the excluded columns are never selected",
                schema.map_or("the current schema".to_string(), |s| format!("schema {s}"))
            );
        };
        let (left_out, kept): (Vec<String>, Vec<String>) =
            all.into_iter().partition(|c| rules.excluded(relation, c));
        excluded = left_out;
        Some(kept)
    } else {
        None
    };
    let mut metas = describe_columns(conn, dialect, schema, &name, &table_ref, kept)?;
    if let Some(sql) = dialect.declared_types_sql(schema, &name) {
        let declared: HashMap<String, String> = odbc::query_text(conn, &sql)
            .context("reading the declared column types from the catalog")?
            .into_iter()
            .filter_map(|row| match row.as_slice() {
                [Some(n), Some(t)] => Some((n.clone(), t.clone())),
                _ => None,
            })
            .collect();
        for meta in &mut metas {
            meta.declared = declared.get(&meta.name).cloned();
        }
    }
    Ok((table_ref, metas, excluded))
}

/// The schema (`SRC_SCHEMA` when the table names none) and name of `table` as the catalog
/// spells them.
pub(super) fn catalog_name(
    dialect: &dyn Dialect,
    table: &TableName,
    options: &ReadOptions,
) -> (Option<String>, String) {
    let schema = table
        .schema
        .as_deref()
        .or(options.schema.as_deref())
        .map(|s| dialect.fold_name(s));
    (schema, dialect.fold_name(&table.name))
}

/// A query's columns: its result described as a derived table (`Dialect::query_ref`), every
/// column named, those `EXCLUDE_COLUMNS` names left out of the select list around it.
pub(super) fn query_columns(
    conn: &Connection,
    dialect: &dyn Dialect,
    relation: &Relation,
    query: &Query,
    rules: &ColumnRules,
) -> anyhow::Result<Found> {
    let from = dialect.query_ref(&query.sql);
    log::debug!("{}: read as SELECT ... FROM {from}", relation.label());
    let sql = format!("SELECT * FROM {from} WHERE 1 = 0");
    let metas = match conn.execute(&sql, (), None) {
        Ok(Some(mut cursor)) => metas_of(&mut cursor),
        Ok(None) => Err(anyhow::anyhow!("the query returned no result set")),
        Err(e) => Err(e.into()),
    }
    .with_context(|| format!("the query [queries] {} failed", query.name))?;
    if let Some((i, m)) = metas
        .iter()
        .enumerate()
        .find(|(_, m)| m.name.trim().is_empty() || m.name == "?column?")
    {
        bail!(
            "column {} of the query [queries] {} has no name (the DBMS calls it '{}'); name it \
             with AS",
            i + 1,
            query.name,
            m.name
        );
    }
    let (left_out, metas): (Vec<ColumnMeta>, Vec<ColumnMeta>) = metas
        .into_iter()
        .partition(|m| rules.excluded(relation, &m.name));
    Ok((from, metas, left_out.into_iter().map(|m| m.name).collect()))
}

/// The column names of a table from the catalog (`SQLColumns`), so that the columns
/// `EXCLUDE_COLUMNS` leaves out are never selected, not even to describe the table (a column the
/// reading user may not select stays out of reach). `None` when the catalog does not know the
/// table (describing it with `SELECT *` then says why).
fn catalog_columns(
    conn: &Connection,
    dialect: &dyn Dialect,
    schema: Option<&str>,
    name: &str,
) -> anyhow::Result<Option<Vec<String>>> {
    let scope = Scope::query(conn, &dialect.catalog_scope_sql(schema))?;
    let all = catalog::column_names(conn, &scope, name)?;
    Ok((!all.is_empty()).then_some(all))
}

/// Column metadata from an empty result of `SELECT *`, or of the `kept` columns only.
fn describe_columns(
    conn: &Connection,
    dialect: &dyn Dialect,
    schema: Option<&str>,
    name: &str,
    table_ref: &str,
    kept: Option<Vec<String>>,
) -> anyhow::Result<Vec<ColumnMeta>> {
    let list = match kept {
        Some(columns) if columns.is_empty() => return Ok(Vec::new()),
        Some(columns) => columns
            .iter()
            .map(|c| dialect.quote(c))
            .collect::<Vec<_>>()
            .join(", "),
        None => "*".to_string(),
    };
    let sql = format!("SELECT {list} FROM {table_ref} WHERE 1 = 0");
    let mut cursor = match conn.execute(&sql, (), None) {
        Ok(Some(c)) => c,
        Ok(None) => bail!("{table_ref} returned no result set"),
        Err(e) => {
            // The SQLSTATE says so for most drivers (42S02, PostgreSQL 42P01); sqliteodbc only
            // says HY000, so the catalog is asked as well.
            let missing = matches!(
                crate::retry::odbc_state(&e),
                Some((ref s, _)) if s == "42S02" || s == "42P01"
            ) || odbc::query_text(conn, &dialect.table_exists_sql(schema, name))
                .is_ok_and(|rows| rows.is_empty());
            let hint = if missing {
                let similar = similar_tables(conn, schema, name);
                if similar.is_empty() {
                    "the table does not exist or the user may not read it".to_string()
                } else {
                    format!(
                        "the table does not exist, but {} does: names are case-sensitive here, \
                         write it in SRC_TABLES as it is spelled there",
                        similar.join(", ")
                    )
                }
            } else {
                "cannot read the table".to_string()
            };
            return Err(anyhow::Error::new(e).context(format!("{hint}: {table_ref}")));
        }
    };
    metas_of(&mut cursor)
}

/// What the driver says about each column of a result.
fn metas_of(cursor: &mut impl ResultSetMetadata) -> anyhow::Result<Vec<ColumnMeta>> {
    let count = cursor.num_result_cols()? as u16;
    let mut metas = Vec::with_capacity(count as usize);
    for index in 1..=count {
        let mut description = ColumnDescription::default();
        cursor.describe_col(index, &mut description)?;
        let data_type = description.data_type;
        metas.push(ColumnMeta {
            name: description.name_to_string()?,
            sql_type: data_type.data_type().0,
            column_size: data_type.column_size().map_or(0, |s| s.get()),
            decimal_digits: data_type.decimal_digits(),
            nullable: match description.nullability {
                Nullability::NoNulls => Some(false),
                Nullability::Nullable => Some(true),
                Nullability::Unknown => None,
            },
            type_name: odbc::column_type_name(cursor, index),
            unsigned: cursor.column_is_unsigned(index).unwrap_or(false),
            declared: None,
        });
    }
    Ok(metas)
}

/// Tables and views whose name differs from `name` only in case, from the ODBC catalog
/// (`SQLTables`), qualified with their schema: the hint for a table that is "not found".
fn similar_tables(conn: &Connection, schema: Option<&str>, name: &str) -> Vec<String> {
    let Ok(rows) = conn.tables("", schema.unwrap_or("%"), "%", "") else {
        return Vec::new();
    };
    let text = |v: &odbc_api::parameter::VarCharArray<128>| {
        v.as_str()
            .ok()
            .flatten()
            .map(str::to_string)
            .unwrap_or_default()
    };
    let mut found = Vec::new();
    for row in rows.flatten() {
        let table = row
            .table
            .as_str()
            .ok()
            .flatten()
            .unwrap_or_default()
            .to_string();
        if table != name && table.to_lowercase() == name.to_lowercase() {
            let schema = text(&row.schema);
            found.push(if schema.is_empty() {
                format!("'{table}'")
            } else {
                format!("'{schema}.{table}'")
            });
        }
        if found.len() >= 3 {
            break;
        }
    }
    found
}

pub(super) fn check_unique_names(columns: &[Column]) -> anyhow::Result<()> {
    let mut seen = HashMap::new();
    for c in columns {
        if let Some(other) = seen.insert(c.name.clone(), c.source_name.clone()) {
            if other == c.source_name {
                bail!(
                    "two columns are both named '{other}'; give them different names (AS in a \
                     query)"
                );
            }
            bail!(
                "columns '{other}' and '{}' both become '{}' in the target; set \
                 LOWERCASE_COLUMNS = false",
                c.source_name,
                c.name
            );
        }
    }
    Ok(())
}
