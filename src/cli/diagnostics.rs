//! Rendering scenario problems for people: each problem as a miette diagnostic with the offending
//! line of the file underlined, the field path, what was expected and a suggestion.

use crate::scenario::{Problem, ScenarioError};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};
use std::io::IsTerminal;

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
struct Rendered {
    message: String,
    #[source_code]
    code: Option<NamedSource<String>>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
}

/// Byte offset of a 1-based (line, column in chars) position, clamped to the text.
fn offset(text: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return start
                + l.char_indices().nth(col.saturating_sub(1)).map_or(l.trim_end_matches('\n').len(), |(b, _)| b);
        }
        start += l.len();
    }
    text.len()
}

fn render_one(problem: &Problem, error: &ScenarioError, color: bool) -> String {
    let mut message = String::new();
    if let Some(o) = &problem.origin {
        message.push_str(&format!("{}:{}:{}: ", o.source, o.line, o.col));
    }
    if !problem.path.is_empty() {
        message.push_str(&format!("`{}`: ", problem.path));
    }
    message.push_str(&problem.message);
    let label = problem.expected.as_ref().map_or_else(|| "here".to_string(), |e| format!("expected {e}"));
    let (code, span) = match &problem.origin {
        Some(o) => match error.source_text(&o.source) {
            Some(text) => {
                let at = offset(text, o.line, o.col);
                let len = text[at..].chars().next().map_or(0, char::len_utf8).max(usize::from(at < text.len()));
                (Some(NamedSource::new(&o.source, text.to_string())), Some(SourceSpan::from((at, len))))
            }
            None => (None, None),
        },
        None => (None, None),
    };
    let mut help = problem.help.clone();
    if code.is_none()
        && let Some(e) = &problem.expected
    {
        help = Some(match help {
            Some(h) => format!("expected {e}; {h}"),
            None => format!("expected {e}"),
        });
    }
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let mut out = String::new();
    let diagnostic = Rendered { message, code, span, label, help };
    if GraphicalReportHandler::new_themed(theme).with_width(100).render_report(&mut out, &diagnostic).is_err() {
        out = format!("{problem}\n");
    }
    out
}

/// Print every problem of a scenario error to stderr.
pub fn print(error: &ScenarioError) {
    let n = error.problems.len();
    let color = std::io::stderr().is_terminal();
    for p in &error.problems {
        eprint!("{}", render_one(p, error, color));
    }
    eprintln!("{n} problem{} found; nothing was simulated or written.", if n == 1 { "" } else { "s" });
}

/// Every problem of a scenario error as the command line prints it, without colours (for the
/// workshop server's error answers).
pub fn render_plain(error: &ScenarioError) -> String {
    error.problems.iter().map(|p| render_one(p, error, false)).collect()
}
