//! Reading in key ranges (`SRC_KEY_RANGES`): one SELECT per range of a key, all in the table's one
//! snapshot, so that a driver that holds whole result sets (MariaDB Connector/ODBC 3.1.15, which
//! Debian ships) holds one range. From every live source: integer, text and date keys, a range
//! inside an incremental window, a table without a usable key; every value compared with the
//! source, and the number of ranges read from the log.

use crate::{
    choosing::{Case, per_source},
    common::{Kind, TestDb, ValueKind},
};

/// Inserts `rows` (SQL tuples) in statements of at most 200 rows (SQL Server takes 1,000).
fn insert(db: &TestDb, table: &str, rows: &[String]) {
    for chunk in rows.chunks(200) {
        db.exec(&format!("INSERT INTO {table} VALUES {}", chunk.join(", ")));
    }
}

/// `r` (integer primary key with gaps and negatives, 1,050 rows), `tk` (a text primary key with
/// spaces, quotes and mixed case, 230 rows), `dk` (a unique NOT NULL date, 290 rows) and `ck`
/// (a primary key of two columns: no key to range over).
fn source(kind: Kind) -> TestDb {
    let db = TestDb::new(kind, "rng");
    let text = if kind == Kind::SqlServer {
        "nvarchar(30)"
    } else {
        "varchar(30)"
    };
    let charset = if kind == Kind::MariaDb {
        " DEFAULT CHARSET=utf8mb4"
    } else {
        ""
    };
    db.exec(&format!(
        "CREATE TABLE r (id int NOT NULL PRIMARY KEY, n int NULL, t {text} NULL){charset}"
    ));
    let rows: Vec<String> = (1..=1050)
        .map(|i| {
            let id = if i % 7 == 0 { -i } else { i * 3 };
            let n = if i % 11 == 0 {
                "NULL".to_string()
            } else {
                (i % 13).to_string()
            };
            format!("({id}, {n}, 'ëen {i}')")
        })
        .collect();
    insert(&db, "r", &rows);
    db.exec(&format!(
        "CREATE TABLE tk (code varchar(20) NOT NULL PRIMARY KEY, v {text} NULL){charset}"
    ));
    let rows: Vec<String> = (1..=230)
        .map(|i| {
            let code = match i % 5 {
                0 => format!("K{i:03}"),
                1 => format!(" m{i}"),
                2 => format!("O''B {i}"),
                3 => format!("z{i}"),
                _ => format!("{i}"),
            };
            format!("('{code}', 'ü{i}')")
        })
        .collect();
    insert(&db, "tk", &rows);
    db.exec(&format!(
        "CREATE TABLE dk (id int NOT NULL, d date NOT NULL UNIQUE){charset}"
    ));
    let rows: Vec<String> = (1..=290)
        .map(|i| {
            let year = if i > 280 { 2090 } else { 1990 + i / 12 };
            format!("({i}, '{year}-{:02}-{:02}')", 1 + i % 12, 1 + i % 28)
        })
        .collect();
    insert(&db, "dk", &rows);
    db.exec(&format!(
        "CREATE TABLE ck (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b)){charset}"
    ));
    let rows: Vec<String> = (1..=150).map(|i| format!("({}, {i})", i % 4)).collect();
    insert(&db, "ck", &rows);
    db
}

const R: [(&str, ValueKind); 3] = [
    ("id", ValueKind::Integer),
    ("n", ValueKind::Integer),
    ("t", ValueKind::Text),
];
const TK: [(&str, ValueKind); 2] = [("code", ValueKind::Text), ("v", ValueKind::Text)];
const DK: [(&str, ValueKind); 2] = [("id", ValueKind::Integer), ("d", ValueKind::Date)];
const CK: [(&str, ValueKind); 2] = [("a", ValueKind::Integer), ("b", ValueKind::Integer)];

type Rows = Vec<Vec<Option<String>>>;

/// Fails with the row counts and the first row that differs.
fn assert_same(target: &Rows, source: &Rows, what: &str) {
    let first = target.iter().zip(source).position(|(t, s)| t != s);
    assert!(
        target.len() == source.len() && first.is_none(),
        "{what}: {} rows copied, {} in the source; first difference at {first:?}: {:?} vs {:?}",
        target.len(),
        source.len(),
        first.and_then(|i| target.get(i)),
        first.and_then(|i| source.get(i)),
    );
}

/// The rows of `table` in the source and in the target, ordered by `by`.
fn both(case: &Case, table: &str, columns: &[(&str, ValueKind)], by: &str) -> (Rows, Rows) {
    let schema = case.dst.staging_schema();
    // Sorted here: each DBMS orders the canonical text its own way.
    let sorted = |mut rows: Rows| {
        rows.sort();
        rows
    };
    (
        sorted(case.src.canonical_rows(None, table, columns, by)),
        sorted(
            case.dst
                .canonical_rows(schema.as_deref(), table, columns, by),
        ),
    )
}

fn key_ranges(kind: Kind) {
    let case = Case::with(source(kind), Kind::Postgres, "rng");
    for mode in ["DIRECT", "DUMP"] {
        let ini = case.ini(
            &format!(
                "SRC_TABLES = r, tk, dk, ck\nTRANSFER_MODE = {mode}\nSRC_KEY_RANGES = always\n\
                 SRC_CHUNK_SIZE = 100"
            ),
            "",
        );
        let run = case.run(&ini, &["-v"], &[]);
        assert_eq!(run.code, 0, "{mode}: {}", run.output());
        let log = &run.stderr;
        for (table, key, ranges) in [("r", "id", 11), ("tk", "code", 3), ("dk", "d", 3)] {
            let said = log.lines().any(|line| {
                line.contains(&format!(" {table}: "))
                    && line.contains("rows per batch, read in ranges of 100 rows of its")
                    && (line.contains(&format!("primary key {key} ("))
                        || line.contains(&format!("({key}) (SRC_KEY_RANGES)")))
            });
            assert!(said, "{mode} {table}: {}", run.output());
            assert!(
                log.contains(&format!("read in {ranges} range(s) of")),
                "{mode} {table}: {ranges} ranges expected: {}",
                run.output()
            );
        }
        assert!(
            !log.contains("ck: 2 columns, 150 rows, 100 rows per batch, read in ranges"),
            "{}",
            run.output()
        );
        // Only a driver that holds whole results makes a table without a key worth a warning.
        assert_eq!(
            log.contains("ck: read in one SELECT, which the source's ODBC driver holds in memory"),
            kind == Kind::MariaDb,
            "{}",
            run.output()
        );
        for (table, columns, by) in [
            ("r", &R[..], "id"),
            ("tk", &TK[..], "code"),
            ("dk", &DK[..], "id"),
            ("ck", &CK[..], "b"),
        ] {
            let (source, target) = both(&case, table, columns, by);
            assert_same(&target, &source, &format!("{mode} {table}"));
        }
    }
    // Within an incremental window: the new rows only, in ranges of the window. (The first
    // incremental run creates the table with the merge key.)
    case.dst.exec(&format!(
        "DROP TABLE {}",
        case.dst
            .table_ref(case.dst.staging_schema().as_deref(), "r")
    ));
    let ini = case.ini(
        "SRC_TABLES = r\nSRC_KEY_RANGES = always\nSRC_CHUNK_SIZE = 100",
        "[incremental]\nr = id\n[merge-keys]\nr = id\n",
    );
    let run = case.run(&ini, &["-v"], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(
        run.stderr.contains("read in 11 range(s)"),
        "{}",
        run.output()
    );
    let more: Vec<String> = (1..=250)
        .map(|i| format!("({}, {i}, 'nieuw {i}')", 10_000 + i))
        .collect();
    insert(&case.src, "r", &more);
    let run = case.run(&ini, &["-v"], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(
        run.stderr.contains("r: 3 columns, 250 rows") && run.stderr.contains("read in 3 range(s)"),
        "{}",
        run.output()
    );
    let (source, target) = both(&case, "r", &R, "id");
    assert_same(&target, &source, "incremental");
    // check says how a table is read.
    let ini = case.ini(
        "SRC_TABLES = r, ck\nSRC_KEY_RANGES = always\nSRC_CHUNK_SIZE = 100",
        "",
    );
    let run = case.run(&ini, &["check"], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(
        run.stdout.contains("read in ranges of 100 rows of its"),
        "{}",
        run.output()
    );
    assert_eq!(
        run.stdout
            .contains("read in one SELECT, which the source's ODBC driver holds"),
        kind == Kind::MariaDb,
        "{}",
        run.output()
    );
}

per_source!(key_ranges:
    key_ranges_read_every_row_once_postgres = Kind::Postgres,
    key_ranges_read_every_row_once_mariadb = Kind::MariaDb,
    key_ranges_read_every_row_once_sqlite = Kind::Sqlite,
    key_ranges_read_every_row_once_sqlserver = Kind::SqlServer,
);

/// `auto` reads in ranges where the driver holds whole results (Debian's MariaDB Connector/ODBC
/// 3.1.15) and nowhere else; `never` turns it off.
#[test]
fn ranges_are_used_where_the_driver_cannot_stream() {
    for (kind, setting, ranged) in [
        (Kind::MariaDb, "", true),
        (Kind::MariaDb, "SRC_KEY_RANGES = never", false),
        (Kind::Postgres, "", false),
    ] {
        let case = Case::with(source(kind), Kind::Postgres, "rngauto");
        let ini = case.ini(&format!("SRC_TABLES = r\n{setting}"), "");
        let run = case.run(&ini, &[], &[]);
        assert_eq!(run.code, 0, "{}", run.output());
        assert_eq!(
            run.stderr.contains("read in ranges of"),
            ranged,
            "{kind:?} '{setting}': {}",
            run.output()
        );
        let (source, target) = both(&case, "r", &R, "id");
        assert_same(&target, &source, &format!("{kind:?} '{setting}'"));
    }
}

/// Into PostgreSQL, text columns go as one string split on U+0001 (NULL: U+0002) where a batch
/// allows it: values that hold those characters, a batch of one row (`''` would split into no
/// row), empty strings and NULLs side by side arrive exactly, batch by batch.
#[test]
fn text_split_on_the_server_arrives_exactly() {
    let src = TestDb::new(Kind::Postgres, "split");
    src.exec("CREATE TABLE s (id int NOT NULL, v text, w varchar(10))");
    let rows: Vec<String> = (1..=1000)
        .map(|i| {
            let v = match i {
                // One batch of 100 holds the separator, another the NULL mark.
                150 => "'a' || chr(1) || 'b'".to_string(),
                420 => "chr(2)".to_string(),
                _ if i % 9 == 0 => "NULL".to_string(),
                _ if i % 7 == 0 => "''".to_string(),
                _ => format!("'v{i} ë'"),
            };
            let w = if i % 5 == 0 { "''" } else { "NULL" };
            format!("({i}, {v}, {w})")
        })
        .collect();
    insert(&src, "s", &rows);
    src.exec("CREATE TABLE one (id int NOT NULL, v text)");
    src.exec("INSERT INTO one VALUES (1, '')");
    let case = Case::with(src, Kind::Postgres, "split");
    let ini = case.ini("SRC_TABLES = s, one\nSRC_CHUNK_SIZE = 100", "");
    let run = case.run(&ini, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.output());
    let columns = [
        ("id", ValueKind::Integer),
        ("v", ValueKind::Text),
        ("w", ValueKind::Text),
    ];
    let (source, target) = both(&case, "s", &columns, "id");
    assert_same(&target, &source, "s");
    let (source, target) = both(&case, "one", &columns[..2], "id");
    assert_same(&target, &source, "one");
    assert_eq!(
        target,
        vec![vec![Some("1".to_string()), Some(String::new())]]
    );
}
