//! One point in time for every read of one source table (`Dialect::snapshot`): its MIN/MAX and
//! all its partitions read in one transaction's snapshot, shared by the partitions' connections
//! where the DBMS can share one (PostgreSQL: `pg_export_snapshot`), per connection where it
//! cannot (MariaDB, SQL Server). A table that starts again after a lost source connection takes
//! a new snapshot: the old one ended with its connection.

use anyhow::Context;

use crate::{
    dialect::{Dialect, Snapshot},
    odbc::{self, Connection},
};

/// A connection reading in a snapshot; dropping it ends the transaction (the connection goes
/// back to autocommit for the next table).
pub(super) struct InSnapshot<'c> {
    conn: &'c Connection,
    /// Undoes the session settings of the snapshot.
    reset: Vec<String>,
    /// The session settings every connection of the snapshot makes first.
    pub(super) session: Vec<String>,
    /// What other connections join (the shared snapshot's statements, its name filled in), or
    /// start (their own snapshot), to read the same table.
    pub(super) others: Vec<String>,
}

impl Drop for InSnapshot<'_> {
    fn drop(&mut self) {
        let _ = self.conn.rollback();
        let _ = self.conn.set_autocommit(true);
        for sql in &self.reset {
            let _ = odbc::execute(self.conn, sql);
        }
    }
}

/// Starts the snapshot of a table's reads on `conn` (the first connection). `None` where each
/// statement reads its own moment.
pub(super) fn begin<'c>(
    conn: &'c Connection,
    d: &dyn Dialect,
) -> anyhow::Result<Option<InSnapshot<'c>>> {
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
    // The guard first: whatever fails from here on, the connection is given back as it was.
    let mut started = InSnapshot {
        conn,
        reset,
        session: session.clone(),
        others: Vec::new(),
    };
    for sql in &session {
        odbc::execute(conn, sql).context("starting the snapshot of the table's reads")?;
    }
    conn.set_autocommit(false)?;
    for sql in &begin {
        odbc::execute(conn, sql).context("starting the snapshot of the table's reads")?;
    }
    let others = match export {
        None => join,
        Some(export) => {
            let name = odbc::query_value(conn, &export)?
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
    started.others = others;
    Ok(Some(started))
}

/// Makes `conn` (a partition's connection) read in the snapshot the first connection started
/// (`first`: its session settings and [`InSnapshot::others`]).
pub(super) fn join<'c>(
    conn: &'c Connection,
    first: Option<(&[String], &[String], &[String])>,
) -> anyhow::Result<Option<InSnapshot<'c>>> {
    let Some((session, reset, joining)) = first else {
        return Ok(None);
    };
    let joined = InSnapshot {
        conn,
        reset: reset.to_vec(),
        session: Vec::new(),
        others: Vec::new(),
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

impl InSnapshot<'_> {
    /// What a partition's connection needs to join: session settings, their reset, and the
    /// statements that make its transaction see the snapshot.
    pub(super) fn joining(&self) -> (&[String], &[String], &[String]) {
        (&self.session, &self.reset, &self.others)
    }
}
