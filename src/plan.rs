//! From source column metadata to an Arrow schema and target columns.
//!
//! The driver reports each column's ODBC SQL type, size, decimal digits, nullability and type
//! name ([`ColumnMeta`]); where the DBMS's catalog knows better (an unconstrained `numeric`,
//! `varchar` without a length, SQLite's declared types) the source dialect adds the declared
//! type. The source dialect turns that into a [`ColumnType`], a small vocabulary that says what
//! values the column can hold. Everything downstream works from `ColumnType`: the Arrow type
//! and read buffer ([`ColumnType::arrow_type`]), the Parquet manifest, and the target dialect's
//! DDL. So adding a DBMS means mapping its metadata into `ColumnType` and `ColumnType` into its
//! type names, nothing else.

use std::sync::Arc;

use arrow_odbc::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use serde::{Deserialize, Serialize};

/// ODBC SQL type codes: the standard ones as odbc-sys defines them (sql.h / sqlext.h), plus
/// the vendor codes we recognise.
pub mod sql_type {
    #![allow(missing_docs)]
    use arrow_odbc::odbc_api::sys::SqlDataType;

    pub const CHAR: i16 = SqlDataType::CHAR.0;
    pub const NUMERIC: i16 = SqlDataType::NUMERIC.0;
    pub const DECIMAL: i16 = SqlDataType::DECIMAL.0;
    pub const INTEGER: i16 = SqlDataType::INTEGER.0;
    pub const SMALLINT: i16 = SqlDataType::SMALLINT.0;
    pub const FLOAT: i16 = SqlDataType::FLOAT.0;
    pub const REAL: i16 = SqlDataType::REAL.0;
    pub const DOUBLE: i16 = SqlDataType::DOUBLE.0;
    pub const DATETIME: i16 = SqlDataType::DATETIME.0;
    pub const VARCHAR: i16 = SqlDataType::VARCHAR.0;
    pub const TYPE_DATE: i16 = SqlDataType::DATE.0;
    pub const TYPE_TIME: i16 = SqlDataType::TIME.0;
    pub const TYPE_TIMESTAMP: i16 = SqlDataType::TIMESTAMP.0;
    pub const LONGVARCHAR: i16 = SqlDataType::EXT_LONG_VARCHAR.0;
    pub const BINARY: i16 = SqlDataType::EXT_BINARY.0;
    pub const VARBINARY: i16 = SqlDataType::EXT_VAR_BINARY.0;
    pub const LONGVARBINARY: i16 = SqlDataType::EXT_LONG_VAR_BINARY.0;
    pub const BIGINT: i16 = SqlDataType::EXT_BIG_INT.0;
    pub const TINYINT: i16 = SqlDataType::EXT_TINY_INT.0;
    pub const BIT: i16 = SqlDataType::EXT_BIT.0;
    pub const WCHAR: i16 = SqlDataType::EXT_W_CHAR.0;
    pub const WVARCHAR: i16 = SqlDataType::EXT_W_VARCHAR.0;
    pub const WLONGVARCHAR: i16 = SqlDataType::EXT_W_LONG_VARCHAR.0;
    pub const GUID: i16 = SqlDataType::EXT_GUID.0;
    /// SQL Server `sql_variant`.
    pub const SS_VARIANT: i16 = -150;
    /// SQL Server user-defined types (geometry, hierarchyid).
    pub const SS_UDT: i16 = -151;
    /// SQL Server `xml`.
    pub const SS_XML: i16 = -152;
    /// SQL Server `time(n)`.
    pub const SS_TIME2: i16 = -154;
    /// SQL Server `datetimeoffset(n)`.
    pub const SS_TIMESTAMPOFFSET: i16 = -155;

    /// The name of an SQL type code, for messages (`SQL_WVARCHAR` -> "WVARCHAR").
    pub fn name(code: i16) -> String {
        let known = match code {
            CHAR => "CHAR",
            NUMERIC => "NUMERIC",
            DECIMAL => "DECIMAL",
            INTEGER => "INTEGER",
            SMALLINT => "SMALLINT",
            FLOAT => "FLOAT",
            REAL => "REAL",
            DOUBLE => "DOUBLE",
            DATETIME => "DATETIME",
            VARCHAR => "VARCHAR",
            TYPE_DATE => "DATE",
            TYPE_TIME => "TIME",
            TYPE_TIMESTAMP => "TIMESTAMP",
            LONGVARCHAR => "LONGVARCHAR",
            BINARY => "BINARY",
            VARBINARY => "VARBINARY",
            LONGVARBINARY => "LONGVARBINARY",
            BIGINT => "BIGINT",
            TINYINT => "TINYINT",
            BIT => "BIT",
            WCHAR => "WCHAR",
            WVARCHAR => "WVARCHAR",
            WLONGVARCHAR => "WLONGVARCHAR",
            GUID => "GUID",
            SS_VARIANT => "SS_VARIANT",
            SS_UDT => "SS_UDT",
            SS_XML => "SS_XML",
            SS_TIME2 => "SS_TIME2",
            SS_TIMESTAMPOFFSET => "SS_TIMESTAMPOFFSET",
            _ => "",
        };
        if known.is_empty() {
            format!("type {code}")
        } else {
            known.to_string()
        }
    }
}

/// What the ODBC driver (and, where asked, the catalog) says about one source column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMeta {
    /// Column name as the source reports it.
    pub name: String,
    /// ODBC SQL type code (see [`sql_type`]).
    pub sql_type: i16,
    /// Column size: characters for text, bytes for binary, digits for numbers.
    pub column_size: usize,
    /// Decimal digits: scale for decimals, fractional-second digits for times.
    pub decimal_digits: i16,
    /// `Some(false)` when the driver says the column cannot hold NULL.
    pub nullable: Option<bool>,
    /// The driver's type name (`SQL_DESC_TYPE_NAME`), e.g. `int4`, `NUMBER`, `nvarchar`.
    pub type_name: String,
    /// The driver says the column is unsigned.
    pub unsigned: bool,
    /// The type as declared in the catalog, when the source dialect looked it up
    /// (e.g. `numeric(18,5)`, `character varying`, `int(10) unsigned`).
    pub declared: Option<String>,
}

impl ColumnMeta {
    /// A column known only by its declared type (an existing target column as the catalog
    /// spells it): no SQL type code, the declared type as type name too.
    pub fn declared(declared: &str) -> Self {
        ColumnMeta {
            type_name: declared.to_string(),
            declared: Some(declared.to_string()),
            ..Default::default()
        }
    }
}

/// What values a column holds, independent of any DBMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnType {
    /// true / false.
    Boolean,
    /// 8-bit signed integer.
    Int8,
    /// 16-bit signed integer.
    Int16,
    /// 32-bit signed integer.
    Int32,
    /// 64-bit signed integer.
    Int64,
    /// IEEE single precision.
    Float32,
    /// IEEE double precision.
    Float64,
    /// Exact decimal with at most 38 digits.
    Decimal {
        /// Total digits.
        precision: u8,
        /// Digits after the point.
        scale: i8,
    },
    /// Exact decimal without a declared precision (PostgreSQL `numeric`, Oracle `NUMBER` and
    /// `FLOAT`), or with more than 38 digits (`numeric(50,10)`, MariaDB `DECIMAL(65,30)`); carried
    /// as its decimal text so that no digit is lost. The declared precision and scale, when there
    /// are any, are kept so that targets that can hold them get a column of that precision.
    DecimalText {
        /// Declared total digits (more than 38); `None` when unconstrained.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        precision: Option<u16>,
        /// Declared digits after the point; `None` when unconstrained.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scale: Option<u16>,
    },
    /// Character data.
    Text {
        /// Maximum length in characters; `None` for unbounded text (TEXT, CLOB, ...).
        length: Option<u32>,
        /// Fixed length (CHAR).
        fixed: bool,
    },
    /// Binary data.
    Binary {
        /// Maximum length in bytes; `None` for unbounded binary (BLOB, bytea, ...).
        length: Option<u32>,
        /// Fixed length (BINARY).
        fixed: bool,
    },
    /// Calendar date.
    Date,
    /// Time of day.
    Time {
        /// Fractional-second digits.
        precision: u8,
    },
    /// Date and time without time zone.
    Timestamp {
        /// Fractional-second digits.
        precision: u8,
    },
    /// An instant (date and time with time zone), normalised to UTC.
    TimestampTz {
        /// Fractional-second digits.
        precision: u8,
    },
}

impl ColumnType {
    /// An exact decimal without declared precision (PostgreSQL `numeric`, Oracle `NUMBER`).
    pub const UNCONSTRAINED_DECIMAL: ColumnType = ColumnType::DecimalText {
        precision: None,
        scale: None,
    };

    /// The Arrow type batches carry for this column.
    pub fn arrow_type(&self) -> DataType {
        match *self {
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::Int8 => DataType::Int8,
            ColumnType::Int16 => DataType::Int16,
            ColumnType::Int32 => DataType::Int32,
            ColumnType::Int64 => DataType::Int64,
            ColumnType::Float32 => DataType::Float32,
            ColumnType::Float64 => DataType::Float64,
            ColumnType::Decimal { precision, scale } => DataType::Decimal128(precision, scale),
            ColumnType::DecimalText { .. } | ColumnType::Text { .. } => DataType::Utf8,
            ColumnType::Binary { .. } => DataType::Binary,
            ColumnType::Date => DataType::Date32,
            // More than six fractional digits (SQL Server's 100 ns, Oracle's up to 1 ns): Arrow's
            // nanosecond timestamps end in 2262, and datetime2(7) columns hold 9999-12-31 23:59:
            // 59.9999999. Their text is exact over the whole range.
            ColumnType::Time { precision }
            | ColumnType::Timestamp { precision }
            | ColumnType::TimestampTz { precision }
                if precision > 6 =>
            {
                DataType::Utf8
            }
            ColumnType::Time { .. } => DataType::Time64(TimeUnit::Microsecond),
            ColumnType::Timestamp { precision } => DataType::Timestamp(time_unit(precision), None),
            ColumnType::TimestampTz { precision } => {
                DataType::Timestamp(time_unit(precision), Some("UTC".into()))
            }
        }
    }

    /// `true` when values are carried as their text although the type is not text: times and
    /// timestamps with more than six fractional digits.
    pub fn carried_as_text(&self) -> bool {
        matches!(
            self,
            ColumnType::Time { precision }
            | ColumnType::Timestamp { precision }
            | ColumnType::TimestampTz { precision } if *precision > 6
        )
    }

    /// `true` for types whose values have no declared upper size, so that the reader has to
    /// find out how large they are.
    pub fn is_unbounded(&self) -> bool {
        matches!(
            self,
            ColumnType::DecimalText {
                precision: None,
                ..
            } | ColumnType::Text { length: None, .. }
                | ColumnType::Binary { length: None, .. }
        )
    }
}

fn time_unit(precision: u8) -> TimeUnit {
    match precision {
        0 => TimeUnit::Second,
        1..=3 => TimeUnit::Millisecond,
        4..=6 => TimeUnit::Microsecond,
        _ => TimeUnit::Nanosecond,
    }
}

/// One column of the copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Name in the source.
    pub source_name: String,
    /// Name in the target (lowercased when `LOWERCASE_COLUMNS`).
    pub name: String,
    /// What it holds.
    pub column_type: ColumnType,
    /// May hold NULL.
    pub nullable: bool,
    /// The source's type, for messages and `check` (e.g. `numeric(18,5)`).
    pub source_type: String,
}

/// The columns of one table, in source order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableShape {
    /// The columns.
    pub columns: Vec<Column>,
}

impl TableShape {
    /// The Arrow schema of the batches (target column names).
    pub fn arrow_schema(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns
                .iter()
                .map(|c| Field::new(&c.name, c.column_type.arrow_type(), c.nullable))
                .collect::<Vec<_>>(),
        ))
    }
}

/// A column of a table to create: name (unquoted), type as DDL, nullability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    /// Name as the target stores it.
    pub name: String,
    /// Type as DDL.
    pub type_sql: String,
    /// May hold NULL.
    pub nullable: bool,
}

/// One column of a target table, as its catalog describes it (or as this tool will create it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetColumn {
    /// Name as the target stores it.
    pub name: String,
    /// Type as DDL (`character varying(50)`, `decimal(12,2)`).
    pub declared: String,
    /// What values it holds: the target dialect's own mapping of `declared`.
    pub column_type: ColumnType,
    /// The type a parameter is cast to on its way in (PostgreSQL: the element type of the array
    /// parameter, without a length); `None` where the DBMS converts by itself.
    pub cast: Option<String>,
    /// May hold NULL.
    pub nullable: bool,
    /// Has a default (or is generated by the DBMS).
    pub has_default: bool,
}

/// A source column and the target column its values go into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadColumn {
    /// The source column (its `name` is the name it would get in a new table).
    pub source: Column,
    /// The column of the target (and of the side table) that receives it.
    pub target: TargetColumn,
}

/// Parses the `(a)` or `(a,b)` arguments of a declared type such as `numeric(18,5)` or
/// `varchar(100)`. Returns `None` when there are none.
pub fn type_arguments(declared: &str) -> Option<(i64, Option<i64>)> {
    let open = declared.find('(')?;
    let close = declared[open..].find(')')? + open;
    let mut parts = declared[open + 1..close].split(',');
    let first = parts.next()?.trim().parse().ok()?;
    let second = parts.next().and_then(|p| p.trim().parse().ok());
    Some((first, second))
}

/// Maps standard ODBC metadata to a [`ColumnType`]: the generic mapping every dialect starts
/// from. `Err` carries a reason when the type cannot be copied without loss.
pub fn generic_column_type(meta: &ColumnMeta) -> Result<ColumnType, String> {
    use sql_type as t;
    let size = u32::try_from(meta.column_size).ok().filter(|s| *s > 0);
    let digits = meta.decimal_digits.clamp(0, 9) as u8;
    Ok(match meta.sql_type {
        t::BIT => ColumnType::Boolean,
        t::TINYINT if meta.unsigned => ColumnType::Int16,
        t::TINYINT => ColumnType::Int8,
        t::SMALLINT if meta.unsigned => ColumnType::Int32,
        t::SMALLINT => ColumnType::Int16,
        t::INTEGER if meta.unsigned => ColumnType::Int64,
        t::INTEGER => ColumnType::Int32,
        t::BIGINT if meta.unsigned => ColumnType::Decimal {
            precision: 20,
            scale: 0,
        },
        t::BIGINT => ColumnType::Int64,
        t::REAL => ColumnType::Float32,
        t::FLOAT if (1..=24).contains(&meta.column_size) => ColumnType::Float32,
        t::FLOAT | t::DOUBLE => ColumnType::Float64,
        t::NUMERIC | t::DECIMAL => decimal(meta.column_size, meta.decimal_digits),
        t::CHAR | t::WCHAR => ColumnType::Text {
            length: size,
            fixed: size.is_some(),
        },
        t::VARCHAR | t::WVARCHAR => ColumnType::Text {
            length: size,
            fixed: false,
        },
        t::LONGVARCHAR | t::WLONGVARCHAR | t::SS_XML => ColumnType::Text {
            length: None,
            fixed: false,
        },
        t::GUID => ColumnType::Text {
            length: Some(36),
            fixed: true,
        },
        t::BINARY => ColumnType::Binary {
            length: size,
            fixed: size.is_some(),
        },
        t::VARBINARY => ColumnType::Binary {
            length: size,
            fixed: false,
        },
        t::LONGVARBINARY => ColumnType::Binary {
            length: None,
            fixed: false,
        },
        t::TYPE_DATE | t::DATETIME => ColumnType::Date,
        t::TYPE_TIME | t::SS_TIME2 => ColumnType::Time { precision: digits },
        t::TYPE_TIMESTAMP => ColumnType::Timestamp { precision: digits },
        t::SS_TIMESTAMPOFFSET => ColumnType::TimestampTz { precision: digits },
        other => {
            return Err(format!(
                "ODBC SQL type {other} ('{}') has no lossless mapping",
                meta.type_name
            ));
        }
    })
}

/// `NUMERIC(p,s)`: an exact decimal when it fits 38 digits, else its exact text with the
/// declared precision and scale kept. A negative scale (Oracle `NUMBER(5,-2)`, PostgreSQL 15
/// `numeric(5,-2)`) holds integers of p - s digits; a scale larger than the precision
/// (PostgreSQL `numeric(3,5)`) holds fractions with s digits. Without a usable precision the
/// decimal is unconstrained.
pub fn decimal(precision: usize, scale: i16) -> ColumnType {
    let Ok(p) = i64::try_from(precision) else {
        return ColumnType::UNCONSTRAINED_DECIMAL;
    };
    let s = i64::from(scale);
    let (digits, fraction) = if s < 0 { (p - s, 0) } else { (p.max(s), s) };
    match (u8::try_from(digits), u16::try_from(digits)) {
        _ if p <= 0 => ColumnType::UNCONSTRAINED_DECIMAL,
        (Ok(d @ 1..=38), _) => ColumnType::Decimal {
            precision: d,
            scale: fraction as i8,
        },
        (_, Ok(d)) => ColumnType::DecimalText {
            precision: Some(d),
            scale: Some(fraction as u16),
        },
        _ => ColumnType::UNCONSTRAINED_DECIMAL,
    }
}

/// The largest text of a decimal with `precision` digits: the digits, a sign, a point and a
/// leading zero.
pub fn decimal_text_bytes(precision: u16) -> usize {
    usize::from(precision) + 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(sql_type: i16, size: usize, digits: i16) -> ColumnMeta {
        ColumnMeta {
            name: "c".into(),
            sql_type,
            column_size: size,
            decimal_digits: digits,
            nullable: None,
            type_name: "x".into(),
            unsigned: false,
            declared: None,
        }
    }

    #[test]
    fn generic_mapping_keeps_widths_and_precision() {
        use sql_type as t;
        assert_eq!(
            generic_column_type(&meta(t::NUMERIC, 18, 5)),
            Ok(ColumnType::Decimal {
                precision: 18,
                scale: 5
            })
        );
        assert_eq!(
            generic_column_type(&meta(t::NUMERIC, 0, 0)),
            Ok(ColumnType::UNCONSTRAINED_DECIMAL)
        );
        assert_eq!(
            generic_column_type(&meta(t::DECIMAL, 40, 2)),
            Ok(ColumnType::DecimalText {
                precision: Some(40),
                scale: Some(2)
            })
        );
        assert_eq!(
            generic_column_type(&meta(t::VARCHAR, 0, 0)),
            Ok(ColumnType::Text {
                length: None,
                fixed: false
            })
        );
        assert_eq!(
            generic_column_type(&meta(t::TYPE_TIMESTAMP, 27, 7)),
            Ok(ColumnType::Timestamp { precision: 7 })
        );
        let mut unsigned_int = meta(t::INTEGER, 10, 0);
        unsigned_int.unsigned = true;
        assert_eq!(generic_column_type(&unsigned_int), Ok(ColumnType::Int64));
        assert!(generic_column_type(&meta(-999, 0, 0)).is_err());
    }

    #[test]
    fn negative_scale_becomes_a_wider_integer_decimal() {
        assert_eq!(
            decimal(5, -2),
            ColumnType::Decimal {
                precision: 7,
                scale: 0
            }
        );
        assert_eq!(
            decimal(38, -2),
            ColumnType::DecimalText {
                precision: Some(40),
                scale: Some(0)
            }
        );
    }

    #[test]
    fn wide_and_odd_decimals_keep_their_declared_digits() {
        assert_eq!(
            decimal(65, 30),
            ColumnType::DecimalText {
                precision: Some(65),
                scale: Some(30)
            }
        );
        assert_eq!(
            decimal(3, 5),
            ColumnType::Decimal {
                precision: 5,
                scale: 5
            }
        );
        assert_eq!(decimal(0, 0), ColumnType::UNCONSTRAINED_DECIMAL);
        assert!(ColumnType::UNCONSTRAINED_DECIMAL.is_unbounded());
        assert!(!decimal(50, 10).is_unbounded());
        assert_eq!(decimal_text_bytes(50), 53);
    }

    #[test]
    fn type_arguments_are_parsed() {
        assert_eq!(type_arguments("numeric(18,5)"), Some((18, Some(5))));
        assert_eq!(type_arguments("character varying(100)"), Some((100, None)));
        assert_eq!(type_arguments("text"), None);
    }

    #[test]
    fn every_odbc_type_code_has_its_column_type() {
        use ColumnType as T;
        use sql_type as t;
        let text = |length, fixed| T::Text { length, fixed };
        let binary = |length, fixed| T::Binary { length, fixed };
        let cases = [
            (t::BIT, 1, 0, false, T::Boolean),
            (t::TINYINT, 3, 0, false, T::Int8),
            (t::TINYINT, 3, 0, true, T::Int16),
            (t::SMALLINT, 5, 0, false, T::Int16),
            (t::SMALLINT, 5, 0, true, T::Int32),
            (t::INTEGER, 10, 0, false, T::Int32),
            (t::BIGINT, 19, 0, false, T::Int64),
            (
                t::BIGINT,
                20,
                0,
                true,
                T::Decimal {
                    precision: 20,
                    scale: 0,
                },
            ),
            (t::REAL, 24, 0, false, T::Float32),
            (t::FLOAT, 24, 0, false, T::Float32),
            (t::FLOAT, 1, 0, false, T::Float32),
            (t::FLOAT, 25, 0, false, T::Float64),
            (t::FLOAT, 0, 0, false, T::Float64),
            (t::DOUBLE, 15, 0, false, T::Float64),
            (t::CHAR, 10, 0, false, text(Some(10), true)),
            (t::WCHAR, 0, 0, false, text(None, false)),
            (t::WVARCHAR, 50, 0, false, text(Some(50), false)),
            (t::LONGVARCHAR, 1 << 30, 0, false, text(None, false)),
            (t::WLONGVARCHAR, 0, 0, false, text(None, false)),
            (t::SS_XML, 0, 0, false, text(None, false)),
            (t::GUID, 36, 0, false, text(Some(36), true)),
            (t::BINARY, 16, 0, false, binary(Some(16), true)),
            (t::BINARY, 0, 0, false, binary(None, false)),
            (t::VARBINARY, 8000, 0, false, binary(Some(8000), false)),
            (t::LONGVARBINARY, 1 << 31, 0, false, binary(None, false)),
            (t::TYPE_DATE, 10, 0, false, T::Date),
            (t::DATETIME, 10, 0, false, T::Date),
            (t::TYPE_TIME, 8, 0, false, T::Time { precision: 0 }),
            (t::SS_TIME2, 16, 7, false, T::Time { precision: 7 }),
            (
                t::TYPE_TIMESTAMP,
                23,
                3,
                false,
                T::Timestamp { precision: 3 },
            ),
            (
                t::TYPE_TIMESTAMP,
                40,
                12,
                false,
                T::Timestamp { precision: 9 },
            ),
            (
                t::TYPE_TIMESTAMP,
                19,
                -1,
                false,
                T::Timestamp { precision: 0 },
            ),
            (
                t::SS_TIMESTAMPOFFSET,
                34,
                7,
                false,
                T::TimestampTz { precision: 7 },
            ),
        ];
        for (code, size, digits, unsigned, expected) in cases {
            let mut m = meta(code, size, digits);
            m.unsigned = unsigned;
            assert_eq!(
                generic_column_type(&m),
                Ok(expected),
                "{} size {size} digits {digits} unsigned {unsigned}",
                sql_type::name(code)
            );
        }
        // SQL Server's driver reports its own types with these codes (msodbcsql.h).
        assert_eq!(
            generic_column_type(&meta(-152, 0, 0)),
            Ok(text(None, false))
        );
        assert_eq!(
            generic_column_type(&meta(-154, 16, 7)),
            Ok(T::Time { precision: 7 })
        );
        assert_eq!(
            generic_column_type(&meta(-155, 34, 7)),
            Ok(T::TimestampTz { precision: 7 })
        );
        assert!(generic_column_type(&meta(-151, 0, 0)).is_err());
        assert_eq!(sql_type::name(-150), "SS_VARIANT");
        assert_eq!(sql_type::name(-151), "SS_UDT");
        let mut variant = meta(t::SS_VARIANT, 0, 0);
        variant.type_name = "sql_variant".into();
        assert_eq!(
            generic_column_type(&variant),
            Err("ODBC SQL type -150 ('sql_variant') has no lossless mapping".into())
        );
    }

    #[test]
    fn type_codes_are_named_for_messages() {
        use sql_type as t;
        let named = [
            (t::CHAR, "CHAR"),
            (t::NUMERIC, "NUMERIC"),
            (t::DECIMAL, "DECIMAL"),
            (t::INTEGER, "INTEGER"),
            (t::SMALLINT, "SMALLINT"),
            (t::FLOAT, "FLOAT"),
            (t::REAL, "REAL"),
            (t::DOUBLE, "DOUBLE"),
            (t::DATETIME, "DATETIME"),
            (t::VARCHAR, "VARCHAR"),
            (t::TYPE_DATE, "DATE"),
            (t::TYPE_TIME, "TIME"),
            (t::TYPE_TIMESTAMP, "TIMESTAMP"),
            (t::LONGVARCHAR, "LONGVARCHAR"),
            (t::BINARY, "BINARY"),
            (t::VARBINARY, "VARBINARY"),
            (t::LONGVARBINARY, "LONGVARBINARY"),
            (t::BIGINT, "BIGINT"),
            (t::TINYINT, "TINYINT"),
            (t::BIT, "BIT"),
            (t::WCHAR, "WCHAR"),
            (t::WVARCHAR, "WVARCHAR"),
            (t::WLONGVARCHAR, "WLONGVARCHAR"),
            (t::GUID, "GUID"),
            (t::SS_VARIANT, "SS_VARIANT"),
            (t::SS_UDT, "SS_UDT"),
            (t::SS_XML, "SS_XML"),
            (t::SS_TIME2, "SS_TIME2"),
            (t::SS_TIMESTAMPOFFSET, "SS_TIMESTAMPOFFSET"),
            (-98, "type -98"),
        ];
        for (code, name) in named {
            assert_eq!(sql_type::name(code), name);
        }
    }

    #[test]
    fn arrow_types_units_and_text_carriage() {
        use ColumnType as T;
        let cases = [
            (T::Boolean, DataType::Boolean),
            (T::Int8, DataType::Int8),
            (T::Int16, DataType::Int16),
            (T::Int32, DataType::Int32),
            (T::Int64, DataType::Int64),
            (T::Float32, DataType::Float32),
            (T::Float64, DataType::Float64),
            (
                T::Decimal {
                    precision: 12,
                    scale: -2,
                },
                DataType::Decimal128(12, -2),
            ),
            (T::UNCONSTRAINED_DECIMAL, DataType::Utf8),
            (
                T::Binary {
                    length: None,
                    fixed: false,
                },
                DataType::Binary,
            ),
            (T::Date, DataType::Date32),
            (
                T::Time { precision: 0 },
                DataType::Time64(TimeUnit::Microsecond),
            ),
            (
                T::Time { precision: 6 },
                DataType::Time64(TimeUnit::Microsecond),
            ),
            (T::Time { precision: 7 }, DataType::Utf8),
            (
                T::Timestamp { precision: 0 },
                DataType::Timestamp(TimeUnit::Second, None),
            ),
            (
                T::Timestamp { precision: 1 },
                DataType::Timestamp(TimeUnit::Millisecond, None),
            ),
            (
                T::Timestamp { precision: 3 },
                DataType::Timestamp(TimeUnit::Millisecond, None),
            ),
            (
                T::Timestamp { precision: 4 },
                DataType::Timestamp(TimeUnit::Microsecond, None),
            ),
            (
                T::Timestamp { precision: 6 },
                DataType::Timestamp(TimeUnit::Microsecond, None),
            ),
            (T::Timestamp { precision: 7 }, DataType::Utf8),
            (
                T::TimestampTz { precision: 3 },
                DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            ),
            (T::TimestampTz { precision: 9 }, DataType::Utf8),
        ];
        for (column_type, arrow) in cases {
            assert_eq!(column_type.arrow_type(), arrow, "{column_type:?}");
            // Exactly the times and timestamps beyond microseconds travel as text.
            let as_text = matches!(
                column_type,
                T::Time { precision } | T::Timestamp { precision } | T::TimestampTz { precision }
                    if precision > 6
            );
            assert_eq!(column_type.carried_as_text(), as_text, "{column_type:?}");
        }
        assert_eq!(time_unit(9), TimeUnit::Nanosecond);
        assert!(
            !T::Text {
                length: Some(1),
                fixed: true
            }
            .is_unbounded()
        );
        assert!(
            T::Binary {
                length: None,
                fixed: false
            }
            .is_unbounded()
        );
        assert!(!T::Int64.is_unbounded());

        let column = |name: &str, column_type, nullable| Column {
            source_name: name.to_uppercase(),
            name: name.into(),
            column_type,
            nullable,
            source_type: "x".into(),
        };
        let shape = TableShape {
            columns: vec![
                column("id", T::Int64, false),
                column("at", T::TimestampTz { precision: 6 }, true),
            ],
        };
        let schema = shape.arrow_schema();
        assert_eq!(schema.fields().len(), 2);
        assert_eq!(schema.field(0), &Field::new("id", DataType::Int64, false));
        assert_eq!(
            schema.field(1),
            &Field::new(
                "at",
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                true
            )
        );
    }

    #[test]
    fn decimals_at_their_limits() {
        use ColumnType as T;
        assert_eq!(
            decimal(38, 38),
            T::Decimal {
                precision: 38,
                scale: 38
            }
        );
        assert_eq!(
            decimal(1, 0),
            T::Decimal {
                precision: 1,
                scale: 0
            }
        );
        assert_eq!(
            decimal(39, 0),
            T::DecimalText {
                precision: Some(39),
                scale: Some(0)
            }
        );
        assert_eq!(
            decimal(2, -1),
            T::Decimal {
                precision: 3,
                scale: 0
            }
        );
        assert_eq!(decimal(usize::MAX, 0), T::UNCONSTRAINED_DECIMAL);
        assert_eq!(decimal(70_000, 0), T::UNCONSTRAINED_DECIMAL);
        assert_eq!(
            decimal(65_535, 2),
            T::DecimalText {
                precision: Some(65_535),
                scale: Some(2)
            }
        );
        assert_eq!(type_arguments("decimal( 10 , 2 )"), Some((10, Some(2))));
        assert_eq!(type_arguments("float(53) unsigned"), Some((53, None)));
        assert_eq!(type_arguments("x(a)"), None);
        assert_eq!(type_arguments("x(1"), None);
    }
}
