//! `check`'s proof that the values go in: the first rows inserted the way a run inserts them,
//! into tables that are rolled back or dropped afterwards.

use anyhow::Context;
use arrow_odbc::arrow::record_batch::RecordBatch;

use super::{
    CHECK_SUFFIX, COPY_SUFFIX, TargetSpec, ensure_schema, exists, open,
    table::{casts_from_catalog, insert_columns},
    write_plan::{Finish, WritePlan},
};
use crate::{odbc, plan::TableShape};

/// Inserts `batch` (the first rows of a table) the way a run would, into tables that are rolled
/// back or dropped afterwards, so that `check` can say the values go in. With transactional DDL
/// the side table itself is created in a transaction; otherwise the sample goes into a temporary
/// table. For an existing table the sample then goes on the way the last step moves rows: for an
/// append into the table itself, for a refresh into an empty temporary copy of its definition
/// (the rows already there must not collide with it); both rolled back. `Ok(Some(why))` when the
/// sample could not be tried (MariaDB without a database to hold a temporary table). `keys`: the
/// merge keys, quoted (see `merge_keys`), unique in the sample too.
pub fn sample(
    spec: &TargetSpec<'_>,
    shape: &TableShape,
    plan: &WritePlan,
    keys: &[String],
    batch: RecordBatch,
) -> anyhow::Result<Option<String>> {
    let d = spec.dialect;
    let conn = open(spec.connector, d)?;
    conn.set_autocommit(false)?;
    let transactional = d.transactional_ddl();
    let sample_name = spec.suffixed(CHECK_SUFFIX);
    let schema_missing = match spec.schema.as_deref() {
        Some(schema) if d.has_schemas() => !exists(&conn, &d.schema_exists_sql(schema))?,
        _ => false,
    };
    let sample_ref = match spec.schema.as_deref() {
        // A temporary table needs an existing schema (MariaDB: a database); without one it goes
        // into the connection's own.
        _ if !transactional && schema_missing => d.temporary_table_ref(None, &sample_name),
        schema if !transactional => d.temporary_table_ref(schema, &sample_name),
        schema => d.table_ref(schema, &sample_name),
    };
    let copy_ref = d.temporary_table_ref(spec.schema.as_deref(), &spec.suffixed(COPY_SUFFIX));
    let target_ref = spec.table_ref.clone();
    let mut load = plan.load.clone();
    let (batch, _) = d.prepare_batch(batch, &load)?;
    let mut temporary = Vec::new();
    let mut attempt = || -> anyhow::Result<Option<String>> {
        if transactional {
            ensure_schema(&conn, d, spec.schema.as_deref())?;
            odbc::execute(
                &conn,
                &d.create_table_sql(&sample_ref, &plan.side_columns()),
            )?;
            casts_from_catalog(&conn, d, spec.schema.as_deref(), &sample_name, &mut load)?;
        } else {
            let created = odbc::execute(
                &conn,
                &d.create_temporary_table_sql(&sample_ref, &plan.side_columns()),
            );
            if let Err(e) = created {
                if schema_missing {
                    return Ok(Some(format!(
                        "the target schema does not exist yet and the connection has no \
                         database to hold a temporary table ({})",
                        crate::report::brief(&e)
                    )));
                }
                return Err(e);
            }
            temporary.push(sample_ref.clone());
        }
        // The merge keys (`keys`, quoted), unique in the sample as in the run's side table.
        if !keys.is_empty() {
            let name = format!("{sample_name}_key");
            odbc::execute(&conn, &d.unique_key_sql(&sample_ref, &name, keys))?;
        }
        let (columns, params) = insert_columns(d, shape, &load)?;
        d.insert_strategy()
            .insert(&conn, &sample_ref, &columns, &params, &batch)
            .context("inserting the sample")?;
        let into = match plan.finish {
            Finish::Swap => return Ok(None),
            Finish::Append => target_ref.clone(),
            Finish::Refresh => {
                odbc::execute(&conn, &d.empty_copy_sql(&copy_ref, &target_ref))?;
                temporary.push(copy_ref.clone());
                copy_ref.clone()
            }
        };
        // Added columns: on the temporary copy always, on the table itself only where DDL rolls
        // back; otherwise they are left out of the copy.
        let add_here = transactional || plan.finish == Finish::Refresh;
        if add_here {
            for column in &plan.added {
                odbc::execute(&conn, &d.add_column_sql(&into, column))?;
            }
        }
        let kept: Vec<String> = columns
            .iter()
            .zip(&load)
            .filter(|(_, c)| add_here || !plan.added.iter().any(|a| a.name == c.target.name))
            .map(|(q, _)| q.clone())
            .collect();
        // The rows move as the last step of the run moves them: upserted by [merge-keys].
        let copy = if keys.is_empty() || plan.finish != Finish::Append {
            let list = kept.join(", ");
            vec![format!(
                "INSERT INTO {into} ({list}) SELECT {list} FROM {sample_ref}"
            )]
        } else {
            d.upsert_sql(&into, &sample_ref, &kept, keys)
        };
        for sql in &copy {
            odbc::execute(&conn, sql).context("copying the sample into the table")?;
        }
        Ok(None)
    };
    let result = attempt();
    let _ = conn.rollback();
    if !transactional {
        let _ = conn.set_autocommit(true);
        for table in &temporary {
            let _ = odbc::execute(&conn, &d.drop_table_sql(table));
        }
    }
    result
}
