//! One loader per target table at a time. Before a run reads a table's watermark or touches its
//! target table, it takes that table's lock (`Dialect::table_lock`: PostgreSQL's advisory lock,
//! MariaDB's `GET_LOCK`, SQL Server's `sp_getapplock`, a lock file beside a SQLite database)
//! and holds it until the table is finished or given up. A second run of the same table waits
//! up to `LOCK_WAIT_SECONDS`, saying who holds it, and then fails that table, never touching the
//! first run's work. The locks belong to a connection (or an open file): a run that dies lets
//! go of them with it. Holding the lock, a run drops the side tables that runs which did not
//! finish left (see [`super::leftovers`]).

use std::{path::PathBuf, sync::Mutex, time::Duration};

use anyhow::{Context, bail};

use super::{TargetSpec, leftovers, open};
use crate::{
    dialect::TableLock,
    odbc::{self, Connection},
    turns::{self, Turn, wait_for_turn},
};

/// A target table held by this run; dropping it lets go.
pub struct TableLockGuard {
    held: Mutex<Held>,
}

enum Held {
    Session {
        conn: Connection,
        /// Takes the lock again on a new connection (see [`TableLockGuard::confirm`]).
        take: String,
        release: String,
    },
    /// The lock file (removing and closing it lets go).
    LockFile {
        _file: turns::LockFile,
    },
    Nothing,
}

impl Drop for TableLockGuard {
    fn drop(&mut self) {
        let held = self.held.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Held::Session { conn, release, .. } = held {
            // Closing the connection lets go as well; releasing first is tidier for pools.
            let _ = odbc::execute(conn, release);
        }
    }
}

impl TableLockGuard {
    fn new(held: Held) -> Self {
        TableLockGuard {
            held: Mutex::new(held),
        }
    }

    /// Before the last step: is the table still this run's? A lock held by a connection is lost
    /// with it (a firewall that drops idle connections, a restarted server); then it is taken
    /// again on a new connection when no other run has taken it since, and the table fails
    /// (its rows as they were) when one has.
    pub fn confirm(&self, spec: &TargetSpec<'_>) -> anyhow::Result<()> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let Held::Session { conn, take, .. } = &mut *held else {
            return Ok(());
        };
        let d = spec.dialect;
        let alive = odbc::query_text(
            conn,
            &d.table_exists_sql(spec.schema.as_deref(), &spec.table),
        );
        let Err(lost) = alive else {
            return Ok(());
        };
        log::warn!(
            "{}: the connection that holds the lock of {} was lost ({}); taking the lock again",
            spec.name,
            spec.display,
            crate::report::brief(&lost)
        );
        let fresh = open(spec.connector, d)?;
        match odbc::query_value(&fresh, take)?.as_deref().map(str::trim) {
            Some("1") => {
                *conn = fresh;
                Ok(())
            }
            _ => bail!(
                "the connection that held the lock of {} was lost, and another run has taken \
                 the table since; this run leaves the table to it",
                spec.display
            ),
        }
    }
}

/// Takes the lock of the target table `spec`, waiting up to `wait` for another run that holds
/// it. Fails (naming the holder where the DBMS tells) when the wait is over or the run is
/// interrupted.
pub fn lock_table(spec: &TargetSpec<'_>, wait: Duration) -> anyhow::Result<TableLockGuard> {
    let d = spec.dialect;
    match d.table_lock(spec.schema.as_deref(), &spec.table) {
        TableLock::Unsupported => {
            leftovers::clean(spec, &open(spec.connector, d)?, false);
            Ok(TableLockGuard::new(Held::Nothing))
        }
        TableLock::Session {
            take,
            release,
            holder,
            requires,
        } => {
            let conn = open(spec.connector, d)?;
            let try_take = || -> anyhow::Result<bool> {
                let answer = odbc::query_value(&conn, &take)
                    .with_context(|| format!("taking the lock of {}", spec.display))?;
                match answer.as_deref().map(str::trim) {
                    Some("1") => Ok(true),
                    Some("0") => Ok(false),
                    other => bail!(
                        "taking the lock of {}: the DBMS answered {other:?} to {take}",
                        spec.display
                    ),
                }
            };
            let who = || {
                holder
                    .as_ref()
                    .and_then(|sql| odbc::query_value(&conn, sql).ok().flatten())
                    .map(|h| h.trim().to_string())
            };
            match (try_take(), requires) {
                (Ok(true), _) => {}
                (Ok(false), _) => wait_for_turn(&turn(spec), wait, try_take, who)?,
                (Err(e), Some(grant)) => {
                    log::warn!(
                        "{}: cannot take the lock that keeps other runs of this tool off {} \
                         ({e:#}); this run goes on without it. Grant the target's user {grant}, \
                         or make sure that no two runs of this table overlap",
                        spec.name,
                        spec.display
                    );
                    leftovers::clean(spec, &conn, false);
                    return Ok(TableLockGuard::new(Held::Nothing));
                }
                (Err(e), None) => return Err(e),
            }
            leftovers::clean(spec, &conn, true);
            Ok(TableLockGuard::new(Held::Session {
                conn,
                take,
                release,
            }))
        }
        TableLock::File { database_file } => {
            let conn = open(spec.connector, d)?;
            let Some(path) = odbc::query_value(&conn, &database_file)?
                .filter(|p| !p.trim().is_empty())
                .map(|p| lock_file_path(p.trim().to_string(), &spec.table))
            else {
                // An in-memory or temporary database: no other run can reach it.
                return Ok(TableLockGuard::new(Held::Nothing));
            };
            let file = turns::lock_file(&path, &turn(spec), wait)?;
            leftovers::clean(spec, &conn, true);
            Ok(TableLockGuard::new(Held::LockFile { _file: file }))
        }
    }
}

/// What a run waits for when another holds the table.
fn turn<'a>(spec: &'a TargetSpec<'_>) -> Turn<'a> {
    Turn {
        label: &spec.name,
        what: format!("loading the target table {}", spec.display),
        leaves: "the table",
        advice: "",
    }
}

/// The lock file of `table` beside the SQLite database file `database`.
fn lock_file_path(database: String, table: &str) -> PathBuf {
    let safe: String = table
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    PathBuf::from(format!("{database}.{safe}.s2s-lock"))
}
