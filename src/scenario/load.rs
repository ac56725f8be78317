//! Turning scenario text into a validated [`Scenario`]: `extends` chains, `--set` overrides,
//! typed parsing and validation, with every problem located in the text the user wrote; and the
//! resolved scenario annotated with what each number is and the range it may take
//! ([`annotated_ron`], for `votelab check --print`), from the types' doc comments and the
//! validator.
//!
//! Reads scenario files only through the caller's reader (the library never touches the
//! filesystem) and the built-in scenarios compiled into the binary.

use super::builtin;
use super::error::{Problem, ScenarioError, nearest_name};
use super::tree::{self, Document, Node, NodeKind, Origin, PathSeg};
use super::types::Scenario;
use super::validate::{self, Limits};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Deepest `extends` chain accepted (longer chains are almost certainly a mistake).
const MAX_EXTENDS_DEPTH: usize = 16;

/// Where a scenario's text comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceRef {
    /// A scenario compiled into the binary, by name.
    Builtin(String),
    /// A file on disk.
    File(PathBuf),
}

impl SourceRef {
    /// Interpret what a user typed: an existing built-in name (with or without `.ron`) unless it
    /// looks like a path, otherwise a file.
    pub fn from_user(reference: &str) -> SourceRef {
        let looks_like_path = reference.contains('/') || reference.contains('\\');
        let stem = reference.strip_suffix(".ron").unwrap_or(reference);
        if !looks_like_path && builtin::get(stem).is_some() && !reference.ends_with(".ron") {
            SourceRef::Builtin(stem.to_string())
        } else {
            SourceRef::File(PathBuf::from(reference))
        }
    }

    fn display(&self) -> String {
        match self {
            SourceRef::Builtin(name) => format!("<built-in {name}>"),
            SourceRef::File(path) => path.display().to_string(),
        }
    }
}

/// A `--set PATH=RON` override.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// The field path, e.g. `regulation.takedown_hours`.
    pub path: String,
    /// The RON value text, e.g. `Some(24.0)`.
    pub value: String,
}

impl Override {
    /// Parse `PATH=RON`. The path ends where the path syntax says it does, so an `=` inside a
    /// quoted map key is part of the path: `parties[0].campaign.cohort_focus["x=y"]=1.0`.
    pub fn parse(text: &str) -> Result<Override, ScenarioError> {
        match tree::split_assignment(text) {
            Some((path, value)) if !path.trim().is_empty() && !value.trim().is_empty() => {
                Ok(Override { path: path.trim().to_string(), value: value.trim().to_string() })
            }
            _ => Err(ScenarioError::single(
                Problem::new("", format!("`--set {text}` is not of the form PATH=VALUE"))
                    .expected("e.g. --set regulation.takedown_hours=Some(24.0)"),
            )),
        }
    }
}

impl std::fmt::Display for Override {
    /// `PATH=VALUE`, as `--set` takes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

/// A scenario ready to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// The validated scenario, with every default filled in.
    pub scenario: Scenario,
    /// The resolved scenario as RON (no `extends`), enough to rerun it.
    pub resolved_ron: String,
    /// The overrides applied on top of the file, in the order given (already part of
    /// `scenario` and `resolved_ron`; kept so results can say what they ran with).
    pub overrides: Vec<Override>,
}

/// Reads a file's text; the command line passes a filesystem reader, tests an in-memory one.
pub type Reader<'a> = &'a dyn Fn(&Path) -> std::io::Result<String>;

/// Load, merge, override, parse and validate a scenario.
pub fn load(
    source: &SourceRef,
    overrides: &[Override],
    read: Reader,
    limits: &Limits,
) -> Result<Loaded, ScenarioError> {
    let mut sources = Vec::new();
    let result = load_inner(source, overrides, read, limits, &mut sources);
    result.map_err(|mut e| {
        e.sources = sources;
        e
    })
}

fn load_inner(
    source: &SourceRef,
    overrides: &[Override],
    read: Reader,
    limits: &Limits,
    sources: &mut Vec<(Arc<str>, String)>,
) -> Result<Loaded, ScenarioError> {
    let mut doc = resolve(source, read, sources, &mut Vec::new())?;
    if let NodeKind::Struct { fields, .. } = &mut doc.root.kind {
        fields.retain(|f| f.key != "extends");
    }
    apply_overrides(&mut doc, overrides, sources)?;
    let scenario = parse_typed(&doc)?;
    let problems = validate::validate(&scenario, limits);
    if !problems.is_empty() {
        return Err(ScenarioError {
            problems: problems.into_iter().map(|p| locate(p, &doc.root)).collect(),
            sources: Vec::new(),
        });
    }
    let resolved_ron = to_ron(&scenario);
    Ok(Loaded { scenario, resolved_ron, overrides: overrides.to_vec() })
}

/// Pretty RON of a scenario.
pub fn to_ron(scenario: &Scenario) -> String {
    let config = ron::ser::PrettyConfig::new().struct_names(true).indentor("    ".to_string());
    // Serialising plain data types cannot fail.
    ron::ser::to_string_pretty(scenario, config).unwrap_or_default()
}

/// Parse a source and the chain it extends into one merged document.
fn resolve(
    source: &SourceRef,
    read: Reader,
    sources: &mut Vec<(Arc<str>, String)>,
    chain: &mut Vec<SourceRef>,
) -> Result<Document, ScenarioError> {
    let display = source.display();
    if chain.contains(source) {
        let cycle: Vec<String> = chain.iter().chain(std::iter::once(source)).map(SourceRef::display).collect();
        return Err(ScenarioError::single(
            Problem::new("extends", format!("scenarios extend each other in a cycle: {}", cycle.join(" → ")))
                .help("remove one of the `extends`"),
        ));
    }
    if chain.len() >= MAX_EXTENDS_DEPTH {
        return Err(ScenarioError::single(Problem::new(
            "extends",
            format!("`extends` chain deeper than {MAX_EXTENDS_DEPTH} scenarios at {display}"),
        )));
    }
    let text = read_source(source, read)?;
    sources.push((Arc::from(display.as_str()), text.clone()));
    let doc = tree::parse(&text, &display).map_err(|e| {
        let mut p = Problem::new("", e.message).at(e.origin);
        p.help = e.help;
        ScenarioError::single(p)
    })?;
    // Check the file on its own first, so type errors point into the file that has them.
    parse_typed(&doc)?;
    let Some((base_name, origin)) = extends_of(&doc)? else {
        return Ok(doc);
    };
    let base_ref = resolve_base(source, &base_name, read).map_err(|p| ScenarioError::single(p.at(origin.clone())))?;
    chain.push(source.clone());
    let base = resolve(&base_ref, read, sources, chain)?;
    chain.pop();
    let mut extensions = base.extensions.clone();
    for e in &doc.extensions {
        if !extensions.contains(e) {
            extensions.push(e.clone());
        }
    }
    Ok(Document { extensions, root: tree::merge(&base.root, &doc.root) })
}

fn read_source(source: &SourceRef, read: Reader) -> Result<String, ScenarioError> {
    match source {
        SourceRef::Builtin(name) => builtin::get(name).map(str::to_string).ok_or_else(|| {
            let mut p = Problem::new("", format!("there is no built-in scenario named `{name}`"));
            if let Some(n) = nearest_name(name, builtin::names()) {
                p = p.help(format!("did you mean `{n}`?"));
            }
            ScenarioError::single(p.help("`votelab scenarios` lists the built-in scenarios"))
        }),
        SourceRef::File(path) => read(path).map_err(|e| {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let mut p = Problem::new("", format!("cannot read scenario file {}: {e}", path.display()));
            if let Some(n) = nearest_name(stem, builtin::names()) {
                p = p.help(format!("the built-in scenario `{n}` may be what you meant"));
            } else {
                p = p.help("give a path to a .ron file or a built-in name (`votelab scenarios` lists them)");
            }
            ScenarioError::single(p)
        }),
    }
}

/// The `extends` value of a document, if any, and where it was written.
fn extends_of(doc: &Document) -> Result<Option<(String, Origin)>, ScenarioError> {
    let NodeKind::Struct { fields, .. } = &doc.root.kind else { return Ok(None) };
    let Some(field) = fields.iter().find(|f| f.key == "extends") else { return Ok(None) };
    let literal = match &field.value.kind {
        NodeKind::Tuple { name: Some(n), items } if n == "Some" && items.len() == 1 => &items[0],
        NodeKind::Atom(a) if a == "None" => return Ok(None),
        _ => &field.value,
    };
    match &literal.kind {
        NodeKind::Atom(raw) => match ron::from_str::<String>(raw) {
            Ok(s) => Ok(Some((s, literal.origin.clone()))),
            Err(_) => Err(ScenarioError::single(
                Problem::new("extends", format!("`extends` must name a scenario, found {raw}"))
                    .expected("Some(\"baseline.ron\") or None")
                    .at(literal.origin.clone()),
            )),
        },
        _ => Err(ScenarioError::single(
            Problem::new("extends", "`extends` must name a scenario")
                .expected("Some(\"baseline.ron\") or None")
                .at(literal.origin.clone()),
        )),
    }
}

/// Where `extends: Some(name)` written in `from` points: a file relative to `from`'s folder, or a
/// built-in scenario (built-ins extend built-ins).
fn resolve_base(from: &SourceRef, name: &str, read: Reader) -> Result<SourceRef, Box<Problem>> {
    let stem = name.strip_suffix(".ron").unwrap_or(name);
    match from {
        SourceRef::Builtin(_) => {
            if builtin::get(stem).is_some() {
                Ok(SourceRef::Builtin(stem.to_string()))
            } else {
                Err(Box::new(Problem::new("extends", format!("no built-in scenario named `{name}`"))))
            }
        }
        SourceRef::File(path) => {
            let candidate = path.parent().unwrap_or(Path::new("")).join(name);
            if read(&candidate).is_ok() {
                Ok(SourceRef::File(candidate))
            } else if builtin::get(stem).is_some() {
                Ok(SourceRef::Builtin(stem.to_string()))
            } else {
                let mut p = Problem::new(
                    "extends",
                    format!(
                        "`extends` names {}, which is neither a readable file nor a built-in scenario",
                        candidate.display()
                    ),
                );
                if let Some(n) = nearest_name(stem, builtin::names()) {
                    p = p.help(format!("did you mean the built-in `{n}`?"));
                }
                Err(Box::new(p))
            }
        }
    }
}

fn apply_overrides(
    doc: &mut Document,
    overrides: &[Override],
    sources: &mut Vec<(Arc<str>, String)>,
) -> Result<(), ScenarioError> {
    let mut problems = Vec::new();
    for o in overrides {
        let display = format!("--set {}", o.path);
        sources.push((Arc::from(display.as_str()), o.value.clone()));
        let path = match tree::parse_path(&o.path) {
            Ok(p) => p,
            Err(e) => {
                problems.push(
                    Problem::new(o.path.clone(), format!("bad field path in `--set`: {e}"))
                        .expected("a path like regulation.takedown_hours or population.cohorts[0].share"),
                );
                continue;
            }
        };
        let value = match tree::parse(&o.value, &display) {
            Ok(d) => d.root,
            Err(e) => {
                let mut p = Problem::new(o.path.clone(), format!("bad value in `--set`: {}", e.message)).at(e.origin);
                p.help = e.help;
                problems.push(p);
                continue;
            }
        };
        if tree::set_path(&mut doc.root, &path, value.clone()).is_ok() {
            continue;
        }
        // The path may go through values no file wrote (e.g. the default cohorts): write the
        // defaults into the tree, then try again.
        materialise_defaults(doc, &path);
        if let Err(e) = tree::set_path(&mut doc.root, &path, value) {
            problems.push(Problem::new(o.path.clone(), e));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(ScenarioError { problems, sources: Vec::new() }) }
}

/// Copy the default value of the first segment of `path` that the document does not write into
/// the document, so that `--set` can reach inside it.
fn materialise_defaults(doc: &mut Document, path: &[PathSeg]) {
    let Ok(typed) = parse_typed(doc) else { return };
    let Ok(full) = tree::parse(&to_ron(&typed), "<defaults>") else { return };
    let (_, matched) = tree::nearest(&doc.root, path);
    let prefix = &path[..(matched + 1).min(path.len())];
    if let Some(node) = tree::get(&full.root, prefix) {
        let _ = tree::set_path(&mut doc.root, prefix, node.clone());
    }
}

/// Render a document and parse it into the typed scenario, locating any error in the original text.
fn parse_typed(doc: &Document) -> Result<Scenario, ScenarioError> {
    let (text, spans) = tree::render(doc);
    ron::from_str::<Scenario>(&text).map_err(|e| {
        let located = spans.locate(e.span.start.line, e.span.start.col);
        let (origin, path) = match located {
            Some((o, p)) => (Some(o), p),
            None => (None, String::new()),
        };
        let mut problem = describe(&e.code, &path);
        problem.origin = origin;
        problem.path = path;
        ScenarioError::single(problem)
    })
}

/// Fields earlier versions of the format accepted, with what replaced them.
const RETIRED_FIELDS: [(&str, &str); 1] = [(
    "baseline_turnout",
    "turnout targets are set by age group now: remove `baseline_turnout` from the cohort and write \
     `turnout: Turnout(age_profile: [AgeTurnout(from: 18, turnout: 0.46), ...])` (docs/MODEL.md §5.3)",
)];

/// A readable problem for a ron error.
fn describe(code: &ron::Error, path: &str) -> Problem {
    use ron::Error as E;
    let outer = |o: &Option<String>| o.as_deref().map(|s| format!(" in `{s}`")).unwrap_or_default();
    match code {
        E::NoSuchStructField { expected, found, outer: o } => {
            let mut p = Problem::new(path, format!("unknown field `{found}`{}", outer(o)))
                .expected(format!("one of {}", list(expected)));
            if let Some((_, help)) = RETIRED_FIELDS.iter().find(|(name, _)| name == found) {
                p = p.help(*help);
            } else if let Some(n) = nearest_name(found, expected.iter().copied()) {
                p = p.help(format!("did you mean `{n}`?"));
            }
            p
        }
        E::NoSuchEnumVariant { expected, found, outer: o } => {
            let mut p = Problem::new(path, format!("unknown variant `{found}`{}", outer(o)))
                .expected(format!("one of {}", list(expected)));
            if let Some(n) = nearest_name(found, expected.iter().copied()) {
                p = p.help(format!("did you mean `{n}`?"));
            }
            p
        }
        E::MissingStructField { field, outer: o } => Problem::new(path, format!("missing field `{field}`{}", outer(o)))
            .help(if *field == "name" {
                "every scenario needs `name: \"...\"`".to_string()
            } else {
                format!("add `{field}: ...`")
            }),
        E::DuplicateStructField { field, outer: o } => {
            Problem::new(path, format!("field `{field}` is written twice{}", outer(o))).help("keep one of them")
        }
        E::InvalidValueForType { expected, found } => {
            Problem::new(path, format!("wrong type of value: found {found}")).expected(expected.clone())
        }
        E::ExpectedInteger | E::IntegerOutOfBounds | E::InvalidIntegerDigit { .. } => {
            Problem::new(path, "expected a whole number").expected("an integer such as 100000 (no decimal point)")
        }
        E::ExpectedComma if !path.is_empty() => Problem::new(path, "this value does not fit the field")
            .expected("a whole number if the field counts something (write 90, not 90.5)")
            .help("check the value's type; fields that count people, days or events take integers"),
        E::ExpectedFloat => Problem::new(path, "expected a number").expected("a number such as 0.5"),
        E::ExpectedString | E::ExpectedStringEnd => {
            Problem::new(path, "expected a string").expected("text in double quotes, e.g. \"Gen Z\"")
        }
        E::ExpectedBoolean => Problem::new(path, "expected true or false"),
        E::ExpectedOption => Problem::new(path, "expected an optional value").expected("Some(value) or None"),
        E::ExpectedArray => Problem::new(path, "expected a list").expected("[ ... ]"),
        E::ExpectedMap => Problem::new(path, "expected a map").expected("{\"key\": value, ...}"),
        E::ExpectedDifferentLength { expected, found } => {
            Problem::new(path, format!("expected {expected}, found {found} elements"))
        }
        E::ExpectedNamedStructLike(name) => Problem::new(path, format!("expected a `{name}(...)`")),
        E::ExpectedStructName(name) => Problem::new(path, format!("expected a `{name}(...)`")),
        E::ExpectedDifferentStructName { expected, found } => {
            Problem::new(path, format!("expected `{expected}(...)`, found `{found}(...)`"))
        }
        other => Problem::new(path, other.to_string()),
    }
}

fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Point a validation problem at the closest place the user wrote.
fn locate(mut problem: Problem, root: &Node) -> Problem {
    if problem.origin.is_some() {
        return problem;
    }
    let path: Vec<PathSeg> = tree::parse_path(&problem.path).unwrap_or_default();
    let (node, _) = tree::nearest(root, &path);
    problem.origin = Some(node.origin.clone());
    problem
}

// ---------------------------------------------------------------------------
// The resolved scenario with what each number is (`votelab check --print`)
// ---------------------------------------------------------------------------

/// The scenario types' source, whose `///` comments say what each field is and in which unit.
const TYPES_SOURCE: &str = include_str!("types.rs");

/// Longest description put after a number.
const NOTE_CHARS: usize = 90;

/// Each field's doc comment by (struct or enum-variant name, field name), read from the types'
/// source: the parameter docs are written once, there.
fn field_docs() -> &'static std::collections::HashMap<(String, String), String> {
    static DOCS: std::sync::OnceLock<std::collections::HashMap<(String, String), String>> = std::sync::OnceLock::new();
    DOCS.get_or_init(|| {
        let ident = |t: &str| -> String { t.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
        let mut docs = std::collections::HashMap::new();
        let (mut owner, mut doc): (Option<String>, Vec<&str>) = (None, Vec::new());
        for line in TYPES_SOURCE.lines().map(str::trim) {
            if let Some(text) = line.strip_prefix("///") {
                doc.push(text.trim());
                continue;
            }
            if line.starts_with("#[") {
                continue;
            }
            if let Some(rest) = line.strip_prefix("pub struct ") {
                owner = Some(ident(rest));
            } else if line.starts_with("pub enum ") {
                owner = None;
            } else if line.ends_with('{') && line.starts_with(|c: char| c.is_ascii_uppercase()) {
                // A struct variant of an enum: `Normal {`.
                owner = Some(ident(line));
            } else if let Some((field, _)) = line.trim_start_matches("pub ").split_once(": ") {
                // Only documented fields: a struct literal in an `impl` (`Effects { saturation: 5.0, ... }`)
                // has no doc comments.
                let is_field = !field.is_empty() && field.chars().all(|c| c.is_alphanumeric() || c == '_');
                if let (Some(o), true) = (&owner, is_field && !doc.is_empty()) {
                    docs.entry((o.clone(), field.to_string())).or_insert_with(|| doc.join(" "));
                }
            }
            doc.clear();
        }
        docs
    })
}

/// The first clause of a doc comment (up to `. `, `; ` or `: `, without a parenthesis it cuts
/// open), at most [`NOTE_CHARS`] long.
fn first_clause(doc: &str) -> String {
    /// Without a trailing parenthesis left open.
    fn balanced(text: &str) -> &str {
        let mut text = text;
        while text.matches('(').count() > text.matches(')').count() {
            text = text.rsplit_once('(').map_or("", |(head, _)| head).trim_end().trim_end_matches(',');
        }
        text
    }
    let end = [". ", "; ", ": "].iter().filter_map(|sep| doc.find(sep)).min().unwrap_or(doc.len());
    let clause = balanced(doc[..end].trim_end_matches('.').trim());
    if clause.chars().count() <= NOTE_CHARS {
        return clause.to_string();
    }
    let cut: String = clause.chars().take(NOTE_CHARS).collect();
    format!("{}…", balanced(cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head)))
}

/// The range the validator accepts for the number at `path` (`template` is the field's value with
/// `{}` for the number): set it to a value no range admits and keep the range of the problem
/// reported at `path`, as the workshop levers do.
fn probed_range(resolved: &str, path: &str, template: &str, integer: bool) -> Option<super::error::Range> {
    let read = |_: &Path| Ok(resolved.to_string());
    let values: &[&str] = if integer { &["0", "18446744073709551615"] } else { &["NaN"] };
    values.iter().find_map(|v| {
        let o = Override { path: path.to_string(), value: template.replace("{}", v) };
        let err = load(&SourceRef::File("probe.ron".into()), &[o], &read, &Limits::default()).err()?;
        err.problems.iter().filter(|p| p.path == path).find_map(|p| p.range)
    })
}

/// A number as the range shows it (`1`, `0.5`, `1e-9`).
fn range_number(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 { format!("{x:.0}") } else { format!("{x}") }
}

/// The resolved RON of a scenario with a comment after each number saying what it is (the first
/// clause of its doc comment in the scenario types, which gives the unit) and the range the
/// validator accepts, e.g. `saturation: 5.0, // Wear-out scale S in impressions; range [1, 100]`.
/// Still valid RON, loading to the same scenario.
pub fn annotated_ron(resolved: &str) -> String {
    /// An open struct, list or map of the text: its owner type (for structs), its path, and the
    /// next item's index (for lists).
    struct Frame {
        owner: Option<String>,
        path: String,
        items: usize,
    }
    let mut frames: Vec<Frame> = Vec::new();
    let mut out = String::new();
    for line in resolved.lines() {
        let trimmed = line.trim();
        let mut note = None;
        if trimmed.starts_with([')', ']', '}']) {
            frames.pop();
        } else {
            let (key, value) = match trimmed.split_once(": ") {
                Some((k, v)) if k.chars().all(|c| c.is_alphanumeric() || c == '_') => (Some(k), v),
                _ => (None, trimmed),
            };
            let parent = frames.last_mut();
            let path = match (parent, key) {
                (Some(f), Some(k)) if f.path.is_empty() => k.to_string(),
                (Some(f), Some(k)) => format!("{}.{k}", f.path),
                (Some(f), None) => {
                    f.items += 1;
                    format!("{}[{}]", f.path, f.items - 1)
                }
                (None, _) => String::new(),
            };
            if value.ends_with(['(', '[', '{']) {
                let name: String =
                    value.trim_end_matches(['(', '[', '{']).rsplit('(').next().unwrap_or_default().to_string();
                let owner = value.ends_with('(').then_some(name).filter(|n| !n.is_empty());
                frames.push(Frame { owner, path, items: 0 });
            } else if let (Some(key), Some(owner)) = (key, frames.last().and_then(|f| f.owner.clone())) {
                let number = value.trim_end_matches(',');
                let (inner, template) = match number.strip_prefix("Some(").and_then(|v| v.strip_suffix(')')) {
                    Some(inner) => (inner, "Some({})"),
                    None => (number, "{}"),
                };
                if inner.parse::<f64>().is_ok() {
                    let integer = !inner.contains(['.', 'e', 'E']);
                    let doc = field_docs().get(&(owner, key.to_string())).map(|d| first_clause(d));
                    let range = probed_range(resolved, &path, template, integer).map(|r| {
                        if r.max >= 1e18 {
                            format!("range ≥ {}", range_number(r.min))
                        } else {
                            format!("range [{}, {}]", range_number(r.min), range_number(r.max))
                        }
                    });
                    let parts: Vec<String> = doc.into_iter().chain(range).filter(|p| !p.is_empty()).collect();
                    note = (!parts.is_empty()).then(|| parts.join("; "));
                }
            }
        }
        out.push_str(line);
        if let Some(note) = note {
            out.push_str(" // ");
            out.push_str(&note);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::annotated_ron as annotate;
    use super::*;
    use std::collections::HashMap;

    fn reader(files: &[(&str, &str)]) -> impl Fn(&Path) -> std::io::Result<String> {
        let map: HashMap<PathBuf, String> = files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect();
        move |p: &Path| {
            map.get(p).cloned().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
        }
    }

    fn load_files(files: &[(&str, &str)], main: &str, sets: &[&str]) -> Result<Loaded, ScenarioError> {
        let read = reader(files);
        let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
        load(&SourceRef::File(main.into()), &overrides, &read, &Limits::default())
    }

    #[test]
    fn override_parse_splits_at_the_end_of_the_path() {
        let o = |text: &str| Override::parse(text).map(|o| (o.path, o.value));
        let pair = |p: &str, v: &str| Ok((p.to_string(), v.to_string()));
        assert_eq!(o("regulation.takedown_hours=Some(24.0)"), pair("regulation.takedown_hours", "Some(24.0)"));
        assert_eq!(o(" population.cohorts[0].share = 0.25 "), pair("population.cohorts[0].share", "0.25"));
        assert_eq!(o("name=\"a=b\""), pair("name", "\"a=b\""));
        assert_eq!(
            o("parties[0].campaign.cohort_focus[\"x=y\"]=1.0"),
            pair("parties[0].campaign.cohort_focus[\"x=y\"]", "1.0")
        );
        assert_eq!(o("focus[\"a\\\"=b\"]=2"), pair("focus[\"a\\\"=b\"]", "2"));
        for bad in ["regulation.takedown_hours", "=1", "a.b=", "focus[\"x=y\"]"] {
            let err = Override::parse(bad).expect_err(bad);
            assert_eq!(err.problems[0].message, format!("`--set {bad}` is not of the form PATH=VALUE"));
        }
    }

    #[test]
    fn set_reaches_map_keys_with_an_equals_sign() {
        let text = "Scenario(name: \"a\", population: Population(cohorts: [\
                    Cohort(name: \"x=y\", share: 1.0, born: (1950, 2000))]))";
        let loaded =
            load_files(&[("a.ron", text)], "a.ron", &["parties[0].campaign.cohort_focus[\"x=y\"]=2.0"]).unwrap();
        assert_eq!(loaded.scenario.parties[0].campaign.cohort_focus.get("x=y"), Some(&2.0));
    }

    #[test]
    fn a_three_line_scenario_gets_every_default() {
        let loaded = load_files(&[("a.ron", "Scenario(name: \"tiny\")")], "a.ron", &[]).unwrap();
        assert_eq!(loaded.scenario.name, "tiny");
        assert_eq!(loaded.scenario.population.cohorts.len(), 5);
    }

    #[test]
    fn extends_overrides_by_field_and_replaces_lists() {
        let base = "Scenario(name: \"base\", seed: 5, population: Population(size: 2000, places: 3), network: Network(homophily: 0.2))";
        let child = "Scenario(name: \"child\", extends: Some(\"base.ron\"), population: Population(size: 3000))";
        let loaded = load_files(&[("dir/base.ron", base), ("dir/child.ron", child)], "dir/child.ron", &[]).unwrap();
        let s = loaded.scenario;
        assert_eq!((s.name.as_str(), s.seed, s.population.size, s.population.places), ("child", 5, 3000, 3));
        assert_eq!(s.network.homophily, 0.2);
        assert_eq!(s.extends, None);
    }

    #[test]
    fn set_overrides_any_field() {
        let loaded = load_files(
            &[("a.ron", "Scenario(name: \"a\")")],
            "a.ron",
            &[
                "regulation.takedown_hours=Some(24.0)",
                "population.cohorts[0].share=0.15",
                "population.cohorts[1].share=0.16",
            ],
        )
        .unwrap();
        assert_eq!(loaded.scenario.regulation.takedown_hours, Some(24.0));
        assert_eq!(loaded.scenario.population.cohorts[0].share, 0.15);
    }

    #[test]
    fn a_typo_names_file_line_field_and_suggestion() {
        let text = "Scenario(\n    name: \"a\",\n    netwrok: Network(),\n)";
        let err = load_files(&[("a.ron", text)], "a.ron", &[]).unwrap_err();
        let p = &err.problems[0];
        let o = p.origin.as_ref().unwrap();
        assert_eq!((&*o.source, o.line, o.col), ("a.ron", 3, 5));
        assert_eq!(p.help.as_deref(), Some("did you mean `network`?"));
    }

    #[test]
    fn validation_reports_every_problem_at_once_with_locations() {
        let text = "Scenario(\n    name: \"a\",\n    network: Network(homophily: 1.5),\n    influence: Influence(noise: -1.0),\n)";
        let err = load_files(&[("a.ron", text)], "a.ron", &[]).unwrap_err();
        assert_eq!(err.problems.len(), 2, "{err}");
        assert_eq!(err.problems[0].path, "network.homophily");
        assert_eq!(err.problems[0].origin.as_ref().unwrap().line, 3);
        assert_eq!(err.problems[1].origin.as_ref().unwrap().line, 4);
    }

    #[test]
    fn a_retired_field_says_what_replaced_it() {
        let text = "Scenario(\n    name: \"a\",\n    population: Population(cohorts: [Cohort(name: \"All\", born: (1950, 2000), share: 1.0, baseline_turnout: 0.6)]),\n)";
        let err = load_files(&[("a.ron", text)], "a.ron", &[]).unwrap_err();
        let p = &err.problems[0];
        assert!(p.message.contains("unknown field `baseline_turnout`"), "{err}");
        assert!(p.help.as_deref().unwrap_or("").contains("age_profile"), "{err}");
    }

    #[test]
    fn extends_cycles_are_reported() {
        let a = "Scenario(name: \"a\", extends: Some(\"b.ron\"))";
        let b = "Scenario(name: \"b\", extends: Some(\"a.ron\"))";
        let err = load_files(&[("a.ron", a), ("b.ron", b)], "a.ron", &[]).unwrap_err();
        assert!(err.problems[0].message.contains("cycle"), "{err}");
    }

    #[test]
    fn set_with_an_unknown_path_names_it() {
        let err = load_files(&[("a.ron", "Scenario(name: \"a\")")], "a.ron", &["regulation.takedown_hour=Some(1.0)"])
            .unwrap_err();
        let p = &err.problems[0];
        assert!(p.origin.as_ref().unwrap().source.starts_with("--set"), "{err}");
        assert_eq!(p.help.as_deref(), Some("did you mean `takedown_hours`?"));
    }

    #[test]
    fn builtins_load_by_name() {
        let read = reader(&[]);
        for name in builtin::names() {
            let loaded = load(&SourceRef::Builtin(name.to_string()), &[], &read, &Limits::default());
            assert!(loaded.is_ok(), "{name}: {}", loaded.unwrap_err());
        }
    }

    #[test]
    fn the_annotated_scenario_says_what_each_number_is_and_loads_the_same() {
        let read = |_: &Path| Err(std::io::Error::other("built-ins only"));
        let loaded = load(&SourceRef::Builtin("baseline".into()), &[], &read, &Limits::default()).unwrap();
        let text = annotate(&loaded.resolved_ron);
        let line = |key: &str| text.lines().find(|l| l.trim_start().starts_with(key)).unwrap_or_default().to_string();
        // The doc comment's first clause (with the unit) and the validator's range.
        assert!(line("saturation:").contains("// Wear-out scale S in impressions"), "{}", line("saturation:"));
        assert!(line("saturation:").contains("range [1, 100]"), "{}", line("saturation:"));
        assert!(line("size:").contains("Simulated people") && line("size:").contains("range ["), "{}", line("size:"));
        assert!(!line("name:").contains("//"), "only numbers are annotated");
        let again = |_: &Path| Ok(text.clone());
        let reloaded = load(&SourceRef::File("annotated.ron".into()), &[], &again, &Limits::default()).unwrap();
        assert_eq!(reloaded.scenario, loaded.scenario, "comments change nothing");
    }

    #[test]
    fn a_clause_is_cut_before_a_parenthesis_it_would_leave_open() {
        assert_eq!(first_clause("Half-life in days (Kalla & Broockman 2018: a week). Range 1."), "Half-life in days");
        assert_eq!(first_clause("Share of voters, [0, 1]; None: off."), "Share of voters, [0, 1]");
    }
}
