//! Reading a source table: describe it, size the buffers, stream it as Arrow record batches.
//!
//! Buffers are sized from the plan, not from what the driver guesses: bounded columns by their
//! declared length, unbounded ones (TEXT, CLOB, BLOB, unconstrained NUMERIC) by the largest value
//! in the table, measured with one `MAX(length)` query that also counts the rows. A value larger
//! than its buffer (the data changed meanwhile) fails loudly; nothing is truncated.

use std::collections::HashMap;

use anyhow::{Context, anyhow, bail};
use arrow_odbc::{
    arrow::{datatypes::SchemaRef, record_batch::RecordBatch},
    odbc_api::{
        self, BlockCursor, ColumnDescription, Cursor, CursorImpl, Nullability, ResultSetMetadata,
        buffers::{ColumnarBuffer, ColumnarDynBuffer},
        handles::StatementImpl,
    },
};

use crate::{
    config::{Settings, TableName},
    convert,
    dialect::Dialect,
    odbc::{self, Connection},
    plan::{Column, ColumnMeta, ColumnType, TableShape},
};

/// What a driver keeps per fetched value besides our buffer (psqlODBC: about 230 bytes for its
/// copy of the row set), counted against `BATCH_MEMORY_MB` so that a batch's memory is bounded
/// whatever the driver.
pub const BYTES_PER_VALUE_OVERHEAD: usize = 256;

/// How many copies of a batch's data exist at once: the fetch buffer, the Arrow arrays being
/// filled, one waiting in the channel, one per writer (two by default), and the writers' statement
/// parameters. Rows per batch are `BATCH_MEMORY_MB` divided by this many times the row size, so
/// the run's peak memory stays near `BATCH_MEMORY_MB` however wide the rows are.
pub const COPIES_IN_FLIGHT: usize = 6;

/// What the reader needs from the settings.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// `SRC_CHUNK_SIZE`: most rows per batch.
    pub chunk_size: usize,
    /// `ROW_LIMIT`.
    pub row_limit: Option<u64>,
    /// `LOG_ROW_COUNT`.
    pub count_rows: bool,
    /// `LOWERCASE_COLUMNS`.
    pub lowercase_columns: bool,
    /// `MAX_TEXT_SIZE`.
    pub max_text_size: usize,
    /// `MAX_BINARY_SIZE`.
    pub max_binary_size: usize,
    /// `BATCH_MEMORY_MB` in bytes.
    pub batch_memory: usize,
}

impl From<&Settings> for ReadOptions {
    fn from(s: &Settings) -> Self {
        ReadOptions {
            chunk_size: s.chunk_size,
            row_limit: s.row_limit,
            count_rows: s.log_row_count,
            lowercase_columns: s.lowercase_columns,
            max_text_size: s.max_text_size,
            max_binary_size: s.max_binary_size,
            batch_memory: s.batch_memory,
        }
    }
}

/// A described source table, ready to be read.
#[derive(Debug, Clone)]
pub struct SourceTable {
    /// As written in `SRC_TABLES`.
    pub name: TableName,
    /// Quoted, qualified reference.
    pub table_ref: String,
    /// What the driver (and catalog) reported, per column.
    pub metas: Vec<ColumnMeta>,
    /// The copy's columns.
    pub shape: TableShape,
    /// How each column is fetched (buffer size, text or binary form).
    pub fetch: Vec<convert::Fetch>,
    /// Rows the table holds (at most `ROW_LIMIT`), when counted.
    pub row_count: Option<u64>,
    /// Rows per fetched batch.
    pub rows_per_batch: usize,
    /// The SELECT statement.
    pub select_sql: String,
    /// The SELECT list (each column read as the reader expects it).
    pub select_list: Vec<String>,
}

/// Describes `table` on `conn`: columns, types, buffer sizes, row count.
pub fn describe(
    conn: &Connection,
    dialect: &dyn Dialect,
    table: &TableName,
    default_schema: Option<&str>,
    options: ReadOptions,
) -> anyhow::Result<SourceTable> {
    let schema = table
        .schema
        .as_deref()
        .or(default_schema)
        .map(|s| dialect.fold_name(s));
    let name = dialect.fold_name(&table.name);
    let table_ref = dialect.table_ref(schema.as_deref(), &name);
    let mut metas = describe_columns(conn, dialect, schema.as_deref(), &name, &table_ref)?;
    if let Some(sql) = dialect.declared_types_sql(schema.as_deref(), &name) {
        let declared: HashMap<String, String> = odbc::query_text(conn, &sql)
            .context("reading the declared column types from the catalog")?
            .into_iter()
            .filter_map(|row| match row.as_slice() {
                [Some(n), Some(t)] => Some((n.clone(), t.clone())),
                _ => None,
            })
            .collect();
        for meta in &mut metas {
            meta.declared = declared.get(&meta.name).cloned();
        }
    }
    let mut columns = Vec::with_capacity(metas.len());
    let mut problems = Vec::new();
    for meta in &metas {
        match dialect.column_type(meta) {
            Ok(column_type) => columns.push(Column {
                source_name: meta.name.clone(),
                name: if options.lowercase_columns {
                    meta.name.to_lowercase()
                } else {
                    meta.name.clone()
                },
                column_type,
                nullable: meta.nullable != Some(false),
                source_type: meta
                    .declared
                    .clone()
                    .unwrap_or_else(|| meta.type_name.clone()),
            }),
            Err(why) => problems.push(format!("column {}: {why}", meta.name)),
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} column(s) cannot be copied without loss: {}",
            problems.len(),
            problems.join("; ")
        );
    }
    check_unique_names(&columns)?;
    let quoted: Vec<String> = columns
        .iter()
        .map(|c| dialect.quote(&c.source_name))
        .collect();
    let select_list: Vec<String> = columns
        .iter()
        .zip(&quoted)
        .map(|(c, q)| dialect.select_expr(q, c))
        .collect();
    let (row_count, measured) =
        count_and_measure(conn, dialect, &table_ref, &columns, &quoted, options)?;
    let mut fetch = Vec::with_capacity(columns.len());
    for (column, measured) in columns.iter().zip(measured) {
        fetch.push(convert::Fetch {
            max_bytes: buffer_bytes(column, measured, options)?,
            form: dialect.fetch_form(column),
        });
    }
    let bytes_per_row: usize = columns
        .iter()
        .zip(&fetch)
        .map(|(c, &f)| {
            convert::buffer_desc(&c.column_type, c.nullable, f).bytes_per_row() * COPIES_IN_FLIGHT
                + BYTES_PER_VALUE_OVERHEAD
        })
        .sum::<usize>()
        .max(1);
    let rows_per_batch = (options.batch_memory / bytes_per_row).clamp(1, options.chunk_size);
    let row_count = row_count.map(|n| options.row_limit.map_or(n, |l| n.min(l)));
    Ok(SourceTable {
        name: table.clone(),
        select_sql: dialect.select_sql(&table_ref, &select_list, options.row_limit),
        select_list,
        table_ref,
        metas,
        shape: TableShape { columns },
        fetch,
        row_count,
        rows_per_batch,
    })
}

impl SourceTable {
    /// The same table limited to its first `rows` rows (at most the configured `ROW_LIMIT`), read
    /// in one batch: `check`'s sample.
    pub fn first_rows(&self, dialect: &dyn Dialect, rows: u64) -> SourceTable {
        let rows = self.row_count.map_or(rows, |n| n.min(rows)).max(1);
        SourceTable {
            select_sql: dialect.select_sql(&self.table_ref, &self.select_list, Some(rows)),
            rows_per_batch: self.rows_per_batch.max(1),
            row_count: Some(rows),
            ..self.clone()
        }
    }
}

/// Column metadata from an empty result of `SELECT *`.
fn describe_columns(
    conn: &Connection,
    dialect: &dyn Dialect,
    schema: Option<&str>,
    name: &str,
    table_ref: &str,
) -> anyhow::Result<Vec<ColumnMeta>> {
    let sql = format!("SELECT * FROM {table_ref} WHERE 1 = 0");
    let mut cursor = match conn.execute(&sql, (), None) {
        Ok(Some(c)) => c,
        Ok(None) => bail!("{table_ref} returned no result set"),
        Err(e) => {
            // The SQLSTATE says so for most drivers (42S02, PostgreSQL 42P01); sqliteodbc only
            // says HY000, so the catalog is asked as well.
            let missing = matches!(
                crate::retry::odbc_state(&e),
                Some((ref s, _)) if s == "42S02" || s == "42P01"
            ) || odbc::query_text(conn, &dialect.table_exists_sql(schema, name))
                .is_ok_and(|rows| rows.is_empty());
            let hint = if missing {
                let similar = similar_tables(conn, schema, name);
                if similar.is_empty() {
                    "the table does not exist or the user may not read it".to_string()
                } else {
                    format!(
                        "the table does not exist, but {} does: names are case-sensitive here, \
                         write it in SRC_TABLES as it is spelled there",
                        similar.join(", ")
                    )
                }
            } else {
                "cannot read the table".to_string()
            };
            return Err(anyhow!("{hint}: {table_ref}\n{e}"));
        }
    };
    let count = cursor.num_result_cols()? as u16;
    let mut metas = Vec::with_capacity(count as usize);
    for index in 1..=count {
        let mut description = ColumnDescription::default();
        cursor.describe_col(index, &mut description)?;
        let data_type = description.data_type;
        metas.push(ColumnMeta {
            name: description.name_to_string()?,
            sql_type: data_type.data_type().0,
            column_size: data_type.column_size().map_or(0, |s| s.get()),
            decimal_digits: data_type.decimal_digits(),
            nullable: match description.nullability {
                Nullability::NoNulls => Some(false),
                Nullability::Nullable => Some(true),
                Nullability::Unknown => None,
            },
            type_name: odbc::column_type_name(&mut cursor, index),
            unsigned: cursor.column_is_unsigned(index).unwrap_or(false),
            declared: None,
        });
    }
    Ok(metas)
}

/// Tables and views whose name differs from `name` only in case, from the ODBC catalog
/// (`SQLTables`), qualified with their schema: the hint for a table that is "not found".
fn similar_tables(conn: &Connection, schema: Option<&str>, name: &str) -> Vec<String> {
    let Ok(rows) = conn.tables("", schema.unwrap_or("%"), "%", "") else {
        return Vec::new();
    };
    let text = |v: &odbc_api::parameter::VarCharArray<128>| {
        v.as_str()
            .ok()
            .flatten()
            .map(str::to_string)
            .unwrap_or_default()
    };
    let mut found = Vec::new();
    for row in rows.flatten() {
        let table = row
            .table
            .as_str()
            .ok()
            .flatten()
            .unwrap_or_default()
            .to_string();
        if table != name && table.to_lowercase() == name.to_lowercase() {
            let schema = text(&row.schema);
            found.push(if schema.is_empty() {
                format!("'{table}'")
            } else {
                format!("'{schema}.{table}'")
            });
        }
        if found.len() >= 3 {
            break;
        }
    }
    found
}

fn check_unique_names(columns: &[Column]) -> anyhow::Result<()> {
    let mut seen = HashMap::new();
    for c in columns {
        if let Some(other) = seen.insert(c.name.clone(), c.source_name.clone()) {
            bail!(
                "columns '{other}' and '{}' both become '{}' in the target; set \
                 LOWERCASE_COLUMNS = false",
                c.source_name,
                c.name
            );
        }
    }
    Ok(())
}

/// One query for `COUNT(*)` (when asked) and the largest byte length of each column worth
/// measuring.
fn count_and_measure(
    conn: &Connection,
    dialect: &dyn Dialect,
    table_ref: &str,
    columns: &[Column],
    quoted: &[String],
    options: ReadOptions,
) -> anyhow::Result<(Option<u64>, Vec<Option<usize>>)> {
    let mut exprs = Vec::new();
    if options.count_rows {
        exprs.push("COUNT(*)".to_string());
    }
    let mut measured_at = Vec::new();
    for (i, (c, q)) in columns.iter().zip(quoted).enumerate() {
        if worth_measuring(&c.column_type)
            && let Some(expr) = dialect.byte_length_sql(q, &c.column_type)
        {
            measured_at.push(i);
            exprs.push(format!("MAX({expr})"));
        }
    }
    let mut measured = vec![None; columns.len()];
    if exprs.is_empty() {
        return Ok((None, measured));
    }
    let sql = format!("SELECT {} FROM {table_ref}", exprs.join(", "));
    let row = match odbc::query_text(conn, &sql) {
        Ok(rows) => rows.into_iter().next().unwrap_or_default(),
        Err(e) if !options.count_rows => {
            log::warn!(
                "cannot measure the longest values of {table_ref} ({e:#}); unbounded columns get \
                 buffers of MAX_TEXT_SIZE / MAX_BINARY_SIZE"
            );
            return Ok((None, measured));
        }
        Err(e) => return Err(e.context(format!("counting the rows of {table_ref}"))),
    };
    let number = |v: Option<&Option<String>>| -> Option<u64> {
        v.and_then(|v| v.as_deref())
            .and_then(|t| t.trim().split('.').next().and_then(|n| n.parse().ok()))
    };
    let mut values = row.iter();
    let count = if options.count_rows {
        number(values.next())
    } else {
        None
    };
    for i in measured_at {
        measured[i] = Some(number(values.next()).unwrap_or(0) as usize);
    }
    Ok((count, measured))
}

/// The read buffer of one column in bytes (0 where the type has a fixed size).
fn buffer_bytes(column: &Column, measured: Option<usize>, o: ReadOptions) -> anyhow::Result<usize> {
    let (cap, key) = match column.column_type {
        ColumnType::Binary { .. } => (o.max_binary_size, "MAX_BINARY_SIZE"),
        _ => (o.max_text_size, "MAX_TEXT_SIZE"),
    };
    let declared = match column.column_type {
        ColumnType::Text {
            length: Some(n), ..
        } => Some(declared_text_bytes(n)),
        ColumnType::Binary {
            length: Some(n), ..
        } => Some(n as usize),
        ColumnType::DecimalText {
            precision: Some(p), ..
        } => Some(crate::plan::decimal_text_bytes(p)),
        t if t.is_unbounded() => None,
        _ => return Ok(0),
    };
    let bytes = match measured {
        Some(m) if m > cap => bail!(
            "column {} holds a value of {m} bytes, more than {key} ({cap}); raise {key} to at \
             least {m}",
            column.source_name
        ),
        // Room for rows that grow while the table is read; never beyond the declared size.
        Some(m) => (m + m / 4 + 16).min(declared.unwrap_or(cap)),
        // Not measured: the declared size, or the cap. A longer value fails loudly as a
        // truncation when it is fetched.
        None => declared.unwrap_or(cap),
    };
    Ok(bytes.clamp(1, cap))
}

/// The most bytes `n` characters take: four in UTF-8 (two UTF-16 units on Windows).
fn declared_text_bytes(n: u32) -> usize {
    let per_char = if convert::WIDE_TEXT { 2 } else { 4 };
    (n as usize).saturating_mul(per_char)
}

/// Is it worth measuring this column's longest value? Unbounded columns must be measured;
/// bounded text is, when its declared size is large enough that sizing the buffer from the
/// data saves memory (a varchar(200) holding names of 20 characters).
fn worth_measuring(column_type: &ColumnType) -> bool {
    match column_type {
        ColumnType::Text {
            length: Some(n), ..
        } => declared_text_bytes(*n) > 64,
        t => t.is_unbounded(),
    }
}

/// Streams a table as record batches.
pub struct BatchReader<'c> {
    cursor: BlockCursor<CursorImpl<StatementImpl<'c>>, ColumnarDynBuffer>,
    types: Vec<ColumnType>,
    fetch: Vec<convert::Fetch>,
    names: Vec<String>,
    schema: SchemaRef,
}

impl<'c> BatchReader<'c> {
    /// Executes the table's SELECT and binds buffers.
    pub fn open(conn: &'c Connection, table: &SourceTable) -> anyhow::Result<Self> {
        let cursor = match conn.execute(&table.select_sql, (), None) {
            Ok(Some(c)) => c,
            Ok(None) => bail!("the query returned no result set: {}", table.select_sql),
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("the query failed: {}", table.select_sql)));
            }
        };
        let descs = table
            .shape
            .columns
            .iter()
            .zip(&table.fetch)
            .map(|(c, &f)| convert::buffer_desc(&c.column_type, c.nullable, f));
        let buffer = ColumnarBuffer::try_from_descs(table.rows_per_batch, descs).map_err(|e| {
            anyhow!(
                "cannot allocate the read buffer ({} rows): {e}; lower BATCH_MEMORY_MB",
                table.rows_per_batch
            )
        })?;
        let cursor = cursor.bind_buffer(buffer)?;
        Ok(BatchReader {
            cursor,
            types: table.shape.columns.iter().map(|c| c.column_type).collect(),
            fetch: table.fetch.clone(),
            names: table
                .shape
                .columns
                .iter()
                .map(|c| c.source_name.clone())
                .collect(),
            schema: table.shape.arrow_schema(),
        })
    }

    /// The next batch, or `None` at the end.
    pub fn next_batch(&mut self) -> anyhow::Result<Option<RecordBatch>> {
        let buffer = match self.cursor.fetch_with_truncation_check(true) {
            Ok(Some(buffer)) => buffer,
            Ok(None) => return Ok(None),
            Err(odbc_api::Error::TooLargeValueForBuffer {
                indicator,
                buffer_index,
            }) => {
                let size = indicator.map_or("unknown".to_string(), |n| format!("{n} bytes"));
                bail!(
                    "column {} holds a value ({size}) larger than its read buffer; the table \
                     changed while it was read, or the driver reports a size that is too small",
                    self.names.get(buffer_index).map_or("?", String::as_str)
                );
            }
            Err(e) => return Err(anyhow::Error::new(e).context("fetching rows from the source")),
        };
        let mut arrays = Vec::with_capacity(self.types.len());
        for (i, column_type) in self.types.iter().enumerate() {
            arrays.push(
                convert::to_arrow(column_type, self.fetch[i], buffer.column(i))
                    .with_context(|| format!("column {}", self.names[i]))?,
            );
        }
        Ok(Some(RecordBatch::try_new(self.schema.clone(), arrays)?))
    }
}
