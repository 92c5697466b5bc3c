//! Which columns of a relation are left out (`EXCLUDE_COLUMNS`) or pseudonymised
//! (`PSEUDONYMIZE_COLUMNS`), and which patterns never matched a column (a warning at the end).

use std::sync::atomic::{AtomicBool, Ordering};

use super::Relation;
use crate::config::{ColumnPattern, Secret, Shaping};

/// A pattern and whether it matched a table, and a column of that table.
#[derive(Debug)]
struct Rule {
    key: &'static str,
    pattern: ColumnPattern,
    table_matched: AtomicBool,
    column_matched: AtomicBool,
}

impl Rule {
    fn matches(&self, relation: &Relation, column: Option<&str>) -> bool {
        if !self
            .pattern
            .matches_table(relation.schema(), relation.target_name())
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
    /// The rules of `shaping`.
    pub fn new(shaping: &Shaping) -> Self {
        ColumnRules {
            exclude: rules("EXCLUDE_COLUMNS", &shaping.exclude_columns),
            pseudonymize: rules("PSEUDONYMIZE_COLUMNS", &shaping.pseudonymize_columns),
            key: shaping.pseudonymize_key.clone(),
        }
    }

    /// May columns of `relation` be left out? (Then its columns are listed from the catalog
    /// instead of `SELECT *`, so that the excluded ones are never selected.)
    pub fn excludes_from(&self, relation: &Relation) -> bool {
        self.exclude.iter().any(|r| r.matches(relation, None))
    }

    /// Is the source column `column` of `relation` left out?
    pub fn excluded(&self, relation: &Relation, column: &str) -> bool {
        self.exclude
            .iter()
            // Every pattern is asked (not just up to the first hit), so each knows it matched.
            .filter(|r| r.matches(relation, Some(column)))
            .count()
            > 0
    }

    /// Is the source column `column` of `relation` pseudonymised?
    pub fn pseudonymized(&self, relation: &Relation, column: &str) -> bool {
        self.pseudonymize
            .iter()
            // Every pattern is asked (not just up to the first hit), so each knows it matched.
            .filter(|r| r.matches(relation, Some(column)))
            .count()
            > 0
    }

    /// `PSEUDONYMIZE_KEY`.
    pub fn key(&self) -> Option<&Secret> {
        self.key.as_ref()
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
