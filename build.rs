//! Build script of the extension crate `churnkit`: embeds the shared view SQL
//! of the warehouse layer (`sql/views/`) into the extension, so that a new or
//! changed view file is picked up by the next build without a code change.
//!
//! Every `sql/views/NN_<view>.sql` (NN = creation order) becomes one entry of
//! `$OUT_DIR/warehouse_views.rs`, included by `src/warehouse/views.rs`:
//! position NN, view name, file, SQL text (the SELECT after the comment
//! header, without a trailing `;`), the view's description (first header
//! line) and the column descriptions (`-- column: description` lines). A
//! Postgres override `NN_<view>.postgres.sql` replaces the shared file (and
//! its header); `NN_<view>.datafusion.sql` is DataFusion's and is ignored.
//!
//! A malformed file name or an empty SELECT fails the build, naming the file.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// One view file after parsing.
struct ViewFile {
    position: u32,
    name: String,
    file: String,
    sql: String,
    description: String,
    columns: Vec<(String, String)>,
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let dir = root.join("sql").join("views");
    // A directory: cargo rescans every file in it. (A path that does not
    // exist yet makes cargo rerun this script on every build: cheap.)
    println!("cargo:rerun-if-changed=sql/views");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=sql/view_files.rs");

    let views = read_views(&dir).unwrap_or_else(|e| panic!("churnkit build.rs: {e}"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("warehouse_views.rs");
    fs::write(&out, render(&views))
        .unwrap_or_else(|e| panic!("churnkit build.rs: writing {}: {e}", out.display()));
}

#[path = "sql/view_files.rs"]
mod view_files;

fn read_views(dir: &Path) -> Result<Vec<ViewFile>, String> {
    let mut views = Vec::new();
    for v in view_files::select(dir, "postgres")? {
        let Some(path) = v.path else {
            continue; // DataFusion only
        };
        let text =
            fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let file = view_files::display_name(&path);
        let (description, columns, sql) = parse_file(&text);
        if sql.is_empty() {
            return Err(format!("{file}: no SELECT after the comment header"));
        }
        if description.is_empty() {
            return Err(format!(
                "{file}: the first line must be a comment: the view's description"
            ));
        }
        views.push(ViewFile {
            position: v.position,
            name: v.name,
            file,
            sql,
            description,
            columns,
        });
    }
    Ok(views)
}

/// (view description, column descriptions, SQL body) of a view file.
///
/// The header is the run of comment lines (`--`) and blank lines at the top
/// of the file; its first comment line is the view's description, and every
/// later line `-- name: description` describes column `name`. Other header
/// lines (an override's explanation, separators) are not descriptions. A
/// header line that starts with more than one space after `--` continues the
/// previous description.
fn parse_file(text: &str) -> (String, Vec<(String, String)>, String) {
    let mut description = String::new();
    let mut columns: Vec<(String, String)> = Vec::new();
    let mut lines = text.lines().peekable();
    let mut first = true;
    // the description that a continuation line extends: None = view, Some(i) = column i
    let mut last: Option<Option<usize>> = None;
    while let Some(line) = lines.peek() {
        let t = line.trim_start();
        if t.is_empty() {
            lines.next();
            last = None;
            continue;
        }
        let Some(comment) = t.strip_prefix("--") else {
            break;
        };
        lines.next();
        let body = comment.trim();
        if body.is_empty() {
            last = None;
            continue;
        }
        if first {
            description = body.to_string();
            first = false;
            last = Some(None);
            continue;
        }
        if comment.starts_with("  ") {
            match last {
                Some(None) => {
                    description.push(' ');
                    description.push_str(body);
                    continue;
                }
                Some(Some(i)) => {
                    columns[i].1.push(' ');
                    columns[i].1.push_str(body);
                    continue;
                }
                None => {}
            }
        }
        last = None;
        if let Some((name, desc)) = body.split_once(':') {
            let name = name.trim();
            let desc = desc.trim();
            if view_files::is_ident(name) && !desc.is_empty() {
                columns.push((name.to_string(), desc.to_string()));
                last = Some(Some(columns.len() - 1));
            }
        }
    }
    let rest: Vec<&str> = lines.collect();
    (
        description,
        columns,
        view_files::strip_terminator(&rest.join("\n")),
    )
}

fn render(views: &[ViewFile]) -> String {
    let mut s = String::from("// @generated by build.rs from sql/views/: do not edit.\n");
    s.push_str("pub(crate) static VIEW_FILES: &[ViewFile] = &[\n");
    for v in views {
        let _ = writeln!(s, "    ViewFile {{");
        let _ = writeln!(s, "        position: {},", v.position);
        let _ = writeln!(s, "        name: {:?},", v.name);
        let _ = writeln!(s, "        file: {:?},", v.file);
        let _ = writeln!(s, "        sql: {:?},", v.sql);
        let _ = writeln!(s, "        description: {:?},", v.description);
        let _ = writeln!(s, "        columns: &[");
        for (c, d) in &v.columns {
            let _ = writeln!(s, "            ({c:?}, {d:?}),");
        }
        let _ = writeln!(s, "        ],");
        let _ = writeln!(s, "    }},");
    }
    s.push_str("];\n");
    s
}
