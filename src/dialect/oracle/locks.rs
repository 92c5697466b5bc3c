//! Oracle's locks: the run's lock on a target table, the last step's short lock waits (see
//! `dialect::locks`), and the snapshot of a table's reads. Both the lock and the shared snapshot
//! need a grant (EXECUTE on `SYS.DBMS_LOCK`, on `SYS.DBMS_FLASHBACK`); without it the run goes
//! on without them, saying so.

use super::Oracle;
use crate::dialect::locks::{lock_key, lock_number};
use crate::dialect::{MissingGrant, SHORT_LOCK_WAIT_SECONDS, ShortLockWait, Snapshot, TableLock};

pub(super) fn table_lock(_d: &Oracle, schema: Option<&str>, table: &str) -> TableLock {
    // A user lock of DBMS_LOCK by number (user locks are 0 to 1073741823: the table's hash),
    // requested without waiting and kept by the session (release_on_commit FALSE). REQUEST
    // answers 0 (taken), 4 (already this session's) or 1 (held by another session); being a
    // PL/SQL function with effects, it is called from a function of the query.
    let id = lock_number(&lock_key(schema, table, usize::MAX)) as u32 & 0x3fff_ffff;
    let take = format!(
        "WITH FUNCTION s2s_take RETURN NUMBER IS PRAGMA AUTONOMOUS_TRANSACTION; \
         answer INTEGER; BEGIN answer := DBMS_LOCK.REQUEST({id}, DBMS_LOCK.X_MODE, 0, FALSE); \
         RETURN CASE answer WHEN 0 THEN 1 WHEN 4 THEN 1 WHEN 1 THEN 0 ELSE 10 + answer END; \
         END; SELECT s2s_take FROM DUAL"
    );
    TableLock::Session {
        // Asked again, a lock the session holds answers 4 (1 here).
        held: take.clone(),
        take,
        release: format!("DECLARE answer INTEGER; BEGIN answer := DBMS_LOCK.RELEASE({id}); END;"),
        holder: Some(format!(
            "SELECT 'session ' || s.sid || ' of ' || s.username || ' from ' || s.machine || \
             ' (' || s.program || ')' FROM v$lock l JOIN v$session s ON s.sid = l.sid \
             WHERE l.type = 'UL' AND l.id1 = {id} AND l.lmode = 6 AND ROWNUM = 1"
        )),
        // PLS-00201: identifier 'DBMS_LOCK' must be declared (no EXECUTE on it).
        without_grant: Some(MissingGrant {
            grant: "EXECUTE on SYS.DBMS_LOCK",
            errors: &["PLS-00201"],
        }),
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
