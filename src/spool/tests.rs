use super::*;
use manifest::PartFile;
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
    !name.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|']) && !name.starts_with('.')
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
    // Nor is such a manifest written.
    let twice = manifest_naming(&[("t", "x.parquet"), ("u", "x.parquet")]);
    assert!(write_manifest(dir.path(), &twice).is_err());
    assert!(!dir.path().join("manifest_R1.json").exists());
}
