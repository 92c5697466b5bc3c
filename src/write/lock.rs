//! One loader per target table at a time. Before a run reads a table's watermark or touches its
//! target table, it takes that table's lock (`Dialect::table_lock`: PostgreSQL's advisory lock,
//! MariaDB's `GET_LOCK`, SQL Server's `sp_getapplock`, a lock file beside a SQLite database)
//! and holds it until the table is finished or given up. A second run of the same table waits
//! up to `LOCK_WAIT_SECONDS`, saying who holds it, and then fails that table, never touching the
//! first run's work. The locks belong to a connection (or an open file): a run that dies lets
//! go of them with it. Holding the lock, a run drops the side tables that runs which did not
//! finish left (see [`super::leftovers`]).

use std::{
    path::PathBuf,
    sync::{
        Arc, Mutex,
        mpsc::{self, RecvTimeoutError},
    },
    thread,
    time::Duration,
};

use anyhow::{Context, bail};

use super::{TargetSpec, exists, leftovers, open};
use crate::{
    dialect::TableLock,
    odbc::{self, Connection},
    turns::{self, Turn, wait_for_turn},
};

/// How often the lock's connection is used while the table loads, so that a network that drops
/// idle connections does not drop it.
const KEEP_WARM: Duration = Duration::from_secs(60);

/// A target table held by this run; dropping it lets go.
pub struct TableLockGuard {
    held: Arc<Mutex<Held>>,
    /// The thread that keeps the lock's connection busy (see [`KEEP_WARM`]); dropping the
    /// sender stops it.
    warm: Option<(mpsc::Sender<()>, thread::JoinHandle<()>)>,
}

enum Held {
    Session(SessionLock),
    /// The lock file (removing and closing it lets go).
    LockFile {
        _file: turns::LockFile,
    },
    Nothing,
}

/// A lock held by a connection, and the statements that ask for it (see `TableLock::Session`).
struct SessionLock {
    conn: Connection,
    take: String,
    held: String,
    release: String,
    holder: Option<String>,
}

impl SessionLock {
    /// Asks `sql` (`take` or `held`): 1 is yes, 0 no.
    fn ask(&self, sql: &str, display: &str) -> anyhow::Result<bool> {
        let answer = odbc::query_value(&self.conn, sql)
            .with_context(|| format!("asking for the lock of {display}"))?;
        match answer.as_deref().map(str::trim) {
            Some("1") => Ok(true),
            Some("0") => Ok(false),
            other => {
                bail!("asking for the lock of {display}: the DBMS answered {other:?} to {sql}")
            }
        }
    }

    /// Who holds the lock, where the DBMS tells.
    fn holder(&self) -> Option<String> {
        self.holder
            .as_ref()
            .and_then(|sql| odbc::query_value(&self.conn, sql).ok().flatten())
            .map(|h| h.trim().to_string())
    }
}

impl Drop for TableLockGuard {
    fn drop(&mut self) {
        if let Some((stop, warm)) = self.warm.take() {
            drop(stop);
            let _ = warm.join();
        }
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Held::Session(lock) = &*held {
            // Closing the connection lets go as well; releasing first is tidier for pools.
            let _ = odbc::execute(&lock.conn, &lock.release);
        }
    }
}

impl TableLockGuard {
    fn new(held: Held) -> Self {
        let held = Arc::new(Mutex::new(held));
        let warm = matches!(*held.lock().unwrap(), Held::Session(_)).then(|| {
            let (stop, stopped) = mpsc::channel::<()>();
            let held = Arc::clone(&held);
            let warm = thread::spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(KEEP_WARM) {
                    if let Held::Session(lock) = &*held.lock().unwrap_or_else(|e| e.into_inner())
                        && let Err(e) = odbc::query_value(&lock.conn, &lock.held)
                    {
                        log::debug!("the lock's connection did not answer: {e:#}");
                    }
                }
            });
            (stop, warm)
        });
        TableLockGuard { held, warm }
    }

    /// Before the last step: is the table still this run's? A lock held by a connection is lost
    /// with it (a restarted server, a network that dropped it); then it is taken again, on a new
    /// connection where the old one is gone, when no other session holds it, and the table fails
    /// (its rows as they were) when one does, or when another run loaded it meanwhile.
    pub fn confirm(&self, spec: &TargetSpec<'_>) -> anyhow::Result<()> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let Held::Session(lock) = &mut *held else {
            return Ok(());
        };
        let display = &spec.display;
        match lock.ask(&lock.held, display) {
            Ok(true) => return Ok(()),
            Ok(false) => log::warn!(
                "{}: this run's session no longer holds the lock of {display} (the driver \
                 connected anew?); taking the lock again",
                spec.name
            ),
            Err(e) => {
                log::warn!(
                    "{}: the connection that holds the lock of {display} was lost ({}); taking \
                     the lock again on a new connection",
                    spec.name,
                    crate::report::brief(&e)
                );
                lock.conn = open(spec.connector, spec.dialect)?;
            }
        }
        if !lock.ask(&lock.take, display)? {
            bail!(
                "the lock of {display} was lost with its connection, and {} holds it now: \
                 another run has taken the table since, or the server still keeps this run's \
                 old session (a network that dropped the connection; the server ends it when it \
                 notices). This run leaves the table as it is; run it again",
                lock.holder()
                    .unwrap_or_else(|| "a session the DBMS does not name".into())
            );
        }
        let d = spec.dialect;
        if !exists(
            &lock.conn,
            &d.table_exists_sql(spec.schema.as_deref(), &spec.side),
        )? {
            bail!(
                "the lock of {display} was lost with its connection, and another run loaded the \
                 table meanwhile (this run's side table is gone); the table is as that run left it"
            );
        }
        Ok(())
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
            held,
            holder,
            without_grant,
        } => {
            let lock = SessionLock {
                conn: open(spec.connector, d)?,
                take,
                held,
                release,
                holder,
            };
            let try_take = || lock.ask(&lock.take, &spec.display);
            let who = || lock.holder();
            match try_take() {
                Ok(true) => {}
                Ok(false) => wait_for_turn(&turn(spec), wait, try_take, who)?,
                Err(e) => {
                    let text = format!("{e:#}");
                    let Some(missing) =
                        without_grant.filter(|m| m.errors.iter().any(|code| text.contains(code)))
                    else {
                        return Err(e);
                    };
                    log::warn!(
                        "{}: cannot take the lock that keeps other runs of this tool off {} \
                         ({}); this run goes on without it. Grant the target's user {}, or make \
                         sure that no two runs of this table overlap",
                        spec.name,
                        spec.display,
                        crate::report::brief(&e),
                        missing.grant
                    );
                    leftovers::clean(spec, &lock.conn, false);
                    return Ok(TableLockGuard::new(Held::Nothing));
                }
            }
            leftovers::clean(spec, &lock.conn, true);
            Ok(TableLockGuard::new(Held::Session(lock)))
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
            let Some(file) = turns::lock_file(&path, &turn(spec), wait)? else {
                leftovers::clean(spec, &conn, false);
                return Ok(TableLockGuard::new(Held::Nothing));
            };
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
