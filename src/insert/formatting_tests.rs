use std::sync::Arc;

use super::*;
use arrow_odbc::arrow::array::{
    BinaryArray, BooleanArray, Date32Array, Decimal128Array, Float32Array, Float64Array, Int8Array,
    Int16Array, Int32Array, Int64Array, StringArray, Time64MicrosecondArray, Time64NanosecondArray,
    TimestampMicrosecondArray, TimestampMillisecondArray, TimestampNanosecondArray,
    TimestampSecondArray,
};
use arrow_odbc::arrow::datatypes::{Field, Schema};
use arrow_odbc::odbc_api::sys::NULL_DATA;
use chrono::{NaiveDate, Timelike};

/// What chrono says day `days` is, in PostgreSQL's notation (year 0 is 1 BC).
fn expected_date(days: i32) -> String {
    let date = NaiveDate::from_epoch_days(days).unwrap();
    let (year, bc) = if date.year() <= 0 {
        (1 - date.year(), " BC")
    } else {
        (date.year(), "")
    };
    format!("{year:04}-{:02}-{:02}{bc}", date.month(), date.day())
}

#[test]
fn every_kind_of_day_is_written_as_chrono_writes_it() {
    let mut days: Vec<i32> = (-2_500_000..=3_000_000).step_by(997).collect();
    // Leap days, the ends of centuries, the epoch and the change from 1 BC to AD 1.
    for date in [
        (2000, 2, 29),
        (2000, 3, 1),
        (1900, 2, 28),
        (1900, 3, 1),
        (2100, 3, 1),
        (1970, 1, 1),
        (1969, 12, 31),
        (1, 1, 1),
        (0, 12, 31),
        (0, 2, 29),
        (-4712, 1, 1),
        (9999, 12, 31),
    ] {
        let d = NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap();
        days.push(d.to_epoch_days());
    }
    for chunk in days.chunks(1000) {
        let literal =
            array_literal(&(Arc::new(Date32Array::from(chunk.to_vec())) as ArrayRef)).unwrap();
        let expected: Vec<String> = chunk
            .iter()
            .map(|&d| format!("\"{}\"", expected_date(d)))
            .collect();
        assert_eq!(literal, format!("{{{}}}", expected.join(",")));
    }
}

#[test]
fn times_and_timestamps_are_written_as_chrono_writes_them() {
    let micros: Vec<i64> = (-62_000_000_000_000_000i64..=253_402_300_799_999_999)
        .step_by(7_777_777_777_777)
        .chain([0, -1, 1, 86_399_999_999, -62_135_596_800_000_000])
        .collect();
    let literal =
        array_literal(&(Arc::new(TimestampMicrosecondArray::from(micros.clone())) as ArrayRef))
            .unwrap();
    let expected: Vec<String> = micros
        .iter()
        .map(|&us| {
            let t = chrono::DateTime::from_timestamp_micros(us)
                .unwrap()
                .naive_utc();
            let date = expected_date(t.date().to_epoch_days());
            let (date, bc) = date.split_at(10);
            let fraction = match t.nanosecond() {
                0 => String::new(),
                n => format!(".{:06}", n / 1000),
            };
            format!("\"{date} {}{fraction}{bc}\"", t.format("%H:%M:%S"))
        })
        .collect();
    assert_eq!(literal, format!("{{{}}}", expected.join(",")));

    // Each unit, with and without a time zone.
    let lit = |a: ArrayRef| array_literal(&a).unwrap();
    assert_eq!(
        lit(Arc::new(TimestampSecondArray::from(vec![Some(-1), None]))),
        "{\"1969-12-31 23:59:59\",NULL}"
    );
    assert_eq!(
        lit(Arc::new(
            TimestampMillisecondArray::from(vec![1_500]).with_timezone("UTC")
        )),
        "{\"1970-01-01 00:00:01.500000+00\"}"
    );
    assert_eq!(
        lit(Arc::new(TimestampNanosecondArray::from(vec![
            1_000_000_001
        ]))),
        "{\"1970-01-01 00:00:01.000000001\"}"
    );
    assert_eq!(
        lit(Arc::new(Time64MicrosecondArray::from(vec![
            Some(45_296_123_456),
            Some(86_399_000_001),
            None,
            Some(0)
        ]))),
        "{12:34:56.123456,23:59:59.000001,NULL,00:00:00}"
    );
    assert_eq!(
        lit(Arc::new(Time64NanosecondArray::from(vec![
            45_296_123_456_789,
            3_723_000_000_000
        ]))),
        "{12:34:56.123456789,01:02:03}"
    );
}

#[test]
fn decimals_floats_and_bytes_in_every_shape() {
    let lit = |a: ArrayRef| array_literal(&a).unwrap();
    let dec = |values: Vec<i128>, precision, scale| -> ArrayRef {
        Arc::new(
            Decimal128Array::from(values)
                .with_precision_and_scale(precision, scale)
                .unwrap(),
        )
    };
    assert_eq!(
        lit(dec(vec![-12_345, 5, -5, 0], 10, 2)),
        "{-123.45,0.05,-0.05,0.00}"
    );
    assert_eq!(lit(dec(vec![-12, 7], 10, 0)), "{-12,7}");
    assert_eq!(lit(dec(vec![-12, 7], 10, -3)), "{-12000,7000}");
    assert_eq!(lit(dec(vec![123, -100], 10, 3)), "{0.123,-0.100}");
    assert_eq!(
        lit(Arc::new(Float64Array::from(vec![f64::INFINITY, -0.0, 1.5]))),
        "{Infinity,-0.0,1.5}"
    );
    assert_eq!(
        lit(Arc::new(Float32Array::from(vec![
            f32::NAN,
            f32::NEG_INFINITY
        ]))),
        "{NaN,-Infinity}"
    );
    let every_byte: Vec<u8> = (0..=255).collect();
    let hex: String = every_byte.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        lit(Arc::new(BinaryArray::from(vec![
            Some(&every_byte[..]),
            None
        ]))),
        format!("{{\"\\\\x{hex}\",NULL}}")
    );
    assert_eq!(
        lit(Arc::new(StringArray::from(vec![
            "\\\\", "\"\"", "a\"", "\\"
        ]))),
        "{\"\\\\\\\\\",\"\\\"\\\"\",\"a\\\"\",\"\\\\\"}"
    );
    assert_eq!(
        lit(Arc::new(Int8Array::from(vec![Some(-128), None]))),
        "{-128,NULL}"
    );
    assert_eq!(lit(Arc::new(Int16Array::from(vec![-32768]))), "{-32768}");
    assert_eq!(lit(Arc::new(Int32Array::from(vec![7, -7]))), "{7,-7}");
    assert_eq!(lit(Arc::new(Int64Array::from(Vec::<i64>::new()))), "{}");
    let unsupported =
        array_literal(&(Arc::new(arrow_odbc::arrow::array::UInt8Array::from(vec![1])) as ArrayRef));
    assert!(unsupported.unwrap_err().to_string().contains("UInt8"));
}

#[test]
fn statements_name_table_columns_and_values() {
    let columns = ["\"a\"".to_string(), "\"b\"".to_string()];
    let params = ["?".to_string(), "CAST(? AS int)".to_string()];
    let values = "INSERT INTO \"s\".\"t\" (\"a\", \"b\") VALUES (?, CAST(? AS int))";
    assert_eq!(values_insert_sql("\"s\".\"t\"", &columns, &params), values);
    assert_eq!(
        ParameterArrays::DEFAULT.statement("\"s\".\"t\"", &columns, &params),
        values
    );
    assert_eq!(RowByRow.statement("\"s\".\"t\"", &columns, &params), values);
    assert_eq!(
        UnnestArrays.statement("\"s\".\"t\"", &columns, &params),
        "INSERT INTO \"s\".\"t\" (\"a\", \"b\") SELECT ?, CAST(? AS int)"
    );
}

/// The bytes ODBC reads for a parameter: `None` for NULL; `size` bytes for fixed-size types
/// (their indicator is not a length), else as many as the indicator says.
fn read(param: &dyn InputParameter, size: Option<usize>) -> Option<Vec<u8>> {
    // SAFETY: the pointers come from the parameter and stay valid while it lives; the
    // length is its fixed size or its indicator.
    unsafe {
        let indicator = *param.indicator_ptr();
        if indicator == NULL_DATA {
            return None;
        }
        let len = size.unwrap_or(indicator as usize);
        Some(std::slice::from_raw_parts(param.value_ptr() as *const u8, len).to_vec())
    }
}

#[test]
fn row_parameters_carry_each_value_of_the_row() {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(BooleanArray::from(vec![Some(true), None])),
        Arc::new(Int8Array::from(vec![Some(-8), None])),
        Arc::new(Int16Array::from(vec![Some(-16), None])),
        Arc::new(Int32Array::from(vec![Some(-32), None])),
        Arc::new(Int64Array::from(vec![Some(-64), None])),
        Arc::new(Float32Array::from(vec![Some(0.5f32), None])),
        Arc::new(Float64Array::from(vec![Some(0.25), None])),
        Arc::new(Date32Array::from(vec![Some(-719_162), None])),
        Arc::new(StringArray::from(vec![Some("é"), None])),
        Arc::new(BinaryArray::from(vec![Some(&b"\x00\x01"[..]), None])),
        Arc::new(
            Decimal128Array::from(vec![Some(-12_345), None])
                .with_precision_and_scale(10, 2)
                .unwrap(),
        ),
        Arc::new(Time64MicrosecondArray::from(vec![
            Some(3_723_000_001),
            None,
        ])),
    ];
    let fields: Vec<Field> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| Field::new(format!("c{i}"), c.data_type().clone(), true))
        .collect();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap();

    let row = row_parameters(&batch, 0).unwrap();
    assert_eq!(row.len(), 12);
    let date = odbc_api::sys::Date {
        year: 1,
        month: 1,
        day: 1,
    };
    // SAFETY: a Date is three plain integers.
    let date_bytes = unsafe {
        std::slice::from_raw_parts(
            (&date as *const odbc_api::sys::Date).cast::<u8>(),
            std::mem::size_of_val(&date),
        )
    }
    .to_vec();
    let text = |t: &str| {
        if cfg!(target_os = "windows") {
            t.encode_utf16().flat_map(u16::to_ne_bytes).collect()
        } else {
            t.as_bytes().to_vec()
        }
    };
    let expected: Vec<(Option<usize>, Vec<u8>)> = vec![
        (Some(1), vec![1]),
        (Some(1), (-8i8).to_ne_bytes().to_vec()),
        (Some(2), (-16i16).to_ne_bytes().to_vec()),
        (Some(4), (-32i32).to_ne_bytes().to_vec()),
        (Some(8), (-64i64).to_ne_bytes().to_vec()),
        (Some(4), 0.5f32.to_ne_bytes().to_vec()),
        (Some(8), 0.25f64.to_ne_bytes().to_vec()),
        (Some(date_bytes.len()), date_bytes),
        (None, text("é")),
        (None, vec![0, 1]),
        (None, text("-123.45")),
        (None, text("01:02:03.000001")),
    ];
    for (i, (size, bytes)) in expected.into_iter().enumerate() {
        assert_eq!(read(row[i].as_ref(), size), Some(bytes), "column {i}");
    }
    let nulls = row_parameters(&batch, 1).unwrap();
    for (i, param) in nulls.iter().enumerate() {
        assert_eq!(read(param.as_ref(), Some(0)), None, "column {i} is NULL");
    }

    // Dates an ODBC date cannot hold, and types this strategy does not take, are errors.
    let far = Arc::new(Date32Array::from(vec![i32::MAX])) as ArrayRef;
    let schema = Schema::new(vec![Field::new("d", far.data_type().clone(), false)]);
    let batch = RecordBatch::try_new(Arc::new(schema), vec![far]).unwrap();
    assert!(row_parameters(&batch, 0).is_err());
    let ts = Arc::new(TimestampSecondArray::from(vec![0])) as ArrayRef;
    let schema = Schema::new(vec![Field::new("t", ts.data_type().clone(), false)]);
    let batch = RecordBatch::try_new(Arc::new(schema), vec![ts]).unwrap();
    let refused = row_parameters(&batch, 0).err().unwrap().to_string();
    assert!(refused.contains("do not support"), "{refused}");
}
