//! What a DBMS offers for runs and readers that meet: the lock that keeps one loader per target
//! table at a time (see `write::lock`; named after the table as the target stores it,
//! [`lock_key`]), the short lock waits of a load's last step, and the snapshot every read of one
//! source table shares (see `read::snapshot`).

/// How a run holds one target table against other runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableLock {
    /// A lock held by the connection that took it (released when it ends, also when the run
    /// dies): `take` returns 1 when it was taken and 0 when another session holds it, without
    /// waiting; `release` gives it back; `holder` returns one text describing the session that
    /// holds it, where the DBMS tells.
    Session {
        /// Takes the lock without waiting: one row, one value, 1 or 0.
        take: String,
        /// Gives the lock back.
        release: String,
        /// Whether this session still holds the lock: one row, one value, 1 or 0.
        held: String,
        /// Who holds the lock (one row, one text), where the DBMS tells.
        holder: Option<String>,
        /// Where a user may lack the grant `take` needs (Oracle: EXECUTE on DBMS_LOCK): the run
        /// then goes on without the lock, saying what to grant.
        without_grant: Option<MissingGrant>,
    },
    /// A lock file beside the database file, whose path `database_file` returns (SQLite: its
    /// own locks last only as long as a transaction).
    File {
        /// A query returning the database file's path.
        database_file: String,
    },
    /// None this tool uses: runs are not kept apart.
    Unsupported,
}

/// A grant a user may lack: when taking the lock fails with one of `errors` (error codes in the
/// driver's message), the user lacks `grant`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingGrant {
    /// What to grant, in the warning.
    pub grant: &'static str,
    /// The error codes that say it is missing.
    pub errors: &'static [&'static str],
}

/// How the last step of a load (swap, refresh, append) waits for the target table's locks: in
/// short turns, so that readers queued behind its lock request wait seconds, not minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortLockWait {
    /// Session statements that end a lock wait with an error after [`SHORT_LOCK_WAIT_SECONDS`].
    pub set: Vec<String>,
    /// The SQLSTATE of that error, where the DBMS has its own.
    pub state: Option<&'static str>,
    /// Its native error code otherwise.
    pub native: Option<i32>,
    /// Who holds locks on the table (one row, one text), where the DBMS tells.
    pub holders: Option<String>,
}

/// How long one turn of the last step waits for the target table's locks.
pub const SHORT_LOCK_WAIT_SECONDS: u32 = 2;

/// How every read of one source table (its partitions, the MIN/MAX that splits them) sees one
/// point in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snapshot {
    /// Each statement sees its own moment (a DBMS in autocommit): one SELECT is consistent,
    /// partitions are not one moment.
    PerStatement,
    /// Each connection's transaction sees one moment: `begin` starts it (autocommit off), when
    /// `allowed` (a query returning 1) says the database allows it.
    PerConnection {
        /// Statements that start the transaction.
        begin: Vec<String>,
        /// Statements that undo session settings of `begin` afterwards.
        reset: Vec<String>,
        /// A query returning 1 when the database allows it (else: [`Snapshot::PerStatement`]).
        allowed: Option<String>,
        /// What it is, for `check` and the log.
        what: &'static str,
    },
    /// One moment shared by all connections: `begin` starts the first one's transaction,
    /// `export` returns the snapshot's name, and `join` + the name make another connection's
    /// transaction see it.
    Shared {
        /// Session settings made before the transaction starts (in autocommit), on every
        /// connection: the transaction's first statement is then the export or the join (a
        /// driver that wraps later statements in savepoints cannot get in the way).
        session: Vec<String>,
        /// Statements that undo `session` after the transaction.
        reset: Vec<String>,
        /// Statements that start the first connection's transaction.
        begin: Vec<String>,
        /// A query returning the snapshot's name.
        export: String,
        /// Statements that make another connection see the snapshot (the name goes in `{}`).
        join: Vec<String>,
        /// The first connection runs `join` too, after `export` (Oracle: the SCN is taken
        /// first, then every connection reads as of it).
        first_joins: bool,
        /// What it is, for `check` and the log.
        what: &'static str,
    },
}

impl Snapshot {
    /// What a source table's reads see, for `check` and the log.
    pub fn describe(&self) -> String {
        match self {
            Snapshot::PerStatement => "each SELECT is consistent in itself; the partitions of \
                one table (PARTITIONS) are read at moments apart"
                .into(),
            Snapshot::PerConnection { what, .. } | Snapshot::Shared { what, .. } => {
                (*what).to_string()
            }
        }
    }
}

/// The lock's name for the table `table` in `schema`: `s2s:schema.table`, shortened with a hash
/// of the whole name to at most `max` bytes.
pub fn lock_key(schema: Option<&str>, table: &str, max: usize) -> String {
    let full = match schema {
        Some(s) => format!("s2s:{s}.{table}"),
        None => format!("s2s:{table}"),
    };
    if full.len() <= max {
        return full;
    }
    let tag = format!("~{:08x}", fnv(&full) as u32);
    let mut keep = max.saturating_sub(tag.len());
    while !full.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}{tag}", &full[..keep])
}

/// A 32-bit number for the lock `key` (PostgreSQL's advisory locks take numbers): FNV-1a, the
/// same in every run and every version.
pub fn lock_number(key: &str) -> i32 {
    fnv(key) as u32 as i32
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_name_the_table_and_stay_within_the_limit() {
        assert_eq!(lock_key(Some("staging"), "zaken", 64), "s2s:staging.zaken");
        assert_eq!(lock_key(None, "zaken", 64), "s2s:zaken");
        let long = "z".repeat(100);
        let a = lock_key(Some("staging"), &long, 64);
        let b = lock_key(Some("staging"), &format!("{long}x"), 64);
        assert_eq!(a.len(), 64);
        assert!(a.starts_with("s2s:staging.zzz"), "{a}");
        assert_ne!(a, b, "a hash of the whole name keeps long names apart");
        let accents = lock_key(None, &"é".repeat(40), 64);
        assert!(accents.len() <= 64, "{accents}");
        assert_eq!(
            lock_number("s2s:staging.zaken"),
            lock_number("s2s:staging.zaken")
        );
        assert_ne!(
            lock_number("s2s:staging.zaken"),
            lock_number("s2s:staging.zaak")
        );
    }

    #[test]
    fn check_says_what_each_dialects_reads_see() {
        let said: Vec<String> = [
            &crate::dialect::postgres::Postgres as &dyn crate::dialect::Dialect,
            &crate::dialect::mariadb::MariaDb,
            &crate::dialect::sqlite::Sqlite,
        ]
        .iter()
        .map(|d| d.snapshot().describe())
        .collect();
        assert!(
            said[0].starts_with("one snapshot for the whole table (REPEATABLE READ)"),
            "{}",
            said[0]
        );
        assert!(
            said[1].starts_with(
                "one consistent snapshot per connection (REPEATABLE READ, START \
                 TRANSACTION WITH CONSISTENT SNAPSHOT; InnoDB tables)"
            ),
            "{}",
            said[1]
        );
        assert!(
            said[2].starts_with("each SELECT is consistent in itself"),
            "{}",
            said[2]
        );
    }
}
