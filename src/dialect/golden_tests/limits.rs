//! Every dialect's created type, parameter cast and warnings at the lengths and precisions where
//! its choice changes (`tests/golden/type-limits.txt`).

use super::*;

/// Column types at the limits where the dialects choose another type (text and binary lengths
/// around 255, 2000, 4000, 8000, 65,535, 4,194,303 and 16,777,215; decimals around 18, 38 and 65
/// digits and 30 decimals; every fractional-second precision).
fn types_at_their_limits() -> Vec<ColumnType> {
    use ColumnType as T;
    let mut types = vec![
        T::Boolean,
        T::Int8,
        T::Int16,
        T::Int32,
        T::Int64,
        T::Float32,
        T::Float64,
        T::Date,
        T::UNCONSTRAINED_DECIMAL,
    ];
    let lengths = [
        1, 255, 256, 500, 501, 1000, 1001, 2000, 2001, 4000, 4001, 8000, 8001, 32_767, 32_768,
        65_535, 65_536, 4_194_303, 4_194_304, 10_485_760, 10_485_761, 16_777_215, 16_777_216,
    ];
    for n in lengths {
        for fixed in [false, true] {
            types.push(T::Text {
                length: Some(n),
                fixed,
            });
            types.push(T::Binary {
                length: Some(n),
                fixed,
            });
        }
    }
    for fixed in [false, true] {
        types.push(T::Text {
            length: None,
            fixed,
        });
        types.push(T::Binary {
            length: None,
            fixed,
        });
    }
    for (precision, scale) in [
        (1, 0),
        (18, 0),
        (19, 0),
        (38, 0),
        (38, 30),
        (38, 31),
        (38, 38),
    ] {
        types.push(T::Decimal { precision, scale });
    }
    types.push(T::Decimal {
        precision: 7,
        scale: -2,
    });
    for (p, s) in [
        (Some(39), Some(0)),
        (Some(65), Some(30)),
        (Some(65), Some(31)),
        (Some(66), Some(0)),
        (Some(3997), Some(0)),
        (Some(3998), Some(0)),
        (Some(997), Some(0)),
        (Some(998), Some(0)),
        (Some(1000), Some(0)),
        (Some(1001), Some(0)),
        (Some(40), None),
        (None, Some(2)),
    ] {
        types.push(T::DecimalText {
            precision: p,
            scale: s,
        });
    }
    for precision in 0..=9 {
        types.push(T::Time { precision });
        types.push(T::Timestamp { precision });
        types.push(T::TimestampTz { precision });
    }
    types
}

/// For every dialect and every type at its limits: the type created, the cast of its
/// parameters, the warnings, whether the catalog's spelling of the created type is taken as
/// exact, and what a column of the created type reads back as. Kept in
/// tests/golden/type-limits.txt (scripts/update-golden.sh takes a change; read the diff).
#[test]
fn column_types_at_their_limits_in_every_dialect() {
    let mut text = String::new();
    for d in all_dialects() {
        text.push_str(&format!("# {}\n", d.name()));
        for t in types_at_their_limits() {
            let created = d.type_sql(&t);
            text.push_str(&format!(
                "{t:?} => {created} | cast {:?} | faithful {} | reads back as {:?} | {}\n",
                d.cast_type(&t),
                d.faithful_type(&created, &t),
                d.target_column_type(&created),
                d.target_warnings(&t).join("; ")
            ));
        }
    }
    crate::golden::assert_golden("type-limits.txt", &text);
}
