//! Rendering a tree back to RON text for `ron::from_str`, with a [`SpanMap`] from positions in
//! that text to where each piece was originally written and its field path. Reads the tree;
//! returns text.

use super::{Document, Node, NodeKind, Origin, bare, truncate};

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
    /// Innermost node (or field key) covering 1-based (line, col) of the rendered text, or the
    /// nearest one before it on that line / the previous lines if none covers it exactly (ron
    /// sometimes reports the position just after a token). Returns the original origin and the
    /// field path as a display string like `population.cohorts[1].share` (empty string for the
    /// root).
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

/// Render as RON text, one field per line (indent 4), prefixed by `#![enable(...)]` lines for the
/// extensions, plus a span map.
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
    use super::super::fixtures::{BASE, Scenario, doc, path, value};
    use super::super::{merge, set_path};
    use super::*;

    /// Renders, lets ron deserialize, and maps the error back.
    fn locate_error(d: &Document) -> (Origin, String) {
        let (text, map) = render(d);
        let err = ron::from_str::<Scenario>(&text).expect_err("should fail");
        map.locate(err.span.start.line, err.span.start.col)
            .unwrap_or_else(|| panic!("no location for {err:?} in\n{text}"))
    }

    #[test]
    fn locate_maps_ron_errors_back() {
        // Edits of the base file: (text replaced, its replacement, line, column, field path).
        let edits = [
            // Unknown field: the key's original position.
            (
                "                kind: Fixed(-0.5),",
                "                kind: Fixed(-0.5), bogus: 3,",
                12,
                36,
                "population.cohorts[1].bogus",
            ),
            // Wrong type of a value: the value's position.
            ("share: 0.35", "share: \"lots\"", 8, 41, "population.cohorts[0].share"),
            // A wrong list item.
            ("[\"a\", \"b\",]", "[\"a\", 3]", 18, 17, "tags[1]"),
            // A missing field: the struct that lacks it.
            ("share: 0.35, ", "", 8, 13, "population.cohorts[0]"),
        ];
        for (from, to, line, col, path) in edits {
            let (origin, p) = locate_error(&doc(&BASE.replace(from, to), "base.ron"));
            assert_eq!(origin, Origin::new("base.ron", line, col), "{to:?}");
            assert_eq!(p, path);
        }

        // An unknown variant inside Some(...) in an overriding file.
        let base = doc(BASE, "base.ron");
        let over = doc("(\n  bots: Some(Bots(share: 1.0)),\n  regulation: (mode: Sometimes),\n)", "over.ron");
        let merged = Document { extensions: vec![], root: merge(&base.root, &over.root) };
        let (origin, p) = locate_error(&merged);
        assert_eq!(origin, Origin::new("over.ron", 3, 22));
        assert_eq!(p, "regulation.mode");
        let over = doc("(bots: Some(Bots(share: true)))", "over.ron");
        let (origin, p) = locate_error(&Document { extensions: vec![], root: merge(&base.root, &over.root) });
        assert_eq!(origin, Origin::new("over.ron", 1, 25));
        assert_eq!(p, "bots.share");

        // A node introduced by --set reports the origin it was given.
        for (field, text) in [("population.size", "\"big\""), ("population.extra", "1")] {
            let mut d = doc(BASE, "base.ron");
            let flag = format!("--set {field}");
            set_path(&mut d.root, &path(field), value(text, &flag)).expect("set");
            let (origin, p) = locate_error(&d);
            assert_eq!(origin, Origin::new(&flag, 1, 1));
            assert_eq!(p, field);
        }
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
}
