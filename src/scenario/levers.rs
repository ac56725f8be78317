//! The regulation levers of a scenario as controls (toggles, sliders, selects, lists), generated
//! from the scenario types rather than kept by hand: the structure and the doc text come from the
//! JSON schema that `schemars` derives from [`Regulation`] and its types (their `///` comments),
//! the current values from the scenario, the allowed ranges from the validator itself (each
//! number is probed with an invalid value and the [`Range`] the validator reports with the
//! problem is kept), and the starting value of a lever that is off (`None`, an empty list, an enum variant with
//! parameters) from the first built-in scenario that uses it.
//!
//! Pure: reads a scenario and the built-in library, returns data. Each control renders back to
//! RON ([`Control::to_ron`]), so a changed lever becomes a `--set regulation.FIELD=RON` override;
//! the workshop page does the same in JavaScript.

use super::builtin;
use super::error::Range;
use super::load::{Override, SourceRef, load, to_ron};
use super::tree::{self, Node, NodeKind};
use super::types::{Regulation, Scenario};
use super::validate::Limits;
use schemars::Schema;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One lever: a field of `regulation`, its doc text and its control.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lever {
    /// Field path for `--set`, e.g. `regulation.takedown_hours`.
    pub path: String,
    /// The field name in words, e.g. "takedown hours".
    pub label: String,
    /// The field's doc comment.
    pub doc: String,
    /// The doc comment in plain words for the page: without RON notation such as `` `None`: ``.
    pub help: String,
    /// What the lever being off means, in words (e.g. "no takedown rule"), for a lever that can
    /// be off (`None`); from the doc comment.
    pub off: Option<String>,
    /// The current value in plain words (e.g. "no takedown rule", "1 hour", "allowed").
    pub words: String,
    /// The control, holding the scenario's current value.
    pub control: Control,
    /// The current value as RON.
    pub ron: String,
}

/// A named part of a struct.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// The field name as written in RON.
    pub key: String,
    /// The field name in words.
    pub label: String,
    /// The field's doc comment.
    pub doc: String,
    /// Its control.
    pub control: Control,
}

/// A variant of an enum.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Variant {
    /// The variant name as written in RON, e.g. `MinAudience`.
    pub name: String,
    /// The variant's doc comment.
    pub doc: String,
    /// Its parameters: a [`Control::Group`] for a struct variant (`Consent(opt_in: 0.25)`), any
    /// other control for a newtype variant (`MinAudience(5000)`), none for a unit variant.
    pub params: Option<Box<Control>>,
}

/// A control for a value, holding the value.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Control {
    /// `true` / `false`.
    Toggle {
        /// The value.
        value: bool,
    },
    /// A number, with the range the validator accepts if it has one.
    Number {
        /// The value.
        value: f64,
        /// Whole numbers only.
        integer: bool,
        /// Smallest value accepted.
        min: Option<f64>,
        /// Largest value accepted.
        max: Option<f64>,
        /// A typical value (the current one, or one a built-in scenario uses), for scales.
        typical: f64,
    },
    /// A string.
    Text {
        /// The value.
        value: String,
    },
    /// A list of strings (e.g. cohort names).
    Names {
        /// The value.
        value: Vec<String>,
    },
    /// `Some(inner)` when on, `None` when off; `inner` holds the value to use when switched on.
    Optional {
        /// Whether it is `Some`.
        on: bool,
        /// The value inside.
        inner: Box<Control>,
    },
    /// One of an enum's variants.
    Choice {
        /// Index of the current variant in `options`.
        selected: usize,
        /// The variants, each with its parameters.
        options: Vec<Variant>,
    },
    /// A struct: `Name(key: value, ...)`.
    Group {
        /// The struct name, if it has one.
        name: Option<String>,
        /// Its fields.
        fields: Vec<Field>,
    },
    /// A tuple: `(a, b)`.
    Tuple {
        /// Its items.
        items: Vec<Control>,
    },
    /// A list: `[a, b]`; `template` is the item added by "add".
    List {
        /// The items.
        items: Vec<Control>,
        /// A new item.
        template: Box<Control>,
    },
    /// Anything else, edited as RON text.
    Ron {
        /// The value as RON.
        value: String,
    },
}

impl Control {
    /// The control's value as RON, as `--set` takes it.
    pub fn to_ron(&self) -> String {
        match self {
            Control::Toggle { value } => value.to_string(),
            Control::Number { value, integer: true, .. } => format!("{}", value.round() as i128),
            Control::Number { value, .. } => float(*value),
            Control::Text { value } => tree::quote(value),
            Control::Names { value } => {
                format!("[{}]", value.iter().map(|v| tree::quote(v)).collect::<Vec<_>>().join(", "))
            }
            Control::Optional { on: true, inner } => format!("Some({})", inner.to_ron()),
            Control::Optional { on: false, .. } => "None".into(),
            Control::Choice { selected, options } => match options.get(*selected) {
                Some(Variant { name, params: Some(p), .. }) => match &**p {
                    Control::Group { fields, .. } => format!("{name}({})", fields_ron(fields)),
                    other => format!("{name}({})", other.to_ron()),
                },
                Some(Variant { name, params: None, .. }) => name.clone(),
                None => String::new(),
            },
            Control::Group { name, fields } => format!("{}({})", name.as_deref().unwrap_or(""), fields_ron(fields)),
            Control::Tuple { items } => {
                format!("({})", items.iter().map(Control::to_ron).collect::<Vec<_>>().join(", "))
            }
            Control::List { items, .. } => {
                format!("[{}]", items.iter().map(Control::to_ron).collect::<Vec<_>>().join(", "))
            }
            Control::Ron { value } => value.clone(),
        }
    }
}

impl Control {
    /// The control's value in plain words, for people rather than RON: `off` (or "off") for an
    /// optional value that is off, "yes"/"no", numbers without exponents, an enum variant by its
    /// doc comment ("No restriction"), a struct as its fields' labels and values.
    pub fn describe(&self, off: Option<&str>) -> String {
        match self {
            Control::Toggle { value } => if *value { "yes" } else { "no" }.into(),
            Control::Number { value, integer, .. } => plain_number(*value, *integer),
            Control::Text { value } => value.clone(),
            Control::Names { value } if value.is_empty() => "nobody".into(),
            Control::Names { value } => value.join(", "),
            Control::Optional { on: false, .. } => off.unwrap_or("off").to_string(),
            Control::Optional { on: true, inner } => inner.describe(None),
            Control::Choice { selected, options } => match options.get(*selected) {
                Some(v) => {
                    let name = if v.doc.is_empty() { v.name.clone() } else { v.doc.trim_end_matches('.').to_string() };
                    match &v.params {
                        Some(p) => format!("{name}: {}", p.describe(None)),
                        None => name,
                    }
                }
                None => String::new(),
            },
            Control::Group { fields, .. } => fields
                .iter()
                .map(|f| format!("{} {}", f.label, f.control.describe(None)))
                .collect::<Vec<_>>()
                .join(", "),
            Control::Tuple { items } => items.iter().map(|c| c.describe(None)).collect::<Vec<_>>().join("–"),
            Control::List { items, .. } if items.is_empty() => "none".into(),
            Control::List { items, .. } => {
                items.iter().map(|c| format!("({})", c.describe(None))).collect::<Vec<_>>().join(", ")
            }
            Control::Ron { value } => value.clone(),
        }
    }
}

/// A number for people: whole numbers with thin-space thousands groups, others with at most
/// four significant decimals, never an exponent.
pub fn plain_number(value: f64, integer: bool) -> String {
    if !value.is_finite() {
        return if value > 0.0 { "no limit".into() } else { value.to_string() };
    }
    if integer || (value.fract() == 0.0 && value.abs() >= 1.0) {
        let digits = format!("{:.0}", value.abs());
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('\u{202f}');
            }
            grouped.push(c);
        }
        return if value < 0.0 { format!("-{grouped}") } else { grouped };
    }
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A doc comment for the page, and what `None` means when it says (`…; `None`: no cap.`):
/// the help without that clause, and the clause's words.
fn plain_doc(doc: &str) -> (String, Option<String>) {
    let marker = "`None`:";
    let Some(at) = doc.find(marker) else { return (doc.replace('`', ""), None) };
    let off = doc[at + marker.len()..].trim().trim_end_matches('.').trim().to_string();
    let help = doc[..at].trim_end().trim_end_matches([';', ',']).trim_end().to_string();
    let help = if help.ends_with('.') || help.is_empty() { help } else { format!("{help}.") };
    (help.replace('`', ""), (!off.is_empty()).then_some(off))
}

fn fields_ron(fields: &[Field]) -> String {
    fields.iter().map(|f| format!("{}: {}", f.key, f.control.to_ron())).collect::<Vec<_>>().join(", ")
}

/// A float as RON, always with a decimal point or exponent.
fn float(v: f64) -> String {
    let s = format!("{v}");
    if s.contains(['.', 'e', 'E', 'N', 'i']) { s } else { format!("{s}.0") }
}

/// The regulation levers of a scenario, in the order of [`Regulation`]'s fields.
pub fn levers(scenario: &Scenario) -> Vec<Lever> {
    let ranges = ranges();
    let mut levers = build_levers(scenario, Examples::library());
    for lever in &mut levers {
        apply_ranges(&mut lever.control, &lever.path, ranges);
    }
    levers
}

fn build_levers(scenario: &Scenario, examples: &Examples) -> Vec<Lever> {
    let schema = regulation_schema();
    let value = regulation_tree(&scenario.regulation);
    let builder =
        Builder { defs: schema.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default(), examples };
    let NodeKind::Struct { fields, .. } = &value.kind else { return Vec::new() };
    let properties = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    fields
        .iter()
        .filter_map(|f| {
            let prop = properties.get(&f.key)?;
            let path = vec![Step::Field(f.key.clone())];
            let control = builder.control(prop, Some(&f.value), &path);
            let doc = description(prop);
            let (help, off) = plain_doc(&doc);
            Some(Lever {
                path: format!("regulation.{}", f.key),
                label: f.key.replace('_', " "),
                words: control.describe(off.as_deref()),
                help,
                off,
                doc,
                ron: control.to_ron(),
                control,
            })
        })
        .collect()
}

/// The JSON schema of [`Regulation`].
fn regulation_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema: Schema = schemars::schema_for!(Regulation);
        schema.to_value()
    })
}

/// A regulation as a RON tree (which keeps the fields in declaration order).
fn regulation_tree(r: &Regulation) -> Node {
    let config = ron::ser::PrettyConfig::new().struct_names(true);
    let text = ron::ser::to_string_pretty(r, config).unwrap_or_default();
    tree::parse(&text, "<regulation>").map(|d| d.root).unwrap_or_else(|_| {
        Node::new(NodeKind::Struct { name: None, fields: Vec::new() }, tree::Origin::new("<regulation>", 1, 1))
    })
}

/// One step from `regulation` to a value, independent of any particular scenario: the key under
/// which ranges are stored and examples looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Field(String),
    Some,
    Item,
    Variant(String),
    Index(usize),
}

fn key(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Step::Field(f) => f.clone(),
            Step::Some => "Some".into(),
            Step::Item => "*".into(),
            Step::Variant(v) => v.clone(),
            Step::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The regulations of the built-in scenarios, where a lever that is off finds a value to start
/// from.
struct Examples {
    regulations: Vec<Node>,
}

impl Examples {
    fn library() -> &'static Examples {
        static LIBRARY: OnceLock<Examples> = OnceLock::new();
        LIBRARY.get_or_init(|| {
            let no_files = |_: &std::path::Path| Err(std::io::Error::other("built-ins only"));
            let regulations = builtin::names()
                .filter_map(|name| {
                    load(&SourceRef::Builtin(name.into()), &[], &no_files, &Limits::default())
                        .ok()
                        .map(|l| regulation_tree(&l.scenario.regulation))
                })
                .collect();
            Examples { regulations }
        })
    }

    /// The first value found at `path` in the library.
    fn find(&self, path: &[Step]) -> Option<&Node> {
        self.regulations.iter().find_map(|r| follow(r, path))
    }
}

/// The node at `path` below `node`, if the value has that shape.
fn follow<'a>(node: &'a Node, path: &[Step]) -> Option<&'a Node> {
    let Some((first, rest)) = path.split_first() else { return Some(node) };
    let next = match (first, &node.kind) {
        (Step::Field(f), NodeKind::Struct { fields, .. }) => &fields.iter().find(|x| &x.key == f)?.value,
        (Step::Some, NodeKind::Tuple { name: Some(n), items }) if n == "Some" && items.len() == 1 => &items[0],
        (Step::Item, NodeKind::List(items)) => items.first()?,
        (Step::Index(i), NodeKind::Tuple { name: None, items }) => items.get(*i)?,
        (Step::Variant(v), NodeKind::Tuple { name: Some(n), items }) if n == v && items.len() == 1 => &items[0],
        (Step::Variant(v), NodeKind::Struct { name: Some(n), .. }) if n == v => node,
        _ => return None,
    };
    follow(next, rest)
}

struct Builder<'a> {
    defs: Map<String, Value>,
    examples: &'a Examples,
}

impl Builder<'_> {
    /// Resolve a `$ref`, keeping the referring schema's description.
    fn resolve<'s>(&'s self, schema: &'s Value) -> (&'s Value, Option<String>) {
        match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
            Some(name) => (self.defs.get(name).unwrap_or(schema), Some(name.to_string())),
            None => (schema, None),
        }
    }

    /// The control for a value of `schema` at `path`; `value` is the current value, if any.
    fn control(&self, schema: &Value, value: Option<&Node>, path: &[Step]) -> Control {
        let (schema, def_name) = self.resolve(schema);
        // `Option<T>`: `anyOf: [T, null]` or `type: [t, "null"]`.
        if let Some(inner) = optional_inner(schema) {
            let mut inner_path = path.to_vec();
            inner_path.push(Step::Some);
            let (on, current) = match value.map(|v| &v.kind) {
                Some(NodeKind::Tuple { name: Some(n), items }) if n == "Some" && items.len() == 1 => {
                    (true, Some(&items[0]))
                }
                _ => (false, None),
            };
            let example = current.or_else(|| self.examples.find(&inner_path));
            return Control::Optional { on, inner: Box::new(self.control(&inner, example, &inner_path)) };
        }
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            return self.choice(variants, value, path);
        }
        match type_name(schema) {
            Some("boolean") => {
                Control::Toggle { value: matches!(value.map(|v| &v.kind), Some(NodeKind::Atom(a)) if a == "true") }
            }
            Some(t @ ("number" | "integer")) => {
                let current = atom_number(value);
                let value = current.or_else(|| schema.get("default").and_then(Value::as_f64)).unwrap_or(0.0);
                Control::Number { value, integer: t == "integer", min: None, max: None, typical: value }
            }
            Some("string") => Control::Text {
                value: match value.map(|v| &v.kind) {
                    Some(NodeKind::Atom(a)) => tree::string_value(a).unwrap_or_default(),
                    _ => String::new(),
                },
            },
            Some("array") => self.array(schema, value, path),
            Some("object") => self.group(schema, def_name, value, path),
            _ => Control::Ron { value: value.map(render).unwrap_or_default() },
        }
    }

    fn choice(&self, variants: &[Value], value: Option<&Node>, path: &[Step]) -> Control {
        let current = match value.map(|v| &v.kind) {
            Some(NodeKind::Atom(a)) => Some(a.as_str()),
            Some(NodeKind::Tuple { name: Some(n), .. } | NodeKind::Struct { name: Some(n), .. }) => Some(n.as_str()),
            _ => None,
        };
        let mut selected = 0;
        let mut options = Vec::new();
        for v in variants {
            let doc = description(v);
            if let Some(name) = v.get("const").and_then(Value::as_str) {
                if current == Some(name) {
                    selected = options.len();
                }
                options.push(Variant { name: name.to_string(), doc, params: None });
            } else if let Some(names) = v.get("enum").and_then(Value::as_array) {
                for name in names.iter().filter_map(Value::as_str) {
                    if current == Some(name) {
                        selected = options.len();
                    }
                    options.push(Variant { name: name.to_string(), doc: doc.clone(), params: None });
                }
            } else if let Some((name, inner)) =
                v.get("properties").and_then(Value::as_object).and_then(|p| p.iter().next())
            {
                let mut inner_path = path.to_vec();
                inner_path.push(Step::Variant(name.clone()));
                let is_current = current == Some(name.as_str());
                if is_current {
                    selected = options.len();
                }
                let example = if is_current { value.and_then(|v| follow(v, &inner_path[path.len()..])) } else { None }
                    .or_else(|| self.examples.find(&inner_path));
                // A struct variant's fields are a group without a name: `Consent(opt_in: 0.25)`.
                let params = self.control(inner, example, &inner_path);
                options.push(Variant { name: name.clone(), doc, params: Some(Box::new(params)) });
            }
        }
        Control::Choice { selected, options }
    }

    fn array(&self, schema: &Value, value: Option<&Node>, path: &[Step]) -> Control {
        if let Some(prefix) = schema.get("prefixItems").and_then(Value::as_array) {
            let items = prefix
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let mut p = path.to_vec();
                    p.push(Step::Index(i));
                    let v = value.and_then(|v| follow(v, &p[path.len()..]));
                    self.control(s, v, &p)
                })
                .collect();
            return Control::Tuple { items };
        }
        let Some(item_schema) = schema.get("items") else {
            return Control::Ron { value: value.map(render).unwrap_or_else(|| "[]".into()) };
        };
        let current: Vec<&Node> = match value.map(|v| &v.kind) {
            Some(NodeKind::List(items)) => items.iter().collect(),
            _ => Vec::new(),
        };
        if type_name(self.resolve(item_schema).0) == Some("string") {
            let value = current
                .iter()
                .filter_map(|n| match &n.kind {
                    NodeKind::Atom(a) => tree::string_value(a),
                    _ => None,
                })
                .collect();
            return Control::Names { value };
        }
        let mut item_path = path.to_vec();
        item_path.push(Step::Item);
        let items = current.iter().map(|n| self.control(item_schema, Some(n), &item_path)).collect();
        let example = current.first().copied().or_else(|| self.examples.find(&item_path));
        Control::List { items, template: Box::new(self.control(item_schema, example, &item_path)) }
    }

    fn group(&self, schema: &Value, name: Option<String>, value: Option<&Node>, path: &[Step]) -> Control {
        let properties = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        // The value's order is the declaration order (the schema's is alphabetical).
        let mut keys: Vec<String> = match value.map(|v| &v.kind) {
            Some(NodeKind::Struct { fields, .. }) => fields.iter().map(|f| f.key.clone()).collect(),
            _ => Vec::new(),
        };
        for k in properties.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        let fields = keys
            .into_iter()
            .filter_map(|k| {
                let prop = properties.get(&k)?;
                let mut p = path.to_vec();
                p.push(Step::Field(k.clone()));
                let v = value.and_then(|v| follow(v, &p[path.len()..]));
                Some(Field {
                    label: k.replace('_', " "),
                    doc: description(prop),
                    control: self.control(prop, v, &p),
                    key: k,
                })
            })
            .collect();
        Control::Group { name, fields }
    }
}

/// `T` of an optional schema (`anyOf: [T, {type: null}]` or `type: [t, "null"]`).
fn optional_inner(schema: &Value) -> Option<Value> {
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let non_null: Vec<&Value> = any.iter().filter(|s| type_name(s) != Some("null")).collect();
        if non_null.len() == 1 && any.len() == 2 {
            return Some(non_null[0].clone());
        }
    }
    let types = schema.get("type").and_then(Value::as_array)?;
    if types.len() == 2 && types.iter().any(|t| t == "null") {
        let t = types.iter().find(|t| *t != "null")?.clone();
        let mut inner = schema.as_object()?.clone();
        inner.insert("type".into(), t);
        inner.remove("default");
        return Some(Value::Object(inner));
    }
    None
}

fn type_name(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str)
}

/// A schema's doc text on one line.
fn description(schema: &Value) -> String {
    schema.get("description").and_then(Value::as_str).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn atom_number(value: Option<&Node>) -> Option<f64> {
    match value.map(|v| &v.kind) {
        Some(NodeKind::Atom(a)) => a.replace('_', "").parse().ok(),
        _ => None,
    }
}

/// A node back as RON text.
fn render(node: &Node) -> String {
    let doc = tree::Document { extensions: Vec::new(), root: node.clone() };
    tree::render(&doc).0
}

// ---------------------------------------------------------------------------
// Ranges, read back from the validator
// ---------------------------------------------------------------------------

/// Marks the number being probed in a lever's RON.
const MARK: &str = "\u{1}";

/// The range of every number of every lever, keyed by its [`Step`] path.
fn ranges() -> &'static BTreeMap<String, Range> {
    static RANGES: OnceLock<BTreeMap<String, Range>> = OnceLock::new();
    RANGES.get_or_init(|| {
        let defaults: Scenario = ron::from_str("Scenario(name: \"probe\")").expect("the defaults parse");
        let base = to_ron(&defaults);
        let mut out = BTreeMap::new();
        for lever in build_levers(&defaults, Examples::library()) {
            let field = lever.path.trim_start_matches("regulation.").to_string();
            for (path, integer, template) in leaves(&lever.control, vec![Step::Field(field)]) {
                if let Some(range) = probe(&base, &lever.path, &problem_path(&path), &template, integer) {
                    out.insert(key(&path), range);
                }
            }
        }
        out
    })
}

/// Ask the validator for the range of the number marked in `template` (the lever at
/// `lever_path`), which the validator reports at `number_path`: set it to a value no range
/// admits and keep the range of the problem reported there.
fn probe(base: &str, lever_path: &str, number_path: &str, template: &str, integer: bool) -> Option<Range> {
    let read = |_: &std::path::Path| Ok(base.to_string());
    let values: &[&str] = if integer { &["0", "18446744073709551615"] } else { &["NaN"] };
    values.iter().find_map(|v| {
        let o = Override { path: lever_path.to_string(), value: template.replace(MARK, v) };
        let err = load(&SourceRef::File("probe.ron".into()), &[o], &read, &Limits::default()).err()?;
        err.problems.iter().filter(|p| p.path == number_path).find_map(|p| p.range)
    })
}

/// The field path under which the validator reports the number at `path` (the first list item
/// standing for any): `Some` and enum variants add nothing, as in `regulation.takedown_hours`
/// for `Some(24.0)` or `regulation.data_brokers.opt_in` for `Consent(opt_in: 0.25)`.
fn problem_path(path: &[Step]) -> String {
    let mut out = String::from("regulation");
    for step in path {
        match step {
            Step::Field(f) => {
                out.push('.');
                out.push_str(f);
            }
            Step::Item => out.push_str("[0]"),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Some | Step::Variant(_) => {}
        }
    }
    out
}

/// Every number reachable in a control, each with its [`Step`] path, whether it is whole, and
/// the control's RON with that number replaced by [`MARK`] and everything around it switched on
/// (`Some`, the variant that holds it, a list with one item).
fn leaves(control: &Control, path: Vec<Step>) -> Vec<(Vec<Step>, bool, String)> {
    let mut out = Vec::new();
    let extend = |p: &[Step], s: Step| {
        let mut p = p.to_vec();
        p.push(s);
        p
    };
    match control {
        Control::Number { integer, .. } => out.push((path, *integer, MARK.to_string())),
        Control::Optional { inner, .. } => {
            for (p, i, t) in leaves(inner, extend(&path, Step::Some)) {
                out.push((p, i, format!("Some({t})")));
            }
        }
        Control::Choice { options, .. } => {
            for v in options {
                let Some(params) = &v.params else { continue };
                for (p, i, t) in leaves(params, extend(&path, Step::Variant(v.name.clone()))) {
                    let t = match &**params {
                        // A struct variant's group renders as `(fields)`; the variant supplies the name.
                        Control::Group { .. } => format!("{}{t}", v.name),
                        _ => format!("{}({t})", v.name),
                    };
                    out.push((p, i, t));
                }
            }
        }
        Control::Group { name, fields } => {
            for (k, f) in fields.iter().enumerate() {
                for (p, i, t) in leaves(&f.control, extend(&path, Step::Field(f.key.clone()))) {
                    let parts: Vec<String> = fields
                        .iter()
                        .enumerate()
                        .map(|(j, g)| format!("{}: {}", g.key, if j == k { t.clone() } else { g.control.to_ron() }))
                        .collect();
                    out.push((p, i, format!("{}({})", name.as_deref().unwrap_or(""), parts.join(", "))));
                }
            }
        }
        Control::Tuple { items } => {
            for (k, item) in items.iter().enumerate() {
                for (p, i, t) in leaves(item, extend(&path, Step::Index(k))) {
                    let parts: Vec<String> =
                        items.iter().enumerate().map(|(j, x)| if j == k { t.clone() } else { x.to_ron() }).collect();
                    out.push((p, i, format!("({})", parts.join(", "))));
                }
            }
        }
        Control::List { template, .. } => {
            for (p, i, t) in leaves(template, extend(&path, Step::Item)) {
                out.push((p, i, format!("[{t}]")));
            }
        }
        Control::Toggle { .. } | Control::Text { .. } | Control::Names { .. } | Control::Ron { .. } => {}
    }
    out
}

/// Fill in the validator's ranges (and a typical value from the library) below a control.
fn apply_ranges(control: &mut Control, lever_path: &str, ranges: &BTreeMap<String, Range>) {
    let field = lever_path.trim_start_matches("regulation.");
    walk_numbers(control, vec![Step::Field(field.to_string())], &mut |path, min, max, value, typical| {
        if let Some(range) = ranges.get(&key(path)) {
            *min = Some(range.min);
            *max = Some(range.max);
            // Current values are valid already; this moves a made-up starting value into range.
            *value = value.clamp(range.min, range.max);
        }
        *typical = if *value > 0.0 { *value } else { example_number(path).filter(|v| *v > 0.0).unwrap_or(1.0) };
    });
}

/// A number a built-in scenario uses at `path` (the first list item standing for any).
fn example_number(path: &[Step]) -> Option<f64> {
    atom_number(Examples::library().find(path))
}

type NumberVisitor<'a> = dyn FnMut(&[Step], &mut Option<f64>, &mut Option<f64>, &mut f64, &mut f64) + 'a;

fn walk_numbers(control: &mut Control, path: Vec<Step>, visit: &mut NumberVisitor) {
    let extend = |p: &[Step], s: Step| {
        let mut p = p.to_vec();
        p.push(s);
        p
    };
    match control {
        Control::Number { value, min, max, typical, .. } => visit(&path, min, max, value, typical),
        Control::Optional { inner, .. } => walk_numbers(inner, extend(&path, Step::Some), visit),
        Control::Choice { options, .. } => {
            for v in options {
                let p = extend(&path, Step::Variant(v.name.clone()));
                if let Some(params) = &mut v.params {
                    walk_numbers(params, p, visit);
                }
            }
        }
        Control::Group { fields, .. } => {
            for f in fields {
                walk_numbers(&mut f.control, extend(&path, Step::Field(f.key.clone())), visit);
            }
        }
        Control::Tuple { items } => {
            for (i, item) in items.iter_mut().enumerate() {
                walk_numbers(item, extend(&path, Step::Index(i)), visit);
            }
        }
        Control::List { items, template } => {
            let p = extend(&path, Step::Item);
            for item in items {
                walk_numbers(item, p.clone(), visit);
            }
            walk_numbers(template, p, visit);
        }
        Control::Toggle { .. } | Control::Text { .. } | Control::Names { .. } | Control::Ron { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::tree::PathSeg;

    fn builtin_scenario(name: &str) -> Scenario {
        let no_files = |_: &std::path::Path| Err(std::io::Error::other("built-ins only"));
        load(&SourceRef::Builtin(name.into()), &[], &no_files, &Limits::default()).unwrap().scenario
    }

    fn lever<'a>(levers: &'a [Lever], path: &str) -> &'a Lever {
        levers.iter().find(|l| l.path == path).unwrap_or_else(|| panic!("no lever {path}"))
    }

    #[test]
    fn levers_are_described_in_plain_words() {
        let levers = levers(&builtin_scenario("baseline"));
        let takedown = lever(&levers, "regulation.takedown_hours");
        assert_eq!(takedown.off.as_deref(), Some("no takedown rule"));
        assert_eq!(takedown.words, "no takedown rule");
        assert!(!takedown.help.contains("None") && !takedown.help.contains('`'), "{}", takedown.help);
        assert_eq!(lever(&levers, "regulation.spending_cap").words, "no cap");
        assert_eq!(lever(&levers, "regulation.ad_transparency").words, "no");
        for l in &levers {
            assert!(!l.words.contains("None") && !l.words.contains("Some("), "{}: {}", l.path, l.words);
            assert!(!l.words.contains("e+") && !l.words.contains("e1"), "{}: {}", l.path, l.words);
        }
        assert_eq!(plain_number(100_000_000_000_000.0, false), "100\u{202f}000\u{202f}000\u{202f}000\u{202f}000");
        assert_eq!(plain_number(0.25, false), "0.25");
        assert_eq!(plain_number(24.0, false), "24");
        assert_eq!(plain_number(f64::INFINITY, false), "no limit");
        let netzdg = levers_of("netzdg-24h");
        assert_eq!(lever(&netzdg, "regulation.takedown_hours").words, "24");
    }

    fn levers_of(name: &str) -> Vec<Lever> {
        levers(&builtin_scenario(name))
    }

    #[test]
    fn every_regulation_field_is_a_lever_in_declaration_order() {
        let levers = levers(&builtin_scenario("baseline"));
        let paths: Vec<&str> = levers.iter().map(|l| l.path.trim_start_matches("regulation.")).collect();
        let text = to_ron(&builtin_scenario("baseline"));
        let doc = tree::parse(&text, "x").unwrap();
        let Some(Node { kind: NodeKind::Struct { fields, .. }, .. }) =
            tree::get(&doc.root, &[PathSeg::Field("regulation".into())])
        else {
            panic!("no regulation")
        };
        let expected: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(paths, expected);
        assert!(levers.iter().all(|l| !l.doc.is_empty()), "every lever has its doc comment");
    }

    #[test]
    fn controls_follow_the_types_and_the_validators_ranges() {
        let levers = levers(&builtin_scenario("netzdg-24h"));
        assert!(matches!(lever(&levers, "regulation.ad_transparency").control, Control::Toggle { value: false }));
        match &lever(&levers, "regulation.takedown_hours").control {
            Control::Optional { on: true, inner } => {
                assert!(matches!(**inner, Control::Number { value: 24.0, min: Some(0.0), max: Some(100000.0), .. }))
            }
            other => panic!("{other:?}"),
        }
        match &lever(&levers, "regulation.bot_labelling").control {
            Control::Optional { on: false, inner } => {
                assert!(matches!(**inner, Control::Number { min: Some(0.0), max: Some(1.0), .. }), "{inner:?}")
            }
            other => panic!("{other:?}"),
        }
        match &lever(&levers, "regulation.data_brokers").control {
            Control::Choice { selected: 0, options } => {
                let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
                assert_eq!(names, ["Unregulated", "Consent", "Banned"]);
                assert_eq!(options[1].doc, "Collection only from voters who opted in.");
                let Some(p) = &options[1].params else { panic!() };
                let Control::Group { fields, .. } = &**p else { panic!("{p:?}") };
                assert!(matches!(fields[0].control, Control::Number { min: Some(0.0), max: Some(1.0), .. }));
            }
            other => panic!("{other:?}"),
        }
        match &lever(&levers, "regulation.microtargeting").control {
            Control::Choice { options, .. } => {
                let Some(p) = &options[1].params else { panic!() };
                assert!(matches!(**p, Control::Number { integer: true, min: Some(1.0), .. }), "{p:?}");
            }
            other => panic!("{other:?}"),
        }
        match &lever(&levers, "regulation.media_literacy").control {
            Control::List { items, template } => {
                assert!(items.is_empty());
                let Control::Group { name, fields } = &**template else { panic!("{template:?}") };
                assert_eq!(name.as_deref(), Some("Programme"));
                let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
                assert_eq!(keys, ["cohorts", "boost", "years", "half_life_days", "reach", "sessions_per_year"]);
                assert!(matches!(fields[0].control, Control::Names { ref value } if !value.is_empty()));
                assert!(matches!(fields[1].control, Control::Number { min: Some(0.0), max: Some(1.0), .. }));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_lever_of_every_builtin_renders_back_to_the_same_scenario() {
        let no_files = |_: &std::path::Path| Err(std::io::Error::other("built-ins only"));
        for name in builtin::names() {
            let scenario = builtin_scenario(name);
            let overrides: Vec<Override> = levers(&scenario)
                .into_iter()
                .map(|l| Override { path: l.path.clone(), value: l.control.to_ron() })
                .collect();
            let again = load(&SourceRef::Builtin(name.into()), &overrides, &no_files, &Limits::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(again.scenario, scenario, "{name}");
        }
    }

    #[test]
    fn switching_a_lever_on_gives_a_valid_scenario() {
        let no_files = |_: &std::path::Path| Err(std::io::Error::other("built-ins only"));
        for lever in levers(&builtin_scenario("baseline")) {
            let changed = match lever.control {
                Control::Optional { inner, .. } => vec![Control::Optional { on: true, inner }],
                Control::List { template, .. } => vec![Control::List { items: vec![(*template).clone()], template }],
                Control::Choice { options, .. } => {
                    (0..options.len()).map(|selected| Control::Choice { selected, options: options.clone() }).collect()
                }
                Control::Toggle { value } => vec![Control::Toggle { value: !value }],
                other => vec![other],
            };
            for c in changed {
                let o = Override { path: lever.path.clone(), value: c.to_ron() };
                let loaded = load(&SourceRef::Builtin("baseline".into()), &[o], &no_files, &Limits::default());
                assert!(loaded.is_ok(), "{} = {}: {}", lever.path, c.to_ron(), loaded.unwrap_err());
            }
        }
    }
}
