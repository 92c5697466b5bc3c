//! Pseudonymisation: a column's values replaced by the hex HMAC-SHA-256 of their text, keyed with
//! `PSEUDONYMIZE_KEY`. The same value and key give the same pseudonym in every table and run
//! (so staging tables still join on it); NULL stays NULL. A value's text is its text for text
//! columns, its bytes for binary columns, and Arrow's text of it otherwise (integers and decimals
//! in decimal notation, dates `2024-01-31`, timestamps `2024-01-31T10:15:00`).

use std::{fmt, sync::Arc};

use anyhow::Context;
use arrow_odbc::arrow::{
    array::{Array, ArrayRef, AsArray, StringBuilder},
    compute::cast,
    datatypes::DataType,
};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::config::Secret;

/// The keyed HMAC, ready for values.
#[derive(Clone)]
pub struct Pseudonymizer {
    keyed: Hmac<Sha256>,
}

impl fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pseudonymizer(HMAC-SHA-256, key ***)")
    }
}

impl Pseudonymizer {
    /// Keyed with the UTF-8 bytes of `key`.
    pub fn new(key: &Secret) -> Self {
        Pseudonymizer {
            keyed: Hmac::<Sha256>::new_from_slice(key.expose().as_bytes())
                .expect("HMAC takes keys of any length"),
        }
    }

    /// The pseudonym of `value`: 64 lower-case hex digits.
    pub fn pseudonym(&self, value: &[u8]) -> String {
        let mut mac = self.keyed.clone();
        mac.update(value);
        hex::encode(mac.finalize().into_bytes())
    }

    /// The array of pseudonyms of `values` (NULL stays NULL).
    pub fn apply(&self, values: &ArrayRef) -> anyhow::Result<ArrayRef> {
        let mut out = StringBuilder::with_capacity(values.len(), values.len() * 64);
        let mut push = |value: Option<&[u8]>| match value {
            Some(v) => out.append_value(self.pseudonym(v)),
            None => out.append_null(),
        };
        match values.data_type() {
            DataType::Binary => values.as_binary::<i32>().iter().for_each(&mut push),
            DataType::LargeBinary => values.as_binary::<i64>().iter().for_each(&mut push),
            DataType::Utf8 => values
                .as_string::<i32>()
                .iter()
                .for_each(|v| push(v.map(str::as_bytes))),
            DataType::LargeUtf8 => values
                .as_string::<i64>()
                .iter()
                .for_each(|v| push(v.map(str::as_bytes))),
            other => {
                let text = cast(values, &DataType::Utf8)
                    .with_context(|| format!("pseudonymising {other} values"))?;
                text.as_string::<i32>()
                    .iter()
                    .for_each(|v| push(v.map(str::as_bytes)));
            }
        }
        Ok(Arc::new(out.finish()))
    }
}

#[cfg(test)]
mod tests;
