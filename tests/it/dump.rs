//! DUMP mode: Parquet part files, the manifest, cleanup, the `dump` and `load` commands, and
//! DUMP giving the same target tables as DIRECT.

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::common::{Kind, TestDb, ValueKind, mixed, run_tool, write_ini};

fn ini_with(dir: &Path, src: &TestDb, dst: &TestDb, tables: &str, settings: &str) -> PathBuf {
    write_ini(dir, src, dst, tables, settings)
}

fn run_ok(dir: &Path, ini: &Path, extra: &[&str]) -> crate::common::Run {
    let mut args = vec!["--config", ini.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = run_tool(dir, &args, &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    run
}

/// The names in `dir`, sorted. A missing directory is an error, not an empty list: cleaning up
/// must remove the run's files, never the directory.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} cannot be read: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn manifest_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// DIRECT into one target database, DUMP into another: same column types, same values, both
/// equal to the source.
fn dump_matches_direct(source: Kind, target: Kind) {
    let src = TestDb::new(source, "dd_src");
    mixed::create(&src, "mixed");
    let direct = TestDb::new(target, "dd_direct");
    let dump = TestDb::new(target, "dd_dump");
    let dir = tempfile::tempdir().unwrap();
    let ini = ini_with(dir.path(), &src, &direct, "mixed", "");
    run_ok(dir.path(), &ini, &[]);
    let parquet = dir.path().join("parquet");
    let ini = ini_with(
        dir.path(),
        &src,
        &dump,
        "mixed",
        &format!(
            "TRANSFER_MODE = DUMP\nPARQUET_DIR = {}\nSRC_CHUNK_SIZE = 3",
            parquet.display()
        ),
    );
    run_ok(dir.path(), &ini, &[]);
    let schema = direct.staging_schema();
    let dump_schema = dump.staging_schema();
    assert_eq!(
        dump.column_types(dump_schema.as_deref(), "mixed"),
        direct.column_types(schema.as_deref(), "mixed"),
        "column types differ between DUMP and DIRECT"
    );
    mixed::assert_copied(&src, &dump, dump_schema.as_deref(), "mixed");
    mixed::assert_copied(&src, &direct, schema.as_deref(), "mixed");
    assert_eq!(
        files_in(&parquet),
        Vec::<String>::new(),
        "files left after cleanup"
    );
    assert!(parquet.is_dir(), "PARQUET_DIR itself must stay");
}

macro_rules! pair {
    ($name:ident, $s:expr, $t:expr) => {
        #[test]
        fn $name() {
            dump_matches_direct($s, $t);
        }
    };
}

pair!(dump_postgres_to_postgres, Kind::Postgres, Kind::Postgres);
pair!(dump_postgres_to_mariadb, Kind::Postgres, Kind::MariaDb);
pair!(dump_postgres_to_sqlite, Kind::Postgres, Kind::Sqlite);
pair!(dump_mariadb_to_postgres, Kind::MariaDb, Kind::Postgres);
pair!(dump_mariadb_to_mariadb, Kind::MariaDb, Kind::MariaDb);
pair!(dump_mariadb_to_sqlite, Kind::MariaDb, Kind::Sqlite);
pair!(dump_sqlite_to_postgres, Kind::Sqlite, Kind::Postgres);
pair!(dump_sqlite_to_mariadb, Kind::Sqlite, Kind::MariaDb);
pair!(dump_sqlite_to_sqlite, Kind::Sqlite, Kind::Sqlite);

#[test]
fn an_empty_table_gives_the_same_empty_table_in_both_modes() {
    for (source, target) in [
        (Kind::Postgres, Kind::Postgres),
        (Kind::MariaDb, Kind::Sqlite),
    ] {
        let src = TestDb::new(source, "empty_src");
        src.exec("CREATE TABLE leeg (id integer NOT NULL, naam varchar(30), bedrag decimal(10,2))");
        let direct = TestDb::new(target, "empty_direct");
        let dump = TestDb::new(target, "empty_dump");
        let dir = tempfile::tempdir().unwrap();
        let ini = ini_with(dir.path(), &src, &direct, "leeg", "");
        run_ok(dir.path(), &ini, &[]);
        let ini = ini_with(
            dir.path(),
            &src,
            &dump,
            "leeg",
            &format!(
                "TRANSFER_MODE = DUMP\nPARQUET_DIR = {}",
                dir.path().join("pq").display()
            ),
        );
        run_ok(dir.path(), &ini, &[]);
        let schema = direct.staging_schema();
        let dump_schema = dump.staging_schema();
        assert_eq!(direct.count(schema.as_deref(), "leeg"), 0);
        assert_eq!(dump.count(dump_schema.as_deref(), "leeg"), 0);
        let types = direct.column_types(schema.as_deref(), "leeg");
        assert_eq!(types.len(), 3, "{types:?}");
        assert_eq!(dump.column_types(dump_schema.as_deref(), "leeg"), types);
    }
}

/// A source table `t(id, v)` with `rows` rows.
fn numbered_source(kind: Kind, rows: usize) -> TestDb {
    let src = TestDb::new(kind, "parts_src");
    src.exec("CREATE TABLE t (id integer NOT NULL, v varchar(20))");
    let values: Vec<String> = (1..=rows).map(|i| format!("({i}, 'rij {i}')")).collect();
    for chunk in values.chunks(500) {
        src.exec(&format!("INSERT INTO t VALUES {}", chunk.join(", ")));
    }
    src
}

#[test]
fn dump_writes_numbered_part_files_and_prints_the_manifest() {
    let src = numbered_source(Kind::Postgres, 2500);
    let dst = TestDb::new(Kind::Postgres, "parts_dst");
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("pq");
    let ini = ini_with(
        dir.path(),
        &src,
        &dst,
        "t",
        &format!("SRC_CHUNK_SIZE = 1000\nPARQUET_DIR = {}", parquet.display()),
    );
    let run = run_ok(dir.path(), &ini, &["dump"]);
    let manifest_path = PathBuf::from(run.stdout.trim());
    assert!(
        manifest_path.is_file(),
        "stdout is not the manifest path: {}",
        run.output()
    );
    assert_eq!(
        files_in(&parquet),
        vec![
            manifest_path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            "t_part0000.parquet".into(),
            "t_part0001.parquet".into(),
            "t_part0002.parquet".into(),
        ]
    );
    let manifest = manifest_json(&manifest_path);
    let files = &manifest["tables"][0]["files"];
    let listed: Vec<(String, u64)> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            ("t_part0000.parquet".to_string(), 1000),
            ("t_part0001.parquet".to_string(), 1000),
            ("t_part0002.parquet".to_string(), 500)
        ]
    );
    assert_eq!(manifest["tables"][0]["rows"], 2500);
    assert_eq!(manifest["tables"][0]["target_table"], "t");
    assert_eq!(
        manifest["tables"][0]["columns"][1]["column_type"]["kind"],
        "text"
    );
    assert_eq!(
        manifest["tables"][0]["columns"][1]["column_type"]["length"],
        20
    );
    assert_eq!(manifest["tables"][0]["columns"][0]["nullable"], false);
    assert!(manifest["run_id"].as_str().is_some() && manifest["created_at"].as_str().is_some());
    // pyarrow agrees on the row counts.
    let read = pyarrow(&[parquet.join("t_part0002.parquet")]);
    assert_eq!(read["rows"], 500);
    assert!(!dst.has_table(Some("staging"), "t"), "dump must not load");
}

#[test]
fn only_the_manifest_files_are_loaded_and_cleaned_up() {
    let src = numbered_source(Kind::Sqlite, 3);
    let dst = TestDb::new(Kind::Postgres, "stale_dst");
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("pq");
    fs::create_dir_all(&parquet).unwrap();
    // A stale part file of an earlier, larger run, and an unrelated Parquet file.
    write_parquet(&parquet.join("t_part0003.parquet"), 7);
    write_parquet(&parquet.join("foreign.parquet"), 5);
    let ini = ini_with(
        dir.path(),
        &src,
        &dst,
        "t",
        &format!("TRANSFER_MODE = DUMP\nPARQUET_DIR = {}", parquet.display()),
    );
    run_ok(dir.path(), &ini, &[]);
    assert_eq!(
        dst.count(Some("staging"), "t"),
        3,
        "stale or foreign rows were loaded"
    );
    assert_eq!(
        files_in(&parquet),
        vec![
            "foreign.parquet".to_string(),
            "t_part0003.parquet".to_string()
        ],
        "the run's files must be removed, other files kept"
    );
}

#[test]
fn files_are_removed_after_a_failed_load_too() {
    let src = numbered_source(Kind::MariaDb, 3);
    let dst = TestDb::new(Kind::Postgres, "failload_dst");
    dst.exec("CREATE SCHEMA staging");
    // The target refuses the values: v holds at most 2 characters.
    dst.exec("CREATE TABLE staging.t (id bigint, v varchar(2))");
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("pq");
    let ini = ini_with(
        dir.path(),
        &src,
        &dst,
        "t",
        &format!(
            "TRANSFER_MODE = DUMP\nWRITE_MODE = truncate\nPARQUET_DIR = {}",
            parquet.display()
        ),
    );
    let run = run_tool(dir.path(), &["--config", ini.to_str().unwrap()], &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.stdout.contains("FAILED"), "{}", run.output());
    assert!(parquet.is_dir());
    assert_eq!(files_in(&parquet), Vec::<String>::new());
}

#[test]
fn parquet_dir_placeholders_keep_a_history() {
    let src = numbered_source(Kind::Sqlite, 4);
    let dst = TestDb::new(Kind::Sqlite, "history_dst");
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let ini = ini_with(
        dir.path(),
        &src,
        &dst,
        "t",
        &format!(
            "TRANSFER_MODE = DUMP\nCLEANUP_PARQUET_FILES = false\nPARQUET_DIR = {}/{{date}}/{{run_id}}",
            history.display()
        ),
    );
    let today = || chrono::Local::now().format("%Y-%m-%d").to_string();
    let first_day = today();
    run_ok(dir.path(), &ini, &[]);
    run_ok(dir.path(), &ini, &[]);
    let last_day = today();
    // Two runs, two directories, under the date each ran on (both the same, except around
    // midnight).
    let mut runs = Vec::new();
    for day in files_in(&history) {
        assert!(
            day == first_day || day == last_day,
            "{day} is not a run's date"
        );
        for run_id in files_in(&history.join(&day)) {
            runs.push((day.clone(), run_id));
        }
    }
    assert_eq!(runs.len(), 2, "two runs, two directories: {runs:?}");
    for (day, run_id) in runs {
        assert_eq!(
            files_in(&history.join(&day).join(&run_id)),
            vec![
                format!("manifest_{run_id}.json"),
                "t_part0000.parquet".to_string()
            ]
        );
    }
    assert_eq!(dst.count(None, "t"), 4);
}

#[test]
fn dump_then_load_elsewhere_with_only_the_target_configured() {
    let src = numbered_source(Kind::MariaDb, 1200);
    let dst = TestDb::new(Kind::Postgres, "load_dst");
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("pq");
    let ini = ini_with(
        dir.path(),
        &src,
        &dst,
        "t",
        &format!("SRC_CHUNK_SIZE = 500\nPARQUET_DIR = {}", parquet.display()),
    );
    let run = run_ok(dir.path(), &ini, &["dump"]);
    let manifest = PathBuf::from(run.stdout.trim());
    // "Another machine": the files move, and the configuration has no source.
    let moved = dir.path().join("elders");
    fs::rename(&parquet, &moved).unwrap();
    let moved_manifest = moved.join(manifest.file_name().unwrap());
    let target_only = crate::common::write_target_ini(dir.path(), &dst, "");
    let run = run_tool(
        dir.path(),
        &[
            "load",
            "--config",
            target_only.to_str().unwrap(),
            "--manifest",
            moved_manifest.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.output());
    // Every value, not only the count.
    let values =
        |db: &TestDb, table: String| db.query(&format!("SELECT id, v FROM {table} ORDER BY id"));
    let want = values(&src, src.table_ref(None, "t"));
    assert_eq!(want.len(), 1200);
    assert_eq!(values(&dst, dst.table_ref(Some("staging"), "t")), want);
    assert_eq!(
        files_in(&moved),
        Vec::<String>::new(),
        "load cleans up by default"
    );
}

#[test]
fn pyarrow_reads_the_files_with_the_expected_types_and_values() {
    let src = TestDb::new(Kind::Postgres, "pyarrow_src");
    mixed::create(&src, "mixed");
    let dst = TestDb::new(Kind::Postgres, "pyarrow_dst");
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("pq");
    let ini = ini_with(
        dir.path(),
        &src,
        &dst,
        "mixed",
        &format!("PARQUET_DIR = {}", parquet.display()),
    );
    run_ok(dir.path(), &ini, &["dump"]);
    let read = pyarrow(&[parquet.join("mixed_part0000.parquet")]);
    assert_eq!(read["compression"], "ZSTD");
    let types = &read["types"];
    for (column, arrow) in [
        ("id", "int32"),
        ("i16", "int16"),
        ("i32", "int32"),
        ("i64", "int64"),
        ("amount", "decimal128(18, 5)"),
        ("f32", "float"),
        ("f64", "double"),
        ("flag", "bool"),
        ("name", "string"),
        ("body", "string"),
        ("d", "date32[day]"),
        ("ts", "timestamp[us]"),
        ("bin", "binary"),
    ] {
        assert_eq!(types[column], arrow, "type of {column}");
    }
    let want = mixed::expected();
    for (i, (column, kind)) in mixed::COLUMNS.iter().enumerate() {
        let got: Vec<Option<String>> = read["values"][column]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().map(|s| crate::common::normalise(s, *kind)))
            .collect();
        let expected: Vec<Option<String>> = want.iter().map(|row| row[i].clone()).collect();
        if *kind == ValueKind::Float && *column == "f32" {
            // pyarrow widens float32 to a Python float: compare as f32.
            let as_f32 = |v: &Option<String>| v.as_ref().map(|s| s.parse::<f32>().unwrap());
            assert_eq!(
                got.iter().map(as_f32).collect::<Vec<_>>(),
                expected.iter().map(as_f32).collect::<Vec<_>>()
            );
        } else {
            assert_eq!(got, expected, "values of {column}");
        }
    }
}

/// Reads Parquet files with pyarrow (tests/support/read_parquet.py).
fn pyarrow(files: &[PathBuf]) -> serde_json::Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/read_parquet.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .args(files)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "pyarrow failed (is it installed? .ci/run installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Writes a Parquet file with columns id, v and `rows` rows, with pyarrow.
fn write_parquet(path: &Path, rows: usize) {
    let code = format!(
        "import pyarrow as pa, pyarrow.parquet as pq\n\
         pq.write_table(pa.table({{'id': pa.array(range(100, 100 + {rows}), pa.int32()), \
         'v': ['oud'] * {rows}}}), '{}')",
        path.display()
    );
    let out = std::process::Command::new("python3")
        .args(["-c", &code])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_interrupted_load_removes_the_files_and_keeps_the_old_table() {
    let src = TestDb::new(Kind::Postgres, "intr_src");
    src.exec(
        "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 300000) g",
    );
    let dst = TestDb::new(Kind::Postgres, "intr_dst");
    dst.exec("CREATE SCHEMA staging");
    dst.exec("CREATE TABLE staging.t (id integer, v text)");
    dst.exec("INSERT INTO staging.t VALUES (1, 'old')");
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("pq");
    let ini = ini_with(
        dir.path(),
        &src,
        &dst,
        "t",
        &format!(
            "TRANSFER_MODE = DUMP\nSRC_CHUNK_SIZE = 5000\nPARQUET_DIR = {}",
            parquet.display()
        ),
    );
    // The load's inserts wait until the test lets them go: the interrupt lands during the load,
    // after step 1 wrote every file and the manifest.
    let pause = crate::common::pause_side_table_inserts(&dst);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_source-to-staging"))
        .args(["--config", ini.to_str().unwrap()])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    crate::common::wait_until_paused(&dst);
    assert!(
        files_in(&parquet)
            .iter()
            .any(|f| f.starts_with("manifest_")),
        "the load started before the manifest was written"
    );
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    drop(pause);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("FAILED") && stdout.contains("interrupted"),
        "{stdout}{stderr}"
    );
    assert_eq!(files_in(&parquet), Vec::<String>::new(), "{stderr}");
    assert_eq!(
        dst.query("SELECT id, v FROM staging.t"),
        vec![vec![Some("1".into()), Some("old".into())]],
        "the old table must stay as it was"
    );
    assert!(
        !dst.has_side_table(Some("staging"), "t"),
        "side table left behind"
    );
}

/// Dumps `t` of a 3-row source with `dump` and returns (source, target, temp dir, Parquet dir,
/// manifest path, target-only INI).
fn dumped_for_load(tag: &str) -> (TestDb, TestDb, tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let src = numbered_source(Kind::Sqlite, 3);
    let dst = TestDb::new(Kind::Postgres, tag);
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("pq");
    let ini = ini_with(
        dir.path(),
        &src,
        &dst,
        "t",
        &format!("PARQUET_DIR = {}", parquet.display()),
    );
    let run = run_ok(dir.path(), &ini, &["dump"]);
    let manifest = PathBuf::from(run.stdout.trim());
    let target_only = crate::common::write_target_ini(dir.path(), &dst, "");
    (src, dst, dir, parquet, manifest, target_only)
}

/// A manifest is the list of files `load` reads and then deletes: one that names a file outside
/// its folder (`../victim.txt` was loaded, failed, and deleted), or a file twice, is refused
/// with exit 2 before anything is read or deleted.
#[test]
fn a_manifest_that_reaches_outside_its_folder_is_refused_and_deletes_nothing() {
    let (_src, dst, dir, parquet, manifest, ini) = dumped_for_load("victim_dst");
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, "niet van jou").unwrap();
    let original = fs::read_to_string(&manifest).unwrap();
    let dumped = files_in(&parquet);
    let mut json = manifest_json(&manifest);
    let part = json["tables"][0]["files"][0]["file"]
        .as_str()
        .unwrap()
        .to_string();
    // Refused with `says`, the victim and every file of the dump left as they were.
    let refused = |json: &serde_json::Value, says: &str| {
        fs::write(&manifest, serde_json::to_string_pretty(json).unwrap()).unwrap();
        let run = crate::common::load_manifest(dir.path(), &ini, &manifest);
        assert_eq!(run.code, 2, "{says}: {}", run.output());
        assert!(run.stderr.contains(says), "{says}: {}", run.output());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "niet van jou");
        assert_eq!(files_in(&parquet), dumped, "{says}: files were removed");
    };
    for bad in [
        "../victim.txt".to_string(),
        victim.display().to_string(),
        format!("sub/{part}"),
    ] {
        json["tables"][0]["files"][0]["file"] = bad.clone().into();
        refused(
            &json,
            &format!("the part file '{bad}' is not a plain file name in the manifest's folder"),
        );
    }
    // The same file for two tables.
    let mut json: serde_json::Value = serde_json::from_str(&original).unwrap();
    let mut second = json["tables"][0].clone();
    second["target_table"] = "u".into();
    second["source"] = "u".into();
    json["tables"].as_array_mut().unwrap().push(second);
    refused(
        &json,
        &format!("the part file '{part}' is named twice (tables t and u)"),
    );
    assert!(!dst.has_table(Some("staging"), "t"), "nothing is loaded");
}

/// The files of `load --manifest` are its input: when a table fails they stay for another load,
/// which, once the cause is fixed, loads them and removes them.
#[test]
fn the_files_of_a_failed_load_are_kept_for_another_load() {
    let (src, dst, dir, parquet, manifest, ini) = dumped_for_load("keep_dst");
    dst.exec("CREATE SCHEMA staging");
    dst.exec("CREATE TABLE staging.t (id bigint, v varchar(2))");
    let ini_text = fs::read_to_string(&ini).unwrap() + "WRITE_MODE = truncate\n";
    fs::write(&ini, ini_text).unwrap();
    let dumped = files_in(&parquet);
    let run = crate::common::load_manifest(dir.path(), &ini, &manifest);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stderr.contains("the files of") && run.stderr.contains("are kept for another load"),
        "{}",
        run.output()
    );
    assert_eq!(files_in(&parquet), dumped);
    dst.exec("DROP TABLE staging.t");
    let run = crate::common::load_manifest(dir.path(), &ini, &manifest);
    assert_eq!(run.code, 0, "{}", run.output());
    let values =
        |db: &TestDb, table: String| db.query(&format!("SELECT id, v FROM {table} ORDER BY id"));
    assert_eq!(
        values(&dst, dst.table_ref(Some("staging"), "t")),
        values(&src, src.table_ref(None, "t"))
    );
    assert_eq!(files_in(&parquet), Vec::<String>::new());
}

/// Tables whose names differ only in characters a file name cannot hold (`a/b`, `a_b`, `a:b`)
/// each get their own part files, also dumped at the same time: each target table holds its own
/// source table's rows (`a/b` was loaded with `a_b`'s). (Names that differ only in case are one
/// target table, refused before anything is written.)
#[test]
fn tables_whose_names_a_file_name_would_merge_keep_their_own_files() {
    let src = TestDb::new(Kind::Postgres, "names_src");
    let tables = ["a/b", "a_b", "a:b", "Klant"];
    for (n, table) in tables.iter().enumerate() {
        src.exec(&format!("CREATE TABLE \"{table}\" (id integer, v text)"));
        let rows: Vec<String> = (0..=n)
            .map(|i| format!("({i}, '{table} rij {i}')"))
            .collect();
        src.exec(&format!(
            "INSERT INTO \"{table}\" VALUES {}",
            rows.join(", ")
        ));
    }
    let dst = TestDb::new(Kind::Postgres, "names_dst");
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("pq");
    let ini = ini_with(
        dir.path(),
        &src,
        &dst,
        "a/b, a_b, a:b, Klant",
        &format!(
            "TRANSFER_MODE = DUMP\nPARALLEL_TABLES = 2\nCLEANUP_PARQUET_FILES = false\n\
             LOWERCASE_COLUMNS = true\nPARQUET_DIR = {}",
            parquet.display()
        ),
    );
    run_ok(dir.path(), &ini, &[]);
    for table in tables {
        let values = |db: &TestDb, schema: Option<&str>| {
            db.query(&format!(
                "SELECT id, v FROM {} ORDER BY id",
                db.table_ref(schema, table)
            ))
        };
        let want = values(&src, None);
        assert!(!want.is_empty());
        assert_eq!(values(&dst, Some("staging")), want, "{table}");
    }
    let parts: Vec<String> = files_in(&parquet)
        .into_iter()
        .filter(|f| f.ends_with(".parquet"))
        .collect();
    assert_eq!(parts.len(), 4, "{parts:?}");
    let mut lower: Vec<String> = parts.iter().map(|p| p.to_lowercase()).collect();
    lower.dedup();
    assert_eq!(lower.len(), 4, "names equal ignoring case: {parts:?}");
}

/// The Parquet parts and the manifest are full copies of the data, the log and the report say
/// what was copied: created readable by their owner only (0600), in folders the run creates for
/// its owner only (0700), whatever the umask (here 022, which would give 0644 and 0755).
#[test]
fn data_files_logs_and_reports_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let src = numbered_source(Kind::Sqlite, 5);
    let dst = TestDb::new(Kind::Sqlite, "modes_dst");
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("data").join("pq");
    let log = dir.path().join("logs").join("run.log");
    let report = dir.path().join("reports").join("run.json");
    let ini = ini_with(
        dir.path(),
        &src,
        &dst,
        "t",
        &format!(
            "TRANSFER_MODE = DUMP\nCLEANUP_PARQUET_FILES = false\nPARQUET_DIR = {}\n\
             [logging]\nLOG_TO_FILE = true\nLOG_FILE = {}",
            parquet.display(),
            log.display()
        ),
    );
    let mut command = std::process::Command::new("sh");
    command.args([
        "-c",
        &format!(
            "umask 022 && exec {} --config {} --report {}",
            env!("CARGO_BIN_EXE_source-to-staging"),
            ini.display(),
            report.display()
        ),
    ]);
    let status = command.current_dir(dir.path()).status().unwrap();
    assert!(status.success());
    let mut files = vec![log.clone(), report.clone()];
    for name in files_in(&parquet) {
        files.push(parquet.join(name));
    }
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".parquet"))
    );
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains("manifest_"))
    );
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    for folder in [
        dir.path().join("data"),
        parquet.clone(),
        dir.path().join("logs"),
        dir.path().join("reports"),
    ] {
        assert_eq!(mode(&folder), 0o700, "{}", folder.display());
    }
    assert_eq!(dst.count(None, "t"), 5);
}
