//! One point in time for every read of one source table (`Dialect::snapshot`): its row count,
//! the measured lengths of its text, its MIN/MAX and all its partitions read in one
//! transaction's snapshot, shared by the partitions' connections where the DBMS can share one
//! (PostgreSQL: `pg_export_snapshot`), per connection where it cannot (MariaDB, SQL Server). A
//! table that starts again after a lost source connection takes a new snapshot: the old one
//! ended with its connection.

use anyhow::Context;

use crate::{
    dialect::{Dialect, Snapshot},
    odbc::{self, Connection},
};

/// The snapshot a table's first connection reads in, from the table's first statement (its
/// row count) to its last; [`InSnapshot::end`] ends it (the connection goes back to autocommit
/// for the next table). It holds no connection, so that the table's source can keep it from
/// describing the table to reading it.
pub(super) struct InSnapshot {
    /// Undoes the session settings of the snapshot.
    reset: Vec<String>,
    /// The session settings every connection of the snapshot makes first.
    pub(super) session: Vec<String>,
    /// What other connections join (the shared snapshot's statements, its name filled in), or
    /// start (their own snapshot), to read the same table.
    pub(super) others: Vec<String>,
}

impl InSnapshot {
    /// Ends the snapshot's transaction on `conn` and undoes its session settings.
    pub(super) fn end(&self, conn: &Connection) {
        end(conn, &self.reset);
    }
}

fn end(conn: &Connection, reset: &[String]) {
    let _ = conn.rollback();
    let _ = conn.set_autocommit(true);
    for sql in reset {
        let _ = odbc::execute(conn, sql);
    }
}

/// A partition's connection reading in the table's snapshot; dropping it ends the transaction.
pub(super) struct Joined<'c> {
    conn: &'c Connection,
    reset: Vec<String>,
}

impl Drop for Joined<'_> {
    fn drop(&mut self) {
        end(self.conn, &self.reset);
    }
}

/// Starts the snapshot of a table's reads on `conn` (the first connection). `None` where each
/// statement reads its own moment.
pub(super) fn begin(conn: &Connection, d: &dyn Dialect) -> anyhow::Result<Option<InSnapshot>> {
    let (session, reset, begin, export, join, first_joins) = match d.snapshot() {
        Snapshot::PerStatement => return Ok(None),
        Snapshot::PerConnection {
            begin,
            reset,
            allowed,
            ..
        } => {
            if let Some(sql) = allowed
                && odbc::query_value(conn, &sql)?.as_deref().map(str::trim) != Some("1")
            {
                log::debug!(
                    "the source database does not allow snapshots: each statement reads its \
                     own moment"
                );
                return Ok(None);
            }
            (Vec::new(), reset, begin.clone(), None, begin, false)
        }
        Snapshot::Shared {
            session,
            reset,
            begin,
            export,
            join,
            first_joins,
            ..
        } => (session, reset, begin, Some(export), join, first_joins),
    };
    let started = || -> anyhow::Result<Vec<String>> {
        for sql in &session {
            odbc::execute(conn, sql).context("starting the snapshot of the table's reads")?;
        }
        conn.set_autocommit(false)?;
        for sql in &begin {
            odbc::execute(conn, sql).context("starting the snapshot of the table's reads")?;
        }
        let others = match &export {
            None => join.clone(),
            Some(export) => {
                let name = odbc::query_value(conn, export)?
                    .context("exporting the snapshot of the table's reads")?;
                join.iter()
                    .map(|sql| sql.replace("{}", name.trim()))
                    .collect()
            }
        };
        if first_joins {
            for sql in &others {
                odbc::execute(conn, sql).context("reading in the snapshot of the table's reads")?;
            }
        }
        Ok(others)
    };
    match started() {
        Ok(others) => Ok(Some(InSnapshot {
            reset,
            session,
            others,
        })),
        Err(e) => {
            // Whatever failed, the connection is given back as it was.
            end(conn, &reset);
            Err(e)
        }
    }
}

/// Makes `conn` (a partition's connection) read in the snapshot the first connection started
/// (`first`: its session settings and [`InSnapshot::others`]).
pub(super) fn join<'c>(
    conn: &'c Connection,
    first: Option<(&[String], &[String], &[String])>,
) -> anyhow::Result<Option<Joined<'c>>> {
    let Some((session, reset, joining)) = first else {
        return Ok(None);
    };
    let joined = Joined {
        conn,
        reset: reset.to_vec(),
    };
    for sql in session {
        odbc::execute(conn, sql).context("reading in the snapshot of the table's first read")?;
    }
    conn.set_autocommit(false)?;
    for sql in joining {
        odbc::execute(conn, sql).context("reading in the snapshot of the table's first read")?;
    }
    Ok(Some(joined))
}

impl InSnapshot {
    /// What a partition's connection needs to join: session settings, their reset, and the
    /// statements that make its transaction see the snapshot.
    pub(super) fn joining(&self) -> (&[String], &[String], &[String]) {
        (&self.session, &self.reset, &self.others)
    }
}
