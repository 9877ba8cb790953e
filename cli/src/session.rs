//! The DataFusion session of every verb: UTC, the churnkit functions, the
//! reference time `as_of()`, and the files named on the command line
//! registered as tables.

use std::path::Path;
use std::sync::Arc;

use datafusion::execution::context::SessionConfig;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionContext};

use crate::error::{CliError, Result};
use crate::files::FileFormat;
use crate::warehouse::as_of::{AsOf, AsOfFunc};
use crate::warehouse::inputs::InputContractFunc;

/// A file to register as a table (`--table NAME=PATH`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableArg {
    pub name: String,
    pub path: String,
}

/// clap value parser of `NAME=PATH`: NAME is an SQL identifier (letters,
/// digits, `_`, not starting with a digit), PATH is not empty.
pub fn parse_table_arg(s: &str) -> std::result::Result<TableArg, String> {
    let (name, path) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}' is not NAME=PATH"))?;
    let name = name.trim();
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!("'{name}' is not a valid table name (letters, digits and '_', not starting with a digit)"));
    }
    if path.is_empty() {
        return Err(format!("no path given for table '{name}'"));
    }
    Ok(TableArg {
        name: name.to_string(),
        path: path.to_string(),
    })
}

/// A session in UTC with every churnkit function registered, and `as_of()`
/// returning `as_of` (resolve it once per command: see [`crate::warehouse::as_of`]).
///
/// Query execution holds at most [`memory_limit`] bytes (hash tables, sort
/// buffers, aggregate states): past it, aggregations and sorts spill to
/// temporary files, and a step that cannot spill stops with DataFusion's
/// "Resources exhausted" error instead of the machine running out of memory.
pub fn new_context(as_of: AsOf) -> Result<SessionContext> {
    let mut config = SessionConfig::new().with_information_schema(true);
    config.options_mut().execution.time_zone = Some("UTC".to_string());
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_pool(Arc::new(FairSpillPool::new(memory_limit()?)))
        .build_arc()?;
    let ctx = SessionContext::new_with_config_rt(config, runtime);
    datafusion_churnkit::register_all(&ctx);
    ctx.register_udf(AsOfFunc::udf(as_of));
    ctx.register_udtf("input_contract", std::sync::Arc::new(InputContractFunc));
    Ok(ctx)
}

/// The memory limit of query execution: `CHURNKIT_MEMORY_LIMIT` (bytes, or
/// with a suffix K, M, G: `512M`, `8G`), by default half the machine's
/// memory (`MemTotal` of /proc/meminfo; 4 GiB where that cannot be read).
/// Half leaves room for what the pool does not count (Parquet decoding
/// buffers, the record batches in flight, the report).
pub fn memory_limit() -> Result<usize> {
    match std::env::var("CHURNKIT_MEMORY_LIMIT") {
        Ok(text) => parse_size(&text).ok_or_else(|| {
            CliError::msg(format!(
                "CHURNKIT_MEMORY_LIMIT: '{text}' is not a size (bytes, or a number with K, M or G: 512M, 8G)"
            ))
        }),
        Err(_) => Ok(machine_memory().map_or(4 << 30, |m| m / 2)),
    }
}

fn machine_memory() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// `123`, `512K`, `512M`, `8G` (binary multiples, case-insensitive, an
/// optional trailing `B`/`iB`); at least 1 MiB.
fn parse_size(text: &str) -> Option<usize> {
    let t = text.trim().to_ascii_uppercase();
    let t = t
        .strip_suffix("IB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(&t);
    let (digits, shift) = match t.chars().last()? {
        'K' => (&t[..t.len() - 1], 10),
        'M' => (&t[..t.len() - 1], 20),
        'G' => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: usize = digits.trim().parse().ok()?;
    n.checked_mul(1usize << shift).filter(|&b| b >= 1 << 20)
}

#[cfg(test)]
mod memory_tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("8G"), Some(8 << 30));
        assert_eq!(parse_size("512m"), Some(512 << 20));
        assert_eq!(parse_size("2GiB"), Some(2 << 30));
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("1024K"), Some(1 << 20));
        for bad in ["", "G", "-1G", "1.5G", "10", "lots", "99999999999999G"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }
}

/// Register `table.path` as `table.name`, reading it by its extension.
pub async fn register_table(ctx: &SessionContext, table: &TableArg) -> Result<()> {
    let TableArg { name, path } = table;
    let p = Path::new(path);
    if !p.exists() {
        return Err(CliError::msg(format!(
            "--table {name}: no such file or directory: {path}"
        )));
    }
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = FileFormat::from_extension(ext).ok_or_else(|| {
        CliError::msg(format!(
            "--table {name}: cannot tell the format of '{path}' from its extension (expected .parquet, .csv, .json or .ndjson)"
        ))
    })?;
    // a single file: a regular one (a FIFO would block forever), and a
    // Parquet file with a sound footer (the parquet crate panics on some)
    if !p.is_dir() {
        let error = |m: String| CliError::msg(format!("--table {name}: '{path}' {m}"));
        let meta = std::fs::metadata(p).map_err(|e| error(format!("cannot be read: {e}")))?;
        if !meta.is_file() {
            return Err(error(
                "is not a regular file (a FIFO, socket or device cannot be a table: copy it to a file first)".into(),
            ));
        }
        if format == FileFormat::Parquet {
            crate::warehouse::inputs::check_parquet_footer(p, meta.len(), error)?;
        }
    }
    // DataFusion only reads files with the given extension: use the file's own
    let dotted = format!(".{ext}");
    match format {
        FileFormat::Parquet => {
            ctx.register_parquet(
                name.as_str(),
                path,
                ParquetReadOptions::default().file_extension(&dotted),
            )
            .await?
        }
        FileFormat::Csv => {
            ctx.register_csv(
                name.as_str(),
                path,
                CsvReadOptions::new()
                    .has_header(true)
                    .file_extension(&dotted),
            )
            .await?
        }
        FileFormat::NdJson => {
            ctx.register_json(
                name.as_str(),
                path,
                JsonReadOptions::default().file_extension(&dotted),
            )
            .await?
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_args() {
        assert_eq!(
            parse_table_arg("events=data/e.parquet").unwrap(),
            TableArg {
                name: "events".into(),
                path: "data/e.parquet".into()
            }
        );
        assert_eq!(parse_table_arg("a=b=c.csv").unwrap().path, "b=c.csv");
        assert!(parse_table_arg("events").is_err());
        assert!(parse_table_arg("=x.csv").is_err());
        assert!(parse_table_arg("1abc=x.csv").is_err());
        assert!(parse_table_arg("a.b=x.csv").is_err());
        assert!(parse_table_arg("a=").is_err());
    }

    #[test]
    fn formats() {
        assert_eq!(
            FileFormat::from_extension("PARQUET"),
            Some(FileFormat::Parquet)
        );
        assert_eq!(FileFormat::from_extension("csv"), Some(FileFormat::Csv));
        assert_eq!(
            FileFormat::from_extension("ndjson"),
            Some(FileFormat::NdJson)
        );
        assert_eq!(FileFormat::from_extension("json"), Some(FileFormat::NdJson));
        assert_eq!(FileFormat::from_extension("txt"), None);
        assert_eq!(FileFormat::from_extension(""), None);
    }
}
