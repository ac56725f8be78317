//! The parser's error messages that look around the cursor: what was found, where a line is
//! indented, and the hints for an unexpected end of file or a missing comma. Reads only the
//! parser's text and state.

use super::super::{SyntaxError, truncate};
use super::{Parser, Pos, closer};

impl Parser {
    /// Describes the token at the cursor for "found ..." messages.
    pub(super) fn found(&self) -> String {
        let Some(c) = self.peek() else {
            return "end of file".to_string();
        };
        let n = self.ident_len();
        if n > 0 {
            return format!("`{}`", truncate(&self.lookahead(n), 40));
        }
        match c {
            '"' => "a string".to_string(),
            '\'' => "a character literal".to_string(),
            c if c.is_ascii_digit() => {
                let mut n = 1;
                while self.peek_at(n).is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.')) {
                    n += 1;
                }
                format!("`{}`", truncate(&self.lookahead(n), 40))
            }
            c => format!("`{c}`"),
        }
    }

    /// Column of the first non-blank char on the line holding `idx`, and
    /// whether `idx` is that char. Looks back at most 512 chars.
    pub(super) fn line_indent(&self, idx: usize) -> Option<(usize, bool)> {
        let mut start = idx;
        let mut steps = 0;
        while start > 0 {
            if self.chars.get(start - 1) == Some(&'\n') {
                break;
            }
            start -= 1;
            steps += 1;
            if steps > 512 {
                return None;
            }
        }
        let mut first = start;
        while matches!(self.chars.get(first), Some(' ' | '\t')) {
            first += 1;
        }
        Some((first - start + 1, first == idx))
    }

    /// The error for reaching the end of the file while `doing` something.
    pub(super) fn eof_error(&self, doing: &str) -> SyntaxError {
        let Some(open) = self.opens.last() else {
            return self.error(self.pos, format!("unexpected end of file {doing}"), None);
        };
        let mut help = format!(
            "the file ends at line {}, column {} {doing}; add a `{}` to close it",
            self.pos.line,
            self.pos.col,
            closer(open.ch)
        );
        if let Some(s) = &self.suspicious {
            help.push_str(&format!(
                "; note that the `{}` at line {}, column {} closes the `{}` opened at line {}, \
                 column {} ({}) but is indented differently, so a closing bracket may be \
                 missing before it",
                s.close_ch, s.close.line, s.close.col, s.open_ch, s.open.line, s.open.col, s.label
            ));
        }
        self.error(
            open.at,
            format!("unclosed `{}` opened at line {}, column {} ({})", open.ch, open.at.line, open.at.col, open.label),
            Some(help),
        )
    }

    /// The error for a token that is neither `,` nor the expected closing bracket.
    pub(super) fn missing_comma(&self, value_end: Pos, what: &str, close: char) -> SyntaxError {
        let at = self.pos;
        let found = self.found();
        if let Some(c @ (')' | ']' | '}')) = self.peek()
            && c != close
            && let Some(open) = self.opens.last()
        {
            return self.error(
                at,
                format!("expected `,` or `{close}` {what}, found `{c}`"),
                Some(format!(
                    "the `{}` opened at line {}, column {} ({}) must be closed with `{close}`",
                    open.ch, open.at.line, open.at.col, open.label
                )),
            );
        }
        let help = match self.multiline_string {
            Some((start, end)) if end == value_end => format!(
                "the string starting at line {}, column {} spans several lines; is its closing \
                 `\"` missing?",
                start.line, start.col
            ),
            _ if at.line != value_end.line => {
                format!("add a comma at the end of line {}", value_end.line)
            }
            _ => format!("add a comma before {found}"),
        };
        self.error(at, format!("expected `,` or `{close}` {what}, found {found}"), Some(help))
    }
}
