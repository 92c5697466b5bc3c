//! A figment provider for the INI files of the original Python tool.
//!
//! figment has no INI format, so this small provider reads the file with `rust-ini` and hands
//! figment a flat dictionary of `KEY -> "value"` (key names upper-cased, values kept as text so
//! that validation can quote them exactly). Keys must sit in the section the Python tool read them
//! from; a known key in another section is a configuration error, an unknown key a warning.

use std::path::{Path, PathBuf};

use figment::{
    Metadata, Profile, Provider,
    value::{Dict, Map, Value},
};
use ini::{Ini, ParseOption};

use super::{ConfigError, keys};

/// The settings read from one INI file.
#[derive(Debug, Clone)]
pub struct IniFile {
    path: PathBuf,
    values: Dict,
    /// Keys the file sets that this tool does not know (reported as warnings).
    pub unknown: Vec<String>,
}

impl IniFile {
    /// Reads and checks `path`. Errors name the file and say what to fix.
    pub fn read(path: &Path) -> Result<Self, ConfigError> {
        if !path.exists() {
            return Err(ConfigError::new(format!(
                "the configuration file {} does not exist; pass an existing file with --config \
                 (config.ini.example shows every key)",
                path.display()
            )));
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new(format!(
                "cannot read the configuration file {}: {e}",
                path.display()
            ))
        })?;
        Self::parse(path, &text)
    }

    /// Parses INI text; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let options = ParseOption {
            enabled_quote: false,
            enabled_escape: false,
            ..ParseOption::default()
        };
        let ini = Ini::load_from_str_opt(text, options).map_err(|e| {
            ConfigError::new(format!(
                "the configuration file {} is not valid INI ({e}); it needs sections such as \
                 [settings] with lines KEY = value",
                path.display()
            ))
        })?;
        let mut values = Dict::new();
        let mut unknown = Vec::new();
        for (section, properties) in ini.iter() {
            for (key, value) in properties.iter() {
                let upper = key.trim().to_ascii_uppercase();
                let value = value.trim();
                let Some(section) = section else {
                    return Err(ConfigError::new(format!(
                        "{upper} in {} stands before any section; put it under [{}]",
                        path.display(),
                        keys::section_of(&upper).unwrap_or("settings")
                    )));
                };
                match keys::section_of(&upper) {
                    Some(expected) if expected.eq_ignore_ascii_case(section.trim()) => {
                        if !value.is_empty() {
                            values.insert(upper, Value::from(value.to_string()));
                        }
                    }
                    Some(expected) => {
                        return Err(ConfigError::new(format!(
                            "{upper} is in section [{section}] of {}, but belongs in [{expected}]; \
                             move it there",
                            path.display()
                        )));
                    }
                    None => unknown.push(format!("[{section}] {key}")),
                }
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            values,
            unknown,
        })
    }
}

impl Provider for IniFile {
    fn metadata(&self) -> Metadata {
        Metadata::from(
            format!("configuration file {}", self.path.display()),
            figment::Source::File(self.path.clone()),
        )
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_case_insensitive_keys_and_skips_empty_values() {
        let ini = IniFile::parse(
            Path::new("t.ini"),
            "[settings]\nsrc_tables = a, b\nROW_LIMIT =\n[database-source]\nSRC_DSN: x\n; comment\n",
        )
        .unwrap();
        assert_eq!(
            ini.values.get("SRC_TABLES").and_then(|v| v.as_str()),
            Some("a, b")
        );
        assert_eq!(
            ini.values.get("SRC_DSN").and_then(|v| v.as_str()),
            Some("x")
        );
        assert!(!ini.values.contains_key("ROW_LIMIT"));
    }

    #[test]
    fn a_key_in_the_wrong_section_is_an_error() {
        let err = IniFile::parse(Path::new("t.ini"), "[database-source]\nSRC_TABLES = a\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("SRC_TABLES") && err.contains("[settings]"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_are_collected() {
        let ini = IniFile::parse(Path::new("t.ini"), "[settings]\nFOO = 1\n").unwrap();
        assert_eq!(ini.unknown, vec!["[settings] FOO".to_string()]);
    }
}
