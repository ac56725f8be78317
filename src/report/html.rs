//! The page: writes a [`Page`] (from `figures`) as one self-contained HTML document with the
//! charts' SVG inline, a stylesheet for screen and print, and no scripts, fonts or other
//! resources fetched from anywhere. All text from result files is escaped.

use super::figures::{Page, Section, Table};
use crate::output::VERSION;
use crate::output::files::Mark;
use std::fmt::Write as _;

/// Screen and print styles. No `url(...)` and no `@import`: nothing is fetched.
const CSS: &str = r#"
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; background: #fff; }
header, nav, main, footer { max-width: 980px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .4rem; }
.lead { color: #444; margin: 0 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1.2rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
nav { border-top: 1px solid #ddd; border-bottom: 1px solid #ddd; padding-top: .4rem; padding-bottom: .4rem; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; }
nav a { color: #0072b2; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid #0072b2; }
figure { margin: 1.2rem 0 2rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #444; margin-top: .3rem; }
.table { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid #ddd; text-align: right; vertical-align: top; }
th { font-weight: 600; border-bottom: 2px solid #999; }
th:first-child, td:first-child { text-align: left; }
td small { display: block; color: #666; font-size: .75rem; white-space: nowrap; }
td.mark-meaningful { font-weight: 700; }
td.mark-negligible { color: #777; font-style: italic; }
.summary { background: #f3f7fb; border-left: 4px solid #0072b2; padding: .6rem 1rem; margin: 0 0 1rem; }
.summary h2 { font-size: 1.1rem; margin: 0 0 .3rem; padding: 0; border: 0; }
.summary h3 { font-size: 1rem; margin: .5rem 0 .1rem; }
.summary p { margin: 0 0 .3rem; }
details { margin: .8rem 0; }
summary { cursor: pointer; font-weight: 600; }
pre { background: #f5f5f5; padding: .8rem; overflow-x: auto; font-size: .8rem; line-height: 1.35; }
footer { color: #666; font-size: .85rem; margin-top: 2.5rem; padding-top: .8rem; padding-bottom: 2rem; border-top: 1px solid #ddd; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 10.5pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .table { overflow: visible; }
  table { font-size: 7pt; }
  td small { font-size: 6pt; white-space: normal; }
  pre { white-space: pre-wrap; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Escape text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A chart's SVG for inlining: without the XML namespace (HTML supplies it, and the page then
/// holds no URL at all) and labelled for screen readers.
fn inline_svg(svg: &str, title: &str) -> String {
    let svg = svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    svg.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(title)), 1)
}

fn table(out: &mut String, t: &Table) {
    out.push_str("<div class=\"table\"><table>\n<thead><tr>");
    for h in &t.head {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let class = match c.mark {
                Some(Mark::Meaningful) => " class=\"mark-meaningful\" data-mark=\"meaningful\"",
                Some(Mark::Negligible) => " class=\"mark-negligible\" data-mark=\"negligible\"",
                _ => "",
            };
            let _ = write!(out, "<{tag}{class}>{}", escape(&c.text));
            if !c.detail.is_empty() {
                let _ = write!(out, "<small>{}</small>", escape(&c.detail));
            }
            out.push_str(if i == 0 { "</th>" } else { "</td>" });
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
}

fn section(out: &mut String, s: &Section) {
    let _ = writeln!(out, "<section id=\"{}\">\n<h2>{}</h2>", escape(&s.id), escape(&s.title));
    if !s.intro.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", escape(&s.intro));
    }
    if let Some(t) = &s.table {
        table(out, t);
    }
    for f in &s.figures {
        let _ = writeln!(
            out,
            "<figure id=\"{}\">\n{}<figcaption>{}</figcaption>\n</figure>",
            escape(&f.chart.id),
            inline_svg(&f.chart.svg, &f.chart.title),
            escape(&f.note)
        );
    }
    out.push_str("</section>\n");
}

/// The whole document.
pub fn page(p: &Page) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"votelab {VERSION}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&p.title)
    );
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", escape(&p.title));
    if !p.lead.is_empty() {
        let _ = writeln!(out, "<p class=\"lead\">{}</p>", escape(&p.lead));
    }
    if !p.summary.is_empty() {
        out.push_str("<section id=\"summary\" class=\"summary\">\n<h2>In brief</h2>\n");
        for (scenario, sentences) in &p.summary {
            let _ = writeln!(
                out,
                "<div data-summary=\"{}\">\n<h3>{}</h3>\n<p>{}</p>\n</div>",
                escape(scenario),
                escape(scenario),
                escape(&sentences.join(" "))
            );
        }
        out.push_str("</section>\n");
    }
    out.push_str("<dl class=\"facts\">\n");
    for (k, v) in &p.facts {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    }
    out.push_str("</dl>\n</header>\n<nav aria-label=\"contents\"><ul>\n");
    for s in &p.sections {
        let _ = writeln!(out, "<li><a href=\"#{}\">{}</a></li>", escape(&s.id), escape(&s.title));
    }
    if !p.scenarios.is_empty() {
        out.push_str("<li><a href=\"#scenario-text\">Scenario text</a></li>\n");
    }
    out.push_str("</ul></nav>\n<main>\n");
    for s in &p.sections {
        section(&mut out, s);
    }
    if !p.scenarios.is_empty() {
        out.push_str("<section id=\"scenario-text\">\n<h2>Scenario text</h2>\n");
        out.push_str(
            "<p>The resolved scenario, every default filled in: save it as a .ron file to rerun exactly.</p>\n",
        );
        for (label, ron) in &p.scenarios {
            let _ = writeln!(
                out,
                "<details>\n<summary>{}</summary>\n<pre>{}</pre>\n</details>",
                escape(label),
                escape(ron)
            );
        }
        out.push_str("</section>\n");
    }
    let _ = write!(
        out,
        "</main>\n<footer>Drawn by votelab {VERSION} from the files of this results folder; \
         <code>votelab report DIR</code> draws it again.</footer>\n</body>\n</html>\n"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::super::Chart;
    use super::super::figures::{Cell, Figure};
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("plain – text"), "plain – text");
    }

    #[test]
    fn scenario_text_and_titles_are_escaped_and_svg_is_inlined_without_its_namespace() {
        let chart = Chart {
            id: "c".into(),
            title: "A \"quoted\" title".into(),
            svg:
                "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n"
                    .into(),
        };
        let p = Page {
            title: "<script>alert(1)</script>".into(),
            lead: String::new(),
            facts: vec![("seed".into(), "1".into())],
            sections: vec![Section {
                id: "s".into(),
                title: "S".into(),
                intro: "i".into(),
                table: Some(Table {
                    head: vec!["a".into(), "b".into()],
                    rows: vec![vec![
                        Cell { text: "x".into(), ..Cell::default() },
                        Cell { text: "+1*".into(), detail: "[0, 2]".into(), mark: Some(Mark::Meaningful) },
                    ]],
                }),
                figures: vec![Figure { chart, note: "n".into() }],
            }],
            scenarios: vec![("ron".into(), "Scenario(name: \"</pre><b>\")".into())],
            summary: vec![("s".into(), vec!["One.".into(), "Two.".into()])],
        };
        let html = page(&p);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;/pre&gt;&lt;b&gt;"));
        assert!(html.contains("<figure id=\"c\">\n<svg role=\"img\" aria-label=\"A &quot;quoted&quot; title\" width="));
        assert!(!html.contains("http"));
        assert!(html.contains("<td class=\"mark-meaningful\" data-mark=\"meaningful\">+1*<small>[0, 2]</small></td>"));
        assert!(html.contains("<div data-summary=\"s\">\n<h3>s</h3>\n<p>One. Two.</p>"));
        assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    }
}
