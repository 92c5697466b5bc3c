//! SqlServer's locks: the run's lock on a target table, and the last step's short lock waits
//! (see `dialect::locks`), and the snapshot of a table's reads.

use super::SqlServer;
use crate::dialect::locks::lock_key;
use crate::dialect::{Dialect, SHORT_LOCK_WAIT_SECONDS, ShortLockWait, Snapshot, TableLock};

pub(super) fn table_lock(d: &SqlServer, schema: Option<&str>, table: &str) -> TableLock {
    // An application lock owned by the session, named after the database too (SQL Server
    // keeps application locks per database; Babelfish keeps them per server, so two databases'
    // `staging.t` would share one). Resource names take 255 characters, a database name 128.
    let name = format!(
        "DECLARE @s2s_resource nvarchar(255) = CONCAT(DB_NAME(), N':', {});",
        d.literal(&lock_key(schema, table, 126))
    );
    TableLock::Session {
        // APPLOCK_TEST first: a lock another session holds is not asked for (Babelfish 4.4
        // answers an unsuccessful sp_getapplock with a message before the result, and its fifth
        // in one session brings the server down).
        take: format!(
            "SET NOCOUNT ON; {name} DECLARE @s2s_lock int = -1; IF APPLOCK_TEST('public', \
             @s2s_resource, 'Exclusive', 'Session') = 1 EXEC @s2s_lock = sp_getapplock \
             @Resource = @s2s_resource, @LockMode = 'Exclusive', @LockOwner = 'Session', \
             @LockTimeout = 0; SELECT CASE WHEN @s2s_lock >= 0 THEN 1 ELSE 0 END"
        ),
        release: format!(
            "{name} EXEC sp_releaseapplock @Resource = @s2s_resource, @LockOwner = 'Session'"
        ),
        held: format!(
            "{name} SELECT CASE WHEN APPLOCK_MODE('public', @s2s_resource, 'Session') = \
             'Exclusive' THEN 1 ELSE 0 END"
        ),
        holder: None,
        without_grant: None,
    }
}

pub(super) fn short_lock_wait(d: &SqlServer, table_ref: &str) -> Option<ShortLockWait> {
    Some(ShortLockWait {
        set: vec![format!(
            "SET LOCK_TIMEOUT {}",
            SHORT_LOCK_WAIT_SECONDS * 1000
        )],
        state: None,
        // Lock request time out period exceeded.
        native: Some(1222),
        holders: Some(format!(
            "SELECT STRING_AGG(CONCAT('session ', s.session_id, ' of ', s.login_name, \
             ' from ', s.host_name, ' (', s.program_name, ')'), '; ') \
             FROM sys.dm_exec_sessions s WHERE s.session_id IN (SELECT l.request_session_id \
             FROM sys.dm_tran_locks l WHERE l.resource_type = 'OBJECT' \
             AND l.resource_associated_entity_id = OBJECT_ID({}) \
             AND l.request_status = 'GRANT' AND l.request_session_id <> @@SPID)",
            d.literal(table_ref)
        )),
    })
}

pub(super) fn snapshot(_d: &SqlServer) -> Snapshot {
    // Row versioning, where the database allows it (ALLOW_SNAPSHOT_ISOLATION ON).
    Snapshot::PerConnection {
        begin: vec!["SET TRANSACTION ISOLATION LEVEL SNAPSHOT".into()],
        // The level stays with the session: back to the default for the next table.
        reset: vec!["SET TRANSACTION ISOLATION LEVEL READ COMMITTED".into()],
        allowed: Some(
            "SELECT CASE WHEN snapshot_isolation_state = 1 THEN 1 ELSE 0 END FROM sys.databases \
             WHERE name = DB_NAME()"
                .into(),
        ),
        what: "SNAPSHOT isolation per connection where the database allows it \
               (ALLOW_SNAPSHOT_ISOLATION ON), else READ COMMITTED: each SELECT its own moment; \
               partitions (PARTITIONS) are each their own moment",
    }
}
