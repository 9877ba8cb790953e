//! `churnkit demo`: everything working with one command. Generates the
//! default synthetic SaaS dataset (`churnkit generate`'s defaults, Parquet)
//! into `DIR/data`, then runs the ETL job (`churnkit run`) on it with DIR as
//! the output directory, as of the dataset's "today" (the generator's end
//! instant, so the demo is deterministic), and prints the accounts needing
//! attention and where the report is.

use std::fs::File;
use std::path::{Path, PathBuf};

use clap::Args;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::DataFusionError;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;

use crate::as_of::AsOf;
use crate::error::{CliError, Result};
use crate::generate::{self, GenConfig, GenStats};
use crate::inputs::InputPaths;
use crate::progress::Progress;
use crate::run::{print_outcome, run_job, stages, Job, OutputFormat};

/// Generate a synthetic SaaS dataset and run the whole job on it: views, report, accounts needing attention
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  churnkit demo --out churnkit-demo\n\n\
    Writes DIR/data/{accounts,events,mrr,tickets}.parquet, then what `churnkit run` writes:\n\
    DIR/<view>.parquet for each of the 12 views and DIR/report.html (open it in a browser).")]
pub struct DemoArgs {
    /// Output directory (created if missing)
    #[arg(long, value_name = "DIR", default_value = "churnkit-demo")]
    pub out: PathBuf,
    /// Number of accounts
    #[arg(long, default_value_t = GenConfig::default().accounts)]
    pub accounts: u64,
    /// Days of history (ending 2024-07-01, the demo's as_of())
    #[arg(long, default_value_t = GenConfig::default().days)]
    pub days: i64,
    /// Random seed: the same seed gives the same data
    #[arg(long, default_value_t = GenConfig::default().seed)]
    pub seed: u64,
    /// No progress on stderr
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub async fn run(args: DemoArgs) -> Result<()> {
    if args.accounts == 0 || args.accounts > 100_000_000 {
        return Err(CliError::msg("--accounts must be between 1 and 100000000"));
    }
    if !(1..=36_500).contains(&args.days) {
        return Err(CliError::msg("--days must be between 1 and 36500"));
    }
    let cfg = GenConfig {
        accounts: args.accounts,
        days: args.days,
        seed: args.seed,
        ..GenConfig::default()
    };
    let mut progress = Progress::new(args.quiet, stages() + 1);
    let data = args.out.join("data");
    progress.start(format!(
        "generate {} accounts, {} days",
        cfg.accounts, cfg.days
    ));
    let stats = write_dataset(&cfg, &data)?;
    progress.finish(&format!(", {} events", stats.events));

    let path = |name: &str| data.join(format!("{name}.parquet"));
    let (events, accounts, mrr, tickets) = (
        path("events"),
        path("accounts"),
        path("mrr"),
        path("tickets"),
    );
    let job = Job {
        inputs: InputPaths {
            events: &events,
            accounts: &accounts,
            mrr: Some(&mrr),
            tickets: Some(&tickets),
        },
        key_events: None,
        as_of: AsOf(cfg.end),
        out: &args.out,
        format: OutputFormat::Parquet,
    };
    let outcome = run_job(&job, &mut progress).await?;
    drop(progress);
    let report = std::fs::canonicalize(&outcome.report)
        .or_else(|_| std::path::absolute(&outcome.report))
        .unwrap_or_else(|_| outcome.report.clone());
    print_outcome(&outcome, &report).await
}

/// Write the dataset of `cfg` as Parquet into `dir`: hidden temporary files,
/// renamed when all four are complete.
fn write_dataset(cfg: &GenConfig, dir: &Path) -> Result<GenStats> {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::msg(format!("cannot create '{}': {e}", dir.display())))?;
    let tables: [(&str, SchemaRef); 4] = [
        ("accounts", generate::accounts_schema()),
        ("events", generate::events_schema()),
        ("mrr", generate::mrr_schema()),
        ("tickets", generate::tickets_schema()),
    ];
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writers = Vec::with_capacity(tables.len());
    for (name, schema) in &tables {
        let tmp = dir.join(format!(".{name}.parquet.partial"));
        let file =
            File::create(&tmp).map_err(|e| CliError::msg(format!("{}: {e}", tmp.display())))?;
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props.clone()))
            .map_err(DataFusionError::from)?;
        writers.push((*name, tmp, writer));
    }
    let generated = generate::generate(cfg, |table, batch: RecordBatch| {
        match writers.iter_mut().find(|w| w.0 == table) {
            Some(w) => Ok(w.2.write(&batch)?),
            None => Err(DataFusionError::Internal(format!(
                "generate: unknown table {table}"
            ))),
        }
    });
    let stats = match generated {
        Ok(s) => s,
        Err(e) => {
            for w in &writers {
                let _ = std::fs::remove_file(&w.1);
            }
            return Err(e.into());
        }
    };
    let mut done = Vec::with_capacity(writers.len());
    for (name, tmp, writer) in writers {
        writer.close().map_err(DataFusionError::from)?;
        done.push((name, tmp));
    }
    for (name, tmp) in done {
        let dest = dir.join(format!("{name}.parquet"));
        std::fs::rename(&tmp, &dest)
            .map_err(|e| CliError::msg(format!("{}: {e}", dest.display())))?;
    }
    Ok(stats)
}
