//! A span-preserving syntax tree for RON scenario files.
//!
//! The `ron` crate's own `ron::Value` forgets struct and enum-variant names, so
//! scenario layering (`extends: Some("base.ron")`, `--set PATH=RON`) works on
//! this tree instead. The pipeline is:
//!
//! 1. [`parse`] turns one file's text into a [`Document`]; every [`Node`] (and
//!    every struct field key) remembers its [`Origin`] — file, line, column.
//!    Syntax errors come back as a [`SyntaxError`] with a position, a message
//!    and usually a hint.
//! 2. [`merge`] overlays one scenario on another: structs field by field,
//!    same-named tuple variants item by item, everything else replaced whole.
//! 3. [`parse_path`] + [`set_path`] apply `--set` overrides.
//! 4. [`render`] prints the tree as RON text for `ron::from_str`, together with
//!    a [`SpanMap`] that maps a position in that text back to where the piece
//!    was originally written and to its field path (`population.cohorts[1].share`),
//!    so errors from typed deserialization can point at the user's file.
//!
//! The grammar mirrors ron 0.12: comments (nested block comments too), trailing
//! commas, `#![enable(...)]` attributes, raw identifiers, numbers with suffixes,
//! ranges, (raw/byte) strings and chars. Scalars are kept as their raw source
//! text and re-emitted verbatim, so ron itself still validates them; comments
//! are dropped. The module depends only on `std`, never panics on any input and
//! refuses nesting deeper than [`MAX_DEPTH`] levels.

use std::fmt;
use std::sync::Arc;

/// The deepest nesting of `(`, `[` and `{` that [`parse`] accepts, and the most
/// segments a path may have in [`parse_path`] / [`set_path`].
pub const MAX_DEPTH: usize = 128;

/// Where a piece of text came from: a display name of the file (or e.g.
/// "--set regulation.x"), 1-based line and column (columns count chars).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Display name of the file or other source the text came from.
    pub source: Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in chars.
    pub col: usize,
}

impl Origin {
    /// Creates an origin from a source name and a 1-based line and column.
    pub fn new(source: &str, line: usize, col: usize) -> Self {
        Origin { source: Arc::from(source), line, col }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.source, self.line, self.col)
    }
}

/// A value of the tree together with the place it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the value is.
    pub kind: NodeKind,
    /// Where the value starts in its source (for named structs and tuples: the name).
    pub origin: Origin,
}

/// The shape of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A scalar kept as its raw source text, re-emitted verbatim: numbers (incl. `1_000`, `-0.5`, `1e-3`, `inf`, `NaN`, ranges like `18..=29`), strings (incl. escapes and raw strings r#"..."#), chars 'x', `true`/`false`, `()`, and bare identifiers (unit enum variants such as `Allowed`, `None`, `Voter`).
    Atom(String),
    /// `Name(key: value, ...)` or anonymous `(key: value, ...)`; `Name()` is a struct without fields.
    Struct {
        /// The struct or variant name, if written.
        name: Option<String>,
        /// The fields in written order.
        fields: Vec<Field>,
    },
    /// `Name(a, b)` (tuple variants like `Some(24.0)`, `Fixed(0.5)`) or anonymous tuple `(1995, 2012)`.
    Tuple {
        /// The tuple-struct or variant name, if written.
        name: Option<String>,
        /// The items in written order.
        items: Vec<Node>,
    },
    /// `[a, b, ...]`
    List(Vec<Node>),
    /// `{key: value, ...}`
    Map(Vec<(Node, Node)>),
}

/// One `key: value` of a struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The key as written (a raw identifier keeps its `r#`).
    pub key: String,
    /// Where the key was written.
    pub key_origin: Origin,
    /// The value.
    pub value: Node,
}

/// A parsed RON file.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Enabled extensions, e.g. "implicit_some" from `#![enable(implicit_some)]`, without duplicates.
    /// (`#![type = ".."]` / `#![schema = ".."]` attributes are accepted and dropped.)
    pub extensions: Vec<String>,
    /// The scenario value.
    pub root: Node,
}

/// A syntax error found by [`parse`]: where, what, and (usually) how to fix it.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// Where the problem is (for an unclosed bracket: the opening bracket).
    pub origin: Origin,
    /// What is wrong.
    pub message: String,
    /// A hint on how to fix it.
    pub help: Option<String>,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SyntaxError {}

/// Extensions ron 0.12 knows; anything else in `#![enable(...)]` is an error.
const KNOWN_EXTENSIONS: [&str; 4] =
    ["implicit_some", "unwrap_newtypes", "unwrap_variant_newtypes", "explicit_struct_names"];

impl Node {
    /// Creates a node.
    pub fn new(kind: NodeKind, origin: Origin) -> Self {
        Node { kind, origin }
    }

    /// A short description for messages, e.g. "`None`", "`Some(...)`", "a list".
    pub fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Atom(text) => format!("`{}`", truncate(text, 40)),
            NodeKind::Struct { name: Some(n), .. } => format!("the struct `{n}(...)`"),
            NodeKind::Struct { name: None, .. } => "a struct".to_string(),
            NodeKind::Tuple { name: Some(n), .. } => format!("`{n}(...)`"),
            NodeKind::Tuple { name: None, .. } => "a tuple".to_string(),
            NodeKind::List(_) => "a list".to_string(),
            NodeKind::Map(_) => "a map".to_string(),
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push('…');
        s
    }
}

/// A field name without a raw-identifier `r#` prefix.
fn bare(key: &str) -> &str {
    key.strip_prefix("r#").unwrap_or(key)
}

fn same_key(a: &str, b: &str) -> bool {
    bare(a) == bare(b)
}

fn same_name(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_key(a, b),
        (None, None) => true,
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

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

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn is_raw_ident_char(c: char) -> bool {
    is_ident_continue(c) || matches!(c, '.' | '+' | '-')
}

/// Whether `text` is a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`, Unicode letters allowed).
fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(is_ident_start) && chars.all(is_ident_continue)
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

    /// Describes the token at the cursor for "found ..." messages.
    fn found(&self) -> String {
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
    fn line_indent(&self, idx: usize) -> Option<(usize, bool)> {
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

    /// The error for reaching the end of the file while `doing` something.
    fn eof_error(&self, doing: &str) -> SyntaxError {
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
    fn missing_comma(&self, value_end: Pos, what: &str, close: char) -> SyntaxError {
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

    /// Parses `#![enable(a, b)]`, or `#![type = "..."]` / `#![schema = "..."]` (dropped).
    fn attribute(&mut self, extensions: &mut Vec<String>) -> PResult<()> {
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

    fn struct_fields(&mut self, label: &str) -> PResult<Vec<Field>> {
        let mut fields: Vec<Field> = Vec::new();
        loop {
            self.skip_ws()?;
            match self.peek() {
                None => return Err(self.eof_error(&format!("while reading the fields of {label}"))),
                Some(')') => return Ok(fields),
                _ => {}
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
            match next {
                Some(',') => {
                    self.bump();
                }
                Some(')') => return Ok(fields),
                None => {
                    return Err(self.eof_error(&format!("after field `{}`", bare(&key))));
                }
                Some(_) => {
                    return Err(self.missing_comma(value_end, &format!("after field `{}`", bare(&key)), ')'));
                }
            }
        }
    }

    fn tuple_items(&mut self, open: Pos, label: &str) -> PResult<Vec<Node>> {
        let mut items = Vec::new();
        loop {
            self.skip_ws()?;
            match self.peek() {
                None => return Err(self.eof_error(&format!("while reading the items of {label}"))),
                Some(')') => return Ok(items),
                _ => {}
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
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(')') => return Ok(items),
                None => return Err(self.eof_error(&format!("after item {n} of {label}"))),
                Some(':') => {
                    return Err(self.error(
                        self.pos,
                        format!(
                            "unexpected `:` in the tuple opened at line {}, column {} ({label})",
                            open.line, open.col
                        ),
                        Some(
                            "a tuple has no field names; for a struct, name every field \
                             (`name: value`), starting with the first"
                                .to_string(),
                        ),
                    ));
                }
                Some(_) => {
                    return Err(self.missing_comma(end, &format!("after item {n} of {label}"), ')'));
                }
            }
        }
    }

    fn list(&mut self, start: Pos, label: &str) -> PResult<Node> {
        self.open('[', label.to_string())?;
        let mut items = Vec::new();
        loop {
            self.skip_ws()?;
            match self.peek() {
                None => return Err(self.eof_error("while reading a list")),
                Some(']') => break,
                _ => {}
            }
            let n = items.len() + 1;
            let item =
                self.value(&Ctx { after: format!("in the list {label}"), label: format!("item {n} of {label}") })?;
            let end = self.last_end;
            items.push(item);
            self.skip_ws()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => break,
                None => return Err(self.eof_error(&format!("after item {n} of a list"))),
                Some(_) => {
                    return Err(self.missing_comma(end, &format!("after item {n} of {label}"), ']'));
                }
            }
        }
        self.close();
        Ok(Node::new(NodeKind::List(items), self.origin_at(start)))
    }

    fn map(&mut self, start: Pos, label: &str) -> PResult<Node> {
        self.open('{', label.to_string())?;
        let mut entries = Vec::new();
        loop {
            self.skip_ws()?;
            match self.peek() {
                None => return Err(self.eof_error("while reading a map")),
                Some('}') => break,
                _ => {}
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
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => break,
                None => return Err(self.eof_error("after a map entry")),
                Some(_) => {
                    return Err(self.missing_comma(end, &format!("after the map entry {key_text}"), '}'));
                }
            }
        }
        self.close();
        Ok(Node::new(NodeKind::Map(entries), self.origin_at(start)))
    }

    /// Lexes a number or range, keeping its raw text.
    fn number(&mut self) -> PResult<String> {
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
    fn string_body(&mut self, start: Pos, text: &mut String, what: &str) -> PResult<()> {
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
    fn char_body(&mut self, start: Pos, text: &mut String) -> PResult<()> {
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
    fn raw_string_body(&mut self, start: Pos, text: &mut String) -> PResult<()> {
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

// ---------------------------------------------------------------------------
// Merging
// ---------------------------------------------------------------------------

/// Override `base` with `over`: two structs whose names are equal or where either is anonymous merge field by field (recursively; fields only in base are kept in base order, new fields appended; result name = over's name or else base's). Two tuples with the same name (or both anonymous) and the same arity merge item by item (so `Some(Bots(share: 0.1))` over `Some(Bots(share: 0.05, stance: 0.6))` keeps `stance`). Everything else (lists, maps, atoms, different variant names, different arity) is replaced whole by `over`.
///
/// Merged nodes and keys take `over`'s origins; untouched base parts keep theirs.
pub fn merge(base: &Node, over: &Node) -> Node {
    match (&base.kind, &over.kind) {
        (
            NodeKind::Struct { name: base_name, fields: base_fields },
            NodeKind::Struct { name: over_name, fields: over_fields },
        ) if base_name.is_none() || over_name.is_none() || same_name(base_name, over_name) => {
            let mut fields: Vec<Field> = base_fields
                .iter()
                .map(|b| match over_fields.iter().find(|o| same_key(&o.key, &b.key)) {
                    Some(o) => {
                        Field { key: o.key.clone(), key_origin: o.key_origin.clone(), value: merge(&b.value, &o.value) }
                    }
                    None => b.clone(),
                })
                .collect();
            for o in over_fields {
                if !fields.iter().any(|f| same_key(&f.key, &o.key)) {
                    fields.push(o.clone());
                }
            }
            Node::new(
                NodeKind::Struct { name: over_name.clone().or_else(|| base_name.clone()), fields },
                over.origin.clone(),
            )
        }
        (
            NodeKind::Tuple { name: base_name, items: base_items },
            NodeKind::Tuple { name: over_name, items: over_items },
        ) if same_name(base_name, over_name) && base_items.len() == over_items.len() => Node::new(
            NodeKind::Tuple {
                name: over_name.clone(),
                items: base_items.iter().zip(over_items).map(|(b, o)| merge(b, o)).collect(),
            },
            over.origin.clone(),
        ),
        _ => over.clone(),
    }
}

/// Merges two documents: the roots with [`merge`], the extensions united (base's first).
pub fn merge_documents(base: &Document, over: &Document) -> Document {
    let mut extensions = base.extensions.clone();
    for e in &over.extensions {
        if !extensions.contains(e) {
            extensions.push(e.clone());
        }
    }
    Document { extensions, root: merge(&base.root, &over.root) }
}

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

/// One step of a path like `parties[1].campaign.cohort_focus["Gen Z"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSeg {
    /// A struct field (`.name`; a raw identifier's `r#` is dropped).
    Field(String),
    /// A list item (`[3]`), an item of a tuple with several items, or a numeric map key.
    Index(usize),
    /// A map key (`["Gen Z"]` or `[Voter]`), holding the key's text without quotes.
    Key(String),
}

/// Formats a path the way [`parse_path`] reads it, e.g. `population.cohorts[1].share`
/// or `focus["Gen Z"]` (empty string for the root).
pub fn path_to_string(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSeg::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            PathSeg::Index(i) => out.push_str(&format!("[{i}]")),
            PathSeg::Key(k) => {
                if is_identifier(k) {
                    out.push_str(&format!("[{k}]"));
                } else {
                    out.push('[');
                    out.push_str(&quote(k));
                    out.push(']');
                }
            }
        }
    }
    out
}

/// Parse "population.cohorts[0].share" / `parties[1].campaign.cohort_focus["Gen Z"]`. Errors: a message saying what is wrong and where (char position).
///
/// Accepted: field names (`name`, `r#type`), `.0` / `[0]` indices, `["string key"]`
/// (with `\"`, `\\`, `\n`, `\t`, `\u{..}` escapes) and `[Identifier]` map keys.
pub fn parse_path(path: &str) -> Result<Vec<PathSeg>, String> {
    let chars: Vec<char> = path.chars().collect();
    if chars.is_empty() {
        return Err("empty path: expected something like `population.cohorts[0].share`".into());
    }
    let at = |i: usize| -> String {
        match chars.get(i) {
            Some(c) => format!("`{c}` at character {} of `{path}`", i + 1),
            None => format!("the end of `{path}`"),
        }
    };
    let mut segs = Vec::new();
    let mut i = 0;
    let mut expect_name = chars.first() != Some(&'[');
    loop {
        if segs.len() > MAX_DEPTH {
            return Err(format!("path `{path}` has more than {MAX_DEPTH} segments"));
        }
        if expect_name {
            // A field name, or a tuple index after a dot.
            let start = i;
            if chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                    i += 1;
                }
                let digits: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
                let n = digits.parse::<usize>().map_err(|_| format!("index `{digits}` is too large in `{path}`"))?;
                segs.push(PathSeg::Index(n));
            } else {
                if chars.get(i) == Some(&'r') && chars.get(i + 1) == Some(&'#') {
                    i += 2;
                }
                let name_start = i;
                if !chars.get(i).copied().is_some_and(is_ident_start) {
                    return Err(format!("expected a field name, found {}", at(i)));
                }
                while chars.get(i).copied().is_some_and(is_ident_continue) {
                    i += 1;
                }
                let name: String = chars.get(name_start..i).unwrap_or(&[]).iter().collect();
                segs.push(PathSeg::Field(name));
            }
            expect_name = false;
            continue;
        }
        match chars.get(i) {
            None => return Ok(segs),
            Some('.') => {
                i += 1;
                expect_name = true;
            }
            Some('[') => {
                let open = i;
                i += 1;
                while chars.get(i) == Some(&' ') {
                    i += 1;
                }
                match chars.get(i) {
                    Some('"') => {
                        i += 1;
                        let mut key = String::new();
                        loop {
                            match chars.get(i) {
                                None => {
                                    return Err(format!(
                                        "unterminated string starting at character {} of `{path}`",
                                        open + 2
                                    ));
                                }
                                Some('"') => {
                                    i += 1;
                                    break;
                                }
                                Some('\\') => {
                                    let (c, len) = unescape_one(&chars, i + 1)
                                        .ok_or_else(|| format!("invalid escape at character {} of `{path}`", i + 1))?;
                                    key.push(c);
                                    i += 1 + len;
                                }
                                Some(c) => {
                                    key.push(*c);
                                    i += 1;
                                }
                            }
                        }
                        segs.push(PathSeg::Key(key));
                    }
                    Some(c) if c.is_ascii_digit() => {
                        let start = i;
                        while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                            i += 1;
                        }
                        let digits: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
                        let n = digits
                            .parse::<usize>()
                            .map_err(|_| format!("index `{digits}` is too large in `{path}`"))?;
                        segs.push(PathSeg::Index(n));
                    }
                    Some(c) if is_ident_start(*c) => {
                        let start = i;
                        while chars.get(i).copied().is_some_and(is_ident_continue) {
                            i += 1;
                        }
                        segs.push(PathSeg::Key(chars.get(start..i).unwrap_or(&[]).iter().collect()));
                    }
                    _ => {
                        return Err(format!(
                            "expected an index, a \"quoted key\" or a name after `[`, found {}",
                            at(i)
                        ));
                    }
                }
                while chars.get(i) == Some(&' ') {
                    i += 1;
                }
                if chars.get(i) != Some(&']') {
                    return Err(format!("expected `]`, found {}", at(i)));
                }
                i += 1;
            }
            Some(_) => {
                return Err(format!("expected `.`, `[` or the end of the path, found {}", at(i)));
            }
        }
    }
}

/// Splits a `--set` argument `PATH=RON` at the first `=` outside `[...]`
/// (so `focus["a=b"]=1` works). `None` if there is no such `=`.
pub fn split_override(arg: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in arg.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if depth > 0 => in_string = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '=' if depth == 0 => return Some((arg.get(..i)?.trim(), arg.get(i + 1..)?)),
            _ => {}
        }
    }
    None
}

/// Decodes the escape whose letter is at `chars[i]` (after a backslash):
/// the char and how many chars the escape used after the backslash.
fn unescape_one(chars: &[char], i: usize) -> Option<(char, usize)> {
    let c = *chars.get(i)?;
    Some(match c {
        'n' => ('\n', 1),
        'r' => ('\r', 1),
        't' => ('\t', 1),
        '0' => ('\0', 1),
        '\\' | '"' | '\'' => (c, 1),
        'x' => {
            let hex: String = chars.get(i + 1..i + 3)?.iter().collect();
            let b = u8::from_str_radix(&hex, 16).ok()?;
            (char::from(b), 3)
        }
        'u' => {
            if chars.get(i + 1) != Some(&'{') {
                return None;
            }
            let mut j = i + 2;
            let mut value = 0u32;
            while let Some(d) = chars.get(j).and_then(|c| c.to_digit(16)) {
                value = value.checked_mul(16)?.checked_add(d)?;
                j += 1;
            }
            if chars.get(j) != Some(&'}') || j == i + 2 {
                return None;
            }
            (char::from_u32(value)?, j + 1 - i)
        }
        _ => return None,
    })
}

/// The text of a string atom (`"..."` with escapes, or `r#"..."#`); `None` for other atoms.
pub fn string_value(raw: &str) -> Option<String> {
    if let Some(rest) = raw.strip_prefix('r') {
        let hashes = rest.chars().take_while(|&c| c == '#').count();
        let inner = rest.get(hashes..)?.strip_prefix('"')?;
        let inner = inner.strip_suffix(&"#".repeat(hashes))?.strip_suffix('"')?;
        return Some(inner.to_string());
    }
    let inner: Vec<char> = raw.strip_prefix('"')?.strip_suffix('"')?.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = inner.get(i) {
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        match inner.get(i + 1) {
            Some('\n') | Some('\r') => {
                // String continuation: skip the line break and following whitespace.
                i += 1;
                while inner.get(i).is_some_and(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) {
                    i += 1;
                }
            }
            _ => {
                let (ch, len) = unescape_one(&inner, i + 1)?;
                out.push(ch);
                i += 1 + len;
            }
        }
    }
    Some(out)
}

/// Writes `text` as a RON string literal.
pub fn quote(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn key_matches(key: &Node, seg: &PathSeg) -> bool {
    let NodeKind::Atom(raw) = &key.kind else {
        return false;
    };
    match seg {
        PathSeg::Key(k) => raw == k || string_value(raw).as_deref() == Some(k.as_str()),
        PathSeg::Index(n) => raw.replace('_', "") == n.to_string(),
        PathSeg::Field(_) => false,
    }
}

/// The child of `node` at `seg`, looking through single-item tuples like `Some(...)`.
fn child<'a>(node: &'a Node, seg: &PathSeg) -> Option<&'a Node> {
    match (&node.kind, seg) {
        (NodeKind::Struct { fields, .. }, PathSeg::Field(name)) => {
            fields.iter().find(|f| same_key(&f.key, name)).map(|f| &f.value)
        }
        (NodeKind::List(items), PathSeg::Index(i)) => items.get(*i),
        (NodeKind::Tuple { items, .. }, PathSeg::Index(i)) if items.len() > 1 => items.get(*i),
        (NodeKind::Map(entries), _) => entries.iter().find(|(k, _)| key_matches(k, seg)).map(|(_, v)| v),
        (NodeKind::Tuple { items, .. }, _) if items.len() == 1 => items.first().and_then(|inner| child(inner, seg)),
        _ => None,
    }
}

/// The deepest existing node along `path` and how many segments matched (for pointing errors from semantic validation at the closest written place).
pub fn nearest<'a>(root: &'a Node, path: &[PathSeg]) -> (&'a Node, usize) {
    let mut cur = root;
    let mut matched = 0;
    for seg in path {
        match child(cur, seg) {
            Some(next) => {
                cur = next;
                matched += 1;
            }
            None => break,
        }
    }
    (cur, matched)
}

/// The node at `path`, if it exists (looking through `Some(...)`-like wrappers).
pub fn get<'a>(root: &'a Node, path: &[PathSeg]) -> Option<&'a Node> {
    let (node, matched) = nearest(root, path);
    (matched == path.len()).then_some(node)
}

/// Set the node at `path`, creating anonymous structs for missing intermediate fields (`regulation.takedown_hours` on a root without `regulation` creates `regulation: (takedown_hours: <value>)`); descending through a tuple whose single item is a struct (e.g. `Some(Bots(...))`) when the next segment is a Field; `Index` must exist in a List (error otherwise: "index 5 out of range: the list has 3 items"); Key creates or replaces a map entry. Errors are plain messages naming the failing segment.
///
/// Created keys, structs and map entries take `value.origin`. On error `root`
/// is left unchanged.
pub fn set_path(root: &mut Node, path: &[PathSeg], value: Node) -> Result<(), String> {
    if path.len() > MAX_DEPTH {
        return Err(format!("the path has more than {MAX_DEPTH} segments"));
    }
    set_rec(root, path, 0, value)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// `path[..end]` as text, or "the scenario" for the root.
fn prefix(path: &[PathSeg], end: usize) -> String {
    let s = path_to_string(path.get(..end).unwrap_or(path));
    if s.is_empty() { "the scenario".to_string() } else { format!("`{s}`") }
}

fn set_rec(node: &mut Node, path: &[PathSeg], i: usize, value: Node) -> Result<(), String> {
    let Some(seg) = path.get(i) else {
        *node = value;
        return Ok(());
    };
    // Look through `Some(...)`-like single-item tuples: they have no fields or keys.
    if let NodeKind::Tuple { items, .. } = &mut node.kind
        && items.len() == 1
        && let Some(inner) = items.first_mut()
    {
        return set_rec(inner, path, i, value);
    }
    let here = prefix(path, i + 1);
    let parent = prefix(path, i);
    match seg {
        PathSeg::Field(name) => match &mut node.kind {
            NodeKind::Struct { fields, .. } => {
                if let Some(f) = fields.iter_mut().find(|f| same_key(&f.key, name)) {
                    return set_rec(&mut f.value, path, i + 1, value);
                }
                let key_origin = value.origin.clone();
                let child = build(path, i + 1, value)?;
                fields.push(Field { key: name.clone(), key_origin, value: child });
                Ok(())
            }
            NodeKind::Atom(text) if text == "()" => {
                let key_origin = value.origin.clone();
                let child = build(path, i + 1, value)?;
                node.kind = NodeKind::Struct {
                    name: None,
                    fields: vec![Field { key: name.clone(), key_origin, value: child }],
                };
                Ok(())
            }
            _ => Err(format!(
                "cannot set {here}: {parent} is {}, not a struct with fields{}",
                node.describe(),
                if matches!(&node.kind, NodeKind::Atom(_)) {
                    format!(
                        "; set the whole value instead, e.g. `--set {}=...`",
                        path_to_string(path.get(..i).unwrap_or(path))
                    )
                } else {
                    String::new()
                }
            )),
        },
        PathSeg::Index(n) => match &mut node.kind {
            NodeKind::List(items) => {
                let len = items.len();
                match items.get_mut(*n) {
                    Some(item) => set_rec(item, path, i + 1, value),
                    None => Err(format!("{here}: index {n} out of range: the list has {}", plural(len, "item"))),
                }
            }
            NodeKind::Tuple { items, .. } => {
                let len = items.len();
                match items.get_mut(*n) {
                    Some(item) => set_rec(item, path, i + 1, value),
                    None => Err(format!("{here}: index {n} out of range: the tuple has {}", plural(len, "item"))),
                }
            }
            NodeKind::Map(entries) => set_map_entry(entries, path, i, value),
            _ => Err(format!("cannot set {here}: {parent} is {}, not a list", node.describe())),
        },
        PathSeg::Key(_) => match &mut node.kind {
            NodeKind::Map(entries) => set_map_entry(entries, path, i, value),
            _ => Err(format!("cannot set {here}: {parent} is {}, not a map", node.describe())),
        },
    }
}

fn set_map_entry(entries: &mut Vec<(Node, Node)>, path: &[PathSeg], i: usize, value: Node) -> Result<(), String> {
    let Some(seg) = path.get(i) else {
        return Ok(());
    };
    if let Some((_, v)) = entries.iter_mut().find(|(k, _)| key_matches(k, seg)) {
        return set_rec(v, path, i + 1, value);
    }
    let origin = value.origin.clone();
    let key_text = match seg {
        PathSeg::Index(n) => n.to_string(),
        PathSeg::Key(k)
            if is_identifier(k)
                && !entries.is_empty()
                && entries.iter().all(|(k, _)| matches!(&k.kind, NodeKind::Atom(a) if is_identifier(a))) =>
        {
            k.clone()
        }
        PathSeg::Key(k) | PathSeg::Field(k) => quote(k),
    };
    let child = build(path, i + 1, value)?;
    entries.push((Node::new(NodeKind::Atom(key_text), origin), child));
    Ok(())
}

/// Builds the nodes for `path[from..]` that do not exist yet, around `value`.
fn build(path: &[PathSeg], from: usize, value: Node) -> Result<Node, String> {
    let rest = path.get(from..).unwrap_or(&[]);
    if let Some(pos) = rest.iter().position(|s| matches!(s, PathSeg::Index(_))) {
        let missing = prefix(path, from + pos);
        return Err(format!(
            "cannot set {}: {missing} does not exist, so it has no items to index; set the \
             whole value instead, e.g. `--set {}=[...]`",
            prefix(path, path.len()),
            path_to_string(path.get(..from + pos).unwrap_or(path))
        ));
    }
    let origin = value.origin.clone();
    let mut node = value;
    for seg in rest.iter().rev() {
        let kind = match seg {
            PathSeg::Field(name) => NodeKind::Struct {
                name: None,
                fields: vec![Field { key: name.clone(), key_origin: origin.clone(), value: node }],
            },
            PathSeg::Key(k) => NodeKind::Map(vec![(Node::new(NodeKind::Atom(quote(k)), origin.clone()), node)]),
            PathSeg::Index(n) => NodeKind::Map(vec![(Node::new(NodeKind::Atom(n.to_string()), origin.clone()), node)]),
        };
        node = Node::new(kind, origin.clone());
    }
    Ok(node)
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

/// Maps positions in [`render`]ed text back to where each piece was written.
#[derive(Clone, Debug, Default)]
pub struct SpanMap {
    entries: Vec<SpanEntry>,
}

#[derive(Clone, Debug)]
struct SpanEntry {
    /// First (line, col) covered.
    start: (usize, usize),
    /// First (line, col) no longer covered.
    end: (usize, usize),
    depth: usize,
    origin: Origin,
    path: String,
}

impl SpanMap {
    /// Innermost node (or field key) covering 1-based (line, col) of the rendered text, or the nearest one before it on that line / the previous lines if none covers it exactly (ron sometimes reports the position just after a token). Returns the original origin and the field path as a display string like `population.cohorts[1].share` (empty string for the root).
    ///
    /// Pass the *start* of ron's `SpannedError::span`: it is either the token
    /// at fault (e.g. an unknown field's key) or the whitespace just before the
    /// offending value, which maps to that value.
    pub fn locate(&self, line: usize, col: usize) -> Option<(Origin, String)> {
        let p = (line, col);
        let covering = self.entries.iter().filter(|e| e.start <= p && p < e.end).max_by_key(|e| e.depth);
        let found = match covering {
            // Inside a bracketed value but on none of its parts: prefer a part
            // that ends just before, on the same line (`kind: Bots,` reported at
            // the comma means `Bots`).
            Some(c) => self
                .entries
                .iter()
                .filter(|e| e.depth > c.depth && e.start >= c.start && e.end <= p && e.end.0 == line)
                .max_by_key(|e| (e.end, e.depth))
                .unwrap_or(c),
            None => self.entries.iter().filter(|e| e.end <= p).max_by_key(|e| (e.end, e.depth))?,
        };
        Some((found.origin.clone(), found.path.clone()))
    }
}

struct Renderer {
    out: String,
    line: usize,
    col: usize,
    entries: Vec<SpanEntry>,
}

impl Renderer {
    fn pos(&self) -> (usize, usize) {
        (self.line, self.col)
    }

    fn write(&mut self, s: &str) {
        for c in s.chars() {
            self.out.push(c);
            if c == '\n' {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
        }
    }

    fn indent(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push(' ');
        }
        self.col += n;
    }

    fn entry(&mut self, start: (usize, usize), depth: usize, origin: &Origin, path: &str) {
        let end = self.pos();
        if start < end {
            self.entries.push(SpanEntry { start, end, depth, origin: origin.clone(), path: path.to_string() });
        }
    }

    /// Renders a child, mapping the whitespace between `gap` and its start to it.
    fn child(&mut self, node: &Node, indent: usize, depth: usize, path: &str, gap: (usize, usize)) {
        self.entry(gap, depth, &node.origin, path);
        self.node(node, indent, depth, path);
    }

    /// Renders items one per line between `open` and `close`, mapping item i to `path[i]`.
    fn lines(&mut self, items: &[Node], open: &str, close: &str, indent: usize, depth: usize, path: &str) {
        self.write(open);
        let mut gap = self.pos();
        self.write("\n");
        for (i, item) in items.iter().enumerate() {
            self.indent(indent + 4);
            self.child(item, indent + 4, depth + 1, &format!("{path}[{i}]"), gap);
            self.write(",");
            gap = self.pos();
            self.write("\n");
        }
        self.indent(indent);
        self.write(close);
    }

    fn node(&mut self, node: &Node, indent: usize, depth: usize, path: &str) {
        let start = self.pos();
        match &node.kind {
            NodeKind::Atom(text) => self.write(text),
            NodeKind::Struct { name, fields } => {
                if let Some(name) = name {
                    self.write(name);
                }
                if fields.is_empty() {
                    self.write("()");
                } else {
                    self.write("(\n");
                    for f in fields {
                        self.indent(indent + 4);
                        let child_path =
                            if path.is_empty() { bare(&f.key).to_string() } else { format!("{path}.{}", bare(&f.key)) };
                        let key_start = self.pos();
                        self.write(&f.key);
                        self.entry(key_start, depth + 1, &f.key_origin, &child_path);
                        self.write(":");
                        let gap = self.pos();
                        self.write(" ");
                        self.child(&f.value, indent + 4, depth + 1, &child_path, gap);
                        self.write(",\n");
                    }
                    self.indent(indent);
                    self.write(")");
                }
            }
            NodeKind::Tuple { name, items } => {
                if let Some(name) = name {
                    self.write(name);
                }
                if let [item] = items.as_slice() {
                    self.write("(");
                    let gap = self.pos();
                    self.child(item, indent, depth + 1, path, gap);
                    self.write(")");
                } else if items.iter().all(|i| matches!(i.kind, NodeKind::Atom(_))) {
                    self.write("(");
                    let mut gap = self.pos();
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.write(",");
                            gap = self.pos();
                            self.write(" ");
                        }
                        self.child(item, indent, depth + 1, &format!("{path}[{i}]"), gap);
                    }
                    self.write(")");
                } else {
                    self.lines(items, "(", ")", indent, depth, path);
                }
            }
            NodeKind::List(items) => {
                if items.is_empty() {
                    self.write("[]");
                } else {
                    self.lines(items, "[", "]", indent, depth, path);
                }
            }
            NodeKind::Map(entries) => {
                if entries.is_empty() {
                    self.write("{}");
                } else {
                    self.write("{");
                    let mut gap = self.pos();
                    self.write("\n");
                    for (key, value) in entries {
                        let key_text = match &key.kind {
                            NodeKind::Atom(text) => truncate(text, 60),
                            _ => "..".to_string(),
                        };
                        let child_path = format!("{path}[{key_text}]");
                        self.indent(indent + 4);
                        self.child(key, indent + 4, depth + 1, &child_path, gap);
                        self.write(":");
                        let value_gap = self.pos();
                        self.write(" ");
                        self.child(value, indent + 4, depth + 1, &child_path, value_gap);
                        self.write(",");
                        gap = self.pos();
                        self.write("\n");
                    }
                    self.indent(indent);
                    self.write("}");
                }
            }
        }
        self.entry(start, depth, &node.origin, path);
    }
}

/// Render as RON text, one field per line (indent 4), prefixed by `#![enable(...)]` lines for the extensions, plus a span map.
///
/// Single-item tuples (`Some(24.0)`, `Some(Bots(...))`) and tuples of scalars
/// stay on one line.
pub fn render(doc: &Document) -> (String, SpanMap) {
    let mut r = Renderer { out: String::new(), line: 1, col: 1, entries: Vec::new() };
    if !doc.extensions.is_empty() {
        r.write(&format!("#![enable({})]\n", doc.extensions.join(", ")));
    }
    r.node(&doc.root, 0, 0, "");
    r.write("\n");
    (r.out, SpanMap { entries: r.entries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Scenario {
        name: String,
        seed: u64,
        population: Population,
        regulation: Regulation,
        bots: Option<Kind>,
        tags: Vec<String>,
        focus: BTreeMap<String, f64>,
        years: (u32, u32),
        ages: std::ops::RangeInclusive<u32>,
        initial: char,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Population {
        size: u32,
        cohorts: Vec<Cohort>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Cohort {
        name: String,
        share: f64,
        kind: Kind,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum Kind {
        Voter,
        Bots { share: f64, stance: f64 },
        Fixed(f64),
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Regulation {
        takedown_hours: Option<f64>,
        mode: Mode,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum Mode {
        Allowed,
        Banned,
    }

    const BASE: &str = r##"// A test scenario.
Scenario(
    name: "Test \"quoted\" \u{1F600}\t",
    seed: 1_000,
    population: Population(
        size: 0x10,
        cohorts: [
            (name: r#"Gen "Z""#, share: 0.35, kind: Voter),
            (
                name: "Boomers",
                share: 1e-1, /* inline /* nested */ comment */
                kind: Fixed(-0.5),
            ),
        ],
    ),
    regulation: (takedown_hours: Some(24.0), mode: Banned),
    bots: Some(Bots(share: 0.05, stance: 0.6)),
    tags: ["a", "b",],
    focus: {"Gen Z": 0.5, "x": -1.0e3},
    years: (1995, 2012),
    ages: 18..=29,
    initial: '\'',
)
"##;

    fn path(p: &str) -> Vec<PathSeg> {
        parse_path(p).expect("valid test path")
    }

    fn doc(text: &str, source: &str) -> Document {
        match parse(text, source) {
            Ok(d) => d,
            Err(e) => panic!("test input should parse: {e}"),
        }
    }

    fn value(text: &str, source: &str) -> Node {
        doc(text, source).root
    }

    fn typed(d: &Document) -> Result<Scenario, ron::error::SpannedError> {
        ron::from_str::<Scenario>(&render(d).0)
    }

    fn syntax_error(text: &str) -> SyntaxError {
        match parse(text, "bad.ron") {
            Ok(d) => panic!("expected a syntax error, got {d:?}"),
            Err(e) => e,
        }
    }

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
    fn merge_overrides_recursively() {
        let base = doc(BASE, "base.ron");
        let over = doc(
            r#"(
                seed: 7,
                population: (cohorts: [(name: "Only", share: 1.0, kind: Voter)]),
                regulation: Regulation(takedown_hours: None),
                bots: Some(Bots(share: 0.1)),
            )"#,
            "over.ron",
        );
        let merged = merge_documents(&base, &over);
        let s = typed(&merged).expect("merged scenario parses");
        assert_eq!(s.seed, 7);
        assert_eq!(s.population.size, 16);
        assert_eq!(s.population.cohorts.len(), 1, "lists are replaced whole");
        assert_eq!(s.regulation.takedown_hours, None);
        assert_eq!(s.regulation.mode, Mode::Banned);
        assert_eq!(s.bots, Some(Kind::Bots { share: 0.1, stance: 0.6 }));
        assert_eq!(s.name, "Test \"quoted\" \u{1F600}\t");
        // Field order: base order kept, names: over's or else base's.
        let NodeKind::Struct { name, fields } = &merged.root.kind else {
            panic!("struct");
        };
        assert_eq!(name.as_deref(), Some("Scenario"));
        assert_eq!(fields[1].key, "seed");
        assert_eq!(fields[1].key_origin.source.as_ref(), "over.ron");
        let reg = get(&merged.root, &path("regulation")).expect("exists");
        assert!(matches!(&reg.kind, NodeKind::Struct { name: Some(n), .. } if n == "Regulation"));
    }

    #[test]
    fn merge_replaces_other_shapes_whole() {
        let m = |a: &str, b: &str| {
            let merged = merge(&value(a, "a"), &value(b, "b"));
            render(&Document { extensions: vec![], root: merged }).0
        };
        assert_eq!(m("Fixed(0.5)", "Fixed(0.7)"), "Fixed(0.7)\n");
        assert_eq!(m("Fixed(0.5)", "Voter"), "Voter\n");
        assert_eq!(m("Some(Bots(share: 0.1))", "None"), "None\n");
        assert_eq!(m("Bots(share: 1)", "Other(stance: 2)"), "Other(\n    stance: 2,\n)\n");
        assert_eq!(m("(1, 2)", "(3, 4, 5)"), "(3, 4, 5)\n");
        assert_eq!(m("A(1, 2)", "B(3, 4)"), "B(3, 4)\n");
        assert_eq!(m("(1, 2)", "(3, 4)"), "(3, 4)\n");
        assert_eq!(m("[1, 2]", "[3]"), "[\n    3,\n]\n");
        assert_eq!(m("{\"a\": 1}", "{\"b\": 2}"), "{\n    \"b\": 2,\n}\n");
        assert_eq!(
            m("P(a: 1, b: (c: 2, d: 3))", "(e: 5, b: (d: 4))"),
            "P(\n    a: 1,\n    b: (\n        c: 2,\n        d: 4,\n    ),\n    e: 5,\n)\n"
        );
        // A field whose value changes variant is replaced.
        assert_eq!(m("(k: Bots(share: 1, stance: 2))", "(k: Fixed(3))"), "(\n    k: Fixed(3),\n)\n");
    }

    #[test]
    fn parse_path_accepts_and_rejects() {
        assert_eq!(
            parse_path("parties[1].campaign.cohort_focus[\"Gen Z\"]").expect("ok"),
            vec![
                PathSeg::Field("parties".into()),
                PathSeg::Index(1),
                PathSeg::Field("campaign".into()),
                PathSeg::Field("cohort_focus".into()),
                PathSeg::Key("Gen Z".into()),
            ]
        );
        assert_eq!(
            parse_path("a.r#type[Voter].0[\"q\\\"\"]").expect("ok"),
            vec![
                PathSeg::Field("a".into()),
                PathSeg::Field("type".into()),
                PathSeg::Key("Voter".into()),
                PathSeg::Index(0),
                PathSeg::Key("q\"".into()),
            ]
        );
        for (bad, needle) in [
            ("", "empty path"),
            ("a..b", "character 3"),
            ("a[", "the end of"),
            ("a[1", "expected `]`"),
            ("a[\"x]", "unterminated string"),
            ("a b", "character 2"),
            ("a.-", "character 3"),
            ("a[99999999999999999999999]", "too large"),
        ] {
            let err = parse_path(bad).expect_err(bad);
            assert!(err.contains(needle), "{bad:?}: {err}");
        }
        assert_eq!(path_to_string(&path("a.b[2][\"Gen Z\"][V]")), "a.b[2][\"Gen Z\"][V]");
        assert_eq!(split_override("focus[\"a=b\"]=Some(1)"), Some(("focus[\"a=b\"]", "Some(1)")));
        assert_eq!(split_override("a.b"), None);
    }

    #[test]
    fn set_path_creates_indexes_and_errors() {
        let mut root = value("(seed: 1)", "base.ron");
        let v = value("Some(24.0)", "--set regulation.takedown_hours");
        set_path(&mut root, &path("regulation.takedown_hours"), v).expect("set");
        let reg = get(&root, &path("regulation")).expect("created");
        assert!(matches!(&reg.kind, NodeKind::Struct { name: None, fields } if fields.len() == 1));
        let (text, _) = render(&Document { extensions: vec![], root: root.clone() });
        assert!(text.contains("regulation: (\n        takedown_hours: Some(24.0),\n    ),"), "{text}");

        let mut d = doc(BASE, "base.ron");
        let set = |d: &mut Document, p: &str, v: &str| {
            let node = value(v, &format!("--set {p}"));
            set_path(&mut d.root, &path(p), node)
        };
        set(&mut d, "population.cohorts[1].share", "0.3").expect("index");
        set(&mut d, "focus[\"Gen Z\"]", "0.9").expect("replace key");
        set(&mut d, "focus[\"New one\"]", "0.1").expect("new key");
        set(&mut d, "bots.share", "0.2").expect("through Some(Bots(..))");
        set(&mut d, "regulation.mode", "Allowed").expect("replace");
        let s = typed(&d).expect("parses");
        assert_eq!(s.population.cohorts[1].share, 0.3);
        assert_eq!(s.focus.get("Gen Z"), Some(&0.9));
        assert_eq!(s.focus.get("New one"), Some(&0.1));
        assert_eq!(s.bots, Some(Kind::Bots { share: 0.2, stance: 0.6 }));
        assert_eq!(s.regulation.mode, Mode::Allowed);

        let before = d.clone();
        let err = set(&mut d, "population.cohorts[5].share", "0.3").expect_err("range");
        assert!(err.contains("index 5 out of range: the list has 2 items"), "{err}");
        assert!(err.contains("population.cohorts[5]"), "{err}");
        set(&mut d, "bots", "None").expect("replace whole");
        let err = set(&mut d, "bots.share", "0.1").expect_err("None has no fields");
        assert!(err.contains("bots") && err.contains("`None`"), "{err}");
        let err = set(&mut d, "missing.list[0]", "1").expect_err("cannot create items");
        assert!(err.contains("missing"), "{err}");
        assert!(get(&d.root, &path("missing")).is_none(), "failed set leaves no trace");
        let err = set(&mut d, "tags.x", "1").expect_err("list has no fields");
        assert!(err.contains("tags") && err.contains("a list"), "{err}");
        assert_ne!(before, d);
    }

    #[test]
    fn nearest_finds_deepest_existing_node() {
        let d = doc(BASE, "base.ron");
        let (node, n) = nearest(&d.root, &path("population.cohorts[1].bogus.x"));
        assert_eq!(n, 3);
        assert_eq!((node.origin.line, node.origin.col), (9, 13));
        let (node, n) = nearest(&d.root, &path("bots.stance"));
        assert_eq!(n, 2);
        assert_eq!(node.kind, NodeKind::Atom("0.6".into()));
        let (node, n) = nearest(&d.root, &path("nothing"));
        assert_eq!(n, 0);
        assert_eq!(node, &d.root);
    }

    /// Renders, lets ron deserialize, and maps the error back.
    fn locate_error(d: &Document) -> (Origin, String) {
        let (text, map) = render(d);
        let err = ron::from_str::<Scenario>(&text).expect_err("should fail");
        map.locate(err.span.start.line, err.span.start.col)
            .unwrap_or_else(|| panic!("no location for {err:?} in\n{text}"))
    }

    #[test]
    fn locate_maps_ron_errors_back() {
        // Unknown field: the key's original position.
        let bad = BASE.replace("                kind: Fixed(-0.5),", "                kind: Fixed(-0.5), bogus: 3,");
        let (origin, p) = locate_error(&doc(&bad, "base.ron"));
        assert_eq!(origin, Origin::new("base.ron", 12, 36));
        assert_eq!(p, "population.cohorts[1].bogus");

        // Wrong type of a value: the value's position.
        let bad = BASE.replace("share: 0.35", "share: \"lots\"");
        let (origin, p) = locate_error(&doc(&bad, "base.ron"));
        assert_eq!(origin, Origin::new("base.ron", 8, 41));
        assert_eq!(p, "population.cohorts[0].share");

        // A wrong list item.
        let bad = BASE.replace("[\"a\", \"b\",]", "[\"a\", 3]");
        let (origin, p) = locate_error(&doc(&bad, "base.ron"));
        assert_eq!(origin, Origin::new("base.ron", 18, 17));
        assert_eq!(p, "tags[1]");

        // A missing field: the struct that lacks it.
        let bad = BASE.replace("share: 0.35, ", "");
        let (origin, p) = locate_error(&doc(&bad, "base.ron"));
        assert_eq!(origin, Origin::new("base.ron", 8, 13));
        assert_eq!(p, "population.cohorts[0]");

        // An unknown variant inside Some(...) in an overriding file.
        let base = doc(BASE, "base.ron");
        let over = doc("(\n  bots: Some(Bots(share: 1.0)),\n  regulation: (mode: Sometimes),\n)", "over.ron");
        let merged = merge_documents(&base, &over);
        let (origin, p) = locate_error(&merged);
        assert_eq!(origin, Origin::new("over.ron", 3, 22));
        assert_eq!(p, "regulation.mode");
        let over = doc("(bots: Some(Bots(share: true)))", "over.ron");
        let (origin, p) = locate_error(&merge_documents(&base, &over));
        assert_eq!(origin, Origin::new("over.ron", 1, 25));
        assert_eq!(p, "bots.share");

        // A node introduced by --set reports the origin it was given.
        let mut d = doc(BASE, "base.ron");
        let v = value("\"big\"", "--set population.size");
        set_path(&mut d.root, &path("population.size"), v).expect("set");
        let (origin, p) = locate_error(&d);
        assert_eq!(origin, Origin::new("--set population.size", 1, 1));
        assert_eq!(p, "population.size");
        let mut d = doc(BASE, "base.ron");
        let v = value("1", "--set population.extra");
        set_path(&mut d.root, &path("population.extra"), v).expect("set");
        let (origin, p) = locate_error(&d);
        assert_eq!(origin, Origin::new("--set population.extra", 1, 1));
        assert_eq!(p, "population.extra");
    }

    #[test]
    fn locate_falls_back_to_nearest_before() {
        let d = doc("(a: 1)", "f.ron");
        let (text, map) = render(&d);
        assert_eq!(text, "(\n    a: 1,\n)\n");
        let at = |l, c| map.locate(l, c).map(|(o, p)| (o.line, o.col, p));
        assert_eq!(at(2, 5), Some((1, 2, "a".to_string())));
        assert_eq!(at(2, 8), Some((1, 5, "a".to_string())));
        assert_eq!(at(2, 7), Some((1, 5, "a".to_string())), "the gap after `a:`");
        assert_eq!(at(2, 9), Some((1, 5, "a".to_string())), "just after `1`");
        assert_eq!(at(3, 1), Some((1, 1, String::new())));
        assert_eq!(at(4, 1), Some((1, 1, String::new())), "after the end");
        assert_eq!(at(99, 99), Some((1, 1, String::new())));
        assert_eq!(SpanMap::default().locate(1, 1), None);
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

    /// A tiny deterministic xorshift generator, so the test needs only std.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Parses; when that works, rendering must re-parse to the same text, and
    /// locating any position must not panic.
    fn check_no_panic(text: &str) {
        if let Ok(d) = parse(text, "fuzz") {
            let (rendered, map) = render(&d);
            let again = parse(&rendered, "rendered")
                .unwrap_or_else(|e| panic!("rendered text fails: {e}\n{text:?}\n{rendered}"));
            assert_eq!(render(&again).0, rendered, "{text:?}");
            for line in 0..4 {
                for col in 0..6 {
                    let _ = map.locate(line, col * 3);
                }
            }
            let _ = merge(&d.root, &again.root);
            let mut root = d.root.clone();
            let _ = set_path(&mut root, &path("a.b[\"c\"]"), again.root.clone());
            let _ = set_path(&mut root, &path("a[0].b"), d.root.clone());
        }
    }

    #[test]
    fn never_panics() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let alphabet: Vec<char> =
            "()[]{},:;\"'#!r/*\\ \n\tabNSome_0123456789.-+e=xu{}br\u{e9}\u{2028}\r".chars().collect();
        let chars: Vec<char> = BASE.chars().collect();
        // Every truncation of a valid file.
        for n in 0..=chars.len() {
            check_no_panic(&chars[..n].iter().collect::<String>());
        }
        for _ in 0..400 {
            // Random bytes, made into text.
            let len = rng.below(60);
            let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xFF) as u8).collect();
            check_no_panic(&String::from_utf8_lossy(&bytes));
            // Random RON-ish characters.
            let len = rng.below(80);
            let s: String = (0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            check_no_panic(&s);
            // Mutations of the valid file.
            let mut m = chars.clone();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(m.len());
                match rng.below(3) {
                    0 => {
                        m.remove(at);
                    }
                    1 => m.insert(at, alphabet[rng.below(alphabet.len())]),
                    _ => m[at] = alphabet[rng.below(alphabet.len())],
                }
            }
            check_no_panic(&m.iter().collect::<String>());
        }
        for s in [
            "#",
            "#!",
            "#![",
            "#![enable",
            "#![enable(",
            "#![type = \"x\"",
            "r#",
            "b'",
            "'\\",
            "\"\\u{",
            "1..",
            "..",
            "-",
            "+inf",
            "(a:",
            "r#\"",
            "br##\"x\"#",
        ] {
            check_no_panic(s);
        }
    }
}
