//! An existing target table as its catalog describes it: kind, engine, columns with their
//! declared and cast types, defaults, and the views that depend on it.

use crate::{
    dialect::Dialect,
    odbc::{self, Connection},
    plan::{Column, TargetColumn},
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

    /// The name of its column `name` (ignoring case), as the catalog spells it.
    pub fn column_named(&self, name: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| c.name.as_str())
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
