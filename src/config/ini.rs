//! A figment provider for the INI files of the original Python tool.
//!
//! figment has no INI format, so this small provider reads the file with `rust-ini` and hands
//! figment a flat dictionary of `KEY -> "value"` (key names upper-cased, values kept as text so
//! that validation can quote them exactly). Keys must sit in the section the Python tool read them
//! from; a known key in another section is a configuration error, an unknown key a warning, and
//! an unknown key that is a near miss of a known one (`WRITE_MOOD`) an error that names it.
//!
//! Files come from Windows editors: a UTF-8 byte-order mark is skipped, and a file that is not
//! UTF-8 is read as Windows-1252 (what Notepad and Excel save as "ANSI" on Dutch systems), with a
//! note saying so. Errors name the file and the line.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

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
    /// What was noticed while reading (the encoding), for the log.
    pub notes: Vec<String>,
    /// The sections whose keys name tables (`[queries]`, `[column-types]`, see
    /// [`keys::TABLE_SECTIONS`]), by section name in lower case.
    pub sections: BTreeMap<String, Vec<SectionEntry>>,
}

/// One line of a section whose keys name tables or columns (`name = SELECT ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionEntry {
    /// The key as written (a table name keeps its case).
    pub key: String,
    /// The value, trimmed.
    pub value: String,
    /// Where it is set, for messages (`config.ini line 12`).
    pub at: String,
}

/// The file's text: UTF-8 without a byte-order mark, or Windows-1252 when it is not UTF-8.
fn decode(path: &Path, bytes: &[u8]) -> (String, Option<String>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            (
                text.into_owned(),
                Some(format!(
                    "{} is not UTF-8 (line {line}); read as Windows-1252",
                    path.display()
                )),
            )
        }
    }
}

/// The lines (1-based) where `key` is set in `text`, for messages.
fn lines_of(text: &str, key: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim_start();
            line.get(..key.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(key))
                && line[key.len()..].trim_start().starts_with(['=', ':'])
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The text as Python's configparser reads it: a line whose first non-blank character is `;` or
/// `#` is a comment, also when it is indented (rust-ini would take it for the start of a key and
/// swallow the lines after it); an indented line continues the value above it. Line numbers
/// stay as they were.
fn without_comment_lines(text: &str) -> String {
    text.lines()
        .map(|line| {
            let start = line.trim_start();
            if start.starts_with(';') || start.starts_with('#') {
                ""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The known key `key` is most likely a misspelling of, if any (`WRITE_MOOD` -> `WRITE_MODE`).
pub fn near_miss(key: &str) -> Option<&'static str> {
    keys::ALL
        .iter()
        .map(|k| (strsim::levenshtein(key, k.name), k.name))
        .filter(|(distance, name)| *distance <= 2.min(name.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// The section `name` nearly spells, when it is not a section itself (`[incremantal]`).
fn near_miss_section(name: &str) -> Option<&'static str> {
    let name = name.trim().to_ascii_lowercase();
    let known = keys::ALL
        .iter()
        .map(|k| k.section)
        .chain(keys::TABLE_SECTIONS.iter().copied());
    if known.clone().any(|s| s == name) {
        return None;
    }
    known
        .map(|s| (strsim::levenshtein(&name, s), s))
        .filter(|(distance, s)| *distance <= 2.min(s.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, s)| s)
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
        let bytes = std::fs::read(path).map_err(|e| {
            ConfigError::new(format!(
                "cannot read the configuration file {}: {e}",
                path.display()
            ))
        })?;
        let (text, note) = decode(path, &bytes);
        let mut ini = Self::parse(path, &text)?;
        ini.notes.extend(note);
        Ok(ini)
    }

    /// Parses INI text; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let options = ParseOption {
            enabled_quote: false,
            enabled_escape: false,
            enabled_indented_mutiline_value: true,
            ..ParseOption::default()
        };
        let ini = Ini::load_from_str_opt(&without_comment_lines(text), options).map_err(|e| {
            ConfigError::new(format!(
                "the configuration file {} is not valid INI: line {}, column {}: {}; it needs \
                 sections such as [settings] with lines KEY = value",
                path.display(),
                e.line + 1,
                e.col + 1,
                e.msg
            ))
        })?;
        let mut values = Dict::new();
        let mut unknown = Vec::new();
        let mut errors = Vec::new();
        let at = |key: &str| match lines_of(text, key).first() {
            Some(line) => format!("{} line {line}", path.display()),
            None => format!("{}", path.display()),
        };
        let mut seen = std::collections::HashSet::new();
        let mut sections: BTreeMap<String, Vec<SectionEntry>> = BTreeMap::new();
        for (section, properties) in ini.iter() {
            if let Some(name) = section.map(|s| s.trim().to_ascii_lowercase())
                && keys::TABLE_SECTIONS.contains(&name.as_str())
            {
                let entries = sections.entry(name.clone()).or_default();
                for (key, value) in properties.iter() {
                    let key = key.trim();
                    let upper = key.to_ascii_uppercase();
                    let setting = keys::section_of(&upper)
                        .map(|s| (upper.clone(), s))
                        .or_else(|| {
                            near_miss(&upper)
                                .and_then(|k| keys::section_of(k).map(|s| (k.to_string(), s)))
                        });
                    if let Some((setting, belongs)) = setting {
                        // A setting below [queries] (a section header forgotten or misplaced)
                        // would be taken for a query, its value sent to the source as SQL.
                        let meant = if setting == upper {
                            upper.clone()
                        } else {
                            format!("{upper} (did you mean {setting}?)")
                        };
                        errors.push(format!(
                            "{}: {meant} is in section [{name}], but belongs in [{belongs}]; move \
                             it there (keys of [{name}] name tables)",
                            at(key),
                        ));
                    } else if upper.ends_with("_KEY") || upper.ends_with("_PASSWORD") {
                        errors.push(format!(
                            "{}: {upper} in [{name}] looks like a secret, not a table; move it to \
                             its section (a [{name}] entry named like this is refused so that its \
                             value is never sent to the source)",
                            at(key),
                        ));
                    } else if entries.iter().any(|e| e.key.eq_ignore_ascii_case(key)) {
                        errors.push(format!(
                            "{}: [{name}] {key} is set more than once; keep one",
                            at(key)
                        ));
                    } else if value.trim().is_empty() {
                        errors.push(format!(
                            "{}: [{name}] {key} has no value; give it one, or remove the line",
                            at(key)
                        ));
                    } else {
                        entries.push(SectionEntry {
                            key: key.to_string(),
                            value: value.trim().to_string(),
                            at: at(key),
                        });
                    }
                }
                continue;
            }
            if let Some(meant) = section.and_then(near_miss_section) {
                errors.push(format!(
                    "{}: unknown section [{}]; did you mean [{meant}]? (its lines would be \
                     ignored)",
                    path.display(),
                    section.unwrap_or_default().trim()
                ));
                continue;
            }
            for (key, value) in properties.iter() {
                if !seen.insert(key.trim().to_ascii_uppercase()) {
                    let lines: Vec<String> = lines_of(text, key.trim())
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    errors.push(format!(
                        "{}: {} is set more than once (lines {}); keep one",
                        path.display(),
                        key.trim(),
                        lines.join(" and ")
                    ));
                    continue;
                }
                let upper = key.trim().to_ascii_uppercase();
                let value = value.trim();
                let Some(section) = section else {
                    errors.push(format!(
                        "{}: {upper} stands before any section; put it under [{}]",
                        at(key.trim()),
                        keys::section_of(&upper).unwrap_or("settings")
                    ));
                    continue;
                };
                match keys::section_of(&upper) {
                    Some(expected) if expected.eq_ignore_ascii_case(section.trim()) => {
                        if !value.is_empty() {
                            values.insert(upper, Value::from(value.to_string()));
                        }
                    }
                    Some(expected) => errors.push(format!(
                        "{}: {upper} is in section [{section}], but belongs in [{expected}]; \
                         move it there",
                        at(key.trim())
                    )),
                    None => match near_miss(&upper) {
                        Some(known) => errors.push(format!(
                            "{}: unknown key {upper}; did you mean {known}?",
                            at(key.trim())
                        )),
                        None => unknown.push(format!("[{section}] {key} ({})", at(key.trim()))),
                    },
                }
            }
        }
        if !errors.is_empty() {
            return Err(ConfigError::new(errors.join("\n")));
        }
        Ok(Self {
            path: path.to_path_buf(),
            values,
            unknown,
            notes: Vec::new(),
            sections,
        })
    }
}

impl IniFile {
    /// One note per key this file sets that is also set in the environment (`env` looks a
    /// variable up), differently: the file wins (as in the Python tool), which surprises whoever
    /// passed `-e KEY=...`.
    pub fn shadowed_environment(&self, env: impl Fn(&str) -> Option<String>) -> Vec<String> {
        self.values
            .iter()
            .filter_map(|(key, value)| {
                let env = env(key).filter(|e| !e.trim().is_empty())?;
                let value = value.as_str().unwrap_or_default();
                if env.trim() == value {
                    return None;
                }
                let secret = keys::is_secret(key);
                let show = |v: &str| {
                    if secret {
                        super::secrets::MASK.to_string()
                    } else {
                        format!("'{v}'")
                    }
                };
                Some(format!(
                    "{key} = {} in {} wins over the environment variable {key}={}; remove the \
                     key from the file (or leave it empty) to take the environment's value",
                    show(value),
                    self.path.display(),
                    show(&env)
                ))
            })
            .collect()
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
mod tests;
