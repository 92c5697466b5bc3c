//! Postgres's locks: the run's lock on a target table, and the last step's short lock waits
//! (see `dialect::locks`), and the snapshot of a table's reads.

use super::Postgres;
use crate::dialect::locks::{lock_key, lock_number};
use crate::dialect::{Dialect, SHORT_LOCK_WAIT_SECONDS, ShortLockWait, Snapshot, TableLock};

/// The first number of this tool's advisory locks (the second is the table's, see
/// `dialect::locks::lock_number`), so they do not meet an application's own.
const ADVISORY_CLASS: i32 = 0x5325_0001;

pub(super) fn table_lock(_d: &Postgres, schema: Option<&str>, table: &str) -> TableLock {
    // A session-level advisory lock: two numbers, this tool's and the table's.
    let n = lock_number(&lock_key(schema, table, usize::MAX));
    TableLock::Session {
        take: format!(
            "SELECT CASE WHEN pg_try_advisory_lock({ADVISORY_CLASS}, {n}) THEN 1 ELSE 0 END"
        ),
        release: format!("SELECT pg_advisory_unlock({ADVISORY_CLASS}, {n})"),
        held: format!(
            "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
             AND classid = {ADVISORY_CLASS} AND objid = {} AND objsubid = 2 \
             AND pid = pg_backend_pid()",
            n as u32
        ),
        holder: Some(format!(
            "SELECT 'process ' || a.pid || ' of ' || coalesce(a.usename::text, '?') \
             || coalesce(' from ' || host(a.client_addr), '') \
             || coalesce(' (' || nullif(a.application_name, '') || ')', '') \
             || ', connected since ' || to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS') \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {ADVISORY_CLASS} \
             AND l.objid = {} AND l.objsubid = 2",
            n as u32
        )),
        without_grant: None,
    }
}

pub(super) fn short_lock_wait(d: &Postgres, table_ref: &str) -> Option<ShortLockWait> {
    Some(ShortLockWait {
        set: vec![format!("SET lock_timeout = '{SHORT_LOCK_WAIT_SECONDS}s'")],
        state: Some("55P03"),
        native: None,
        holders: Some(format!(
            "SELECT string_agg(DISTINCT 'process ' || a.pid || ' of ' \
             || coalesce(a.usename::text, '?') || ' (' || coalesce(a.state, '?') \
             || coalesce(', transaction since ' || to_char(a.xact_start, 'HH24:MI:SS'), '') \
             || '): ' || left(coalesce(a.query, ''), 80), '; ') \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.granted AND l.pid <> pg_backend_pid() \
             AND l.relation = to_regclass({})",
            d.literal(table_ref)
        )),
    })
}

pub(super) fn snapshot(_d: &Postgres) -> Snapshot {
    // REPEATABLE READ: one snapshot for the transaction; exported, the partitions' connections
    // import it (SET TRANSACTION SNAPSHOT), so all of them read the same moment. Set for the
    // session first: psqlODBC wraps every statement after a transaction's first in a savepoint,
    // and neither the export nor the import works in one.
    Snapshot::Shared {
        session: vec![
            "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                .into(),
        ],
        reset: vec![
            "RESET default_transaction_isolation".into(),
            "RESET default_transaction_read_only".into(),
        ],
        begin: Vec::new(),
        export: "SELECT pg_export_snapshot()".into(),
        join: vec!["SET TRANSACTION SNAPSHOT '{}'".into()],
        first_joins: false,
        what: "one snapshot for the whole table (REPEATABLE READ), shared by all its partitions \
               (pg_export_snapshot)",
    }
}
