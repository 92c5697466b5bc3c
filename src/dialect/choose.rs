//! Which dialect speaks for a DBMS: by the name a connection reports, or before connecting by
//! the driver's registered name.

use super::{Dialect, generic, mariadb, mssql, oracle, postgres, sqlite};

/// The dialects, tried in order; the generic fallback last.
pub static DIALECTS: &[&dyn Dialect] = &[
    &postgres::Postgres,
    &mariadb::MariaDb,
    &sqlite::Sqlite,
    &mssql::SqlServer,
    &oracle::Oracle,
    &generic::Generic,
];

/// The dialect for the DBMS name a connection reports (`SQL_DBMS_NAME`).
pub fn for_dbms(dbms_name: &str) -> &'static dyn Dialect {
    DIALECTS
        .iter()
        .copied()
        .find(|d| d.matches_dbms(dbms_name))
        .expect("the generic dialect matches every DBMS")
}

/// The dialect a driver's registered name suggests, used before connecting to build the
/// connection string and add driver settings.
pub fn for_driver(driver_name: &str) -> &'static dyn Dialect {
    DIALECTS
        .iter()
        .copied()
        .find(|d| d.matches_driver(driver_name))
        .expect("the generic dialect matches every driver")
}
