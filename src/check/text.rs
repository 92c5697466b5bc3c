//! `check`'s report as text: per table its columns, how it is loaded and written, the sample.

use std::fmt;

use super::{CheckReport, first_rows};
use crate::{
    config::secrets,
    plan::{ColumnMeta, sql_type},
    write::write_plan::WritePlan,
};

/// The existing table's columns next to the source's, with what happens to each.
fn write_comparison(f: &mut fmt::Formatter<'_>, write: &WritePlan) -> fmt::Result {
    writeln!(f, "  columns of the existing table:")?;
    let header = ["source column", "source type", "target column", "values"];
    let rows: Vec<[&str; 4]> = write
        .comparison
        .iter()
        .map(|c| {
            [
                c.source.as_str(),
                c.source_type.as_str(),
                c.target.as_str(),
                c.verdict.as_str(),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        write!(f, "   ")?;
        for (cell, w) in row.iter().zip(&widths) {
            write!(f, " {cell:<w$}")?;
        }
        writeln!(f)?;
    }
    if !write.added.is_empty() {
        let added: Vec<String> = write
            .added
            .iter()
            .map(|a| format!("{} {}", a.name, a.type_sql))
            .collect();
        writeln!(
            f,
            "  columns added (SCHEMA_CHANGES = add): {}",
            added.join(", ")
        )?;
    }
    Ok(())
}

fn odbc_type(meta: &ColumnMeta) -> String {
    let name = sql_type::name(meta.sql_type);
    format!("{name}({}, {})", meta.column_size, meta.decimal_digits)
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "source: {}", secrets::redact(&self.source))?;
        writeln!(f, "each table is read as: {}", self.isolation)?;
        writeln!(f, "target: {}", secrets::redact(&self.target))?;
        for line in &self.selection {
            writeln!(f, "{line}")?;
        }
        for warning in &self.warnings {
            writeln!(f, "WARNING: {warning}")?;
        }
        for t in &self.tables {
            writeln!(f)?;
            if let (Some(problem), true) = (&t.problem, t.columns.is_empty()) {
                writeln!(
                    f,
                    "table {}: CANNOT BE COPIED: {}",
                    t.source,
                    secrets::redact(problem)
                )?;
                continue;
            }
            let rows = t
                .rows
                .map_or("rows not counted".to_string(), |n| format!("{n} rows"));
            writeln!(
                f,
                "table {} -> {}: {rows}, {} columns",
                t.source,
                t.target,
                t.columns.len()
            )?;
            let rows: Vec<[String; 5]> = t
                .columns
                .iter()
                .map(|c| {
                    let null = if c.column.nullable { "" } else { " NOT NULL" };
                    let source_type = c.meta.declared.as_deref().unwrap_or(&c.meta.type_name);
                    [
                        c.column.source_name.clone(),
                        format!("{source_type}{null}"),
                        odbc_type(&c.meta),
                        c.column.column_type.arrow_type().to_string(),
                        c.target.clone(),
                    ]
                })
                .collect();
            let header = [
                "column",
                "source type",
                "ODBC (size, digits)",
                "Arrow",
                "target column",
            ];
            let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
            for row in &rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            let line = |f: &mut fmt::Formatter<'_>, cells: &[&str]| -> fmt::Result {
                write!(f, " ")?;
                for (cell, w) in cells.iter().zip(&widths) {
                    write!(f, " {cell:<w$}")?;
                }
                writeln!(f)
            };
            line(f, &header)?;
            for row in &rows {
                line(f, &row.iter().map(String::as_str).collect::<Vec<_>>())?;
            }
            for (what, list) in [
                ("left out (EXCLUDE_COLUMNS, never selected)", &t.excluded),
                (
                    "pseudonymised (PSEUDONYMIZE_COLUMNS: hex HMAC-SHA-256)",
                    &t.pseudonymized,
                ),
                ("[column-types]", &t.overrides),
            ] {
                if !list.is_empty() {
                    writeln!(f, "  {what}: {}", list.join(", "))?;
                }
            }
            for line in &t.loading {
                writeln!(f, "  {line}")?;
            }
            let warnings: Vec<String> = t
                .columns
                .iter()
                .flat_map(|c| {
                    c.warnings
                        .iter()
                        .map(move |w| format!("{}: {w}", c.column.source_name))
                })
                .collect();
            if !warnings.is_empty() {
                writeln!(f, "  warnings:")?;
                for w in warnings {
                    writeln!(f, "    - {w}")?;
                }
            }
            if let Some(write) = &t.write {
                if t.loading.is_empty() || !t.loading[0].starts_with("incremental") {
                    writeln!(f, "  WRITE_MODE = {}: {}", self.write_mode, write.action())?;
                } else {
                    writeln!(
                        f,
                        "  [incremental] (WRITE_MODE does not apply): {}",
                        write.action()
                    )?;
                }
                if write.comparison.is_empty() {
                    writeln!(f, "  DDL:")?;
                    writeln!(f, "    {}", t.ddl)?;
                } else {
                    write_comparison(f, write)?;
                }
                if !write.warnings.is_empty() {
                    writeln!(f, "  what the target does with the values:")?;
                    for w in &write.warnings {
                        writeln!(f, "    - {w}")?;
                    }
                }
            }
            match (&t.problem, t.sampled) {
                (Some(problem), _) => {
                    writeln!(f, "  CANNOT BE COPIED: {}", secrets::redact(problem))?
                }
                (None, _) if t.unsampled.is_some() => writeln!(
                    f,
                    "  sample: NOT TRIED: {}",
                    t.unsampled.as_deref().unwrap_or_default()
                )?,
                (None, Some(0)) => writeln!(f, "  sample: the table is empty")?,
                (None, Some(rows)) => {
                    writeln!(f, "  sample: {} went in (rolled back)", first_rows(rows))?
                }
                (None, None) => {}
            }
        }
        let failed = self.tables.iter().filter(|t| t.problem.is_some()).count();
        let untried = self.tables.iter().filter(|t| t.unsampled.is_some()).count();
        let untried = if untried > 0 {
            format!(" ({untried} without a sample)")
        } else {
            String::new()
        };
        writeln!(f)?;
        write!(
            f,
            "{} table(s) checked: {} can be copied{untried}, {failed} cannot; nothing was written",
            self.tables.len(),
            self.tables.len() - failed
        )
    }
}
