use super::*;

#[test]
fn iso_dates_and_timestamps_parse_fast_and_exactly() {
    assert_eq!(parse_iso_datetime("1970-01-01"), Some((0, 0, 0)));
    assert_eq!(parse_iso_datetime("1500-01-01"), Some((-171_664, 0, 0)));
    assert_eq!(
        parse_iso_datetime("9999-12-31 23:59:59.999999"),
        Some((2_932_896, 86_399, 999_999_000))
    );
    assert_eq!(
        parse_iso_datetime("2020-02-29 12:34:56.5"),
        Some((18_321, 45_296, 500_000_000))
    );
    // Day numbers computed independently, by PostgreSQL ('0044-03-15 BC'::date -
    // '1970-01-01'::date), not by the helper under test.
    assert_eq!(parse_iso_datetime("0044-03-15 BC"), Some((-735_160, 0, 0)));
    assert_eq!(parse_iso_datetime("0001-12-31 BC"), Some((-719_163, 0, 0)));
    assert_eq!(parse_iso_datetime("0001-01-01"), Some((-719_162, 0, 0)));
    assert_eq!(
        parse_iso_datetime("4713-01-01 BC"),
        Some((-2_440_550, 0, 0))
    );
    assert_eq!(parse_iso_datetime("12345-01-01"), Some((3_789_391, 0, 0)));
    assert_eq!(parse_iso_datetime("2021-02-29"), None);
    assert_eq!(parse_iso_datetime("infinity"), None);
    assert_eq!(parse_iso_datetime("2020-01-01 25:00:00"), None);
    assert_eq!(
        parse_iso_datetime("2024-02-29T12:34:56.123456789"),
        Some((19_782, 45_296, 123_456_789))
    );
    // Every part of the shape is checked: a value that is not exactly a date or timestamp
    // is refused (the caller names it), never read as some other value.
    for not_iso in [
        "2024-01x01",
        "2024-01-01X12:00:00",
        "2024-01-01 12:00",
        "2024-01-01 12:00:0",
        "2024-01-01 12-00:00",
        "2024-01-01 12:00-00",
        "2024-01-01 12:60:00",
        "2024-01-01 12:00:60",
        "2024-01-01 24:00:00",
        "2024-01-01 12:00:00,5",
        "2024-01-01 12:00:00.",
        "2024-01-01 12:00:00.1234567891",
        "2024-01-01 12:00:00.12a",
        "224-01-01",
        "1234567-01-01",
        "2024-13-01",
    ] {
        assert_eq!(parse_iso_datetime(not_iso), None, "{not_iso}");
    }
}

#[test]
fn fractions_are_cut_and_offsets_resolved_to_utc() {
    assert_eq!(
        cut_fraction("9999-12-31 23:59:59.9999999", 6),
        "9999-12-31 23:59:59.999999"
    );
    assert_eq!(
        cut_fraction("2024-06-01 10:00:00.1234567 +02:00", 6),
        "2024-06-01 10:00:00.123456 +02:00"
    );
    assert_eq!(cut_fraction("23:59:59.1234567", 0), "23:59:59");
    assert_eq!(cut_fraction("23:59:59.12", 6), "23:59:59.12");
    assert_eq!(cut_fraction("2024-06-01", 6), "2024-06-01");
    assert_eq!(
        utc_text("2024-06-01 01:00:00.1234567 +02:00").unwrap(),
        "2024-05-31 23:00:00.1234567"
    );
    assert_eq!(
        utc_text("9999-12-31 23:59:59.9999999 -01:00").unwrap(),
        "10000-01-01 00:59:59.9999999"
    );
    assert_eq!(
        utc_text("2024-06-01 10:00:00Z").unwrap(),
        "2024-06-01 10:00:00"
    );
}
