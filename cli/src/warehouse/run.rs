//! `churnkit run`: the ETL job of docs/warehouse.md on files. Maps the input files
//! onto the input contract (see [`crate::warehouse::inputs`]), runs the twelve warehouse
//! views of `sql/views/` (embedded at build time, the same SQL as Postgres),
//! writes each to `DIR/<view>.parquet` (or `.csv`), renders
//! `DIR/report.html`, and prints the accounts that need attention.
//!
//! DIR always holds one complete run: the files are written into a hidden
//! sibling directory, which replaces DIR in one atomic step only when every
//! view and the report succeeded (see [`crate::commit`]); on failure, or if
//! the process is killed, DIR is the earlier run, untouched.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::{concat_batches, sort_to_indices, take_record_batch};
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::datasource::MemTable;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::physical_plan::memory::MemoryStream;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::prelude::{ident, SessionContext};
use futures::StreamExt;

use crate::commit::Staging;
use crate::error::{CliError, Result};
use crate::files::{CsvTimestamps, FileWriter, OutputFormat};
use crate::output::{write_stream, Format};
use crate::progress::Progress;
use crate::report;
use crate::session::new_context;
use crate::warehouse::as_of::{AsOf, AsOfArg};
use crate::warehouse::inputs::{register_inputs, InputPaths};
use crate::warehouse::views::{ViewFile, VIEW_FILES};

/// Run the warehouse views on files: every view to a file, an HTML report, the accounts needing attention
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    churnkit run --events data/events.parquet --accounts data/accounts.parquet \\\n    \
    --mrr data/mrr.parquet --tickets data/tickets.parquet --out out/\n  \
    churnkit run --events events.csv --accounts accounts.csv --key-events export_data,invite_user \\\n    \
    --as-of 2024-07-01 --format csv --out out/\n\n\
    Writes DIR/<view>.parquet (or .csv) for each of the 12 views and DIR/report.html, only when all succeeded.\n\
    Exit status: 0 success, 1 error (one line on stderr), 2 bad usage.")]
pub struct RunArgs {
    /// Product events: account_id, user_id, occurred_at, event_name, duration_seconds (optional), is_key_action
    #[arg(long, value_name = "PATH")]
    pub events: PathBuf,
    /// Accounts: account_id, name, signed_up_at, plan, mrr, seats_purchased, renewal_at, churned_at, churn_reason (the last four optional)
    #[arg(long, value_name = "PATH")]
    pub accounts: PathBuf,
    /// Paid months (optional): account_id, month, mrr. Without it there are no MRR movements.
    #[arg(long, value_name = "PATH")]
    pub mrr: Option<PathBuf>,
    /// Support tickets (optional): account_id, opened_at, first_response_at, resolved_at (optional)
    #[arg(long, value_name = "PATH")]
    pub tickets: Option<PathBuf>,
    /// Derive is_key_action from event_name: these names are the key actions (the events file then needs no is_key_action column)
    #[arg(long = "key-events", value_name = "NAME,...", value_parser = parse_key_events)]
    pub key_events: Vec<KeyEvents>,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// Output directory (created if missing)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// File format of the views
    #[arg(long, value_enum, default_value_t = OutputFormat::Parquet)]
    pub format: OutputFormat,
    /// No progress on stderr
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// One run of the job.
pub struct Job<'a> {
    pub inputs: InputPaths<'a>,
    pub key_events: Option<Vec<String>>,
    pub as_of: AsOf,
    pub out: &'a Path,
    pub format: OutputFormat,
}

/// What a successful run leaves for the caller to print.
pub struct Outcome {
    /// The accounts needing attention, all rows.
    pub attention: Vec<RecordBatch>,
    pub attention_schema: SchemaRef,
    /// `DIR/accounts_needing_attention.<ext>`.
    pub attention_file: PathBuf,
    /// `DIR/report.html`.
    pub report: PathBuf,
}

/// The stages of a run, for the progress counter: the inputs, every view,
/// the report.
pub fn stages() -> usize {
    VIEW_FILES.len() + 2
}

pub async fn run(args: RunArgs) -> Result<()> {
    let as_of = args.as_of.resolve(); // once, when the command starts
                                      // repeatable: `--key-events a,b --key-events c` is a, b and c
    let key_events = (!args.key_events.is_empty())
        .then(|| args.key_events.into_iter().flat_map(|k| k.0).collect());
    let mut progress = Progress::new(args.quiet, stages());
    let job = Job {
        inputs: InputPaths {
            events: &args.events,
            accounts: &args.accounts,
            mrr: args.mrr.as_deref(),
            tickets: args.tickets.as_deref(),
        },
        key_events,
        as_of,
        out: &args.out,
        format: args.format,
    };
    let outcome = run_job(&job, &mut progress).await?;
    drop(progress);
    print_outcome(&outcome, &outcome.report).await
}

/// The names of `--key-events`.
#[derive(Debug, Clone)]
pub struct KeyEvents(pub Vec<String>);

/// `--key-events NAME,...`: names trimmed, empty ones dropped; at least one
/// (otherwise a usage error, exit status 2, like every bad option value).
fn parse_key_events(s: &str) -> std::result::Result<KeyEvents, String> {
    let names: Vec<String> = s
        .split(',')
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return Err("no event name given (expected NAME,NAME,...)".to_string());
    }
    Ok(KeyEvents(names))
}

/// The reference time as the report shows it: `2024-07-01 00:00:00 UTC`.
pub fn as_of_text(as_of: AsOf) -> String {
    match datafusion::arrow::temporal_conversions::timestamp_us_to_datetime(as_of.0) {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        None => format!("{} µs since 1970-01-01 UTC", as_of.0),
    }
}

/// The whole job: inputs, views, report, then the files moved into place.
pub async fn run_job(job: &Job<'_>, progress: &mut Progress) -> Result<Outcome> {
    // 1. every input checked and mapped before anything else
    progress.start("inputs");
    let ctx = new_context(job.as_of)?;
    // Parquet strings as Utf8 (the contract type), not Utf8View
    ctx.sql("SET datafusion.execution.parquet.schema_force_view_types = false")
        .await?;
    let rows = register_inputs(&ctx, &job.inputs, job.key_events.as_deref()).await?;
    let counted: Vec<String> = rows
        .iter()
        .map(|(name, rows)| {
            let what = if *name == "mrr" { "MRR rows" } else { name };
            match rows {
                Some(n) => format!("{n} {what}"),
                None => format!("no {name} file"),
            }
        })
        .collect();
    progress.finish(&format!(", {}", counted.join(", ")));

    // 2. every view created (planned) before any is computed: an error in
    //    the SQL stops the run before anything is written
    for view in VIEW_FILES {
        create_view(&ctx, view, false).await?;
    }

    // 3. each view computed and written into the staging directory. A view
    //    that later views read is then replaced by its rows in memory, so it
    //    is computed once (and the later views see the rows of its file).
    let ext = job.format.extension();
    let mut outputs: Vec<String> = VIEW_FILES
        .iter()
        .flat_map(|v| [format!("{}.parquet", v.name), format!("{}.csv", v.name)])
        .collect();
    outputs.push("report.html".to_string());
    let staging = Staging::create(job.out, outputs)?;
    let mut kept: BTreeMap<String, Vec<RecordBatch>> = BTreeMap::new();
    let mut attention_schema = None;
    for (i, view) in VIEW_FILES.iter().enumerate() {
        progress.start(view.name);
        if i > 0 {
            create_view(&ctx, view, true).await?; // bound to the rows computed so far
        }
        let for_report = report::VIEWS.contains(&view.name);
        let read_later = VIEW_FILES[i + 1..]
            .iter()
            .any(|later| mentions(later.sql, view.name));
        let path = staging.dir.join(format!("{}.{ext}", view.name));
        let (schema, rows, batches) =
            write_view(&ctx, view, &path, job.format, for_report || read_later).await?;
        progress.finish(&format!(", {rows} row{}", if rows == 1 { "" } else { "s" }));
        if view.name == "accounts_needing_attention" {
            attention_schema = Some(schema.clone());
        }
        if read_later {
            ctx.deregister_table(view.name)?;
            let table = MemTable::try_new(schema, vec![batches.clone()])?;
            ctx.register_table(view.name, Arc::new(table))?;
        }
        if for_report {
            kept.insert(view.name.to_string(), batches);
        }
    }

    // 4. the report
    progress.start("report.html");
    let html = report::render(&as_of_text(job.as_of), &kept)?;
    let report_tmp = staging.dir.join("report.html");
    std::fs::write(&report_tmp, html)
        .map_err(|e| CliError::msg(format!("{}: {e}", report_tmp.display())))?;
    progress.finish("");

    // 5. everything succeeded: the new run becomes DIR in one step
    staging.commit()?;

    let attention = kept
        .remove("accounts_needing_attention")
        .unwrap_or_default();
    let attention_schema = attention_schema
        .ok_or_else(|| CliError::msg("no view accounts_needing_attention in sql/views/"))?;
    Ok(Outcome {
        attention,
        attention_schema,
        attention_file: job.out.join(format!("accounts_needing_attention.{ext}")),
        report: job.out.join("report.html"),
    })
}

/// `CREATE [OR REPLACE] VIEW name AS <file text>`.
async fn create_view(ctx: &SessionContext, view: &ViewFile, replace: bool) -> Result<()> {
    let verb = if replace {
        "CREATE OR REPLACE VIEW"
    } else {
        "CREATE VIEW"
    };
    ctx.sql(&format!("{verb} {} AS\n{}", view.name, view.sql))
        .await
        .map_err(|e| view_error(view, e))?;
    Ok(())
}

/// Whether `sql` mentions the identifier `name` (a whole word).
fn mentions(sql: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    sql.match_indices(name).any(|(at, _)| {
        let before = sql[..at].chars().next_back();
        let after = sql[at + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

fn view_error(view: &ViewFile, e: impl std::fmt::Display) -> CliError {
    CliError::msg(format!("view {} ({}): {e}", view.name, view.file))
}

/// Compute `view` and stream it to `path`; returns its schema, its rows and,
/// when `keep`, its batches.
async fn write_view(
    ctx: &SessionContext,
    view: &ViewFile,
    path: &Path,
    format: OutputFormat,
    keep: bool,
) -> Result<(SchemaRef, u64, Vec<RecordBatch>)> {
    let stream = async {
        // rows in a fixed order (by every column, left to right: account_id,
        // month, cohort and period, rank...), so that a run writes the same
        // files whatever the inputs' format or the plan's parallelism
        let frame = ctx.table(view.name).await?;
        let order: Vec<_> = frame
            .schema()
            .fields()
            .iter()
            .filter(|f| !f.data_type().is_nested())
            .map(|f| ident(f.name()).sort(true, false))
            .collect();
        frame
            .sort(order)?
            .execute_stream()
            .await
            .map_err(CliError::from)
    }
    .await
    .map_err(|e| view_error(view, e))?;
    // every column nullable, as in Postgres: the files of a view have the
    // same schema whatever the inputs' own nullability (CSV or Parquet)
    let schema: SchemaRef = Arc::new(Schema::new(
        stream
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone().with_nullable(true))
            .collect::<Vec<_>>(),
    ));
    let nullable = schema.clone();
    let mut stream: SendableRecordBatchStream = Box::pin(RecordBatchStreamAdapter::new(
        schema.clone(),
        stream.map(move |batch| Ok(batch?.with_schema(nullable.clone())?)),
    ));
    let written = async {
        let mut writer = FileWriter::create(path, format, schema.clone(), CsvTimestamps::Rfc3339)?;
        let mut rows = 0u64;
        let mut batches = Vec::new();
        while let Some(batch) = stream.next().await {
            let batch = batch?;
            writer.write(&batch)?;
            rows += batch.num_rows() as u64;
            if keep {
                batches.push(batch);
            }
        }
        writer.close()?;
        Ok::<_, CliError>((rows, batches))
    }
    .await;
    let (rows, batches) = written.map_err(|e| view_error(view, e))?;
    Ok((schema, rows, batches))
}

/// For the screen: floats to one decimal (a health score of 63.0, not
/// 63.005008375).
fn rounded(batch: RecordBatch) -> Result<RecordBatch> {
    use datafusion::arrow::array::{ArrayRef, AsArray, Float64Array};
    use datafusion::arrow::datatypes::{DataType, Float64Type};
    let columns = batch
        .columns()
        .iter()
        .map(|c| -> ArrayRef {
            if c.data_type() == &DataType::Float64 {
                let values: Float64Array = c
                    .as_primitive::<Float64Type>()
                    .unary(|v| (v * 10.0).round() / 10.0);
                Arc::new(values)
            } else {
                c.clone()
            }
        })
        .collect();
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}

/// How many accounts needing attention are printed.
const ATTENTION_ROWS: usize = 25;

/// The accounts needing attention (the first 25 by rank) and the report's path.
pub async fn print_outcome(outcome: &Outcome, report_path: &Path) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let total: usize = outcome.attention.iter().map(|b| b.num_rows()).sum();
    if total == 0 {
        writeln!(out, "No account needs attention.")?;
    } else {
        let schema = outcome.attention_schema.clone();
        let all = concat_batches(&schema, &outcome.attention)?;
        let top = match schema.index_of("rank") {
            Ok(i) => {
                let order = sort_to_indices(all.column(i), None, Some(ATTENTION_ROWS))?;
                take_record_batch(&all, &order)?
            }
            Err(_) => all.slice(0, total.min(ATTENTION_ROWS)),
        };
        writeln!(
            out,
            "Accounts needing attention: {total}{}",
            if total > ATTENTION_ROWS {
                format!(", the first {ATTENTION_ROWS} by rank")
            } else {
                String::new()
            }
        )?;
        let top = rounded(top)?;
        let stream: SendableRecordBatchStream = Box::pin(MemoryStream::try_new(
            vec![top.clone()],
            top.schema(),
            None,
        )?);
        write_stream(Format::Table, stream, &mut out).await?;
        if total > ATTENTION_ROWS {
            writeln!(
                out,
                "... and {} more: {}",
                total - ATTENTION_ROWS,
                outcome.attention_file.display()
            )?;
        }
    }
    writeln!(out, "report: {}", report_path.display())?;
    out.flush()?;
    Ok(())
}
