use super::*;
use manifest::{MANIFEST_FORMAT, PartFile, manifest_name};
use parts::file_stem;

#[test]
fn part_numbers_have_four_digits_or_more() {
    assert_eq!(digits_for(1), 4);
    assert_eq!(digits_for(10_000), 4);
    assert_eq!(digits_for(10_001), 5);
    assert_eq!(part_name("t", 7, 4), "t_part0007.parquet");
    assert_eq!(part_name("t", 12_345, 5), "t_part12345.parquet");
}

#[test]
fn placeholders_are_filled_in() {
    let dir = expand_dir("history/{date}/{run_id}", "R1");
    let text = dir.to_string_lossy();
    assert!(
        text.starts_with("history/20") && text.ends_with("/R1"),
        "{text}"
    );
    assert_eq!(text.len(), "history/2026-11-26/R1".len());
}

#[test]
fn part_file_names_of_two_tables_never_collide_also_ignoring_case() {
    let tables = [
        "a/b",
        "a_b",
        "a\\b",
        "a:b",
        "A_B",
        "Clients",
        "clients",
        "CLIENTS",
        "klantén",
        "klant_n",
        "a~b",
        "a_b~0000000000000000",
        "",
        ".",
        "..",
        "con",
        "t",
        "t-1",
    ];
    let stems: Vec<String> = tables.iter().map(|t| file_stem(t)).collect();
    for (i, a) in stems.iter().enumerate() {
        assert!(is_plain(a), "{:?} -> {a}", tables[i]);
        for (j, b) in stems.iter().enumerate().skip(i + 1) {
            assert!(
                !a.eq_ignore_ascii_case(b) && a.to_lowercase() != b.to_lowercase(),
                "{:?} and {:?} share {a}",
                tables[i],
                tables[j]
            );
        }
    }
    // Plain names stay as they are; others keep a readable part.
    assert_eq!(file_stem("a_b"), "a_b");
    assert_eq!(file_stem("t-1"), "t-1");
    assert!(file_stem("a/b").starts_with("a_b~"), "{}", file_stem("a/b"));
    assert!(file_stem("Clients").starts_with("clients~"));
    assert_eq!(file_stem("a/b").len(), "a_b~".len() + 16);
    assert_eq!(file_stem("a/b"), file_stem("a/b"), "the same every run");
    // Long names are shortened and stay apart.
    let long_a = "x".repeat(300);
    let long_b = format!("{}y", "x".repeat(299));
    assert_ne!(file_stem(&long_a), file_stem(&long_b));
    assert!(part_name(&file_stem(&long_a), 0, 4).len() < 255);
    assert_eq!(file_stem(&"x".repeat(100)), "x".repeat(100));
    assert_ne!(file_stem(&"x".repeat(101)), "x".repeat(101));
}

/// A file name a manifest may name, as the load's check has it.
fn is_plain(stem: &str) -> bool {
    let name = part_name(stem, 0, 4);
    manifest::is_plain_file_name(&name) && !name.starts_with('.')
}

fn manifest_naming(files: &[(&str, &str)]) -> Manifest {
    let mut manifest = Manifest::new("R1".into(), "PostgreSQL".into());
    for (table, file) in files {
        manifest.tables.push(ManifestTable {
            source: table.to_string(),
            target_table: table.to_string(),
            rows: 1,
            columns: Vec::new(),
            files: vec![PartFile {
                file: file.to_string(),
                rows: 1,
            }],
            incremental: None,
        });
    }
    manifest
}

#[test]
fn a_manifest_names_only_plain_files_beside_it_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let read = |manifest: &Manifest| {
        let path = dir.path().join("m.json");
        std::fs::write(&path, serde_json::to_string(manifest).unwrap()).unwrap();
        read_manifest(&path)
            .map(|_| ())
            .map_err(|e| format!("{e:#}"))
    };
    assert_eq!(
        read(&manifest_naming(&[("t", "t_part0000.parquet")])),
        Ok(())
    );
    assert_eq!(
        read(&manifest_naming(&[
            ("t", "t_part0000.parquet"),
            ("u", "u~ab.parquet")
        ])),
        Ok(())
    );
    for bad in [
        "../victim.txt",
        "/etc/passwd",
        "sub/t_part0000.parquet",
        "sub\\t.parquet",
        "C:t.parquet",
        "..",
        ".",
        "",
        "t\n.parquet",
        "t_part0000.parquet.",
        "t_part0000.parquet ",
        "T_PART~1.PAR",
        "nul.parquet",
        "COM1",
        "con",
    ] {
        let error = read(&manifest_naming(&[("t", bad)])).unwrap_err();
        assert!(
            error.contains("is not a plain file name in the manifest's folder"),
            "{bad:?}: {error}"
        );
    }
    for (a, b) in [
        ("t_part0000.parquet", "t_part0000.parquet"),
        ("T_part0000.parquet", "t_part0000.parquet"),
    ] {
        let error = read(&manifest_naming(&[("t", a), ("u", b)])).unwrap_err();
        assert!(error.contains("is named twice (tables t and u)"), "{error}");
    }
    // Names that only look like the rules: fine.
    for fine in [
        "console_part0000.parquet",
        "a~1b_part0000.parquet",
        "com10.parquet",
    ] {
        assert_eq!(read(&manifest_naming(&[("t", fine)])), Ok(()), "{fine}");
    }
    // A part file that is a link is refused before it is read or removed.
    std::fs::write(dir.path().join("victim"), "x").unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("victim"),
        dir.path().join("t_part0000.parquet"),
    )
    .unwrap();
    let error = read(&manifest_naming(&[("t", "t_part0000.parquet")])).unwrap_err();
    assert!(error.contains("is a symbolic link"), "{error}");
    // Nor is such a manifest written.
    let twice = manifest_naming(&[("t", "x.parquet"), ("u", "x.parquet")]);
    assert!(write_manifest(dir.path(), &twice).is_err());
    assert!(!dir.path().join("manifest_R1.json").exists());
}

#[test]
fn run_ids_and_manifest_names_have_their_shape() {
    let id = new_run_id();
    // 20261126T021524Z-3fa9
    let (time, noise) = id.split_once('-').expect("a dash");
    assert_eq!(time.len(), 16, "{id}");
    assert!(time.ends_with('Z') && time.as_bytes()[8] == b'T', "{id}");
    assert_eq!(noise.len(), 4, "{id}");
    assert!(noise.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    assert_eq!(manifest_name("R1"), "manifest_R1.json");
}

#[test]
fn a_manifest_of_another_format_or_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    for (format, version) in [("something else", 1), (MANIFEST_FORMAT, 2)] {
        let mut manifest = manifest_naming(&[("t", "t_part0000.parquet")]);
        manifest.format = format.into();
        manifest.version = version;
        std::fs::write(&path, serde_json::to_string(&manifest).unwrap()).unwrap();
        let error = read_manifest(&path).unwrap_err().to_string();
        assert!(
            error.contains(&format!(
                "a manifest of format '{format}' version {version}"
            )),
            "{error}"
        );
    }
}

#[test]
fn a_runs_files_and_manifest_are_removed_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = manifest_naming(&[("t", "t_part0000.parquet"), ("u", "u_part0000.parquet")]);
    for name in ["t_part0000.parquet", "other.parquet", "m.json"] {
        std::fs::write(dir.path().join(name), "x").unwrap();
    }
    // u's file is already gone: fine.
    remove_run_files(
        dir.path(),
        &manifest.tables,
        Some(&dir.path().join("m.json")),
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["other.parquet"]);
}
