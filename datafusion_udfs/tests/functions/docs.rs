//! Every function is documented (`#[user_doc]`), and every SQL example in its
//! documentation runs and prints exactly what the documentation shows.

use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion_churnkit::all_scalar_udfs;

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

#[tokio::test]
async fn every_function_is_documented_and_its_examples_run() {
    let ctx = ctx();
    let udfs = all_scalar_udfs();
    assert_eq!(udfs.len(), 7);
    for udf in udfs {
        let doc = udf.documentation().unwrap_or_else(|| panic!("{} has no documentation", udf.name()));
        assert_eq!(doc.doc_section.label, "churnkit Functions");
        assert!(doc.syntax_example.starts_with(&format!("{}(", udf.name())), "{}", doc.syntax_example);
        assert!(!doc.description.is_empty());
        let args = doc.arguments.as_ref().expect("argument docs");
        assert!(!args.is_empty());
        let sql_example = doc.sql_example.as_ref().expect("sql example");
        let found = examples(sql_example);
        assert!(!found.is_empty(), "{} has no runnable example", udf.name());
        for (sql, expected) in found {
            let batches = query(&ctx, sql.trim_end_matches(';')).await;
            let shown = pretty_format_batches(&batches).unwrap().to_string();
            let shown: Vec<&str> = shown.lines().collect();
            assert_eq!(shown, expected, "example of {}: {sql}", udf.name());
        }
    }
}
