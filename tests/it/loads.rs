//! Incremental loads (`[incremental]`, `[merge-keys]`, `INCREMENTAL_LOOKBACK`) and partitioned
//! reads (`[partitions]`, `PARTITIONS`): PostgreSQL -> PostgreSQL, MariaDB -> MariaDB and SQLite
//! -> SQLite (each DBMS's window SQL on the source and upsert SQL on the target), DIRECT and DUMP,
//! values compared with the source after every run.

use crate::{
    choosing::{Case, per_source},
    common::{Kind, TestDb, ValueKind},
};

/// `name` quoted for `kind`.
fn q(kind: Kind, name: &str) -> String {
    match kind {
        Kind::MariaDb => format!("`{name}`"),
        Kind::SqlServer => format!("[{name}]"),
        _ => format!("\"{name}\""),
    }
}

fn timestamp_type(kind: Kind) -> &'static str {
    match kind {
        Kind::MariaDb => "datetime(6)",
        Kind::SqlServer => "datetime2(6)",
        _ => "timestamp",
    }
}

/// `orders` (upserted by `id, versie`, watermark `gewijzigd`, one row without a watermark) and
/// `events` (appended, watermark `id`).
fn source(kind: Kind, tag: &str) -> TestDb {
    let db = TestDb::new(kind, tag);
    let ts = timestamp_type(kind);
    db.exec(&format!(
        "CREATE TABLE orders (id int NOT NULL, versie int NOT NULL, bedrag decimal(10,2), \
         gewijzigd {ts} NULL)"
    ));
    db.exec(
        "INSERT INTO orders VALUES (1, 1, 10.00, '2024-05-01 10:00:00'), (2, 1, 20.50, \
         '2024-05-01 11:00:00.250000'), (3, 2, NULL, '2024-05-01 12:00:00'), (4, 1, 40.00, NULL)",
    );
    db.exec("CREATE TABLE events (id int NOT NULL, tekst varchar(20))");
    db.exec("INSERT INTO events VALUES (1, 'een'), (2, 'twee')");
    db
}

const ORDERS: [(&str, ValueKind); 4] = [
    ("id", ValueKind::Integer),
    ("versie", ValueKind::Integer),
    ("bedrag", ValueKind::Decimal),
    ("gewijzigd", ValueKind::Timestamp),
];
const EVENTS: [(&str, ValueKind); 2] = [("id", ValueKind::Integer), ("tekst", ValueKind::Text)];

type Rows = Vec<Vec<Option<String>>>;

fn rows(case: &Case, target: bool, table: &str, columns: &[(&str, ValueKind)]) -> Rows {
    if target {
        let schema = case.dst.staging_schema();
        case.dst
            .canonical_rows(schema.as_deref(), table, columns, "id")
    } else {
        case.src.canonical_rows(None, table, columns, "id")
    }
}

/// The names of the indexes of the staging table `table`.
fn indexes(case: &Case, table: &str) -> Vec<String> {
    let schema = case.dst.staging_schema();
    let sql = match case.dst.kind {
        Kind::Postgres => format!(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'staging' AND tablename = \
             '{table}' ORDER BY 1"
        ),
        Kind::MariaDb => format!(
            "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = \
             '{}' AND table_name = '{table}' ORDER BY 1",
            schema.unwrap()
        ),
        Kind::Sqlite => format!("SELECT name FROM pragma_index_list('{table}') ORDER BY 1"),
        Kind::SqlServer => format!(
            "SELECT i.name FROM sys.indexes i JOIN sys.tables t ON t.object_id = i.object_id \
             JOIN sys.schemas s ON s.schema_id = t.schema_id WHERE s.name = '{}' AND t.name = \
             '{table}' AND i.name IS NOT NULL ORDER BY 1",
            schema.unwrap()
        ),
    };
    case.dst
        .query(&sql)
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect()
}

/// The sections of an incremental run of both tables (orders also in partitions).
const SECTIONS: &str = "[incremental]\norders = gewijzigd\nevents = id\n\
                        [merge-keys]\norders = id, versie\n[partitions]\norders = id\n";

fn incremental(kind: Kind) {
    for mode in ["DIRECT", "DUMP"] {
        let case = Case::with(source(kind, "inc"), kind, "inc");
        let (src, dst) = (&case.src, &case.dst);
        let schema = dst.staging_schema();
        let settings = |extra: &str| {
            format!("SRC_TABLES = orders, events\nTRANSFER_MODE = {mode}\nPARTITIONS = 3\n{extra}")
        };
        let ini = case.ini(&settings(""), SECTIONS);
        let run_ok = |ini: &str, what: &str| {
            let run = case.run(ini, &[], &[]);
            assert_eq!(run.code, 0, "{mode} {what}: {}", run.output());
            run
        };

        // 1. No target table: everything is read, NULL watermark included; the table is created
        // with its unique key.
        let run = run_ok(&ini, "first run");
        assert!(
            run.stderr
                .contains("incremental on gewijzigd: the target holds no rows yet"),
            "{}",
            run.output()
        );
        assert!(
            run.stderr.contains("read in 3 partitions"),
            "{}",
            run.output()
        );
        assert_eq!(
            rows(&case, true, "orders", &ORDERS),
            rows(&case, false, "orders", &ORDERS)
        );
        assert_eq!(
            rows(&case, true, "events", &EVENTS),
            rows(&case, false, "events", &EVENTS)
        );

        // The created tables have an index on the watermark column, orders also its unique key.
        // (Babelfish lists an index under its own longer name, the given one first.)
        let orders = indexes(&case, "orders");
        assert!(
            orders.iter().any(|i| i.starts_with("orders_s2s_wm")) && orders.len() == 2,
            "{orders:?}"
        );
        let events = indexes(&case, "events");
        assert!(
            events.len() == 1 && events[0].starts_with("events_s2s_wm"),
            "{events:?}"
        );

        // 2. Nothing changed: nothing is read, nothing changes.
        let run = run_ok(&ini, "no changes");
        assert!(
            run.stderr.contains(
                "incremental on gewijzigd: rows above the target's MAX, 2024-05-01 12:00:00"
            ),
            "{}",
            run.output()
        );
        assert!(
            run.stderr.contains("orders: 4 columns, 0 rows"),
            "{}",
            run.output()
        );
        assert_eq!(
            rows(&case, true, "orders", &ORDERS),
            rows(&case, false, "orders", &ORDERS)
        );
        assert_eq!(dst.count(schema.as_deref(), "events"), 2);

        // 3. Updates and inserts above the watermark; a change to the row without a watermark
        // is not seen (documented).
        src.exec(
            "UPDATE orders SET bedrag = 11.00, gewijzigd = '2024-05-02 09:00:00' WHERE id = 1",
        );
        src.exec(
            "UPDATE orders SET bedrag = 33.33, gewijzigd = '2024-05-02 09:30:00.5' WHERE id = 3",
        );
        src.exec(
            "INSERT INTO orders VALUES (5, 1, 50.00, '2024-05-02 10:00:00'), (6, 3, NULL, \
             '2024-05-02 10:00:00')",
        );
        src.exec("UPDATE orders SET bedrag = 44.00 WHERE id = 4");
        src.exec("INSERT INTO events VALUES (3, 'drie'), (4, 'vier')");
        let check = case.run(&ini, &["check"], &[]);
        assert_eq!(check.code, 0, "{}", check.output());
        assert!(
            check.stdout.contains(
                "incremental on gewijzigd: rows above the target's MAX, 2024-05-01 12:00:00"
            ) && check.stdout.contains("are read; rows to read: 4"),
            "check shows the watermark and the rows to read: {}",
            check.output()
        );
        assert!(
            check
                .stdout
                .contains("upserted by [merge-keys] (id, versie)")
                && check
                    .stdout
                    .contains("[incremental] (WRITE_MODE does not apply)"),
            "{}",
            check.output()
        );
        run_ok(&ini, "changes");
        let mut expected = rows(&case, false, "orders", &ORDERS);
        expected[3][2] = Some("40".into());
        assert_eq!(rows(&case, true, "orders", &ORDERS), expected, "{mode}");
        assert_eq!(
            rows(&case, true, "events", &EVENTS),
            rows(&case, false, "events", &EVENTS)
        );

        // 4. A late change below the watermark: missed without a lookback, read with one.
        src.exec(
            "UPDATE orders SET bedrag = 22.22, gewijzigd = '2024-05-02 09:45:00' WHERE id = 2",
        );
        run_ok(&ini, "late change without lookback");
        assert_eq!(
            rows(&case, true, "orders", &ORDERS)[1][2].as_deref(),
            Some("20.5")
        );
        let ini = case.ini(
            &settings("INCREMENTAL_LOOKBACK = 3600"),
            "[incremental]\norders = gewijzigd\n[merge-keys]\norders = id, versie\n",
        );
        let run = run_ok(&ini, "lookback");
        assert!(
            run.stderr.contains("INCREMENTAL_LOOKBACK = 3600"),
            "{}",
            run.output()
        );
        expected = rows(&case, false, "orders", &ORDERS);
        expected[3][2] = Some("40".into());
        assert_eq!(rows(&case, true, "orders", &ORDERS), expected, "{mode}");
        // Rows read again by the lookback were upserted, not added.
        assert_eq!(dst.count(schema.as_deref(), "orders"), 6);
        assert!(!dst.has_side_table(schema.as_deref(), "orders"));
    }
}

per_source!(incremental:
    incremental_loads_upsert_and_append_postgres = Kind::Postgres,
    incremental_loads_upsert_and_append_mariadb = Kind::MariaDb,
    incremental_loads_upsert_and_append_sqlite = Kind::Sqlite,
    incremental_loads_upsert_and_append_sqlserver = Kind::SqlServer,
);

fn without_key(kind: Kind) {
    let case = Case::with(source(kind, "nokey"), kind, "nokey");
    let dst = &case.dst;
    let schema = dst.staging_schema();
    if let Some(s) = &schema {
        dst.exec(&format!("CREATE SCHEMA {}", q(kind, s)));
    }
    let orders = dst.table_ref(schema.as_deref(), "orders");
    dst.exec(&format!(
        "CREATE TABLE {orders} (id int NOT NULL, versie int NOT NULL, bedrag decimal(10,2), \
         gewijzigd {} NULL)",
        timestamp_type(kind)
    ));
    // A row the source does not have, and an old version of the source's order 1.
    dst.exec(&format!(
        "INSERT INTO {orders} VALUES (9, 9, 9.00, '2020-01-01 00:00:00'), \
         (1, 1, 1.00, '2020-01-01 00:00:00')"
    ));
    let sections = "[incremental]\norders = gewijzigd\n[merge-keys]\norders = id, versie\n";
    for mode in ["DIRECT", "DUMP"] {
        let ini = case.ini(
            &format!("SRC_TABLES = orders\nTRANSFER_MODE = {mode}"),
            sections,
        );
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 1, "{mode}: {}", run.output());
        assert!(
            run.stdout.contains("has no unique key on (id, versie)"),
            "{mode}: {}",
            run.output()
        );
        assert_eq!(
            dst.count(schema.as_deref(), "orders"),
            2,
            "nothing was written"
        );
        assert!(!dst.has_side_table(schema.as_deref(), "orders"));
        let check = case.run(&ini, &["check"], &[]);
        assert_eq!(check.code, 1, "{}", check.output());
        assert!(
            check.stdout.contains("has no unique key on (id, versie)"),
            "{}",
            check.output()
        );
    }
    // With the key, the same run upserts.
    dst.exec(&format!(
        "ALTER TABLE {orders} ADD CONSTRAINT orders_key UNIQUE (versie, id)"
    ));
    let ini = case.ini("SRC_TABLES = orders", sections);
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    // Order 1 is updated (not left as it was, nor added twice), 2 and 3 are added (4 has no
    // watermark), 9 stays.
    let mut expected: Rows = rows(&case, false, "orders", &ORDERS)
        .into_iter()
        .filter(|r| r[0].as_deref() != Some("4"))
        .collect();
    expected.push(
        ["9", "9", "9", "2020-01-01 00:00:00.000000"]
            .iter()
            .map(|v| Some(v.to_string()))
            .collect(),
    );
    assert_eq!(rows(&case, true, "orders", &ORDERS), expected);
    assert_eq!(
        expected[0][2].as_deref(),
        Some("10"),
        "order 1 as the source has it"
    );
}

#[test]
fn a_target_without_the_merge_key_is_refused_before_writing_postgres() {
    without_key(Kind::Postgres);
}

#[test]
fn a_target_without_the_merge_key_is_refused_before_writing_mariadb() {
    without_key(Kind::MariaDb);
}

/// `p`: integer, date and timestamp columns with NULLs and a skew (most rows at the low end, a
/// few far away), and an empty table.
fn partition_source(kind: Kind) -> TestDb {
    let db = TestDb::new(kind, "part");
    let ts = timestamp_type(kind);
    db.exec(&format!(
        "CREATE TABLE p (id int NOT NULL, n int NULL, d date NULL, t {ts} NULL, v varchar(10))"
    ));
    let mut values = Vec::new();
    for i in 1..=300 {
        let n = match i {
            _ if i % 37 == 0 => "NULL".to_string(),
            _ if i > 295 => format!("{}", 1_000_000 + i),
            _ => format!("{}", i % 50),
        };
        let (d, t) = if i % 41 == 0 {
            ("NULL".to_string(), "NULL".to_string())
        } else {
            let day = if i > 290 { 2030 } else { 2024 };
            (
                format!("'{day}-01-{:02}'", 1 + i % 28),
                format!(
                    "'{day}-03-{:02} {:02}:{:02}:{:02}.{:06}'",
                    1 + i % 28,
                    i % 24,
                    i % 60,
                    (i * 7) % 60,
                    i * 1013
                ),
            )
        };
        values.push(format!("({i}, {n}, {d}, {t}, 'v{i}')"));
    }
    db.exec(&format!("INSERT INTO p VALUES {}", values.join(", ")));
    db.exec(&format!("CREATE TABLE leeg (id int, t {ts})"));
    db
}

const P: [(&str, ValueKind); 5] = [
    ("id", ValueKind::Integer),
    ("n", ValueKind::Integer),
    ("d", ValueKind::Date),
    ("t", ValueKind::Timestamp),
    ("v", ValueKind::Text),
];

fn partitioned(kind: Kind) {
    let case = Case::with(partition_source(kind), kind, "part");
    let dst = &case.dst;
    let schema = dst.staging_schema();
    let expected = rows(&case, false, "p", &P);
    for mode in ["DIRECT", "DUMP"] {
        for column in ["n", "d", "t"] {
            let ini = case.ini(
                &format!(
                    "SRC_TABLES = p, leeg\nTRANSFER_MODE = {mode}\nPARTITIONS = 4\nSRC_CHUNK_SIZE = 16"
                ),
                &format!("[partitions]\np = {column}\nleeg = t\n"),
            );
            let run = case.run(&ini, &[], &[]);
            assert_eq!(run.code, 0, "{mode} {column}: {}", run.output());
            assert!(
                run.stderr.contains("p: read in 4 partitions"),
                "{mode} {column}: {}",
                run.output()
            );
            assert_eq!(rows(&case, true, "p", &P), expected, "{mode} {column}");
            assert_eq!(dst.count(schema.as_deref(), "leeg"), 0);
            // ROW_LIMIT: as many rows as an unpartitioned read.
            let ini = case.ini(
                &format!("SRC_TABLES = p\nTRANSFER_MODE = {mode}\nPARTITIONS = 4\nROW_LIMIT = 7"),
                &format!("[partitions]\np = {column}\n"),
            );
            let run = case.run(&ini, &[], &[]);
            assert_eq!(run.code, 0, "{}", run.output());
            // Seven of the source's rows, each once, as they are in the source.
            let got = rows(&case, true, "p", &P);
            assert_eq!(got.len(), 7, "{mode} {column}");
            for (i, row) in got.iter().enumerate() {
                assert!(
                    expected.contains(row),
                    "{mode} {column}: {row:?} is no source row"
                );
                assert!(!got[..i].contains(row), "{mode} {column}: {row:?} twice");
            }
        }
    }
    // A column that cannot be split is refused with a clear message.
    let ini = case.ini("SRC_TABLES = p\nPARTITIONS = 2", "[partitions]\np = v\n");
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stdout
            .contains("partitions need an integer, date or timestamp column"),
        "{}",
        run.output()
    );
}

per_source!(partitioned:
    partitioned_reads_equal_unpartitioned_postgres = Kind::Postgres,
    partitioned_reads_equal_unpartitioned_mariadb = Kind::MariaDb,
    partitioned_reads_equal_unpartitioned_sqlite = Kind::Sqlite,
    partitioned_reads_equal_unpartitioned_sqlserver = Kind::SqlServer,
);

#[test]
fn sections_naming_tables_not_copied_are_configuration_errors() {
    let case = Case::with(source(Kind::Postgres, "inctab"), Kind::Postgres, "inctab");
    let ini = case.ini(
        "SRC_TABLES = orders",
        "[incremental]\nbestellingen = gewijzigd\n",
    );
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(
        run.stderr
            .contains("[incremental] bestellingen: no such table is copied"),
        "{}",
        run.output()
    );
}

/// MariaDB's NOT NULL DATE and DATETIME columns (the usual watermark columns) come in buffers
/// without indicators: read, copied and used as watermarks.
#[test]
fn not_null_dates_and_datetimes_from_mariadb_are_watermarks() {
    let src = TestDb::new(Kind::MariaDb, "nndt");
    src.exec("CREATE TABLE log (id int NOT NULL, d date NOT NULL, t datetime(6) NOT NULL)");
    src.exec(
        "INSERT INTO log VALUES (1, '2024-05-01', '2024-05-01 10:00:00.5'), (2, '2024-05-02', \
         '2024-05-02 11:00:00')",
    );
    let case = Case::with(src, Kind::Postgres, "nndt");
    let columns = [
        ("id", ValueKind::Integer),
        ("d", ValueKind::Date),
        ("t", ValueKind::Timestamp),
    ];
    let ini = case.ini(
        "SRC_TABLES = log\nPARTITIONS = 2",
        "[incremental]\nlog = t\n[merge-keys]\nlog = id\n[partitions]\nlog = d\n",
    );
    for round in 0..2 {
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 0, "{round}: {}", run.output());
        assert_eq!(
            rows(&case, true, "log", &columns),
            rows(&case, false, "log", &columns)
        );
        case.src
            .exec("INSERT INTO log VALUES (3, '2024-05-03', '2024-05-03 09:00:00.25')");
    }
}

/// A PostgreSQL source whose database runs in Europe/Amsterdam: its timestamptz values are read
/// as the instants they are (the source session is UTC), so the watermark compares instants and
/// no row is missed or shifted.
#[test]
fn timestamptz_from_a_source_in_another_time_zone_keeps_its_instants() {
    let src = TestDb::new(Kind::Postgres, "tz");
    src.exec(&format!(
        "ALTER DATABASE {} SET timezone = 'Europe/Amsterdam'",
        src.name
    ));
    src.exec("CREATE TABLE ev (id int PRIMARY KEY, ts timestamptz NOT NULL)");
    src.exec(
        "INSERT INTO ev SELECT g, timestamptz '2024-03-31 00:40:00.123456+00' + g * interval \
         '10 minutes' FROM generate_series(1, 20) g",
    );
    let case = Case::with(src, Kind::Postgres, "tz");
    let columns = [("id", ValueKind::Integer), ("ts", ValueKind::Instant)];
    let ini = case.ini(
        "SRC_TABLES = ev",
        "[incremental]\nev = ts\n[merge-keys]\nev = id\n",
    );
    for round in 0..2 {
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 0, "{}", run.output());
        assert_eq!(
            rows(&case, true, "ev", &columns),
            rows(&case, false, "ev", &columns),
            "round {round}"
        );
        case.src.exec(
            "INSERT INTO ev SELECT g, timestamptz '2024-03-31 03:40:00+00' + g * interval \
             '1 minute' FROM generate_series(21, 30) g ON CONFLICT DO NOTHING",
        );
    }
}

/// Keys an upsert cannot work with fail the table before the target changes: rows of one
/// window with the same merge keys (the side table has the unique key, on every DBMS), NULL
/// merge keys (no upsert matches them), and on MariaDB a table with another unique key (its
/// ON DUPLICATE KEY UPDATE would update the row colliding on that one).
fn bad_keys(kind: Kind) {
    let src = TestDb::new(kind, "badkeys");
    let ts = timestamp_type(kind);
    src.exec(&format!(
        "CREATE TABLE k (k1 int NULL, k2 varchar(5) NOT NULL, ts {ts} NOT NULL, v int)"
    ));
    src.exec("INSERT INTO k VALUES (1, 'a', '2024-01-01 10:00:00', 1), (2, 'b', '2024-01-02 10:00:00', 2)");
    let case = Case::with(src, kind, "badkeys");
    let schema = case.dst.staging_schema();
    let count = || case.dst.count(schema.as_deref(), "k");
    let sections = "[incremental]\nk = ts\n[merge-keys]\nk = k1, k2\n";
    let ini = case.ini("SRC_TABLES = k", sections);
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    case.src.exec(
        "INSERT INTO k VALUES (3, 'c', '2024-01-03 10:00:00', 3), (3, 'c', '2024-01-03 11:00:00', 4)",
    );
    for command in [&["check"][..], &[]] {
        let run = case.run(&ini, command, &[]);
        assert_eq!(run.code, 1, "{command:?}: {}", run.output());
        let said = run.output().to_lowercase();
        assert!(
            said.contains("duplicate") || said.contains("unique constraint failed"),
            "{command:?}: {}",
            run.output()
        );
    }
    assert_eq!(count(), 2, "nothing was written");
    case.src.exec("DELETE FROM k WHERE v = 4");
    case.src
        .exec("INSERT INTO k VALUES (NULL, 'n', '2024-01-04 10:00:00', 5)");
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stdout
            .contains("1 row(s) have a NULL in the merge keys (k1, k2)"),
        "{}",
        run.output()
    );
    assert_eq!(count(), 2, "nothing was written");
    assert!(!case.dst.has_side_table(schema.as_deref(), "k"));
    if kind == Kind::MariaDb {
        case.src.exec("DELETE FROM k WHERE k1 IS NULL");
        let k = case.dst.table_ref(schema.as_deref(), "k");
        case.dst
            .exec(&format!("ALTER TABLE {k} ADD UNIQUE KEY v_key (v)"));
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 1, "{}", run.output());
        assert!(
            run.stdout
                .contains("has unique keys besides (k1, k2): v_key"),
            "{}",
            run.output()
        );
        assert_eq!(count(), 2, "nothing was written");
    }
}

per_source!(bad_keys:
    bad_merge_keys_fail_before_writing_postgres = Kind::Postgres,
    bad_merge_keys_fail_before_writing_mariadb = Kind::MariaDb,
    bad_merge_keys_fail_before_writing_sqlite = Kind::Sqlite,
    bad_merge_keys_fail_before_writing_sqlserver = Kind::SqlServer,
);

/// A pseudonymised watermark could never be compared with the source's values: refused.
#[test]
fn a_pseudonymised_watermark_is_refused() {
    let case = Case::with(source(Kind::Postgres, "pswm"), Kind::Postgres, "pswm");
    let ini = case.ini(
        "SRC_TABLES = events\nPSEUDONYMIZE_COLUMNS = events.tekst\n\
         PSEUDONYMIZE_KEY = een-lange-geheime-sleutel-voor-de-test",
        "[incremental]\nevents = tekst\n",
    );
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.stdout
            .contains("[incremental]: the column tekst is pseudonymised"),
        "{}",
        run.output()
    );
}

/// A pseudonymised partition column would put its real MIN and MAX into the ranges' SQL,
/// which error messages quote: refused like a pseudonymised watermark, nothing written.
#[test]
fn a_pseudonymised_partition_column_is_refused() {
    let case = Case::with(source(Kind::Postgres, "pspart"), Kind::Postgres, "pspart");
    let ini = case.ini(
        "SRC_TABLES = events\nPSEUDONYMIZE_COLUMNS = events.id\nPARTITIONS = 2\n\
         PSEUDONYMIZE_KEY = een-lange-geheime-sleutel-voor-de-test",
        "[partitions]\nevents = id\n",
    );
    for args in [&["check"][..], &[][..]] {
        let run = case.run(&ini, args, &[]);
        assert_eq!(run.code, 1, "{}", run.output());
        assert!(
            run.stdout
                .contains("[partitions]: the column id is pseudonymised"),
            "{}",
            run.output()
        );
    }
    assert!(!case.dst.has_table(Some("staging"), "events"));
}

/// SQLite keeps exact decimals as text: the watermark is the largest by value (100.000, not
/// the text 3.000), so nothing is appended twice: after every run the target holds exactly the
/// source's rows.
#[test]
fn a_decimal_watermark_in_a_sqlite_target_is_the_largest_value() {
    let src = TestDb::new(Kind::Postgres, "decwm");
    src.exec("CREATE TABLE d (n numeric(10,3) NOT NULL, v text)");
    src.exec("INSERT INTO d VALUES (3.000, 'drie'), (100.000, 'honderd'), (25.5, 'x')");
    let case = Case::with(src, Kind::Sqlite, "decwm");
    let ini = case.ini("SRC_TABLES = d", "[incremental]\nd = n\n");
    let columns = [("n", ValueKind::Decimal), ("v", ValueKind::Text)];
    for round in 0..3 {
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 0, "{}", run.output());
        assert_eq!(
            case.dst.canonical_rows(None, "d", &columns, "n"),
            case.src.canonical_rows(None, "d", &columns, "n"),
            "round {round}"
        );
        case.src
            .exec(&format!("INSERT INTO d VALUES ({}, 'nieuw')", 200 + round));
    }
}

/// An SQLite source keeps times as text with as many digits as the application wrote
/// (`.500000`), the target's watermark comes back as `.500`: compared as moments, the last row
/// is not read (and appended) again on every run, and a row a microsecond later is.
#[test]
fn an_sqlite_watermark_written_with_more_digits_is_not_read_again() {
    let src = TestDb::new(Kind::Sqlite, "digits");
    src.exec("CREATE TABLE ev (id int NOT NULL, ts timestamp NOT NULL)");
    src.exec(
        "INSERT INTO ev VALUES (1, '2024-01-01 10:00:00.250'), \
         (2, '2024-01-01 10:00:00.500000')",
    );
    let case = Case::with(src, Kind::Postgres, "digits");
    let ini = case.ini("SRC_TABLES = ev", "[incremental]\nev = ts\n");
    let columns = [("id", ValueKind::Integer), ("ts", ValueKind::Timestamp)];
    let same = |round: &str| {
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 0, "{round}: {}", run.output());
        assert_eq!(
            case.dst
                .canonical_rows(Some("staging"), "ev", &columns, "id"),
            case.src.canonical_rows(None, "ev", &columns, "id"),
            "{round}: {}",
            run.output()
        );
    };
    same("first run");
    same("second run");
    same("third run");
    case.src.exec(
        "INSERT INTO ev VALUES (3, '2024-01-01 10:00:00.500001'), \
         (4, '2024-01-01 10:00:01')",
    );
    same("after new rows");
    same("and again");
}

/// `dump` of an incremental table, then `load` with a configuration of the target alone: the
/// manifest says the files are a window, so they are upserted into the table, which keeps its
/// other rows and its key (not replaced by the window).
#[test]
fn a_dumped_window_is_upserted_by_load_whatever_its_configuration() {
    let case = Case::with(source(Kind::Postgres, "dumpwin"), Kind::Postgres, "dumpwin");
    let sections = "[incremental]\norders = gewijzigd\n[merge-keys]\norders = id, versie\n";
    let ini = case.ini(
        "SRC_TABLES = orders\nCLEANUP_PARQUET_FILES = false",
        sections,
    );
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    case.src
        .exec("UPDATE orders SET bedrag = 12.00, gewijzigd = '2024-06-01 00:00:00' WHERE id = 1");
    case.src
        .exec("INSERT INTO orders VALUES (7, 1, 70.00, '2024-06-01 00:00:01')");
    let run = case.run(&ini, &["dump"], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let manifest = run.stdout.trim().to_string();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    let max = case
        .dst
        .query("SELECT to_char(MAX(gewijzigd), 'YYYY-MM-DD HH24:MI:SS') FROM staging.orders")[0][0]
        .clone()
        .unwrap();
    let window = &json["tables"][0]["incremental"];
    assert_eq!(
        (&window["watermark"], &window["merge_keys"]),
        (
            &serde_json::json!("gewijzigd"),
            &serde_json::json!(["id", "versie"])
        )
    );
    let read_above = window["read_above"]["max"].as_str().unwrap();
    assert!(read_above.starts_with(&max), "{read_above} vs {max}");
    // A second dump reads the same window (overlapping DUMP runs).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let run = case.run(&ini, &["dump"], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let second = run.stdout.trim().to_string();
    assert_ne!(second, manifest);
    let target_only = crate::common::write_target_ini(case.dir.path(), &case.dst, "");
    let load = |manifest: &str| {
        crate::common::run_tool(
            case.dir.path(),
            &[
                "load",
                "--manifest",
                manifest,
                "--config",
                target_only.to_str().unwrap(),
            ],
            &[],
        )
    };
    let run = load(&manifest);
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(
        run.stderr.contains("loaded as it was dumped"),
        "the configuration's difference is named: {}",
        run.output()
    );
    let mut expected = rows(&case, false, "orders", &ORDERS);
    expected[3][2] = Some("40".into());
    assert_eq!(rows(&case, true, "orders", &ORDERS), expected);
    // The second dump's window was read before the first was loaded: it is refused, and the
    // table is as the first load left it.
    let run = load(&second);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.output().contains(&format!(
            "these files hold the window read when the target's MAX(gewijzigd) was {read_above}"
        )) && run.output().contains("another load came in between"),
        "{}",
        run.output()
    );
    assert_eq!(rows(&case, true, "orders", &ORDERS), expected);
    // The key is still there: the next run upserts (order 7 changes, nothing is added).
    case.src
        .exec("UPDATE orders SET bedrag = 77.00, gewijzigd = '2024-07-01 00:00:00' WHERE id = 7");
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let mut expected = rows(&case, false, "orders", &ORDERS);
    expected[3][2] = Some("40".into());
    assert_eq!(rows(&case, true, "orders", &ORDERS), expected);
    assert_eq!(expected[4][2].as_deref(), Some("77"));
}

/// SQLite keeps times as text, some written with a 'T': the window compares moments, not
/// spellings, so a 'T' row below the watermark is not read (and appended) again.
#[test]
fn sqlite_times_written_with_a_t_are_compared_as_moments() {
    let src = TestDb::new(Kind::Sqlite, "tee");
    src.exec("CREATE TABLE ev (id int NOT NULL, ts timestamp NOT NULL)");
    src.exec(
        "INSERT INTO ev VALUES (1, '2024-01-01 10:00:00'), (2, '2024-01-01T11:00:00'), (3, \
         '2024-01-01 12:00:00')",
    );
    let case = Case::with(src, Kind::Postgres, "tee");
    let ini = case.ini(
        "SRC_TABLES = ev\nPARTITIONS = 2",
        "[incremental]\nev = ts\n[partitions]\nev = ts\n",
    );
    for expected in [3, 3] {
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 0, "{}", run.output());
        assert_eq!(
            case.dst.count(Some("staging"), "ev"),
            expected,
            "{}",
            run.output()
        );
    }
    case.src
        .exec("INSERT INTO ev VALUES (4, '2024-01-02T09:00:00')");
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let columns = [("id", ValueKind::Integer), ("ts", ValueKind::Timestamp)];
    assert_eq!(
        case.dst
            .canonical_rows(Some("staging"), "ev", &columns, "id"),
        [1, 2, 3, 4]
            .iter()
            .zip([
                "2024-01-01 10:00:00",
                "2024-01-01 11:00:00",
                "2024-01-01 12:00:00",
                "2024-01-02 09:00:00"
            ])
            .map(|(id, ts)| vec![Some(id.to_string()), Some(format!("{ts}.000000"))])
            .collect::<Vec<_>>()
    );
}

/// A PostgreSQL server or database may still say `standard_conforming_strings = off`, where a
/// backslash in '...' starts an escape: names and watermarks with backslashes (a table
/// `back\slash`, codes `b\c`) mean what they say on both sides, and every run reads exactly the
/// new rows.
#[test]
fn backslashes_mean_themselves_on_postgres_without_standard_conforming_strings() {
    let src = TestDb::new(Kind::Postgres, "scs");
    src.exec(&format!(
        "ALTER DATABASE {} SET standard_conforming_strings = off",
        src.name
    ));
    src.exec(r#"CREATE TABLE "back\slash" (code text NOT NULL, v int)"#);
    src.exec(r#"INSERT INTO "back\slash" VALUES (E'a\\', 1), (E'b\\c', 2)"#);
    let case = Case::with(src, Kind::Postgres, "scs");
    case.dst.exec(&format!(
        "ALTER DATABASE {} SET standard_conforming_strings = off",
        case.dst.name
    ));
    let ini = case.ini(
        "SRC_TABLES = back\\slash",
        "[incremental]\nback\\slash = code\n",
    );
    let columns = [("code", ValueKind::Text), ("v", ValueKind::Integer)];
    let same = |round: &str| {
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 0, "{round}: {}", run.output());
        assert_eq!(
            case.dst
                .canonical_rows(Some("staging"), "back\\slash", &columns, "code"),
            case.src
                .canonical_rows(None, "back\\slash", &columns, "code"),
            "{round}"
        );
    };
    same("first run");
    same("second run");
    case.src
        .exec(r#"INSERT INTO "back\slash" VALUES (E'c\\', 3), (E'b\\d', 4)"#);
    same("new rows");
    let got = case
        .dst
        .query(r#"SELECT code FROM staging."back\slash" ORDER BY code"#);
    assert_eq!(
        got,
        ["a\\", "b\\c", "b\\d", "c\\"]
            .iter()
            .map(|c| vec![Some(c.to_string())])
            .collect::<Vec<_>>()
    );
}
