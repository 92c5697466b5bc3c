//! Which columns of a relation are left out (`EXCLUDE_COLUMNS`) or pseudonymised
//! (`PSEUDONYMIZE_COLUMNS`), and which patterns never matched a column (a warning at the end).

use std::sync::atomic::{AtomicBool, Ordering};

use super::Relation;
use crate::{
    config::{ColumnPattern, Query, Secret, Shaping, TableName},
    plan::Column,
};

/// A pattern and whether it matched a table, and a column of that table.
#[derive(Debug)]
struct Rule {
    key: &'static str,
    pattern: ColumnPattern,
    table_matched: AtomicBool,
    column_matched: AtomicBool,
}

impl Rule {
    fn matches(&self, relation: &Relation, src_schema: Option<&str>, column: Option<&str>) -> bool {
        if !self
            .pattern
            .matches_table(relation.schema(src_schema), relation.target_name())
        {
            return false;
        }
        let Some(column) = column else {
            return true;
        };
        self.table_matched.store(true, Ordering::Relaxed);
        let hit = self.pattern.matches_column(column);
        if hit {
            self.column_matched.store(true, Ordering::Relaxed);
        }
        hit
    }
}

/// `EXCLUDE_COLUMNS` and `PSEUDONYMIZE_COLUMNS` with the key, shared by a run's tables.
#[derive(Debug, Default)]
pub struct ColumnRules {
    exclude: Vec<Rule>,
    pseudonymize: Vec<Rule>,
    key: Option<Secret>,
    /// `SRC_SCHEMA`: the schema of tables named without one (`zaak.*.bsn` matches them there).
    src_schema: Option<String>,
}

fn rules(key: &'static str, patterns: &[ColumnPattern]) -> Vec<Rule> {
    patterns
        .iter()
        .map(|p| Rule {
            key,
            pattern: p.clone(),
            table_matched: AtomicBool::new(false),
            column_matched: AtomicBool::new(false),
        })
        .collect()
}

impl ColumnRules {
    /// The rules of `shaping`, for tables read from `src_schema` (`SRC_SCHEMA`) unless they
    /// name their own.
    pub fn new(shaping: &Shaping, src_schema: Option<&str>) -> Self {
        ColumnRules {
            exclude: rules("EXCLUDE_COLUMNS", &shaping.exclude_columns),
            pseudonymize: rules("PSEUDONYMIZE_COLUMNS", &shaping.pseudonymize_columns),
            key: shaping.pseudonymize_key.clone(),
            src_schema: src_schema.map(str::to_string),
        }
    }

    /// May columns of `relation` be left out? (Then its columns are listed from the catalog
    /// instead of `SELECT *`, so that the excluded ones are never selected.)
    pub fn excludes_from(&self, relation: &Relation) -> bool {
        self.exclude
            .iter()
            .any(|r| r.matches(relation, self.src_schema.as_deref(), None))
    }

    /// Is the source column `column` of `relation` left out?
    pub fn excluded(&self, relation: &Relation, column: &str) -> bool {
        self.any_matches(&self.exclude, relation, column)
    }

    /// Is the source column `column` of `relation` pseudonymised?
    pub fn pseudonymized(&self, relation: &Relation, column: &str) -> bool {
        self.any_matches(&self.pseudonymize, relation, column)
    }

    /// Does one of `rules` match the column? Every rule is asked (not just up to the first
    /// hit), so each knows it matched.
    fn any_matches(&self, rules: &[Rule], relation: &Relation, column: &str) -> bool {
        rules
            .iter()
            .filter(|r| r.matches(relation, self.src_schema.as_deref(), Some(column)))
            .count()
            > 0
    }

    /// `PSEUDONYMIZE_KEY`.
    pub fn key(&self) -> Option<&Secret> {
        self.key.as_ref()
    }

    /// What in a dump's table disagrees with these rules: a column that should have been left
    /// out, or pseudonymised and is not (`load` refuses such files). `source` names it as the
    /// manifest does (`schema.table`, `table` or `name (query)`), `table` is the target table.
    pub fn disagreements(&self, source: &str, table: &str, columns: &[Column]) -> Vec<String> {
        let relation = match source.strip_suffix(" (query)") {
            Some(name) => Relation::Query(Query {
                name: name.to_string(),
                sql: String::new(),
                file: None,
            }),
            None => Relation::Table(TableName {
                schema: source.rsplit_once('.').map(|(s, _)| s.to_string()),
                name: table.to_string(),
            }),
        };
        let schema = self.src_schema.as_deref();
        let mut found = Vec::new();
        for c in columns {
            let holds = |r: &&Rule| r.matches(&relation, schema, Some(&c.source_name));
            if let Some(r) = self.exclude.iter().find(holds) {
                found.push(format!(
                    "{table}.{} is in the files ({} '{}' leaves it out)",
                    c.source_name, r.key, r.pattern.text
                ));
            } else if let Some(r) = self.pseudonymize.iter().find(holds)
                && !c.is_pseudonym()
            {
                found.push(format!(
                    "{table}.{} is not pseudonymised in the files ({} '{}')",
                    c.source_name, r.key, r.pattern.text
                ));
            }
        }
        found
    }

    /// Patterns that matched a table but none of its columns (patterns that match no table at
    /// all were named when the run started).
    pub fn unmatched(&self) -> Vec<String> {
        self.exclude
            .iter()
            .chain(&self.pseudonymize)
            .filter(|r| {
                r.table_matched.load(Ordering::Relaxed) && !r.column_matched.load(Ordering::Relaxed)
            })
            .map(|r| {
                format!(
                    "{}: '{}' matches no column of the tables it names",
                    r.key, r.pattern.text
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
