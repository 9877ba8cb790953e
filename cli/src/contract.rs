//! `churnkit contract`: print the input contract of `churnkit run` (the
//! columns each input file must have), the same rows as Postgres'
//! `SELECT * FROM churnkit.input_contract()`; both come from
//! `sql/input_contract.md`. `churnkit sql "SELECT * FROM input_contract()"`
//! reads the same table.

use std::io::BufWriter;

use clap::Args;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;

use crate::error::Result;
use crate::output::{write_stream, Format, PipeAware};
use crate::warehouse::inputs::contract_batch;

/// Print the input contract: the columns each input file of `churnkit run` must (or may) have
#[derive(Debug, Args)]
#[command(
    after_help = "Every column must be in the file under its name, of a type of its family \
(id: any integer; number: integers, floats, decimals; text: any string; boolean; timestamp: with a \
time zone, or without one or a date, read as UTC; month: a date or timestamp, truncated to the \
month). Optional columns may be absent; other columns are ignored."
)]
pub struct ContractArgs {
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub async fn run(args: ContractArgs) -> Result<()> {
    let batch = contract_batch()?;
    let schema = batch.schema();
    let stream = Box::pin(RecordBatchStreamAdapter::new(
        schema,
        futures::stream::iter([Ok(batch)]),
    ));
    let stdout = std::io::stdout();
    let mut out = PipeAware::new(BufWriter::new(stdout.lock()));
    let written = write_stream(args.format, stream, &mut out).await;
    if out.broken_pipe() {
        return Ok(());
    }
    written
}
