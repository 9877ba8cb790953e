//! Printing query results: an aligned table, CSV or a JSON array of objects.

use std::io::Write;

use clap::ValueEnum;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::csv;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::json::{writer::JsonArray, WriterBuilder};
use datafusion::arrow::util::pretty::pretty_format_batches_with_schema;
use datafusion::execution::SendableRecordBatchStream;
use futures::StreamExt;

use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// An aligned text table
    Table,
    /// CSV with a header row; NULL is an empty field
    Csv,
    /// A JSON array of row objects; NULL is null
    Json,
}

/// Write a result stream in `format`. CSV and JSON are written batch by
/// batch as they are produced; a table needs every row to align its columns.
pub async fn write_stream(
    format: Format,
    mut stream: SendableRecordBatchStream,
    out: &mut dyn Write,
) -> Result<()> {
    let schema = stream.schema();
    match format {
        Format::Table => {
            let mut batches = Vec::new();
            while let Some(batch) = stream.next().await {
                batches.push(batch?);
            }
            write_table(&schema, &batches, out)?;
        }
        Format::Csv => {
            let mut writer = csv::WriterBuilder::new().with_header(true).build(&mut *out);
            let mut wrote = false;
            while let Some(batch) = stream.next().await {
                writer.write(&nested_as_text(batch?)?)?;
                wrote = true;
            }
            if !wrote && !schema.fields().is_empty() {
                // no rows: still print the header
                writer.write(&nested_as_text(RecordBatch::new_empty(schema.clone()))?)?;
            }
        }
        Format::Json => {
            let mut writer = WriterBuilder::new()
                .with_explicit_nulls(true)
                .build::<_, JsonArray>(&mut *out);
            while let Some(batch) = stream.next().await {
                writer.write(&batch?)?;
            }
            writer.finish()?;
            drop(writer);
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A writer that remembers whether the reader went away (`churnkit sql ... | head`):
/// Arrow's CSV writer reports that as a text error, so the kind is lost on the way up.
pub struct PipeAware<W: Write> {
    inner: W,
    broken: bool,
}

impl<W: Write> PipeAware<W> {
    pub fn new(inner: W) -> Self {
        PipeAware {
            inner,
            broken: false,
        }
    }

    pub fn broken_pipe(&self) -> bool {
        self.broken
    }

    fn note<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.broken = true;
            }
        }
        r
    }
}

impl<W: Write> Write for PipeAware<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.note(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.note(r)
    }
}

/// CSV has no nested values: lists, structs and maps are written as their
/// display text (`[1, 2, 3]`, `{days: 30, ...}`), binary summaries as hex.
fn nested_as_text(batch: RecordBatch) -> Result<RecordBatch> {
    use datafusion::arrow::array::{ArrayRef, StringBuilder};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
    use std::sync::Arc;
    let nested = |t: &DataType| {
        t.is_nested()
            || matches!(
                t,
                DataType::Binary | DataType::LargeBinary | DataType::BinaryView
            )
    };
    if !batch
        .schema()
        .fields()
        .iter()
        .any(|f| nested(f.data_type()))
    {
        return Ok(batch);
    }
    let options = FormatOptions::default();
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        if nested(field.data_type()) {
            let formatter = ArrayFormatter::try_new(column.as_ref(), &options)?;
            let mut b = StringBuilder::new();
            for i in 0..column.len() {
                if column.is_null(i) {
                    b.append_null();
                } else {
                    b.append_value(formatter.value(i).to_string());
                }
            }
            fields.push(Field::new(field.name(), DataType::Utf8, true));
            columns.push(Arc::new(b.finish()));
        } else {
            fields.push(field.as_ref().clone());
            columns.push(column.clone());
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

fn write_table(schema: &SchemaRef, batches: &[RecordBatch], out: &mut dyn Write) -> Result<()> {
    if schema.fields().is_empty() {
        return Ok(()); // a statement without a result (CREATE VIEW ...)
    }
    writeln!(
        out,
        "{}",
        pretty_format_batches_with_schema(schema.clone(), batches)?
    )?;
    Ok(())
}
