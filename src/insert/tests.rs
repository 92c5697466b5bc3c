use std::sync::Arc;

use super::*;
use arrow_odbc::arrow::array::{
    BinaryArray, BooleanArray, Date32Array, Decimal128Array, Float32Array, Float64Array,
    Int64Array, StringArray, TimestampMicrosecondArray,
};

fn lit(array: impl Array + 'static) -> String {
    array_literal(&(Arc::new(array) as ArrayRef)).unwrap()
}

#[test]
fn text_is_quoted_and_escaped() {
    assert_eq!(
        lit(StringArray::from(vec![
            Some("a\"b\\c"),
            None,
            Some(""),
            Some("NULL"),
            Some("x,{y}\n"),
            Some("é 😀")
        ])),
        "{\"a\\\"b\\\\c\",NULL,\"\",\"NULL\",\"x,{y}\n\",\"é 😀\"}"
    );
}

#[test]
fn numbers_keep_every_digit() {
    assert_eq!(
        lit(Int64Array::from(vec![Some(i64::MIN), None])),
        "{-9223372036854775808,NULL}"
    );
    assert_eq!(
        lit(Float64Array::from(vec![
            std::f64::consts::E,
            1e-300,
            -1.7976931348623157e308,
            f64::NAN,
            f64::NEG_INFINITY
        ])),
        "{2.718281828459045,1e-300,-1.7976931348623157e308,NaN,-Infinity}"
    );
    assert_eq!(
        lit(Float32Array::from(vec![0.1f32, 16777216.0])),
        "{0.1,16777216.0}"
    );
    let d = Decimal128Array::from(vec![Some(-999_999_999_999_999_999), Some(1), Some(450_000)])
        .with_precision_and_scale(18, 5)
        .unwrap();
    assert_eq!(lit(d), "{-9999999999999.99999,0.00001,4.50000}");
}

#[test]
fn dates_times_binary_and_booleans() {
    assert_eq!(
        lit(BooleanArray::from(vec![Some(true), Some(false), None])),
        "{1,0,NULL}"
    );
    assert_eq!(
        lit(BinaryArray::from(vec![&b"\x00\xff"[..], &b""[..]])),
        "{\"\\\\x00ff\",\"\\\\x\"}"
    );
    // 1500-01-01 and 9999-12-31
    assert_eq!(
        lit(Date32Array::from(vec![-171_664, 2_932_896])),
        "{\"1500-01-01\",\"9999-12-31\"}"
    );
    assert_eq!(
        lit(TimestampMicrosecondArray::from(vec![
            -14_831_769_599_999_999
        ])),
        "{\"1500-01-01 00:00:00.000001\"}"
    );
    assert_eq!(
        lit(TimestampMicrosecondArray::from(vec![0]).with_timezone("UTC")),
        "{\"1970-01-01 00:00:00+00\"}"
    );
}
