mod times;

use super::*;
use arrow_odbc::arrow::{
    array::{BooleanArray, PrimitiveArray},
    datatypes::{TimeUnit, TimestampMicrosecondType},
};
use arrow_odbc::odbc_api::Bit;
use chrono::NaiveDate;

/// The buffer the decoder of such a column reads.
fn buffer_desc(column_type: &ColumnType, nullable: bool, fetch: Fetch) -> BufferDesc {
    Decoder::new(column_type, nullable, fetch).buffer()
}

/// The decoder's conversion of a filled buffer.
fn to_arrow(
    column_type: &ColumnType,
    fetch: Fetch,
    slice: AnyColumnBufferSlice<'_>,
) -> anyhow::Result<ArrayRef> {
    Decoder::new(column_type, true, fetch).decode(slice)
}
use arrow_odbc::arrow::array::{
    Array, BinaryArray, Date32Array, Float32Array, Float64Array, Int8Array, Int16Array, Int32Array,
    Int64Array, StringArray, Time64MicrosecondArray, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampSecondArray,
};
use arrow_odbc::odbc_api::{
    buffers::{BinColumn, BoxColumnBuffer, Slice, TextColumn},
    handles::CDataMut,
};

const NATIVE: Fetch = Fetch {
    max_bytes: 16,
    form: FetchForm::Native,
};
const AS_TEXT: Fetch = Fetch {
    max_bytes: 16,
    form: FetchForm::Text,
};
const AS_BYTES: Fetch = Fetch {
    max_bytes: 16,
    form: FetchForm::Bytes,
};

/// Reads `cells` through the text or binary buffer `buffer_desc` chooses.
fn read_texts(
    column_type: ColumnType,
    fetch: Fetch,
    cells: &[Option<&[u8]>],
) -> anyhow::Result<ArrayRef> {
    let buffer: BoxColumnBuffer = match buffer_desc(&column_type, true, fetch) {
        BufferDesc::Text { max_str_len } => {
            let mut column = TextColumn::<u8>::new(cells.len(), max_str_len);
            for (i, cell) in cells.iter().enumerate() {
                column.set_value(i, *cell);
            }
            Box::new(column)
        }
        BufferDesc::WText { max_str_len } => {
            let mut column = TextColumn::<u16>::new(cells.len(), max_str_len);
            for (i, cell) in cells.iter().enumerate() {
                let wide: Option<Vec<u16>> =
                    cell.map(|b| String::from_utf8_lossy(b).encode_utf16().collect());
                column.set_value(i, wide.as_deref());
            }
            Box::new(column)
        }
        BufferDesc::Binary { max_bytes } => {
            let mut column = BinColumn::new(cells.len(), max_bytes);
            for (i, cell) in cells.iter().enumerate() {
                column.set_value(i, *cell);
            }
            Box::new(column)
        }
        other => panic!("{column_type:?} ({fetch:?}) is fetched into {other:?}, not text"),
    };
    to_arrow(&column_type, fetch, buffer.slice(cells.len()))
}

fn read_strs(column_type: ColumnType, fetch: Fetch, cells: &[Option<&str>]) -> ArrayRef {
    let cells: Vec<_> = cells.iter().map(|c| c.map(str::as_bytes)).collect();
    read_texts(column_type, fetch, &cells).unwrap()
}

/// Reads `cells` through the fixed-size buffer `buffer_desc` chooses (values and indicators
/// written where a driver writes them).
fn read_fixed<T: Copy>(
    column_type: ColumnType,
    nullable: bool,
    cells: &[Option<T>],
) -> anyhow::Result<ArrayRef> {
    let mut buffer = buffer_desc(&column_type, nullable, NATIVE).column_buffer(cells.len());
    // SAFETY: the buffer holds `cells.len()` values of the C type `T` and, when nullable,
    // as many indicators.
    unsafe {
        let values = buffer.mut_value_ptr() as *mut T;
        let indicators = buffer.mut_indicator_ptr();
        for (i, cell) in cells.iter().enumerate() {
            if let Some(v) = cell {
                *values.add(i) = *v;
            }
            if nullable {
                *indicators.add(i) = if cell.is_some() {
                    std::mem::size_of::<T>() as isize
                } else {
                    arrow_odbc::odbc_api::sys::NULL_DATA
                };
            }
        }
    }
    to_arrow(&column_type, NATIVE, buffer.slice(cells.len()))
}

fn get<A: 'static>(array: &ArrayRef) -> &A {
    array
        .as_any()
        .downcast_ref::<A>()
        .unwrap_or_else(|| panic!("unexpected array type {}", array.data_type()))
}

#[test]
fn each_column_type_gets_its_buffer() {
    let text = |max_str_len| {
        if WIDE_TEXT {
            BufferDesc::WText { max_str_len }
        } else {
            BufferDesc::Text { max_str_len }
        }
    };
    let cases = [
        (ColumnType::Timestamp { precision: 7 }, NATIVE, text(48)),
        (ColumnType::Time { precision: 9 }, AS_TEXT, text(48)),
        (ColumnType::Int32, AS_TEXT, text(24)),
        (
            ColumnType::Int32,
            NATIVE,
            BufferDesc::I32 { nullable: true },
        ),
        (ColumnType::Int8, NATIVE, BufferDesc::I8 { nullable: true }),
        (
            ColumnType::Int16,
            NATIVE,
            BufferDesc::I16 { nullable: true },
        ),
        (
            ColumnType::Int64,
            NATIVE,
            BufferDesc::I64 { nullable: true },
        ),
        (ColumnType::Float64, AS_TEXT, text(40)),
        (
            ColumnType::Float32,
            NATIVE,
            BufferDesc::F64 { nullable: true },
        ),
        (
            ColumnType::Float64,
            NATIVE,
            BufferDesc::F64 { nullable: true },
        ),
        (
            ColumnType::Text {
                length: Some(4),
                fixed: false,
            },
            AS_BYTES,
            BufferDesc::Binary { max_bytes: 16 },
        ),
        (
            ColumnType::UNCONSTRAINED_DECIMAL,
            AS_BYTES,
            BufferDesc::Binary { max_bytes: 16 },
        ),
        (ColumnType::UNCONSTRAINED_DECIMAL, NATIVE, text(16)),
        (
            ColumnType::Text {
                length: None,
                fixed: false,
            },
            NATIVE,
            text(16),
        ),
        (ColumnType::Date, AS_TEXT, text(40)),
        (ColumnType::Timestamp { precision: 6 }, AS_TEXT, text(40)),
        (
            ColumnType::Date,
            NATIVE,
            BufferDesc::Date { nullable: true },
        ),
        (
            ColumnType::Timestamp { precision: 6 },
            NATIVE,
            BufferDesc::Timestamp { nullable: true },
        ),
        (
            ColumnType::Boolean,
            NATIVE,
            BufferDesc::Bit { nullable: true },
        ),
        (
            ColumnType::Decimal {
                precision: 10,
                scale: 2,
            },
            NATIVE,
            text(18),
        ),
        (ColumnType::Time { precision: 6 }, NATIVE, text(32)),
        (ColumnType::TimestampTz { precision: 6 }, NATIVE, text(48)),
        (
            ColumnType::Binary {
                length: Some(4),
                fixed: true,
            },
            NATIVE,
            BufferDesc::Binary { max_bytes: 16 },
        ),
    ];
    for (column_type, fetch, expected) in cases {
        assert_eq!(
            buffer_desc(&column_type, true, fetch),
            expected,
            "{column_type:?} {fetch:?}"
        );
    }
    assert_eq!(
        buffer_desc(&ColumnType::Int64, false, NATIVE),
        BufferDesc::I64 { nullable: false }
    );
    // An empty text column still gets room for one byte.
    let empty = Fetch {
        max_bytes: 0,
        form: FetchForm::Native,
    };
    assert_eq!(
        buffer_desc(&ColumnType::UNCONSTRAINED_DECIMAL, true, empty),
        text(1)
    );
}

#[test]
fn integers_and_floats_natively_and_as_text() {
    let a = read_fixed(ColumnType::Int8, true, &[Some(-128i8), None, Some(127)]).unwrap();
    assert_eq!(
        get::<Int8Array>(&a),
        &Int8Array::from(vec![Some(-128), None, Some(127)])
    );
    let a = read_fixed(ColumnType::Int16, true, &[Some(i16::MIN), None]).unwrap();
    assert_eq!(
        get::<Int16Array>(&a),
        &Int16Array::from(vec![Some(i16::MIN), None])
    );
    let a = read_fixed(ColumnType::Int32, false, &[Some(7i32), Some(i32::MAX)]).unwrap();
    assert_eq!(get::<Int32Array>(&a), &Int32Array::from(vec![7, i32::MAX]));
    let a = read_fixed(ColumnType::Int64, true, &[None, Some(i64::MIN)]).unwrap();
    assert_eq!(
        get::<Int64Array>(&a),
        &Int64Array::from(vec![None, Some(i64::MIN)])
    );
    let a = read_fixed(ColumnType::Float64, true, &[Some(0.1f64), None]).unwrap();
    assert_eq!(
        get::<Float64Array>(&a),
        &Float64Array::from(vec![Some(0.1), None])
    );
    // REAL columns arrive as doubles and are narrowed exactly.
    let a = read_fixed(ColumnType::Float32, true, &[Some(f64::from(0.1f32)), None]).unwrap();
    assert_eq!(
        get::<Float32Array>(&a),
        &Float32Array::from(vec![Some(0.1f32), None])
    );
    let a = read_fixed(ColumnType::Float32, false, &[Some(1.5f64)]).unwrap();
    assert_eq!(get::<Float32Array>(&a), &Float32Array::from(vec![1.5f32]));

    let a = read_strs(
        ColumnType::Int16,
        AS_TEXT,
        &[Some("12"), Some(" -3 "), None],
    );
    assert_eq!(
        get::<Int16Array>(&a),
        &Int16Array::from(vec![Some(12), Some(-3), None])
    );
    let a = read_strs(ColumnType::Int64, AS_TEXT, &[Some("-9223372036854775808")]);
    assert_eq!(get::<Int64Array>(&a), &Int64Array::from(vec![i64::MIN]));
    // A value that does not fit the column is an error, never a NULL.
    let too_big = read_texts(ColumnType::Int16, AS_TEXT, &[Some(b"40000")]);
    assert!(too_big.is_err(), "{too_big:?}");
    assert!(read_texts(ColumnType::Int32, AS_TEXT, &[Some(b"1.5")]).is_err());

    let a = read_strs(
        ColumnType::Float64,
        AS_TEXT,
        &[Some("2.2250738585072014e-308"), None],
    );
    assert_eq!(
        get::<Float64Array>(&a),
        &Float64Array::from(vec![Some(2.2250738585072014e-308), None])
    );
    let a = read_strs(ColumnType::Float32, AS_TEXT, &[Some("0.1"), Some("-inf")]);
    assert_eq!(
        get::<Float32Array>(&a),
        &Float32Array::from(vec![0.1f32, f32::NEG_INFINITY])
    );
    assert!(read_texts(ColumnType::Float64, AS_TEXT, &[Some(b"x")]).is_err());
}

#[test]
fn booleans_nullable_and_not() {
    let a = read_fixed(
        ColumnType::Boolean,
        true,
        &[Some(Bit(1)), None, Some(Bit(0))],
    )
    .unwrap();
    assert_eq!(
        get::<BooleanArray>(&a),
        &BooleanArray::from(vec![Some(true), None, Some(false)])
    );
    let a = read_fixed(ColumnType::Boolean, false, &[Some(Bit(0)), Some(Bit(1))]).unwrap();
    assert_eq!(
        get::<BooleanArray>(&a),
        &BooleanArray::from(vec![false, true])
    );
}

#[test]
fn text_decimals_and_binary() {
    let text = ColumnType::Text {
        length: Some(8),
        fixed: false,
    };
    let a = read_strs(text, NATIVE, &[Some("é ë"), None, Some("")]);
    assert_eq!(
        get::<StringArray>(&a),
        &StringArray::from(vec![Some("é ë"), None, Some("")])
    );
    // Fetched as bytes: a NUL character is kept, invalid UTF-8 is an error.
    let a = read_strs(text, AS_BYTES, &[Some("a\0b"), None]);
    assert_eq!(
        get::<StringArray>(&a),
        &StringArray::from(vec![Some("a\0b"), None])
    );
    let invalid = read_texts(text, AS_BYTES, &[Some(b"\xff")]);
    assert!(invalid.unwrap_err().to_string().contains("not valid UTF-8"));
    if !WIDE_TEXT {
        let invalid = read_texts(text, NATIVE, &[Some(b"\xff")]);
        assert!(invalid.unwrap_err().to_string().contains("not valid UTF-8"));
    }

    let decimal = ColumnType::Decimal {
        precision: 10,
        scale: 2,
    };
    let a = read_strs(decimal, NATIVE, &[Some("123.45"), Some("-0.5"), None]);
    let expected = Decimal128Array::from(vec![Some(12_345), Some(-50), None])
        .with_precision_and_scale(10, 2)
        .unwrap();
    assert_eq!(get::<Decimal128Array>(&a), &expected);
    let a = read_strs(ColumnType::UNCONSTRAINED_DECIMAL, NATIVE, &[Some("1e400")]);
    assert_eq!(get::<StringArray>(&a), &StringArray::from(vec!["1e400"]));

    let binary = ColumnType::Binary {
        length: None,
        fixed: false,
    };
    let a = read_texts(binary, NATIVE, &[Some(b"\x00\xff"), None, Some(b"")]).unwrap();
    assert_eq!(
        get::<BinaryArray>(&a),
        &BinaryArray::from(vec![Some(&b"\x00\xff"[..]), None, Some(&b""[..])])
    );
}
