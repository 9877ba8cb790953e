//! The input contract of `sql/input_contract.md`, parsed, and the code both
//! engines generate from it. Shared by the extension's `build.rs` (which
//! renders `churnkit.input_contract()`) and `cli/build.rs` (which renders the
//! CLI's input specifications) through `#[path]`, so the two read one table
//! by one set of rules.
//!
//! The file's tables are GitHub-flavoured Markdown: a header row, a
//! separator row, then one row per line, cells separated by `|`. The table
//! whose header starts with `input | relation` lists the inputs; the one whose
//! header starts with `input | column` lists their columns, in order. Any
//! malformed row, unknown family or input, or duplicate is a build error
//! naming the line.

use std::fmt::Write as _;

/// The families a column may have (docs/warehouse.md, "Inputs").
pub const FAMILIES: &[&str] = &["id", "number", "text", "boolean", "timestamp", "month"];

/// One input of the views.
pub struct Input {
    pub name: String,
    /// The relation the views read (`input_events`...).
    pub relation: String,
    /// The input must have at least one row.
    pub needs_rows: bool,
}

/// One column of an input.
pub struct Column {
    pub input: String,
    pub name: String,
    pub family: String,
    /// May be absent from the source (then NULL).
    pub optional: bool,
    pub description: String,
}

/// The whole contract: inputs in their order, columns in theirs.
pub struct Contract {
    pub inputs: Vec<Input>,
    pub columns: Vec<Column>,
}

impl Contract {
    /// The columns of `input`, in order.
    pub fn columns_of<'a>(&'a self, input: &'a str) -> impl Iterator<Item = &'a Column> + 'a {
        self.columns.iter().filter(move |c| c.input == input)
    }
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Parse the text of `sql/input_contract.md`.
pub fn parse(text: &str) -> Result<Contract, String> {
    #[derive(PartialEq)]
    enum Table {
        None,
        Inputs,
        Columns,
    }
    let mut table = Table::None;
    let mut contract = Contract {
        inputs: Vec::new(),
        columns: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        let at = format!("sql/input_contract.md:{}", i + 1);
        let t = line.trim();
        if !t.starts_with('|') {
            table = Table::None;
            continue;
        }
        let cells: Vec<&str> = t.trim_matches('|').split('|').map(str::trim).collect();
        if cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            continue; // the separator row
        }
        match cells.as_slice() {
            ["input", "relation", "rows"] => table = Table::Inputs,
            ["input", "column", "family", "optional", "description"] => table = Table::Columns,
            _ if table == Table::Inputs => {
                let [name, relation, rows] = cells.as_slice() else {
                    return Err(format!("{at}: expected | input | relation | rows |"));
                };
                if !is_ident(name) || !is_ident(relation) {
                    return Err(format!(
                        "{at}: input and relation must be lower-case identifiers"
                    ));
                }
                let needs_rows = match *rows {
                    "required" => true,
                    "optional" => false,
                    other => {
                        return Err(format!(
                            "{at}: rows must be required or optional, not {other:?}"
                        ))
                    }
                };
                if contract.inputs.iter().any(|x| x.name == *name) {
                    return Err(format!("{at}: input {name} is listed twice"));
                }
                contract.inputs.push(Input {
                    name: name.to_string(),
                    relation: relation.to_string(),
                    needs_rows,
                });
            }
            _ if table == Table::Columns => {
                let [input, name, family, optional, description] = cells.as_slice() else {
                    return Err(format!(
                        "{at}: expected | input | column | family | optional | description |"
                    ));
                };
                if !contract.inputs.iter().any(|x| x.name == *input) {
                    return Err(format!(
                        "{at}: unknown input {input:?} (list it under Inputs first)"
                    ));
                }
                if !is_ident(name) {
                    return Err(format!(
                        "{at}: column {name:?} is not a lower-case identifier"
                    ));
                }
                if !FAMILIES.contains(family) {
                    return Err(format!(
                        "{at}: unknown family {family:?} (one of {})",
                        FAMILIES.join(", ")
                    ));
                }
                let optional = match *optional {
                    "yes" => true,
                    "no" => false,
                    other => {
                        return Err(format!("{at}: optional must be yes or no, not {other:?}"))
                    }
                };
                if description.is_empty() {
                    return Err(format!("{at}: column {input}.{name} has no description"));
                }
                if contract
                    .columns
                    .iter()
                    .any(|c| c.input == *input && c.name == *name)
                {
                    return Err(format!("{at}: column {input}.{name} is listed twice"));
                }
                contract.columns.push(Column {
                    input: input.to_string(),
                    name: name.to_string(),
                    family: family.to_string(),
                    optional,
                    description: description.to_string(),
                });
            }
            _ => {}
        }
    }
    if contract.inputs.is_empty() {
        return Err("sql/input_contract.md: no table | input | relation | rows |".into());
    }
    for input in &contract.inputs {
        if contract.columns_of(&input.name).next().is_none() {
            return Err(format!(
                "sql/input_contract.md: input {} has no columns",
                input.name
            ));
        }
    }
    Ok(contract)
}

/// A SQL string literal.
fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The SQL of `churnkit.input_contract()` (a `LANGUAGE sql` function over a
/// `VALUES` list, columns aligned), with its comment. Rows are ordered by
/// input name and ordinal, as the function has always returned them.
pub fn render_postgres(contract: &Contract) -> String {
    let mut rows: Vec<[String; 6]> = Vec::new();
    for input in &contract.inputs {
        for (i, c) in contract.columns_of(&input.name).enumerate() {
            rows.push([
                sql_literal(&c.input),
                (i + 1).to_string(),
                sql_literal(&c.name),
                sql_literal(&c.family),
                c.optional.to_string(),
                sql_literal(&c.description),
            ]);
        }
    }
    // every cell but the last is followed by ", " padded to its column's width
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len() + 1);
        }
    }
    let mut values = String::new();
    for (n, row) in rows.iter().enumerate() {
        values.push_str("        (");
        for (k, cell) in row.iter().enumerate() {
            if k + 1 == row.len() {
                values.push_str(cell);
            } else {
                let _ = write!(values, "{:<width$} ", format!("{cell},"), width = widths[k]);
            }
        }
        values.push(')');
        if n + 1 < rows.len() {
            values.push(',');
        }
        values.push('\n');
    }
    format!(
        "-- @generated by build.rs from sql/input_contract.md: edit that file.\n\
CREATE FUNCTION input_contract()\n\
RETURNS TABLE (input text, ordinal integer, column_name text, family text, optional boolean, description text)\n\
LANGUAGE sql IMMUTABLE PARALLEL SAFE\n\
SET search_path = churnkit, pg_catalog, pg_temp\n\
AS $$\n    SELECT * FROM (VALUES\n{values}    ) AS c(input, ordinal, column_name, family, optional, description)\n    ORDER BY 1, 2\n$$;\n\
COMMENT ON FUNCTION input_contract() IS\n    \
'churnkit input contract: the canonical columns of each input of churnkit.setup(), their accepted type family and whether they may be absent';\n"
    )
}

/// The CLI's input specifications (`cli/src/warehouse/inputs/`): one
/// `static <INPUT>: InputSpec` per input and `INPUTS`, all of them in order.
/// The including module defines `InputSpec`, `ContractColumn` and `Family`
/// (one variant per family, the family name capitalised).
pub fn render_cli(contract: &Contract) -> String {
    let mut s =
        String::from("// @generated by cli/build.rs from sql/input_contract.md: do not edit.\n");
    for input in &contract.inputs {
        let _ = writeln!(
            s,
            "pub static {}: InputSpec = InputSpec {{\n    name: {:?},\n    relation: {:?},\n    needs_rows: {},\n    columns: &[",
            input.name.to_uppercase(),
            input.name,
            input.relation,
            input.needs_rows
        );
        for c in contract.columns_of(&input.name) {
            let mut family = c.family.clone();
            family[..1].make_ascii_uppercase();
            let _ = writeln!(
                s,
                "        ContractColumn {{ name: {:?}, family: Family::{family}, optional: {}, description: {:?} }},",
                c.name, c.optional, c.description
            );
        }
        s.push_str("    ],\n};\n");
    }
    let all: Vec<String> = contract
        .inputs
        .iter()
        .map(|i| format!("&{}", i.name.to_uppercase()))
        .collect();
    let _ = writeln!(
        s,
        "/// Every input of the contract, in order.\npub static INPUTS: &[&InputSpec] = &[{}];",
        all.join(", ")
    );
    s
}
