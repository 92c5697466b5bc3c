//! Passwords never appear in output.
//!
//! Every password the configuration holds is registered here, and everything the tool prints
//! (log lines, error messages, the summary) passes through [`redact`], which masks any `PWD=...`
//! / `Password=...` attribute of an ODBC connection string (including those that drivers echo
//! back in their diagnostics) and every registered password where it stands as a whole word.
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

/// Registers a value that must never be printed. Empty values are ignored; values shorter than
/// three characters are only masked inside connection-string attributes, because masking every
/// occurrence of, say, "ab" would garble all output.
pub fn register(value: &str) {
    if value.chars().count() < 3 {
        return;
    }
    let mut secrets = registry().write().unwrap_or_else(|e| e.into_inner());
    if !secrets.iter().any(|s| s == value) {
        secrets.push(value.to_string());
        // Longest first, so a secret containing another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// `text` with every password attribute masked, and every registered secret that stands as a
/// whole word (no letter, digit or `_` right before or after it).
pub fn redact(text: &str) -> String {
    let mut out = mask_password_attributes(text);
    let secrets = registry().read().unwrap_or_else(|e| e.into_inner());
    let public = public().read().unwrap_or_else(|e| e.into_inner());
    for secret in secrets.iter() {
        if public.iter().any(|p| p == secret) || !out.contains(secret.as_str()) {
            continue;
        }
        out = mask_whole_words(&out, secret);
    }
    out
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
        } else {
            out.push_str(secret);
        }
        before = secret.chars().next_back();
        rest = &rest[at + secret.len()..];
    }
    out.push_str(rest);
    out
}

/// Masks the values of `PWD=`, `PASSWORD=` and `Password=` attributes (any case), both plain
/// (`PWD=abc;`) and braced (`PWD={a;b}`).
fn mask_password_attributes(text: &str) -> String {
    const NAMES: [&str; 2] = ["pwd", "password"];
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let hit = NAMES.iter().find_map(|name| {
            let at_word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
            let rest = &lower[i..];
            if !at_word_start || !rest.starts_with(name) {
                return None;
            }
            let after = rest[name.len()..].trim_start();
            after
                .starts_with('=')
                .then(|| name.len() + (rest.len() - name.len() - after.len()) + 1)
        });
        let Some(key_len) = hit else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        };
        out.push_str(&text[i..i + key_len]);
        i += key_len;
        // Skip spaces after '='.
        while i < text.len() && bytes[i] == b' ' {
            out.push(' ');
            i += 1;
        }
        let value_len = if bytes.get(i) == Some(&b'{') {
            // Braced: up to the '}' that is not doubled ("}}" is a brace inside the value).
            let mut j = i + 1;
            loop {
                match bytes.get(j) {
                    None => break text.len() - i,
                    Some(b'}') if bytes.get(j + 1) == Some(&b'}') => j += 2,
                    Some(b'}') => break j + 1 - i,
                    Some(_) => j += 1,
                }
            }
        } else {
            // Plain: up to the ';' (spaces belong to the value), a quote or the line's end.
            text[i..]
                .find([';', '\'', '"', '\n', '\r'])
                .unwrap_or(text.len() - i)
        };
        if value_len > 0 {
            out.push_str(MASK);
        }
        i += value_len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_password_attributes() {
        assert_eq!(
            mask_password_attributes("Driver={X};UID=u;PWD=geheim;Server=s"),
            "Driver={X};UID=u;PWD=***;Server=s"
        );
        assert_eq!(
            mask_password_attributes("password = {a;b}; x"),
            "password = ***; x"
        );
        assert_eq!(mask_password_attributes("no secret here"), "no secret here");
        assert_eq!(
            mask_password_attributes("UID=u;PWD=Gr33n Apple;Server=s"),
            "UID=u;PWD=***;Server=s"
        );
        assert_eq!(
            mask_password_attributes("PWD={Old;Pa}}ss w0rd};Server=s"),
            "PWD=***;Server=s"
        );
        assert_eq!(mask_password_attributes("mypwd=1"), "mypwd=1");
    }

    #[test]
    fn masks_whole_words_only_and_never_user_names() {
        let _s = Secret::new("postgres");
        register_public("postgres");
        assert_eq!(
            redact("SRC_DRIVER = 'postgresql+psycopg2' UID=postgres;PWD=postgres;"),
            "SRC_DRIVER = 'postgresql+psycopg2' UID=postgres;PWD=***;"
        );
        let _t = Secret::new("Zomer2024");
        assert_eq!(
            redact("password Zomer2024 rejected; Zomer20245 x_Zomer2024 (Zomer2024)"),
            "password *** rejected; Zomer20245 x_Zomer2024 (***)"
        );
    }

    #[test]
    fn masks_registered_values_and_hides_them_in_debug() {
        let s = Secret::new("Sup3r-Geheim!");
        assert_eq!(format!("{s:?} {s}"), "*** ***");
        assert_eq!(
            redact("login failed for Sup3r-Geheim!"),
            "login failed for ***"
        );
    }
}
