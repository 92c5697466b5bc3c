//! What the golden statements are made of: the golden-file table's columns.

use super::*;

/// The columns of the golden-file table: one of every kind.
pub(super) fn golden_columns() -> Vec<Column> {
    let column = |name: &str, column_type: ColumnType, nullable: bool| Column {
        source_name: name.to_uppercase(),
        name: name.to_string(),
        column_type,
        nullable,
        source_type: "x".into(),
    };
    vec![
        column("id", ColumnType::Int64, false),
        column("actief", ColumnType::Boolean, true),
        column("aantal", ColumnType::Int32, true),
        column("bedrag", dec(12, 2), true),
        column("exact", ColumnType::UNCONSTRAINED_DECIMAL, true),
        column("score", ColumnType::Float64, true),
        column("code", text(Some(6), true), true),
        column("naam", text(Some(100), false), true),
        column("opmerking", text(None, false), true),
        column("bestand", binary(None, false), true),
        column("datum", ColumnType::Date, true),
        column("tijd", ColumnType::Time { precision: 6 }, true),
        column("gewijzigd", ColumnType::Timestamp { precision: 6 }, true),
        column("vastgelegd", ColumnType::TimestampTz { precision: 6 }, true),
        column("nauwkeurig", ColumnType::Timestamp { precision: 7 }, true),
        column("moment7", ColumnType::TimestampTz { precision: 7 }, true),
        column(
            "groot",
            ColumnType::DecimalText {
                precision: Some(50),
                scale: Some(10),
            },
            true,
        ),
    ]
}

/// A statement's description made at run time, kept for the whole test.
pub(super) fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}
