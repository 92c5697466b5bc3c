//! The connection string: its attributes read from the user's `P_CONNECTION_STRING` and
//! `P_ODBC_OPTIONS`, and written back as the driver reads them (see [`crate::dialect::Braces`]),
//! so that no value, whatever it holds, can add an attribute.

use crate::{
    config::{ConfigError, secrets},
    dialect::{self, Dialect},
};

/// Splits `key=value;key={va;lue};...` into pairs (braced values may contain `;`).
pub fn parse_attributes(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().trim_start_matches(';').trim().to_string();
        rest = rest[eq + 1..].trim_start();
        let value;
        if rest.starts_with('{') {
            // Find the closing brace; "}}" is an escaped brace.
            let bytes = rest.as_bytes();
            let mut i = 1;
            let mut out = String::new();
            while i < bytes.len() {
                if bytes[i] == b'}' {
                    if bytes.get(i + 1) == Some(&b'}') {
                        out.push('}');
                        i += 2;
                        continue;
                    }
                    break;
                }
                let ch = rest[i..].chars().next().unwrap_or('}');
                out.push(ch);
                i += ch.len_utf8();
            }
            value = out;
            rest = rest.get(i + 1..).unwrap_or("");
            rest = rest.trim_start().trim_start_matches(';');
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            value = rest[..end].trim().to_string();
            // From the `;` on: the next key is trimmed of it.
            rest = &rest[end..];
        }
        if !key.is_empty() {
            pairs.push((key, value));
        }
    }
    pairs
}

/// The connection string of `attributes`, each value written as the driver reads it back (see
/// [`dialect::Braces`]), so no value, whatever it holds, can add an attribute; every password
/// in it is registered as a secret. A value the driver cannot be given is a [`ConfigError`].
pub(super) fn connection_string(
    prefix: &str,
    attributes: &[(String, String)],
    dialect: &dyn Dialect,
    driver: &str,
) -> anyhow::Result<String> {
    let braces = dialect.braces(driver);
    let mut out = String::new();
    for (key, value) in attributes {
        if dialect::is_password_key(key) {
            secrets::register(value);
        }
        // The driver manager reads DRIVER and DSN itself, and unbraces them.
        let braces = if key.eq_ignore_ascii_case("DRIVER") {
            dialect::Braces::Every
        } else if key.eq_ignore_ascii_case("DSN") {
            dialect::Braces::WhenNeeded
        } else {
            braces
        };
        let Some(attribute) = braces.write(key, value) else {
            return Err(ConfigError::new(format!(
                "{prefix}: the connection attribute {key} holds ';', '{{', '}}' or spaces at its \
                 ends, and the {} ODBC driver{} cannot read {key} back as it is from a \
                 connection string (no braces, or a braced value ends at '}};'); change it, or \
                 define a data source ({prefix}_DSN) that holds it",
                dialect.name(),
                if driver.is_empty() {
                    String::new()
                } else {
                    format!(" ({driver})")
                },
            ))
            .into());
        };
        out.push_str(&attribute);
    }
    Ok(out)
}
