use super::*;

#[test]
fn parses_connection_string_attributes() {
    let pairs = parse_attributes("Driver={PostgreSQL Unicode};Server=h; PWD={a;b}}c};x=1");
    assert_eq!(
        pairs,
        vec![
            ("Driver".to_string(), "PostgreSQL Unicode".to_string()),
            ("Server".to_string(), "h".to_string()),
            ("PWD".to_string(), "a;b}c".to_string()),
            ("x".to_string(), "1".to_string()),
        ]
    );
}

#[test]
fn escapes_values_with_special_characters() {
    assert_eq!(escape("plain"), "plain");
    assert_eq!(escape("a;b"), "{a;b}");
    assert_eq!(escape("p}w+"), "{p}}w+}");
    assert_eq!(escape("{Driver Name}"), "{Driver Name}");
}
