//! Every function is documented (`#[user_doc]`), and every SQL example in its
//! documentation runs and prints exactly what the documentation shows.

use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::logical_expr::Documentation;
use datafusion_churnkit::{all_aggregate_udfs, all_scalar_udfs};

use crate::{ctx, query};

/// Split a documentation example into (query, expected output lines):
/// a query starts with `> ` and runs to the line ending with `;`.
fn examples(doc: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_query = false;
    for line in doc.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            continue;
        }
        if let Some(q) = t.strip_prefix("> ") {
            out.push((q.to_string(), Vec::new()));
            in_query = !q.ends_with(';');
        } else if in_query {
            let last = out.last_mut().expect("query");
            last.0.push(' ');
            last.0.push_str(t);
            in_query = !t.ends_with(';');
        } else if let Some(last) = out.last_mut() {
            if !t.is_empty() {
                last.1.push(t.to_string());
            }
        }
    }
    out
}

/// Check one function's documentation and run its examples.
async fn check_doc(
    ctx: &datafusion::prelude::SessionContext,
    name: &str,
    doc: Option<&Documentation>,
    failures: &mut Vec<String>,
) {
    let doc = doc.unwrap_or_else(|| panic!("{name} has no documentation"));
    assert_eq!(doc.doc_section.label, "churnkit Functions");
    assert!(
        doc.syntax_example.starts_with(&format!("{name}(")),
        "{}",
        doc.syntax_example
    );
    assert!(!doc.description.is_empty());
    let args = doc.arguments.as_ref().expect("argument docs");
    assert!(!args.is_empty());
    let sql_example = doc.sql_example.as_ref().expect("sql example");
    let found = examples(sql_example);
    assert!(!found.is_empty(), "{name} has no runnable example");
    for (sql, expected) in found {
        let batches = query(ctx, sql.trim_end_matches(';')).await;
        let shown = pretty_format_batches(&batches).unwrap().to_string();
        let shown: Vec<&str> = shown.lines().collect();
        if shown != expected {
            failures.push(format!(
                "example of {name}: {sql}\nexpected:\n{}\ngot:\n{}",
                expected.join("\n"),
                shown.join("\n")
            ));
        }
    }
}

#[tokio::test]
async fn every_function_is_documented_and_its_examples_run() {
    let ctx = ctx();
    let udfs = all_scalar_udfs();
    assert_eq!(udfs.len(), 17);
    let mut failures = Vec::new();
    for udf in udfs {
        check_doc(&ctx, udf.name(), udf.documentation(), &mut failures).await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[tokio::test]
async fn every_aggregate_is_documented_and_its_examples_run() {
    let ctx = ctx();
    let udafs = all_aggregate_udfs();
    assert_eq!(udafs.len(), 7);
    let mut failures = Vec::new();
    for udaf in udafs {
        check_doc(&ctx, udaf.name(), udaf.documentation(), &mut failures).await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
