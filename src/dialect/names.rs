//! The names of the tables that belong to a target table (side table, old table, `check`'s
//! sample), and declared type names in one spelling.

use super::Dialect;

/// Suffix of the side table every write mode loads into.
pub const SIDE_SUFFIX: &str = "_s2s_new";

/// Length of the run's tag at the end of its side tables' names (hex digits, see
/// [`side_table_name`]).
pub const RUN_TAG_LEN: usize = 8;

/// Suffix the old table gets during a swap that renames it first (MariaDB).
pub const OLD_SUFFIX: &str = "_s2s_old";

/// Suffix of the index on the watermark column of an `[incremental]` table the tool creates.
pub const WATERMARK_INDEX_SUFFIX: &str = "_s2s_wm";

/// Suffix of the table `check` inserts its sample into (and then rolls back or drops).
pub const CHECK_SUFFIX: &str = "_s2s_check";

/// The name of a table that belongs to `table` (its side table, old table, check's sample
/// table): `table` + `suffix`, shortened with a hash of the whole name where the DBMS's names
/// are shorter, so that it never becomes, or collides with, another table's name.
pub fn suffixed_name(d: &dyn Dialect, table: &str, suffix: &str) -> String {
    let max = d.max_name_length();
    if table.len() + suffix.len() <= max {
        return format!("{table}{suffix}");
    }
    // FNV-1a: the same name in every run and every version, so leftovers are found again.
    let hash = table.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let tag = format!("_{:08x}", hash as u32);
    let mut keep = max.saturating_sub(suffix.len() + tag.len());
    while !table.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}{tag}{suffix}", &table[..keep])
}

/// A tag for this run: [`RUN_TAG_LEN`] hex digits, random per process (std's
/// randomly keyed hasher over the process id and the time).
pub fn run_tag() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    h.write_u128(now.map_or(0, |d| d.as_nanos()));
    format!("{:0width$x}", h.finish() as u32, width = RUN_TAG_LEN)
}

/// The name of `table`'s side table in the run tagged `run` ([`RUN_TAG_LEN`] hex digits):
/// `<table>_s2s_new_<run>`, shortened like [`suffixed_name`]. Each run has its own, so that no
/// run ever drops another's.
pub fn side_table_name(d: &dyn Dialect, table: &str, run: &str) -> String {
    suffixed_name(d, table, &format!("{SIDE_SUFFIX}_{run}"))
}

/// Is `name` (as the catalog lists it) a side table of `table` made by any run: this version's
/// `<table>_s2s_new_<hex tag>`, or `<table>_s2s_new` of versions before run tags?
pub fn is_side_table_of(d: &dyn Dialect, table: &str, name: &str) -> bool {
    let tagged = side_table_name(d, table, &"0".repeat(RUN_TAG_LEN));
    let prefix = &tagged[..tagged.len() - RUN_TAG_LEN];
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    if same(name, &suffixed_name(d, table, SIDE_SUFFIX)) {
        return true;
    }
    name.len() == tagged.len()
        && name.is_char_boundary(prefix.len())
        && same(&name[..prefix.len()], prefix)
        && name[prefix.len()..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A catalog pattern (`%` any characters) that lists at least every side table of `table` (see
/// [`is_side_table_of`], which picks them out).
pub fn side_table_pattern(d: &dyn Dialect, table: &str) -> String {
    let legacy = suffixed_name(d, table, SIDE_SUFFIX);
    let tagged = side_table_name(d, table, &"0".repeat(RUN_TAG_LEN));
    let common = legacy
        .char_indices()
        .zip(tagged.chars())
        .take_while(|((_, a), b)| a == b)
        .last()
        .map_or(0, |((i, a), _)| i + a.len_utf8());
    format!("{}%", &legacy[..common])
}

/// A type name for comparing: lower case, single spaces, no spaces around parentheses and commas.
pub fn normalized_type(declared: &str) -> String {
    declared
        .to_ascii_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(", ", ",")
        .replace(" ,", ",")
}
