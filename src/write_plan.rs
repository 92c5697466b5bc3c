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
mod tests {
    use super::*;

    fn text(n: Option<u32>) -> ColumnType {
        ColumnType::Text {
            length: n,
            fixed: false,
        }
    }

    #[test]
    fn fits_say_exact_warn_or_refuse() {
        use ColumnType as T;
        assert_eq!(fit(&T::Int32, &T::Int64), Fit::Exact);
        assert!(matches!(fit(&T::Int64, &T::Int32), Fit::Warn(_)));
        assert_eq!(fit(&text(Some(20)), &text(None)), Fit::Exact);
        assert_eq!(
            fit(&text(Some(100)), &text(Some(50))),
            Fit::Warn("values longer than 50 characters fail the table".into())
        );
        assert!(matches!(
            fit(
                &T::Decimal {
                    precision: 12,
                    scale: 2
                },
                &T::Float64
            ),
            Fit::Warn(_)
        ));
        assert_eq!(
            fit(
                &T::Decimal {
                    precision: 12,
                    scale: 2
                },
                &T::UNCONSTRAINED_DECIMAL
            ),
            Fit::Exact
        );
        assert!(matches!(
            fit(
                &T::UNCONSTRAINED_DECIMAL,
                &T::Decimal {
                    precision: 12,
                    scale: 2
                }
            ),
            Fit::Warn(w) if w.contains("rounded to 2 decimals") && w.contains("more than 10 digits")
        ));
        assert!(matches!(
            fit(&T::TimestampTz { precision: 6 }, &T::Timestamp { precision: 6 }),
            Fit::Warn(w) if w.contains("UTC")
        ));
        assert!(matches!(
            fit(&T::Timestamp { precision: 7 }, &T::Timestamp { precision: 6 }),
            Fit::Warn(w) if w.contains("beyond 6")
        ));
        assert!(matches!(
            fit(&text(Some(17)), &T::Time { precision: 6 }),
            Fit::Warn(_)
        ));
        assert!(matches!(
            fit(
                &T::Binary {
                    length: None,
                    fixed: false
                },
                &T::Int64
            ),
            Fit::Refuse(_)
        ));
        assert!(matches!(fit(&T::Date, &T::Int32), Fit::Refuse(_)));
        assert!(matches!(fit(&T::Float64, &T::Int64), Fit::Refuse(_)));
        assert_eq!(fit(&T::Boolean, &T::Int8), Fit::Exact);
        assert!(matches!(fit(&T::Int8, &T::Boolean), Fit::Refuse(_)));
    }

    #[test]
    fn identifiers_are_found_in_view_text() {
        assert!(names_identifier(
            "select `db`.`t`.`id` AS `id` from `db`.`t`",
            "t"
        ));
        assert!(names_identifier(
            "CREATE VIEW v AS SELECT id FROM Zaken",
            "zaken"
        ));
        assert!(names_identifier("select * from \"zaken\"", "zaken"));
        assert!(!names_identifier("select * from zaken_oud", "zaken"));
        assert!(!names_identifier("select 'zaken' from x", "zaken"));
        assert!(!names_identifier("select tt from x", "t"));
        // A column of the same name is not the table.
        assert!(!names_identifier(
            "create view vo as select t1 from other",
            "t1"
        ));
        assert!(names_identifier(
            "select a from x, \"T1\" as y where 1",
            "t1"
        ));
        assert!(names_identifier(
            "select a from x left join main.t1 on 1",
            "t1"
        ));
        assert!(!names_identifier("select a from x where t1 = 1", "t1"));
        assert!(names_identifier("select a from t", "t"));
        assert!(names_identifier("select a from x y, t", "t"));
        assert!(names_identifier("select a from x as y join t on 1", "t"));
        assert!(names_identifier("select a from [dbo].[T]", "t"));
        assert!(!names_identifier("select a from x as y where t = 1", "t"));
        assert!(!names_identifier("select a from x join y on 1", "t"));
        // A string, a subquery's end or a clause's end stops the list of tables.
        assert!(!names_identifier("select 'a from t' as c from x", "t"));
        assert!(!names_identifier(
            "select (select max(a) from x), t from y",
            "t"
        ));
        assert!(!names_identifier("select a from x where b in (1, t)", "t"));
        assert!(!names_identifier("select a from x; select t", "t"));
        assert!(!names_identifier("select a from x order by b, t", "t"));
        assert!(names_identifier(
            "select a from x union select b from t",
            "t"
        ));
        assert!(names_identifier("select a from tür$1", "tür$1"));
    }

    /// One column type of every shape that matters to `fit`, with a short name.
    fn samples() -> Vec<(&'static str, ColumnType)> {
        use ColumnType as T;
        let dec = |precision, scale| T::Decimal { precision, scale };
        let bin = |length, fixed| T::Binary { length, fixed };
        vec![
            ("boolean", T::Boolean),
            ("int8", T::Int8),
            ("int16", T::Int16),
            ("int32", T::Int32),
            ("int64", T::Int64),
            ("float32", T::Float32),
            ("float64", T::Float64),
            ("dec(3,0)", dec(3, 0)),
            ("dec(5,2)", dec(5, 2)),
            ("dec(10,0)", dec(10, 0)),
            ("dec(12,2)", dec(12, 2)),
            ("dec(19,0)", dec(19, 0)),
            ("dec(38,10)", dec(38, 10)),
            ("dec(4,-2)", dec(4, -2)),
            ("numeric", T::UNCONSTRAINED_DECIMAL),
            (
                "numeric(50,5)",
                T::DecimalText {
                    precision: Some(50),
                    scale: Some(5),
                },
            ),
            (
                "numeric(45)",
                T::DecimalText {
                    precision: Some(45),
                    scale: None,
                },
            ),
            ("char(1)", text_fixed(1)),
            ("text(4)", text(Some(4))),
            ("text(10)", text(Some(10))),
            ("text(40)", text(Some(40))),
            ("text(50)", text(Some(50))),
            ("text(60)", text(Some(60))),
            ("text", text(None)),
            ("binary(16)", bin(Some(16), true)),
            ("varbinary(8)", bin(Some(8), false)),
            ("varbinary(16)", bin(Some(16), false)),
            ("varbinary(100)", bin(Some(100), false)),
            ("blob", bin(None, false)),
            ("date", T::Date),
            ("time(0)", T::Time { precision: 0 }),
            ("time(6)", T::Time { precision: 6 }),
            ("timestamp(0)", T::Timestamp { precision: 0 }),
            ("timestamp(6)", T::Timestamp { precision: 6 }),
            ("timestamp(7)", T::Timestamp { precision: 7 }),
            ("timestamptz(3)", T::TimestampTz { precision: 3 }),
            ("timestamptz(6)", T::TimestampTz { precision: 6 }),
        ]
    }

    fn text_fixed(n: u32) -> ColumnType {
        ColumnType::Text {
            length: Some(n),
            fixed: true,
        }
    }

    /// Every source type against every target type: the whole decision table of `fit`, kept in
    /// tests/golden/fit.txt (regenerate with `UPDATE_GOLDEN=1 cargo test --lib write_plan` and
    /// read the diff).
    #[test]
    fn every_pair_of_types_fits_as_the_table_says() {
        let mut table = String::new();
        for (source_name, source) in samples() {
            for (target_name, target) in samples() {
                let verdict = match fit(&source, &target) {
                    Fit::Exact => "exact".to_string(),
                    Fit::Warn(why) => format!("warn: {why}"),
                    Fit::Refuse(why) => format!("refuse: {why}"),
                };
                table.push_str(&format!("{source_name:<15}{target_name:<15}{verdict}\n"));
            }
        }
        let path = format!("{}/tests/golden/fit.txt", env!("CARGO_MANIFEST_DIR"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &table).unwrap();
        }
        let want = std::fs::read_to_string(&path).expect("tests/golden/fit.txt");
        for (got, want) in table.lines().zip(want.lines()) {
            assert_eq!(got, want, "{path} differs (UPDATE_GOLDEN=1 to regenerate)");
        }
        assert_eq!(table.lines().count(), want.lines().count());
    }

    mod plans {
        use super::super::*;
        use crate::dialect::postgres::Postgres;

        fn column(name: &str, column_type: ColumnType) -> Column {
            Column {
                source_name: name.to_uppercase(),
                name: name.into(),
                column_type,
                nullable: true,
                source_type: format!("src_{name}"),
            }
        }

        fn shape() -> TableShape {
            TableShape {
                columns: vec![
                    column("id", ColumnType::Int64),
                    column("name", super::text(Some(20))),
                ],
            }
        }

        /// The table this tool would create for `shape()`, as its catalog describes it.
        fn existing(views: &[&str]) -> ExistingTable {
            ExistingTable {
                kind: "BASE TABLE".into(),
                engine: None,
                transactional: true,
                columns: shape()
                    .columns
                    .iter()
                    .map(|c| TargetColumn::new_for(&Postgres, c))
                    .collect(),
                views: views.iter().map(|v| v.to_string()).collect(),
            }
        }

        fn options(write_mode: WriteMode) -> PlanOptions {
            PlanOptions {
                write_mode,
                schema_changes: SchemaChanges::Add,
                lowercase_columns: false,
            }
        }

        fn plan(write_mode: WriteMode, existing: &ExistingTable) -> WritePlan {
            WritePlan::new(&Postgres, options(write_mode), &shape(), Some(existing))
        }

        #[test]
        fn a_new_table_is_created_and_an_unviewed_one_swapped() {
            let new = WritePlan::new(&Postgres, options(WriteMode::Append), &shape(), None);
            assert_eq!(new.finish, Finish::Swap);
            assert!(!new.target_exists);
            assert!(new.accepted().is_ok());
            assert_eq!(
                new.side_columns(),
                vec![
                    ColumnDef {
                        name: "id".into(),
                        type_sql: "bigint".into(),
                        nullable: true
                    },
                    ColumnDef {
                        name: "name".into(),
                        type_sql: "character varying(20)".into(),
                        nullable: true
                    }
                ]
            );
            assert_eq!(
                new.action(),
                "creates the table (loads a side table, then renames it)"
            );
            let replaced = plan(WriteMode::Replace, &existing(&[]));
            assert_eq!(
                (replaced.finish, replaced.target_exists),
                (Finish::Swap, true)
            );
            assert_eq!(
                replaced.action(),
                "replaces the table (loads a side table, then swaps it in)"
            );
            assert!(replaced.warnings.is_empty() && replaced.refused.is_empty());
        }

        #[test]
        fn views_make_replace_a_refresh_unless_the_columns_change() {
            let kept = plan(WriteMode::Replace, &existing(&["s.v1", "s.v2"]));
            assert_eq!(kept.finish, Finish::Refresh);
            assert!(kept.accepted().is_ok());
            assert_eq!(kept.views, vec!["s.v1", "s.v2"]);
            assert_eq!(kept.warnings.len(), 1);
            assert!(kept.warnings[0].contains("(s.v1, s.v2): it is refreshed in place"));
            assert!(
                kept.action()
                    .contains("empties the table and copies the rows in")
            );

            let mut changed = existing(&["s.v1"]);
            changed.columns[1].declared = "character varying(5)".into();
            changed.columns[1].column_type = super::text(Some(5));
            changed.columns.push(TargetColumn {
                name: "old".into(),
                ..changed.columns[0].clone()
            });
            let refused = plan(WriteMode::Replace, &changed);
            let why = refused.accepted().unwrap_err().to_string();
            assert!(
                why.starts_with("refused before writing: views depend on the table (s.v1)"),
                "{why}"
            );
            assert!(why.contains("NAME (values longer than 5 characters fail the table)"));
            assert!(why.contains("old (not in the source)"), "{why}");
            assert!(refused.added.is_empty());

            // Only an extra column changes it, or only a type.
            let mut extra = existing(&["s.v1"]);
            extra.columns.push(TargetColumn {
                name: "old".into(),
                ..extra.columns[0].clone()
            });
            assert!(plan(WriteMode::Replace, &extra).accepted().is_err());
            changed.columns.pop();
            assert!(plan(WriteMode::Replace, &changed).accepted().is_err());
        }

        #[test]
        fn truncate_and_append_keep_the_definition_and_judge_each_column() {
            let same = plan(WriteMode::Truncate, &existing(&[]));
            assert_eq!(same.finish, Finish::Refresh);
            assert!(same.warnings.is_empty() && same.refused.is_empty());
            assert_eq!(
                same.comparison[0],
                Comparison {
                    source: "ID".into(),
                    source_type: "src_id".into(),
                    target: "id bigint".into(),
                    verdict: "exact".into()
                }
            );
            let appended = plan(WriteMode::Append, &existing(&[]));
            assert_eq!(appended.finish, Finish::Append);
            assert_eq!(
                appended.action(),
                "keeps the table's definition; loads a side table, then copies the rows in, \
                 in one transaction"
            );

            // A narrower column warns, a type that cannot hold the values refuses.
            let mut narrow = existing(&[]);
            narrow.columns[0].declared = "integer".into();
            narrow.columns[0].column_type = ColumnType::Int32;
            narrow.columns[1].declared = "bytea".into();
            narrow.columns[1].column_type = ColumnType::Binary {
                length: None,
                fixed: false,
            };
            let p = plan(WriteMode::Truncate, &narrow);
            assert_eq!(
                p.warnings,
                vec![
                    "ID: src_id into id integer: values beyond the target's range fail the table",
                    "NAME: src_name into name bytea: text is stored as its UTF-8 bytes"
                ]
            );
            assert!(p.refused.is_empty());
            assert_eq!(p.comparison[1].verdict, "text is stored as its UTF-8 bytes");
            narrow.columns[0].declared = "date".into();
            narrow.columns[0].column_type = ColumnType::Date;
            let p = plan(WriteMode::Append, &narrow);
            assert_eq!(
                p.refused,
                vec![
                    "column ID (src_id) cannot go into id date: integer values cannot go into \
                      a date column"
                ]
            );
            assert_eq!(
                p.comparison[0].verdict,
                "refused: integer values cannot go into a date column"
            );

            // A type this tool does not create is still refused when the values cannot go in.
            let mut domain = existing(&[]);
            domain.columns[0].declared = "birth_date".into();
            domain.columns[0].column_type = ColumnType::Date;
            let p = plan(WriteMode::Truncate, &domain);
            assert_eq!(
                p.refused,
                vec![
                    "column ID (src_id) cannot go into id birth_date: integer values cannot go \
                      into a date column"
                ]
            );

            // A type this tool does not create: the target converts, with a warning.
            let mut foreign = existing(&[]);
            foreign.columns[1].declared = "citext".into();
            let p = plan(WriteMode::Truncate, &foreign);
            assert_eq!(p.warnings.len(), 1);
            assert!(p.warnings[0].contains("citext is not a type this tool creates"));
            assert!(p.refused.is_empty());
        }

        #[test]
        fn new_and_missing_columns_follow_the_settings() {
            let mut fewer = existing(&[]);
            fewer.columns.truncate(1);
            let added = plan(WriteMode::Append, &fewer);
            assert_eq!(
                added.added,
                vec![ColumnDef {
                    name: "name".into(),
                    type_sql: "character varying(20)".into(),
                    nullable: true
                }]
            );
            assert!(added.warnings[0].starts_with("name: new in the source; added"));
            // Added columns take NULL in the rows already there, whatever the source says.
            let strict = TableShape {
                columns: vec![
                    column("id", ColumnType::Int64),
                    Column {
                        nullable: false,
                        ..column("name", super::text(Some(20)))
                    },
                ],
            };
            let p = WritePlan::new(&Postgres, options(WriteMode::Append), &strict, Some(&fewer));
            assert!(p.side_columns()[1].nullable && p.added[0].nullable);
            assert_eq!(added.comparison[1].target, "added: character varying(20)");
            assert!(added.accepted().is_ok());

            let fail = PlanOptions {
                schema_changes: SchemaChanges::Fail,
                ..options(WriteMode::Append)
            };
            let refused = WritePlan::new(&Postgres, fail, &shape(), Some(&fewer));
            assert!(refused.added.is_empty());
            assert_eq!(refused.refused.len(), 1);
            assert!(refused.refused[0].contains("column name is new in the source"));
            assert_eq!(refused.comparison[1].target, "missing");

            // Target columns the source lacks: NULL, their default, or refused.
            let mut more = existing(&[]);
            let first = more.columns[0].clone();
            let extra = |name: &str, nullable, has_default| TargetColumn {
                name: name.into(),
                nullable,
                has_default,
                ..first.clone()
            };
            more.columns.push(extra("a", true, false));
            more.columns.push(extra("b", false, true));
            more.columns.push(extra("c", false, false));
            let p = plan(WriteMode::Truncate, &more);
            assert_eq!(
                p.warnings,
                vec![
                    "a: not in the source; NULL in the new rows",
                    "b: not in the source; its default in the new rows"
                ]
            );
            assert_eq!(p.refused.len(), 1);
            assert!(p.refused[0].starts_with("column c is NOT NULL without a default"));

            // Names match exactly, or case-insensitively with LOWERCASE_COLUMNS.
            let mut upper = existing(&[]);
            upper.columns[0].name = "ID".into();
            let exact = plan(WriteMode::Truncate, &upper);
            assert_eq!(exact.added.len(), 1);
            let folded = PlanOptions {
                lowercase_columns: true,
                ..options(WriteMode::Truncate)
            };
            let p = WritePlan::new(&Postgres, folded, &shape(), Some(&upper));
            assert!(p.added.is_empty() && p.warnings.is_empty(), "{p:?}");
            assert_eq!(p.load[0].target.name, "ID");
        }

        #[test]
        fn views_and_tables_that_cannot_roll_back_are_refused() {
            for kind in ["VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"] {
                let mut view = existing(&[]);
                view.kind = kind.into();
                assert!(!view.is_table());
                let p = plan(WriteMode::Replace, &view);
                assert!(p.target_exists);
                assert!(
                    p.refused[0].starts_with(&format!("the target is a {}", kind.to_lowercase())),
                    "{p:?}"
                );
            }
            for kind in ["BASE TABLE", "table", " TABLE ", "SYSTEM VERSIONED"] {
                let mut table = existing(&[]);
                table.kind = kind.into();
                assert!(table.is_table(), "{kind}");
            }
            let mut myisam = existing(&[]);
            myisam.transactional = false;
            myisam.engine = Some("MyISAM".into());
            assert!(plan(WriteMode::Replace, &myisam).accepted().is_ok());
            let truncate = plan(WriteMode::Truncate, &myisam).refused.join(" ");
            assert!(
                truncate.contains("MyISAM storage engine") && truncate.contains("a refresh"),
                "{truncate}"
            );
            let append = plan(WriteMode::Append, &myisam).refused.join(" ");
            assert!(
                append.contains("an append would not be all-or-nothing"),
                "{append}"
            );
        }
    }
}
