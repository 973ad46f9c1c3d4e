//! An app package as files in memory, read from a folder or a zip, within bounds that no app
//! package comes near (a zip bomb does): past one, the package cannot be read.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use crate::MAX_ZIP_BYTES;

/// At most this many bytes of files and file names (32 MiB, 16 times Zendesk's 2 MB upload
/// limit): counted while unpacking, whatever sizes the zip declares.
pub const MAX_UNPACKED_BYTES: u64 = 16 * MAX_ZIP_BYTES;

/// At most this many zip entries, folders and links included (or, in a folder, files,
/// folders and links).
pub const MAX_ENTRIES: usize = 10_000;

/// At most this many values and keys in the JSON files Zendesk's validator reads into trees
/// (`manifest.json`, `requirements.json`, `translations/*.json`), together, as `json::nodes`
/// counts them: what reading and checking them costs grows with it (a tree takes about 100
/// bytes a node). Some 5 MB of ordinary JSON.
pub const MAX_JSON_NODES: u64 = 500_000;

/// A zip file larger than this is not read (Zendesk refuses one over 2 MB anyway).
pub const MAX_ZIP_FILE_BYTES: u64 = MAX_UNPACKED_BYTES;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// The package's files by path relative to its root, with `/` separators.
#[derive(Debug, Clone, Default)]
pub struct Package {
    files: BTreeMap<String, Vec<u8>>,
    symlinks: BTreeSet<String>,
    zip_size: Option<u64>,
}

impl Package {
    pub fn new() -> Self {
        Self::default()
    }

    /// A folder, or a `.zip` file (anything that is not a folder is read as a zip).
    pub fn from_path(path: &Path) -> Result<Self, LoadError> {
        if path.is_dir() {
            Self::from_dir(path)
        } else {
            let shown = || path.display();
            let file =
                fs::File::open(path).map_err(|e| LoadError(format!("reading {}: {e}", shown())))?;
            let mut bytes = Vec::new();
            file.take(MAX_ZIP_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| LoadError(format!("reading {}: {e}", shown())))?;
            if bytes.len() as u64 > MAX_ZIP_FILE_BYTES {
                return Err(LoadError(format!(
                    "{}: the file is larger than {MAX_ZIP_FILE_BYTES} bytes, far past the 2 MB Zendesk takes",
                    shown()
                )));
            }
            Self::from_zip(&bytes).map_err(|e| LoadError(format!("{}: {}", shown(), e.0)))
        }
    }

    pub fn from_dir(root: &Path) -> Result<Self, LoadError> {
        let mut package = Self::default();
        let mut budget = Budget::default();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let entries = fs::read_dir(&dir)
                .map_err(|e| LoadError(format!("listing {}: {e}", dir.display())))?;
            for entry in entries {
                let entry =
                    entry.map_err(|e| LoadError(format!("listing {}: {e}", dir.display())))?;
                budget.entries(1)?;
                let path = entry.path();
                let relative = path
                    .strip_prefix(root)
                    .map_err(|_| LoadError(format!("{} is outside the package", path.display())))?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let meta = fs::symlink_metadata(&path)
                    .map_err(|e| LoadError(format!("reading {}: {e}", path.display())))?;
                if meta.file_type().is_symlink() {
                    package.symlinks.insert(relative);
                } else if meta.is_dir() {
                    stack.push(path);
                } else if meta.is_file() {
                    let file = fs::File::open(&path)
                        .map_err(|e| LoadError(format!("reading {}: {e}", path.display())))?;
                    let bytes = budget.read(file, &relative)?;
                    package.files.insert(relative, bytes);
                }
            }
        }
        Ok(package)
    }

    /// The files of a zip, as Zendesk unpacks an upload; remembers the zip's size.
    pub fn from_zip(bytes: &[u8]) -> Result<Self, LoadError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| LoadError(format!("not a readable zip: {e}")))?;
        let mut package = Self {
            zip_size: Some(bytes.len() as u64),
            ..Self::default()
        };
        let mut budget = Budget::default();
        budget.entries(archive.len())?;
        for index in 0..archive.len() {
            let mut entry = archive
                .by_index(index)
                .map_err(|e| LoadError(format!("zip entry {index}: {e}")))?;
            let raw_name = entry
                .name()
                .map_err(|e| LoadError(format!("zip entry {index} has an unreadable name: {e}")))?
                .into_owned();
            let Some(name) = entry.enclosed_name() else {
                return Err(LoadError(format!(
                    "zip entry {raw_name:?} points outside the package"
                )));
            };
            let name = name
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if entry.is_dir() || name.is_empty() {
                continue;
            }
            if entry.is_symlink() {
                package.symlinks.insert(name);
                continue;
            }
            let data = budget.read(&mut entry, &name)?;
            package.files.insert(name, data);
        }
        Ok(package)
    }

    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    pub fn remove(&mut self, path: &str) -> Option<Vec<u8>> {
        self.files.remove(path)
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn add_symlink(&mut self, path: impl Into<String>) {
        self.symlinks.insert(path.into());
    }

    /// Every regular file, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    pub fn symlinks(&self) -> impl Iterator<Item = &str> {
        self.symlinks.iter().map(String::as_str)
    }

    /// The size of the zip this package was read from, if it was.
    pub fn zip_size(&self) -> Option<u64> {
        self.zip_size
    }

    /// A deterministic zip of the package: files sorted, deflated at level 9, fixed timestamps.
    pub fn to_zip(&self) -> Result<Vec<u8>, LoadError> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9))
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        for (path, bytes) in &self.files {
            zip.start_file(path.as_str(), options)
                .map_err(|e| LoadError(format!("adding {path} to the zip: {e}")))?;
            zip.write_all(bytes)
                .map_err(|e| LoadError(format!("writing {path} into the zip: {e}")))?;
        }
        let cursor = zip
            .finish()
            .map_err(|e| LoadError(format!("finishing the zip: {e}")))?;
        Ok(cursor.into_inner())
    }

    /// The files Zendesk's validator looks at (`Dir['**/**']`): no dot-files or dot-folders,
    /// nothing under `tmp/`, in the order Ruby's sorted glob lists them (folder by folder).
    pub(crate) fn listed(&self) -> Vec<(&str, &[u8])> {
        let mut listed: Vec<(&str, &[u8])> = self
            .files
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .filter(|(p, _)| !p.starts_with("tmp/") && !p.split('/').any(|c| c.starts_with('.')))
            .collect();
        listed.sort_by(|(a, _), (b, _)| glob_order(a, b));
        listed
    }

    /// Ruby's `File.file?(File.join(root, path))`: `.` and `..` resolved, dot-files included.
    pub(crate) fn has_file(&self, path: &str) -> bool {
        if path.ends_with('/') {
            return false;
        }
        let mut parts: Vec<&str> = Vec::new();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return false;
                    }
                }
                p => parts.push(p),
            }
        }
        self.files.contains_key(&parts.join("/"))
    }
}

/// What a package has unpacked so far, against the bounds.
#[derive(Default)]
struct Budget {
    entries: usize,
    bytes: u64,
    json_nodes: u64,
}

impl Budget {
    fn entries(&mut self, more: usize) -> Result<(), LoadError> {
        self.entries = self.entries.saturating_add(more);
        if self.entries > MAX_ENTRIES {
            return Err(LoadError(format!(
                "the package has more than {MAX_ENTRIES} entries; no app package comes near that"
            )));
        }
        Ok(())
    }

    /// The file `name`'s bytes, read from `from` no further than the bounds allow: a file that
    /// would pass one is not read to its end.
    fn read(&mut self, from: impl Read, name: &str) -> Result<Vec<u8>, LoadError> {
        self.bytes += name.len() as u64;
        let left = MAX_UNPACKED_BYTES.saturating_sub(self.bytes);
        let mut data = Vec::new();
        from.take(left + 1)
            .read_to_end(&mut data)
            .map_err(|e| LoadError(format!("unpacking {name}: {e}")))?;
        self.bytes += data.len() as u64;
        if self.bytes > MAX_UNPACKED_BYTES {
            return Err(LoadError(format!(
                "the package unpacks to more than {MAX_UNPACKED_BYTES} bytes (16 times Zendesk's 2 MB upload limit); no app package comes near that"
            )));
        }
        if is_parsed_json(name) {
            self.json_nodes += crate::json::nodes(&data);
            if self.json_nodes > MAX_JSON_NODES {
                return Err(LoadError(format!(
                    "manifest.json, requirements.json and the translation files hold more than {MAX_JSON_NODES} JSON values and keys together (at {name}); no app package comes near that"
                )));
            }
        }
        Ok(data)
    }
}

/// `translations/<locale>.json` → the locale: where a package keeps its strings.
pub fn translation_locale(path: &str) -> Option<&str> {
    path.strip_prefix("translations/")?.strip_suffix(".json")
}

/// The JSON files Zendesk's validator reads into trees.
fn is_parsed_json(path: &str) -> bool {
    path == "manifest.json" || path == "requirements.json" || translation_locale(path).is_some()
}

/// Folder by folder, each folder's entries in byte order (`a/x` before `a.json`).
fn glob_order(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_skips_dot_files_and_tmp_and_sorts_by_folder() {
        let mut p = Package::new();
        for path in [
            "translations/en.json",
            "translations/en/x.json",
            ".git/config",
            "assets/.hidden",
            "tmp/app.zip",
            "manifest.json",
        ] {
            p.insert(path, b"x".to_vec());
        }
        let listed: Vec<&str> = p.listed().iter().map(|(path, _)| *path).collect();
        assert_eq!(
            listed,
            vec![
                "manifest.json",
                "translations/en/x.json",
                "translations/en.json"
            ]
        );
        assert!(p.has_file("assets/.hidden"));
        assert!(p.has_file("assets/../manifest.json"));
        assert!(!p.has_file("../manifest.json"));
        assert!(!p.has_file("manifest.json/"));
    }

    #[test]
    fn zip_round_trip_keeps_files_and_size() {
        let mut p = Package::new();
        p.insert("manifest.json", b"{}".to_vec());
        p.insert("assets/a.txt", b"hello".repeat(100));
        let zip = p.to_zip().expect("zips");
        let back = Package::from_zip(&zip).expect("unzips");
        assert_eq!(back.zip_size(), Some(zip.len() as u64));
        assert_eq!(back.get("assets/a.txt"), p.get("assets/a.txt"));
        assert_eq!(back.files().count(), 2);
        assert_eq!(p.to_zip().expect("zips"), zip, "deterministic");
    }

    #[test]
    fn garbage_is_not_a_zip() {
        assert!(Package::from_zip(b"not a zip").is_err());
    }
}
