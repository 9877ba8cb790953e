//! `churnkit`: the command-line ETL job (docs/warehouse.md). Each verb lives in its
//! own module; `main` only parses the command line, runs the verb and turns
//! its outcome into an exit code:
//!
//! * 0: success;
//! * 1: the verb failed: one line `churnkit: error: ...` on stderr;
//! * 2: bad usage (reported by clap);
//! * 101: an internal error (a panic; there should be none): one line
//!   `churnkit: internal error: ...` on stderr.

#![forbid(unsafe_code)]

mod commit;
mod contract;
mod demo;
mod error;
mod files;
mod generate;
mod output;
mod panic_guard;
mod progress;
mod report;
mod session;
mod sql;
mod warehouse;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

#[derive(Debug, Parser)]
#[command(
    name = "churnkit",
    version,
    about = "Customer-retention analytics on Parquet, CSV and JSON files, with the churnkit functions in embedded Apache DataFusion",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Run(warehouse::run::RunArgs),
    Demo(demo::DemoArgs),
    Sql(sql::SqlArgs),
    Generate(generate::GenerateArgs),
    Contract(contract::ContractArgs),
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse(); // usage errors exit with code 2
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&CliError::from(e)),
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Run(args) => warehouse::run::run(args).await,
            Command::Demo(args) => demo::run(args).await,
            Command::Sql(args) => sql::run(args).await,
            Command::Generate(args) => generate::run(args),
            Command::Contract(args) => contract::run(args).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS, // e.g. `churnkit sql ... | head`
        Err(e) => fail(&e),
    }
}

fn fail(e: &CliError) -> ExitCode {
    let _ = writeln!(
        std::io::stderr().lock(),
        "churnkit: error: {}",
        error::one_line(&e.to_string())
    );
    ExitCode::FAILURE
}

/// Last resort: a panic anywhere (including DataFusion's worker threads)
/// prints one line and ends the process with code 101.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if panic_guard::guarded() {
            return; // unwinds to panic_guard::catch, which reports it
        }
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("panic");
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr().lock(),
            "churnkit: internal error: {}{location}",
            error::one_line(message)
        );
        std::process::exit(101);
    }));
}
