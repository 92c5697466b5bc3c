use super::*;

#[test]
fn python_log_formats_are_understood() {
    let record = log::Record::builder()
        .level(log::Level::Warn)
        .target("source_to_staging::target")
        .args(format_args!("x"))
        .build();
    let line = python_format(
        "%(asctime)s - %(name)s - %(levelname)-8s - %(message)s (100%%) %(foo)s",
        &record,
        "hallo",
    );
    let (time, rest) = line.split_at(23);
    assert_eq!(time.len(), 23, "{line}");
    assert_eq!(&time[19..20], ",", "{line}");
    assert_eq!(
        rest,
        " - source_to_staging.target - WARNING  - hallo (100%) %(foo)s"
    );
    // As configparser's interpolation needed it written in an INI file.
    let line = python_format("%%(levelname)s: %%(message)s", &record, "hallo");
    assert_eq!(line, "WARNING: hallo");
}
