//! A table's columns as the driver describes them, with a hint for a table that is not found.

use std::collections::HashMap;

use anyhow::bail;
use arrow_odbc::odbc_api::{self, ColumnDescription, Nullability, ResultSetMetadata};

use crate::{
    dialect::Dialect,
    odbc::{
        self, Connection,
        catalog::{self, Scope},
    },
    plan::{Column, ColumnMeta},
};

/// The column names of a table from the catalog (`SQLColumns`), so that the columns
/// `EXCLUDE_COLUMNS` leaves out are never selected, not even to describe the table (a column the
/// reading user may not select stays out of reach). `None` when the catalog does not know the
/// table (describing it with `SELECT *` then says why).
pub(super) fn catalog_columns(
    conn: &Connection,
    dialect: &dyn Dialect,
    schema: Option<&str>,
    name: &str,
) -> anyhow::Result<Option<Vec<String>>> {
    let scope = Scope::query(conn, &dialect.catalog_scope_sql(schema))?;
    let all = catalog::column_names(conn, &scope, name)?;
    Ok((!all.is_empty()).then_some(all))
}

/// Column metadata of a query's result, from an empty result.
pub(super) fn query_columns(conn: &Connection, from: &str) -> anyhow::Result<Vec<ColumnMeta>> {
    let sql = format!("SELECT * FROM {from} WHERE 1 = 0");
    match conn.execute(&sql, (), None)? {
        Some(mut cursor) => metas_of(&mut cursor),
        None => bail!("the query returned no result set"),
    }
}

/// Column metadata from an empty result of `SELECT *`, or of the `kept` columns only.
pub(super) fn describe_columns(
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
