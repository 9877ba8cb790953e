//! `churnkit sql`: run SQL with the churnkit functions over files.

use std::io::{BufWriter, Read};

use clap::Args;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::DFParserBuilder;
use datafusion::sql::sqlparser::dialect::dialect_from_str;

use crate::error::{CliError, Result};
use crate::output::{write_stream, Format, PipeAware};
use crate::session::{new_context, parse_table_arg, register_table, TableArg};
use crate::warehouse::as_of::AsOfArg;

/// Run SQL over Parquet, CSV or JSON files with the churnkit functions
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    churnkit sql \"SELECT engagement_score(600, 15, 30, 30) AS s, health_tier(72) AS t\"\n  \
    churnkit sql --table events=events.parquet --format csv \\\n    \
    \"CREATE VIEW v AS SELECT account_id, count(*) AS n FROM events GROUP BY 1; SELECT * FROM v ORDER BY n DESC LIMIT 10\"\n  \
    churnkit sql --as-of 2024-07-01T00:00:00Z --table events=events.parquet \\\n    \
    \"SELECT account_id, activity_trend(occurred_at, as_of(), 14) AS trend FROM events GROUP BY 1\"")]
pub struct SqlArgs {
    /// Register a file as a table, by extension: .parquet, .csv (with a header row), .json/.ndjson (one object per line). Repeatable.
    #[arg(long = "table", short = 't', value_name = "NAME=PATH", value_parser = parse_table_arg)]
    pub tables: Vec<TableArg>,

    /// Output format of the result
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,

    #[command(flatten)]
    pub as_of: AsOfArg,

    /// SQL to run ('-' reads it from stdin). Several statements separated by ';' run in order; the result of the last one is printed.
    #[arg(value_name = "SQL")]
    pub sql: String,
}

pub async fn run(args: SqlArgs) -> Result<()> {
    let ctx = new_context(args.as_of.resolve())?;
    for table in &args.tables {
        register_table(&ctx, table).await?;
    }
    let sql = if args.sql == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        args.sql
    };
    let stream = run_statements(&ctx, &sql).await?;
    let stdout = std::io::stdout();
    let mut out = PipeAware::new(BufWriter::new(stdout.lock()));
    let written = write_stream(args.format, stream, &mut out).await;
    if out.broken_pipe() {
        return Ok(()); // the reader has all it wanted
    }
    written
}

/// Split `sql` into statements with DataFusion's parser (the session's
/// dialect), run all but the last to completion in order, and return the
/// result stream of the last one.
pub async fn run_statements(ctx: &SessionContext, sql: &str) -> Result<SendableRecordBatchStream> {
    let mut statements = {
        let state = ctx.state();
        let options = state.config().options();
        let dialect_name = options.sql_parser.dialect;
        let dialect = dialect_from_str(dialect_name).ok_or_else(|| {
            CliError::msg(format!(
                "unsupported SQL dialect: {}",
                dialect_name.as_ref()
            ))
        })?;
        DFParserBuilder::new(sql)
            .with_dialect(dialect.as_ref())
            .with_recursion_limit(options.sql_parser.recursion_limit.get())
            .build()?
            .parse_statements()?
    };
    let Some(last) = statements.pop_back() else {
        return Err(CliError::msg("no SQL statement to run"));
    };
    for statement in statements {
        // planned against the session as left by the previous statements
        let plan = ctx.state().statement_to_plan(statement).await?;
        ctx.execute_logical_plan(plan).await?.collect().await?;
    }
    let plan = ctx.state().statement_to_plan(last).await?;
    Ok(ctx
        .execute_logical_plan(plan)
        .await?
        .execute_stream()
        .await?)
}
