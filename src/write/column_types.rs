//! `[column-types]`: the type a created column gets when the configuration asks for one, and
//! whether an existing column already has the type asked for.

use super::fit::{Fit, fit};
use crate::{
    config::TypeOverride,
    dialect::{Dialect, normalized_type},
    plan::{Column, TargetColumn},
};

/// The column this tool creates for `column`: derived from the source, or the type
/// `[column-types]` asks for, into which the target casts the values (sent as text where the
/// dialect casts parameters); a cast that can lose information is warned about, and a type that
/// cannot hold a pseudonym (64 hex digits) is refused.
pub(super) fn created(
    dialect: &dyn Dialect,
    column: &Column,
    overrides: &[TypeOverride],
    warnings: &mut Vec<String>,
    refused: &mut Vec<String>,
) -> TargetColumn {
    let derived = TargetColumn::new_for(dialect, column);
    let Some(o) = overrides.iter().find(|o| o.names(column)) else {
        return derived;
    };
    let column_type = dialect.target_column_type(&dialect.catalog_spelling(&o.type_sql));
    let fits = fit(&column.column_type, &column_type);
    if column.is_pseudonym() && fits != Fit::Exact {
        refused.push(format!(
            "[column-types] {}.{} = {}: the column holds pseudonyms of 64 hex digits, which {} \
             cannot hold exactly; leave the override out or give it room for 64 characters",
            o.table, o.column, o.type_sql, o.type_sql
        ));
    } else if let Fit::Warn(why) | Fit::Refuse(why) = fits {
        warnings.push(format!(
            "{}: {} into {} ([column-types]): {why}",
            column.source_name, column.source_type, o.type_sql
        ));
    }
    TargetColumn {
        declared: o.type_sql.clone(),
        column_type,
        cast: None,
        ..derived
    }
}

/// Do the declared types `a` and `b` name the same type (`varchar(20)` and `character
/// varying(20)`)?
pub(super) fn same_type(dialect: &dyn Dialect, a: &str, b: &str) -> bool {
    let (a, b) = (dialect.catalog_spelling(a), dialect.catalog_spelling(b));
    let (ta, tb) = (
        dialect.target_column_type(&a),
        dialect.target_column_type(&b),
    );
    normalized_type(&a) == normalized_type(&b)
        || ta == tb && dialect.faithful_type(&a, &ta) && dialect.faithful_type(&b, &tb)
}
