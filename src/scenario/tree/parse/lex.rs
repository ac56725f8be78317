//! Lexing of scalar literals for the parser: numbers and ranges, (byte) strings with their
//! escapes, raw strings and chars, each kept as its raw source text. Reads only the parser's
//! text.

use super::super::SyntaxError;
use super::{PResult, Parser, Pos};

impl Parser {
    /// Lexes a number or range, keeping its raw text.
    pub(super) fn number(&mut self) -> PResult<String> {
        let mut text = String::new();
        if self.starts_with("..") {
            text.push_str(&self.take(2));
            if self.peek() == Some('=') {
                self.bump();
                text.push('=');
                self.number_core(&mut text)?;
            } else if self.number_starts() {
                self.number_core(&mut text)?;
            }
            return Ok(text);
        }
        self.number_core(&mut text)?;
        if self.starts_with("..=") {
            text.push_str(&self.take(3));
            self.number_core(&mut text)?;
        } else if self.starts_with("..") {
            text.push_str(&self.take(2));
            if self.number_starts() {
                self.number_core(&mut text)?;
            }
        }
        Ok(text)
    }

    fn number_starts(&self) -> bool {
        match self.peek() {
            Some('0'..='9' | '+' | '-') => true,
            Some('.') => self.peek_at(1).is_some_and(|c| c.is_ascii_digit()),
            _ => matches!(self.lookahead(3).as_str(), "inf" | "NaN"),
        }
    }

    fn number_core(&mut self, text: &mut String) -> PResult<()> {
        if let Some(c @ ('+' | '-')) = self.peek() {
            self.bump();
            text.push(c);
        }
        let n = self.ident_len();
        if n > 0 {
            let word = self.lookahead(n);
            if matches!(word.as_str(), "inf" | "inff32" | "inff64" | "NaN" | "NaNf32" | "NaNf64") {
                text.push_str(&self.take(n));
                return Ok(());
            }
        }
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {}
            Some('.') if self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => {}
            _ => {
                return Err(self.error(
                    self.pos,
                    if text.is_empty() {
                        format!("expected a number, found {}", self.found())
                    } else {
                        format!("expected a number after `{text}`, found {}", self.found())
                    },
                    None,
                ));
            }
        }
        let hex = self.starts_with("0x") || self.starts_with("0X");
        let mut prev = ' ';
        while let Some(c) = self.peek() {
            let ok = c.is_ascii_alphanumeric()
                || c == '_'
                || (c == '.' && self.peek_at(1) != Some('.'))
                || (matches!(c, '+' | '-') && !hex && matches!(prev, 'e' | 'E'));
            if !ok {
                break;
            }
            self.bump();
            text.push(c);
            prev = c;
        }
        Ok(())
    }

    fn unterminated(&self, start: Pos, what: &str, multiline: bool) -> SyntaxError {
        let help = if multiline {
            format!("the {what} runs to the end of the file; is its closing `\"` missing on line {}?", start.line)
        } else {
            format!("add the closing `\"` of the {what}")
        };
        self.error(
            start,
            format!("unterminated {what} starting at line {}, column {}", start.line, start.col),
            Some(help),
        )
    }

    /// Lexes the rest of a `"`-delimited (byte) string whose opening quote is
    /// already consumed and in `text`.
    pub(super) fn string_body(&mut self, start: Pos, text: &mut String, what: &str) -> PResult<()> {
        let mut multiline = false;
        loop {
            let here = self.pos;
            match self.bump() {
                None => return Err(self.unterminated(start, what, multiline)),
                Some('"') => {
                    text.push('"');
                    if multiline {
                        self.multiline_string = Some((start, self.pos));
                    }
                    return Ok(());
                }
                Some('\\') => {
                    text.push('\\');
                    self.escape(here, text, true)?;
                }
                Some(c) => {
                    multiline |= c == '\n';
                    text.push(c);
                }
            }
        }
    }

    /// Validates and copies the escape after a `\` (already consumed and copied).
    fn escape(&mut self, backslash: Pos, text: &mut String, in_string: bool) -> PResult<()> {
        let bad = |p: &Self, msg: String| {
            p.error(
                backslash,
                msg,
                Some(
                    "valid escapes are \\n \\r \\t \\0 \\\\ \\\" \\' \\x41 and \\u{1F600}; \
                     write a backslash as `\\\\`"
                        .to_string(),
                ),
            )
        };
        match self.peek() {
            // The caller reports the missing end of the literal.
            None => Ok(()),
            Some(c @ ('\'' | '"' | '\\' | 'n' | 'r' | 't' | '0')) => {
                self.bump();
                text.push(c);
                Ok(())
            }
            Some('x') => {
                self.bump();
                text.push('x');
                for _ in 0..2 {
                    match self.peek() {
                        Some(h) if h.is_ascii_hexdigit() => {
                            self.bump();
                            text.push(h);
                        }
                        _ => {
                            return Err(bad(
                                self,
                                "invalid escape: `\\x` must be followed by two hex digits".to_string(),
                            ));
                        }
                    }
                }
                Ok(())
            }
            Some('u') => {
                self.bump();
                text.push('u');
                if self.peek() != Some('{') {
                    return Err(bad(self, "invalid escape: expected `{` after `\\u`".to_string()));
                }
                self.bump();
                text.push('{');
                let mut value: u32 = 0;
                let mut digits = 0;
                while let Some(h) = self.peek().filter(|c| c.is_ascii_hexdigit()) {
                    if digits == 6 {
                        break;
                    }
                    self.bump();
                    text.push(h);
                    value = value * 16 + h.to_digit(16).unwrap_or(0);
                    digits += 1;
                }
                if digits == 0 || self.peek() != Some('}') {
                    return Err(bad(
                        self,
                        "invalid escape: `\\u{...}` needs 1 to 6 hex digits and a closing `}`".to_string(),
                    ));
                }
                self.bump();
                text.push('}');
                if char::from_u32(value).is_none() {
                    return Err(bad(self, format!("invalid escape: U+{value:X} is not a Unicode scalar value")));
                }
                Ok(())
            }
            Some('\n') if in_string => Ok(()),
            Some('\r') if in_string && self.peek_at(1) == Some('\n') => Ok(()),
            Some(c) => Err(bad(self, format!("unknown escape `\\{}`", c.escape_debug().collect::<String>()))),
        }
    }

    /// Lexes the rest of a char or byte literal after its opening `'`.
    pub(super) fn char_body(&mut self, start: Pos, text: &mut String) -> PResult<()> {
        let unterminated = |p: &Self| {
            p.error(
                start,
                format!("unterminated character literal starting at line {}, column {}", start.line, start.col),
                Some(
                    "a character literal holds exactly one character, like 'x'; write text in \
                     double quotes: \"...\""
                        .to_string(),
                ),
            )
        };
        let here = self.pos;
        match self.bump() {
            None | Some('\n') => return Err(unterminated(self)),
            Some('\\') => {
                text.push('\\');
                self.escape(here, text, false)?;
            }
            // ron reads `'''` as the char `'`.
            Some('\'') if self.peek() == Some('\'') => text.push('\''),
            Some('\'') => {
                return Err(self.error(
                    start,
                    "empty character literal `''`",
                    Some("write a character between the quotes, or use \"\" for an empty string".into()),
                ));
            }
            Some(c) => text.push(c),
        }
        if self.peek() != Some('\'') {
            return Err(unterminated(self));
        }
        self.bump();
        text.push('\'');
        Ok(())
    }

    /// Lexes a raw (byte) string after its `r`/`br` (already in `text`).
    pub(super) fn raw_string_body(&mut self, start: Pos, text: &mut String) -> PResult<()> {
        let mut hashes = 0usize;
        while self.peek() == Some('#') {
            self.bump();
            text.push('#');
            hashes += 1;
        }
        if self.peek() != Some('"') {
            return Err(self.error(
                self.pos,
                format!("expected `\"` to start the raw string, found {}", self.found()),
                Some("raw strings look like r\"...\" or r#\"...\"#".to_string()),
            ));
        }
        self.bump();
        text.push('"');
        loop {
            match self.bump() {
                None => {
                    return Err(self.error(
                        start,
                        format!("unterminated raw string starting at line {}, column {}", start.line, start.col),
                        Some(format!("end it with `\"{}`", "#".repeat(hashes))),
                    ));
                }
                Some('"') => {
                    text.push('"');
                    let mut n = 0;
                    while n < hashes && self.peek() == Some('#') {
                        self.bump();
                        text.push('#');
                        n += 1;
                    }
                    if n == hashes {
                        return Ok(());
                    }
                }
                Some(c) => text.push(c),
            }
        }
    }
}
