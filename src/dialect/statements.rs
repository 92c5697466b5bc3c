//! What a dialect answers with: the statements that end a load, and the driver settings it may
//! use.

use super::{ColumnDef, Dialect};

/// The statements that end a load into an existing table from the complete side table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Merge {
    /// Run first, each committing on its own (DDL where the DBMS commits DDL implicitly).
    pub before: Vec<String>,
    /// Run in one transaction: the table holds either what it held or everything.
    pub transaction: Vec<String>,
    /// Run after the commit, each on its own (dropping the side table where DDL commits).
    pub after: Vec<String>,
}

/// How a side table replaces the target table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swap {
    /// Statements, in order.
    pub statements: Vec<String>,
    /// Run them in one transaction (the DBMS has transactional DDL).
    pub transactional: bool,
}

/// Settings a dialect may use for the driver's connection attributes.
#[derive(Debug, Clone, Copy)]
pub struct DriverTuning {
    /// Rows per fetch.
    pub fetch_rows: usize,
    /// Largest text value to expect, in bytes.
    pub max_text_size: usize,
    /// Trust the server's TLS certificate (SQL Server: `P_MSSQL_TRUST_SERVER_CERTIFICATE`).
    pub trust_server_certificate: bool,
}

/// The default [`Dialect::merge`]: alters, (empty,) insert-select and drop, in one transaction
/// where DDL is transactional; otherwise the alters before and the drop after it.
pub(super) fn merge<D: Dialect + ?Sized>(
    d: &D,
    target_ref: &str,
    side_ref: &str,
    columns: &[String],
    added: &[ColumnDef],
    refresh: bool,
) -> Merge {
    let alters: Vec<String> = added
        .iter()
        .map(|c| d.add_column_sql(target_ref, c))
        .collect();
    let list = columns.join(", ");
    let mut rows = Vec::new();
    if refresh {
        rows.push(d.empty_table_sql(target_ref));
    }
    rows.push(format!(
        "INSERT INTO {target_ref} ({list}) SELECT {list} FROM {side_ref}"
    ));
    let drop = d.drop_table_sql(side_ref);
    if d.transactional_ddl() {
        let mut transaction = alters;
        transaction.extend(rows);
        transaction.push(drop);
        Merge {
            before: Vec::new(),
            transaction,
            after: Vec::new(),
        }
    } else {
        Merge {
            before: alters,
            transaction: rows,
            after: vec![drop],
        }
    }
}
