//! `churnkit generate`: a realistic, deterministic synthetic SaaS data set
//! ([`model`]), written as the input files of the views.

mod model;

pub use model::*;

use crate::files::{CsvTimestamps, FileWriter, OutputFormat};

/// Write a synthetic SaaS dataset: accounts, events, mrr and tickets
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  churnkit generate --accounts 2000 --days 540 --seed 42 --out data/\n\
    Writes DIR/accounts.EXT, DIR/events.EXT, DIR/mrr.EXT and DIR/tickets.EXT (the input contract of the views)."
)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub size: DataSetArgs,
    /// Multiplies the event rate (1 = about 3 events per active account-day)
    #[arg(long, default_value_t = 1.0, value_parser = parse_scale)]
    pub scale: f64,
    /// Last day of the history (exclusive), YYYY-MM-DD (1900-01-01 to 9999-12-31)
    #[arg(long, default_value = "2024-07-01", value_parser = parse_end)]
    pub end: i64,
    /// Physical order of the events rows: time (by time, accounts
    /// interleaved, as an append-only table is kept), account (each account's
    /// events together) or random (a seeded permutation). Same rows in every order.
    #[arg(long, value_enum, default_value_t = EventOrder::Time)]
    pub order: EventOrder,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Parquet)]
    pub format: OutputFormat,
    /// Output directory (created if missing)
    #[arg(long)]
    pub out: std::path::PathBuf,
}

/// The size and seed of a generated data set: the options `generate` and
/// `demo` share.
#[derive(Debug, clap::Args)]
pub struct DataSetArgs {
    /// Number of accounts
    #[arg(long, default_value_t = GenConfig::default().accounts, value_parser = parse_accounts)]
    pub accounts: u64,
    /// Days of history up to the end date (2024-07-01; generate can change it with --end)
    #[arg(long, default_value_t = GenConfig::default().days, value_parser = parse_days)]
    pub days: i64,
    /// Random seed: the same seed gives the same data
    #[arg(long, default_value_t = GenConfig::default().seed)]
    pub seed: u64,
}

impl DataSetArgs {
    /// The generator's configuration (default end and scale), after checking
    /// the ranges.
    pub fn config(&self) -> crate::error::Result<GenConfig> {
        Ok(GenConfig {
            accounts: self.accounts,
            days: self.days,
            seed: self.seed,
            ..GenConfig::default()
        })
    }
}

pub fn run(args: GenerateArgs) -> crate::error::Result<()> {
    let end_day = args.end;
    let base = args.size.config()?;
    let cfg = GenConfig {
        end: end_day * DAY,
        scale: args.scale,
        order: args.order,
        ..base
    };
    let started = std::time::Instant::now();
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let stats = write_dataset(&cfg, &args.out, args.format, |written| {
        if progress {
            eprint!("\rchurnkit generate: {written} events ...");
        }
    });
    if progress {
        eprint!("\r\x1b[K");
    }
    let stats = stats?;
    eprintln!(
        "churnkit generate: {} accounts, {} events, {} MRR rows, {} tickets in {:.1}s -> {}",
        stats.accounts,
        stats.events,
        stats.mrr_rows,
        stats.tickets,
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

/// Write the data set of `cfg` into `dir` (created if missing) as
/// `DIR/{accounts,events,mrr,tickets}.EXT`: into hidden temporary files,
/// renamed only when all four are complete, so an interrupted or failed run
/// never leaves a file that looks complete. `events_written` is called with
/// the running count of events after each batch.
pub fn write_dataset(
    cfg: &GenConfig,
    dir: &std::path::Path,
    format: OutputFormat,
    mut events_written: impl FnMut(u64),
) -> crate::error::Result<GenStats> {
    use crate::error::CliError;
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::msg(format!("cannot create '{}': {e}", dir.display())))?;
    let ext = format.extension();
    let tables = [
        ("accounts", accounts_schema()),
        ("events", events_schema()),
        ("mrr", mrr_schema()),
        ("tickets", tickets_schema()),
    ];
    let mut writers = Vec::new();
    let cleanup = |writers: &[(&str, std::path::PathBuf, FileWriter)]| {
        for w in writers {
            let _ = std::fs::remove_file(&w.1);
        }
    };
    for (name, schema) in &tables {
        let tmp = dir.join(format!(".{name}.{ext}.partial"));
        match FileWriter::create(&tmp, format, schema.clone(), CsvTimestamps::Micros) {
            Ok(w) => writers.push((*name, tmp, w)),
            Err(e) => {
                cleanup(&writers);
                return Err(e);
            }
        }
    }
    let mut written = 0u64;
    let stats = generate(cfg, |table, batch| {
        let w = writers
            .iter_mut()
            .find(|w| w.0 == table)
            .expect("known table");
        w.2.write(&batch)
            .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
        if table == "events" {
            written += batch.num_rows() as u64;
            events_written(written);
        }
        Ok(())
    });
    let stats = match stats {
        Ok(s) => s,
        Err(e) => {
            cleanup(&writers);
            return Err(e.into());
        }
    };
    let mut done = Vec::new();
    for (name, tmp, w) in writers {
        w.close()?;
        done.push((name, tmp));
    }
    for (name, tmp) in done {
        let dest = dir.join(format!("{name}.{ext}"));
        std::fs::rename(&tmp, &dest)
            .map_err(|e| CliError::msg(format!("{}: {e}", dest.display())))?;
    }
    Ok(stats)
}

// Option values out of range are usage errors (exit status 2, clap's
// "invalid value ... for '--OPTION'" message), found before anything runs.

fn parse_accounts(s: &str) -> std::result::Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (1..=100_000_000).contains(&n) => Ok(n),
        _ => Err("must be a whole number between 1 and 100000000".to_string()),
    }
}

fn parse_days(s: &str) -> std::result::Result<i64, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if (1..=36_500).contains(&n) => Ok(n),
        _ => Err("must be a whole number between 1 and 36500".to_string()),
    }
}

fn parse_scale(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1000.0 => Ok(x),
        _ => Err("must be a number greater than 0 and at most 1000".to_string()),
    }
}

/// `--end YYYY-MM-DD` as a day number, in 1900-01-01 ..= 9999-12-31 (a
/// synthetic history needs no other years, and every tool that reads the
/// files can print these).
fn parse_end(s: &str) -> std::result::Result<i64, String> {
    use churnkit_core::agg::text::parse_date;
    let range = parse_date("1900-01-01").zip(parse_date("9999-12-31"));
    match (parse_date(s.trim()), range) {
        (Some(d), Some((lo, hi))) if (lo..=hi).contains(&d) => Ok(d),
        (Some(_), _) => Err("must be a date from 1900-01-01 to 9999-12-31".to_string()),
        (None, _) => Err("not a date (expected YYYY-MM-DD)".to_string()),
    }
}
