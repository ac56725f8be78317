//! Field-wise merging of one scenario tree over another, as `extends` needs it. Reads the two
//! trees; returns a new one.

use super::{Field, Node, NodeKind, same_key};

fn same_name(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_key(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// Override `base` with `over`: two structs whose names are equal or where either is anonymous
/// merge field by field (recursively; fields only in base are kept in base order, new fields
/// appended; result name = over's name or else base's). Two tuples with the same name (or both
/// anonymous) and the same arity merge item by item (so `Some(Bots(share: 0.1))` over
/// `Some(Bots(share: 0.05, stance: 0.6))` keeps `stance`). Everything else (lists, maps, atoms,
/// different variant names, different arity) is replaced whole by `over`.
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::{BASE, Kind, Mode, doc, path, typed, value};
    use super::super::{Document, get, render};
    use super::*;

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
        let merged = Document { extensions: vec![], root: merge(&base.root, &over.root) };
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
}
