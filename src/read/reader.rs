//! Streaming a described table as record batches, and the ODBC side of a table's journey.

use anyhow::{anyhow, bail};
use arrow_odbc::{
    arrow::{datatypes::SchemaRef, record_batch::RecordBatch},
    odbc_api::{
        self, BlockCursor, Cursor, CursorImpl,
        buffers::{ColumnarBuffer, ColumnarDynBuffer},
        handles::StatementImpl,
    },
};

use std::{
    sync::atomic::{AtomicBool, Ordering},
    thread,
};

use super::{
    Decoder, Partitioning, ReadOptions, SourceTable, describe, pseudonym::Pseudonymizer, ranges,
    snapshot, window::TableRead,
};
use crate::{
    bound::split,
    config::KeyRanges as KeyRangesSetting,
    dialect::{Dialect, from_clause, ranges},
    endpoint::Endpoint,
    error::TableError,
    journey::{BatchSource, Described},
    odbc::Connection,
    pipeline::Outlet,
    select::Relation,
};

/// Streams a table as record batches.
pub struct BatchReader<'c> {
    cursor: BlockCursor<CursorImpl<StatementImpl<'c>>, ColumnarDynBuffer>,
    decoders: Vec<Decoder>,
    pseudonyms: Vec<Option<Pseudonymizer>>,
    names: Vec<String>,
    schema: SchemaRef,
}

impl<'c> BatchReader<'c> {
    /// Executes the table's SELECT and binds each column's buffer.
    pub fn open(conn: &'c Connection, table: &SourceTable) -> anyhow::Result<Self> {
        let cursor = match conn.execute(&table.select_sql, (), None) {
            Ok(Some(c)) => c,
            Ok(None) => bail!("the query returned no result set: {}", table.select_sql),
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("the query failed: {}", table.select_sql)));
            }
        };
        let descs = table.decoders.iter().map(Decoder::buffer);
        let buffer = ColumnarBuffer::try_from_descs(table.rows_per_batch, descs).map_err(|e| {
            anyhow!(
                "cannot allocate the read buffer ({} rows): {e}; lower BATCH_MEMORY_MB",
                table.rows_per_batch
            )
        })?;
        Ok(BatchReader {
            cursor: cursor.bind_buffer(buffer)?,
            decoders: table.decoders.clone(),
            pseudonyms: table.pseudonyms.clone(),
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
        let mut arrays = Vec::with_capacity(self.decoders.len());
        for (i, (decoder, pseudonym)) in self.decoders.iter().zip(&self.pseudonyms).enumerate() {
            let decoded = match pseudonym {
                // A message about a value it cannot read would quote the value.
                Some(p) => decoder
                    .decode(buffer.column(i))
                    .map_err(|_| {
                        anyhow!(
                            "a value of the pseudonymised column {} cannot be read (it is not \
                             shown: pseudonymised values never are)",
                            self.names[i]
                        )
                    })
                    .and_then(|values| p.apply(&values)),
                None => decoder
                    .decode(buffer.column(i))
                    .map_err(|e| e.context(format!("column {}", self.names[i]))),
            };
            arrays.push(decoded?);
        }
        Ok(Some(RecordBatch::try_new(self.schema.clone(), arrays)?))
    }
}

/// A table read through ODBC: the source of DIRECT and of a dump. It uses (and keeps) its
/// worker's connection, opening it when the first table needs it.
pub struct OdbcSource<'a> {
    endpoint: &'a Endpoint,
    conn: &'a mut Option<Connection>,
    relation: &'a Relation,
    options: &'a ReadOptions,
    table_read: TableRead,
    described: Option<SourceTable>,
    /// The table's snapshot on `conn`, from describing the table to the end of its read.
    snapshot: Option<snapshot::InSnapshot>,
}

impl<'a> OdbcSource<'a> {
    /// Reads `relation` from `endpoint` on the worker's connection `conn`; `table_read` says
    /// which rows (an incremental window) and how (partitions).
    pub fn new(
        endpoint: &'a Endpoint,
        conn: &'a mut Option<Connection>,
        relation: &'a Relation,
        options: &'a ReadOptions,
        table_read: TableRead,
    ) -> Self {
        OdbcSource {
            endpoint,
            conn,
            relation,
            options,
            table_read,
            described: None,
            snapshot: None,
        }
    }

    fn conn(&self) -> &Connection {
        self.conn.as_ref().expect("ready() opened the connection")
    }

    /// Starts the table's snapshot (ending one a failed attempt left): from here on every read
    /// of the table (its row count, the lengths measured, MIN/MAX, the partitions) sees one
    /// moment. A DBMS that speaks the dialect without the snapshot functions (a pooler, a
    /// compatible server) is read one moment per statement, said once per table.
    fn begin_snapshot(&mut self) -> Result<(), TableError> {
        self.end_snapshot();
        let d = self.endpoint.dialect;
        let conn = self.conn();
        match snapshot::begin(conn, d) {
            Ok(snap) => self.snapshot = snap,
            Err(e) if !conn.is_dead().unwrap_or(true) => {
                log::warn!(
                    "{}: read without one snapshot for the table ({e:#}); its partitions, if \
                     any, are read at moments apart. One snapshot would be: {}",
                    self.relation.label(),
                    d.snapshot().describe()
                );
            }
            Err(e) => return Err(TableError::source(e)),
        }
        Ok(())
    }

    fn end_snapshot(&mut self) {
        if let (Some(snap), Some(conn)) = (self.snapshot.take(), self.conn.as_ref()) {
            snap.end(conn);
        }
    }
}

impl Drop for OdbcSource<'_> {
    fn drop(&mut self) {
        self.end_snapshot();
    }
}

impl BatchSource for OdbcSource<'_> {
    fn ready(&mut self, fresh: bool) -> Result<(), TableError> {
        let usable = self
            .conn
            .as_ref()
            .is_some_and(|c| !c.is_dead().unwrap_or(true));
        if fresh || !usable {
            // A snapshot ended with the connection it was on.
            self.snapshot = None;
            *self.conn = Some(
                self.endpoint
                    .connector
                    .connect()
                    .map_err(TableError::source)?,
            );
        }
        Ok(())
    }

    fn describe(&mut self) -> Result<Described, TableError> {
        self.begin_snapshot()?;
        let plan = describe(
            self.conn(),
            self.endpoint.dialect,
            self.relation,
            self.options,
            &self.table_read,
        )
        .map_err(TableError::source)
        .inspect_err(|_| self.end_snapshot())?;
        if let Some(window) = &plan.window {
            log::info!("{}: {window}", self.relation.label());
        }
        log::info!(
            "{}: {} columns, {} rows, {} rows per batch{}",
            self.relation.label(),
            plan.shape.columns.len(),
            plan.row_count
                .map_or("uncounted".to_string(), |n| n.to_string()),
            plan.rows_per_batch,
            plan.ranges.as_ref().map_or(String::new(), |r| format!(
                ", read in ranges of {} rows of its {} (SRC_KEY_RANGES)",
                r.rows, r.what
            ))
        );
        if let Some(why) = &plan.unranged {
            log::warn!("{}: {why}", self.relation.label());
        }
        let described = Described {
            shape: plan.shape.clone(),
            rows: plan.row_count,
        };
        self.described = Some(plan);
        Ok(described)
    }

    fn read(&mut self, out: &Outlet<'_>) -> Result<(), TableError> {
        let result = self.read_in_snapshot(out);
        self.end_snapshot();
        result
    }
}

impl OdbcSource<'_> {
    /// Reads the described table in the snapshot `describe` started: one stream, or its
    /// partitions on connections of their own that join the snapshot.
    fn read_in_snapshot(&self, out: &Outlet<'_>) -> Result<(), TableError> {
        let plan = self.described.as_ref().expect("described before reading");
        let whole;
        let plan = if plan.ranges.is_some()
            && self.snapshot.is_none()
            && self.options.key_ranges != KeyRangesSetting::Always
        {
            // Ranges read at moments apart could miss or repeat a row that changes meanwhile.
            log::warn!(
                "{}: read in one SELECT, not in key ranges, because it is read without one \
                 snapshot (the driver holds the whole result; SRC_KEY_RANGES = always ranges \
                 it anyway)",
                self.relation.label()
            );
            whole = SourceTable {
                ranges: None,
                ..plan.clone()
            };
            &whole
        } else {
            plan
        };
        let conn = self.conn();
        let d = self.endpoint.dialect;
        let parts = match &plan.partitions {
            Some(p) => partitions(conn, d, plan, p).map_err(TableError::source)?,
            None => Vec::new(),
        };
        let stop = AtomicBool::new(false);
        let [first, rest @ ..] = parts.as_slice() else {
            return stream(conn, d, plan, out, &stop).map_err(TableError::source);
        };
        if rest.is_empty() {
            return stream(conn, d, first, out, &stop).map_err(TableError::source);
        }
        log::info!(
            "{}: read in {} partitions",
            self.relation.label(),
            parts.len()
        );
        let connector = &self.endpoint.connector;
        let stop = &stop;
        let count = parts.len();
        let joining = self.snapshot.as_ref().map(snapshot::InSnapshot::joining);
        thread::scope(|scope| {
            let others: Vec<_> = rest
                .iter()
                .map(|part| {
                    scope.spawn(move || {
                        let conn = connector.connect().map_err(|e| {
                            // The others stop too: the table fails (and may start again).
                            stop.store(true, Ordering::SeqCst);
                            e.context(format!(
                                "opening a connection for one of {count} partitions \
                                 (PARTITIONS; each table read in partitions uses that many \
                                 source connections, PARALLEL_TABLES tables at once)"
                            ))
                        })?;
                        let _snapshot = snapshot::join(&conn, joining).inspect_err(|_| {
                            stop.store(true, Ordering::SeqCst);
                        })?;
                        stream(&conn, d, part, out, stop)
                    })
                })
                .collect();
            let mut result = stream(conn, d, first, out, stop);
            for handle in others {
                let joined = handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow!("a partition's reading thread panicked")));
                if result.is_ok() {
                    result = joined;
                }
            }
            result.map_err(TableError::source)
        })
    }
}

/// Streams one read (a table, or one partition of it; range by range where it has key ranges)
/// into `out` until its end, until `out` takes no more, or until another partition failed
/// (`stop`); a failure stops the others.
fn stream(
    conn: &Connection,
    d: &dyn Dialect,
    plan: &SourceTable,
    out: &Outlet<'_>,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    let result = match &plan.ranges {
        None => stream_one(conn, plan, out, stop).map(|_| ()),
        Some(r) => ranges::each(conn, d, plan, r, |range| stream_one(conn, range, out, stop)),
    };
    if result.is_err() {
        stop.store(true, Ordering::SeqCst);
    }
    result
}

/// Streams one SELECT into `out`; whether to go on with the next.
fn stream_one(
    conn: &Connection,
    plan: &SourceTable,
    out: &Outlet<'_>,
    stop: &AtomicBool,
) -> anyhow::Result<bool> {
    let mut batches = BatchReader::open(conn, plan)?;
    while let Some(batch) = batches.next_batch()? {
        if stop.load(Ordering::SeqCst) {
            return Ok(false);
        }
        if !out.send(batch) {
            stop.store(true, Ordering::SeqCst);
            return Ok(false);
        }
    }
    Ok(!stop.load(Ordering::SeqCst))
}

/// The reads of `plan`'s partitions: ranges of equal width between the column's MIN and MAX
/// (within the incremental window), the NULLs in the first. One read when the table is empty
/// or holds one value.
fn partitions(
    conn: &Connection,
    d: &dyn Dialect,
    plan: &SourceTable,
    p: &Partitioning,
) -> anyhow::Result<Vec<SourceTable>> {
    let from = from_clause(&plan.table_ref, plan.filter.as_deref());
    let (min, max) = (format!("MIN({})", p.quoted), format!("MAX({})", p.quoted));
    let sql = format!(
        "SELECT {}, {} FROM {from}",
        d.bound_text_sql(&min, &p.column),
        d.bound_text_sql(&max, &p.column)
    );
    let row = crate::odbc::query_text(conn, &sql)?
        .into_iter()
        .next()
        .unwrap_or_default();
    let (Some(Some(min)), Some(Some(max))) = (row.first(), row.get(1)) else {
        return Ok(Vec::new());
    };
    let (min, max) = match (p.kind.parse(min), p.kind.parse(max)) {
        (Ok(min), Ok(max)) => (min, max),
        (Err(e), _) | (_, Err(e)) => {
            log::warn!(
                "{}: read through one connection: the partition column's MIN or MAX cannot be \
                 split ({e:#})",
                plan.table_ref
            );
            return Ok(Vec::new());
        }
    };
    let bounds = split(&min, &max, p.count);
    let literals: Vec<String> = bounds
        .iter()
        .map(|b| d.bound_literal(b, &p.column))
        .collect();
    Ok(ranges(&p.quoted, &literals)
        .iter()
        .map(|condition| plan.within(d, condition, None))
        .collect())
}
