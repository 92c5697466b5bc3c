//! Dates, times and timestamps through each buffer they can arrive in.

use super::*;

fn micros(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, us: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_micro_opt(h, mi, s, us)
        .unwrap()
        .and_utc()
        .timestamp_micros()
}

fn days(y: i32, m: u32, d: u32) -> i32 {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
        .num_days() as i32
}

#[test]
fn dates_times_and_timestamps() {
    // Dates as ODBC structs and as ISO text.
    let date = |year, month, day| Date { year, month, day };
    let a = read_fixed(
        ColumnType::Date,
        true,
        &[Some(date(2024, 2, 29)), None, Some(date(1, 1, 1))],
    )
    .unwrap();
    assert_eq!(
        get::<Date32Array>(&a),
        &Date32Array::from(vec![Some(days(2024, 2, 29)), None, Some(days(1, 1, 1))])
    );
    assert!(read_fixed(ColumnType::Date, true, &[Some(date(2023, 2, 29))]).is_err());
    // A NOT NULL column's buffer has no indicators (MariaDB's NOT NULL DATE and DATETIME).
    let a = read_fixed(ColumnType::Date, false, &[Some(date(2024, 2, 29))]).unwrap();
    assert_eq!(
        get::<Date32Array>(&a),
        &Date32Array::from(vec![Some(days(2024, 2, 29))])
    );
    let moment = Timestamp {
        year: 2024,
        month: 5,
        day: 1,
        hour: 10,
        minute: 0,
        second: 1,
        fraction: 250_000_000,
    };
    let a = read_fixed(
        ColumnType::Timestamp { precision: 6 },
        false,
        &[Some(moment)],
    )
    .unwrap();
    assert_eq!(
        a.as_any()
            .downcast_ref::<arrow_odbc::arrow::array::TimestampMicrosecondArray>()
            .unwrap()
            .value(0),
        micros(2024, 5, 1, 10, 0, 1, 250_000)
    );
    let a = read_strs(
        ColumnType::Date,
        AS_TEXT,
        &[Some("2024-02-29"), Some("0044-03-15 BC"), None],
    );
    assert_eq!(
        get::<Date32Array>(&a),
        &Date32Array::from(vec![Some(days(2024, 2, 29)), Some(days(-43, 3, 15)), None])
    );
    // A date column never takes a time of day.
    for not_a_date in ["2024-01-01 00:00:01", "2024-01-01 00:00:00.5"] {
        let read = read_texts(ColumnType::Date, AS_TEXT, &[Some(not_a_date.as_bytes())]);
        assert!(read.is_err(), "{not_a_date}: {read:?}");
    }
    let a = read_strs(ColumnType::Date, AS_TEXT, &[Some("2024-01-01 00:00:00")]);
    assert_eq!(get::<Date32Array>(&a).value(0), days(2024, 1, 1));

    // Timestamps as ISO text: microseconds, BC, and more digits than declared.
    let a = read_strs(
        ColumnType::Timestamp { precision: 6 },
        AS_TEXT,
        &[
            Some("2024-02-29 12:34:56.123456"),
            Some("0044-03-15 12:00:00 BC"),
            None,
        ],
    );
    assert_eq!(
        get::<TimestampMicrosecondArray>(&a),
        &TimestampMicrosecondArray::from(vec![
            Some(micros(2024, 2, 29, 12, 34, 56, 123_456)),
            Some(micros(-43, 3, 15, 12, 0, 0, 0)),
            None
        ])
    );
    let a = read_strs(
        ColumnType::Timestamp { precision: 3 },
        AS_TEXT,
        &[Some("2024-02-29 12:34:56.125")],
    );
    assert_eq!(
        get::<TimestampMillisecondArray>(&a).value(0),
        micros(2024, 2, 29, 12, 34, 56, 125_000) / 1000
    );
    let too_precise = read_texts(
        ColumnType::Timestamp { precision: 3 },
        AS_TEXT,
        &[Some(b"2024-02-29 12:34:56.1255")],
    );
    assert!(
        too_precise
            .unwrap_err()
            .to_string()
            .contains("precision (3)")
    );

    // Timestamps as ODBC structs.
    let ts = |year, month, day, hour, second, fraction| Timestamp {
        year,
        month,
        day,
        hour,
        minute: 0,
        second,
        fraction,
    };
    let a = read_fixed(
        ColumnType::Timestamp { precision: 0 },
        true,
        &[Some(ts(1900, 1, 1, 23, 59, 0)), None],
    )
    .unwrap();
    assert_eq!(
        get::<TimestampSecondArray>(&a),
        &TimestampSecondArray::from(vec![
            Some(micros(1900, 1, 1, 23, 0, 59, 0) / 1_000_000),
            None
        ])
    );
    let a = read_fixed(
        ColumnType::Timestamp { precision: 6 },
        true,
        &[Some(ts(2262, 4, 12, 1, 2, 3_000))],
    )
    .unwrap();
    assert_eq!(
        get::<TimestampMicrosecondArray>(&a).value(0),
        micros(2262, 4, 12, 1, 0, 2, 3)
    );
    let invalid = read_fixed(
        ColumnType::Timestamp { precision: 6 },
        true,
        &[Some(ts(2024, 13, 1, 0, 0, 0))],
    );
    assert!(
        invalid
            .unwrap_err()
            .to_string()
            .contains("invalid timestamp 2024-13-1")
    );

    // Times of day: microseconds up to six digits.
    for precision in [0, 3, 6] {
        let a = read_strs(
            ColumnType::Time { precision },
            NATIVE,
            &[Some("12:34:56.123456"), None, Some("23:59")],
        );
        assert_eq!(
            get::<Time64MicrosecondArray>(&a),
            &Time64MicrosecondArray::from(vec![Some(45_296_123_456), None, Some(86_340_000_000)]),
            "time({precision})"
        );
    }

    // Instants: the offset applied, UTC in the type.
    let a = read_strs(
        ColumnType::TimestampTz { precision: 6 },
        NATIVE,
        &[Some("2020-01-01 12:00:00.5+02"), None],
    );
    let instants = get::<TimestampMicrosecondArray>(&a);
    assert_eq!(instants.value(0), micros(2020, 1, 1, 10, 0, 0, 500_000));
    assert!(instants.is_null(1));
    assert_eq!(
        a.data_type(),
        &arrow_odbc::arrow::datatypes::DataType::Timestamp(
            TimeUnit::Microsecond,
            Some("UTC".into())
        )
    );

    // More than six digits: the text itself, exact over the whole range.
    for t in [
        ColumnType::Timestamp { precision: 7 },
        ColumnType::Time { precision: 9 },
        ColumnType::TimestampTz { precision: 7 },
    ] {
        let a = read_strs(t, NATIVE, &[Some("9999-12-31 23:59:59.9999999"), None]);
        assert_eq!(
            get::<StringArray>(&a),
            &StringArray::from(vec![Some("9999-12-31 23:59:59.9999999"), None]),
            "{t:?}"
        );
    }
}

#[test]
fn old_timestamps_keep_microseconds() {
    let t = Timestamp {
        year: 1500,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        fraction: 123_456_000,
    };
    let (secs, nanos) = timestamp_parts(&t).unwrap();
    assert_eq!(nanos, 123_456_000);
    let array = timestamps(vec![Some((secs, nanos))], 6, None).unwrap();
    let micros = array
        .as_any()
        .downcast_ref::<PrimitiveArray<TimestampMicrosecondType>>()
        .unwrap()
        .value(0);
    assert_eq!(micros, secs * 1_000_000 + 123_456);
}
