use super::*;

#[test]
fn classifies_by_state_and_native_code() {
    let lost = ErrorClass::Transient { reconnect: true };
    let retry = ErrorClass::Transient { reconnect: false };
    let states = [
        ("08S01", lost),
        ("08001", lost),
        ("57P01", lost),
        ("57P02", lost),
        ("57P03", lost),
        ("40001", retry),
        ("40P01", retry),
        ("40003", retry),
        ("HYT00", retry),
        ("HYT01", retry),
        ("55P03", retry),
        ("53300", retry),
        ("22003", ErrorClass::Permanent),
        ("42S02", ErrorClass::Permanent),
    ];
    for (state, class) in states {
        assert_eq!(classify_state(state, 0), class, "{state}");
    }
    let lost_codes = [
        2006, 2013, 1927, 1053, 2055, 233, 10053, 10054, 10060, 64, 3113, 3114, 3135, 12170, 12571,
        12541, 12543, 1033, 1089,
    ];
    let retry_codes = [
        1205, 1213, 40613, 40197, 40501, 49918, 49919, 49920, 10928, 10929, 4060, 4221, 60, 8177,
        54,
    ];
    for native in lost_codes {
        assert_eq!(classify_state("HY000", native), lost, "{native}");
    }
    for native in retry_codes {
        assert_eq!(classify_state("HY000", native), retry, "{native}");
    }
    assert_eq!(classify_state("42S02", 1146), ErrorClass::Permanent);
    assert_eq!(classify_state("HY000", 0), ErrorClass::Permanent);
}

fn odbc_error(state: &[u8; 5], native: i32) -> odbc_api::Error {
    let mut record = odbc_api::handles::Record::with_capacity(0);
    record.state = odbc_api::handles::State(*state);
    record.native_error = native;
    odbc_api::Error::Diagnostics {
        record,
        function: "SQLExecute",
    }
}

#[test]
fn the_diagnostic_is_found_anywhere_in_the_chain() {
    let direct = anyhow::Error::new(odbc_error(b"08S01", 7)).context("writing batch 3");
    assert_eq!(diagnostic(&direct), Some(("08S01".to_string(), 7)));
    assert_eq!(classify(&direct), ErrorClass::Transient { reconnect: true });
    let inside_writer = anyhow::Error::new(arrow_odbc::WriterError::ExecuteStatment(odbc_error(
        b"HY000", 1213,
    )))
    .context("inserting");
    assert_eq!(
        diagnostic(&inside_writer),
        Some(("HY000".to_string(), 1213))
    );
    assert_eq!(
        classify(&inside_writer),
        ErrorClass::Transient { reconnect: false }
    );
    let record =
        odbc_api::Error::UnsupportedOdbcApiVersion(odbc_api::handles::Record::with_capacity(0));
    assert_eq!(odbc_state(&record).map(|(_, n)| n), Some(0));
    let none = odbc_api::Error::NoDiagnostics {
        function: "SQLFetch",
    };
    assert_eq!(odbc_state(&none), None);
    let plain = anyhow::anyhow!("no ODBC in here");
    assert_eq!(diagnostic(&plain), None);
    assert_eq!(classify(&plain), ErrorClass::Permanent);
}

#[test]
fn backoff_yields_one_wait_per_retry() {
    let policy = RetryPolicy {
        max_retries: 2,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(15),
    };
    let waits: Vec<_> = policy.backoff().collect();
    assert_eq!(waits.len(), 3);
    assert!(waits[0].is_some() && waits[1].is_some() && waits[2].is_none());
    assert!(waits[1].unwrap() <= Duration::from_millis(15));
}
