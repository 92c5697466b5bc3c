//! The run manifest: what step 1 of DUMP wrote (the part files of each table, their row counts,
//! the columns with their types) and what step 2 needs; the file format other tools may read.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::plan::Column;

/// Identifies the manifest format.
pub const MANIFEST_FORMAT: &str = "source-to-staging manifest";

/// The run manifest: what step 1 wrote and what step 2 needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Version of the format (1).
    pub version: u32,
    /// The run that wrote it.
    pub run_id: String,
    /// When step 1 finished (RFC 3339, UTC).
    pub created_at: String,
    /// The source DBMS, as it reported itself.
    pub source_dbms: String,
    /// One entry per table dumped.
    pub tables: Vec<ManifestTable>,
}

impl Manifest {
    /// An empty manifest of the run `run_id` from a `source_dbms` source.
    pub fn new(run_id: String, source_dbms: String) -> Self {
        Manifest {
            format: MANIFEST_FORMAT.to_string(),
            version: 1,
            run_id,
            created_at: String::new(),
            source_dbms,
            tables: Vec::new(),
        }
    }
}

/// One table in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestTable {
    /// The entry of `SRC_TABLES`.
    pub source: String,
    /// The target table's name.
    pub target_table: String,
    /// Rows in all files together.
    pub rows: u64,
    /// The columns with their types, lengths, precision and nullability.
    pub columns: Vec<Column>,
    /// The part files, in order, relative to the manifest's directory.
    pub files: Vec<PartFile>,
    /// The files hold an incremental window (`[incremental]`): they are added to the target
    /// table (upserted by its merge keys), never replace it; `load` follows this, whatever its
    /// own configuration says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incremental: Option<IncrementalWindow>,
}

/// How the rows of an incremental window go into the target table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncrementalWindow {
    /// The watermark column.
    pub watermark: String,
    /// `[merge-keys]` (empty: appended).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merge_keys: Vec<String>,
    /// Where the window starts: the target's `MAX` of the watermark when the dump read it
    /// (absent from manifests written
    /// before it was recorded: not checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_above: Option<ReadAbove>,
}

/// The target's `MAX` of the watermark an incremental window was read above; `load` loads the
/// window only while the target still holds that `MAX` (see `run::refuse_a_stale_window`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadAbove {
    /// `MAX(watermark)` as text; `None`: the target held no rows, everything was read.
    pub max: Option<String>,
}

/// One Parquet part file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartFile {
    /// File name, relative to the manifest's directory.
    pub file: String,
    /// Rows it holds.
    pub rows: u64,
}

/// A new run id: UTC time plus a few random hex digits (`20261126T021524Z-3fa9`).
pub fn new_run_id() -> String {
    let now = chrono::Utc::now();
    let noise = (now.timestamp_subsec_nanos() ^ std::process::id().rotate_left(16)) & 0xffff;
    format!("{}-{noise:04x}", now.format("%Y%m%dT%H%M%SZ"))
}

/// `PARQUET_DIR` with `{date}` (YYYY-MM-DD) and `{run_id}` filled in.
pub fn expand_dir(template: &str, run_id: &str) -> PathBuf {
    let date = chrono::Local::now().format("%Y-%m-%d").to_string();
    PathBuf::from(
        template
            .replace("{date}", &date)
            .replace("{run_id}", run_id),
    )
}

/// The manifest's file name for a run.
pub fn manifest_name(run_id: &str) -> String {
    format!("manifest_{run_id}.json")
}

/// Writes the manifest atomically (temporary file, flushed, then renamed); returns its path.
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> anyhow::Result<PathBuf> {
    check_file_names(manifest)?;
    let path = dir.join(manifest_name(&manifest.run_id));
    let tmp = dir.join(format!(".{}.tmp", manifest_name(&manifest.run_id)));
    let write = || -> anyhow::Result<()> {
        let mut file = crate::files::create(&tmp)?;
        file.write_all(serde_json::to_string_pretty(manifest)?.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        fs::rename(&tmp, &path)?;
        Ok(())
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        e.context(format!("cannot write the manifest {}", path.display()))
    })?;
    Ok(path)
}

/// Reads a manifest; returns it with the directory its files are relative to.
pub fn read_manifest(path: &Path) -> anyhow::Result<(Manifest, PathBuf)> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read the manifest {}", path.display()))?;
    let manifest: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a source-to-staging manifest", path.display()))?;
    if manifest.format != MANIFEST_FORMAT || manifest.version != 1 {
        bail!(
            "{} is a manifest of format '{}' version {}, this tool reads '{MANIFEST_FORMAT}' \
             version 1",
            path.display(),
            manifest.format,
            manifest.version
        );
    }
    check_file_names(&manifest).with_context(|| format!("{} cannot be loaded", path.display()))?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    refuse_linked_files(&dir, &manifest.tables)
        .with_context(|| format!("{} cannot be loaded", path.display()))?;
    Ok((manifest, dir))
}

/// Every part file a manifest names must be a plain file name in the manifest's own folder (no
/// folder, no `..`, no drive), and named once (also ignoring case, as Windows does): `load`
/// reads and, afterwards, deletes exactly these files, so a manifest must not reach any other.
fn check_file_names(manifest: &Manifest) -> anyhow::Result<()> {
    let mut seen = std::collections::HashMap::new();
    for table in &manifest.tables {
        for part in &table.files {
            let name = part.file.as_str();
            if !is_plain_file_name(name) {
                bail!(
                    "table {}: the part file '{name}' is not a plain file name in the manifest's \
                     folder; a manifest names only files beside it (as `dump` writes them)",
                    table.target_table
                );
            }
            if let Some(first) = seen.insert(name.to_lowercase(), &table.target_table) {
                bail!(
                    "the part file '{name}' is named twice (tables {first} and {}); each file \
                     belongs to one table: dump the tables again",
                    table.target_table
                );
            }
        }
    }
    Ok(())
}

/// A file name without any folder, `..`, drive or character Windows refuses in names, and none
/// that Windows takes for another file: a name ending in `.` or a space (`t.parquet.` is
/// `t.parquet`), a short 8.3 alias (`T_PART~1.PAR`), a device (`nul.parquet`).
pub(super) fn is_plain_file_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    let device = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"].contains(&stem.as_str())
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit());
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.ends_with(['.', ' '])
        && !device
        && !is_short_alias(name)
        && !name.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|'])
        && !name.chars().any(char::is_control)
        && Path::new(name).file_name() == Some(std::ffi::OsStr::new(name))
}

/// Windows's 8.3 alias of a long name: at most 8 characters with `~` and a digit, and an
/// extension of at most 3 (the tool's names are longer).
fn is_short_alias(name: &str) -> bool {
    let (base, extension) = name.split_once('.').unwrap_or((name, ""));
    base.len() <= 8
        && extension.len() <= 3
        && base
            .split_once('~')
            .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Refuses part files that are symbolic links: `load` reads and removes the files a manifest
/// names, never what a link points to.
fn refuse_linked_files(dir: &Path, tables: &[ManifestTable]) -> anyhow::Result<()> {
    for part in tables.iter().flat_map(|t| &t.files) {
        let path = dir.join(&part.file);
        if crate::files::is_link(&path) {
            bail!(
                "the part file {} is a symbolic link; a manifest's files are the files beside \
                 it, not links to others",
                path.display()
            );
        }
    }
    Ok(())
}

/// Removes the run's part files and its manifest; the directory stays. Missing files are fine.
pub fn remove_run_files(dir: &Path, tables: &[ManifestTable], manifest: Option<&Path>) {
    for table in tables {
        for part in &table.files {
            let path = dir.join(&part.file);
            if let Err(e) = fs::remove_file(&path)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                log::warn!("cannot remove {}: {e}", path.display());
            }
        }
    }
    if let Some(path) = manifest
        && let Err(e) = fs::remove_file(path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        log::warn!("cannot remove {}: {e}", path.display());
    }
}
