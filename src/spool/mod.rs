//! The Parquet spool of DUMP mode: part files, the run manifest, and reading them back.
//!
//! Step 1 writes each table to `PARQUET_DIR/<table>_part0000.parquet`, `_part0001`, ... with
//! `SRC_CHUNK_SIZE` rows per file (zstd-compressed, Arrow types kept, so pyarrow, DuckDB, Polars
//! and Spark read them as decimals, dates, timestamps, ...). The manifest, written atomically
//! (temporary file, then rename), names exactly the files this run wrote, with their row counts
//! and the column types the load needs to create the same table DIRECT would. Step 2 reads only
//! the files the manifest names, in order, so nothing else in the directory is ever loaded.

use std::{path::Path, sync::mpsc};

use arrow_odbc::arrow::record_batch::RecordBatch;

use crate::{
    config::Settings,
    error::TableError,
    interrupt,
    journey::{BatchSource, Described, Sink},
    pipeline::Outlet,
    plan::{Column, TableShape},
    progress::Progress,
    report::TableReport,
};

pub mod manifest;
mod parts;

pub use manifest::{
    Manifest, ManifestTable, expand_dir, new_run_id, read_manifest, remove_run_files,
    write_manifest,
};
pub use parts::{PartWriter, read_parts};
#[cfg(test)]
use parts::{digits_for, part_name};

/// How part files are cut and read back: `SRC_CHUNK_SIZE` rows per file and at most per batch,
/// batches of about `BATCH_MEMORY_MB`.
#[derive(Debug, Clone, Copy)]
pub struct SpoolOptions {
    /// `SRC_CHUNK_SIZE`.
    pub chunk_size: usize,
    /// `BATCH_MEMORY_MB` in bytes.
    pub batch_memory: usize,
}

impl From<&Settings> for SpoolOptions {
    fn from(s: &Settings) -> Self {
        SpoolOptions {
            chunk_size: s.chunk_size,
            batch_memory: s.batch_memory,
        }
    }
}

/// Step 1's sink: one table's part files. Finished, it is the table's manifest entry.
pub struct PartSink {
    writer: PartWriter,
    source: String,
    target_table: String,
    columns: Vec<Column>,
}

impl PartSink {
    /// Part files in `dir` for `source` (an entry of `SRC_TABLES`) whose target table is
    /// `target_table`.
    pub fn new(
        dir: &Path,
        source: String,
        target_table: String,
        described: &Described,
        options: SpoolOptions,
    ) -> Self {
        PartSink {
            writer: PartWriter::new(
                dir,
                &target_table,
                described.shape.arrow_schema(),
                options.chunk_size,
                described.rows,
            ),
            source,
            target_table,
            columns: described.shape.columns.clone(),
        }
    }
}

impl Sink for PartSink {
    type Done = ManifestTable;

    fn write_all(
        &mut self,
        batches: mpsc::Receiver<RecordBatch>,
        progress: &Progress,
    ) -> Result<(), TableError> {
        let mut written = 0;
        for batch in batches.iter() {
            interrupt::check()?;
            self.writer.write(&batch)?;
            written += batch.num_rows() as u64;
            progress.update(written);
        }
        Ok(())
    }

    fn account(&self, _: &mut TableReport) {}

    fn finish(self, rows_read: u64, report: &mut TableReport) -> anyhow::Result<ManifestTable> {
        let files = self.writer.finish()?;
        report.rows_written = files.iter().map(|f| f.rows).sum();
        log::info!(
            "{}: {rows_read} rows in {} Parquet file(s)",
            self.source,
            files.len()
        );
        Ok(ManifestTable {
            source: self.source,
            target_table: self.target_table,
            rows: rows_read,
            columns: self.columns,
            files,
            incremental: None,
        })
    }

    fn abandon(self) {
        self.writer.abandon();
    }
}

/// Step 2's source: one table's part files, as the manifest names them.
pub struct PartsSource<'a> {
    dir: &'a Path,
    table: &'a ManifestTable,
    options: SpoolOptions,
}

impl<'a> PartsSource<'a> {
    /// The part files of `table` in `dir`.
    pub fn new(dir: &'a Path, table: &'a ManifestTable, options: SpoolOptions) -> Self {
        PartsSource {
            dir,
            table,
            options,
        }
    }
}

impl BatchSource for PartsSource<'_> {
    fn ready(&mut self, _fresh: bool) -> Result<(), TableError> {
        Ok(())
    }

    fn describe(&mut self) -> Result<Described, TableError> {
        Ok(Described {
            shape: TableShape {
                columns: self.table.columns.clone(),
            },
            rows: Some(self.table.rows),
        })
    }

    fn read(&mut self, out: &Outlet<'_>) -> Result<(), TableError> {
        Ok(read_parts(
            self.dir,
            &self.table.files,
            self.options.chunk_size,
            self.options.batch_memory,
            |batch| Ok(out.send(batch)),
        )?)
    }
}

#[cfg(test)]
mod tests;

/// The lock file of a Parquet directory (see [`lock_dir`]).
pub const DIR_LOCK: &str = ".source-to-staging.lock";

/// Holds the Parquet directory `dir` for this run while it writes, loads and removes its part
/// files, waiting up to `wait` for another run that holds it: the files are named after the
/// tables, so two runs in one directory would overwrite and remove each other's. (A
/// `PARQUET_DIR` with `{run_id}` gives every run a directory of its own and needs none.) Held,
/// and the file removed afterwards, while the returned lock lives.
pub fn lock_dir(
    dir: &Path,
    wait: std::time::Duration,
) -> anyhow::Result<Option<crate::turns::LockFile>> {
    let turn = crate::turns::Turn {
        label: "PARQUET_DIR",
        what: format!(
            "using the Parquet directory {} (its part files are named after the tables)",
            dir.display()
        ),
        leaves: "the directory",
        advice: "; or give every run a directory of its own: PARQUET_DIR = .../{run_id}",
    };
    crate::turns::lock_file(&dir.join(DIR_LOCK), &turn, wait)
}
