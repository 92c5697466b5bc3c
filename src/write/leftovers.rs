//! Side tables that runs left behind. A run that is killed, or loses its target for good,
//! leaves its side table `<table>_s2s_new_<run>`. The run that holds the target table's lock
//! (see [`super::lock`]) drops them: no run of this tool can be using them. Where the target
//! offers no lock, runs are not kept apart and another run may be loading into one right now:
//! they are named in a warning and left alone.

use crate::{
    dialect::{is_side_table_of, side_table_pattern},
    odbc::{
        self, Connection,
        catalog::{self, Scope},
    },
};

use super::TargetSpec;

/// Drops the side tables of `spec` that other runs left (`locked`: this run holds the table's
/// lock), or, without a lock, warns about them. Housekeeping: a failure is a warning.
pub(super) fn clean(spec: &TargetSpec<'_>, conn: &Connection, locked: bool) {
    let found = match others(spec, conn) {
        Ok(found) => found,
        Err(e) => {
            log::warn!(
                "{}: cannot look for side tables that earlier runs left: {e:#}",
                spec.name
            );
            return;
        }
    };
    if found.is_empty() {
        return;
    }
    let d = spec.dialect;
    if !locked {
        log::warn!(
            "{}: side tables of other runs exist ({}); runs of one table are not kept apart on \
             this target, so they are left alone: drop them when no run is loading {}",
            spec.name,
            found.join(", "),
            spec.display
        );
        return;
    }
    // A side table whose run's session the server still keeps (a power loss) is locked by
    // it: wait seconds for it, not forever, and leave it to a later run.
    if let Some(short) = d.short_lock_wait(&spec.table_ref) {
        for sql in &short.set {
            let _ = odbc::execute(conn, sql);
        }
    }
    for name in found {
        let table_ref = d.table_ref(spec.schema.as_deref(), &name);
        match odbc::execute(conn, &d.drop_table_sql(&table_ref)) {
            Ok(()) => log::info!(
                "{}: dropped {table_ref}, the side table of a run that did not finish",
                spec.name
            ),
            Err(e) => log::warn!(
                "{}: cannot drop {table_ref}, the side table of a run that did not finish (a \
                 later run tries again): {e:#}",
                spec.name
            ),
        }
    }
}

/// The names of the side tables of `spec` in the catalog, other than this run's.
fn others(spec: &TargetSpec<'_>, conn: &Connection) -> anyhow::Result<Vec<String>> {
    let d = spec.dialect;
    let schema = spec.schema.as_deref();
    let scope = Scope::query(conn, &d.catalog_scope_sql(schema))?;
    let pattern = side_table_pattern(d, &spec.table);
    let listed = catalog::tables_like(conn, d, schema, &scope, &pattern)?;
    Ok(listed
        .into_iter()
        .map(|t| t.name)
        .filter(|name| *name != spec.side && is_side_table_of(d, &spec.table, name))
        .collect())
}
