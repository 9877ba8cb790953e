//! The output directory of `churnkit run`: DIR always holds one complete run.
//!
//! A run writes its files into a hidden sibling of DIR,
//! `<parent>/.<DIR name>.churnkit-<pid>` (the same filesystem, so renames
//! are atomic). When every view and the report succeeded, the new directory
//! and DIR are swapped in one step — `renameat2(RENAME_EXCHANGE)` on Linux, a
//! plain `rename` when DIR does not exist yet — and the earlier run, now
//! under the hidden name, is removed. Whatever happens (an error, a full
//! disk, kill -9 at any instant), DIR holds either the earlier run or the new
//! one, never a mix.
//!
//! Entries of DIR that churnkit did not write (anything but the view files,
//! in either format, and `report.html`; e.g. the demo's `data/`) belong to
//! the user: they are moved into the new directory just before the swap, so
//! they stay in DIR. A process killed between those moves and the swap
//! leaves them in its hidden directory; the next run on DIR moves them back
//! before it removes that leftover, so nothing of the user's is ever lost.
//! On platforms without `RENAME_EXCHANGE` the swap is two renames (DIR aside,
//! the new run in), and the next run restores an earlier run left aside.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{CliError, Result};

/// The hidden directory a run writes into (see the module docs). Dropped
/// without [`Staging::commit`] (an error), it is removed and DIR is as it
/// was.
pub struct Staging {
    out: PathBuf,
    pub dir: PathBuf,
    /// Names of the files churnkit writes into DIR: what a run replaces.
    outputs: Vec<String>,
    committed: bool,
}

const MARK: &str = ".churnkit-";
/// Suffix of an earlier run set aside by the two-rename swap.
const ASIDE: &str = "-old";

impl Staging {
    /// A new hidden directory next to `out`, after recovering what a killed
    /// run left there. `outputs`: the names of every file a run can write
    /// (the views in each format and report.html).
    pub fn create(out: &Path, outputs: Vec<String>) -> Result<Self> {
        let msg = |e: io::Error| {
            CliError::msg(format!(
                "cannot write in the output directory '{}': {e}",
                out.display()
            ))
        };
        if out.exists() && !out.is_dir() {
            return Err(CliError::msg(format!(
                "the output directory '{}' is not a directory",
                out.display()
            )));
        }
        let abs = std::path::absolute(out).map_err(msg)?;
        // a path ending in `.` or `..` has no name of its own: resolve it
        let abs = if abs.file_name().is_none() || out.ends_with(".") || out.ends_with("..") {
            fs::canonicalize(&abs).map_err(msg)?
        } else {
            abs
        };
        let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
            return Err(CliError::msg(format!(
                "the output directory '{}' cannot be replaced (it is the root directory)",
                out.display()
            )));
        };
        fs::create_dir_all(parent).map_err(|e| {
            CliError::msg(format!(
                "cannot create the output directory '{}': {e}",
                out.display()
            ))
        })?;
        let mut staging = Staging {
            out: abs.clone(),
            dir: parent.join(hidden_name(name, std::process::id())),
            outputs,
            committed: false,
        };
        staging.recover_leftovers(parent, name).map_err(msg)?;
        fs::create_dir(&staging.dir).map_err(msg)?;
        Ok(staging)
    }

    /// Is the entry `name` of DIR one that a run writes (and so replaces)?
    fn is_output(&self, dir: &Path, name: &OsStr) -> bool {
        let Some(n) = name.to_str() else { return false };
        // 0.1.0 wrote its partial files into DIR/.churnkit-partial-<pid>
        if n.starts_with(".churnkit-partial-") {
            return true;
        }
        self.outputs.iter().any(|o| o == n)
            && fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.is_file())
    }

    /// A hidden directory of an earlier, killed run: the user's entries in
    /// it go back into DIR (unless DIR has an entry of that name), then it
    /// is removed. One whose DIR is missing was an earlier run set aside by
    /// the two-rename swap: it becomes DIR again.
    fn recover_leftovers(&mut self, parent: &Path, name: &OsStr) -> io::Result<()> {
        let prefix = format!(".{}{MARK}", name.to_string_lossy());
        for entry in fs::read_dir(parent)? {
            let entry = entry?;
            let leftover = entry.path();
            let file_name = entry.file_name();
            let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
                continue;
            };
            let (pid, aside) = match rest.strip_suffix(ASIDE) {
                Some(pid) => (pid, true),
                None => (rest, false),
            };
            if pid.parse::<u32>().is_err() || !entry.file_type()?.is_dir() {
                continue;
            }
            if aside && fs::symlink_metadata(&self.out).is_err() {
                // an earlier run set aside by the two-rename swap
                fs::rename(&leftover, &self.out)?;
                continue;
            }
            for item in fs::read_dir(&leftover)? {
                let item = item?;
                if self.is_output(&leftover, &item.file_name()) {
                    continue;
                }
                fs::create_dir_all(&self.out)?;
                let target = self.out.join(item.file_name());
                if fs::symlink_metadata(&target).is_err() {
                    fs::rename(item.path(), target)?;
                }
            }
            fs::remove_dir_all(&leftover)?;
        }
        Ok(())
    }

    /// Make the new run DIR (see the module docs).
    pub fn commit(mut self) -> Result<()> {
        let err = |what: &str, e: io::Error| {
            CliError::msg(format!(
                "cannot replace the output directory '{}' ({what}): {e}",
                self.out.display()
            ))
        };
        if fs::symlink_metadata(&self.out).is_err() {
            fs::rename(&self.dir, &self.out).map_err(|e| err("rename", e))?;
            self.committed = true;
            return Ok(());
        }
        // the user's entries move into the new run first
        let mut moved = Vec::new();
        let entries = fs::read_dir(&self.out).map_err(|e| err("read", e))?;
        for entry in entries {
            let entry = entry.map_err(|e| err("read", e))?;
            let name = entry.file_name();
            if self.is_output(&self.out, &name) {
                continue;
            }
            let (from, to) = (self.out.join(&name), self.dir.join(&name));
            let moved_one = if fs::symlink_metadata(&to).is_ok() {
                Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "'{}' is in the way of the file of that name the run writes",
                        from.display()
                    ),
                ))
            } else {
                fs::rename(&from, &to)
            };
            if let Err(e) = moved_one {
                for name in moved.iter().rev() {
                    let _ = fs::rename(self.dir.join(name), self.out.join(name));
                }
                return Err(err("keep the entries churnkit did not write", e));
            }
            moved.push(name);
        }
        if let Err(e) = swap(&self.dir, &self.out) {
            for name in moved.iter().rev() {
                let _ = fs::rename(self.dir.join(name), self.out.join(name));
            }
            return Err(err("swap", e));
        }
        self.committed = true;
        // self.dir now holds the earlier run
        let _ = fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn hidden_name(name: &OsStr, pid: u32) -> String {
    format!(".{}{MARK}{pid}", name.to_string_lossy())
}

/// Exchange the directories `a` and `b` atomically (`renameat2` with
/// `RENAME_EXCHANGE`, through rustix's safe wrapper).
#[cfg(target_os = "linux")]
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

/// Two renames where the exchange is not available: `b` (the earlier run)
/// aside under `a`'s name + [`ASIDE`], `a` (the new run) in its place, then
/// the earlier run under `a`'s name for removal. A process killed between
/// the first two renames leaves no DIR: the next run's recovery
/// ([`Staging::create`]) puts the earlier run back.
#[cfg(not(target_os = "linux"))]
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    let aside = PathBuf::from(format!("{}{ASIDE}", a.display()));
    fs::rename(b, &aside)?;
    if let Err(e) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(e);
    }
    fs::rename(&aside, a)
}
