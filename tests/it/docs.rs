//! The documentation keeps up with the code: every configuration key is in config.ini.example
//! (with its default) and in the README, and the example file is valid.

use source_to_staging::config::{IniFile, keys};

fn read(path: &str) -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_string() + path).unwrap()
}

#[test]
fn config_example_has_every_key_with_its_default() {
    let text = read("config.ini.example");
    IniFile::parse(std::path::Path::new("config.ini.example"), &text).expect("valid INI");
    for key in keys::ALL {
        let line = text
            .lines()
            .map(|l| l.trim_start_matches(';').trim())
            .find(|l| l.split('=').next().map(str::trim) == Some(key.name))
            .unwrap_or_else(|| panic!("{} is missing from config.ini.example", key.name));
        if let Some(default) = key.default {
            let value = line.split_once('=').unwrap().1.trim();
            assert_eq!(
                value, default,
                "config.ini.example shows {} = {value}",
                key.name
            );
        }
    }
}

#[test]
fn readme_documents_every_key() {
    let readme = read("README.md");
    for key in keys::ALL {
        let generic = key.name.replacen("SRC_", "P_", 1).replacen("DST_", "P_", 1);
        assert!(
            readme.contains(key.name) || readme.contains(&generic),
            "{} is not in the README",
            key.name
        );
    }
}
