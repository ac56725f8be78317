//! Inner attributes at the top of a file: `#![enable(...)]` extensions, checked against the ones
//! ron knows, and `#![type = ".."]` / `#![schema = ".."]`, accepted and dropped. Reads only the
//! parser's text.

use super::{PResult, Parser};

/// Extensions ron 0.12 knows; anything else in `#![enable(...)]` is an error.
const KNOWN_EXTENSIONS: [&str; 4] =
    ["implicit_some", "unwrap_newtypes", "unwrap_variant_newtypes", "explicit_struct_names"];

impl Parser {
    /// Parses `#![enable(a, b)]`, or `#![type = "..."]` / `#![schema = "..."]` (dropped).
    pub(super) fn attribute(&mut self, extensions: &mut Vec<String>) -> PResult<()> {
        let at = self.pos;
        let usage = || Some("attributes look like `#![enable(implicit_some)]`".to_string());
        self.bump();
        for expected in ['!', '['] {
            self.skip_ws()?;
            if self.peek() != Some(expected) {
                return Err(self.error(
                    self.pos,
                    format!(
                        "expected `{expected}` in the attribute starting at line {}, column {}, \
                         found {}",
                        at.line,
                        at.col,
                        self.found()
                    ),
                    usage(),
                ));
            }
            self.bump();
        }
        self.skip_ws()?;
        let word_at = self.pos;
        let n = self.ident_len();
        let word = self.take(n);
        match word.as_str() {
            "enable" => {
                self.skip_ws()?;
                if self.peek() != Some('(') {
                    return Err(self.error(
                        self.pos,
                        format!("expected `(` after `enable`, found {}", self.found()),
                        usage(),
                    ));
                }
                self.bump();
                loop {
                    self.skip_ws()?;
                    if self.peek() == Some(')') {
                        break;
                    }
                    let name_at = self.pos;
                    let n = self.ident_len();
                    if n == 0 {
                        return Err(self.error(
                            name_at,
                            format!("expected an extension name or `)`, found {}", self.found()),
                            Some(format!("known extensions: {}", KNOWN_EXTENSIONS.join(", "))),
                        ));
                    }
                    let name = self.take(n);
                    if !KNOWN_EXTENSIONS.contains(&name.as_str()) {
                        return Err(self.error(
                            name_at,
                            format!("unknown extension `{name}`"),
                            Some(format!("known extensions: {}", KNOWN_EXTENSIONS.join(", "))),
                        ));
                    }
                    if !extensions.contains(&name) {
                        extensions.push(name);
                    }
                    self.skip_ws()?;
                    match self.peek() {
                        Some(',') => {
                            self.bump();
                        }
                        Some(')') => break,
                        _ => {
                            return Err(self.error(
                                self.pos,
                                format!("expected `,` or `)` in `#![enable(...)]`, found {}", self.found()),
                                usage(),
                            ));
                        }
                    }
                }
                self.bump();
            }
            "type" | "schema" => {
                self.skip_ws()?;
                if self.peek() != Some('=') {
                    return Err(self.error(
                        self.pos,
                        format!("expected `=` after `{word}`, found {}", self.found()),
                        Some(format!("write it as `#![{word} = \"...\"]`")),
                    ));
                }
                self.bump();
                self.skip_ws()?;
                let start = self.pos;
                if self.peek() != Some('"') {
                    return Err(self.error(
                        start,
                        format!("expected a string after `{word} =`, found {}", self.found()),
                        None,
                    ));
                }
                self.bump();
                let mut text = String::from('"');
                self.string_body(start, &mut text, "string")?;
            }
            _ => {
                return Err(self.error(
                    word_at,
                    format!("unknown attribute {}", if word.is_empty() { self.found() } else { format!("`{word}`") }),
                    usage(),
                ));
            }
        }
        self.skip_ws()?;
        if self.peek() != Some(']') {
            return Err(self.error(
                self.pos,
                format!(
                    "expected `]` to end the attribute starting at line {}, column {}, found {}",
                    at.line,
                    at.col,
                    self.found()
                ),
                usage(),
            ));
        }
        self.bump();
        Ok(())
    }
}
