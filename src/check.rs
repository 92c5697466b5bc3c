//! `check`: a dry run that shows exactly what a run would create, before any data moves.
//!
//! It connects to both sides (so connection problems show up), validates the settings, and per
//! table prints the source columns as the driver reports them, the Arrow type they travel as, the
//! target column and the `CREATE TABLE` it would run, with a warning for every mapping that can
//! lose information. It reads the catalog and counts rows; it writes nothing.

use std::fmt;

use crate::{
    config::{Settings, TableName, secrets},
    plan::{Column, ColumnMeta, sql_type},
    report::brief,
    source::{self, ReadOptions},
    transfer::{self, Endpoint},
};

/// One column of a checked table.
#[derive(Debug, Clone)]
pub struct ColumnCheck {
    /// What the driver (and catalog) report.
    pub meta: ColumnMeta,
    /// The copy's column.
    pub column: Column,
    /// The column's DDL in the target (`"naam" character varying(100)`).
    pub target: String,
    /// Mappings that can lose information.
    pub warnings: Vec<String>,
}

/// One checked table.
#[derive(Debug, Clone)]
pub struct TableCheck {
    /// The entry of `SRC_TABLES`.
    pub source: String,
    /// The target table, qualified and quoted.
    pub target: String,
    /// Rows in the source table (when `LOG_ROW_COUNT`).
    pub rows: Option<u64>,
    /// The columns.
    pub columns: Vec<ColumnCheck>,
    /// The `CREATE TABLE` a `replace` would run (for the side table that is swapped in).
    pub ddl: String,
    /// Why the table cannot be copied, if it cannot.
    pub problem: Option<String>,
}

/// What `check` found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// "PostgreSQL (dialect: PostgreSQL)" and the connection string, password masked.
    pub source: String,
    /// The same for the target.
    pub target: String,
    /// One entry per table, in `SRC_TABLES` order.
    pub tables: Vec<TableCheck>,
}

impl CheckReport {
    /// 0 when every table can be copied; 1 when a table is missing or a column cannot be mapped.
    pub fn exit_code(&self) -> i32 {
        if self.tables.iter().all(|t| t.problem.is_none()) {
            0
        } else {
            1
        }
    }
}

/// Runs the checks for `settings`.
pub fn check(settings: &Settings) -> anyhow::Result<CheckReport> {
    let source_settings = settings
        .source
        .as_ref()
        .ok_or_else(|| crate::ConfigError::new("no source is configured ([database-source])"))?;
    let (source, source_conn) = transfer::open_endpoint(source_settings, settings)?;
    let (target, _target_conn) = transfer::open_endpoint(&settings.target, settings)?;
    transfer::check_target_settings(settings, &target)?;
    let tables = settings
        .tables
        .iter()
        .map(|table| check_table(settings, &source, &source_conn, &target, table))
        .collect();
    let describe = |e: &Endpoint| {
        format!(
            "{} (dialect: {}) via {}",
            e.dbms,
            e.dialect.name(),
            e.connector.redacted()
        )
    };
    Ok(CheckReport {
        source: describe(&source),
        target: describe(&target),
        tables,
    })
}

fn check_table(
    settings: &Settings,
    source: &Endpoint,
    source_conn: &crate::odbc::Connection,
    target: &Endpoint,
    table: &TableName,
) -> TableCheck {
    let d = target.dialect;
    let schema = settings.target.schema.as_deref().map(|s| d.fold_name(s));
    let target_ref = d.table_ref(schema.as_deref(), &d.fold_name(&table.name));
    let mut report = TableCheck {
        source: table.to_string(),
        target: target_ref.clone(),
        rows: None,
        columns: Vec::new(),
        ddl: String::new(),
        problem: None,
    };
    let plan = match source::describe(
        source_conn,
        source.dialect,
        table,
        source_settings_schema(settings),
        ReadOptions::from(settings),
    ) {
        Ok(plan) => plan,
        Err(e) => {
            report.problem = Some(brief(&e));
            return report;
        }
    };
    report.rows = plan.row_count;
    for (meta, column) in plan.metas.iter().zip(&plan.shape.columns) {
        let null = if column.nullable { "" } else { " NOT NULL" };
        let mut warnings = source.dialect.source_warnings(meta, &column.column_type);
        warnings.extend(d.target_warnings(&column.column_type));
        report.columns.push(ColumnCheck {
            meta: meta.clone(),
            column: column.clone(),
            target: format!(
                "{} {}{null}",
                d.quote(&column.name),
                d.type_sql(&column.column_type)
            ),
            warnings,
        });
    }
    let side = d.table_ref(
        schema.as_deref(),
        &format!("{}{}", d.fold_name(&table.name), crate::target::SIDE_SUFFIX),
    );
    report.ddl = d.create_table_sql(&side, &plan.shape.columns);
    report
}

fn source_settings_schema(settings: &Settings) -> Option<&str> {
    settings.source.as_ref().and_then(|s| s.schema.as_deref())
}

fn odbc_type(meta: &ColumnMeta) -> String {
    let name = sql_type::name(meta.sql_type);
    format!("{name}({}, {})", meta.column_size, meta.decimal_digits)
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "source: {}", secrets::redact(&self.source))?;
        writeln!(f, "target: {}", secrets::redact(&self.target))?;
        for t in &self.tables {
            writeln!(f)?;
            if let Some(problem) = &t.problem {
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
            writeln!(f, "  DDL (replace loads this table, then swaps it in):")?;
            writeln!(f, "    {}", t.ddl)?;
        }
        let failed = self.tables.iter().filter(|t| t.problem.is_some()).count();
        writeln!(f)?;
        write!(
            f,
            "{} table(s) checked: {} can be copied, {failed} cannot; nothing was written",
            self.tables.len(),
            self.tables.len() - failed
        )
    }
}
