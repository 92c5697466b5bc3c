//! Checking the raw values: each key parsed, every problem collected with the key, the value,
//! where it came from and what is accepted.

use std::{collections::HashSet, path::PathBuf, time::Duration};

use super::{Connect, Endpoint, LogSettings, RawValues, Secret, Side, TableName, secrets};

/// Collects every problem, so the user can fix them all at once.
pub(super) struct Checker<'a> {
    pub(super) raw: &'a RawValues,
    pub(super) errors: Vec<String>,
}

impl<'a> Checker<'a> {
    pub(super) fn text(&self, key: &str) -> Option<String> {
        self.raw.get(key).map(str::to_string)
    }

    pub(super) fn fail(&mut self, key: &str, value: &str, accepted: &str) {
        let origin = self.raw.origin(key).unwrap_or("default");
        let shown = if super::keys::is_secret(key) {
            secrets::MASK
        } else {
            value
        };
        self.errors
            .push(format!("{key} = '{shown}' (from {origin}): {accepted}"));
    }

    /// A whole number from `min` to `max` (a wider number would exhaust threads, connections
    /// or memory, or overflow where it is used).
    pub(super) fn whole(&mut self, key: &str, min: u64, max: u64) -> Option<u64> {
        let accepted = format!("expected a whole number from {min} to {max}");
        let text = self.text(key)?;
        match text.trim().parse::<u64>() {
            Ok(v) if (min..=max).contains(&v) => Some(v),
            _ => {
                self.fail(key, &text, &accepted);
                None
            }
        }
    }

    /// A number of seconds from 0 to `max` (`1e20` would overflow a duration).
    pub(super) fn seconds(&mut self, key: &str, max: f64) -> Option<Duration> {
        let accepted = format!("expected a number of seconds from 0 to {max}, such as 0.5 or 8");
        self.number(key, max, &accepted)
            .map(Duration::from_secs_f64)
    }

    /// A finite number from 0 to `max`; otherwise the problem, saying `accepted`.
    pub(super) fn number(&mut self, key: &str, max: f64, accepted: &str) -> Option<f64> {
        let text = self.text(key)?;
        match text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=max).contains(&v) => Some(v),
            _ => {
                self.fail(key, &text, accepted);
                None
            }
        }
    }

    /// A path setting: relative paths from the INI file, and the defaults when there is an INI
    /// file, are relative to the file's folder (scheduled runs start in unexpected working
    /// directories); paths from the environment or the command line to the working directory.
    pub(super) fn path(&self, key: &str, value: &str) -> PathBuf {
        let path = PathBuf::from(value);
        match &self.raw.config_dir {
            Some(dir)
                if path.is_relative()
                    && self
                        .raw
                        .origin(key)
                        .is_some_and(|o| o.starts_with("configuration file") || o == "default") =>
            {
                dir.join(path)
            }
            _ => path,
        }
    }

    pub(super) fn boolean(&mut self, key: &str) -> Option<bool> {
        let value = self.text(key)?;
        match value.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" => Some(false),
            _ => {
                self.fail(key, &value, "expected true/false, 1/0, yes/no or on/off");
                None
            }
        }
    }
}

/// `[logging]`, parsed; `None` when a value is invalid (the checker has the problem).
pub(super) fn logging_settings(c: &mut Checker<'_>) -> Option<LogSettings> {
    let level = c
        .text("LOG_LEVEL")
        .and_then(|v| match v.to_ascii_uppercase().as_str() {
            "OFF" | "NONE" => Some(log::LevelFilter::Off),
            "ERROR" | "CRITICAL" | "FATAL" => Some(log::LevelFilter::Error),
            "WARN" | "WARNING" => Some(log::LevelFilter::Warn),
            "INFO" => Some(log::LevelFilter::Info),
            "DEBUG" => Some(log::LevelFilter::Debug),
            "TRACE" => Some(log::LevelFilter::Trace),
            _ => {
                c.fail(
                    "LOG_LEVEL",
                    &v,
                    "expected ERROR, WARNING, INFO, DEBUG or TRACE",
                );
                None
            }
        });
    let to_file = c.boolean("LOG_TO_FILE");
    let file = c.text("LOG_FILE").map(|f| c.path("LOG_FILE", &f));
    let format = c.text("LOG_FORMAT");
    let rotate_bytes = c.whole("LOG_ROTATE_BYTES", 1, 1 << 40);
    let backup_count = c.whole("LOG_BACKUP_COUNT", 0, 1000);
    Some(LogSettings {
        level: level?,
        to_file: to_file?,
        file: file?,
        rotate_bytes: rotate_bytes?,
        backup_count: usize::try_from(backup_count?).ok()?,
        format,
    })
}

pub(super) fn endpoint(c: &mut Checker<'_>, side: Side) -> Option<Endpoint> {
    let p = side.prefix();
    let key = |k: &str| format!("{p}_{k}");
    let get = |c: &Checker<'_>, k: &str| c.text(&key(k));
    let connection_string = get(c, "CONNECTION_STRING");
    let dsn = get(c, "DSN");
    let driver = get(c, "DRIVER");
    let host = get(c, "HOST");
    let database = get(c, "DB");
    let port_text = get(c, "PORT");
    let parts_given: Vec<String> = ["DRIVER", "HOST", "PORT", "DB"]
        .iter()
        .filter(|k| get(c, k).is_some())
        .map(|k| key(k))
        .collect();
    let mut ways = Vec::new();
    if connection_string.is_some() {
        ways.push(key("CONNECTION_STRING"));
    }
    if dsn.is_some() {
        ways.push(key("DSN"));
    }
    if !parts_given.is_empty() {
        ways.push(parts_given.join("/"));
    }
    if ways.len() > 1 {
        c.errors.push(format!(
            "two ways to connect to the {} are set ({}); use exactly one: {p}_CONNECTION_STRING, \
             {p}_DSN, or {p}_DRIVER with {p}_HOST/{p}_PORT/{p}_DB",
            side.name(),
            ways.join(" and ")
        ));
        return None;
    }
    let port = match port_text {
        Some(t) => match t.parse::<u16>() {
            Ok(p) if p > 0 => Some(p),
            _ => {
                c.fail(
                    &key("PORT"),
                    &t,
                    "expected a TCP port number between 1 and 65535",
                );
                return None;
            }
        },
        None => None,
    };
    let connect = if let Some(s) = connection_string {
        Connect::ConnectionString(s)
    } else if let Some(d) = dsn {
        Connect::Dsn(d)
    } else if let Some(driver) = driver {
        Connect::Parts {
            driver: driver
                .trim_start_matches('{')
                .trim_end_matches('}')
                .to_string(),
            host,
            port,
            database,
        }
    } else if !parts_given.is_empty() {
        c.errors.push(format!(
            "{} is set but {p}_DRIVER is not; name the ODBC driver (see `source-to-staging \
             drivers`), or use {p}_DSN or {p}_CONNECTION_STRING instead",
            parts_given.join("/")
        ));
        return None;
    } else {
        c.errors.push(format!(
            "no way to connect to the {} is set; set {p}_CONNECTION_STRING, {p}_DSN, or \
             {p}_DRIVER with {p}_HOST/{p}_PORT/{p}_DB",
            side.name()
        ));
        return None;
    };
    let password = get(c, "PASSWORD").map(Secret::new);
    if let Some(user) = get(c, "USERNAME") {
        secrets::register_public(&user);
    }
    let trust = c.boolean(&key("MSSQL_TRUST_SERVER_CERTIFICATE"));
    let tns_alias = c.boolean(&key("ORACLE_TNS_ALIAS")).unwrap_or(false);
    Some(Endpoint {
        side,
        connect,
        username: get(c, "USERNAME"),
        password,
        odbc_options: get(c, "ODBC_OPTIONS"),
        schema: get(c, "SCHEMA"),
        mssql_odbc_driver: get(c, "MSSQL_ODBC_DRIVER"),
        mssql_trust_server_certificate: trust,
        oracle_tns_alias: tns_alias,
        oracle_client_path: get(c, "ORACLE_CLIENT_PATH")
            .map(|p| c.path(&key("ORACLE_CLIENT_PATH"), &p)),
        admin_db: match side {
            Side::Target => get(c, "ADMIN_DB"),
            Side::Source => None,
        },
    })
}

pub(super) fn tables(c: &mut Checker<'_>, has_queries: bool) -> Option<Vec<TableName>> {
    let Some(text) = c.text("SRC_TABLES") else {
        if has_queries {
            return Some(Vec::new());
        }
        c.errors.push(
            "SRC_TABLES is not set: list the tables to copy, separated by commas (an entry may \
             be schema.table, or a pattern such as app_*), or give queries in [queries]"
                .to_string(),
        );
        return None;
    };
    let mut tables = Vec::new();
    let mut targets = HashSet::new();
    for (i, entry) in text.split(',').enumerate() {
        let entry = entry.trim();
        if entry.is_empty() {
            c.fail(
                "SRC_TABLES",
                &text,
                &format!(
                    "entry {} is empty; remove the extra comma (expected table or schema.table, \
                     separated by commas)",
                    i + 1
                ),
            );
            return None;
        }
        let (schema, name) = match entry.rsplit_once('.') {
            Some((s, n)) if !s.trim().is_empty() && !n.trim().is_empty() => {
                (Some(s.trim().to_string()), n.trim().to_string())
            }
            Some(_) => {
                c.fail(
                    "SRC_TABLES",
                    &text,
                    &format!("entry '{entry}' is not table or schema.table"),
                );
                return None;
            }
            None => (None, entry.to_string()),
        };
        if schema.as_deref().is_some_and(super::glob::is_pattern) {
            c.fail(
                "SRC_TABLES",
                &text,
                &format!(
                    "entry '{entry}': wildcards (* and ?) match table names only; name the \
                     schema, or list the schemas' tables separately"
                ),
            );
            return None;
        }
        let table = TableName { schema, name };
        if !table.is_pattern() && !targets.insert(table.name.to_lowercase()) {
            c.fail(
                "SRC_TABLES",
                &text,
                &format!(
                    "two entries would both be copied into the target table '{}'; copy them \
                     in separate runs with different DST_SCHEMA values",
                    table.name
                ),
            );
            return None;
        }
        tables.push(table);
    }
    Some(tables)
}
