//! Choosing and shaping what is copied, as configured: `SRC_TABLES_EXCLUDE`, `[queries]`,
//! `EXCLUDE_COLUMNS`, `PSEUDONYMIZE_COLUMNS` with `PSEUDONYMIZE_KEY`, and `[column-types]`,
//! parsed and checked before anything is opened. Matching them against the source's catalog and
//! columns happens when a run starts (`crate::select`) and when a table is described.

use std::path::PathBuf;

pub use super::glob::{glob_matches, is_pattern};
use super::{Secret, checker::Checker, ini::SectionEntry};

/// A query of `[queries]`: its result is copied into the table `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The key: the target table's name.
    pub name: String,
    /// The SELECT statement (without a trailing `;`).
    pub sql: String,
    /// The file it was read from (`name = @file.sql`).
    pub file: Option<PathBuf>,
}

/// A `table.column` pattern of `EXCLUDE_COLUMNS` or `PSEUDONYMIZE_COLUMNS` (`*.bsn`,
/// `klanten.geboorte*`), matched case-insensitively against the target table's name and the
/// source column's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnPattern {
    /// As written.
    pub text: String,
    table: String,
    column: String,
}

impl ColumnPattern {
    /// Parses `table.column`; the table part may be `schema.table`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.rsplit_once('.') {
            Some((table, column)) if !table.trim().is_empty() && !column.trim().is_empty() => {
                Ok(ColumnPattern {
                    text: text.to_string(),
                    table: table.trim().to_string(),
                    column: column.trim().to_string(),
                })
            }
            _ => Err(format!(
                "'{text}' is not table.column; write *.{} for a column of every table",
                text.trim_matches('.')
            )),
        }
    }

    /// Does the table part match the table `name` (or `schema.name`)?
    pub fn matches_table(&self, schema: Option<&str>, name: &str) -> bool {
        glob_matches(&self.table, name)
            || schema.is_some_and(|s| glob_matches(&self.table, &format!("{s}.{name}")))
    }

    /// Does the column part match `column`?
    pub fn matches_column(&self, column: &str) -> bool {
        glob_matches(&self.column, column)
    }
}

/// A `[column-types]` entry: the target column `table.column` gets the type `type_sql`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeOverride {
    /// The target table (as named in `SRC_TABLES` or `[queries]`).
    pub table: String,
    /// The column (source or target name; case is ignored).
    pub column: String,
    /// The type, as DDL of the target (`varchar(20)`, `numeric(12,2)`).
    pub type_sql: String,
}

/// The `[column-types]` entries (as `table.column`) whose table is none of `tables` (the target
/// tables a run or a manifest has).
pub fn overrides_without_table<'a>(
    overrides: &[TypeOverride],
    tables: impl Iterator<Item = &'a str> + Clone,
) -> Vec<String> {
    overrides
        .iter()
        .filter(|o| !tables.clone().any(|t| t.eq_ignore_ascii_case(&o.table)))
        .map(|o| format!("{}.{}", o.table, o.column))
        .collect()
}

/// What is copied and how it is shaped, besides `SRC_TABLES`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shaping {
    /// `SRC_TABLES_EXCLUDE`: table patterns removed from the tables `SRC_TABLES` matched.
    pub tables_exclude: Vec<String>,
    /// `[queries]`.
    pub queries: Vec<Query>,
    /// `EXCLUDE_COLUMNS`.
    pub exclude_columns: Vec<ColumnPattern>,
    /// `PSEUDONYMIZE_COLUMNS`.
    pub pseudonymize_columns: Vec<ColumnPattern>,
    /// `PSEUDONYMIZE_KEY` (set whenever `PSEUDONYMIZE_COLUMNS` is).
    pub pseudonymize_key: Option<Secret>,
    /// `[column-types]`.
    pub column_types: Vec<TypeOverride>,
}

impl TypeOverride {
    /// Is it about `column` (by its source or target name, ignoring case)?
    pub fn names(&self, column: &crate::plan::Column) -> bool {
        column.source_name.eq_ignore_ascii_case(&self.column)
            || column.name.eq_ignore_ascii_case(&self.column)
    }
}

/// Comma-separated entries of `key`, trimmed; an empty entry is an error naming the key.
fn list(c: &mut Checker<'_>, key: &str) -> Option<Vec<String>> {
    let Some(text) = c.text(key) else {
        return Some(Vec::new());
    };
    let entries: Vec<String> = text.split(',').map(|e| e.trim().to_string()).collect();
    if let Some(i) = entries.iter().position(String::is_empty) {
        c.fail(
            key,
            &text,
            &format!("entry {} is empty; remove the extra comma", i + 1),
        );
        return None;
    }
    Some(entries)
}

fn column_patterns(c: &mut Checker<'_>, key: &str) -> Option<Vec<ColumnPattern>> {
    let text = c.text(key).unwrap_or_default();
    let mut patterns = Vec::new();
    for entry in list(c, key)? {
        match ColumnPattern::parse(&entry) {
            Ok(p) => patterns.push(p),
            Err(why) => {
                c.fail(key, &text, &why);
                return None;
            }
        }
    }
    Some(patterns)
}

/// `[queries]`: `name = SELECT ...` or `name = @file.sql` (relative to the INI file's folder).
fn queries(c: &mut Checker<'_>) -> Option<Vec<Query>> {
    let entries: Vec<SectionEntry> = c.raw.section("queries").to_vec();
    let mut queries: Vec<Query> = Vec::new();
    let mut ok = true;
    for e in entries {
        match query(c.raw.config_dir.as_deref(), &e) {
            Ok(q) => queries.push(q),
            Err(why) => {
                c.errors
                    .push(format!("{}: [queries] {}: {why}", e.at, e.key));
                ok = false;
            }
        }
    }
    ok.then_some(queries)
}

/// One `[queries]` entry; a file named with `@` is read now, so a missing one stops the run
/// before anything is opened.
fn query(config_dir: Option<&std::path::Path>, e: &SectionEntry) -> Result<Query, String> {
    if e.key.contains('.') || is_pattern(&e.key) {
        return Err(
            "a query's name is the target table's name: a plain name without a schema \
                    or wildcards (DST_SCHEMA says where it goes)"
                .to_string(),
        );
    }
    let (sql, file) = match e.value.strip_prefix('@') {
        Some(path) => {
            // Relative to the INI file's folder (an absolute path stays as it is).
            let path =
                config_dir.map_or_else(|| PathBuf::from(path.trim()), |d| d.join(path.trim()));
            let bytes = std::fs::read(&path).map_err(|err| {
                format!(
                    "cannot read the query file {} ({err}); a relative path is relative to the \
                     INI file's folder",
                    path.display()
                )
            })?;
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| format!("{} is not UTF-8; save it as UTF-8", path.display()))?;
            (text, Some(path))
        }
        None => (e.value.clone(), None),
    };
    let sql = statement(&sql);
    if sql.is_empty() {
        return Err("the query is empty; write a SELECT statement".to_string());
    }
    Ok(Query {
        name: e.key.clone(),
        sql,
        file,
    })
}

/// The statement of a query's text: without trailing blank and `--` comment lines, so that a
/// `;` before them is found, and without that `;`.
fn statement(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    while lines.last().is_some_and(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with("--")
    }) {
        lines.pop();
    }
    lines
        .join("\n")
        .trim()
        .trim_end_matches(';')
        .trim_end()
        .to_string()
}

/// `[column-types]`: `table.column = TYPE`.
fn column_types(c: &mut Checker<'_>) -> Option<Vec<TypeOverride>> {
    let entries: Vec<SectionEntry> = c.raw.section("column-types").to_vec();
    let mut overrides = Vec::new();
    let mut ok = true;
    for e in entries {
        match e.key.rsplit_once('.') {
            Some((table, column))
                if !table.trim().is_empty() && !column.trim().is_empty() && !is_pattern(&e.key) =>
            {
                if let Err(why) = type_expression(&e.value) {
                    c.errors.push(format!(
                        "{}: [column-types] {} = {}: {why}; a type is a name with optional \
                         (n) or (n,m) and a few words, e.g. varchar(6), numeric(12,2), \
                         timestamp(3) with time zone",
                        e.at, e.key, e.value
                    ));
                    ok = false;
                    continue;
                }
                overrides.push(TypeOverride {
                    table: table.trim().to_string(),
                    column: column.trim().to_string(),
                    type_sql: e.value.clone(),
                });
            }
            _ => {
                c.errors.push(format!(
                    "{}: [column-types] {}: expected table.column = TYPE (plain names, no \
                     wildcards), e.g. klanten.postcode = varchar(6)",
                    e.at, e.key
                ));
                ok = false;
            }
        }
    }
    ok.then_some(overrides)
}

/// Words that make a column definition more than a type (constraints, defaults, generated
/// values): refused in a type expression.
const NOT_TYPE_WORDS: [&str; 14] = [
    "as",
    "check",
    "constraint",
    "default",
    "generated",
    "identity",
    "key",
    "not",
    "null",
    "on",
    "primary",
    "references",
    "unique",
    "using",
];

/// Checks that `value` is a type expression and nothing more, since it goes into DDL as it is
/// written: words (`double precision`, `int unsigned`, `with time zone`), at most two `( )`
/// of numbers (`n CHAR`/`n BYTE`), `max` or `*` separated by commas (`interval day(2) to
/// second(6)`), and `[]`. No `;`, quotes,
/// comments or operators, so a value cannot end the statement or add one.
pub(crate) fn type_expression(value: &str) -> Result<(), String> {
    let mut words = 0;
    let mut parentheses = 0;
    let mut rest = value.trim();
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return Err("it must start with the type's name".into());
    }
    while !rest.is_empty() {
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_ascii_whitespace() {
            rest = rest.trim_start();
        } else if c.is_ascii_alphabetic() || c == '_' {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let word = &rest[..end];
            if NOT_TYPE_WORDS.contains(&word.to_ascii_lowercase().as_str()) {
                return Err(format!("'{word}' makes it more than a type"));
            }
            words += 1;
            rest = &rest[end..];
        } else if c == '(' {
            parentheses += 1;
            let Some(end) = rest.find(')') else {
                return Err("its '(' is not closed".into());
            };
            for argument in rest[1..end].split(',') {
                let argument = argument.trim().to_ascii_lowercase();
                let number = argument
                    .strip_suffix("char")
                    .or_else(|| argument.strip_suffix("byte"))
                    .unwrap_or(&argument)
                    .trim();
                let fine = argument == "max"
                    || argument == "*"
                    || (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()));
                if !fine {
                    return Err(format!("'({})' holds more than numbers", &rest[1..end]));
                }
            }
            rest = &rest[end + 1..];
        } else if let Some(after) = rest.strip_prefix("[]") {
            rest = after;
        } else {
            return Err(format!("'{c}' has no place in a type"));
        }
    }
    if words > 6 || parentheses > 2 {
        return Err("it is longer than a type".into());
    }
    Ok(())
}

/// The shortest `PSEUDONYMIZE_KEY` accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 16;

/// Everything of [`Shaping`]; `copying` is false for `load`, which reads no source (the type
/// overrides matter then, and the column patterns, which the files must agree with).
pub(super) fn shaping(c: &mut Checker<'_>, copying: bool) -> Option<Shaping> {
    let column_types = column_types(c);
    if !copying {
        // `load` reads no source: no key is needed, but the column patterns are, to check that
        // the files were shaped as configured.
        let exclude_columns = column_patterns(c, "EXCLUDE_COLUMNS");
        let pseudonymize_columns = column_patterns(c, "PSEUDONYMIZE_COLUMNS");
        return Some(Shaping {
            column_types: column_types?,
            exclude_columns: exclude_columns?,
            pseudonymize_columns: pseudonymize_columns?,
            ..Shaping::default()
        });
    }
    let tables_exclude = list(c, "SRC_TABLES_EXCLUDE");
    let queries = queries(c);
    let exclude_columns = column_patterns(c, "EXCLUDE_COLUMNS");
    let pseudonymize_columns = column_patterns(c, "PSEUDONYMIZE_COLUMNS");
    let pseudonymize_key = c.text("PSEUDONYMIZE_KEY").map(Secret::new);
    if let Some(key) = &pseudonymize_key
        && key.expose().len() < MIN_KEY_BYTES
    {
        let origin = c
            .raw
            .origin("PSEUDONYMIZE_KEY")
            .unwrap_or("default")
            .to_string();
        c.errors.push(format!(
            "PSEUDONYMIZE_KEY (from {origin}) has {} bytes; a key needs at least {MIN_KEY_BYTES} \
             (with a short key every pseudonymised BSN can be found by trying all nine-digit \
             numbers): make one with `openssl rand -hex 32` and keep it",
            key.expose().len()
        ));
        return None;
    }
    if pseudonymize_columns.as_ref().is_some_and(|p| !p.is_empty()) && pseudonymize_key.is_none() {
        c.errors.push(
            "PSEUDONYMIZE_COLUMNS is set but PSEUDONYMIZE_KEY is not: set PSEUDONYMIZE_KEY to a \
             long random secret (e.g. the output of `openssl rand -hex 32`), preferably as an \
             environment variable, and keep it: the same key gives the same pseudonyms in every \
             run"
            .to_string(),
        );
        return None;
    }
    Some(Shaping {
        tables_exclude: tables_exclude?,
        queries: queries?,
        exclude_columns: exclude_columns?,
        pseudonymize_columns: pseudonymize_columns?,
        pseudonymize_key,
        column_types: column_types?,
    })
}

#[cfg(test)]
mod tests;
