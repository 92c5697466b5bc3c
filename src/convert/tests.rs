use super::*;

#[test]
fn decimals_parse_exactly() {
    assert_eq!(parse_decimal("4.50000", 5).unwrap(), 450_000);
    assert_eq!(
        parse_decimal("-9999999999999.99999", 5).unwrap(),
        -999_999_999_999_999_999
    );
    assert_eq!(parse_decimal(".5", 2).unwrap(), 50);
    assert_eq!(parse_decimal("12", 3).unwrap(), 12_000);
    assert_eq!(parse_decimal("1.5E+3", 0).unwrap(), 1500);
    assert_eq!(parse_decimal("0,25", 2).unwrap(), 25);
    assert_eq!(parse_decimal("1.2300", 2).unwrap(), 123);
    assert!(parse_decimal("1.234", 2).is_err());
    assert!(parse_decimal("abc", 2).is_err());
    assert!(parse_decimal("", 2).is_err());
    assert!(parse_decimal(".", 2).is_err());
    assert!(parse_decimal("1.x5", 2).is_err());
    // A sign after the point would read as the sign of the digits.
    assert!(parse_decimal(".+5", 2).is_err());
    assert!(parse_decimal(".-5", 2).is_err());
    assert!(parse_decimal("1x.5", 2).is_err());
    assert!(parse_decimal("1e", 2).is_err());
    assert_eq!(parse_decimal("+1.5", 1).unwrap(), 15);
    assert_eq!(parse_decimal(" -0.000 ", 2).unwrap(), 0);
    assert_eq!(parse_decimal("-12.5e-1", 2).unwrap(), -125);
    assert_eq!(parse_decimal("0.0500", 2).unwrap(), 5);
    assert!(parse_decimal("1e38", 2).is_err());
    assert_eq!(
        parse_decimal("99999999999999999999999999999999999999", 0).unwrap(),
        99_999_999_999_999_999_999_999_999_999_999_999_999
    );
}

#[test]
fn times_parse_with_fractions() {
    assert_eq!(parse_time("12:34:56.123456").unwrap(), 45_296_123_456_000);
    assert_eq!(parse_time("00:00:00").unwrap(), 0);
    assert!(parse_time("25:00:00").is_err());
}

#[test]
fn timestamps_with_offsets_become_utc() {
    let utc = parse_timestamp_tz("2020-01-01 10:00:00").unwrap();
    assert_eq!(parse_timestamp_tz("2020-01-01 12:00:00+02").unwrap(), utc);
    assert_eq!(
        parse_timestamp_tz("2020-01-01 12:00:00 +02:00").unwrap(),
        utc
    );
    assert_eq!(
        parse_timestamp_tz("2020-01-01 05:30:00-04:30").unwrap(),
        utc
    );
    assert_eq!(parse_timestamp_tz("2020-01-01T10:00:00Z").unwrap(), utc);
    assert_eq!(
        parse_timestamp_tz("2020-01-01 12:30:00+02:30:00").unwrap(),
        utc
    );
    assert!(parse_timestamp_tz("2020-01-01 12:00:00+2").is_err());
    assert_eq!(
        parse_timestamp_tz("2020-01-01 10:00:00.000001+00").unwrap(),
        (utc.0, 1000)
    );
}
