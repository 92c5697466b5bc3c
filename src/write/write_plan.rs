//! What writing a table will do, decided before anything is written.
//!
//! Every write mode loads a *side table* first and touches the target table only at the end,
//! in one short step, so that a table whose copy fails or is killed holds exactly what it held
//! before. What that last step is depends on the write mode and on the target table as its
//! catalog describes it ([`ExistingTable`]):
//!
//! * a new table (any write mode), or `replace` of a table without dependent views: the side
//!   table gets the definition derived from the source and is swapped in ([`Finish::Swap`]);
//! * `truncate`, and `replace` of a table that views depend on (when its columns are unchanged):
//!   the side table gets the *target's* column types, and one transaction empties the table and
//!   copies the side table into it ([`Finish::Refresh`]), so the views keep working;
//! * `append`: the same, without emptying ([`Finish::Append`]).
//!
//! Columns are matched by name (case-insensitively when `LOWERCASE_COLUMNS`); [`fit`] says
//! whether a source column's values can go into an existing column: exactly, with a warning
//! (rounding, a length the target checks), or not at all, which refuses the table before
//! anything is written. `check` prints the same plan that a run carries out.

use std::fmt;

pub use super::existing::ExistingTable;
use super::{
    column_types::{created, same_type},
    fit::{Fit, fit},
};
use crate::{
    config::{SchemaChanges, TypeOverride, WriteMode},
    dialect::Dialect,
    plan::{ColumnDef, LoadColumn, TableShape, TargetColumn},
};
#[cfg(test)]
use {
    super::existing::names_identifier,
    crate::plan::{Column, ColumnType},
};

/// How a load ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// The complete side table replaces the target table (or becomes it).
    Swap,
    /// One transaction empties the target table and copies the side table into it.
    Refresh,
    /// One transaction copies the side table into the target table.
    Append,
}

/// One line of the comparison of a source column with an existing target column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The source column.
    pub source: String,
    /// The source column's type.
    pub source_type: String,
    /// The target column and its type, or what happens to it ("added: ...", "missing").
    pub target: String,
    /// "exact", a warning or why it is refused.
    pub verdict: String,
    /// The column is as a new definition would make it (`exact`, or the type `[column-types]`
    /// asks for): a replace need not change it.
    pub same_definition: bool,
}

/// What writing one table will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WritePlan {
    /// How the load ends.
    pub finish: Finish,
    /// The target table exists (its name is not free).
    pub target_exists: bool,
    /// The side table's columns, in batch (source) order.
    pub load: Vec<LoadColumn>,
    /// Columns to add to the existing target table (`SCHEMA_CHANGES = add`).
    pub added: Vec<ColumnDef>,
    /// Per source column, how it meets the existing table (empty for a new definition).
    pub comparison: Vec<Comparison>,
    /// What may change or fail, for the log and `check`.
    pub warnings: Vec<String>,
    /// Why the table cannot be written, if it cannot (nothing is written then).
    pub refused: Vec<String>,
    /// Views that depend on the target table.
    pub views: Vec<String>,
}

/// What the plan depends on besides the tables.
#[derive(Debug, Clone, Copy)]
pub struct PlanOptions {
    /// `WRITE_MODE`.
    pub write_mode: WriteMode,
    /// `SCHEMA_CHANGES`.
    pub schema_changes: SchemaChanges,
    /// `LOWERCASE_COLUMNS`: match names case-insensitively.
    pub lowercase_columns: bool,
}

impl WritePlan {
    /// Decides what writing `shape` into the target (`existing`, if it exists) does, with the
    /// table's `[column-types]` overrides.
    pub fn new(
        dialect: &dyn Dialect,
        options: PlanOptions,
        shape: &TableShape,
        existing: Option<&ExistingTable>,
        overrides: &[TypeOverride],
    ) -> WritePlan {
        let mut plan = WritePlan::for_target(dialect, options, shape, existing, overrides);
        for o in overrides {
            if !shape.columns.iter().any(|c| o.names(c)) {
                let names: Vec<&str> = shape.columns.iter().map(|c| c.name.as_str()).collect();
                plan.refused.push(format!(
                    "[column-types] {}.{}: no column {} is copied (the columns copied: {}; \
                     EXCLUDE_COLUMNS leaves columns out)",
                    o.table,
                    o.column,
                    o.column,
                    names.join(", ")
                ));
            }
        }
        plan
    }

    fn for_target(
        dialect: &dyn Dialect,
        options: PlanOptions,
        shape: &TableShape,
        existing: Option<&ExistingTable>,
        overrides: &[TypeOverride],
    ) -> WritePlan {
        let fresh = |target_exists, views| {
            WritePlan::fresh(dialect, shape, target_exists, views, overrides)
        };
        let Some(existing) = existing else {
            return fresh(false, Vec::new());
        };
        if !existing.is_table() {
            let mut plan = fresh(true, existing.views.clone());
            plan.refused.push(format!(
                "the target is a {}, not a table; this tool writes tables only: drop it, or \
                 copy into another DST_SCHEMA",
                existing.kind.to_lowercase()
            ));
            return plan;
        }
        let mut plan = WritePlan::for_existing(dialect, options, shape, existing, overrides);
        if plan.finish != Finish::Swap && !existing.transactional {
            plan.refused.push(format!(
                "the table uses the {} storage engine, which cannot roll back, so {} would not be \
                 all-or-nothing; convert it (ALTER TABLE ... ENGINE=InnoDB), or use WRITE_MODE = \
                 replace",
                existing.engine.as_deref().unwrap_or("?"),
                match plan.finish {
                    Finish::Append => "an append",
                    _ => "a refresh",
                }
            ));
        }
        plan
    }

    /// A new definition from the source (with the `[column-types]` overrides), swapped in.
    fn fresh(
        dialect: &dyn Dialect,
        shape: &TableShape,
        target_exists: bool,
        views: Vec<String>,
        overrides: &[TypeOverride],
    ) -> WritePlan {
        let (mut warnings, mut refused) = (Vec::new(), Vec::new());
        let load = shape
            .columns
            .iter()
            .map(|c| LoadColumn {
                source: c.clone(),
                target: created(dialect, c, overrides, &mut warnings, &mut refused),
            })
            .collect();
        WritePlan {
            finish: Finish::Swap,
            target_exists,
            load,
            added: Vec::new(),
            comparison: Vec::new(),
            warnings,
            refused,
            views,
        }
    }

    /// The plan for an existing table (a table, not a view).
    fn for_existing(
        dialect: &dyn Dialect,
        options: PlanOptions,
        shape: &TableShape,
        existing: &ExistingTable,
        overrides: &[TypeOverride],
    ) -> WritePlan {
        let fresh = |target_exists, views| {
            WritePlan::fresh(dialect, shape, target_exists, views, overrides)
        };
        let matched =
            |finish| WritePlan::matched(dialect, options, shape, existing, finish, overrides);
        match options.write_mode {
            WriteMode::Replace if existing.views.is_empty() => fresh(true, Vec::new()),
            WriteMode::Replace => {
                let mut plan = matched(Finish::Refresh);
                let changed: Vec<String> = plan
                    .comparison
                    .iter()
                    .filter(|c| !c.same_definition)
                    .map(|c| format!("{} ({})", c.source, c.verdict))
                    .collect();
                let extra = extra_columns(existing, &plan.load);
                if !changed.is_empty() || !extra.is_empty() {
                    let mut what = changed;
                    what.extend(extra.iter().map(|c| format!("{c} (not in the source)")));
                    plan.refused = vec![format!(
                        "views depend on the table ({}) and its columns change: {}; replace \
                         would have to drop the views. Drop or change the views first, or \
                         use WRITE_MODE = truncate to keep the table's definition",
                        existing.views.join(", "),
                        what.join(", ")
                    )];
                    plan.added.clear();
                }
                plan.warnings.clear();
                plan.warnings.push(format!(
                    "views depend on the table ({}): it is refreshed in place (emptied and \
                     filled in one transaction) instead of swapped",
                    existing.views.join(", ")
                ));
                plan
            }
            WriteMode::Truncate => matched(Finish::Refresh),
            WriteMode::Append => matched(Finish::Append),
        }
    }

    /// A load into the existing table's own columns.
    fn matched(
        dialect: &dyn Dialect,
        options: PlanOptions,
        shape: &TableShape,
        existing: &ExistingTable,
        finish: Finish,
        overrides: &[TypeOverride],
    ) -> WritePlan {
        let mut plan = WritePlan {
            finish,
            target_exists: true,
            load: Vec::new(),
            added: Vec::new(),
            comparison: Vec::new(),
            warnings: Vec::new(),
            refused: Vec::new(),
            views: existing.views.clone(),
        };
        let same = |a: &str, b: &str| {
            if options.lowercase_columns {
                a.to_lowercase() == b.to_lowercase()
            } else {
                a == b
            }
        };
        for column in &shape.columns {
            let source_type = column.source_type.clone();
            let Some(target) = existing
                .columns
                .iter()
                .find(|t| same(&t.name, &column.name))
            else {
                let new = TargetColumn {
                    nullable: true,
                    ..created(
                        dialect,
                        column,
                        overrides,
                        &mut plan.warnings,
                        &mut plan.refused,
                    )
                };
                let (target, verdict) = match options.schema_changes {
                    SchemaChanges::Add => {
                        plan.warnings.push(format!(
                            "{}: new in the source; added to the table as {} (NULL in the rows \
                             already there)",
                            column.name, new.declared
                        ));
                        plan.added.push(ColumnDef {
                            name: new.name.clone(),
                            type_sql: new.declared.clone(),
                            nullable: true,
                        });
                        (format!("added: {}", new.declared), "new column".to_string())
                    }
                    SchemaChanges::Fail => {
                        plan.refused.push(format!(
                            "column {} is new in the source and the table has no such column \
                             (SCHEMA_CHANGES = fail); add it to the table, or set \
                             SCHEMA_CHANGES = add",
                            column.name
                        ));
                        ("missing".to_string(), "refused".to_string())
                    }
                };
                plan.comparison.push(Comparison {
                    source: column.source_name.clone(),
                    source_type,
                    target,
                    verdict,
                    same_definition: false,
                });
                plan.load.push(LoadColumn {
                    source: column.clone(),
                    target: new,
                });
                continue;
            };
            let faithful = dialect.faithful_type(&target.declared, &target.column_type);
            // `[column-types]`: the existing column keeps its type; when that is the type asked
            // for, the definition counts as unchanged (a table with views is refreshed in place),
            // but its values still go in as `fit` says.
            let asked = overrides.iter().find(|o| o.names(column));
            let as_asked = asked.is_some_and(|o| same_type(dialect, &target.declared, &o.type_sql));
            if let Some(o) = asked.filter(|_| !as_asked) {
                plan.warnings.push(format!(
                    "{}: [column-types] asks for {}, but the existing table keeps {} {} \
                     (WRITE_MODE = {} keeps the table's definition)",
                    column.source_name,
                    o.type_sql,
                    target.name,
                    target.declared,
                    options.write_mode
                ));
            }
            let verdict = if faithful
                && dialect.type_sql(&column.column_type) == dialect.type_sql(&target.column_type)
            {
                // What this tool would create anyway.
                Fit::Exact
            } else {
                match fit(&column.column_type, &target.column_type) {
                    Fit::Refuse(why) => Fit::Refuse(why),
                    // A type this tool does not create (an enum, a domain, jsonb, an unsigned
                    // integer, another character set): the target converts and checks the values.
                    _ if !faithful => Fit::Warn(format!(
                        "{} is not a type this tool creates: the target converts the values, \
                         and a value it refuses fails the table",
                        target.declared
                    )),
                    other => other,
                }
            };
            let same_definition = as_asked || verdict == Fit::Exact;
            let verdict = match verdict {
                Fit::Exact => "exact".to_string(),
                Fit::Warn(why) => {
                    plan.warnings.push(format!(
                        "{}: {source_type} into {} {}: {why}",
                        column.source_name, target.name, target.declared
                    ));
                    why
                }
                Fit::Refuse(why) => {
                    plan.refused.push(format!(
                        "column {} ({source_type}) cannot go into {} {}: {why}",
                        column.source_name, target.name, target.declared
                    ));
                    format!("refused: {why}")
                }
            };
            plan.comparison.push(Comparison {
                source: column.source_name.clone(),
                source_type,
                target: format!("{} {}", target.name, target.declared),
                verdict,
                same_definition,
            });
            plan.load.push(LoadColumn {
                source: column.clone(),
                target: target.clone(),
            });
        }
        for name in extra_columns(existing, &plan.load) {
            let column = existing
                .columns
                .iter()
                .find(|c| c.name == name)
                .expect("an existing column");
            if column.nullable || column.has_default {
                plan.warnings.push(format!(
                    "{name}: not in the source; {} in the new rows",
                    if column.has_default {
                        "its default"
                    } else {
                        "NULL"
                    }
                ));
            } else {
                plan.refused.push(format!(
                    "column {name} is NOT NULL without a default and the source has no such \
                     column; make it nullable or give it a default"
                ));
            }
        }
        plan
    }

    /// The side table's column definitions.
    pub fn side_columns(&self) -> Vec<ColumnDef> {
        self.load
            .iter()
            .map(|c| ColumnDef {
                name: c.target.name.clone(),
                type_sql: c.target.declared.clone(),
                nullable: c.target.nullable,
            })
            .collect()
    }

    /// What the plan does, in a few words (for the log and `check`).
    pub fn action(&self) -> String {
        match (self.finish, self.target_exists) {
            (Finish::Swap, false) => {
                "creates the table (loads a side table, then renames it)".into()
            }
            (Finish::Swap, true) => {
                "replaces the table (loads a side table, then swaps it in)".into()
            }
            (Finish::Refresh, _) => "keeps the table's definition; loads a side table, then \
                                    empties the table and copies the rows in, in one transaction"
                .into(),
            (Finish::Append, _) => "keeps the table's definition; loads a side table, then \
                                   copies the rows in, in one transaction"
                .into(),
        }
    }

    /// The refusal as one message, or `Ok` when the table can be written.
    pub fn accepted(&self) -> anyhow::Result<()> {
        if self.refused.is_empty() {
            Ok(())
        } else {
            Err(anyhow::Error::new(Refused(self.refused.join("; "))))
        }
    }
}

/// Target columns that no source column goes into.
fn extra_columns(existing: &ExistingTable, load: &[LoadColumn]) -> Vec<String> {
    existing
        .columns
        .iter()
        .filter(|c| !load.iter().any(|l| l.target.name == c.name))
        .map(|c| c.name.clone())
        .collect()
}

/// The table cannot be written as configured; found before anything was written.
#[derive(Debug, Clone)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused before writing: {}", self.0)
    }
}

impl std::error::Error for Refused {}

#[cfg(test)]
mod tests;
