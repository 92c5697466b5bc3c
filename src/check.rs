//! `check`: a dry run that shows what a run would do, and shows that the values go in.
//!
//! It connects to both sides (so connection problems show up), validates the settings, and per
//! table prints the source columns as the driver reports them, the Arrow type they travel as and
//! the target column, with a warning for every mapping that can lose information; then what the
//! write mode will do with the target table (the `CREATE TABLE` for a new definition, or the
//! column-by-column comparison with the existing table, casts and added columns), decided by the
//! same code a run uses. Finally it inserts the table's first rows ([`SAMPLE_ROWS`]) the way a
//! run would, into a table that is rolled back or dropped: "can be copied" means they went in.
//! Nothing is left behind.

use crate::{
    config::Settings,
    endpoint::{self, Endpoint},
    plan::{Column, ColumnMeta},
    read::{self, BatchReader, ReadOptions},
    report::brief,
    select::Relation,
    write::{
        self, TargetSpec, WriteOptions,
        write_plan::{Finish, WritePlan},
    },
};

/// Rows of each table that `check` inserts (and rolls back).
pub const SAMPLE_ROWS: u64 = 1000;

mod text;

/// One column of a checked table.
#[derive(Debug, Clone)]
pub struct ColumnCheck {
    /// What the driver (and catalog) report.
    pub meta: ColumnMeta,
    /// The copy's column.
    pub column: Column,
    /// The target column its values go into (`"naam" character varying(100)`).
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
    /// What the write mode will do with the target table.
    pub write: Option<WritePlan>,
    /// The `CREATE TABLE` of the side table the run loads.
    pub ddl: String,
    /// Rows of the sample that went in (and were rolled back).
    pub sampled: Option<u64>,
    /// Why no sample could be tried, when none could (the table may still be copyable).
    pub unsampled: Option<String>,
    /// Why the table cannot be copied, if it cannot.
    pub problem: Option<String>,
    /// Source columns `EXCLUDE_COLUMNS` leaves out.
    pub excluded: Vec<String>,
    /// Columns `PSEUDONYMIZE_COLUMNS` pseudonymises.
    pub pseudonymized: Vec<String>,
    /// `[column-types]` of the table: `column = TYPE`.
    pub overrides: Vec<String>,
    /// How it is loaded besides the write mode: the incremental window (the watermark and the
    /// rows to read), the merge keys, the partitions.
    pub loading: Vec<String>,
}

/// What `check` found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The write mode checked.
    pub write_mode: crate::config::WriteMode,
    /// "PostgreSQL (dialect: PostgreSQL)" and the connection string, password masked.
    pub source: String,
    /// The same for the target.
    pub target: String,
    /// What moment the reads of one source table see (`Dialect::snapshot`).
    pub isolation: String,
    /// What `SRC_TABLES` and `SRC_TABLES_EXCLUDE` matched (one line each).
    pub selection: Vec<String>,
    /// Patterns that match nothing (tables, or columns).
    pub warnings: Vec<String>,
    /// One entry per table, in `SRC_TABLES` order, then the queries.
    pub tables: Vec<TableCheck>,
}

impl CheckReport {
    /// 0 when every table can be copied; 1 when a table is missing, a column cannot be mapped,
    /// the write mode refuses the table, or the sample did not go in.
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
    let ((source, mut source_conn), target) =
        endpoint::open_both(settings, endpoint::MissingTarget::Report)?;
    let selection = crate::run::select_relations(settings, &source, &source_conn)?;
    let read = ReadOptions::new(settings, &source);
    let write = WriteOptions::from(settings);
    let tables = selection
        .relations
        .iter()
        .map(|relation| {
            let spec = TargetSpec::new(&target, &write, relation.target_name());
            check_table(&source, &mut source_conn, &read, &spec, relation)
        })
        .collect();
    let mut warnings = selection.warnings;
    warnings.extend(read.columns.unmatched());
    let describe = |e: &Endpoint| {
        format!(
            "{} (dialect: {}) via {}",
            e.dbms,
            e.dialect.name(),
            e.connector.redacted()
        )
    };
    Ok(CheckReport {
        write_mode: settings.write_mode,
        selection: selection.notes,
        warnings,
        source: describe(&source),
        target: describe(&target),
        isolation: source.dialect.snapshot().describe(),
        tables,
    })
}

fn check_table(
    source: &Endpoint,
    source_conn: &mut crate::odbc::Connection,
    read: &ReadOptions,
    spec: &TargetSpec<'_>,
    relation: &Relation,
) -> TableCheck {
    let d = spec.dialect;
    let mut report = TableCheck {
        source: relation.label(),
        target: spec.table_ref.clone(),
        rows: None,
        columns: Vec::new(),
        write: None,
        ddl: String::new(),
        sampled: None,
        unsampled: None,
        problem: None,
        excluded: Vec::new(),
        pseudonymized: Vec::new(),
        overrides: spec
            .options
            .overrides_for(&spec.name)
            .iter()
            .map(|o| format!("{} = {}", o.column, o.type_sql))
            .collect(),
        loading: Vec::new(),
    };
    let plan = match crate::run::table_read(&spec.options.loads, Some(spec), relation)
        .and_then(|rows| read::describe(source_conn, source.dialect, relation, read, &rows))
    {
        Ok(plan) => plan,
        Err(e) => {
            report.problem = Some(brief(&e));
            return report;
        }
    };
    report.rows = plan.row_count;
    report.loading = loading(spec, &plan);
    report.excluded = plan.excluded.clone();
    report.pseudonymized = plan
        .shape
        .columns
        .iter()
        .zip(&plan.pseudonyms)
        .filter(|(_, p)| p.is_some())
        .map(|(c, _)| c.source_name.clone())
        .collect();
    let (write, keys) = match write::open(spec.connector, d).and_then(|conn| {
        let write = write::plan(&conn, spec, &plan.shape)?;
        let keys = write::merge_keys(&conn, spec, &write)?;
        Ok((write, keys))
    }) {
        Ok(planned) => planned,
        Err(e) => {
            report.problem = Some(brief(&e));
            return report;
        }
    };
    for ((meta, column), load) in plan.metas.iter().zip(&plan.shape.columns).zip(&write.load) {
        let null = if load.target.nullable {
            ""
        } else {
            " NOT NULL"
        };
        let mut warnings = source.dialect.source_warnings(meta, &column.column_type);
        if !write.target_exists || write.finish == Finish::Swap {
            warnings.extend(d.target_warnings(&column.column_type));
        }
        report.columns.push(ColumnCheck {
            meta: meta.clone(),
            column: column.clone(),
            target: format!(
                "{} {}{null}",
                d.quote(&load.target.name),
                load.target.declared
            ),
            warnings,
        });
    }
    report.ddl = d.create_table_sql(&spec.side_ref, &write.side_columns());
    if write.finish == Finish::Swap {
        for sql in write::incremental_ddl(spec, &write, &keys) {
            report.ddl.push_str(&format!(";\n    {sql}"));
        }
    }
    if let Err(e) = write.accepted() {
        report.problem = Some(brief(&e));
        report.write = Some(write);
        return report;
    }
    // The first rows, inserted the way the run inserts them, then rolled back.
    let first = plan.first_rows(source.dialect, SAMPLE_ROWS);
    let sampled = BatchReader::open(source_conn, &first)
        .and_then(|mut reader| {
            let mut batches = Vec::new();
            while let Some(batch) = reader.next_batch()? {
                batches.push(batch);
            }
            Ok(arrow_odbc::arrow::compute::concat_batches(
                &plan.shape.arrow_schema(),
                &batches,
            )?)
        })
        .map_err(|e| e.context("reading the first rows"))
        .and_then(|batch| {
            let rows = batch.num_rows() as u64;
            write::sample(spec, &plan.shape, &write, &keys, batch)
                .map_err(|e| e.context(format!("{} cannot go in", first_rows(rows))))
                .map(|skipped| (rows, skipped))
        });
    match sampled {
        Ok((rows, None)) => report.sampled = Some(rows),
        Ok((_, Some(why))) => report.unsampled = Some(why),
        Err(e) => report.problem = Some(brief(&e)),
    }
    report.write = Some(write);
    report
}

/// The lines that say how `plan` is loaded besides the write mode.
fn loading(spec: &TargetSpec<'_>, plan: &read::SourceTable) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(window) = &plan.window {
        let rows = plan
            .row_count
            .map_or("uncounted (LOG_ROW_COUNT = false)".to_string(), |n| {
                n.to_string()
            });
        lines.push(format!("{window}; rows to read: {rows}"));
    }
    if !spec.merge_keys.is_empty() {
        lines.push(format!(
            "upserted by [merge-keys] ({}); a new table gets a unique key on them",
            spec.merge_keys.join(", ")
        ));
    } else if spec.watermark.is_some() {
        lines.push("the rows read are appended".to_string());
    }
    if let Some(p) = &plan.partitions {
        lines.push(format!(
            "read in up to {} partitions of {} (PARTITIONS), each on its own connection",
            p.count, p.quoted
        ));
    } else if spec.options.loads.partition(&spec.name).is_some() {
        lines.push("[partitions]: read through one connection, because of ROW_LIMIT".to_string());
    }
    if let Some(r) = &plan.ranges {
        lines.push(format!(
            "read in ranges of {} rows of its {}, one SELECT each, in one snapshot \
             (SRC_KEY_RANGES)",
            r.rows, r.what
        ));
    }
    lines.extend(plan.unranged.clone());
    lines
}

/// "the first row", "the first 1000 rows".
pub(crate) fn first_rows(rows: u64) -> String {
    if rows == 1 {
        "the first row".to_string()
    } else {
        format!("the first {rows} rows")
    }
}
