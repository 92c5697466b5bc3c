//! Files that hold data or what was said about it (log files, JSON reports, manifests, Parquet
//! parts: full copies of the source's rows) are created readable and writable by their owner
//! only, and the folders the tool creates for them are the owner's only: 0600 and 0700 on Unix,
//! whatever the umask. On Windows a new file takes the default ACL of its folder, which is what
//! a Windows administrator sets for such a folder.

use std::{
    fs::{File, OpenOptions},
    io,
    path::Path,
};

/// Creates or truncates `path` for writing, the owner's only (also when it existed with wider
/// permissions); never through a symbolic link (one planted in a shared folder would send the
/// data elsewhere).
pub fn create(path: &Path) -> io::Result<File> {
    refuse_link(path)?;
    let file = options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    restrict(&file)?;
    Ok(file)
}

/// Is `path` a symbolic link (not what it points to)?
pub fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// An error when `path` is a symbolic link.
pub fn refuse_link(path: &Path) -> io::Result<()> {
    if is_link(path) {
        return Err(io::Error::other(format!(
            "{} is a symbolic link; the tool does not write through links",
            path.display()
        )));
    }
    Ok(())
}

/// Writes `contents` into `path` (created or truncated), the owner's only.
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    create(path)?.write_all(contents)
}

/// [`OpenOptions`] whose newly created file is the owner's only.
pub fn options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Narrows an open file's permissions to its owner (Unix; nothing elsewhere).
pub fn restrict(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Creates `dir` and its missing parents; the folders it creates are the owner's only (folders
/// that exist keep their permissions: they are the user's choice).
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    #[allow(unused_mut)]
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &std::path::Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_and_folders_are_the_owners_only_whatever_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        super::create_dir_all(&nested).unwrap();
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&nested), 0o700);
        let file = nested.join("f");
        super::write(&file, b"x").unwrap();
        assert_eq!(mode(&file), 0o600);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::write(&file, b"y").unwrap();
        assert_eq!(mode(&file), 0o600, "an existing file is narrowed too");
        assert_eq!(std::fs::read(&file).unwrap(), b"y");
        let opened = super::options()
            .append(true)
            .create(true)
            .open(nested.join("g"))
            .unwrap();
        drop(opened);
        assert_eq!(mode(&nested.join("g")), 0o600);
        // Never through a link.
        std::os::unix::fs::symlink(&file, nested.join("link")).unwrap();
        let error = super::create(&nested.join("link")).unwrap_err();
        assert!(error.to_string().contains("is a symbolic link"), "{error}");
        assert_eq!(std::fs::read(&file).unwrap(), b"y");
    }
}
