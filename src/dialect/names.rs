//! The names of the tables that belong to a target table (side table, old table, `check`'s
//! sample), and declared type names in one spelling.

use super::Dialect;

/// Suffix of the side table every write mode loads into.
pub const SIDE_SUFFIX: &str = "_s2s_new";

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
