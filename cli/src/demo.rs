//! `churnkit demo`: everything working with one command. Generates the
//! default synthetic SaaS dataset (`churnkit generate`'s defaults, Parquet)
//! into `DIR/data`, then runs the ETL job (`churnkit run`) on it with DIR as
//! the output directory, as of the dataset's "today" (the generator's end
//! instant, so the demo is deterministic), and prints the accounts needing
//! attention and where the report is.

use std::path::PathBuf;

use clap::Args;

use crate::error::Result;
use crate::files::OutputFormat;
use crate::generate::{self, DataSetArgs};
use crate::progress::Progress;
use crate::warehouse::as_of::AsOf;
use crate::warehouse::inputs::InputPaths;
use crate::warehouse::run::{print_outcome, run_job, stages, Job};

/// Generate a synthetic SaaS dataset and run the whole job on it: views, report, accounts needing attention
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  churnkit demo --out churnkit-demo\n\n\
    Writes DIR/data/{accounts,events,mrr,tickets}.parquet, then what `churnkit run` writes:\n\
    DIR/<view>.parquet for each of the 12 views and DIR/report.html (open it in a browser).")]
pub struct DemoArgs {
    /// Output directory (created if missing)
    #[arg(long, value_name = "DIR", default_value = "churnkit-demo")]
    pub out: PathBuf,
    // the data set's size and seed; it always ends 2024-07-01, the demo's as_of()
    #[command(flatten)]
    pub size: DataSetArgs,
    /// No progress on stderr
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub async fn run(args: DemoArgs) -> Result<()> {
    let cfg = args.size.config()?;
    let mut progress = Progress::new(args.quiet, stages() + 1);
    let data = args.out.join("data");
    progress.start(format!(
        "generate {} accounts, {} days",
        cfg.accounts, cfg.days
    ));
    let stats = generate::write_dataset(&cfg, &data, crate::files::OutputFormat::Parquet, |_| {})?;
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
