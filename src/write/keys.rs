//! The keys of an incremental table: the `[merge-keys]` resolved to the target's columns and
//! checked against the existing table's unique keys (before anything is written), the unique key
//! and watermark index the side table gets, and the NULL keys an upsert could never match.

use anyhow::{Context, bail};

use super::{
    TargetSpec, count_rows,
    write_plan::{Finish, WritePlan},
};
use crate::{
    dialect::WATERMARK_INDEX_SUFFIX,
    odbc::{self, Connection},
};

/// Suffix of the unique key on the merge keys of a table the tool creates.
pub const KEY_SUFFIX: &str = "_s2s_key";

/// The `[merge-keys]` of the table, quoted as its columns. Refuses (before anything is written)
/// keys that are not copied columns, and an existing table without a unique key on exactly
/// them (or, where the DBMS's upsert matches any unique key, with other unique keys too).
pub(crate) fn merge_keys(
    conn: &Connection,
    spec: &TargetSpec<'_>,
    plan: &WritePlan,
) -> anyhow::Result<Vec<String>> {
    let d = spec.dialect;
    let mut names = Vec::with_capacity(spec.merge_keys.len());
    for key in &spec.merge_keys {
        let Some(column) = plan.load.iter().find(|c| {
            c.target.name.eq_ignore_ascii_case(key)
                || c.source.source_name.eq_ignore_ascii_case(key)
        }) else {
            bail!(
                "[merge-keys] {}: the column {key} is not among the columns copied ({})",
                spec.name,
                plan.load
                    .iter()
                    .map(|c| c.target.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        };
        names.push(column.target.name.clone());
    }
    let quoted: Vec<String> = names.iter().map(|n| d.quote(n)).collect();
    if names.is_empty() || !plan.target_exists {
        return Ok(quoted);
    }
    let keys = odbc::catalog::unique_keys(conn, d, spec.schema.as_deref(), &spec.table)
        .context("reading the target table's unique keys from the catalog")?;
    let mut wanted: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    wanted.sort();
    let Some(found) = keys
        .iter()
        .find(|(_, columns)| columns.as_ref() == Some(&wanted))
        .map(|(name, _)| name)
    else {
        let add = d.unique_key_sql(&spec.table_ref, &spec.suffixed(KEY_SUFFIX), &quoted);
        bail!(
            "the target table {} has no unique key on ({}), which [merge-keys] needs to upsert \
             the rows; add one ({add}), or drop the table so that the next run creates it with \
             the key; nothing was written",
            spec.display,
            names.join(", ")
        );
    };
    let others: Vec<&String> = keys.keys().filter(|k| *k != found).collect();
    if d.upsert_matches_any_unique_key() && !others.is_empty() {
        bail!(
            "the target table {} has unique keys besides ({}): {}; {}'s upsert (ON DUPLICATE KEY \
             UPDATE) would update the row that collides on any of them, a row with other merge \
             keys; drop those keys from the staging table; nothing was written",
            spec.display,
            names.join(", "),
            others
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            d.name()
        );
    }
    Ok(quoted)
}

/// The side table of an incremental table gets the unique key on the merge keys (so rows of one
/// window with the same keys fail the table, on every DBMS, instead of one silently winning)
/// and, when it becomes the table (a new table), an index on the watermark column, which each
/// run starts with (`MAX`).
pub(super) fn add_to_side_table(
    conn: &Connection,
    spec: &TargetSpec<'_>,
    plan: &WritePlan,
    upsert_keys: &[String],
) -> anyhow::Result<()> {
    for sql in incremental_ddl(spec, plan, upsert_keys) {
        odbc::execute(conn, &sql)
            .with_context(|| format!("adding a key or index to {}", spec.side_ref))?;
    }
    Ok(())
}

/// The statements of [`add_to_side_table`] (also shown by `check`).
pub(crate) fn incremental_ddl(
    spec: &TargetSpec<'_>,
    plan: &WritePlan,
    upsert_keys: &[String],
) -> Vec<String> {
    let d = spec.dialect;
    let side_ref = &spec.side_ref;
    let new_table = plan.finish == Finish::Swap;
    let mut statements = Vec::new();
    if !upsert_keys.is_empty() {
        // Index names are the schema's on some DBMSs: the side table's own while it is one.
        let name = if new_table {
            spec.suffixed(KEY_SUFFIX)
        } else {
            format!("{}_key", spec.side)
        };
        statements.push(d.unique_key_sql(side_ref, &name, upsert_keys));
    }
    let watermark = spec.watermark.as_ref().filter(|_| new_table);
    if let Some(column) = plan.load.iter().find(|c| {
        watermark.is_some_and(|w| {
            c.target.name.eq_ignore_ascii_case(w) || c.source.source_name.eq_ignore_ascii_case(w)
        })
    }) {
        let index = spec.suffixed(WATERMARK_INDEX_SUFFIX);
        statements.push(d.create_index_sql(side_ref, &index, &[d.quote(&column.target.name)]));
    }
    statements
}

/// Fails when rows of the side table have a NULL in a merge key: no upsert matches NULL keys,
/// so they would be added again by every run that reads them.
pub(super) fn refuse_null_keys(
    conn: &Connection,
    spec: &TargetSpec<'_>,
    upsert_keys: &[String],
) -> anyhow::Result<()> {
    if upsert_keys.is_empty() {
        return Ok(());
    }
    let any_null: Vec<String> = upsert_keys.iter().map(|k| format!("{k} IS NULL")).collect();
    let n = count_rows(
        conn,
        &format!("{} WHERE {}", spec.side_ref, any_null.join(" OR ")),
    )?;
    let _ = conn.rollback();
    if n > 0 {
        bail!(
            "{n} row(s) have a NULL in the merge keys ({}); an upsert cannot match NULL keys, so \
             they would be added again by every run; make the key columns NOT NULL in the \
             source, or choose other [merge-keys]; nothing was written",
            spec.merge_keys.join(", ")
        );
    }
    Ok(())
}
