//! An RSoft export on disk: a folder or a `.zip`. Lists its files, classifies the CSV ones, and
//! opens any of them as a stream (zip entries are inflated on the fly, never unpacked).

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ReadError;
use std::sync::Arc;

use super::modules::{Classification, Module};
use super::rows::{Finding, RowReader};
use crate::vocabulary::Vocabulary;

/// What the operator pointed at: an unpacked folder or the .zip RSoft hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// A directory, walked recursively.
    Folder,
    /// A .zip archive, read entry by entry without unpacking to disk.
    Zip,
}

/// A file inside the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Path inside the export, `/`-separated.
    pub path: String,
    /// Uncompressed size in bytes (as the file system or the zip directory states it).
    pub size: u64,
    #[serde(skip)]
    zip_index: Option<usize>,
    /// What a folder's entry is when it is no regular file (`a named pipe (FIFO)`): never
    /// opened, since reading a pipe can wait forever.
    #[serde(skip)]
    not_regular: Option<&'static str>,
}

impl Entry {
    /// The last `/`-separated part of [`Entry::path`].
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// CSV (or TSV) by extension; everything else is a gap candidate.
    pub fn is_csv(&self) -> bool {
        let lower = self.path.to_ascii_lowercase();
        lower.ends_with(".csv") || lower.ends_with(".tsv")
    }
}

/// A CSV file of the export, classified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportFile {
    /// Where the file is in the export.
    pub entry: Entry,
    /// The module its name and header suggest, with confidence and evidence.
    pub classification: Classification,
    /// The module the file is read as: the classification's, unless the operator reassigned it.
    pub module: Option<Module>,
    /// The header row as read (decoded, trimmed of a BOM), in column order.
    pub headers: Vec<String>,
}

/// An opened export: its CSV files (classified) and its other files.
#[derive(Debug, Clone)]
pub struct Export {
    root: PathBuf,
    kind: ExportKind,
    files: Vec<ExportFile>,
    others: Vec<Entry>,
    /// Files skipped as operating-system clutter (`__MACOSX/`, `.DS_Store`, `Thumbs.db`), and
    /// entries of other names that are no regular files (with what they are).
    skipped: Vec<String>,
    /// Files whose header could not be read at all.
    unreadable: Vec<Finding>,
    /// The header vocabulary the files were classified with; the proposer reads headers with it.
    vocabulary: Arc<Vocabulary>,
}

impl Export {
    /// Lists a folder (recursively) or a `.zip`, and classifies each CSV by name and header with
    /// the built-in vocabulary.
    pub fn open(path: impl AsRef<Path>) -> Result<Export, ReadError> {
        Export::open_with(path, Vocabulary::builtin())
    }

    /// [`Export::open`] classifying with `vocabulary` (the built-in one extended by the
    /// config's `[vocabulary] file`: [`Vocabulary::of`]).
    pub fn open_with(
        path: impl AsRef<Path>,
        vocabulary: Arc<Vocabulary>,
    ) -> Result<Export, ReadError> {
        let root = path.as_ref().to_path_buf();
        let meta = std::fs::metadata(&root).map_err(|source| ReadError::Io {
            file: root.display().to_string(),
            source,
        })?;
        let one_data_file = root
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["csv", "tsv", "txt"].contains(&e.to_ascii_lowercase().as_str()));
        let (kind, entries) = if meta.is_dir() {
            (ExportKind::Folder, list_folder(&root)?)
        } else if !meta.is_file() {
            // A pipe or device is never opened: reading it can wait forever.
            return Err(ReadError::NotRegular {
                file: root.display().to_string(),
                kind: not_regular_kind(&meta).to_string(),
            });
        } else if one_data_file {
            // Not "is not a readable zip": the operator passed one of the export's files.
            return Err(ReadError::SingleFile {
                file: root.display().to_string(),
            });
        } else {
            (ExportKind::Zip, list_zip(&root)?)
        };
        let mut export = Export {
            root,
            kind,
            files: Vec::new(),
            others: Vec::new(),
            skipped: Vec::new(),
            unreadable: Vec::new(),
            vocabulary,
        };
        for entry in entries {
            if is_clutter(&entry.path) {
                export.skipped.push(entry.path);
            } else if let Some(kind) = entry.not_regular {
                if entry.is_csv() {
                    let e = ReadError::NotRegular {
                        file: entry.path.clone(),
                        kind: kind.to_string(),
                    };
                    export.unreadable.push(Finding {
                        severity: super::rows::Severity::Error,
                        file: entry.path,
                        line: None,
                        column: None,
                        message: e.to_string(),
                    });
                } else {
                    export.skipped.push(format!("{} ({kind})", entry.path));
                }
            } else if entry.is_csv() {
                match export.rows_of_entry(&entry) {
                    Ok(reader) => {
                        let headers = reader.headers().names().to_vec();
                        let classification =
                            export.vocabulary.classify(entry.file_name(), &headers);
                        export.files.push(ExportFile {
                            module: classification.module,
                            entry,
                            classification,
                            headers,
                        });
                    }
                    Err(e) => export.unreadable.push(Finding {
                        severity: super::rows::Severity::Error,
                        file: entry.path.clone(),
                        line: None,
                        column: None,
                        message: format!("{e}"),
                    }),
                }
            } else {
                export.others.push(entry);
            }
        }
        Ok(export)
    }

    /// The folder or .zip the export was opened from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The header vocabulary the files were classified with, shared (the record builder keeps
    /// it in its [`crate::mapping::record::BuildSettings`]).
    pub fn vocabulary(&self) -> &Arc<Vocabulary> {
        &self.vocabulary
    }

    /// Whether the export is a folder or a .zip.
    pub fn kind(&self) -> ExportKind {
        self.kind
    }

    /// The CSV files, classified, in path order.
    pub fn files(&self) -> &[ExportFile] {
        &self.files
    }

    /// The files of one module (usually one; RSoft sometimes splits big exports).
    pub fn files_of(&self, module: Module) -> impl Iterator<Item = &ExportFile> {
        self.files.iter().filter(move |f| f.module == Some(module))
    }

    /// Non-CSV files: recordings, chat exports, attachments.
    pub fn others(&self) -> &[Entry] {
        &self.others
    }

    /// Paths skipped as operating-system clutter (`__MACOSX/`, `.DS_Store`, `Thumbs.db`), and
    /// non-CSV entries that are no regular files (`pipe (a named pipe (FIFO))`), so the
    /// report can say they were seen and left out.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }

    /// CSV files that could not even be opened or whose header could not be parsed.
    pub fn unreadable(&self) -> &[Finding] {
        &self.unreadable
    }

    /// The operator's correction: read `path` as `module` (or as unknown with `None`).
    pub fn reassign(&mut self, path: &str, module: Option<Module>) -> bool {
        match self.files.iter_mut().find(|f| f.entry.path == path) {
            Some(f) => {
                f.module = module;
                true
            }
            None => false,
        }
    }

    /// Streams the rows of one file.
    pub fn rows(&self, file: &ExportFile) -> Result<RowReader, ReadError> {
        self.rows_of_entry(&file.entry)
    }

    fn rows_of_entry(&self, entry: &Entry) -> Result<RowReader, ReadError> {
        RowReader::new(&entry.path, self.open_entry(entry)?)
    }

    /// The raw bytes of an entry, as a stream.
    pub fn open_entry(&self, entry: &Entry) -> Result<Box<dyn Read + Send>, ReadError> {
        let io_err = |source| ReadError::Io {
            file: entry.path.clone(),
            source,
        };
        match (self.kind, entry.zip_index) {
            (ExportKind::Zip, Some(index)) => open_zip_entry(&self.root, index, &entry.path),
            _ => {
                // Unbuffered: the CSV reader has its own (large) buffer.
                let f = File::open(self.root.join(&entry.path)).map_err(io_err)?;
                Ok(Box::new(f))
            }
        }
    }
}

fn is_clutter(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.starts_with("__MACOSX/")
        || name == ".DS_Store"
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.starts_with("~$")
}

fn list_folder(root: &Path) -> Result<Vec<Entry>, ReadError> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let io_err = |source| ReadError::Io {
            file: dir.display().to_string(),
            source,
        };
        for item in std::fs::read_dir(&dir).map_err(io_err)? {
            let item = item.map_err(io_err)?;
            let path = item.path();
            if item.file_type().map_err(io_err)?.is_dir() {
                stack.push(path);
                continue;
            }
            // Through a link to what it names; only a regular file is ever opened. A link to
            // nothing is kept: opening it fails, and the file is reported as unreadable.
            let (size, not_regular) = match std::fs::metadata(&path) {
                Ok(meta) => (
                    meta.len(),
                    (!meta.is_file()).then(|| not_regular_kind(&meta)),
                ),
                Err(_) => (0, None),
            };
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(Entry {
                path: rel.join("/"),
                size,
                zip_index: None,
                not_regular,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// What a file system entry that is no regular file is, for messages.
fn not_regular_kind(meta: &std::fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    if ft.is_dir() {
        "a link to a folder"
    } else {
        "not a regular file"
    }
}

fn zip_error(file: &Path, e: zip::result::ZipError) -> ReadError {
    ReadError::Zip {
        file: file.display().to_string(),
        message: e.to_string(),
    }
}

fn list_zip(path: &Path) -> Result<Vec<Entry>, ReadError> {
    let f = File::open(path).map_err(|source| ReadError::Io {
        file: path.display().to_string(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(BufReader::new(f)).map_err(|e| zip_error(path, e))?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let z = archive.by_index_raw(i).map_err(|e| zip_error(path, e))?;
        if z.is_dir() {
            continue;
        }
        out.push(Entry {
            path: z.name().trim_start_matches("./").to_string(),
            size: z.size(),
            zip_index: Some(i),
            not_regular: None,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Opens one zip entry as an owned stream: seek to its data and inflate it, so the reader does
/// not borrow the archive and memory stays flat.
fn open_zip_entry(
    zip_path: &Path,
    index: usize,
    name: &str,
) -> Result<Box<dyn Read + Send>, ReadError> {
    let io_err = |source| ReadError::Io {
        file: format!("{}!{name}", zip_path.display()),
        source,
    };
    let f = File::open(zip_path).map_err(io_err)?;
    let mut archive =
        zip::ZipArchive::new(BufReader::new(f)).map_err(|e| zip_error(zip_path, e))?;
    let (start, len, method, encrypted) = {
        let z = archive
            .by_index_raw(index)
            .map_err(|e| zip_error(zip_path, e))?;
        (
            z.data_start(),
            z.compressed_size(),
            z.compression(),
            z.encrypted(),
        )
    };
    if encrypted {
        return Err(ReadError::Unsupported {
            file: name.to_string(),
            message: "the zip entry is password-protected: unzip it yourself and point discover at the folder".to_string(),
        });
    }
    let mut f = File::open(zip_path).map_err(io_err)?;
    f.seek(SeekFrom::Start(start)).map_err(io_err)?;
    let raw = BufReader::with_capacity(256 * 1024, f).take(len);
    match method {
        zip::CompressionMethod::Stored => Ok(Box::new(raw)),
        zip::CompressionMethod::Deflated => Ok(Box::new(flate2::read::DeflateDecoder::new(raw))),
        other => Err(ReadError::Unsupported {
            file: name.to_string(),
            message: format!(
                "the zip entry uses compression {other}, which this tool does not read: unzip it and point discover at the folder"
            ),
        }),
    }
}
