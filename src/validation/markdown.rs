//! The generated part of docs/VALIDATION.md: the results table between two marker lines, grouped by
//! kind, and the listing (name, kind, band) a test compares with the suite so the page cannot go
//! stale silently. Text in, text out; the command line reads and writes the file.

use super::{Kind, Target, TargetResult};

/// The line before the generated table.
pub const BEGIN: &str = "<!-- BEGIN votelab validate --markdown -->";
/// The line after it.
pub const END: &str = "<!-- END votelab validate --markdown -->";

const KINDS: [(Kind, &str); 2] = [(Kind::Reproduction, "Reproductions"), (Kind::MechanismCheck, "Mechanism checks")];

/// A table cell: pipes escaped, line breaks flattened.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The results as Markdown tables, one per kind, with the marker lines around them.
pub fn table(results: &[TargetResult]) -> String {
    let mut s = format!("{BEGIN}\n");
    for (kind, title) in KINDS {
        let rows: Vec<&TargetResult> = results.iter().filter(|r| r.kind == kind).collect();
        s.push_str(&format!("\n### {title} ({})\n\n", rows.len()));
        s.push_str("| target | kind | source | expected | measured (mean [95% CI], n) | setup | result |\n");
        s.push_str("|---|---|---|---|---|---|---|\n");
        for r in rows {
            let result = match &r.known_failure {
                Some(reason) => format!("{}: {}", r.outcome.label(), reason),
                None => r.outcome.label().to_string(),
            };
            s.push_str(&format!(
                "| {} | {} | {} | {} | {:.3} [{:.3}, {:.3}], n = {} | {} | {} |\n",
                cell(&r.target),
                r.kind.label(),
                cell(&r.source),
                cell(&r.expected),
                r.measured.mean,
                r.measured.ci95[0],
                r.measured.ci95[1],
                r.measured.n,
                cell(&r.setup),
                cell(&result),
            ));
        }
    }
    s.push('\n');
    s.push_str(END);
    s.push('\n');
    s
}

/// (name, kind, band) of each declared target, in the order the tables list them.
pub fn listing(targets: &[Target]) -> Vec<[String; 3]> {
    KINDS
        .iter()
        .flat_map(|(kind, _)| {
            targets
                .iter()
                .filter(move |t| t.kind == *kind)
                .map(|t| [cell(&t.name), t.kind.label().to_string(), cell(&t.band.to_string())])
        })
        .collect()
}

/// The generated block of a document, markers included, or why it cannot be found.
fn block(doc: &str) -> Result<(usize, usize), String> {
    let begin = doc.find(BEGIN).ok_or_else(|| format!("no line `{BEGIN}`"))?;
    let end = doc[begin..]
        .find(END)
        .map(|e| begin + e + END.len())
        .ok_or_else(|| format!("no line `{END}` after `{BEGIN}`"))?;
    let end = if doc[end..].starts_with('\n') { end + 1 } else { end };
    Ok((begin, end))
}

/// (name, kind, band) of each row of a document's generated tables.
pub fn doc_listing(doc: &str) -> Result<Vec<[String; 3]>, String> {
    let (begin, end) = block(doc)?;
    let mut rows = Vec::new();
    for line in doc[begin..end].lines().filter(|l| l.starts_with("| ") && !l.starts_with("| target |")) {
        let cells = split_row(line);
        if cells.len() < 4 {
            return Err(format!("a table row with fewer than 4 cells: {line}"));
        }
        rows.push([cells[0].clone(), cells[1].clone(), cells[3].clone()]);
    }
    Ok(rows)
}

/// The cells of a table row, splitting at pipes that are not escaped (escapes kept).
fn split_row(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in inner.chars() {
        if c == '|' && !escaped {
            cells.push(current.trim().to_string());
            current.clear();
        } else {
            current.push(c);
        }
        escaped = c == '\\';
    }
    cells
}

/// The document with its generated block replaced by `table` (from [`table`]).
pub fn replace(doc: &str, table: &str) -> Result<String, String> {
    let (begin, end) = block(doc)?;
    Ok(format!("{}{}{}", &doc[..begin], table, &doc[end..]))
}

#[cfg(test)]
mod tests {
    use super::super::{Band, Measured, judge};
    use super::*;

    #[test]
    fn the_generated_table_lists_what_the_targets_declare_and_replaces_only_its_block() {
        let targets = vec![
            Target::new("a | b", Kind::MechanismCheck, "S", Band::Below(1.0)),
            Target::new("c", Kind::Reproduction, "T", Band::Between(0.0, 2.0)).known_failure("why"),
        ];
        let results: Vec<TargetResult> =
            targets.iter().map(|t| judge(t, &Measured::new(t.name.clone(), "setup", vec![2.5, 3.5]))).collect();
        let doc = format!("intro\n{BEGIN}\nold\n{END}\noutro\n");
        let new = replace(&doc, &table(&results)).unwrap();
        assert!(new.starts_with("intro\n") && new.ends_with("\noutro\n"), "{new}");
        assert!(new.contains("known failure: why"), "{new}");
        assert_eq!(doc_listing(&new).unwrap(), listing(&targets));
        assert_eq!(listing(&targets)[0][0], "c", "reproductions first");
        assert!(doc_listing("no markers").is_err());
    }
}
