use std::time::Duration;

use super::*;

fn base<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("SRC_DSN", "src"),
        ("DST_DSN", "dst"),
        ("SRC_TABLES", "a, s.b"),
    ]
}

fn load(extra: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let mut pairs = base();
    pairs.extend_from_slice(extra);
    Settings::from_values(&RawValues::from_pairs(pairs))
}

#[test]
fn defaults_follow_the_spec() {
    let s = load(&[]).unwrap();
    assert_eq!(s.chunk_size, 100_000);
    assert_eq!(s.transfer_mode, TransferMode::Direct);
    assert_eq!(s.write_mode, WriteMode::Replace);
    assert_eq!(s.schema_changes, SchemaChanges::Add);
    assert_eq!(s.row_limit, None);
    assert!(s.log_row_count && s.cleanup_parquet_files && s.lowercase_columns);
    assert!(!s.ask_password);
    assert_eq!(s.retry.max_retries, 3);
    assert_eq!(s.retry.backoff_base, Duration::from_millis(500));
    assert_eq!(s.retry.backoff_max, Duration::from_secs(8));
    assert_eq!(s.parquet_dir, "data");
    assert_eq!(s.logging.level, log::LevelFilter::Info);
    assert_eq!(s.logging.file, PathBuf::from("logs/source_to_staging.log"));
    assert_eq!(
        s.tables,
        vec![
            TableName {
                schema: None,
                name: "a".into()
            },
            TableName {
                schema: Some("s".into()),
                name: "b".into()
            }
        ]
    );
}

#[test]
fn old_mode_names_and_booleans() {
    let s = load(&[
        ("TRANSFER_MODE", "connectorx_dump"),
        ("LOG_ROW_COUNT", "No"),
        ("ROW_LIMIT", "0"),
    ])
    .unwrap();
    assert_eq!(s.transfer_mode, TransferMode::Dump);
    assert!(!s.log_row_count);
    assert_eq!(s.row_limit, None);
    assert_eq!(
        load(&[("TRANSFER_MODE", "SQLALCHEMY_DIRECT")])
            .unwrap()
            .transfer_mode,
        TransferMode::Direct
    );
}

#[test]
fn every_write_mode_and_schema_change_setting_is_read() {
    for (text, mode) in [
        ("REPLACE", WriteMode::Replace),
        ("truncate", WriteMode::Truncate),
        ("Append", WriteMode::Append),
    ] {
        assert_eq!(load(&[("WRITE_MODE", text)]).unwrap().write_mode, mode);
    }
    for (text, changes) in [("ADD", SchemaChanges::Add), ("fail", SchemaChanges::Fail)] {
        let s = load(&[("SCHEMA_CHANGES", text)]).unwrap();
        assert_eq!(s.schema_changes, changes);
    }
    let err = load(&[("SCHEMA_CHANGES", "ignore")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("expected add or fail"), "{err}");
}

#[test]
fn a_positive_row_limit_limits_and_equal_backoffs_are_allowed() {
    assert_eq!(load(&[("ROW_LIMIT", "7")]).unwrap().row_limit, Some(7));
    assert_eq!(load(&[("ROW_LIMIT", "1")]).unwrap().row_limit, Some(1));
    let s = load(&[
        ("DIRECT_BACKOFF_BASE_SECONDS", "2"),
        ("DIRECT_BACKOFF_MAX_SECONDS", "2"),
    ])
    .unwrap();
    assert_eq!(s.retry.backoff_base, s.retry.backoff_max);
    let err = load(&[
        ("DIRECT_BACKOFF_BASE_SECONDS", "3"),
        ("DIRECT_BACKOFF_MAX_SECONDS", "2"),
    ])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("larger than DIRECT_BACKOFF_MAX_SECONDS"),
        "{err}"
    );
    assert!(err.starts_with("invalid configuration:"), "{err}");
    let two = load(&[("WRITE_MODE", "x"), ("SCHEMA_CHANGES", "y")])
        .unwrap_err()
        .to_string();
    assert!(two.contains("2 problems"), "{two}");
}

#[test]
fn log_levels_with_python_names_and_batch_memory_in_megabytes() {
    for (text, level) in [
        ("off", log::LevelFilter::Off),
        ("NONE", log::LevelFilter::Off),
        ("error", log::LevelFilter::Error),
        ("CRITICAL", log::LevelFilter::Error),
        ("Fatal", log::LevelFilter::Error),
        ("WARNING", log::LevelFilter::Warn),
        ("warn", log::LevelFilter::Warn),
        ("info", log::LevelFilter::Info),
        ("DEBUG", log::LevelFilter::Debug),
        ("trace", log::LevelFilter::Trace),
    ] {
        let s = load(&[("LOG_LEVEL", text)]).unwrap();
        assert_eq!(s.logging.level, level, "{text}");
    }
    let s = load(&[("BATCH_MEMORY_MB", "3")]).unwrap();
    assert_eq!(s.batch_memory, 3 * 1024 * 1024);
}

/// A target given by driver and parts instead of the base's DSN.
fn load_target_parts(parts: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let mut pairs = vec![("SRC_DSN", "src"), ("SRC_TABLES", "a")];
    pairs.extend_from_slice(parts);
    Settings::from_values(&RawValues::from_pairs(pairs))
}

#[test]
fn ports_are_1_to_65535_and_parts_need_a_driver() {
    for (text, port) in [("1", 1), ("5432", 5432), ("65535", 65535)] {
        let s = load_target_parts(&[
            ("DST_DRIVER", "{PostgreSQL Unicode}"),
            ("DST_HOST", "h"),
            ("DST_PORT", text),
        ])
        .unwrap();
        assert_eq!(
            s.target.connect,
            Connect::Parts {
                driver: "PostgreSQL Unicode".into(),
                host: Some("h".into()),
                port: Some(port),
                database: None,
            }
        );
    }
    for bad in ["0", "65536", "-1", "x"] {
        let err = load_target_parts(&[("DST_DRIVER", "d"), ("DST_PORT", bad)])
            .unwrap_err()
            .to_string();
        assert!(err.contains(&format!("DST_PORT = '{bad}'")), "{err}");
        assert!(err.contains("between 1 and 65535"), "{err}");
    }
    let err = load_target_parts(&[("DST_HOST", "h"), ("DST_DB", "d")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("DST_HOST/DST_DB is set but DST_DRIVER is not"),
        "{err}"
    );
    let err = load_target_parts(&[]).unwrap_err().to_string();
    assert!(!err.contains("is set but"), "{err}");
}

#[test]
fn a_table_needs_a_name_on_both_sides_of_its_dot() {
    for bad in ["s.", ".t", " . "] {
        let err = load(&[("SRC_TABLES", bad)]).unwrap_err().to_string();
        assert!(err.contains("SRC_TABLES"), "{bad}: {err}");
    }
    let s = load(&[("SRC_TABLES", "db.s.t")]).unwrap();
    assert_eq!(s.tables[0].schema.as_deref(), Some("db.s"));
    assert_eq!(s.tables[0].name, "t");
}

#[test]
fn errors_name_key_value_and_what_is_accepted() {
    let err = load(&[("WRITE_MODE", "upsert"), ("SRC_CHUNK_SIZE", "lots")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("WRITE_MODE = 'upsert'"), "{err}");
    assert!(err.contains("replace, truncate or append"), "{err}");
    assert!(err.contains("SRC_CHUNK_SIZE = 'lots'"), "{err}");
    assert!(err.contains("2 problems"), "{err}");
}

#[test]
fn empty_table_entry_is_an_error() {
    let err = load(&[("SRC_TABLES", "a,,b")]).unwrap_err().to_string();
    assert!(
        err.contains("SRC_TABLES") && err.contains("entry 2 is empty"),
        "{err}"
    );
}

#[test]
fn two_ways_to_connect_is_an_error() {
    let err = load(&[("SRC_HOST", "h")]).unwrap_err().to_string();
    assert!(err.contains("two ways to connect to the source"), "{err}");
}

#[test]
fn passwords_are_not_echoed_in_errors() {
    let mut c = Checker {
        raw: &RawValues::from_pairs([("DST_PASSWORD", "hunter2hunter2")]),
        errors: vec![],
    };
    c.fail("DST_PASSWORD", "hunter2hunter2", "whatever");
    assert!(!c.errors[0].contains("hunter2"));
}

/// Loads from an INI file (text) plus command-line pairs, without the environment.
fn from_file(text: &str, overrides: &[(&str, &str)]) -> (tempfile::TempDir, RawValues) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.ini");
    std::fs::write(&path, text).unwrap();
    let raw = RawValues::load(&ConfigSources {
        config_file: Some(path),
        overrides: overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        environment: false,
    })
    .unwrap();
    (dir, raw)
}

#[test]
fn layers_say_where_each_value_came_from_and_the_command_line_wins() {
    let (dir, raw) = from_file(
        "[settings]\nSRC_TABLES = a\nROW_LIMIT = 5\n",
        &[("row_limit", "7")],
    );
    assert_eq!(raw.get("SRC_TABLES"), Some("a"));
    let file = format!("configuration file {}", dir.path().join("c.ini").display());
    assert_eq!(raw.origin("SRC_TABLES"), Some(file.as_str()));
    assert_eq!(raw.get("ROW_LIMIT"), Some("7"));
    assert_eq!(raw.origin("ROW_LIMIT"), Some("command line"));
    assert_eq!(raw.get("WRITE_MODE"), Some("replace"));
    assert_eq!(raw.origin("WRITE_MODE"), Some("default"));
    assert_eq!(raw.origin("SRC_DSN"), None);
    assert_eq!(raw.config_dir.as_deref(), Some(dir.path()));
    let mut raw = raw;
    raw.set("ROW_LIMIT", "9".into(), "password prompt");
    assert_eq!(
        (raw.get("ROW_LIMIT"), raw.origin("ROW_LIMIT")),
        (Some("9"), Some("password prompt"))
    );
}

#[test]
fn an_unknown_set_key_is_refused_with_a_suggestion() {
    let err = RawValues::load(&ConfigSources {
        overrides: vec![("WRITE_MOOD".into(), "append".into())],
        ..ConfigSources::default()
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("--set WRITE_MOOD: unknown key; did you mean WRITE_MODE?"),
        "{err}"
    );
    assert!(
        RawValues::load(&ConfigSources {
            overrides: vec![("write_mode".into(), "append".into())],
            ..ConfigSources::default()
        })
        .is_ok()
    );
}

#[test]
fn relative_paths_from_the_ini_file_and_its_defaults_are_beside_it() {
    let (dir, raw) = from_file(
        "[database-source]\nSRC_DSN = s\n[database-destination]\nDST_DSN = d\n\
             [settings]\nSRC_TABLES = a\nPARQUET_DIR = pq\n[logging]\nLOG_FILE = /var/log/s.log\n",
        &[],
    );
    let s = Settings::from_values(&raw).unwrap();
    assert_eq!(PathBuf::from(&s.parquet_dir), dir.path().join("pq"));
    assert_eq!(s.logging.file, PathBuf::from("/var/log/s.log"));
    // The default LOG_FILE is beside the INI file too.
    let (dir, raw) = from_file(
        "[database-source]\nSRC_DSN = s\n[database-destination]\nDST_DSN = d\n\
             [settings]\nSRC_TABLES = a\n",
        &[("PARQUET_DIR", "cli")],
    );
    let s = Settings::from_values(&raw).unwrap();
    assert_eq!(
        s.logging.file,
        dir.path().join("logs").join("source_to_staging.log")
    );
    // From the command line: relative to the working directory.
    assert_eq!(s.parquet_dir, "cli");
    // Without an INI file, the defaults stay relative.
    let s = load(&[]).unwrap();
    assert_eq!(s.parquet_dir, "data");
}

#[test]
fn the_logging_of_an_unreadable_ini_file_is_read_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.ini");
    std::fs::write(
        &path,
        "SRC_DSN = before any section\n[logging]\nLOG_TO_FILE = true\nLOG_FILE = x.log\n\
             LOG_LEVEL =\nnot a key line\nSRC_TABLES = a\n",
    )
    .unwrap();
    let raw = RawValues::logging_of_unreadable(&path);
    assert_eq!(raw.get("LOG_TO_FILE"), Some("true"));
    assert_eq!(raw.get("LOG_FILE"), Some("x.log"));
    // Empty values and other sections' keys are not taken.
    assert_eq!(raw.get("LOG_LEVEL"), Some("INFO"));
    assert_eq!(raw.get("SRC_TABLES"), None);
    assert_eq!(raw.config_dir.as_deref(), Some(dir.path()));
    let log = Settings::logging_from(&raw);
    assert!(log.to_file);
    assert_eq!(log.file, dir.path().join("x.log"));
    // A [logging] value that does not parse keeps the defaults for the rest.
    let (_dir, raw) = from_file("[logging]\nLOG_TO_FILE = true\nLOG_LEVEL = loud\n", &[]);
    let log = Settings::logging_from(&raw);
    assert!(log.to_file && log.level == log::LevelFilter::Info);
}

#[test]
fn seconds_must_be_finite_and_not_negative() {
    for bad in ["-1", "NaN", "inf", "soon"] {
        let err = load(&[("DIRECT_BACKOFF_MAX_SECONDS", bad)])
            .unwrap_err()
            .to_string();
        assert!(err.contains("DIRECT_BACKOFF_MAX_SECONDS"), "{bad}: {err}");
    }
    let zero = load(&[
        ("DIRECT_BACKOFF_BASE_SECONDS", "0"),
        ("DIRECT_BACKOFF_MAX_SECONDS", "0"),
    ])
    .unwrap();
    assert_eq!(zero.retry.backoff_max, Duration::ZERO);
    let err = load(&[("DIRECT_BACKOFF_MAX_SECONDS", "0.25")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("larger than DIRECT_BACKOFF_MAX_SECONDS"),
        "{err}"
    );
}

#[test]
fn modes_and_table_names_print_as_the_configuration_writes_them() {
    assert_eq!(WriteMode::Truncate.to_string(), "truncate");
    assert_eq!(WriteMode::Append.to_string(), "append");
    assert_eq!(WriteMode::Replace.to_string(), "replace");
    assert_eq!(TransferMode::Dump.to_string(), "DUMP");
    assert_eq!(TransferMode::Direct.to_string(), "DIRECT");
    let s = load(&[]).unwrap();
    assert_eq!(s.tables[1].to_string(), "s.b");
    assert_eq!(s.tables[0].to_string(), "a");
}

#[test]
fn secrets_come_from_files_named_by_their_file_keys() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw.txt"), "geheim wachtwoord\n").unwrap();
    let key = dir.path().join("key.txt");
    std::fs::write(&key, "sleutel-uit-een-bestand\r\n").unwrap();
    let ini = dir.path().join("c.ini");
    std::fs::write(
        &ini,
        "[database-source]\nSRC_PASSWORD_FILE = pw.txt\n[settings]\nSRC_TABLES = a\n",
    )
    .unwrap();
    let load = |overrides: &[(&str, &str)]| {
        RawValues::load(&ConfigSources {
            config_file: Some(ini.clone()),
            overrides: overrides
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            environment: false,
        })
    };
    let raw = load(&[("PSEUDONYMIZE_KEY_FILE", key.to_str().unwrap())]).unwrap();
    // Relative to the INI file's folder; the trailing newline (and CR) is not the secret's.
    assert_eq!(raw.get("SRC_PASSWORD"), Some("geheim wachtwoord"));
    assert!(
        raw.origin("SRC_PASSWORD")
            .unwrap()
            .starts_with("SRC_PASSWORD_FILE")
    );
    assert_eq!(raw.get("PSEUDONYMIZE_KEY"), Some("sleutel-uit-een-bestand"));
    // The secret and its file both set: which one was meant?
    let err = load(&[("SRC_PASSWORD", "ander")]).unwrap_err().to_string();
    assert!(
        err.contains("SRC_PASSWORD (from command line) and SRC_PASSWORD_FILE")
            && !err.contains("geheim"),
        "{err}"
    );
    // A file that cannot be read is named, and the key that names it.
    let err = load(&[("DST_PASSWORD_FILE", "/nonexistent/pw")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("DST_PASSWORD_FILE = '/nonexistent/pw' (from command line): cannot read"),
        "{err}"
    );
    // An empty file (a mounted secret without its key) is no secret: an empty
    // PSEUDONYMIZE_KEY would pseudonymise with an empty HMAC key.
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    let err = load(&[("PSEUDONYMIZE_KEY_FILE", empty.to_str().unwrap())])
        .unwrap_err()
        .to_string();
    assert!(err.contains("is empty; put the secret in it"), "{err}");
}

/// Every number has a range: out of it is a configuration error naming the range (never a
/// panic: `LOCK_WAIT_SECONDS = 1e20` overflowed a duration; `PARTITIONS` had no bound, one
/// thread and connection each), and the edges are accepted.
#[test]
fn every_number_has_a_range() {
    for (key, too_big, edge, range) in [
        ("LOCK_WAIT_SECONDS", "1e20", "86400", "from 0 to 86400"),
        ("SWAP_WAIT_SECONDS", "86400.5", "0", "from 0 to 86400"),
        ("DIRECT_BACKOFF_BASE_SECONDS", "inf", "8", "from 0 to 3600"),
        (
            "DIRECT_BACKOFF_MAX_SECONDS",
            "3601",
            "3600",
            "from 0 to 3600",
        ),
        ("PARTITIONS", "65", "64", "from 1 to 64"),
        ("PARALLEL_TABLES", "1000000", "64", "from 1 to 64"),
        ("WRITERS_PER_TABLE", "65", "1", "from 1 to 64"),
        (
            "SRC_CHUNK_SIZE",
            "100000001",
            "100000000",
            "from 1 to 100000000",
        ),
        (
            "ROW_LIMIT",
            "9223372036854775808",
            "9223372036854775807",
            "from 0 to 9223372036854775807",
        ),
        ("DIRECT_MAX_RETRIES", "101", "100", "from 0 to 100"),
        (
            "MAX_TEXT_SIZE",
            "1073741825",
            "1073741824",
            "from 1 to 1073741824",
        ),
        (
            "MAX_BINARY_SIZE",
            "18446744073709551615",
            "1",
            "from 1 to 1073741824",
        ),
        ("BATCH_MEMORY_MB", "65537", "65536", "from 1 to 65536"),
        ("LOGIN_TIMEOUT_SECONDS", "3601", "3600", "from 1 to 3600"),
        (
            "LOG_ROTATE_BYTES",
            "1099511627777",
            "1099511627776",
            "from 1 to 1099511627776",
        ),
        ("LOG_BACKUP_COUNT", "1001", "1000", "from 0 to 1000"),
        ("INCREMENTAL_LOOKBACK", "1e13", "1e12", "from 0 to 1e12"),
    ] {
        let err = load(&[(key, too_big)]).unwrap_err().to_string();
        assert!(
            err.contains(&format!("{key} = '{too_big}'")) && err.contains(range),
            "{key}: {err}"
        );
        assert!(load(&[(key, edge)]).is_ok(), "{key} = {edge}");
    }
    let s = load(&[("LOCK_WAIT_SECONDS", "86400")]).unwrap();
    assert_eq!(s.lock_wait, Duration::from_secs(86_400));
}
