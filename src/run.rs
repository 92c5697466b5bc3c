//! A run: connect, then take every table on its journey ([`crate::journey::copy`]), side by
//! side on `PARALLEL_TABLES` workers. DIRECT goes from the source straight into the target;
//! DUMP goes into Parquet part files first (step 1, then the manifest), then from them into the
//! target (step 2, also on its own as `load`). A table that fails is reported and the run goes
//! on; an interrupt stops it cleanly.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::{
    config::{ConfigError, Settings, TransferMode, loads::Loads, shaping::overrides_without_table},
    endpoint::{self, Endpoint},
    journey,
    odbc::Connection,
    pipeline::in_parallel,
    read::{
        OdbcSource, ReadOptions,
        window::{TableRead, Watermark},
    },
    report::{RunReport, TableReport},
    select::{self, ColumnRules, Relation, Selection},
    spool::{
        self, Manifest, ManifestTable, PartSink, PartsSource, SpoolOptions,
        manifest::{IncrementalWindow, ReadAbove},
    },
    write::{self, TableLockGuard, TargetSpec, TargetTable, WriteOptions},
};

/// Runs the whole transfer described by `settings`.
pub fn run(settings: &Settings) -> anyhow::Result<RunReport> {
    let ((source, probe), target) = endpoint::open_both(settings, endpoint::MissingTarget::Create)?;
    let selection = select_relations(settings, &source, &probe)?;
    match settings.transfer_mode {
        TransferMode::Direct => Ok(direct(settings, &selection, &source, &target)),
        TransferMode::Dump => dump_and_load(settings, &selection, &source, &target),
    }
}

/// What the run copies ([`select::resolve`]), logged.
pub fn select_relations(
    settings: &Settings,
    source: &Endpoint,
    conn: &Connection,
) -> anyhow::Result<Selection> {
    let src_schema = settings.source.as_ref().and_then(|s| s.schema.as_deref());
    let selection = select::resolve(
        conn,
        source.dialect,
        &settings.tables,
        &settings.shaping,
        src_schema,
    )?;
    selection.log();
    let unknown = settings
        .loads
        .without_table(selection.relations.iter().map(Relation::target_name));
    if !unknown.is_empty() {
        return Err(select::not_copied(&unknown.join(", "), &selection.relations).into());
    }
    if let Some(key) = &settings.shaping.pseudonymize_key
        && key.expose().chars().count() < 16
    {
        log::warn!(
            "PSEUDONYMIZE_KEY is shorter than 16 characters: a short key can be guessed, and \
             with it every pseudonym; use a long random one (openssl rand -hex 32)"
        );
    }
    Ok(selection)
}

/// Which rows of `relation` are read, and how: the incremental window above the target table's
/// watermark (`[incremental]`), and the partitions (`[partitions]`).
pub(crate) fn table_read(
    loads: &Loads,
    target: Option<&TargetSpec<'_>>,
    relation: &Relation,
) -> anyhow::Result<TableRead> {
    let name = relation.target_name();
    let watermark = match (loads.incremental(name), target) {
        (Some(column), Some(spec)) => Some(Watermark {
            column: column.to_string(),
            target_max: write::watermark(spec, column)?,
            lookback: loads.lookback,
        }),
        (Some(_), None) => anyhow::bail!("an incremental table needs the target's watermark"),
        (None, _) => None,
    };
    Ok(TableRead {
        watermark,
        partition: loads
            .partition(name)
            .map(|column| (column.to_string(), loads.partition_count)),
    })
}

/// Warns about column patterns that matched no column of the tables they name.
fn warn_unmatched(read: &ReadOptions) {
    for warning in read.columns.unmatched() {
        log::warn!("{warning}");
    }
}

/// DIRECT: every table from the source straight into the target.
fn direct(
    settings: &Settings,
    selection: &Selection,
    source: &Endpoint,
    target: &Endpoint,
) -> RunReport {
    let read = ReadOptions::new(settings, source);
    let write = WriteOptions::from(settings);
    let tables = in_parallel(
        settings.parallel_tables,
        &selection.relations,
        |conn: &mut Option<Connection>, relation: &Relation| {
            let spec = TargetSpec::new(target, &write, relation.target_name());
            journey::table(&relation.label(), spec.display.clone(), |report| {
                // Held until the table is done: the watermark, the side table and the finish.
                let lock = write::lock_table(&spec, write.lock_wait)?;
                let rows = table_read(&settings.loads, Some(&spec), relation)?;
                let mut from = OdbcSource::new(source, conn, relation, &read, rows);
                let mut into = |described: &journey::Described| prepare(&spec, described, &lock);
                journey::copy(&mut from, &mut into, write.retry, report)
            })
        },
    );
    warn_unmatched(&read);
    RunReport { tables }
}

/// DUMP: step 1 for every table, the manifest, then step 2; the run's files are removed
/// afterwards when `CLEANUP_PARQUET_FILES`, also when loading failed or was interrupted.
fn dump_and_load(
    settings: &Settings,
    selection: &Selection,
    source: &Endpoint,
    target: &Endpoint,
) -> anyhow::Result<RunReport> {
    let dumped = dump_from(settings, selection, source, Some(target))?;
    let mut report = dumped.report;
    if let Some(manifest_path) = &dumped.manifest_path {
        let loaded = load_tables(settings, target, &dumped.dir, &dumped.manifest);
        if settings.cleanup_parquet_files {
            spool::remove_run_files(&dumped.dir, &dumped.manifest.tables, Some(manifest_path));
        }
        for load in loaded {
            if let Some(entry) = report.tables.iter_mut().find(|t| t.source == load.source) {
                entry.rows_written = load.rows_written;
                entry.elapsed += load.elapsed;
                entry.retries = load.retries;
                entry.changed_values = load.changed_values;
                entry.status = load.status;
            }
        }
    }
    Ok(report)
}

/// What step 1 produced.
pub struct Dumped {
    /// The manifest, `None` when no table could be dumped.
    pub manifest_path: Option<PathBuf>,
    /// The directory of the part files (`PARQUET_DIR`, placeholders filled in).
    pub dir: PathBuf,
    /// The manifest's content.
    pub manifest: Manifest,
    /// Per table: rows read and written to Parquet.
    pub report: RunReport,
    /// The directory held for this run until its files are loaded and removed (see
    /// `spool::lock_dir`).
    _dir_lock: Option<crate::turns::LockFile>,
}

/// DUMP step 1 on its own (`dump`): every table into Parquet part files, then the manifest.
pub fn dump(settings: &Settings) -> anyhow::Result<Dumped> {
    let (source, probe) = endpoint::open_source(settings)?;
    let selection = select_relations(settings, &source, &probe)?;
    // Incremental tables read above the target's watermark: the target is needed for it.
    let target = if settings.loads.incremental.is_empty() {
        None
    } else {
        Some(endpoint::open_target(settings)?)
    };
    dump_from(settings, &selection, &source, target.as_ref())
}

fn dump_from(
    settings: &Settings,
    selection: &Selection,
    source: &Endpoint,
    target: Option<&Endpoint>,
) -> anyhow::Result<Dumped> {
    let run_id = spool::new_run_id();
    let dir = spool::expand_dir(&settings.parquet_dir, &run_id);
    crate::files::create_dir_all(&dir).map_err(|e| {
        ConfigError::new(format!(
            "PARQUET_DIR = '{}': cannot create the directory {} ({e}); choose a writable \
             directory",
            settings.parquet_dir,
            dir.display()
        ))
    })?;
    let dir_lock = spool::lock_dir(&dir, settings.lock_wait)?;
    let read = ReadOptions::new(settings, source);
    let write = WriteOptions::from(settings);
    let parts = SpoolOptions::from(settings);
    let results = in_parallel(
        settings.parallel_tables,
        &selection.relations,
        |conn: &mut Option<Connection>, relation: &Relation| {
            let mut dumped = None;
            let display = TargetSpec::display_name(&write, relation.target_name());
            let report = journey::table(&relation.label(), display, |report| {
                let spec = target.map(|t| TargetSpec::new(t, &write, relation.target_name()));
                let rows = table_read(&settings.loads, spec.as_ref(), relation)?;
                let read_above = rows.watermark.as_ref().map(|w| ReadAbove {
                    max: w.target_max.clone(),
                });
                let mut from = OdbcSource::new(source, conn, relation, &read, rows);
                let mut into = |described: &journey::Described| {
                    Ok(PartSink::new(
                        &dir,
                        relation.label(),
                        relation.target_name().to_string(),
                        described,
                        parts,
                    ))
                };
                let mut table = journey::copy(&mut from, &mut into, write.retry, report)?;
                table.incremental =
                    settings
                        .loads
                        .incremental(relation.target_name())
                        .map(|w| IncrementalWindow {
                            watermark: w.to_string(),
                            merge_keys: settings.loads.merge_keys(relation.target_name()).to_vec(),
                            read_above: read_above.clone(),
                        });
                dumped = Some(table);
                Ok(())
            });
            (report, dumped)
        },
    );
    warn_unmatched(&read);
    let mut manifest = Manifest::new(run_id, source.dbms.clone());
    let mut report = RunReport::default();
    for (entry, dumped) in results {
        report.tables.push(entry);
        manifest.tables.extend(dumped);
    }
    if manifest.tables.is_empty() {
        return Ok(Dumped {
            manifest_path: None,
            dir,
            manifest,
            report,
            _dir_lock: dir_lock,
        });
    }
    manifest.created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let manifest_path = match spool::write_manifest(&dir, &manifest) {
        Ok(path) => path,
        Err(e) => {
            spool::remove_run_files(&dir, &manifest.tables, None);
            return Err(e.context("the run stops before loading"));
        }
    };
    log::info!("manifest: {}", manifest_path.display());
    Ok(Dumped {
        manifest_path: Some(manifest_path),
        dir,
        manifest,
        report,
        _dir_lock: dir_lock,
    })
}

/// DUMP step 2 on its own (`load --manifest`): loads the tables a manifest names, then removes
/// the files when `CLEANUP_PARQUET_FILES`.
pub fn load(settings: &Settings, manifest_path: &Path) -> anyhow::Result<RunReport> {
    let (manifest, dir) = spool::read_manifest(manifest_path)
        .map_err(|e| ConfigError::new(format!("--manifest {}: {e:#}", manifest_path.display())))?;
    let unknown = overrides_without_table(
        &settings.shaping.column_types,
        manifest.tables.iter().map(|t| t.target_table.as_str()),
    );
    if !unknown.is_empty() {
        return Err(ConfigError::new(format!(
            "[column-types] {}: the manifest {} has no such table",
            unknown.join(", "),
            manifest_path.display()
        ))
        .into());
    }
    let src_schema = settings.source.as_ref().and_then(|s| s.schema.as_deref());
    let rules = ColumnRules::new(&settings.shaping, src_schema);
    let disagreements: Vec<String> = manifest
        .tables
        .iter()
        .flat_map(|t| rules.disagreements(&t.source, &t.target_table, &t.columns))
        .collect();
    if !disagreements.is_empty() {
        return Err(ConfigError::new(format!(
            "the files of {} were not dumped with these settings: {}; dump them again with \
             these settings (or load them with the settings they were dumped with)",
            manifest_path.display(),
            disagreements.join("; ")
        ))
        .into());
    }
    let target = endpoint::open_target(settings)?;
    let _dir_lock = spool::lock_dir(&dir, settings.lock_wait)?;
    let tables = load_tables(settings, &target, &dir, &manifest);
    let all_loaded = tables
        .iter()
        .all(|t| matches!(t.status, crate::report::Status::Ok));
    if settings.cleanup_parquet_files && all_loaded {
        spool::remove_run_files(&dir, &manifest.tables, Some(manifest_path));
    } else if settings.cleanup_parquet_files {
        // The files are the input of this command: kept for another `load` once the cause is
        // fixed.
        log::warn!(
            "not every table was loaded: the files of {} are kept for another load",
            manifest_path.display()
        );
    }
    Ok(RunReport { tables })
}

/// Step 2: every table of the manifest from its part files into the target.
fn load_tables(
    settings: &Settings,
    target: &Endpoint,
    dir: &Path,
    manifest: &Manifest,
) -> Vec<TableReport> {
    let write = WriteOptions::from(settings);
    let parts = SpoolOptions::from(settings);
    in_parallel(
        settings.parallel_tables,
        &manifest.tables,
        |_: &mut (), table: &ManifestTable| {
            let spec =
                loaded_as_dumped(TargetSpec::new(target, &write, &table.target_table), table);
            journey::table(&table.source, spec.display.clone(), |report| {
                let lock = write::lock_table(&spec, write.lock_wait)?;
                refuse_a_stale_window(&spec, table)?;
                let mut from = PartsSource::new(dir, table, parts);
                let mut into = |described: &journey::Described| prepare(&spec, described, &lock);
                journey::copy(&mut from, &mut into, write.retry, report)
            })
        },
    )
}

/// An incremental window goes only onto the target it was read against. When the target's
/// watermark moved after the dump read it (another load came in between: overlapping DUMP runs,
/// or manifests loaded out of turn), its rows would be appended again or overwrite newer ones.
fn refuse_a_stale_window(spec: &TargetSpec<'_>, table: &ManifestTable) -> anyhow::Result<()> {
    let Some(IncrementalWindow {
        watermark,
        read_above: Some(above),
        ..
    }) = &table.incremental
    else {
        return Ok(());
    };
    let now = write::watermark(spec, watermark)?;
    if now == above.max {
        return Ok(());
    }
    let max = |m: &Option<String>| m.clone().unwrap_or_else(|| "NULL (no rows)".into());
    anyhow::bail!(
        "these files hold the window read when the target's MAX({watermark}) was {}, but the \
         target table {} now holds up to {}: another load came in between, and loading this \
         window would add rows again or overwrite newer ones. Nothing was loaded; dump the \
         table again (its window then starts at the target's MAX)",
        max(&above.max),
        spec.display,
        max(&now)
    )
}

/// The target table `spec` loaded as the manifest says its files were dumped: an incremental
/// window is added (upserted by its merge keys), full files are written as `WRITE_MODE` says,
/// whatever `[incremental]` of the configuration `load` runs with says.
fn loaded_as_dumped<'a>(mut spec: TargetSpec<'a>, table: &ManifestTable) -> TargetSpec<'a> {
    let (watermark, merge_keys) = match &table.incremental {
        Some(w) => (Some(w.watermark.clone()), w.merge_keys.clone()),
        None => (None, Vec::new()),
    };
    if spec.watermark != watermark || spec.merge_keys != merge_keys {
        log::warn!(
            "{}: loaded as it was dumped ({}), not as [incremental] and [merge-keys] of this \
             configuration say",
            table.source,
            match &watermark {
                Some(w) if merge_keys.is_empty() =>
                    format!("the rows above the watermark {w}, appended"),
                Some(w) => format!(
                    "the rows above the watermark {w}, upserted by {}",
                    merge_keys.join(", ")
                ),
                None => "all rows".to_string(),
            }
        );
    }
    spec.watermark = watermark;
    spec.merge_keys = merge_keys;
    spec
}

/// The target table, prepared for what the source describes.
fn prepare<'a>(
    spec: &TargetSpec<'a>,
    described: &journey::Described,
    lock: &'a TableLockGuard,
) -> anyhow::Result<TargetTable<'a>> {
    TargetTable::prepare(spec.clone(), &described.shape, lock)
        .with_context(|| format!("preparing the target table {}", spec.display))
}
