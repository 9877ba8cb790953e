//! The layout of `sql/views/`, shared by the two build scripts that embed the
//! warehouse views (the extension's `build.rs` and `cli/build.rs`, through
//! `#[path]`), so both engines read the same files by the same rules.
//!
//! A view file is `NN_<view>.sql` (shared by both engines, NN = creation
//! order) or `NN_<view>.<engine>.sql` (an override for one engine, which
//! wins over the shared file at the same position). Files not ending in
//! `.sql` and dot files are ignored; any other name is an error naming it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// One view as one engine sees it.
pub struct Selected {
    pub position: u32,
    pub name: String,
    /// The file that defines the view for this engine; `None` when only
    /// another engine has a file for it.
    pub path: Option<PathBuf>,
}

/// `(position, view, engine)` of `NN_<view>[.<engine>].sql`; `None` for a
/// file that is not SQL.
pub fn parse_name(file_name: &str) -> Result<Option<(u32, String, Option<String>)>, String> {
    let Some(stem) = file_name.strip_suffix(".sql") else {
        return Ok(None);
    };
    let (stem, engine) = match stem.split_once('.') {
        Some((s, e)) => (s, Some(e.to_string())),
        None => (stem, None),
    };
    let bad = || {
        format!(
            "sql/views/{file_name}: expected a name NN_<view>.sql or NN_<view>.<engine>.sql \
             (view: lower-case letters, digits, _)"
        )
    };
    let (nn, view) = stem.split_once('_').ok_or_else(bad)?;
    if nn.is_empty() || !nn.chars().all(|c| c.is_ascii_digit()) || !is_ident(view) {
        return Err(bad());
    }
    if let Some(e) = &engine {
        if e.is_empty() || !e.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(bad());
        }
    }
    Ok(Some((
        nn.parse().map_err(|_| bad())?,
        view.to_string(),
        engine,
    )))
}

/// A lower-case SQL identifier: letters, digits, `_`, not starting with a digit.
pub fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Every view of `dir` in creation order, with the file `engine` uses for it.
/// A missing directory has no views. Tells cargo to rerun the build script
/// when a selected file changes.
pub fn select(dir: &Path, engine: &str) -> Result<Vec<Selected>, String> {
    // (position, name) -> (shared file, this engine's override)
    let mut files: BTreeMap<(u32, String), (Option<PathBuf>, Option<PathBuf>)> = BTreeMap::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("reading {}: {e}", dir.display())),
    };
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", dir.display()))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with('.') {
            continue;
        }
        let Some((position, name, tag)) = parse_name(&file_name)? else {
            continue;
        };
        let slot = files.entry((position, name)).or_default();
        match tag.as_deref() {
            None => slot.0 = Some(entry.path()),
            Some(t) if t == engine => slot.1 = Some(entry.path()),
            Some(_) => {} // another engine's override
        }
    }
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut views = Vec::new();
    for ((position, name), (shared, own)) in files {
        let path = own.or(shared);
        if let Some(p) = &path {
            if let Some(other) = seen.insert(name.clone(), position) {
                return Err(format!(
                    "view {name} is defined twice (positions {other:02} and {position:02})"
                ));
            }
            println!("cargo:rerun-if-changed={}", p.display());
        }
        views.push(Selected {
            position,
            name,
            path,
        });
    }
    Ok(views)
}

/// `sql/views/<file name>` of a selected file, for messages.
pub fn display_name(path: &Path) -> String {
    format!(
        "sql/views/{}",
        path.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// `sql` without trailing whitespace and statement terminators.
pub fn strip_terminator(sql: &str) -> String {
    let mut s = sql.trim();
    while let Some(t) = s.strip_suffix(';') {
        s = t.trim_end();
    }
    s.to_string()
}
