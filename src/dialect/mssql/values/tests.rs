//! The T-SQL literals, value by value: what the server reads back is the value itself.

use std::sync::Arc;

use arrow_odbc::arrow::array::{
    ArrayRef, BinaryArray, BooleanArray, Date32Array, Decimal128Array, Float32Array, Float64Array,
    Int8Array, Int64Array, StringArray, Time64MicrosecondArray, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampSecondArray,
};

use super::write_literal;

fn literals(column: ArrayRef) -> Vec<String> {
    (0..column.len())
        .map(|row| {
            let mut out = String::new();
            write_literal(&mut out, column.as_ref(), row).unwrap();
            out
        })
        .collect()
}

#[test]
fn numbers_are_written_exactly() {
    assert_eq!(
        literals(Arc::new(BooleanArray::from(vec![
            Some(true),
            Some(false),
            None
        ]))),
        ["1", "0", "NULL"]
    );
    assert_eq!(
        literals(Arc::new(Int8Array::from(vec![i8::MIN, i8::MAX]))),
        ["-128", "127"]
    );
    assert_eq!(
        literals(Arc::new(Int64Array::from(vec![i64::MIN, i64::MAX]))),
        ["-9223372036854775808", "9223372036854775807"]
    );
    // E notation: a float literal, not a decimal one.
    assert_eq!(
        literals(Arc::new(Float64Array::from(vec![
            0.1,
            -1.7976931348623157e308,
            1e-300,
            0.0
        ]))),
        ["1e-1", "-1.7976931348623157e308", "1e-300", "0e0"]
    );
    // A real's exact value as a double: read back as a double, then rounded to a real, it is the
    // same real.
    let reals = literals(Arc::new(Float32Array::from(vec![0.1_f32, 3.4028235e38])));
    for (text, want) in reals.iter().zip([0.1_f32, 3.4028235e38]) {
        assert!(text.contains('e'), "{text}");
        assert_eq!(text.parse::<f64>().unwrap() as f32, want, "{text}");
    }
    assert_eq!(
        literals(Arc::new(
            Decimal128Array::from(vec![Some(-1), Some(123_456), None])
                .with_precision_and_scale(10, 4)
                .unwrap()
        )),
        ["-0.0001", "12.3456", "NULL"]
    );
}

#[test]
fn floats_sql_server_cannot_store_are_refused() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let column = Float64Array::from(vec![bad]);
        let mut out = String::new();
        let error = write_literal(&mut out, &column, 0).unwrap_err();
        assert!(error.to_string().contains("only finite numbers"), "{error}");
    }
}

#[test]
fn text_is_quoted_and_unicode_where_it_is_not_ascii() {
    assert_eq!(
        literals(Arc::new(StringArray::from(vec![
            Some("O'Brien"),
            Some("''"),
            Some(""),
            Some("Zoë 😀 'x'"),
            None
        ]))),
        ["'O''Brien'", "''''''", "''", "N'Zoë 😀 ''x'''", "NULL"]
    );
    assert_eq!(
        literals(Arc::new(BinaryArray::from(vec![
            Some(&[0x00, 0xff, 0x10][..]),
            Some(&[][..]),
            None
        ]))),
        ["0x00FF10", "0x", "NULL"]
    );
}

#[test]
fn times_read_the_same_under_every_dateformat() {
    // YYYYMMDD and ISO 8601 with a T are not read by DATEFORMAT or the login's language.
    assert_eq!(
        literals(Arc::new(Date32Array::from(vec![-719_162, 0, 2_932_896]))),
        ["'00010101'", "'19700101'", "'99991231'"]
    );
    assert_eq!(
        literals(Arc::new(Time64MicrosecondArray::from(vec![
            0,
            86_399_999_999
        ]))),
        ["'00:00:00.000000'", "'23:59:59.999999'"]
    );
    assert_eq!(
        literals(Arc::new(TimestampMicrosecondArray::from(vec![
            -62_135_596_800_000_000,
            253_402_300_799_999_999,
            -1
        ]))),
        [
            "'0001-01-01T00:00:00.000000'",
            "'9999-12-31T23:59:59.999999'",
            "'1969-12-31T23:59:59.999999'"
        ]
    );
    assert_eq!(
        literals(Arc::new(TimestampMillisecondArray::from(vec![1_500]))),
        ["'1970-01-01T00:00:01.500'"]
    );
    assert_eq!(
        literals(Arc::new(TimestampSecondArray::from(vec![86_400]))),
        ["'1970-01-02T00:00:00'"]
    );
    // An instant: its UTC time with the offset, which datetimeoffset keeps.
    let utc = TimestampMicrosecondArray::from(vec![1_717_243_200_123_456]).with_timezone("UTC");
    assert_eq!(
        literals(Arc::new(utc)),
        ["'2024-06-01T12:00:00.123456+00:00'"]
    );
}

#[test]
fn a_time_of_day_beyond_a_day_is_refused() {
    let column = Time64MicrosecondArray::from(vec![86_400_000_000]);
    let mut out = String::new();
    assert!(write_literal(&mut out, &column, 0).is_err());
}
