//! Passwords never appear in output.
//!
//! Every password the configuration holds is registered here, and everything the tool prints
//! (log lines, error messages, the summary) passes through [`redact`], which replaces the
//! registered values and any `PWD=...` / `Password=...` attribute of an ODBC connection string,
//! including those that drivers echo back in their diagnostics.

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

/// `text` with every registered secret and every password attribute masked.
pub fn redact(text: &str) -> String {
    let mut out = mask_password_attributes(text);
    let secrets = registry().read().unwrap_or_else(|e| e.into_inner());
    for secret in secrets.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
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
            text[i..].find('}').map_or(text.len() - i, |end| end + 1)
        } else {
            text[i..]
                .find(|c: char| c == ';' || c == '\'' || c == '"' || c.is_whitespace())
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
        assert_eq!(mask_password_attributes("mypwd=1"), "mypwd=1");
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
