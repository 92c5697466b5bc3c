//! The raw values: the INI file, the environment and the command line layered by figment,
//! every value still text and remembering where it came from.

use std::{collections::BTreeMap, path::PathBuf};

use figment::{
    Figment, Metadata, Profile, Provider,
    value::{Dict, Map, Value},
};

use super::{ConfigError, IniFile, ini, ini::SectionEntry, keys};

/// Where settings come from (besides the defaults).
#[derive(Debug, Clone, Default)]
pub struct ConfigSources {
    /// The INI file (`--config`).
    pub config_file: Option<PathBuf>,
    /// Command-line values (`--set KEY=VALUE` and the flags), highest priority.
    pub overrides: Vec<(String, String)>,
    /// Read the process environment (variables named like the keys).
    pub environment: bool,
}

/// A layer of plain `KEY -> text` values with a name for messages.
struct Layer {
    name: String,
    values: Dict,
}

impl Layer {
    fn new(name: &str, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let values = pairs
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k, Value::from(v.trim().to_string())))
            .collect();
        Layer {
            name: name.to_string(),
            values,
        }
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

/// The merged text values with, per key, where the value came from.
#[derive(Debug, Clone, Default)]
pub struct RawValues {
    values: BTreeMap<String, (String, String)>,
    /// Keys in the INI file this tool does not know.
    pub unknown_keys: Vec<String>,
    /// The INI file's folder: relative paths in the file are relative to it.
    pub config_dir: Option<PathBuf>,
    /// What was noticed while loading (an INI file's encoding), for the log.
    pub notes: Vec<String>,
    /// What should be warned about: INI values that shadow environment variables.
    pub warnings: Vec<String>,
    /// The INI file's sections whose keys name tables (`[queries]`, `[column-types]`).
    pub sections: BTreeMap<String, Vec<SectionEntry>>,
}

/// Reads the secrets named by `SRC_PASSWORD_FILE`, `DST_PASSWORD_FILE` and
/// `PSEUDONYMIZE_KEY_FILE` (their content, without a trailing newline, is the secret); a file
/// named in the INI file is relative to its folder. Setting a secret and its file is an error.
fn secrets_from_files(
    values: &mut BTreeMap<String, (String, String)>,
    config_dir: Option<&std::path::Path>,
) -> Result<(), ConfigError> {
    for (secret, file_key) in keys::SECRET_FILES {
        let Some((path, from)) = values.get(*file_key).cloned() else {
            continue;
        };
        if let Some((_, secret_from)) = values.get(*secret) {
            return Err(ConfigError::new(format!(
                "{secret} (from {secret_from}) and {file_key} (from {from}) are both set; set \
                 one of them"
            )));
        }
        let mut file = PathBuf::from(path.trim());
        if file.is_relative()
            && from.starts_with("configuration file")
            && let Some(dir) = config_dir
        {
            file = dir.join(file);
        }
        let text = std::fs::read_to_string(&file).map_err(|e| {
            ConfigError::new(format!(
                "{file_key} = '{path}' (from {from}): cannot read {} ({e}); name a readable \
                 file that holds the secret",
                file.display()
            ))
        })?;
        let value = text.strip_suffix('\n').unwrap_or(&text);
        let value = value.strip_suffix('\r').unwrap_or(value).to_string();
        if value.is_empty() {
            return Err(ConfigError::new(format!(
                "{file_key} = '{path}' (from {from}): the file {} is empty; put the secret in it \
                 (a mounted secret that is missing its key gives an empty file)",
                file.display()
            )));
        }
        values.insert(
            secret.to_string(),
            (value, format!("{file_key} {}", file.display())),
        );
    }
    Ok(())
}

impl RawValues {
    /// Layers the sources (command line > INI > environment > defaults) with figment.
    pub fn load(sources: &ConfigSources) -> Result<Self, ConfigError> {
        let mut figment = Figment::new().merge(Layer::new(
            "default",
            keys::ALL
                .iter()
                .filter_map(|k| k.default.map(|d| (k.name.to_string(), d.to_string()))),
        ));
        if sources.environment {
            let env = std::env::vars().filter(|(k, _)| keys::find(k).is_some());
            figment = figment.merge(Layer::new("environment", env));
        }
        let mut unknown_keys = Vec::new();
        let mut notes = Vec::new();
        let mut warnings = Vec::new();
        let mut config_dir = None;
        let mut sections = BTreeMap::new();
        if let Some(path) = &sources.config_file {
            let ini = IniFile::read(path)?;
            unknown_keys = ini.unknown.clone();
            sections = ini.sections.clone();
            notes.extend(ini.notes.iter().cloned());
            if sources.environment {
                warnings.extend(ini.shadowed_environment(|key| std::env::var(key).ok()));
            }
            config_dir = Some(
                path.parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), PathBuf::from),
            );
            figment = figment.merge(ini);
        }
        let mut cli = Vec::new();
        for (key, value) in &sources.overrides {
            let upper = key.trim().to_ascii_uppercase();
            if keys::find(&upper).is_none() {
                let hint = ini::near_miss(&upper)
                    .map(|k| format!("did you mean {k}? "))
                    .unwrap_or_default();
                return Err(ConfigError::new(format!(
                    "--set {key}: unknown key; {hint}the keys are listed in config.ini.example \
                     and the README"
                )));
            }
            cli.push((upper, value.clone()));
        }
        figment = figment.merge(Layer::new("command line", cli));
        let merged: BTreeMap<String, String> = figment
            .extract()
            .map_err(|e| ConfigError::new(format!("cannot combine the settings: {e}")))?;
        let mut values = merged
            .into_iter()
            .map(|(k, v)| {
                let from = figment
                    .find_metadata(&k)
                    .map_or_else(|| "unknown".to_string(), |m| m.name.to_string());
                (k, (v, from))
            })
            .collect();
        secrets_from_files(&mut values, config_dir.as_deref())?;
        Ok(RawValues {
            values,
            unknown_keys,
            config_dir,
            notes,
            warnings,
            sections,
        })
    }

    /// The `[logging]` keys of an INI file that could not be read as a whole (a key in the wrong
    /// section, a misspelled key, ...), read line by line, so that the error about the file can
    /// still reach its `LOG_FILE`.
    pub fn logging_of_unreadable(path: &std::path::Path) -> RawValues {
        let mut raw = RawValues::from_pairs([]);
        let origin = format!("configuration file {}", path.display());
        if let Ok(bytes) = std::fs::read(path) {
            let text =
                match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)) {
                    Ok(text) => text.to_string(),
                    Err(_) => encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(),
                };
            for line in text.lines() {
                let Some((key, value)) = line.split_once(['=', ':']) else {
                    continue;
                };
                let key = key.trim().to_ascii_uppercase();
                if keys::section_of(&key) == Some("logging") && !value.trim().is_empty() {
                    raw.set(&key, value.trim().to_string(), &origin);
                }
            }
        }
        raw.config_dir = Some(
            path.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), PathBuf::from),
        );
        raw
    }

    /// Builds values directly (for the library API and tests); `from` names their origin.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut values = BTreeMap::new();
        for key in keys::ALL {
            if let Some(d) = key.default {
                values.insert(key.name.to_string(), (d.to_string(), "default".to_string()));
            }
        }
        for (k, v) in pairs {
            if !v.trim().is_empty() {
                values.insert(
                    k.to_ascii_uppercase(),
                    (v.trim().to_string(), "library call".to_string()),
                );
            }
        }
        RawValues {
            values,
            unknown_keys: Vec::new(),
            config_dir: None,
            notes: Vec::new(),
            warnings: Vec::new(),
            sections: BTreeMap::new(),
        }
    }

    /// Adds the entries of a section whose keys name tables (`queries`, `column-types`), for the
    /// library API and tests: `[("wijken", "SELECT ...")]`.
    pub fn with_section<'a>(
        mut self,
        section: &str,
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let list = self
            .sections
            .entry(section.to_ascii_lowercase())
            .or_default();
        list.extend(entries.into_iter().map(|(key, value)| SectionEntry {
            key: key.trim().to_string(),
            value: value.trim().to_string(),
            at: "library call".to_string(),
        }));
        self
    }

    /// The entries of the section `name` (lower case) whose keys name tables.
    pub fn section(&self, name: &str) -> &[SectionEntry] {
        self.sections.get(name).map_or(&[], Vec::as_slice)
    }

    /// The text value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|(v, _)| v.as_str())
    }

    /// Where the value of `key` came from ("configuration file x.ini", "environment", ...).
    pub fn origin(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|(_, o)| o.as_str())
    }

    /// Replaces a value (used for passwords typed at the prompt).
    pub fn set(&mut self, key: &str, value: String, origin: &str) {
        self.values
            .insert(key.to_string(), (value, origin.to_string()));
    }
}
