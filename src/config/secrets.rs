//! Passwords never appear in output.
//!
//! Every password the configuration holds is registered here (also those inside a given
//! connection string), and everything the tool prints (log lines, error messages, the summary,
//! `check`) passes through [`redact`], which masks every registered password where it stands as
//! a whole word, whatever characters it holds, and then any `PWD=...` / `Password=...`
//! attribute of an ODBC connection string (including those that drivers echo back in their
//! diagnostics).
//! Masking works on that structure, so it never changes other words: with the password
//! `postgres`, `postgresql+psycopg2` stays as it is, and so does `UID=postgres` when the user
//! name is the same word (a user name is no secret).

use std::{
    fmt,
    sync::{OnceLock, RwLock},
};

/// What replaces a secret in output.
pub const MASK: &str = "***";

fn registry() -> &'static RwLock<Vec<String>> {
    static SECRETS: OnceLock<RwLock<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| RwLock::new(Vec::new()))
}

fn public() -> &'static RwLock<Vec<String>> {
    static PUBLIC: OnceLock<RwLock<Vec<String>>> = OnceLock::new();
    PUBLIC.get_or_init(|| RwLock::new(Vec::new()))
}

/// Registers a value that is printed as it is even where it equals a password (a user name).
pub fn register_public(value: &str) {
    let mut values = public().write().unwrap_or_else(|e| e.into_inner());
    if !values.iter().any(|v| v == value) {
        values.push(value.to_string());
    }
}

/// A password: its `Debug` and `Display` never show the value.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value` and registers it for redaction.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        register(&value);
        Secret(value)
    }

    /// The value, for the connection string only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// Registers a value that must never be printed, as it is and as it stands in a connection
/// string (braced, with `}` doubled). Empty values are ignored; values shorter than three
/// characters are only masked inside connection-string attributes, because masking every
/// occurrence of, say, "ab" would garble all output.
pub fn register(value: &str) {
    if value.chars().count() < 3 {
        return;
    }
    let mut secrets = registry().write().unwrap_or_else(|e| e.into_inner());
    for form in [value.to_string(), value.replace('}', "}}")] {
        if !secrets.contains(&form) {
            secrets.push(form);
        }
    }
    // Longest first, so a secret containing another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `text` with every registered secret that stands as a whole word (no letter, digit or `_`
/// right before or after it) masked, and then every password attribute. The secrets go first:
/// masked by its attribute first, a password with a quote or `;` in it would lose only its
/// first part and no longer be found whole.
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    let secrets = registry().read().unwrap_or_else(|e| e.into_inner());
    let public = public().read().unwrap_or_else(|e| e.into_inner());
    for secret in secrets.iter() {
        let is_public = public
            .iter()
            .any(|p| p == secret || p.replace('}', "}}") == *secret);
        if is_public || !out.contains(secret.as_str()) {
            continue;
        }
        out = mask_whole_words(&out, secret);
    }
    mask_password_attributes(&out)
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with each occurrence of `secret` that is a whole word replaced by the mask.
fn mask_whole_words(text: &str, secret: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut before: Option<char> = None;
    while let Some(at) = rest.find(secret) {
        let prev = rest[..at].chars().next_back().or(before);
        let next = rest[at + secret.len()..].chars().next();
        let starts_word = secret.chars().next().is_some_and(is_word);
        let ends_word = secret.chars().next_back().is_some_and(is_word);
        let glued_before = starts_word && prev.is_some_and(is_word);
        let glued_after = ends_word && next.is_some_and(is_word);
        let whole = !(glued_before || glued_after);
        out.push_str(&rest[..at]);
        if whole {
            out.push_str(MASK);
            before = secret.chars().next_back();
            rest = &rest[at + secret.len()..];
        } else {
            // Glued to a word: another occurrence may start inside this one (`a-a` in
            // `ba-a-a`), so only its first character is passed over.
            let first = secret.chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[at..at + first]);
            before = secret.chars().next();
            rest = &rest[at + first..];
        }
    }
    out.push_str(rest);
    out
}

/// Masks the values of `PWD=`, `PASSWORD=` and `Password=` attributes (any case) by the rules
/// of a connection string: braced (`PWD={a;b}}c}`, where `}}` is a brace inside the value) up to
/// its closing brace, plain (`PWD=abc'def;`) up to the `;` or the line's end; and quoted, as
/// some messages echo it (`PWD='abc'`), up to the closing quote, or on to the `;` or the line's
/// end when more text is glued to that quote (`PWD='a'bc-x;`).
fn mask_password_attributes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, key, value)) = next_password_attribute(rest) {
        out.push_str(before);
        out.push_str(key);
        let value_len = if value.starts_with('{') {
            braced_len(value.as_bytes())
        } else if let Some(quote) = value.chars().next().filter(|c| *c == '\'' || *c == '"') {
            // Up to the closing quote; a quote glued to more text was part of the password,
            // which then runs on to the `;` or the line's end.
            let closed = value[1..].find(quote).map_or(value.len(), |end| end + 2);
            let plain_end = value.find([';', '\n', '\r']).unwrap_or(value.len());
            match value[closed..].chars().next() {
                Some(c)
                    if !c.is_whitespace() && !matches!(c, ';' | ',' | ')' | ']' | '\'' | '"') =>
                {
                    plain_end.max(closed)
                }
                _ => closed,
            }
        } else {
            value.find([';', '\n', '\r']).unwrap_or(value.len())
        };
        if value_len > 0 {
            out.push_str(MASK);
        }
        rest = &value[value_len..];
    }
    out.push_str(rest);
    out
}

/// The next `PWD=` / `PASSWORD=` attribute in `text` (a name at the start of a word, any case,
/// spaces allowed around the `=`): the text before it, the name with the `=` and the spaces after
/// it, and the rest, which starts with the value.
fn next_password_attribute(text: &str) -> Option<(&str, &str, &str)> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    loop {
        let (at, name) = ["pwd", "password"]
            .iter()
            .filter_map(|name| lower[from..].find(name).map(|at| (from + at, *name)))
            .min_by_key(|(at, name)| (*at, std::cmp::Reverse(name.len())))?;
        let word_start = !text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let after_name = &text[at + name.len()..];
        let after_spaces = after_name.trim_start();
        if word_start && let Some(value) = after_spaces.strip_prefix('=') {
            let value = value.trim_start_matches(' ');
            let key_end = text.len() - value.len();
            return Some((&text[..at], &text[at..key_end], value));
        }
        from = at + name.len();
    }
}

/// The length of a braced value (`{...}` with `}}` inside), or all of it when the brace is not
/// closed.
fn braced_len(value: &[u8]) -> usize {
    let mut k = 1;
    while k < value.len() {
        if value[k] == b'}' {
            if value.get(k + 1) == Some(&b'}') {
                k += 2;
                continue;
            }
            return k + 1;
        }
        k += 1;
    }
    value.len()
}

#[cfg(test)]
mod tests;
