//! A span-preserving syntax tree for RON scenario files.
//!
//! The `ron` crate's own `ron::Value` forgets struct and enum-variant names, so
//! scenario layering (`extends: Some("base.ron")`, `--set PATH=RON`) works on
//! this tree instead. The pipeline is:
//!
//! 1. [`parse()`] turns one file's text into a [`Document`]; every [`Node`] (and
//!    every struct field key) remembers its [`Origin`] — file, line, column.
//!    Syntax errors come back as a [`SyntaxError`] with a position, a message
//!    and usually a hint.
//! 2. [`merge()`] overlays one scenario on another: structs field by field,
//!    same-named tuple variants item by item, everything else replaced whole.
//! 3. [`split_assignment`], [`parse_path`] and [`set_path`] apply `--set` overrides.
//! 4. [`render()`] prints the tree as RON text for `ron::from_str`, together with
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
//!
//! This file holds the document types and the small helpers the parts share;
//! `parse` (with its parts `attribute`, `lex` and `diagnose`), `merge`, `path`
//! and `render` each hold one step of the pipeline. Reads and writes only the
//! values passed in.

mod merge;
mod parse;
mod path;
mod render;

#[cfg(test)]
mod fixtures;

pub use merge::merge;
pub use parse::parse;
pub use path::{PathSeg, get, nearest, parse_path, path_to_string, quote, set_path, split_assignment, string_value};
pub use render::{SpanMap, render};

use std::fmt;
use std::sync::Arc;

/// The deepest nesting of `(`, `[` and `{` that [`parse()`] accepts, and the most
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
    /// A scalar kept as its raw source text, re-emitted verbatim: numbers (incl. `1_000`, `-0.5`,
    /// `1e-3`, `inf`, `NaN`, ranges like `18..=29`), strings (incl. escapes and raw strings
    /// r#"..."#), chars 'x', `true`/`false`, `()`, and bare identifiers (unit enum variants such as
    /// `Allowed`, `None`, `Voter`).
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

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Whether `text` is a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`, Unicode letters allowed).
fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(is_ident_start) && chars.all(is_ident_continue)
}

#[cfg(test)]
mod tests {
    use super::fixtures::{BASE, path};
    use super::*;

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
