//! Insert strategies: how a batch gets into a table. Each dialect picks one
//! (`Dialect::insert_strategy`); all insert the rows of one batch on the given connection without
//! committing, because the caller owns the transaction.
//!
//! * [`ParameterArrays`]: `INSERT ... VALUES (?, ...)` with arrow-odbc's column-wise parameter
//!   arrays. The general strategy; MariaDB sends the arrays to the server as one bulk operation.
//! * [`RowByRow`]: one execution per row with exactly sized buffers, for drivers whose parameter
//!   arrays are unreliable (sqliteodbc).
//! * [`UnnestArrays`]: PostgreSQL. psqlODBC executes parameter arrays row by row (11-15k
//!   rows/s) and COPY is not reachable through ODBC; one `INSERT ... SELECT unnest($1::type[]),
//!   unnest($2::type[]), ...` per batch, each parameter a whole column as an array literal, lets
//!   the server parse each column in one go and insert set-wise. (The set-returning functions in
//!   the select list run in lockstep without materialising; `FROM unnest(a, b, ...)` was 30%
//!   slower on the server.)

use anyhow::{Context, bail};
use arrow_odbc::{
    OdbcWriter,
    arrow::{array::Array, datatypes::DataType, record_batch::RecordBatch},
    odbc_api::{
        self, Bit, Nullable,
        buffers::Item as Pod,
        handles::HasDataType,
        parameter::{InputParameter, VarBinaryBox},
    },
};
use chrono::Datelike;

/// An open connection (the same type as `crate::odbc::Connection`, named here so that the insert
/// strategies, which the dialects choose, do not depend on how connections are opened).
type Connection = odbc_api::Connection<'static>;

/// How a dialect gets a batch into a table. Implementations insert all rows of the batch on the
/// given connection without committing; the caller owns the transaction.
pub trait InsertStrategy: Send + Sync {
    /// Inserts `batch` into `table_ref`, whose columns are `columns` (quoted, batch order);
    /// `params` is the SQL of each value: a parameter marker `?`, possibly inside a cast to the
    /// column's type (see `Dialect::parameter_sql`).
    fn insert(
        &self,
        conn: &Connection,
        table_ref: &str,
        columns: &[String],
        params: &[String],
        batch: &RecordBatch,
    ) -> anyhow::Result<()>;

    /// The statement `insert` executes (for the golden SQL files and messages).
    fn statement(&self, table_ref: &str, columns: &[String], params: &[String]) -> String {
        values_insert_sql(table_ref, columns, params)
    }
}

/// `INSERT INTO table (columns) VALUES (params)`.
pub fn values_insert_sql(table_ref: &str, columns: &[String], params: &[String]) -> String {
    format!(
        "INSERT INTO {table_ref} ({}) VALUES ({})",
        columns.join(", "),
        params.join(", ")
    )
}

/// `INSERT ... VALUES (?, ...)` with arrow-odbc's column-wise parameter arrays.
#[derive(Debug, Clone, Copy)]
pub struct ParameterArrays {
    /// Most rows sent to the driver in one parameter array.
    pub max_rows: usize,
}

impl ParameterArrays {
    /// Parameter arrays of up to 10,000 rows.
    pub const DEFAULT: ParameterArrays = ParameterArrays { max_rows: 10_000 };
}

impl InsertStrategy for ParameterArrays {
    fn insert(
        &self,
        conn: &Connection,
        table_ref: &str,
        columns: &[String],
        params: &[String],
        batch: &RecordBatch,
    ) -> anyhow::Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let sql = values_insert_sql(table_ref, columns, params);
        let prepared = conn
            .prepare(&sql)
            .with_context(|| format!("preparing {sql}"))?;
        let capacity = batch.num_rows().min(self.max_rows.max(1));
        let mut writer = OdbcWriter::new(capacity, batch.schema().as_ref(), prepared)?;
        writer.write_batch(batch)?;
        writer.flush()?;
        Ok(())
    }
}

/// One `INSERT ... VALUES (?, ...)` execution per row, each value bound with a buffer of exactly
/// its own length. For drivers whose parameter arrays are unreliable (sqliteodbc takes the buffer
/// length, not the indicator, as the length of a binary value). Supports the Arrow types the
/// dialects hand it: booleans, integers, floats, decimals, text, binary, dates; timestamps and
/// times must arrive as text (see the SQLite dialect's `prepare_batch`).
#[derive(Debug, Clone, Copy)]
pub struct RowByRow;

impl InsertStrategy for RowByRow {
    fn insert(
        &self,
        conn: &Connection,
        table_ref: &str,
        columns: &[String],
        params: &[String],
        batch: &RecordBatch,
    ) -> anyhow::Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let sql = values_insert_sql(table_ref, columns, params);
        let mut prepared = conn
            .prepare(&sql)
            .with_context(|| format!("preparing {sql}"))?;
        for row in 0..batch.num_rows() {
            let params = row_parameters(batch, row)?;
            prepared.execute(&params[..])?;
        }
        Ok(())
    }
}

/// A text parameter in the encoding of the platform's ODBC calls: UTF-8 on Linux and macOS,
/// UTF-16 on Windows (where narrow text means the local code page, which cannot hold every
/// character). `None` is NULL.
pub fn text_param(text: Option<String>) -> Box<dyn InputParameter> {
    #[cfg(not(target_os = "windows"))]
    let param = {
        use odbc_api::parameter::VarCharBox;
        text.map_or_else(VarCharBox::null, VarCharBox::from_string)
    };
    #[cfg(target_os = "windows")]
    let param = {
        use odbc_api::parameter::VarWCharBox;
        text.map_or_else(VarWCharBox::null, |t| {
            VarWCharBox::from_vec(t.encode_utf16().collect())
        })
    };
    Box::new(param)
}

/// The values of one row as ODBC input parameters.
fn row_parameters(batch: &RecordBatch, row: usize) -> anyhow::Result<Vec<Box<dyn InputParameter>>> {
    use arrow_odbc::arrow::{array::AsArray, datatypes as t};
    fn fixed<T: Pod + HasDataType + Send + 'static>(value: Option<T>) -> Box<dyn InputParameter> {
        Box::new(value.map_or_else(Nullable::null, Nullable::new))
    }
    let mut params: Vec<Box<dyn InputParameter>> = Vec::with_capacity(batch.num_columns());
    for column in batch.columns() {
        let valid = column.is_valid(row);
        let param: Box<dyn InputParameter> = match column.data_type() {
            DataType::Boolean => {
                fixed(valid.then(|| Bit::from_bool(column.as_boolean().value(row))))
            }
            DataType::Int8 => fixed(valid.then(|| column.as_primitive::<t::Int8Type>().value(row))),
            DataType::Int16 => {
                fixed(valid.then(|| column.as_primitive::<t::Int16Type>().value(row)))
            }
            DataType::Int32 => {
                fixed(valid.then(|| column.as_primitive::<t::Int32Type>().value(row)))
            }
            DataType::Int64 => {
                fixed(valid.then(|| column.as_primitive::<t::Int64Type>().value(row)))
            }
            DataType::Float32 => {
                fixed(valid.then(|| column.as_primitive::<t::Float32Type>().value(row)))
            }
            DataType::Float64 => {
                fixed(valid.then(|| column.as_primitive::<t::Float64Type>().value(row)))
            }
            DataType::Date32 => {
                let date = valid
                    .then(|| {
                        let days = column.as_primitive::<t::Date32Type>().value(row);
                        let date = chrono::NaiveDate::from_epoch_days(days)
                            .filter(|d| i16::try_from(d.year()).is_ok())
                            .with_context(|| {
                                format!("the date {days} days from 1970-01-01 is out of range")
                            })?;
                        Ok::<_, anyhow::Error>(odbc_api::sys::Date {
                            year: date.year() as i16,
                            month: date.month() as u16,
                            day: date.day() as u16,
                        })
                    })
                    .transpose()?;
                fixed(date)
            }
            DataType::Utf8 => {
                text_param(valid.then(|| column.as_string::<i32>().value(row).to_string()))
            }
            DataType::Binary => Box::new(if valid {
                VarBinaryBox::from_vec(column.as_binary::<i32>().value(row).to_vec())
            } else {
                VarBinaryBox::null()
            }),
            DataType::Decimal128(..) | DataType::Time64(_) | DataType::Time32(_) => {
                let text = valid
                    .then(|| arrow_odbc::arrow::util::display::array_value_to_string(column, row))
                    .transpose()?;
                text_param(text)
            }
            other => bail!("row-by-row inserts do not support the Arrow type {other}"),
        };
        params.push(param);
    }
    Ok(params)
}

/// `INSERT ... SELECT unnest(?::type[]), ...`: each parameter a whole column as a PostgreSQL
/// array literal, its elements written as text that the column type's own input function reads
/// (the parameters' SQL comes from the PostgreSQL dialect: the column's type without a length,
/// so that the INSERT, not the cast, checks lengths and precision). Text columns go as one
/// delimited string split by `string_to_array` where their values allow it (`text_list`).
#[derive(Debug, Clone, Copy)]
pub struct UnnestArrays;

impl InsertStrategy for UnnestArrays {
    fn insert(
        &self,
        conn: &Connection,
        table_ref: &str,
        columns: &[String],
        params: &[String],
        batch: &RecordBatch,
    ) -> anyhow::Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let built = std::time::Instant::now();
        let mut literals: Vec<Box<dyn InputParameter>> = Vec::with_capacity(columns.len());
        let mut sent = Vec::with_capacity(params.len());
        for ((field, column), param) in batch
            .schema()
            .fields()
            .iter()
            .zip(batch.columns())
            .zip(params)
        {
            // Text split on the server where it can be, an array literal otherwise.
            let split = text_list_param(param).and_then(|p| text_list(column).map(|l| (p, l)));
            let (param, literal) = match split {
                Some(split) => split,
                None => (
                    param.clone(),
                    array_literal(column).with_context(|| format!("column {}", field.name()))?,
                ),
            };
            sent.push(param);
            literals.push(text_param(Some(literal)));
        }
        let sql = self.statement(table_ref, columns, &sent);
        let started = std::time::Instant::now();
        conn.execute(&sql, &literals[..], None)
            .with_context(|| format!("inserting {} rows into {table_ref}", batch.num_rows()))?;
        log::trace!(
            "{} rows: array literals {:.3} s, INSERT {:.3} s",
            batch.num_rows(),
            (started - built).as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }

    fn statement(&self, table_ref: &str, columns: &[String], params: &[String]) -> String {
        format!(
            "INSERT INTO {table_ref} ({}) SELECT {}",
            columns.join(", "),
            params.join(", ")
        )
    }
}

mod literal;
mod text_list;

#[cfg(test)]
use arrow_odbc::arrow::array::ArrayRef;
pub use literal::array_literal;
use text_list::{text_list, text_list_param};

#[cfg(test)]
mod tests;

/// The hand-written date, time and number formatting of the array literals, checked against
/// chrono and Rust's own formatting over wide ranges; the row-by-row parameters read back from
/// the buffers ODBC would read.
#[cfg(test)]
mod formatting_tests;
