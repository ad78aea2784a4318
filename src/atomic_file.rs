//! Writing a file so a crash or a full disk never leaves half of it: the bytes go to a temporary
//! file in the same folder, are flushed to disk, then renamed over the old file in one step. Used
//! for every file an operator edits or the tool must trust on the next run (`mapping.toml`, the
//! mapping memory, `owners.toml`, the sandbox's state file).

use std::io::{self, Write as _};
use std::path::Path;

/// Replace `path` with `bytes` atomically, creating its folder if missing. A reader sees either
/// the old file or the new one, never a mix. The temporary file is removed on failure.
///
/// Errors: the folder cannot be created or written, the disk is full, or `path` names a folder.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".crm-migrate-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("mapping.toml");
        write(&path, b"first").unwrap();
        write(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["mapping.toml"]);
    }

    #[test]
    fn a_failed_rename_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should go makes the rename fail.
        let path = dir.path().join("mapping.toml");
        std::fs::create_dir(&path).unwrap();
        assert!(write(&path, b"x").is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["mapping.toml"]);
        assert!(path.is_dir());
    }
}
