//! Field paths such as `population.cohorts[1].share` or `focus["Gen Z"]`: reading and writing
//! them ([`parse_path`], [`path_to_string`]), following them in a tree ([`get`], [`nearest`]),
//! setting values at them ([`set_path`], as `--set` does) and the RON string helpers they need
//! ([`quote`], [`string_value`]). Reads and edits only the trees passed in.

use super::{Field, MAX_DEPTH, Node, NodeKind, is_ident_continue, is_ident_start, is_identifier, same_key};

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

/// Parse `population.cohorts[0].share` / `parties[1].campaign.cohort_focus["Gen Z"]`. Errors: a
/// message saying what is wrong and where (char position).
///
/// Accepted: field names (`name`, `r#type`), `.0` / `[0]` indices, `["string key"]`
/// (with `\"`, `\\`, `\n`, `\t`, `\u{..}` escapes) and `[Identifier]` map keys.
pub fn parse_path(path: &str) -> Result<Vec<PathSeg>, String> {
    let (segs, end) = read_path(path)?;
    if end < path.chars().count() {
        return Err(format!("expected `.`, `[` or the end of the path, found {}", found_at(path, end)));
    }
    Ok(segs)
}

/// Splits a `--set` argument `PATH=VALUE` at the `=` that ends the path, as [`parse_path`]
/// reads it: an `=` inside a quoted map key belongs to the path, so
/// `focus["a=b"]=1.0` splits into `focus["a=b"]` and `1.0`. Spaces around the `=` are allowed
/// and kept in the parts.
///
/// When something other than `=` follows the path, splits at the next `=` after the path, and
/// when the text does not start with a path at all, at the first `=`: either way the path part
/// is then invalid and [`parse_path`] says why when the override is applied. `None` if there is
/// no `=` outside the path.
pub fn split_assignment(text: &str) -> Option<(&str, &str)> {
    let start = text.len() - text.trim_start().len();
    let rest = text.get(start..)?;
    let path_end = match read_path(rest) {
        Ok((_, end)) => start + rest.char_indices().nth(end).map_or(rest.len(), |(byte, _)| byte),
        Err(_) => 0,
    };
    let equals = path_end + text.get(path_end..)?.find('=')?;
    Some((text.get(..equals)?, text.get(equals + 1..)?))
}

/// Describes the char at index `i` of `path` (or its end) for error messages.
fn found_at(path: &str, i: usize) -> String {
    match path.chars().nth(i) {
        Some(c) => format!("`{c}` at character {} of `{path}`", i + 1),
        None => format!("the end of `{path}`"),
    }
}

/// Reads the longest path at the start of `path`: its segments and the index (in chars) of the
/// first char that cannot continue it (the length of `path` if the whole text is a path).
fn read_path(path: &str) -> Result<(Vec<PathSeg>, usize), String> {
    let chars: Vec<char> = path.chars().collect();
    if chars.is_empty() {
        return Err("empty path: expected something like `population.cohorts[0].share`".into());
    }
    let at = |i: usize| found_at(path, i);
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
            None => return Ok((segs, i)),
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
            Some(_) => return Ok((segs, i)),
        }
    }
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

/// The deepest existing node along `path` and how many segments matched (for pointing errors from
/// semantic validation at the closest written place).
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

/// Set the node at `path`, creating anonymous structs for missing intermediate fields
/// (`regulation.takedown_hours` on a root without `regulation` creates `regulation:
/// (takedown_hours: <value>)`); descending through a tuple whose single item is a struct (e.g.
/// `Some(Bots(...))`) when the next segment is a Field; `Index` must exist in a List (error
/// otherwise: "index 5 out of range: the list has 3 items"); Key creates or replaces a map entry.
/// Errors are plain messages naming the failing segment.
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::{BASE, Kind, Mode, doc, path, typed, value};
    use super::super::{Document, render};
    use super::*;

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
    }

    #[test]
    fn split_assignment_ends_the_path_where_parse_path_does() {
        let split = |text| split_assignment(text);
        assert_eq!(split("regulation.takedown_hours=Some(24.0)"), Some(("regulation.takedown_hours", "Some(24.0)")));
        assert_eq!(split("population.cohorts[0].share = 0.25"), Some(("population.cohorts[0].share ", " 0.25")));
        assert_eq!(split("name=\"a=b\""), Some(("name", "\"a=b\"")), "an `=` in the value stays there");
        // An `=` inside a quoted map key belongs to the path.
        assert_eq!(
            split("parties[0].campaign.cohort_focus[\"x=y\"]=1.0"),
            Some(("parties[0].campaign.cohort_focus[\"x=y\"]", "1.0"))
        );
        assert_eq!(split("focus[\"a=b\\\"=c\"] =2"), Some(("focus[\"a=b\\\"=c\"] ", "2")));
        assert_eq!(parse_path("focus[\"a=b\\\"=c\"]").expect("ok")[1], PathSeg::Key("a=b\"=c".into()));
        // Not a valid path: split at the first `=`, so the path is reported when applied.
        assert_eq!(split("a b=1"), Some(("a b", "1")));
        assert_eq!(split("focus[\"a=b\"] x=1"), Some(("focus[\"a=b\"] x", "1")));
        assert_eq!(split("focus[\"x=1"), Some(("focus[\"x", "1")));
        assert_eq!(split("=1"), Some(("", "1")));
        assert_eq!(split("a.b"), None);
        assert_eq!(split("focus[\"a=b\"]"), None);
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
}
