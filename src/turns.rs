//! Waiting for another run. One run at a time holds a lock (a target table's, see
//! `write::lock`; a Parquet directory's, see `spool::lock_dir`); another asks again every
//! second for up to `LOCK_WAIT_SECONDS`, saying who holds it (again every minute), and then
//! gives up with a message that says what to do. Ctrl-C stops the wait.

use std::{
    fs::{File, TryLockError},
    io::ErrorKind,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use same_file::Handle;

use crate::interrupt;

/// How often a waiting run asks for the lock again.
const POLL: Duration = Duration::from_secs(1);

/// How often a waiting run says it still waits.
const REMIND: Duration = Duration::from_secs(60);

/// What a run waits for, in its log lines and messages.
pub struct Turn<'a> {
    /// The label of the log lines (the table's name, `PARQUET_DIR`).
    pub label: &'a str,
    /// What the other run is doing ("loading the target table staging.t").
    pub what: String,
    /// What this run leaves to the other when the wait is over ("the table").
    pub leaves: &'a str,
    /// More advice when the wait is over (or empty).
    pub advice: &'a str,
}

/// Asks `try_take` until it says yes, for at most `wait`, logging who holds the lock (`who`).
pub fn wait_for_turn(
    turn: &Turn<'_>,
    wait: Duration,
    mut try_take: impl FnMut() -> anyhow::Result<bool>,
    who: impl Fn() -> Option<String>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut said: Option<Instant> = None;
    loop {
        if try_take()? {
            if said.is_some() {
                log::info!(
                    "{}: the other run is done; this run goes on now (waited {} s)",
                    turn.label,
                    started.elapsed().as_secs()
                );
            }
            return Ok(());
        }
        let holder = who().unwrap_or_else(|| "a session the DBMS does not name".into());
        let waited = started.elapsed();
        if waited >= wait || interrupt::requested() {
            if interrupt::requested() {
                bail!(interrupt::Interrupted);
            }
            bail!(
                "another run is {} (held by {holder}); this run waited {} s (LOCK_WAIT_SECONDS = \
                 {}) and leaves {} to it. Let the other run finish (or stop it), schedule the \
                 runs so that they do not overlap, or raise LOCK_WAIT_SECONDS{}",
                turn.what,
                waited.as_secs(),
                wait.as_secs_f64(),
                turn.leaves,
                turn.advice
            );
        }
        if said.is_none_or(|t| t.elapsed() >= REMIND) {
            log::warn!(
                "{}: another run is {} (held by {holder}); waiting up to {} s more \
                 (LOCK_WAIT_SECONDS)",
                turn.label,
                turn.what,
                (wait - waited).as_secs()
            );
            said = Some(Instant::now());
        }
        std::thread::sleep(POLL.min(wait - waited));
    }
}

/// A lock file held by this run: removed, then closed (which lets go), when dropped.
pub struct LockFile {
    /// The open file; locking it is the lock.
    handle: Handle,
    path: PathBuf,
}

impl Drop for LockFile {
    fn drop(&mut self) {
        // Removed while still held: a run that opened it meanwhile sees, once it has the lock,
        // that the file is no longer at the path, and opens the path again (see lock_file).
        let _ = std::fs::remove_file(&self.path);
        let _ = self.handle.as_file().unlock();
    }
}

/// Opens (creating it) and locks the file `path`, waiting for another run that holds it (up to
/// `wait`). The lock lasts while the returned [`LockFile`] lives; then the file is removed.
/// `None` (with a warning) where the file cannot be created: a folder this user may not write.
pub fn lock_file(path: &Path, turn: &Turn<'_>, wait: Duration) -> anyhow::Result<Option<LockFile>> {
    let started = Instant::now();
    loop {
        let file = match open_lock_file(path, started, wait)? {
            Opened::File(file) => file,
            Opened::Again => {
                std::thread::sleep(POLL);
                continue;
            }
            // Someone else's lock file this user cannot even read: that run may hold it, so this
            // one does not go on as if there were none.
            Opened::Unreadable(e) => anyhow::bail!(
                "{}: the lock file {} belongs to {} and this user may not open it ({e}); \
                 another user's run may be at work: run as that user, or, when no such run is \
                 active, remove the file",
                turn.label,
                path.display(),
                owner(path)
            ),
            // A folder this run may not write to: no run of this user writes there either.
            Opened::NotWritable(e) => {
                log::warn!(
                    "{}: cannot create the lock file {} ({e}); this run goes on without keeping \
                     other runs out",
                    turn.label,
                    path.display()
                );
                return Ok(None);
            }
        };
        let try_take = || match file.try_lock() {
            Ok(()) => Ok(true),
            Err(TryLockError::WouldBlock) => Ok(false),
            Err(TryLockError::Error(e)) => {
                Err(anyhow::Error::new(e).context(format!("locking {}", path.display())))
            }
        };
        let who = || Some(format!("the run holding {}", path.display()));
        wait_for_turn(turn, wait.saturating_sub(started.elapsed()), try_take, who)?;
        let handle = Handle::from_file(file)
            .with_context(|| format!("identifying the lock file {}", path.display()))?;
        // The run before may have removed the file after this one opened it: then this lock is
        // on a file no other run can see, and the path is locked again.
        if Handle::from_path(path).is_ok_and(|at_path| at_path == handle) {
            return Ok(Some(LockFile {
                handle,
                path: path.to_path_buf(),
            }));
        }
    }
}

/// What opening a lock file gave.
enum Opened {
    /// The file, to lock (read-only where it is another user's).
    File(File),
    /// Try again in a moment (Windows: a file being removed cannot be opened until its last
    /// handle closes).
    Again,
    /// It exists and this user may not open it.
    Unreadable(std::io::Error),
    /// It is not there and cannot be created: a folder this user may not write to.
    NotWritable(std::io::Error),
}

/// Opens the lock file `path`, creating it. Another user's lock file (umask 022: readable by
/// all, writable by its owner) is opened read-only, which is enough to lock it, so runs of
/// different users still take turns. A file that could not be created and is not there either
/// is tried once more (the other run may have removed it in between) before the folder counts
/// as not writable.
fn open_lock_file(path: &Path, started: Instant, wait: Duration) -> anyhow::Result<Opened> {
    let mut denied = None;
    for _ in 0..2 {
        let created = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path);
        let e = match created {
            Ok(file) => return Ok(Opened::File(file)),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                e
            }
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("opening the lock file {}", path.display())));
            }
        };
        match File::open(path) {
            Ok(file) => return Ok(Opened::File(file)),
            Err(gone) if gone.kind() == ErrorKind::NotFound => denied = Some(e),
            Err(_) if cfg!(windows) && started.elapsed() < wait => return Ok(Opened::Again),
            Err(unreadable) => return Ok(Opened::Unreadable(unreadable)),
        }
    }
    Ok(Opened::NotWritable(denied.unwrap_or_else(|| {
        std::io::Error::from(ErrorKind::PermissionDenied)
    })))
}

/// Who owns the file at `path`: the user name (from /etc/passwd) and number on Unix.
fn owner(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(uid) = std::fs::metadata(path).map(|m| m.uid()) else {
            return "another user".into();
        };
        let name = std::fs::read_to_string("/etc/passwd")
            .ok()
            .and_then(|passwd| {
                passwd.lines().find_map(|line| {
                    let mut fields = line.split(':');
                    let name = fields.next()?;
                    (fields.nth(1)? == uid.to_string()).then(|| name.to_string())
                })
            });
        match name {
            Some(name) => format!("the user {name} (uid {uid})"),
            None => format!("the user with uid {uid}"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        "another user".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn() -> Turn<'static> {
        Turn {
            label: "test",
            what: "testing".into(),
            leaves: "the file",
            advice: "",
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_owner_of_a_file_is_named_with_its_number() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        std::fs::write(&path, "").unwrap();
        let uid = std::fs::metadata(&path).unwrap().uid();
        let said = owner(&path);
        assert!(said.ends_with(&format!("(uid {uid})")), "{said}");
        if uid == 0 {
            assert_eq!(said, "the user root (uid 0)");
        }
    }

    #[test]
    fn a_lock_file_is_held_once_and_removed_afterwards() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let first = lock_file(&path, &turn(), Duration::ZERO).unwrap().unwrap();
        let second = lock_file(&path, &turn(), Duration::ZERO).err().unwrap();
        assert!(
            second.to_string().contains("another run is testing") && path.exists(),
            "{second:#}"
        );
        drop(first);
        assert!(!path.exists(), "removed by its holder");
        let third = lock_file(&path, &turn(), Duration::ZERO).unwrap().unwrap();
        assert!(path.exists());
        drop(third);
    }
}
