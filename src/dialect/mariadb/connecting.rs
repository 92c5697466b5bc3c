//! How MariaDB Connector/ODBC is connected to and what it does with result sets.

use super::MariaDb;
use crate::dialect::{Braces, Connecting, DriverTuning};

impl Connecting for MariaDb {
    fn login_refused(&self, native: i32, _message: &str) -> bool {
        // ER_ACCESS_DENIED_ERROR.
        native == 1045
    }

    fn braces(&self, _driver: &str) -> Braces {
        // MariaDB Connector/ODBC unbraces every attribute (tried: Server, Port, Database, UID,
        // PWD), so every value is braced and none can add an attribute.
        Braces::Every
    }

    fn driver_defaults(&self, _driver: &str, _tuning: DriverTuning) -> Vec<(&'static str, String)> {
        vec![
            ("NO_CACHE", "1".into()),
            ("FORWARDONLY", "1".into()),
            ("CHARSET", "utf8mb4".into()),
        ]
    }

    fn result_cache(&self) -> Option<fn(&str) -> bool> {
        Some(caches_results)
    }
}

/// MariaDB Connector/ODBC streams result sets with `NO_CACHE=1` from 3.1.17 on; older versions
/// (Debian 12 ships 3.1.15) read a whole result set into memory at `SQLExecute`. A version it
/// cannot read is taken to cache.
fn caches_results(version: &str) -> bool {
    let mut parts = version.trim().split('.').map(|p| p.parse::<u32>());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(major)), Some(Ok(minor)), Some(Ok(release))) => {
            (major, minor, release) < (3, 1, 17)
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::caches_results;

    #[test]
    fn connectors_before_3_1_17_cache_whole_result_sets() {
        assert!(caches_results("03.01.0015"));
        assert!(caches_results("3.1.16"));
        assert!(!caches_results("03.01.0017"));
        assert!(!caches_results("03.02.0001"));
        assert!(!caches_results("08.00.0033"));
        assert!(caches_results("unknown"));
    }
}
