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

pub use crate::plan::{LoadColumn, TargetColumn};
use crate::{
    config::{SchemaChanges, WriteMode},
    dialect::Dialect,
    odbc::{self, Connection},
    plan::{Column, ColumnDef, ColumnType, TableShape},
};

impl TargetColumn {
    /// The column this tool creates for a source column.
    pub fn new_for(dialect: &dyn Dialect, column: &Column) -> Self {
        TargetColumn {
            name: column.name.clone(),
            declared: dialect.type_sql(&column.column_type),
            column_type: column.column_type,
            cast: dialect.cast_type(&column.column_type),
            nullable: column.nullable,
            has_default: false,
        }
    }
}

/// An existing target table: its columns and the views that depend on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingTable {
    /// What the name is: `BASE TABLE` (or `table`, `TABLE`), `VIEW`, ...
    pub kind: String,
    /// Its storage engine, where the DBMS has several (MariaDB).
    pub engine: Option<String>,
    /// Whether its storage can roll back a transaction (MariaDB's MyISAM cannot).
    pub transactional: bool,
    /// Columns in table order.
    pub columns: Vec<TargetColumn>,
    /// Views (qualified names) that use the table.
    pub views: Vec<String>,
}

impl ExistingTable {
    /// Is it a table (not a view, materialized view or foreign table)?
    pub fn is_table(&self) -> bool {
        matches!(
            self.kind.trim().to_ascii_uppercase().as_str(),
            "BASE TABLE" | "TABLE" | "SYSTEM VERSIONED"
        )
    }
}

impl ExistingTable {
    /// Reads the table `table` in `schema` from the catalog; `None` when it does not exist.
    pub fn read(
        conn: &Connection,
        dialect: &dyn Dialect,
        schema: Option<&str>,
        table: &str,
    ) -> anyhow::Result<Option<Self>> {
        let Some(found) = odbc::query_text(conn, &dialect.table_exists_sql(schema, table))?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let kind = found.first().cloned().flatten().unwrap_or_default();
        let engine = found.get(1).cloned().flatten().unwrap_or_default();
        let flag = |v: &Option<String>| v.as_deref().is_some_and(|t| t.trim() == "1");
        let columns = odbc::query_text(conn, &dialect.table_columns_sql(schema, table))?
            .into_iter()
            .map(|row| {
                let text = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
                let declared = text(1);
                let column_type = dialect.target_column_type(&declared);
                TargetColumn {
                    name: text(0),
                    declared,
                    column_type,
                    cast: row.get(2).cloned().flatten().filter(|c| !c.is_empty()),
                    nullable: flag(&row.get(3).cloned().flatten()),
                    has_default: flag(&row.get(4).cloned().flatten()),
                }
            })
            .collect();
        let mut views = Vec::new();
        if let Some(sql) = dialect.dependent_views_sql(schema, table) {
            for row in odbc::query_text(conn, &sql)? {
                let name = row.first().cloned().flatten().unwrap_or_default();
                let definition = row.get(1).cloned().flatten();
                let uses = definition.is_none_or(|text| names_identifier(&text, table));
                if uses && !name.is_empty() && !views.contains(&name) {
                    views.push(name);
                }
            }
        }
        Ok(Some(ExistingTable {
            transactional: dialect.transactional_engine(&engine),
            kind,
            engine: (!engine.is_empty()).then_some(engine),
            columns,
            views,
        }))
    }
}

/// Does the SQL text of a view read the table `name` (in a FROM or JOIN, quoted with "", ``, []
/// or bare, any case, maybe qualified)? For catalogs that keep only a view's text (MariaDB,
/// SQLite); a column of the same name does not count.
pub fn names_identifier(sql: &str, name: &str) -> bool {
    #[derive(Debug, PartialEq)]
    enum Tok {
        Word(String, bool),
        Punct(char),
    }
    let mut tokens = Vec::new();
    let mut chars = sql.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let close = match c {
            '"' => '"',
            '`' => '`',
            '[' => ']',
            '\'' => {
                // A string literal: skip it.
                for (_, d) in chars.by_ref() {
                    if d == '\'' {
                        break;
                    }
                }
                continue;
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = start + c.len_utf8();
                while let Some(&(i, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '$' {
                        end = i + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Tok::Word(sql[start..end].to_string(), false));
                continue;
            }
            c if c.is_whitespace() => continue,
            c => {
                tokens.push(Tok::Punct(c));
                continue;
            }
        };
        let mut word = String::new();
        for (_, d) in chars.by_ref() {
            if d == close {
                break;
            }
            word.push(d);
        }
        tokens.push(Tok::Word(word, true));
    }
    let keyword = |t: &Tok, k: &str| matches!(t, Tok::Word(w, false) if w.eq_ignore_ascii_case(k));
    let ends_from = |t: &Tok| {
        [
            "where",
            "group",
            "order",
            "having",
            "limit",
            "union",
            "on",
            "using",
            "window",
            "except",
            "intersect",
            "left",
            "right",
            "inner",
            "outer",
            "cross",
            "natural",
            "full",
        ]
        .iter()
        .any(|k| keyword(t, k))
            || matches!(t, Tok::Punct(')' | ';'))
    };
    let mut i = 0;
    while i < tokens.len() {
        if !(keyword(&tokens[i], "from") || keyword(&tokens[i], "join")) {
            i += 1;
            continue;
        }
        i += 1;
        // A list of table references: qualified names with optional aliases, separated by
        // commas, until the FROM clause ends.
        loop {
            let mut last = None;
            while let Some(Tok::Word(w, _)) = tokens.get(i) {
                last = Some(w.clone());
                if tokens.get(i + 1) == Some(&Tok::Punct('.')) {
                    i += 2;
                } else {
                    break;
                }
            }
            if last.is_some_and(|w| w.to_lowercase() == name.to_lowercase()) {
                return true;
            }
            // Skip an alias and anything else up to a comma or the clause's end.
            while let Some(t) = tokens.get(i) {
                if ends_from(t) || keyword(t, "join") || matches!(t, Tok::Punct(',')) {
                    break;
                }
                i += 1;
            }
            match tokens.get(i) {
                Some(Tok::Punct(',')) => i += 1,
                _ => break,
            }
        }
    }
    false
}

/// Whether the values of a source column can go into a target column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fit {
    /// Every value goes in unchanged.
    Exact,
    /// Values go in, but the target may change them or refuse some (the reason says which);
    /// a value the target refuses fails the table, which then holds what it held before.
    Warn(String),
    /// No value can go in meaningfully: the table is refused before anything is written.
    Refuse(String),
}

fn int_bits(t: &ColumnType) -> Option<u32> {
    Some(match t {
        ColumnType::Int8 => 8,
        ColumnType::Int16 => 16,
        ColumnType::Int32 => 32,
        ColumnType::Int64 => 64,
        _ => return None,
    })
}

/// Digits an integer of `bits` bits may have.
fn int_digits(bits: u32) -> u32 {
    match bits {
        8 => 3,
        16 => 5,
        32 => 10,
        _ => 19,
    }
}

/// (digits before the point, digits after it) of a decimal type; `None` parts are unlimited.
fn decimal_shape(t: &ColumnType) -> Option<(Option<u32>, Option<u32>)> {
    match *t {
        // A negative scale (Oracle NUMBER(4,-2)) holds integers of precision - scale digits.
        ColumnType::Decimal { precision, scale } => {
            let before = (i32::from(precision) - i32::from(scale)).max(0) as u32;
            Some((Some(before), Some(scale.max(0) as u32)))
        }
        ColumnType::DecimalText {
            precision: Some(p),
            scale,
        } => {
            let s = u32::from(scale.unwrap_or(0));
            Some((Some(u32::from(p).saturating_sub(s)), Some(s)))
        }
        ColumnType::DecimalText { .. } => Some((None, None)),
        _ => None,
    }
}

fn fraction_digits(t: &ColumnType) -> Option<u8> {
    match *t {
        ColumnType::Time { precision }
        | ColumnType::Timestamp { precision }
        | ColumnType::TimestampTz { precision } => Some(precision),
        _ => None,
    }
}

/// The longest text form of a value of `t`, in characters, when it is bounded.
fn text_length(t: &ColumnType) -> Option<u32> {
    Some(match *t {
        ColumnType::Boolean => 1,
        ColumnType::Int8 => 4,
        ColumnType::Int16 => 6,
        ColumnType::Int32 => 11,
        ColumnType::Int64 => 20,
        ColumnType::Float32 | ColumnType::Float64 => 24,
        ColumnType::Decimal { precision, .. } => u32::from(precision) + 3,
        ColumnType::DecimalText {
            precision: Some(p), ..
        } => u32::from(p) + 3,
        ColumnType::Date => 13,
        ColumnType::Time { .. } => 18,
        ColumnType::Timestamp { .. } => 32,
        ColumnType::TimestampTz { .. } => 38,
        _ => return None,
    })
}

/// Whether values of `source` can go into a column holding `target` (see [`Fit`]). Values are
/// cast by the target as they go in; the rules say what that does.
pub fn fit(source: &ColumnType, target: &ColumnType) -> Fit {
    use ColumnType as T;
    if source == target {
        return Fit::Exact;
    }
    let warn = |s: &str| Fit::Warn(s.to_string());
    let refuse = |s: &str| Fit::Refuse(s.to_string());
    match (source, target) {
        // ---------------------------------------------------------------- into text
        (T::Binary { .. }, T::Text { .. }) => refuse("binary values have no text form"),
        (T::Text { length: from, .. }, T::Text { length: to, .. }) => match (from, to) {
            (_, None) => Fit::Exact,
            (Some(a), Some(b)) if a <= b => Fit::Exact,
            (_, Some(b)) => Fit::Warn(format!("values longer than {} fail the table", chars(*b))),
        },
        (_, T::Text { length: to, .. }) => match (text_length(source), to) {
            (Some(n), Some(b)) if n > *b => Fit::Warn(format!(
                "stored as text; values longer than {} fail the table",
                chars(*b)
            )),
            (None, Some(b)) => Fit::Warn(format!(
                "stored as text; values longer than {} fail the table",
                chars(*b)
            )),
            _ => warn("stored as text"),
        },
        // ---------------------------------------------------------------- into binary
        (
            T::Binary {
                length: from,
                fixed: from_fixed,
            },
            T::Binary {
                length: to,
                fixed: to_fixed,
            },
        ) => {
            let longer = match (from, to) {
                (_, None) => false,
                (Some(a), Some(b)) => a > b,
                (None, Some(_)) => true,
            };
            if longer {
                Fit::Warn(format!(
                    "values longer than {} bytes fail the table",
                    to.unwrap_or(0)
                ))
            } else if *to_fixed && !from_fixed {
                warn("shorter values are padded with zero bytes to the fixed length")
            } else {
                Fit::Exact
            }
        }
        (T::Text { .. }, T::Binary { .. }) => warn("text is stored as its UTF-8 bytes"),
        // ---------------------------------------------------------------- booleans
        (T::Boolean, _) if int_bits(target).is_some() || decimal_shape(target).is_some() => {
            Fit::Exact
        }
        (T::Boolean, T::Float32 | T::Float64) => Fit::Exact,
        (T::Text { .. }, T::Boolean) => warn("text values that are not booleans fail the table"),
        // ---------------------------------------------------------------- integers
        (_, _) if int_bits(source).is_some() && int_bits(target).is_some() => {
            if int_bits(target) >= int_bits(source) {
                Fit::Exact
            } else {
                warn("values beyond the target's range fail the table")
            }
        }
        (_, T::Float32 | T::Float64) if int_bits(source).is_some() => {
            let mantissa = if *target == T::Float32 { 24 } else { 53 };
            // 8 and 16 bits fit a float's 24-bit mantissa, 32 bits a double's 53.
            if matches!(
                (source, target),
                (T::Int8 | T::Int16, _) | (T::Int32, T::Float64)
            ) {
                Fit::Exact
            } else {
                Fit::Warn(format!(
                    "integers beyond 2^{mantissa} are rounded to the nearest floating-point number"
                ))
            }
        }
        (_, _) if int_bits(source).is_some() && decimal_shape(target).is_some() => {
            let digits = int_digits(int_bits(source).unwrap_or(64));
            match decimal_shape(target) {
                Some((Some(before), _)) if before < digits => Fit::Warn(format!(
                    "values with more than {before} digits fail the table"
                )),
                _ => Fit::Exact,
            }
        }
        // ---------------------------------------------------------------- floats
        (T::Float32, T::Float64) => Fit::Exact,
        (T::Float64, T::Float32) => warn("rounded to single precision (about 7 digits)"),
        (T::Float32 | T::Float64, _) if decimal_shape(target).is_some() => warn(
            "stored as the decimal of its shortest text, rounded to the target's scale; NaN, \
             infinities and values beyond the target's precision fail the table",
        ),
        // ---------------------------------------------------------------- decimals
        (_, _) if decimal_shape(source).is_some() && decimal_shape(target).is_some() => {
            let (Some((from_int, from_frac)), Some((to_int, to_frac))) =
                (decimal_shape(source), decimal_shape(target))
            else {
                return Fit::Exact;
            };
            let wider = |from: Option<u32>, to: Option<u32>| match (from, to) {
                (_, None) => false,
                (Some(a), Some(b)) => a > b,
                (None, Some(_)) => true,
            };
            let mut why = Vec::new();
            if wider(from_frac, to_frac) {
                why.push(format!(
                    "rounded to {} decimals",
                    to_frac.unwrap_or_default()
                ));
            }
            if wider(from_int, to_int) {
                why.push(format!(
                    "values with more than {} digits before the point fail the table",
                    to_int.unwrap_or_default()
                ));
            }
            if why.is_empty() {
                Fit::Exact
            } else {
                Fit::Warn(why.join("; "))
            }
        }
        (_, T::Float32 | T::Float64) if decimal_shape(source).is_some() => {
            warn("stored as the nearest floating-point number (15-17 significant digits)")
        }
        (_, _) if decimal_shape(source).is_some() && int_bits(target).is_some() => {
            match decimal_shape(source) {
                Some((Some(before), Some(0)))
                    if before < int_digits(int_bits(target).unwrap_or(64)) =>
                {
                    Fit::Exact
                }
                _ => warn("values with a fraction or beyond the target's range fail the table"),
            }
        }
        // ---------------------------------------------------------------- text into typed
        (T::Text { .. }, _) => Fit::Warn(format!(
            "text values that do not read as {} fail the table",
            with_article(kind_name(target))
        )),
        // ---------------------------------------------------------------- dates and times
        (T::Date, T::Timestamp { .. }) => Fit::Exact,
        (T::Date, T::TimestampTz { .. }) => warn("dates are taken as midnight UTC"),
        (T::Timestamp { .. } | T::TimestampTz { .. }, T::Date) => {
            warn("the time of day is not kept")
        }
        (T::Timestamp { .. }, T::TimestampTz { .. }) => {
            with_fraction(source, target, Some("taken as UTC"))
        }
        (T::TimestampTz { .. }, T::Timestamp { .. }) => {
            with_fraction(source, target, Some("stored as UTC, without the offset"))
        }
        (T::Timestamp { .. }, T::Timestamp { .. })
        | (T::TimestampTz { .. }, T::TimestampTz { .. })
        | (T::Time { .. }, T::Time { .. }) => with_fraction(source, target, None),
        _ => Fit::Refuse(format!(
            "{} values cannot go into {} column",
            kind_name(source),
            with_article(kind_name(target))
        )),
    }
}

/// A date/time fit: exact unless the target keeps fewer fractional digits (or `note` applies).
fn with_fraction(source: &ColumnType, target: &ColumnType, note: Option<&str>) -> Fit {
    let mut why: Vec<String> = note.map(str::to_string).into_iter().collect();
    if let (Some(from), Some(to)) = (fraction_digits(source), fraction_digits(target))
        && from > to
    {
        why.push(format!("fractional digits beyond {to} are not kept"));
    }
    if why.is_empty() {
        Fit::Exact
    } else {
        Fit::Warn(why.join("; "))
    }
}

/// "1 character", "50 characters".
fn chars(n: u32) -> String {
    if n == 1 {
        "1 character".into()
    } else {
        format!("{n} characters")
    }
}

/// "an integer", "a date".
fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

/// "integer", "timestamp", ... for messages.
pub fn kind_name(t: &ColumnType) -> &'static str {
    match t {
        ColumnType::Boolean => "boolean",
        ColumnType::Int8 | ColumnType::Int16 | ColumnType::Int32 | ColumnType::Int64 => "integer",
        ColumnType::Float32 | ColumnType::Float64 => "floating-point",
        ColumnType::Decimal { .. } | ColumnType::DecimalText { .. } => "decimal",
        ColumnType::Text { .. } => "text",
        ColumnType::Binary { .. } => "binary",
        ColumnType::Date => "date",
        ColumnType::Time { .. } => "time",
        ColumnType::Timestamp { .. } => "timestamp",
        ColumnType::TimestampTz { .. } => "timestamp with time zone",
    }
}

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
    /// Decides what writing `shape` into the target (`existing`, if it exists) does.
    pub fn new(
        dialect: &dyn Dialect,
        options: PlanOptions,
        shape: &TableShape,
        existing: Option<&ExistingTable>,
    ) -> WritePlan {
        let fresh = |target_exists: bool, views: Vec<String>| WritePlan {
            finish: Finish::Swap,
            target_exists,
            load: shape
                .columns
                .iter()
                .map(|c| LoadColumn {
                    source: c.clone(),
                    target: TargetColumn::new_for(dialect, c),
                })
                .collect(),
            added: Vec::new(),
            comparison: Vec::new(),
            warnings: Vec::new(),
            refused: Vec::new(),
            views,
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
        let mut plan = WritePlan::for_existing(dialect, options, shape, existing);
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

    /// The plan for an existing table (a table, not a view).
    fn for_existing(
        dialect: &dyn Dialect,
        options: PlanOptions,
        shape: &TableShape,
        existing: &ExistingTable,
    ) -> WritePlan {
        let fresh = |target_exists: bool, views: Vec<String>| WritePlan {
            finish: Finish::Swap,
            target_exists,
            load: shape
                .columns
                .iter()
                .map(|c| LoadColumn {
                    source: c.clone(),
                    target: TargetColumn::new_for(dialect, c),
                })
                .collect(),
            added: Vec::new(),
            comparison: Vec::new(),
            warnings: Vec::new(),
            refused: Vec::new(),
            views,
        };
        match options.write_mode {
            WriteMode::Replace if existing.views.is_empty() => fresh(true, Vec::new()),
            WriteMode::Replace => {
                let mut plan =
                    WritePlan::matched(dialect, options, shape, existing, Finish::Refresh);
                let changed: Vec<String> = plan
                    .comparison
                    .iter()
                    .filter(|c| c.verdict != "exact")
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
            WriteMode::Truncate => {
                WritePlan::matched(dialect, options, shape, existing, Finish::Refresh)
            }
            WriteMode::Append => {
                WritePlan::matched(dialect, options, shape, existing, Finish::Append)
            }
        }
    }

    /// A load into the existing table's own columns.
    fn matched(
        dialect: &dyn Dialect,
        options: PlanOptions,
        shape: &TableShape,
        existing: &ExistingTable,
        finish: Finish,
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
                    ..TargetColumn::new_for(dialect, column)
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
                });
                plan.load.push(LoadColumn {
                    source: column.clone(),
                    target: new,
                });
                continue;
            };
            let faithful = dialect.faithful_type(&target.declared, &target.column_type);
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
