//! The parser: RON text to a [`Document`] whose every node remembers where it was written, or
//! the first [`SyntaxError`] with a position, a message and usually a hint. The cursor, brackets,
//! structs, tuples, lists and maps live here; `#![...]` attributes in `attribute`, scalar
//! literals (numbers, strings, chars) in `lex`, and the error messages that look around the
//! cursor in `diagnose`. Reads only the text passed in.

mod attribute;
mod diagnose;
mod lex;

use super::{
    Document, Field, MAX_DEPTH, Node, NodeKind, Origin, SyntaxError, bare, is_ident_continue, is_ident_start,
    is_identifier, same_key,
};
use std::sync::Arc;

/// Parses one RON file. `source` is the display name used in every [`Origin`].
/// Reports the first syntax error only.
pub fn parse(text: &str, source: &str) -> Result<Document, SyntaxError> {
    Parser::new(text, source).document()
}

fn is_ws(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C' | '\u{85}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
    )
}

fn is_raw_ident_char(c: char) -> bool {
    is_ident_continue(c) || matches!(c, '.' | '+' | '-')
}

fn closer(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pos {
    idx: usize,
    line: usize,
    col: usize,
}

/// An open bracket, remembered for "unclosed" and "mismatched" messages.
struct Open {
    ch: char,
    at: Pos,
    label: String,
}

/// A closing bracket whose indentation differs from its opener's line: a hint
/// that a bracket is missing earlier.
struct Suspicious {
    close: Pos,
    close_ch: char,
    open: Pos,
    open_ch: char,
    label: String,
}

/// Context for a value: `after` completes "expected a value ...", `label`
/// describes the value when it is a bracket that stays unclosed.
struct Ctx {
    after: String,
    label: String,
}

struct Parser {
    chars: Vec<char>,
    pos: Pos,
    source: Arc<str>,
    opens: Vec<Open>,
    /// End of the last complete value (before any following whitespace).
    last_end: Pos,
    /// Start and end of the last string literal that contains a raw line break.
    multiline_string: Option<(Pos, Pos)>,
    suspicious: Option<Suspicious>,
}

type PResult<T> = Result<T, SyntaxError>;

impl Parser {
    fn new(text: &str, source: &str) -> Self {
        let start = Pos { idx: 0, line: 1, col: 1 };
        Parser {
            chars: text.chars().collect(),
            pos: start,
            source: Arc::from(source),
            opens: Vec::new(),
            last_end: start,
            multiline_string: None,
            suspicious: None,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos.idx).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos.idx.saturating_add(n)).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(i, c)| self.peek_at(i) == Some(c))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos.idx += 1;
        if c == '\n' {
            self.pos.line += 1;
            self.pos.col = 1;
        } else {
            self.pos.col += 1;
        }
        Some(c)
    }

    fn take(&mut self, n: usize) -> String {
        (0..n).filter_map(|_| self.bump()).collect()
    }

    /// The next `n` chars without consuming them.
    fn lookahead(&self, n: usize) -> String {
        let end = self.pos.idx.saturating_add(n).min(self.chars.len());
        self.chars.get(self.pos.idx..end).map(|s| s.iter().collect()).unwrap_or_default()
    }

    fn origin_at(&self, p: Pos) -> Origin {
        Origin { source: self.source.clone(), line: p.line, col: p.col }
    }

    fn error(&self, at: Pos, message: impl Into<String>, help: Option<String>) -> SyntaxError {
        SyntaxError { origin: self.origin_at(at), message: message.into(), help }
    }

    /// Skips whitespace and comments.
    fn skip_ws(&mut self) -> PResult<()> {
        loop {
            match self.peek() {
                Some(c) if is_ws(c) => {
                    self.bump();
                }
                Some('/') if self.peek_at(1) == Some('/') => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                Some('/') if self.peek_at(1) == Some('*') => {
                    let start = self.pos;
                    self.take(2);
                    let mut level = 1usize;
                    while level > 0 {
                        match (self.peek(), self.peek_at(1)) {
                            (None, _) => {
                                return Err(self.error(
                                    start,
                                    format!(
                                        "unclosed block comment starting at line {}, column {}",
                                        start.line, start.col
                                    ),
                                    Some(
                                        "close it with `*/` (block comments nest, so every `/*` \
                                         inside needs its own `*/`)"
                                            .to_string(),
                                    ),
                                ));
                            }
                            (Some('/'), Some('*')) => {
                                self.take(2);
                                level += 1;
                            }
                            (Some('*'), Some('/')) => {
                                self.take(2);
                                level -= 1;
                            }
                            _ => {
                                self.bump();
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// Length in chars of the identifier at the cursor (0 if there is none),
    /// following ron's rules: `r"`, `r#"`, `r##`, `b"`, `b'`, `br"`, `br#` start
    /// literals, not identifiers; `r#name` is a raw identifier.
    fn ident_len(&self) -> usize {
        match (self.peek(), self.peek_at(1), self.peek_at(2)) {
            (Some('b'), Some('"' | '\''), _)
            | (Some('b'), Some('r'), Some('"' | '#'))
            | (Some('r'), Some('"'), _)
            | (Some('r'), Some('#'), Some('"' | '#')) => return 0,
            (Some('r'), Some('#'), _) => {
                let mut n = 2;
                while self.peek_at(n).is_some_and(is_raw_ident_char) {
                    n += 1;
                }
                return if n > 2 { n } else { 0 };
            }
            _ => {}
        }
        match self.peek() {
            Some(c) if is_ident_start(c) => {
                let mut n = 1;
                while self.peek_at(n).is_some_and(is_ident_continue) {
                    n += 1;
                }
                n
            }
            _ => 0,
        }
    }

    fn open(&mut self, ch: char, label: String) -> PResult<Pos> {
        let at = self.pos;
        if self.opens.len() >= MAX_DEPTH {
            return Err(self.error(
                at,
                format!("nesting deeper than {MAX_DEPTH} levels"),
                Some("a scenario never needs this much nesting; look for runaway brackets".into()),
            ));
        }
        self.bump();
        self.opens.push(Open { ch, at, label });
        Ok(at)
    }

    /// Consumes the closing bracket of the innermost open bracket.
    fn close(&mut self) {
        let close = self.pos;
        let close_ch = self.bump().unwrap_or(')');
        if let Some(open) = self.opens.pop()
            && self.suspicious.is_none()
            && open.at.line != close.line
            && let (Some((_, true)), Some((open_indent, _))) =
                (self.line_indent(close.idx), self.line_indent(open.at.idx))
            && open_indent != close.col
        {
            self.suspicious = Some(Suspicious { close, close_ch, open: open.at, open_ch: open.ch, label: open.label });
        }
        self.last_end = self.pos;
    }

    fn document(mut self) -> PResult<Document> {
        if self.peek() == Some('\u{FEFF}') {
            // A byte-order mark: skip it without counting a column.
            self.pos.idx += 1;
        }
        self.skip_ws()?;
        let mut extensions = Vec::new();
        while self.peek() == Some('#') {
            self.attribute(&mut extensions)?;
            self.skip_ws()?;
        }
        if self.peek().is_none() {
            return Err(self.error(
                self.pos,
                "the scenario is empty: expected a value such as `Scenario(...)` or `(...)`",
                None,
            ));
        }
        let root = self.value(&Ctx { after: "for the scenario".into(), label: "the scenario".into() })?;
        let end = self.last_end;
        // The last char of the scenario value.
        let (end_line, end_col) = (end.line, end.col.saturating_sub(1).max(1));
        self.skip_ws()?;
        if let Some(c) = self.peek() {
            let at = self.pos;
            return Err(if matches!(c, ')' | ']' | '}') {
                self.error(
                    at,
                    format!("unexpected `{c}` after the end of the scenario"),
                    Some(format!(
                        "the scenario value already ended at line {end_line}, column {end_col}; \
                         this `{c}` is one closing bracket too many (or an opening bracket is \
                         missing earlier)"
                    )),
                )
            } else {
                self.error(
                    at,
                    format!("trailing characters after the scenario: found {}", self.found()),
                    Some(format!(
                        "the scenario value ended at line {end_line}, column {end_col}; a file \
                         holds exactly one value, so everything after it must be inside its \
                         brackets"
                    )),
                )
            });
        }
        Ok(Document { extensions, root })
    }

    fn value(&mut self, ctx: &Ctx) -> PResult<Node> {
        let start = self.pos;
        let origin = self.origin_at(start);
        let Some(c) = self.peek() else {
            return Err(self.eof_error(&format!("while looking for a value {}", ctx.after)));
        };
        let atom = |text: String| Node::new(NodeKind::Atom(text), origin.clone());
        let node = match c {
            '(' => return self.group(None, start, ctx.label.clone()),
            '[' => return self.list(start, &ctx.label),
            '{' => return self.map(start, &ctx.label),
            '"' => {
                self.bump();
                let mut text = String::from('"');
                self.string_body(start, &mut text, "string")?;
                atom(text)
            }
            '\'' => {
                self.bump();
                let mut text = String::from('\'');
                self.char_body(start, &mut text)?;
                atom(text)
            }
            'b' if self.peek_at(1) == Some('\'') => {
                let mut text = self.take(2);
                self.char_body(start, &mut text)?;
                atom(text)
            }
            'b' if self.peek_at(1) == Some('"') => {
                let mut text = self.take(2);
                self.string_body(start, &mut text, "byte string")?;
                atom(text)
            }
            'b' if self.peek_at(1) == Some('r') && matches!(self.peek_at(2), Some('"' | '#')) => {
                let mut text = self.take(2);
                self.raw_string_body(start, &mut text)?;
                atom(text)
            }
            'r' if self.peek_at(1) == Some('"')
                || (self.peek_at(1) == Some('#') && matches!(self.peek_at(2), Some('"' | '#'))) =>
            {
                let mut text = self.take(1);
                self.raw_string_body(start, &mut text)?;
                atom(text)
            }
            '0'..='9' | '+' | '-' | '.' => atom(self.number()?),
            _ => {
                let n = self.ident_len();
                if n == 0 {
                    return Err(self.unexpected_value(ctx));
                }
                if matches!(self.lookahead(n).as_str(), "inf" | "inff32" | "inff64" | "NaN" | "NaNf32" | "NaNf64") {
                    atom(self.number()?)
                } else {
                    let name = self.take(n);
                    let name_end = self.pos;
                    self.skip_ws()?;
                    if self.peek() == Some('(') {
                        return self.group(Some(name), start, ctx.label.clone());
                    }
                    self.last_end = name_end;
                    return Ok(atom(name));
                }
            }
        };
        self.last_end = self.pos;
        Ok(node)
    }

    fn unexpected_value(&self, ctx: &Ctx) -> SyntaxError {
        let c = self.peek().unwrap_or(' ');
        let help = match c {
            '/' => Some("comments start with `//` or `/*`".to_string()),
            '#' => Some("`#![...]` attributes must come before the scenario value".to_string()),
            ')' | ']' | '}' | ',' => {
                Some("write a value here, e.g. `0.5`, `\"text\"`, `None`, `[]` or `(...)`".to_string())
            }
            _ => None,
        };
        self.error(self.pos, format!("expected a value {}, found {}", ctx.after, self.found()), help)
    }

    /// `(`...`)` after an optional name: a struct, a tuple, or the unit `()`.
    fn group(&mut self, name: Option<String>, start: Pos, label: String) -> PResult<Node> {
        let label = name.clone().unwrap_or(label);
        let open = self.open('(', label.clone())?;
        self.skip_ws()?;
        let kind = match self.peek() {
            None => return Err(self.eof_error("while looking for the contents")),
            Some(')') => match name {
                Some(name) => NodeKind::Struct { name: Some(name), fields: Vec::new() },
                None => NodeKind::Atom("()".to_string()),
            },
            _ if self.looks_like_field() => NodeKind::Struct { name, fields: self.struct_fields(&label)? },
            _ => NodeKind::Tuple { name, items: self.tuple_items(open, &label)? },
        };
        self.close();
        Ok(Node::new(kind, self.origin_at(start)))
    }

    /// Whether the cursor is at `ident :` (so the group is a struct).
    fn looks_like_field(&mut self) -> bool {
        let n = self.ident_len();
        if n == 0 {
            return false;
        }
        let saved = self.pos;
        self.take(n);
        let is_field = self.skip_ws().is_ok() && self.peek() == Some(':');
        self.pos = saved;
        is_field
    }

    /// Skips white space before the next item of a sequence that `close` ends: whether it ends
    /// here. The end of the input is an error `eof` says where.
    fn at_close(&mut self, close: char, eof: impl FnOnce() -> String) -> PResult<bool> {
        self.skip_ws()?;
        match self.peek() {
            None => Err(self.eof_error(&eof())),
            Some(c) => Ok(c == close),
        }
    }

    /// After an item of a sequence that `close` ends: consumes the `,` that follows it and says
    /// whether `close` comes instead. Anything else is an error: the end of the input, `eof`
    /// saying where, or a missing comma after the item ending at `item_end`, `after` saying
    /// which.
    fn separator(
        &mut self,
        close: char,
        item_end: Pos,
        after: impl FnOnce() -> String,
        eof: impl FnOnce() -> String,
    ) -> PResult<bool> {
        match self.peek() {
            Some(',') => {
                self.bump();
                Ok(false)
            }
            Some(c) if c == close => Ok(true),
            None => Err(self.eof_error(&eof())),
            Some(_) => Err(self.missing_comma(item_end, &after(), close)),
        }
    }

    fn struct_fields(&mut self, label: &str) -> PResult<Vec<Field>> {
        let mut fields: Vec<Field> = Vec::new();
        loop {
            if self.at_close(')', || format!("while reading the fields of {label}"))? {
                return Ok(fields);
            }
            let key_pos = self.pos;
            let n = self.ident_len();
            if n == 0 {
                let help = match (self.peek(), self.opens.last()) {
                    (Some(']' | '}'), Some(open)) => format!(
                        "the `(` opened at line {}, column {} ({}) must be closed with `)`",
                        open.at.line, open.at.col, open.label
                    ),
                    _ => "fields are written `name: value`".to_string(),
                };
                return Err(self.error(
                    key_pos,
                    format!("expected a field name or `)` in {label}, found {}", self.found()),
                    Some(help),
                ));
            }
            let key = self.take(n);
            self.skip_ws()?;
            match self.peek() {
                Some(':') => {
                    self.bump();
                }
                None => {
                    return Err(self.eof_error(&format!("while looking for `:` after `{key}`")));
                }
                Some(_) => {
                    return Err(self.error(
                        self.pos,
                        format!("expected `:` after field name `{key}`, found {}", self.found()),
                        Some(format!("write the field as `{key}: value`")),
                    ));
                }
            }
            if let Some(first) = fields.iter().find(|f| same_key(&f.key, &key)) {
                return Err(self.error(
                    key_pos,
                    format!(
                        "field `{}` is written twice in {label} (first at line {}, column {})",
                        bare(&key),
                        first.key_origin.line,
                        first.key_origin.col
                    ),
                    Some("remove one of them".to_string()),
                ));
            }
            self.skip_ws()?;
            let value = self.value(&Ctx { after: format!("after `{key}:`"), label: format!("`{}`", bare(&key)) })?;
            let value_end = self.last_end;
            self.skip_ws()?;
            let next = self.peek();
            if next == Some(':')
                && let NodeKind::Atom(text) = &value.kind
                && is_identifier(text)
            {
                return Err(SyntaxError {
                    origin: value.origin.clone(),
                    message: format!("expected a value after `{key}:`, found the field name `{text}`"),
                    help: Some(format!("`{text}` looks like the next field; write a value for `{}` first", bare(&key))),
                });
            }
            fields.push(Field { key: key.clone(), key_origin: self.origin_at(key_pos), value });
            let after = || format!("after field `{}`", bare(&key));
            if self.separator(')', value_end, after, after)? {
                return Ok(fields);
            }
        }
    }

    fn tuple_items(&mut self, open: Pos, label: &str) -> PResult<Vec<Node>> {
        let mut items = Vec::new();
        loop {
            if self.at_close(')', || format!("while reading the items of {label}"))? {
                return Ok(items);
            }
            let n = items.len() + 1;
            let item = self.value(&Ctx { after: format!("in {label}"), label: format!("item {n} of {label}") })?;
            let end = self.last_end;
            self.skip_ws()?;
            if self.peek() == Some('=')
                && let NodeKind::Atom(text) = &item.kind
                && is_identifier(text)
            {
                return Err(self.error(
                    self.pos,
                    format!("expected `:` after field name `{text}`, found `=`"),
                    Some(format!("write the field as `{text}: value`")),
                ));
            }
            items.push(item);
            if self.peek() == Some(':') {
                return Err(self.error(
                    self.pos,
                    format!("unexpected `:` in the tuple opened at line {}, column {} ({label})", open.line, open.col),
                    Some(
                        "a tuple has no field names; for a struct, name every field \
                         (`name: value`), starting with the first"
                            .to_string(),
                    ),
                ));
            }
            let after = || format!("after item {n} of {label}");
            if self.separator(')', end, after, after)? {
                return Ok(items);
            }
        }
    }

    fn list(&mut self, start: Pos, label: &str) -> PResult<Node> {
        self.open('[', label.to_string())?;
        let mut items = Vec::new();
        loop {
            if self.at_close(']', || "while reading a list".to_string())? {
                break;
            }
            let n = items.len() + 1;
            let item =
                self.value(&Ctx { after: format!("in the list {label}"), label: format!("item {n} of {label}") })?;
            let end = self.last_end;
            items.push(item);
            self.skip_ws()?;
            if self.separator(
                ']',
                end,
                || format!("after item {n} of {label}"),
                || format!("after item {n} of a list"),
            )? {
                break;
            }
        }
        self.close();
        Ok(Node::new(NodeKind::List(items), self.origin_at(start)))
    }

    fn map(&mut self, start: Pos, label: &str) -> PResult<Node> {
        self.open('{', label.to_string())?;
        let mut entries = Vec::new();
        loop {
            if self.at_close('}', || "while reading a map".to_string())? {
                break;
            }
            let key =
                self.value(&Ctx { after: format!("as a key in the map {label}"), label: format!("a key in {label}") })?;
            self.skip_ws()?;
            match self.peek() {
                Some(':') => {
                    self.bump();
                }
                None => return Err(self.eof_error("after a map key")),
                Some(_) => {
                    return Err(self.error(
                        self.pos,
                        format!("expected `:` after the map key {}, found {}", key.describe(), self.found()),
                        Some("map entries are written `key: value`".to_string()),
                    ));
                }
            }
            self.skip_ws()?;
            let key_text = key.describe();
            let value = self.value(&Ctx {
                after: format!("after the map key {key_text}"),
                label: format!("the value for {key_text} in {label}"),
            })?;
            let end = self.last_end;
            entries.push((key, value));
            self.skip_ws()?;
            let after = || format!("after the map entry {key_text}");
            if self.separator('}', end, after, || "after a map entry".to_string())? {
                break;
            }
        }
        self.close();
        Ok(Node::new(NodeKind::Map(entries), self.origin_at(start)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{BASE, Scenario, doc, path, syntax_error, typed, value};
    use super::super::{get, render, string_value};
    use super::*;

    #[test]
    fn round_trip_matches_ron() {
        let expected: Scenario = ron::from_str(BASE).expect("ron parses the sample");
        let d = doc(BASE, "base.ron");
        assert_eq!(typed(&d).expect("rendered text parses"), expected);
        // CRLF line ends.
        let crlf = BASE.replace('\n', "\r\n");
        assert_eq!(typed(&doc(&crlf, "crlf.ron")).expect("crlf"), expected);
        // Rendering is stable.
        let (text, _) = render(&d);
        assert_eq!(render(&doc(&text, "again.ron")).0, text);
    }

    #[test]
    fn round_trip_with_extensions() {
        let text = "#![enable(implicit_some)]\n#![enable(implicit_some, unwrap_newtypes,)]\n".to_string()
            + &BASE.replace("Some(24.0)", "24.0");
        let d = doc(&text, "ext.ron");
        assert_eq!(d.extensions, vec!["implicit_some", "unwrap_newtypes"]);
        let expected: Scenario = ron::from_str(&text).expect("ron parses");
        let (rendered, _) = render(&d);
        assert!(rendered.starts_with("#![enable(implicit_some, unwrap_newtypes)]\n"));
        assert_eq!(ron::from_str::<Scenario>(&rendered).expect("parses"), expected);
    }

    #[test]
    fn atoms_keep_raw_text() {
        let d = doc(
            "[1_000, -0.5, 1e-3, inf, -inf, NaN, 0b101, 1u8, 2.5f32, \"a\\nb\", r##\"x\"#y\"##, \
             b\"by\", br#\"raw\"#, 'c', b'd', '\\u{41}', true, (), None, r#type, 1..5, ..=3, 2..]",
            "atoms.ron",
        );
        let NodeKind::List(items) = &d.root.kind else {
            panic!("expected a list");
        };
        let raw: Vec<&str> = items
            .iter()
            .map(|n| match &n.kind {
                NodeKind::Atom(a) => a.as_str(),
                _ => "?",
            })
            .collect();
        assert_eq!(
            raw,
            [
                "1_000",
                "-0.5",
                "1e-3",
                "inf",
                "-inf",
                "NaN",
                "0b101",
                "1u8",
                "2.5f32",
                "\"a\\nb\"",
                "r##\"x\"#y\"##",
                "b\"by\"",
                "br#\"raw\"#",
                "'c'",
                "b'd'",
                "'\\u{41}'",
                "true",
                "()",
                "None",
                "r#type",
                "1..5",
                "..=3",
                "2.."
            ]
        );
        assert_eq!(string_value("r##\"x\"#y\"##").as_deref(), Some("x\"#y"));
        assert_eq!(string_value("\"a\\n\\u{1F600}\"").as_deref(), Some("a\n\u{1F600}"));
    }

    #[test]
    fn structs_tuples_and_origins() {
        let d = doc(BASE, "base.ron");
        let share = get(&d.root, &path("population.cohorts[1].share")).expect("exists");
        assert_eq!(share.kind, NodeKind::Atom("1e-1".into()));
        assert_eq!(share.origin, Origin::new("base.ron", 11, 24));
        let pop = get(&d.root, &path("population")).expect("exists");
        assert!(matches!(&pop.kind, NodeKind::Struct { name: Some(n), .. } if n == "Population"));
        assert_eq!((pop.origin.line, pop.origin.col), (5, 17));
        let NodeKind::Struct { fields, .. } = &pop.kind else {
            panic!("struct");
        };
        assert_eq!(fields[1].key, "cohorts");
        assert_eq!(fields[1].key_origin, Origin::new("base.ron", 7, 9));
        let years = get(&d.root, &path("years")).expect("exists");
        assert!(matches!(&years.kind, NodeKind::Tuple { name: None, items } if items.len() == 2));
        let empty = value("Name()", "e.ron");
        assert_eq!(empty.kind, NodeKind::Struct { name: Some("Name".into()), fields: vec![] });
        assert_eq!(value("( )", "u.ron").kind, NodeKind::Atom("()".into()));
        let spaced = value("Some /* c */ (1)", "s.ron");
        assert!(matches!(spaced.kind, NodeKind::Tuple { name: Some(_), .. }));
    }

    #[test]
    fn syntax_error_missing_comma() {
        let e = syntax_error("Population(\n    share: 0.5\n    baseline_turnout: 0.6,\n)");
        assert_eq!(e.origin, Origin::new("bad.ron", 3, 5));
        assert_eq!(e.message, "expected `,` or `)` after field `share`, found `baseline_turnout`");
        assert_eq!(e.help.as_deref(), Some("add a comma at the end of line 2"));
        let e = syntax_error("[1 2]");
        assert_eq!(e.origin, Origin::new("bad.ron", 1, 4));
        assert!(e.message.contains("after item 1"), "{e}");
        assert_eq!(e.help.as_deref(), Some("add a comma before `2`"));
    }

    #[test]
    fn syntax_error_unclosed_paren() {
        let e = syntax_error("Scenario(\n    population: Population(\n        size: 3,\n");
        assert_eq!(e.origin, Origin::new("bad.ron", 2, 27));
        assert_eq!(e.message, "unclosed `(` opened at line 2, column 27 (Population)");
        assert!(e.help.as_deref().is_some_and(|h| h.contains("line 4, column 1")), "{e}");
        let e = syntax_error("(\n    a: (\n        b: 1,\n    c: 2,\n)\n");
        assert_eq!(e.origin, Origin::new("bad.ron", 1, 1));
        assert!(
            e.help.as_deref().is_some_and(|h| h.contains("line 5, column 1") && h.contains("line 2, column 8")),
            "{e}"
        );
    }

    #[test]
    fn syntax_error_unterminated_string() {
        let e = syntax_error("(\n    name: \"abc,\n    x: 1,\n)");
        assert_eq!(e.origin, Origin::new("bad.ron", 2, 11));
        assert_eq!(e.message, "unterminated string starting at line 2, column 11");
        let e = syntax_error("(a: \"one\n, b: \"two\",)");
        assert!(e.help.as_deref().is_some_and(|h| h.contains("spans several lines")), "{e}");
        let e = syntax_error("(a: r#\"x\")");
        assert!(e.message.starts_with("unterminated raw string"), "{e}");
        let e = syntax_error("(a: 'xy')");
        assert!(e.message.starts_with("unterminated character literal"), "{e}");
        let e = syntax_error("(a: \"\\q\")");
        assert_eq!(e.message, "unknown escape `\\q`");
        assert_eq!(e.origin, Origin::new("bad.ron", 1, 6));
    }

    #[test]
    fn syntax_errors_other() {
        let cases: &[(&str, &str, (usize, usize))] = &[
            ("(share: , x: 1)", "expected a value after `share:`, found `,`", (1, 9)),
            ("(share:\n  turnout: 0.5)", "expected a value after `share:`, found the field name `turnout`", (2, 3)),
            ("(a: 1) x", "trailing characters after the scenario: found `x`", (1, 8)),
            ("(a: 1))", "unexpected `)` after the end of the scenario", (1, 7)),
            ("(a: [1, 2)", "expected `,` or `]` after item 2 of `a`, found `)`", (1, 10)),
            ("(a: 1, a: 2)", "field `a` is written twice in the scenario (first at line 1, column 2)", (1, 8)),
            ("(a = 1)", "expected `:` after field name `a`, found `=`", (1, 4)),
            ("(a: 1, ]", "expected a field name or `)` in the scenario, found `]`", (1, 8)),
            ("[(a: 1]", "expected `,` or `)` after field `a`, found `]`", (1, 7)),
            ("", "the scenario is empty: expected a value such as `Scenario(...)` or `(...)`", (1, 1)),
            ("/* open", "unclosed block comment starting at line 1, column 1", (1, 1)),
            ("#![enable(implicit_sume)] ()", "unknown extension `implicit_sume`", (1, 11)),
            ("(a: @)", "expected a value after `a:`, found `@`", (1, 5)),
            ("(a: -x)", "expected a number after `-`, found `x`", (1, 6)),
            ("(1, b: 2)", "unexpected `:` in the tuple opened at line 1, column 1 (the scenario)", (1, 6)),
            ("{\"a\" 1}", "expected `:` after the map key `\"a\"`, found `1`", (1, 6)),
        ];
        for (text, message, (line, col)) in cases {
            let e = syntax_error(text);
            assert_eq!(&e.message, message, "{text:?}");
            assert_eq!((e.origin.line, e.origin.col), (*line, *col), "{text:?}: {e}");
        }
    }

    #[test]
    fn nesting_limit() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok, "deep.ron").is_ok());
        let deep = "(a: ".repeat(MAX_DEPTH + 1) + "1";
        let e = syntax_error(&deep);
        assert_eq!(e.message, "nesting deeper than 128 levels");
        let e = syntax_error(&"[".repeat(100_000));
        assert_eq!(e.message, "nesting deeper than 128 levels");
    }
}
