//! Text columns as one delimited string that PostgreSQL splits (`string_to_array` with a NULL
//! string, PostgreSQL 9.1 and later) with a byte search, where an array literal's elements are
//! each unquoted and unescaped character by character (a 41-character column: about 375 ms per
//! million values as an array literal, 25-70 ms split; see README, Performance).
//!
//! The values are separated by U+0001, a NULL is U+0002 alone. A batch whose values hold either
//! character, or of one row (an empty string would come back as no row at all), is sent as an
//! array literal instead: a column split into fewer rows than the others would be padded with
//! NULLs, so every column must give exactly one row per value.

use arrow_odbc::arrow::array::{Array, ArrayRef, AsArray, GenericStringArray, OffsetSizeTrait};
use arrow_odbc::arrow::datatypes::DataType;

/// The separator between values.
const SEPARATOR: char = '\u{1}';
/// A NULL.
const NULL: char = '\u{2}';

/// The parameter SQL that splits the delimited text for `array_param` (`unnest(?::type[])...`,
/// as the PostgreSQL dialect writes it) into the same type; `None` for any other form.
pub fn text_list_param(array_param: &str) -> Option<String> {
    let rest = array_param.strip_prefix("unnest(?::")?;
    let end = rest.find("[])")?;
    let (cast, tail) = (&rest[..end], &rest[end + 3..]);
    Some(format!(
        "unnest(string_to_array(?, chr(1), chr(2)))::{cast}{tail}"
    ))
}

/// `column`'s values separated by U+0001 (NULL as U+0002), when it is text of at least two rows
/// and no value holds either character; `None` otherwise.
pub fn text_list(column: &ArrayRef) -> Option<String> {
    if column.len() < 2 {
        return None;
    }
    match column.data_type() {
        DataType::Utf8 => joined(column.as_string::<i32>()),
        DataType::LargeUtf8 => joined(column.as_string::<i64>()),
        _ => None,
    }
}

fn joined<O: OffsetSizeTrait>(values: &GenericStringArray<O>) -> Option<String> {
    let bytes = values.value_data();
    // Without an early exit per byte, so that the search runs on whole vectors.
    let clean = |chunk: &[u8]| {
        chunk
            .iter()
            .fold(true, |ok, &b| ok & (b.wrapping_sub(1) > 1))
    };
    if !bytes.chunks(4096).all(clean) {
        return None;
    }
    let mut out = String::with_capacity(bytes.len() + values.len());
    for i in 0..values.len() {
        if i > 0 {
            out.push(SEPARATOR);
        }
        if values.is_null(i) {
            out.push(NULL);
        } else {
            out.push_str(values.value(i));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_odbc::arrow::array::{Int32Array, LargeStringArray, StringArray};

    use super::*;

    #[test]
    fn values_are_separated_and_nulls_marked() {
        let column: ArrayRef = Arc::new(StringArray::from(vec![
            Some("a b"),
            None,
            Some(""),
            Some("ë'\"{},\\"),
        ]));
        assert_eq!(
            text_list(&column).as_deref(),
            Some("a b\u{1}\u{2}\u{1}\u{1}ë'\"{},\\")
        );
        let large: ArrayRef = Arc::new(LargeStringArray::from(vec![Some(""), Some("")]));
        assert_eq!(text_list(&large).as_deref(), Some("\u{1}"));
    }

    #[test]
    fn what_cannot_be_split_exactly_goes_as_an_array() {
        let one: ArrayRef = Arc::new(StringArray::from(vec![Some("")]));
        assert_eq!(text_list(&one), None);
        for value in ["x\u{1}y", "\u{2}"] {
            let column: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), Some(value)]));
            assert_eq!(text_list(&column), None, "{value:?}");
        }
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![1, 2]));
        assert_eq!(text_list(&ints), None);
    }

    #[test]
    fn the_array_parameter_becomes_a_split_of_the_same_type() {
        assert_eq!(
            text_list_param("unnest(?::varchar[])").as_deref(),
            Some("unnest(string_to_array(?, chr(1), chr(2)))::varchar")
        );
        assert_eq!(
            text_list_param("unnest(?::text[])::\"public\".\"mood\"").as_deref(),
            Some("unnest(string_to_array(?, chr(1), chr(2)))::text::\"public\".\"mood\"")
        );
        assert_eq!(text_list_param("?"), None);
    }
}
