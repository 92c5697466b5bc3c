use std::sync::Arc;

use super::names::SIDE_SUFFIX;
use super::*;
use crate::dialect::RowsInto;
use arrow_odbc::arrow::{
    array::{Array, ArrayRef, Int32Array, StringArray, TimestampMicrosecondArray},
    datatypes::{Field, Schema},
};

/// A dialect that only says what it must: everything else is the trait's default.
struct Bare;

impl Connecting for Bare {}

impl Dialect for Bare {
    fn name(&self) -> &'static str {
        "Bare"
    }
    fn matches_dbms(&self, _dbms_name: &str) -> bool {
        false
    }
    fn matches_driver(&self, _driver_name: &str) -> bool {
        false
    }
    fn type_sql(&self, column_type: &ColumnType) -> String {
        match column_type {
            ColumnType::Int32 => "INTEGER".into(),
            _ => "TEXT".into(),
        }
    }
}

fn column(name: &str, column_type: ColumnType) -> Column {
    Column {
        source_name: name.into(),
        name: name.into(),
        column_type,
        nullable: true,
        source_type: "x".into(),
    }
}

#[test]
fn defaults_connect_name_and_create_the_standard_way() {
    let d = Bare;
    assert_eq!(
        d.connection_parts("Any", Some("h"), Some(5), Some("db")),
        vec![
            ("Server".to_string(), "h".to_string()),
            ("Port".to_string(), "5".to_string()),
            ("Database".to_string(), "db".to_string())
        ]
    );
    assert!(d.connection_parts("Any", None, None, None).is_empty());
    let tuning = DriverTuning {
        fetch_rows: 1,
        max_text_size: 1,
        trust_server_certificate: true,
    };
    assert!(d.driver_defaults("Any", tuning).is_empty());
    assert_eq!(d.quote("a\"b"), "\"a\"\"b\"");
    assert_eq!(d.literal("o'k"), "'o''k'");
    assert_eq!(d.fold_name("Zaken"), "Zaken");
    assert_eq!(d.table_ref(Some("db.s"), "t"), "\"db\".\"s\".\"t\"");
    assert_eq!(d.table_ref(None, "t"), "\"t\"");
    assert_eq!(d.admin_database(), None);
    assert_eq!(
        d.database_exists_sql("x'y"),
        "SELECT 1 FROM information_schema.schemata WHERE catalog_name = 'x''y'"
    );
    assert_eq!(d.create_database_sql("x"), "CREATE DATABASE \"x\"");
    assert!(d.has_schemas());
    assert_eq!(d.missing_schema_advice("s"), "create the schema s first");
    assert_eq!(
        d.schema_exists_sql("s"),
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = 's'"
    );
    assert_eq!(
        d.create_schema_sql("s").as_deref(),
        Some("CREATE SCHEMA IF NOT EXISTS \"s\"")
    );
    assert_eq!(d.max_name_length(), 128);
    assert_eq!(d.max_writers(), usize::MAX);
    assert_eq!(d.prepare_batch_effect(), "values changed");
    assert!(d.transactional_ddl());
    assert!(d.transactional_engine("MyISAM"));
    assert!(d.target_session_sql().is_empty());
}

#[test]
fn defaults_read_and_write_the_standard_way() {
    let d = Bare;
    let id = column("id", ColumnType::Int32);
    assert_eq!(d.declared_types_sql(Some("s"), "t"), None);
    assert_eq!(d.select_expr("\"id\"", &id), "\"id\"");
    assert_eq!(d.fetch_form(&id), FetchForm::Native);
    assert_eq!(d.byte_length_sql("\"id\"", &ColumnType::Int32), None);
    assert!(d.target_warnings(&ColumnType::Int32).is_empty());
    assert_eq!(
        d.select_sql("\"t\"", &["a".into(), "b".into()], Some(5)),
        "SELECT a, b FROM \"t\" LIMIT 5"
    );
    assert_eq!(
        d.select_sql("\"t\"", &["a".into()], None),
        "SELECT a FROM \"t\""
    );
    // A type the catalog names that the generic mapping does not know holds text.
    assert_eq!(
        d.target_column_type("geometry"),
        ColumnType::Text {
            length: None,
            fixed: false
        }
    );
    let defs = d.column_defs(&[
        id.clone(),
        Column {
            nullable: false,
            ..column("n", ColumnType::Date)
        },
    ]);
    assert_eq!(
        d.create_table_sql("\"t\"", &defs),
        "CREATE TABLE \"t\" (\"id\" INTEGER, \"n\" TEXT NOT NULL)"
    );
    assert_eq!(
        d.create_temporary_table_sql("\"t\"", &defs[..1]),
        "CREATE TEMPORARY TABLE \"t\" (\"id\" INTEGER)"
    );
    assert_eq!(d.temporary_table_ref(Some("s"), "t"), "\"t\"");
    assert_eq!(d.cast_type(&ColumnType::Int32), None);
    assert_eq!(d.dependent_views_sql(Some("s"), "t"), None);
    assert_eq!(
        d.table_columns_sql(None, "t"),
        "SELECT column_name, data_type, NULL, CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 \
             END, CASE WHEN column_default IS NULL THEN 0 ELSE 1 END FROM \
             information_schema.columns WHERE table_schema = CURRENT_SCHEMA AND table_name = 't' \
             ORDER BY ordinal_position"
    );
    assert_eq!(
        d.table_exists_sql(Some("s"), "t"),
        "SELECT table_type, NULL FROM information_schema.tables WHERE table_schema = 's' AND \
             table_name = 't'"
    );
    assert_eq!(d.empty_table_sql("\"t\""), "DELETE FROM \"t\"");
    assert_eq!(d.truncate_sql("\"t\""), "TRUNCATE TABLE \"t\"");
    assert_eq!(
        d.empty_copy_sql("\"c\"", "\"t\""),
        "CREATE TEMPORARY TABLE \"c\" AS SELECT * FROM \"t\" WHERE 1 = 0"
    );
    assert!(d.faithful_type("integer", &ColumnType::Int32));
    assert!(d.faithful_type(" Integer ", &ColumnType::Int32));
    assert!(!d.faithful_type("int", &ColumnType::Int32));
    assert_eq!(
        d.swap(Some("s"), "t_new", "t", true),
        Swap {
            statements: vec![
                "DROP TABLE IF EXISTS \"s\".\"t\"".into(),
                "ALTER TABLE \"s\".\"t_new\" RENAME TO \"t\"".into()
            ],
            transactional: true
        }
    );
    assert_eq!(d.swap(None, "t_new", "t", false).statements.len(), 1);
    let added = ColumnDef {
        name: "x".into(),
        type_sql: "TEXT".into(),
        nullable: true,
    };
    let merge = d.merge(
        "\"t\"",
        "\"n\"",
        &["\"a\"".into()],
        &[added],
        RowsInto::Refresh,
    );
    assert_eq!(
        merge,
        Merge {
            before: vec![],
            transaction: vec![
                "ALTER TABLE \"t\" ADD \"x\" TEXT".into(),
                "DELETE FROM \"t\"".into(),
                "INSERT INTO \"t\" (\"a\") SELECT \"a\" FROM \"n\"".into(),
                "DROP TABLE IF EXISTS \"n\"".into()
            ],
            after: vec![]
        }
    );
    let batch = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new("id", DataType::Int32, true)])),
        vec![Arc::new(Int32Array::from(vec![1]))],
    )
    .unwrap();
    let (same, changed) = d.prepare_batch(batch.clone(), &[]).unwrap();
    assert_eq!((same, changed), (batch, 0));
}

/// A dialect whose names are at most 20 bytes.
struct Short;

impl Connecting for Short {}

impl Dialect for Short {
    fn name(&self) -> &'static str {
        "Short"
    }
    fn matches_dbms(&self, _dbms_name: &str) -> bool {
        false
    }
    fn matches_driver(&self, _driver_name: &str) -> bool {
        false
    }
    fn type_sql(&self, _column_type: &ColumnType) -> String {
        "TEXT".into()
    }
    fn max_name_length(&self) -> usize {
        20
    }
}

#[test]
fn long_names_are_shortened_with_a_stable_hash() {
    assert_eq!(suffixed_name(&Short, "zaken", SIDE_SUFFIX), "zaken_s2s_new");
    assert_eq!(
        suffixed_name(&Short, "zaken_12", SIDE_SUFFIX),
        "zaken_12_s2s_new"
    );
    // 21 bytes: shortened to exactly 20 with a hash of the whole name, the same in every run
    // and version.
    let short = suffixed_name(&Short, "zaken_1234567", SIDE_SUFFIX);
    assert_eq!(short.len(), 20);
    assert_eq!(
        short,
        format!("zak{}{SIDE_SUFFIX}", fnv_tag("zaken_1234567"))
    );
    // Another long name with the same beginning gets another name.
    assert_ne!(short, suffixed_name(&Short, "zaken_1234568", SIDE_SUFFIX));
    // Never cut inside a character.
    let cut = suffixed_name(&Short, "ééééééé", SIDE_SUFFIX);
    assert_eq!(cut, format!("é{}{SIDE_SUFFIX}", fnv_tag("ééééééé")));
    assert_eq!(
        suffixed_name(&Bare, &"t".repeat(120), SIDE_SUFFIX).len(),
        128
    );
}

/// `_` and the low 32 bits of FNV-1a 64 in hex, written out independently of
/// `suffixed_name`.
fn fnv_tag(name: &str) -> String {
    let mut hash: u64 = 14_695_981_039_346_656_037;
    for byte in name.as_bytes() {
        hash ^= *byte as u64;
        hash = hash.wrapping_mul(1_099_511_628_211);
    }
    format!("_{:08x}", hash & 0xffff_ffff)
}

#[test]
fn each_run_has_its_own_side_table_and_the_side_tables_of_every_run_are_recognized() {
    assert_eq!(
        side_table_name(&Bare, "zaken", "0a1b2c3d"),
        "zaken_s2s_new_0a1b2c3d"
    );
    let long = "t".repeat(120);
    for d in [
        &Bare as &dyn Dialect,
        &postgres::Postgres,
        &mariadb::MariaDb,
    ] {
        for table in ["zaken", "zaken_1234567", "ééééééé", long.as_str()] {
            let mine = side_table_name(d, table, "0a1b2c3d");
            let theirs = side_table_name(d, table, "FFFFFFFF");
            let legacy = suffixed_name(d, table, SIDE_SUFFIX);
            assert!(mine.len() <= d.max_name_length(), "{mine}");
            assert_ne!(mine, theirs);
            let pattern = side_table_pattern(d, table);
            let prefix = pattern.strip_suffix('%').unwrap();
            for name in [&mine, &theirs, &legacy] {
                assert!(is_side_table_of(d, table, name), "{table}: {name}");
                assert!(
                    name.starts_with(prefix),
                    "{name} is not listed by {pattern}"
                );
            }
            let not_hex = format!("{}g", &mine[..mine.len() - 1]);
            let other = side_table_name(d, &format!("{table}2"), "0a1b2c3d");
            for name in [table, &mine[..mine.len() - 1], &not_hex, &other] {
                assert!(!is_side_table_of(d, table, name), "{table}: {name}");
            }
        }
    }
    assert!(!is_side_table_of(&Bare, "zaken", "zaken_s2s_newer"));
    assert!(!is_side_table_of(&Bare, "zaken", "zaken_s2s_new_0a1b2c3d4"));
}

#[test]
fn type_names_are_compared_without_case_and_spacing() {
    assert_eq!(
        normalized_type("  Numeric ( 12,  2 )  UNSIGNED "),
        "numeric(12,2) unsigned"
    );
    assert_eq!(normalized_type("DOUBLE\tPRECISION"), "double precision");
    assert_eq!(normalized_type("decimal(10, 2)"), "decimal(10,2)");
}

fn load(name: &str, source: ColumnType, target: ColumnType) -> LoadColumn {
    LoadColumn {
        source: column(name, source),
        target: TargetColumn {
            name: name.into(),
            declared: "x".into(),
            column_type: target,
            cast: None,
            nullable: true,
            has_default: false,
        },
    }
}

fn texts(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

fn batch_of(columns: Vec<ArrayRef>) -> RecordBatch {
    let fields: Vec<Field> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| Field::new(format!("c{i}"), c.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap()
}

#[test]
fn text_times_are_cut_and_moved_to_utc_where_the_column_needs_it() {
    use ColumnType as T;
    let instant = "2024-06-01 01:00:00.1234567 +02:00";
    let stamp = "9999-12-31 23:59:59.9999999";
    let columns = [
        load(
            "a",
            T::TimestampTz { precision: 7 },
            T::Timestamp { precision: 6 },
        ),
        load(
            "b",
            T::TimestampTz { precision: 7 },
            T::TimestampTz { precision: 7 },
        ),
        load(
            "c",
            T::Timestamp { precision: 7 },
            T::Timestamp { precision: 3 },
        ),
        load(
            "d",
            T::Timestamp { precision: 7 },
            T::Text {
                length: None,
                fixed: false,
            },
        ),
        load("e", T::Time { precision: 9 }, T::Time { precision: 9 }),
        load("f", T::Int32, T::Int32),
    ];
    let batch = batch_of(vec![
        texts(&[Some(instant), None]),
        texts(&[Some(instant), None]),
        texts(&[Some(stamp), None]),
        texts(&[Some(stamp), None]),
        texts(&[Some("23:59:59.123456789"), None]),
        Arc::new(Int32Array::from(vec![Some(1), None])),
    ]);
    let text = |b: &RecordBatch, i: usize| {
        b.column(i)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .value(0)
            .to_string()
    };

    // A DBMS whose time zone columns keep offsets, keeping 7 digits (SQL Server); no more
    // than the column's own precision either.
    let kept = adapt_text_times(batch.clone(), &columns, Some(7), true).unwrap();
    assert_eq!(text(&kept, 0), "2024-05-31 23:00:00.123456");
    assert_eq!(text(&kept, 1), instant);
    assert_eq!(text(&kept, 2), "9999-12-31 23:59:59.999");
    assert_eq!(text(&kept, 3), stamp);
    assert_eq!(text(&kept, 4), "23:59:59.1234567");
    assert!(kept.column(0).is_null(1));
    assert_eq!(kept.column(5), batch.column(5));

    // Without offsets, and without a limit: every digit stays.
    let plain = adapt_text_times(batch.clone(), &columns, None, false).unwrap();
    assert_eq!(text(&plain, 0), "2024-05-31 23:00:00.1234567");
    assert_eq!(text(&plain, 1), "2024-05-31 23:00:00.1234567");
    assert_eq!(text(&plain, 2), stamp);
    assert_eq!(text(&plain, 4), "23:59:59.123456789");

    // Nothing carried as text: the batch comes back as it was.
    let untouched = adapt_text_times(batch.clone(), &columns[5..], Some(6), false).unwrap();
    assert_eq!(
        untouched,
        batch.project(&[0]).map(|_| batch.clone()).unwrap()
    );
    // Values that did not come as text (a Parquet file's own timestamps) stay as they are.
    let native: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![Some(7), None]));
    let typed = batch_of(vec![native.clone()]);
    let kept = adapt_text_times(typed, &columns[..1], Some(6), false).unwrap();
    assert_eq!(kept.column(0), &native);
    // A value that is not a timestamp is an error, not a silent change.
    let bad = batch_of(vec![texts(&[Some("yesterday")])]);
    assert!(adapt_text_times(bad, &columns[..1], Some(6), false).is_err());
}

#[test]
fn time_zones_are_dropped_from_instants_only() {
    let instants: ArrayRef =
        Arc::new(TimestampMicrosecondArray::from(vec![Some(1), None]).with_timezone("UTC"));
    let naive: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![2, 3]));
    let batch = batch_of(vec![instants, naive.clone(), texts(&[Some("x"), None])]);
    let out = without_time_zones(batch).unwrap();
    let schema = out.schema();
    assert_eq!(
        schema.field(0).data_type(),
        &DataType::Timestamp(arrow_odbc::arrow::datatypes::TimeUnit::Microsecond, None)
    );
    assert_eq!(
        out.column(0).as_ref(),
        &TimestampMicrosecondArray::from(vec![Some(1), None]) as &dyn Array
    );
    assert_eq!(out.column(1), &naive);
    assert_eq!(schema.field(2).data_type(), &DataType::Utf8);
    let plain = batch_of(vec![naive]);
    assert_eq!(without_time_zones(plain.clone()).unwrap(), plain);

    let as_text = columns_as_text(
        batch_of(vec![
            texts(&[Some("a")]),
            Arc::new(Int32Array::from(vec![7])),
        ]),
        |t| t == &DataType::Int32,
        |a| {
            let ints = a.as_any().downcast_ref::<Int32Array>().unwrap();
            Ok(ints.iter().map(|v| v.map(|v| format!("<{v}>"))).collect())
        },
    )
    .unwrap();
    assert_eq!(as_text.schema().field(1).data_type(), &DataType::Utf8);
    assert_eq!(
        as_text
            .column(1)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .value(0),
        "<7>"
    );
    assert_eq!(as_text.schema().field(0).name(), "c0");
}

#[test]
fn dialects_are_found_by_dbms_and_driver_with_the_generic_one_last() {
    assert_eq!(for_dbms("PostgreSQL").name(), "PostgreSQL");
    assert_eq!(for_dbms("Teradata").name(), generic::Generic.name());
    assert_eq!(for_driver("MariaDB Unicode").name(), "MariaDB/MySQL");
    assert_eq!(for_driver("Some Driver").name(), generic::Generic.name());
    assert_eq!(
        common_source_warnings(&ColumnType::TimestampTz { precision: 6 }).len(),
        1
    );
    assert!(
        common_source_warnings(&ColumnType::Timestamp { precision: 7 })[0]
            .contains("carried as its text")
    );
    assert!(common_source_warnings(&ColumnType::Timestamp { precision: 6 }).is_empty());
}
