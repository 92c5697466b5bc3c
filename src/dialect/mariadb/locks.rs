//! MariaDb's locks: the run's lock on a target table, and the last step's short lock waits
//! (see `dialect::locks`), and the snapshot of a table's reads.

use super::MariaDb;
use crate::dialect::locks::lock_key;
use crate::dialect::{Dialect, SHORT_LOCK_WAIT_SECONDS, ShortLockWait, Snapshot, TableLock};

pub(super) fn table_lock(d: &MariaDb, schema: Option<&str>, table: &str) -> TableLock {
    // A named lock of the server (at most 64 characters), held by the connection; without a
    // schema, the connection's database names the table (the lock is server-wide).
    let name = match schema {
        Some(_) => d.literal(&lock_key(schema, table, 64)),
        None => format!(
            "LEFT(CONCAT('s2s:', DATABASE(), '.', {}), 64)",
            d.literal(table)
        ),
    };
    TableLock::Session {
        take: format!("SELECT GET_LOCK({name}, 0)"),
        release: format!("SELECT RELEASE_LOCK({name})"),
        held: format!("SELECT COALESCE(IS_USED_LOCK({name}) = CONNECTION_ID(), 0)"),
        holder: Some(format!(
            "SELECT CONCAT('connection ', p.ID, ' of ', p.USER, '@', p.HOST, ', ', \
             p.COMMAND, ' for ', p.TIME, ' s') FROM information_schema.PROCESSLIST p \
             WHERE p.ID = IS_USED_LOCK({name})"
        )),
        without_grant: None,
    }
}

pub(super) fn short_lock_wait(_d: &MariaDb, _table_ref: &str) -> Option<ShortLockWait> {
    // lock_wait_timeout: metadata locks (RENAME, TRUNCATE); InnoDB's: rows (DELETE, INSERT).
    Some(ShortLockWait {
        set: vec![
            format!("SET SESSION lock_wait_timeout = {SHORT_LOCK_WAIT_SECONDS}"),
            format!("SET SESSION innodb_lock_wait_timeout = {SHORT_LOCK_WAIT_SECONDS}"),
        ],
        state: None,
        native: Some(1205),
        // MariaDB does not name the holder of a metadata lock without a plugin: the sessions
        // with an open transaction are the candidates.
        holders: Some(
            "SELECT CONCAT('one of the sessions with an open transaction: ', \
             GROUP_CONCAT(CONCAT('connection ', p.ID, ' of ', p.USER, '@', p.HOST, \
             ' (transaction open since ', t.trx_started, ')') SEPARATOR '; ')) \
             FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p \
             ON p.ID = t.trx_mysql_thread_id WHERE p.ID <> CONNECTION_ID()"
                .into(),
        ),
    })
}

pub(super) fn snapshot(_d: &MariaDb) -> Snapshot {
    // InnoDB's consistent snapshot is per connection: the partitions each take their own.
    Snapshot::PerConnection {
        begin: vec![
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ".into(),
            "START TRANSACTION WITH CONSISTENT SNAPSHOT".into(),
        ],
        reset: Vec::new(),
        allowed: None,
        what: "one consistent snapshot per connection (REPEATABLE READ, START TRANSACTION WITH \
               CONSISTENT SNAPSHOT; InnoDB tables): a table read in one piece is one moment, its \
               partitions (PARTITIONS) are each their own moment, taken when they start",
    }
}
