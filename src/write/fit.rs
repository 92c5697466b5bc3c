//! Whether a source column's values go into an existing target column: exactly, with a warning
//! (rounding, a length the target checks, ...), or not at all.

use crate::plan::ColumnType;

/// Whether the values of a source column can go into a target column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fit {
    /// Every value goes in unchanged.
    Exact,
    /// Values go in, but the target may change them or refuse some (the reason says which);
    /// a value the target refuses fails the table, which then holds what it held before.
    Warn(String),
    /// No value can go in meaningfully: the table is refused before anything is written.
    Refuse(String),
}

fn int_bits(t: &ColumnType) -> Option<u32> {
    Some(match t {
        ColumnType::Int8 => 8,
        ColumnType::Int16 => 16,
        ColumnType::Int32 => 32,
        ColumnType::Int64 => 64,
        _ => return None,
    })
}

/// Digits an integer of `bits` bits may have.
fn int_digits(bits: u32) -> u32 {
    match bits {
        8 => 3,
        16 => 5,
        32 => 10,
        _ => 19,
    }
}

/// (digits before the point, digits after it) of a decimal type; `None` parts are unlimited.
fn decimal_shape(t: &ColumnType) -> Option<(Option<u32>, Option<u32>)> {
    match *t {
        // A negative scale (Oracle NUMBER(4,-2)) holds integers of precision - scale digits.
        ColumnType::Decimal { precision, scale } => {
            let before = (i32::from(precision) - i32::from(scale)).max(0) as u32;
            Some((Some(before), Some(scale.max(0) as u32)))
        }
        ColumnType::DecimalText {
            precision: Some(p),
            scale,
        } => {
            let s = u32::from(scale.unwrap_or(0));
            Some((Some(u32::from(p).saturating_sub(s)), Some(s)))
        }
        ColumnType::DecimalText { .. } => Some((None, None)),
        _ => None,
    }
}

fn fraction_digits(t: &ColumnType) -> Option<u8> {
    match *t {
        ColumnType::Time { precision }
        | ColumnType::Timestamp { precision }
        | ColumnType::TimestampTz { precision } => Some(precision),
        _ => None,
    }
}

/// The longest text form of a value of `t`, in characters, when it is bounded.
fn text_length(t: &ColumnType) -> Option<u32> {
    Some(match *t {
        ColumnType::Boolean => 1,
        ColumnType::Int8 => 4,
        ColumnType::Int16 => 6,
        ColumnType::Int32 => 11,
        ColumnType::Int64 => 20,
        ColumnType::Float32 | ColumnType::Float64 => 24,
        ColumnType::Decimal { precision, .. } => u32::from(precision) + 3,
        ColumnType::DecimalText {
            precision: Some(p), ..
        } => u32::from(p) + 3,
        ColumnType::Date => 13,
        ColumnType::Time { .. } => 18,
        ColumnType::Timestamp { .. } => 32,
        ColumnType::TimestampTz { .. } => 38,
        _ => return None,
    })
}

/// Whether values of `source` can go into a column holding `target` (see [`Fit`]). Values are
/// cast by the target as they go in; the rules say what that does.
pub fn fit(source: &ColumnType, target: &ColumnType) -> Fit {
    use ColumnType as T;
    if source == target {
        return Fit::Exact;
    }
    let warn = |s: &str| Fit::Warn(s.to_string());
    let refuse = |s: &str| Fit::Refuse(s.to_string());
    match (source, target) {
        // ---------------------------------------------------------------- into text
        (T::Binary { .. }, T::Text { .. }) => refuse("binary values have no text form"),
        (T::Text { length: from, .. }, T::Text { length: to, .. }) => match (from, to) {
            (_, None) => Fit::Exact,
            (Some(a), Some(b)) if a <= b => Fit::Exact,
            (_, Some(b)) => Fit::Warn(format!("values longer than {} fail the table", chars(*b))),
        },
        (_, T::Text { length: to, .. }) => match (text_length(source), to) {
            (Some(n), Some(b)) if n > *b => Fit::Warn(format!(
                "stored as text; values longer than {} fail the table",
                chars(*b)
            )),
            (None, Some(b)) => Fit::Warn(format!(
                "stored as text; values longer than {} fail the table",
                chars(*b)
            )),
            _ => warn("stored as text"),
        },
        // ---------------------------------------------------------------- into binary
        (
            T::Binary {
                length: from,
                fixed: from_fixed,
            },
            T::Binary {
                length: to,
                fixed: to_fixed,
            },
        ) => {
            let longer = match (from, to) {
                (_, None) => false,
                (Some(a), Some(b)) => a > b,
                (None, Some(_)) => true,
            };
            if longer {
                Fit::Warn(format!(
                    "values longer than {} bytes fail the table",
                    to.unwrap_or(0)
                ))
            } else if *to_fixed && !from_fixed {
                warn("shorter values are padded with zero bytes to the fixed length")
            } else {
                Fit::Exact
            }
        }
        (T::Text { .. }, T::Binary { .. }) => warn("text is stored as its UTF-8 bytes"),
        // ---------------------------------------------------------------- booleans
        (T::Boolean, _) if int_bits(target).is_some() || decimal_shape(target).is_some() => {
            Fit::Exact
        }
        (T::Boolean, T::Float32 | T::Float64) => Fit::Exact,
        (T::Text { .. }, T::Boolean) => warn("text values that are not booleans fail the table"),
        // ---------------------------------------------------------------- integers
        (_, _) if int_bits(source).is_some() && int_bits(target).is_some() => {
            if int_bits(target) >= int_bits(source) {
                Fit::Exact
            } else {
                warn("values beyond the target's range fail the table")
            }
        }
        (_, T::Float32 | T::Float64) if int_bits(source).is_some() => {
            let mantissa = if *target == T::Float32 { 24 } else { 53 };
            // 8 and 16 bits fit a float's 24-bit mantissa, 32 bits a double's 53.
            if matches!(
                (source, target),
                (T::Int8 | T::Int16, _) | (T::Int32, T::Float64)
            ) {
                Fit::Exact
            } else {
                Fit::Warn(format!(
                    "integers beyond 2^{mantissa} are rounded to the nearest floating-point number"
                ))
            }
        }
        (_, _) if int_bits(source).is_some() && decimal_shape(target).is_some() => {
            let digits = int_digits(int_bits(source).unwrap_or(64));
            match decimal_shape(target) {
                Some((Some(before), _)) if before < digits => Fit::Warn(format!(
                    "values with more than {before} digits fail the table"
                )),
                _ => Fit::Exact,
            }
        }
        // ---------------------------------------------------------------- floats
        (T::Float32, T::Float64) => Fit::Exact,
        (T::Float64, T::Float32) => warn("rounded to single precision (about 7 digits)"),
        (T::Float32 | T::Float64, _) if decimal_shape(target).is_some() => warn(
            "stored as the decimal of its shortest text, rounded to the target's scale; NaN, \
             infinities and values beyond the target's precision fail the table",
        ),
        // ---------------------------------------------------------------- decimals
        (_, _) if decimal_shape(source).is_some() && decimal_shape(target).is_some() => {
            let (Some((from_int, from_frac)), Some((to_int, to_frac))) =
                (decimal_shape(source), decimal_shape(target))
            else {
                return Fit::Exact;
            };
            let wider = |from: Option<u32>, to: Option<u32>| match (from, to) {
                (_, None) => false,
                (Some(a), Some(b)) => a > b,
                (None, Some(_)) => true,
            };
            let mut why = Vec::new();
            if wider(from_frac, to_frac) {
                why.push(format!(
                    "rounded to {} decimals",
                    to_frac.unwrap_or_default()
                ));
            }
            if wider(from_int, to_int) {
                why.push(format!(
                    "values with more than {} digits before the point fail the table",
                    to_int.unwrap_or_default()
                ));
            }
            if why.is_empty() {
                Fit::Exact
            } else {
                Fit::Warn(why.join("; "))
            }
        }
        (_, T::Float32 | T::Float64) if decimal_shape(source).is_some() => {
            warn("stored as the nearest floating-point number (15-17 significant digits)")
        }
        (_, _) if decimal_shape(source).is_some() && int_bits(target).is_some() => {
            match decimal_shape(source) {
                Some((Some(before), Some(0)))
                    if before < int_digits(int_bits(target).unwrap_or(64)) =>
                {
                    Fit::Exact
                }
                _ => warn("values with a fraction or beyond the target's range fail the table"),
            }
        }
        // ---------------------------------------------------------------- text into typed
        (T::Text { .. }, _) => Fit::Warn(format!(
            "text values that do not read as {} fail the table",
            with_article(kind_name(target))
        )),
        // ---------------------------------------------------------------- dates and times
        (T::Date, T::Timestamp { .. }) => Fit::Exact,
        (T::Date, T::TimestampTz { .. }) => warn("dates are taken as midnight UTC"),
        (T::Timestamp { .. } | T::TimestampTz { .. }, T::Date) => {
            warn("the time of day is not kept")
        }
        (T::Timestamp { .. }, T::TimestampTz { .. }) => {
            with_fraction(source, target, Some("taken as UTC"))
        }
        (T::TimestampTz { .. }, T::Timestamp { .. }) => {
            with_fraction(source, target, Some("stored as UTC, without the offset"))
        }
        (T::Timestamp { .. }, T::Timestamp { .. })
        | (T::TimestampTz { .. }, T::TimestampTz { .. })
        | (T::Time { .. }, T::Time { .. }) => with_fraction(source, target, None),
        _ => Fit::Refuse(format!(
            "{} values cannot go into {} column",
            kind_name(source),
            with_article(kind_name(target))
        )),
    }
}

/// A date/time fit: exact unless the target keeps fewer fractional digits (or `note` applies).
fn with_fraction(source: &ColumnType, target: &ColumnType, note: Option<&str>) -> Fit {
    let mut why: Vec<String> = note.map(str::to_string).into_iter().collect();
    if let (Some(from), Some(to)) = (fraction_digits(source), fraction_digits(target))
        && from > to
    {
        why.push(format!(
            "fractional digits beyond {to} are lost (PostgreSQL rounds, which can carry into the \
             next second or day; MariaDB and SQL Server cut them off)"
        ));
    }
    if why.is_empty() {
        Fit::Exact
    } else {
        Fit::Warn(why.join("; "))
    }
}

/// "1 character", "50 characters".
fn chars(n: u32) -> String {
    if n == 1 {
        "1 character".into()
    } else {
        format!("{n} characters")
    }
}

/// "an integer", "a date".
fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

/// "integer", "timestamp", ... for messages.
pub fn kind_name(t: &ColumnType) -> &'static str {
    match t {
        ColumnType::Boolean => "boolean",
        ColumnType::Int8 | ColumnType::Int16 | ColumnType::Int32 | ColumnType::Int64 => "integer",
        ColumnType::Float32 | ColumnType::Float64 => "floating-point",
        ColumnType::Decimal { .. } | ColumnType::DecimalText { .. } => "decimal",
        ColumnType::Text { .. } => "text",
        ColumnType::Binary { .. } => "binary",
        ColumnType::Date => "date",
        ColumnType::Time { .. } => "time",
        ColumnType::Timestamp { .. } => "timestamp",
        ColumnType::TimestampTz { .. } => "timestamp with time zone",
    }
}
