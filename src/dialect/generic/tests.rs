use super::*;

#[test]
fn decimals_without_precision_are_said_to_go_into_text() {
    assert_eq!(
        Generic.target_warnings(&ColumnType::UNCONSTRAINED_DECIMAL),
        vec!["no declared precision: stored as its exact text (CLOB)".to_string()]
    );
    assert!(Generic.target_warnings(&ColumnType::Int64).is_empty());
    assert!(Generic.matches_dbms("DB2/LINUXX8664") && Generic.matches_driver("IBM DB2 ODBC"));
}

#[test]
fn existing_columns_are_read_by_their_standard_names() {
    use ColumnType as T;
    for (declared, expected) in [
        ("INT", T::Int32),
        ("double", T::Float64),
        ("FLOAT", T::Float64),
        (
            "CHARACTER(3)",
            T::Text {
                length: Some(3),
                fixed: true,
            },
        ),
        (
            "character varying(20)",
            T::Text {
                length: Some(20),
                fixed: false,
            },
        ),
        ("NUMERIC", T::UNCONSTRAINED_DECIMAL),
        (
            "XML",
            T::Text {
                length: None,
                fixed: false,
            },
        ),
        ("TIMESTAMP", T::Timestamp { precision: 6 }),
    ] {
        assert_eq!(Generic.target_column_type(declared), expected, "{declared}");
    }
}
