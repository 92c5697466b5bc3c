//! Glob patterns (`*` any text, `?` one character), matched ignoring case: `SRC_TABLES`,
//! `SRC_TABLES_EXCLUDE`, `EXCLUDE_COLUMNS` and `PSEUDONYMIZE_COLUMNS` use them.

use wildmatch::WildMatch;

/// Does `text` hold a glob wildcard (`*` or `?`)?
pub fn is_pattern(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// Does the glob `pattern` (`*` any text, `?` one character) match `text`, ignoring case?
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    WildMatch::new_case_insensitive(pattern).matches(text)
}
