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

/// Hex digits of one pseudonym (HMAC-SHA-256: 32 bytes).
pub const PSEUDONYM_LENGTH: u32 = 64;

/// What a pseudonymised column holds: exactly 64 hex digits.
const PSEUDONYM_TYPE: ColumnType = ColumnType::Text {
    length: Some(PSEUDONYM_LENGTH),
    fixed: true,
};

/// How a pseudonymised column's source type ends (in `check`, and in a dump's manifest, where
/// `load` finds it).
const PSEUDONYMISED: &str = "(pseudonymised)";

impl Column {
    /// Makes it a column of pseudonyms (`PSEUDONYMIZE_COLUMNS`): 64 hex digits, and its source
    /// type says so.
    pub fn pseudonymise(&mut self) {
        self.column_type = PSEUDONYM_TYPE;
        self.source_type = format!("{} {PSEUDONYMISED}", self.source_type);
    }

    /// Does it hold pseudonyms?
    pub fn is_pseudonym(&self) -> bool {
        self.column_type == PSEUDONYM_TYPE && self.source_type.ends_with(PSEUDONYMISED)
    }
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
mod tests;
