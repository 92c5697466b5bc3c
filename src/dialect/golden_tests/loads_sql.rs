//! The golden statements of incremental loads, partitioned reads and the table's lock (see
//! `golden_sql`).

use super::{
    fixtures::{golden_columns, leak},
    *,
};

/// `[incremental]`, `[merge-keys]` and `[partitions]`: the watermark, the window read (a value
/// of each kind as the dialect writes it), the ranges of a partitioned read, the unique key of a
/// new table and the catalog query for an existing table's keys.
pub(super) fn incremental_and_partitions(
    d: &dyn Dialect,
    source: &str,
    target: &str,
    side: &str,
    select_list: &[String],
    add: &mut dyn FnMut(&'static str, String),
) {
    use crate::bound::Kind;
    use crate::dialect::{from_clause, ranges};
    add(
        "[incremental]: the watermark, MAX of the target's column",
        format!("SELECT MAX({}) FROM {target}", d.quote("gewijzigd")),
    );
    for (what, column, kind, max) in [
        ("[incremental]: the window, integer", "ID", Kind::Int, "41"),
        (
            "[incremental]: the window, date",
            "DATUM",
            Kind::Date,
            "2024-05-01",
        ),
        (
            "[incremental]: the window, timestamp",
            "GEWIJZIGD",
            Kind::Timestamp,
            "2024-05-01 10:00:00.123456",
        ),
        (
            "[incremental]: the window, timestamp with time zone",
            "VASTGELEGD",
            Kind::Instant,
            "2024-05-01 12:00:00.5+02",
        ),
        (
            "[incremental]: the window, text",
            "NAAM",
            Kind::Text,
            "O'Brien",
        ),
        (
            "[incremental]: the window, a timestamp of 7 digits",
            "NAUWKEURIG",
            Kind::Timestamp,
            "2024-05-01 10:00:00.1234567",
        ),
    ] {
        let c = golden_columns()
            .into_iter()
            .find(|c| c.source_name == column)
            .expect("a golden column");
        let after = d.bound_literal(&kind.parse(max).expect("a valid value"), &c);
        let filter = format!("{} > {after}", d.bound_column_sql(&d.quote(column), &c));
        add(
            what,
            d.select_sql(&from_clause(source, Some(&filter)), select_list, None),
        );
    }
    // The source's own type decides the literal where the DBMS has several (SQL Server's
    // datetime, Oracle's DATE).
    for declared in ["datetime", "DATE"] {
        let c = Column {
            source_name: "GEWIJZIGD".into(),
            name: "gewijzigd".into(),
            column_type: ColumnType::Timestamp { precision: 3 },
            nullable: true,
            source_type: declared.into(),
        };
        let max = Kind::Timestamp
            .parse("2024-05-01 10:00:00.123")
            .expect("a valid value");
        let filter = format!("{} > {}", d.quote("GEWIJZIGD"), d.bound_literal(&max, &c));
        add(
            leak(format!(
                "[incremental]: the window, a source column declared {declared}"
            )),
            d.select_sql(&from_clause(source, Some(&filter)), select_list, None),
        );
    }
    let id = d.quote("ID");
    for c in golden_columns()
        .into_iter()
        .filter(|c| ["ID", "DATUM", "GEWIJZIGD"].contains(&c.source_name.as_str()))
    {
        let q = d.quote(&c.source_name);
        let (min, max) = (format!("MIN({q})"), format!("MAX({q})"));
        add(
            "[partitions]: MIN and MAX of the partition column",
            format!(
                "SELECT {}, {} FROM {source}",
                d.bound_text_sql(&min, &c),
                d.bound_text_sql(&max, &c)
            ),
        );
    }
    for range in ranges(&id, &["26".to_string(), "51".to_string()]) {
        add(
            "[partitions]: one range's read (NULLs in the first)",
            d.select_sql(&from_clause(source, Some(&range)), select_list, None),
        );
    }
    for c in golden_columns()
        .into_iter()
        .filter(|c| ["ID", "DATUM", "GEWIJZIGD"].contains(&c.source_name.as_str()))
    {
        let q = d.bound_column_sql(&d.quote(&c.source_name), &c);
        let after = Some("41").filter(|_| c.source_name == "ID");
        add(
            "SRC_KEY_RANGES: where a range of the key ends",
            crate::dialect::range_end_sql(d, source, None, &q, &c, 50_000, after),
        );
    }
    let keys = [d.quote("id"), d.quote("code")];
    add(
        "[merge-keys]: the unique key of a table the tool creates",
        d.unique_key_sql(side, "clients", &keys),
    );
    add(
        "[incremental]: the index on the watermark column of a table the tool creates",
        d.create_index_sql(side, "clients_s2s_wm", &[d.quote("gewijzigd")]),
    );
    add(
        "[merge-keys]: the unique keys of an existing table",
        d.unique_keys_sql(Some("stg"), "clients"),
    );
}

/// One loader per target table: how the lock of `schema.clients` is taken, given back and its
/// holder named (a lock file's database query on SQLite; nothing where the dialect has none);
/// and how the last step waits for the table's locks in short turns.
pub(super) fn table_lock(
    d: &dyn Dialect,
    schema: Option<&str>,
    add: &mut dyn FnMut(&'static str, String),
) {
    use crate::dialect::TableLock;
    match d.table_lock(schema, "clients") {
        TableLock::Session {
            take,
            release,
            held,
            holder,
            ..
        } => {
            add(
                "the table's lock: take it without waiting (1 taken, 0 held)",
                take,
            );
            add("the table's lock: give it back", release);
            add(
                "the table's lock: does this session still hold it (1, 0)",
                held,
            );
            if let Some(holder) = holder {
                add("the table's lock: who holds it", holder);
            }
        }
        TableLock::File { database_file } => {
            add(
                "the table's lock: a file beside the database file",
                database_file,
            );
        }
        TableLock::Unsupported => {}
    }
    match d.snapshot() {
        crate::dialect::Snapshot::PerStatement => {}
        crate::dialect::Snapshot::PerConnection {
            begin,
            reset,
            allowed,
            ..
        } => {
            for sql in allowed.into_iter().chain(begin) {
                add("the snapshot of a table's reads, per connection", sql);
            }
            for sql in reset {
                add("the snapshot of a table's reads: afterwards", sql);
            }
        }
        crate::dialect::Snapshot::Shared {
            session,
            reset,
            begin,
            export,
            join,
            first_joins,
            ..
        } => {
            for sql in session.into_iter().chain(begin).chain([export]) {
                add("the snapshot of a table's reads: the first connection", sql);
            }
            let who = if first_joins {
                "the snapshot of a table's reads: every connection joins it"
            } else {
                "the snapshot of a table's reads: the others join it"
            };
            for sql in join {
                add(who, sql.replace("{}", "00000003-0000001B-1"));
            }
            for sql in reset {
                add("the snapshot of a table's reads: afterwards", sql);
            }
        }
    }
    let table_ref = d.table_ref(schema, "clients");
    if let Some(short) = d.short_lock_wait(&table_ref) {
        for sql in short.set {
            add("the last step's short lock waits", sql);
        }
        if let Some(holders) = short.holders {
            add("the last step's short lock waits: who holds locks", holders);
        }
    }
}
