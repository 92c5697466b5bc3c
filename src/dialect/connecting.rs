//! How a DBMS's ODBC drivers are connected to: the connection-string attributes of host, port
//! and database, the driver settings the tool adds, how a driver reads braced values, and how it
//! says that a login was refused. A role of every [`super::Dialect`].

use super::{Braces, DriverTuning, statements};

/// How the drivers of one DBMS are connected to.
pub trait Connecting {
    /// Connection-string attributes for `P_HOST`, `P_PORT`, `P_DB` with the driver registered as
    /// `driver` (drivers of one DBMS differ: FreeTDS and Microsoft's driver for SQL Server).
    fn connection_parts(
        &self,
        _driver: &str,
        host: Option<&str>,
        port: Option<u16>,
        database: Option<&str>,
    ) -> Vec<(String, String)> {
        statements::server_port_database(host, port, database)
    }

    /// Driver settings added to the connection string unless the user set them; `driver` is
    /// the registered driver name when it is known (empty otherwise).
    fn driver_defaults(&self, _driver: &str, _tuning: DriverTuning) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// How the driver registered as `driver` reads braced connection-string values (empty:
    /// not known).
    fn braces(&self, _driver: &str) -> Braces {
        Braces::WhenNeeded
    }

    /// Does a failed connection's diagnostic (its native error code and message) say that the
    /// server refused the user name or password? (For drivers that report it with another
    /// SQLSTATE than 28000.)
    fn login_refused(&self, _native: i32, _message: &str) -> bool {
        false
    }

    /// For drivers some versions of which hold a whole result set in memory however they are
    /// asked (so that the source's tables are read in key ranges, `SRC_KEY_RANGES = auto`):
    /// whether the version the driver reports (`SQL_DRIVER_VER`, "MM.mm.rrrr") does. `None`
    /// where no version does, so that nobody asks.
    fn result_cache(&self) -> Option<fn(&str) -> bool> {
        None
    }
}
