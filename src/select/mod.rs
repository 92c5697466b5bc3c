//! What a run copies, decided once when it starts: the tables of `SRC_TABLES` (patterns with `*`
//! and `?` matched case-insensitively against the source's tables and views through the ODBC
//! catalog, `SRC_TABLES_EXCLUDE` removed, each table once) and the queries of `[queries]`; and,
//! per table, which columns are left out or pseudonymised ([`ColumnRules`]).

use std::collections::{BTreeMap, HashSet};

use crate::{
    config::{
        ConfigError, Query, Shaping, TableName,
        shaping::{glob_matches, overrides_without_table},
    },
    dialect::Dialect,
    odbc::{
        Connection,
        catalog::{self, CatalogTable, Scope},
    },
};

mod columns;

pub use columns::ColumnRules;

/// One thing a run copies into one target table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relation {
    /// A table or view of the source.
    Table(TableName),
    /// The result of a query of `[queries]`.
    Query(Query),
}

impl Relation {
    /// The target table's name (as written in `SRC_TABLES` or `[queries]`).
    pub fn target_name(&self) -> &str {
        match self {
            Relation::Table(t) => &t.name,
            Relation::Query(q) => &q.name,
        }
    }

    /// The schema it is read from: the one written with the table (`schema.table`), else
    /// `src_schema` (`SRC_SCHEMA`); none for a query.
    pub fn schema<'a>(&'a self, src_schema: Option<&'a str>) -> Option<&'a str> {
        match self {
            Relation::Table(t) => t.schema.as_deref().or(src_schema),
            Relation::Query(_) => None,
        }
    }

    /// How the report names it: `schema.table`, or `name (query)`.
    pub fn label(&self) -> String {
        match self {
            Relation::Table(t) => t.to_string(),
            Relation::Query(q) => format!("{} (query)", q.name),
        }
    }
}

/// The relations of a run, with what was matched, for the log and `check`.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// What is copied, in `SRC_TABLES` order, then the queries.
    pub relations: Vec<Relation>,
    /// One line per pattern and exclusion: what it matched.
    pub notes: Vec<String>,
    /// Patterns that match nothing.
    pub warnings: Vec<String>,
}

impl Selection {
    /// Logs the notes (INFO) and warnings.
    pub fn log(&self) {
        for note in &self.notes {
            log::info!("{note}");
        }
        for warning in &self.warnings {
            log::warn!("{warning}");
        }
    }
}

/// The source's tables and views per schema (`None`: the current one), listed once.
struct Catalog<'a> {
    conn: &'a Connection,
    dialect: &'a dyn Dialect,
    listed: BTreeMap<Option<String>, (String, Vec<CatalogTable>)>,
}

impl Catalog<'_> {
    /// The tables in `schema` and how to name the schema in messages.
    fn tables(&mut self, schema: Option<&str>) -> anyhow::Result<&(String, Vec<CatalogTable>)> {
        let key = schema.map(str::to_string);
        if !self.listed.contains_key(&key) {
            let scope = Scope::query(self.conn, &self.dialect.catalog_scope_sql(schema))?;
            let name = match (schema, scope.schema.as_str(), scope.catalog.as_str()) {
                (Some(s), _, _) => format!("schema {s}"),
                (None, "", "") => "the database".to_string(),
                (None, "", c) => format!("database {c}"),
                (None, s, _) => format!("schema {s}"),
            };
            let tables = catalog::tables_like(self.conn, self.dialect, schema, &scope, "%")
                .map_err(|e| e.context("listing the source's tables and views"))?;
            self.listed.insert(key.clone(), (name, tables));
        }
        Ok(&self.listed[&key])
    }
}

/// Does an entry of `SRC_TABLES_EXCLUDE` match the table (`name`, or `schema.name` when the
/// pattern has a dot; the schema is `src_schema` when the table has none of its own)?
fn excluded_by(pattern: &str, table: &TableName, src_schema: Option<&str>) -> bool {
    match (
        table.schema.as_deref().or(src_schema),
        pattern.contains('.'),
    ) {
        (Some(s), true) => glob_matches(pattern, &format!("{s}.{}", table.name)),
        (None, true) => false,
        (_, false) => glob_matches(pattern, &table.name),
    }
}

/// Matches `SRC_TABLES` against the source's catalog (`src_schema`: `SRC_SCHEMA`), removes
/// `SRC_TABLES_EXCLUDE`, adds the queries and checks that every target table is named once and
/// that `[column-types]` names tables that are copied. Errors that the configuration must fix
/// are [`ConfigError`]s (exit status 2, nothing written).
pub fn resolve(
    conn: &Connection,
    dialect: &dyn Dialect,
    tables: &[TableName],
    shaping: &Shaping,
    src_schema: Option<&str>,
) -> anyhow::Result<Selection> {
    let mut catalog = Catalog {
        conn,
        dialect,
        listed: BTreeMap::new(),
    };
    let mut selection = Selection::default();
    let mut used_excludes = HashSet::new();
    let mut seen = HashSet::new();
    let mut excluded = Vec::new();
    for entry in tables {
        let found: Vec<TableName> = if entry.is_pattern() {
            let schema = entry
                .schema
                .as_deref()
                .or(src_schema)
                .map(|s| dialect.fold_name(s));
            let (where_, listed) = catalog.tables(schema.as_deref())?;
            let mut names: Vec<String> = listed
                .iter()
                .filter(|t| glob_matches(&entry.name, &t.name))
                .map(|t| dialect.written_name(&t.name))
                .collect();
            names.sort_by_key(|n| n.to_lowercase());
            if names.is_empty() {
                selection.warnings.push(format!(
                    "SRC_TABLES: '{entry}' matches no table or view in {where_}"
                ));
            } else {
                selection.notes.push(format!(
                    "SRC_TABLES: '{entry}' matches {} in {where_}: {}",
                    count(names.len(), "table"),
                    names.join(", ")
                ));
            }
            names
                .into_iter()
                .map(|name| TableName {
                    schema: entry.schema.clone(),
                    name,
                })
                .collect()
        } else {
            vec![entry.clone()]
        };
        for table in found {
            if let Some(p) = shaping
                .tables_exclude
                .iter()
                .find(|p| excluded_by(p, &table, src_schema))
            {
                used_excludes.insert(p.clone());
                excluded.push(table.to_string());
                continue;
            }
            // One table named twice (`dbo.klanten` and `klant*` with SRC_SCHEMA = dbo) once.
            let schema = table.schema.as_deref().or(src_schema);
            if seen.insert((
                schema.map(|s| dialect.fold_name(s)),
                dialect.fold_name(&table.name),
            )) {
                selection.relations.push(Relation::Table(table));
            }
        }
    }
    if !excluded.is_empty() {
        selection.notes.push(format!(
            "SRC_TABLES_EXCLUDE leaves out {}: {}",
            count(excluded.len(), "table"),
            excluded.join(", ")
        ));
    }
    for p in &shaping.tables_exclude {
        if !used_excludes.contains(p) {
            selection.warnings.push(format!(
                "SRC_TABLES_EXCLUDE: '{p}' matches none of the tables SRC_TABLES names"
            ));
        }
    }
    selection
        .relations
        .extend(shaping.queries.iter().cloned().map(Relation::Query));
    check_targets(&selection.relations)?;
    check_column_settings(
        &selection.relations,
        shaping,
        src_schema,
        &mut selection.warnings,
    )?;
    if selection.relations.is_empty() {
        return Err(ConfigError::new(
            "nothing to copy: SRC_TABLES matched no table (see the warnings above) and \
             [queries] is empty; check the patterns, SRC_SCHEMA and SRC_TABLES_EXCLUDE",
        )
        .into());
    }
    if tables.iter().any(TableName::is_pattern) || !shaping.tables_exclude.is_empty() {
        let names: Vec<String> = selection.relations.iter().map(Relation::label).collect();
        selection.notes.push(format!(
            "copying {}: {}",
            count(names.len(), "table"),
            names.join(", ")
        ));
    }
    Ok(selection)
}

/// "1 table", "3 tables".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Every target table is written by one relation only.
fn check_targets(relations: &[Relation]) -> Result<(), ConfigError> {
    let mut targets: BTreeMap<String, &Relation> = BTreeMap::new();
    for r in relations {
        if let Some(other) = targets.insert(r.target_name().to_lowercase(), r) {
            let fix = if matches!(r, Relation::Query(_)) || matches!(other, Relation::Query(_)) {
                "rename the query"
            } else {
                "narrow the pattern (or list the table you want by its name instead), or copy \
                 them in separate runs with different DST_SCHEMA values"
            };
            return Err(ConfigError::new(format!(
                "{} and {} would both be copied into the target table '{}'; {fix}",
                other.label(),
                r.label(),
                r.target_name()
            )));
        }
    }
    Ok(())
}

/// The error for settings (`what`: `[column-types] a.b`, `[incremental] c`) that name tables the
/// run does not copy.
pub fn not_copied(what: &str, relations: &[Relation]) -> ConfigError {
    ConfigError::new(format!(
        "{what}: no such table is copied (the tables are: {}); use the target table's name as in \
         SRC_TABLES or [queries]",
        relations
            .iter()
            .map(Relation::target_name)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// `[column-types]` must name tables that are copied; column patterns whose table part matches
/// no table are warned about.
fn check_column_settings(
    relations: &[Relation],
    shaping: &Shaping,
    src_schema: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<(), ConfigError> {
    let unknown = overrides_without_table(
        &shaping.column_types,
        relations.iter().map(Relation::target_name),
    );
    if !unknown.is_empty() {
        return Err(not_copied(
            &format!("[column-types] {}", unknown.join(", ")),
            relations,
        ));
    }
    for (key, patterns) in [
        ("EXCLUDE_COLUMNS", &shaping.exclude_columns),
        ("PSEUDONYMIZE_COLUMNS", &shaping.pseudonymize_columns),
    ] {
        for p in patterns {
            if !relations
                .iter()
                .any(|r| p.matches_table(r.schema(src_schema), r.target_name()))
            {
                warnings.push(format!(
                    "{key}: '{}' matches none of the tables copied",
                    p.text
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
