//! Oracle's locks: the run's lock on a target table, the last step's short lock waits (see
//! `dialect::locks`), and the snapshot of a table's reads. Both the lock and the shared snapshot
//! need a grant (EXECUTE on `SYS.DBMS_LOCK`, on `SYS.DBMS_FLASHBACK`); without it the run goes
//! on without them, saying so.

use super::Oracle;
use crate::dialect::locks::lock_key;
use crate::dialect::{Dialect, SHORT_LOCK_WAIT_SECONDS, ShortLockWait, Snapshot, TableLock};

pub(super) fn table_lock(d: &Oracle, schema: Option<&str>, table: &str) -> TableLock {
    // A user lock of DBMS_LOCK (names up to 128 bytes), requested without waiting and kept by
    // the session (release_on_commit FALSE). ALLOCATE_UNIQUE commits, so it runs in an
    // autonomous transaction of a function of the query; REQUEST answers 0 (taken), 4 (already
    // ours) or 1 (held by another session).
    let name = d.literal(&lock_key(schema, table, 128));
    let handle = format!("DBMS_LOCK.ALLOCATE_UNIQUE({name}, handle)");
    TableLock::Session {
        take: format!(
            "WITH FUNCTION s2s_take RETURN NUMBER IS PRAGMA AUTONOMOUS_TRANSACTION; \
             handle VARCHAR2(128); answer INTEGER; BEGIN {handle}; \
             answer := DBMS_LOCK.REQUEST(handle, DBMS_LOCK.X_MODE, 0, FALSE); COMMIT; \
             RETURN CASE answer WHEN 0 THEN 1 WHEN 4 THEN 1 WHEN 1 THEN 0 ELSE 10 + answer END; \
             END; SELECT s2s_take FROM DUAL"
        ),
        release: format!(
            "DECLARE handle VARCHAR2(128); answer INTEGER; BEGIN {handle}; \
             answer := DBMS_LOCK.RELEASE(handle); END;"
        ),
        holder: Some(format!(
            "SELECT 'session ' || s.sid || ' of ' || s.username || ' from ' || s.machine || \
             ' (' || s.program || ')' FROM v$lock l JOIN v$session s ON s.sid = l.sid \
             JOIN sys.dbms_lock_allocated a ON a.lockid = l.id1 \
             WHERE l.type = 'UL' AND l.lmode = 6 AND a.name = {name} AND ROWNUM = 1"
        )),
        requires: Some("EXECUTE on SYS.DBMS_LOCK"),
    }
}

pub(super) fn short_lock_wait(_d: &Oracle, _table_ref: &str) -> Option<ShortLockWait> {
    // DDL waits this long for a busy table, then ORA-00054 (DML waits are not limited).
    Some(ShortLockWait {
        set: vec![format!(
            "ALTER SESSION SET DDL_LOCK_TIMEOUT = {SHORT_LOCK_WAIT_SECONDS}"
        )],
        state: None,
        native: Some(54),
        holders: None,
    })
}

pub(super) fn snapshot(_d: &Oracle) -> Snapshot {
    // One SCN for every connection of the table, the first one included: DBMS_FLASHBACK makes
    // all of a session's queries read as of it (as `AS OF SCN` would each), outside a
    // transaction (ORA-08183), until DISABLE or the end of the session.
    Snapshot::Shared {
        session: Vec::new(),
        reset: vec!["BEGIN DBMS_FLASHBACK.DISABLE; END;".into()],
        begin: Vec::new(),
        export: "SELECT TO_CHAR(DBMS_FLASHBACK.GET_SYSTEM_CHANGE_NUMBER) FROM DUAL".into(),
        join: vec!["BEGIN DBMS_FLASHBACK.ENABLE_AT_SYSTEM_CHANGE_NUMBER({}); END;".into()],
        first_joins: true,
        what: "one SCN for the whole table, shared by all its partitions (DBMS_FLASHBACK, which \
               needs EXECUTE on SYS.DBMS_FLASHBACK; without it each SELECT is its own moment)",
    }
}
