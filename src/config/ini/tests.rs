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
fn unknown_keys_are_collected_and_near_misses_refused() {
    let ini = IniFile::parse(Path::new("t.ini"), "[settings]\nFOO = 1\n").unwrap();
    assert_eq!(
        ini.unknown,
        vec!["[settings] FOO (t.ini line 2)".to_string()]
    );
    let err = IniFile::parse(Path::new("t.ini"), "[settings]\n\nWRITE_MOOD = append\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "t.ini line 3: unknown key WRITE_MOOD; did you mean WRITE_MODE?"
    );
}

#[test]
fn a_byte_order_mark_is_skipped_and_windows_1252_is_read() {
    let (text, note) = decode(Path::new("t.ini"), b"\xEF\xBB\xBF[settings]\n");
    assert_eq!((text.as_str(), note), ("[settings]\n", None));
    // "; caf\xe9" is Windows-1252 for "; café".
    let (text, note) = decode(Path::new("t.ini"), b"[settings]\n; caf\xe9\n");
    assert_eq!(text, "[settings]\n; café\n");
    assert_eq!(
        note.unwrap(),
        "t.ini is not UTF-8 (line 2); read as Windows-1252"
    );
}

#[test]
fn indented_comments_are_comments_and_indented_lines_continue_a_value() {
    let ini = IniFile::parse(
        Path::new("t.ini"),
        "[settings]\nSRC_TABLES = t,\n    t2\n  ; append, never replace\nWRITE_MODE = append\n\
             ; één tabel\n",
    )
    .unwrap();
    assert_eq!(
        ini.values.get("SRC_TABLES").and_then(|v| v.as_str()),
        Some("t,\nt2")
    );
    assert_eq!(
        ini.values.get("WRITE_MODE").and_then(|v| v.as_str()),
        Some("append")
    );
    // A Dutch comment before an unknown key: no panic on a character boundary.
    let ini = IniFile::parse(Path::new("t.ini"), "[settings]\n; één tabel\nFOO = 1\n").unwrap();
    assert_eq!(
        ini.unknown,
        vec!["[settings] FOO (t.ini line 3)".to_string()]
    );
    let err = IniFile::parse(
        Path::new("t.ini"),
        "[settings]\nROW_LIMIT = 1\nrow_limit = 2\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "t.ini: row_limit is set more than once (lines 2 and 3); keep one"
    );
}

#[test]
fn errors_name_the_line() {
    let err = IniFile::parse(Path::new("t.ini"), "SRC_DSN = x\n[settings]\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("t.ini line 1: SRC_DSN stands before"),
        "{err}"
    );
}

#[test]
fn a_value_that_differs_from_the_environment_is_named_and_passwords_masked() {
    let ini = IniFile::parse(
        Path::new("t.ini"),
        "[database-source]\nSRC_HOST = db1\nSRC_PASSWORD = geheim\nSRC_PORT = 5432\n\
             SRC_DB = same\n",
    )
    .unwrap();
    let env = |key: &str| match key {
        "SRC_HOST" => Some("db2".to_string()),
        "SRC_PASSWORD" => Some("anders".to_string()),
        "SRC_PORT" => Some("  ".to_string()),
        "SRC_DB" => Some(" same ".to_string()),
        _ => None,
    };
    let mut notes = ini.shadowed_environment(env);
    notes.sort();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].starts_with(
            "SRC_HOST = 'db1' in t.ini wins over the environment variable SRC_HOST='db2'"
        ),
        "{}",
        notes[0]
    );
    assert!(notes[1].starts_with("SRC_PASSWORD = ***"), "{}", notes[1]);
    assert!(!notes[1].contains("geheim") && !notes[1].contains("anders"));
    assert_eq!(ini.shadowed_environment(|_| None), Vec::<String>::new());
}

#[test]
fn quotes_and_backslashes_are_taken_as_written() {
    let ini = IniFile::parse(
        Path::new("t.ini"),
        "[settings]\nPARQUET_DIR = C:\\data\\new\\t\n[database-source]\nSRC_PASSWORD = \"pw;x\"\n",
    )
    .unwrap();
    assert_eq!(
        ini.values.get("PARQUET_DIR").and_then(|v| v.as_str()),
        Some("C:\\data\\new\\t")
    );
    assert_eq!(
        ini.values.get("SRC_PASSWORD").and_then(|v| v.as_str()),
        Some("\"pw;x\"")
    );
}

#[test]
fn short_keys_allow_fewer_typos() {
    // A quarter of the name's length, at most 2: SRC_DB (6 letters) allows one.
    assert_eq!(near_miss("SRC_DBX"), Some("SRC_DB"));
    assert_eq!(near_miss("SRC_DXX"), None);
    assert_eq!(near_miss("WRITE_MOOD"), Some("WRITE_MODE"));
    assert_eq!(near_miss("WRITE_MXXE"), Some("WRITE_MODE"));
    assert_eq!(near_miss("TOTALLY_ELSE"), None);
}

#[test]
fn a_setting_below_queries_is_refused_not_taken_for_a_query() {
    let err = IniFile::parse(
        Path::new("t.ini"),
        "[settings]\nSRC_TABLES = a\n\n[queries]\nq = SELECT 1 AS x\nPSEUDONYMIZE_KEY = geheim-en-lang\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "t.ini line 6: PSEUDONYMIZE_KEY is in section [queries], but belongs in [settings]; move \
         it there (keys of [queries] name tables)"
    );
    assert!(!err.contains("geheim"));
    let ini = IniFile::parse(
        Path::new("t.ini"),
        "[queries]\nKlanten_Per_Wijk = SELECT 1 AS x\n[column-types]\nk.postcode = varchar(6)\n",
    )
    .unwrap();
    assert_eq!(ini.sections["queries"][0].key, "Klanten_Per_Wijk");
    assert_eq!(ini.sections["column-types"][0].value, "varchar(6)");
    assert_eq!(ini.sections["column-types"][0].at, "t.ini line 4");
}

#[test]
fn a_misspelled_setting_or_a_secret_below_queries_is_refused_too() {
    for (line, says) in [
        (
            "PSEUDONYMISE_KEY = geheim-en-lang",
            "PSEUDONYMISE_KEY (did you mean PSEUDONYMIZE_KEY?) is in section [queries]",
        ),
        (
            "APP_PASSWORD = geheim-en-lang",
            "APP_PASSWORD in [queries] looks like a secret, not a table",
        ),
    ] {
        let err = IniFile::parse(Path::new("t.ini"), &format!("[queries]\n{line}\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(says), "{err}");
        assert!(!err.contains("geheim"), "{err}");
    }
}

#[test]
fn a_misspelled_section_and_an_entry_without_a_value_are_refused() {
    let err = IniFile::parse(
        Path::new("t.ini"),
        "[settings]\nSRC_TABLES = a\n[incremantal]\na = changed\n[merge-keys]\nb =\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("unknown section [incremantal]; did you mean [incremental]?"),
        "{err}"
    );
    assert!(
        err.contains("t.ini line 6: [merge-keys] b has no value"),
        "{err}"
    );
    // A section no one could mean is still only a warning.
    let ini = IniFile::parse(
        Path::new("t.ini"),
        "[settings]\nSRC_TABLES = a\n[mijn-notities]\nx = y\n",
    )
    .unwrap();
    assert_eq!(ini.unknown.len(), 1);
}
