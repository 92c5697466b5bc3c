use super::*;

#[test]
// The message's characters are bytes here and UTF-16 units where ODBC is wide (Windows).
#[allow(clippy::useless_conversion)]
fn brief_keeps_the_contexts_and_the_driver_message() {
    let odbc = anyhow::Error::new(odbc_api::Error::Diagnostics {
        record: odbc_api::handles::Record {
            state: odbc_api::handles::State(*b"42501"),
            native_error: 1,
            message: "ERROR: permission denied for database dwh;\nError while executing the query"
                .bytes()
                .map(Into::into)
                .collect(),
        },
        function: "SQLExecDirect",
    });
    let e = odbc.context("creating the target schema staging");
    assert_eq!(
        brief(&e),
        "creating the target schema staging: ERROR: permission denied for database dwh"
    );
}
