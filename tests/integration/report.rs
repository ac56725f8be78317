//! `report.html` end to end: the report of a small run, comparison and sweep is well-formed HTML
//! with the expected charts and no external URL; `votelab report DIR` draws it again byte for
//! byte (and `--png` writes the charts); a bad folder exits 2 and writes nothing; headless
//! Chromium renders it (skipped, saying why, when no Chromium is found).

use super::common::*;
use scraper::{Html, Selector};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Small and quick: 1,500 voters, two elections after 20-day campaigns, two replicates.
const SMALL: [&str; 3] = ["population.size=1500", "timeline.elections=2", "timeline.campaign_days=20"];

/// Results folders made once for all tests here: `run`, `compare`, `sweep` and `robustness` under
/// one folder.
fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-fixtures-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let runs: [&[&str]; 4] = [
            &["run", "baseline", "--out", "run", "--png"],
            &["compare", "baseline", "microtargeting-ban", "--out", "compare"],
            &["sweep", "baseline", "--vary", "network.homophily=[0.2, 0.7]", "--out", "sweep"],
            &["robustness", "bot-surge", "--draws", "3", "--assumptions", "misinformation.*", "--out", "robustness"],
        ];
        for head in runs {
            let args = command(head, "2", &SMALL, &["--quiet"]);
            let o = votelab(&dir, &args);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        }
        dir
    })
}

fn report_of(kind: &str) -> String {
    fs::read_to_string(fixtures().join(kind).join("report.html")).expect("report.html written")
}

/// The chart ids a report holds, in order.
fn chart_ids(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let figures = Selector::parse("figure[id] > svg").unwrap();
    doc.select(&figures).filter_map(|svg| svg.parent()?.value().as_element()?.id().map(str::to_string)).collect()
}

/// Parses without errors, is one document with a title, and fetches nothing from anywhere.
fn check_self_contained(html: &str) {
    let doc = Html::parse_document(html);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    let title = Selector::parse("head > title").unwrap();
    assert_eq!(doc.select(&title).count(), 1);
    for tag in ["script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignObject"] {
        let s = Selector::parse(tag).unwrap();
        assert_eq!(doc.select(&s).count(), 0, "a <{tag}> element");
    }
    let any = Selector::parse("*").unwrap();
    for e in doc.select(&any) {
        for (name, value) in e.value().attrs() {
            let v = value.trim();
            match name {
                "href" => assert!(v.starts_with('#'), "link out of the page: {name}={v}"),
                "src" | "srcset" | "xlink:href" | "action" | "poster" | "data" => panic!("{name}={v}"),
                _ => assert!(!v.contains("url("), "{name}={v}"),
            }
        }
    }
    for needle in ["http://", "https://", "//cdn", "@import", "url(", "@font-face", "<script"] {
        assert!(!html.contains(needle), "{needle} in the report");
    }
}

/// The report of the `kind` fixture, checked self-contained and holding every chart of `charts`,
/// with all its chart ids in order.
fn report_with_charts(kind: &str, charts: &[&str]) -> (String, Vec<String>) {
    let html = report_of(kind);
    check_self_contained(&html);
    let ids = chart_ids(&html);
    for id in charts {
        assert!(ids.iter().any(|i| i == id), "{id} missing from {ids:?}");
    }
    (html, ids)
}

#[test]
fn a_run_report_is_self_contained_and_has_every_chart() {
    let (html, ids) = report_with_charts(
        "run",
        &[
            "turnout-by-cohort",
            "first-time-turnout",
            "opinion-distribution",
            "affective-polarisation",
            "echo-chamber",
            "misinformation-exposure-by-cohort",
            "misinformation-believers-by-cohort",
            "misinformation-believers-over-time",
            "ad-impressions-by-cohort",
            "targeted-ads-by-cohort",
        ],
    );
    // `--png` wrote every chart as a PNG named by its id.
    for id in &ids {
        let bytes = fs::read(fixtures().join("run/charts").join(format!("{id}.png"))).unwrap();
        assert_eq!(&bytes[1..4], b"PNG", "{id}");
    }
    // The header a reader needs to rerun it, and the scenario text escaped in a details block.
    for fact in ["baseline", "2026", "1,500 simulated voters", env!("CARGO_PKG_VERSION")] {
        assert!(html.contains(fact), "{fact} missing");
    }
    let doc = Html::parse_document(&html);
    let pre = Selector::parse("details > pre").unwrap();
    let ron = doc.select(&pre).next().expect("scenario text").text().collect::<String>();
    assert_eq!(ron, fs::read_to_string(fixtures().join("run/scenario.ron")).unwrap());
}

#[test]
fn a_comparison_report_has_forest_plots_and_each_scenarios_charts() {
    let (html, ids) = report_with_charts(
        "compare",
        &[
            "forest-turnout",
            "forest-turnout-by-cohort",
            "forest-first-time-turnout",
            "forest-affective-polarisation",
            "forest-echo-chamber",
            "forest-misinformation-exposure",
            "forest-misinformation-mean-belief",
            "forest-ad-impressions",
            "forest-targeted-share",
            "baseline-turnout-by-cohort",
            "microtargeting-ban-turnout-by-cohort",
            "microtargeting-ban-opinion-distribution",
        ],
    );
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "chart ids are unique");
    // The ban removes every targeted ad: the table marks a meaningful difference of -100 points.
    assert!(html.contains("<td class=\"mark-meaningful\" data-mark=\"meaningful\">-100.0*"), "headline table");
}

#[test]
fn a_sweep_report_plots_each_metric_against_the_varied_parameter() {
    let (html, _) = report_with_charts(
        "sweep",
        &["sweep-turnout", "sweep-turnout-gen-z", "sweep-affective-polarisation", "sweep-targeted-share"],
    );
    assert!(html.contains("network.homophily"));
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn report_dir_redraws_the_same_bytes_and_png_writes_every_chart() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["run", "compare", "sweep"] {
        let copy = dir.path().join(kind);
        copy_dir(&fixtures().join(kind), &copy);
        let original = fs::read(copy.join("report.html")).unwrap();
        fs::remove_file(copy.join("report.html")).unwrap();
        let png = kind == "run";
        let args = if png { vec!["report", kind, "--png"] } else { vec!["report", kind] };
        let o = votelab(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{kind}: {}", stderr(&o));
        assert!(fs::read(copy.join("report.html")).unwrap() == original, "{kind}: report.html differs");
        if png {
            for id in chart_ids(&String::from_utf8(original).unwrap()) {
                let bytes = fs::read(copy.join("charts").join(format!("{id}.png"))).unwrap();
                assert_eq!(&bytes[1..4], b"PNG", "{id}");
            }
        }
    }
}

#[test]
fn report_on_a_folder_that_is_not_results_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    let o = votelab(dir.path(), &["report", "empty"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a votelab results folder"), "{}", stderr(&o));
    assert_eq!(fs::read_dir(dir.path().join("empty")).unwrap().count(), 0, "nothing written");

    let o = votelab(dir.path(), &["report", "missing"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));
    assert!(!dir.path().join("missing").exists());

    // A damaged run folder: the message names the file; nothing is written.
    let broken = dir.path().join("broken");
    copy_dir(&fixtures().join("run"), &broken);
    fs::remove_file(broken.join("report.html")).unwrap();
    fs::remove_dir_all(broken.join("charts")).unwrap();
    fs::write(broken.join("summary.json"), "{\"elections\": [").unwrap();
    let o = votelab(dir.path(), &["report", "broken", "--png"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("summary.json"), "{}", stderr(&o));
    assert!(!broken.join("report.html").exists() && !broken.join("charts").exists());
    fs::remove_file(broken.join("timeseries.csv")).unwrap();
    fs::copy(fixtures().join("run/summary.json"), broken.join("summary.json")).unwrap();
    let o = votelab(dir.path(), &["report", "broken"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("timeseries.csv is missing"), "{}", stderr(&o));
}

#[test]
fn headless_chromium_renders_the_report() {
    let Some(browser) = chromium_or_skip() else { return };
    let page = fixtures().join("compare/report.html");
    let work = tempfile::tempdir().unwrap();
    let shot = work.path().join("shot.png");
    let mut child = Command::new(&browser)
        .args(HEADLESS_FLAGS)
        .arg(format!("--user-data-dir={}", work.path().join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2000")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{} did not finish within 90 s", browser.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(status.success(), "chromium failed ({status}): {log}");
    // Chromium logs unrelated noise (e.g. D-Bus); errors about the page itself would name it.
    for line in log.lines().filter(|l| l.contains("report.html")) {
        assert!(!line.contains("ERROR") && !line.contains("Failed"), "{line}");
    }

    let mut decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(&shot).expect("a screenshot")));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert_eq!((info.width, info.height), (1280, 2000));
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let ink = pixels.iter().filter(|p| p[..3].iter().any(|&c| c < 235)).count();
    let colours: std::collections::BTreeSet<[u8; 3]> =
        pixels.iter().map(|p| [p[0] & 0xF0, p[1] & 0xF0, p[2] & 0xF0]).collect();
    // A page of charts on white: a few percent of the pixels carry ink; a blank page has none.
    assert!(ink * 100 > pixels.len(), "blank: {ink} of {} pixels have ink", pixels.len());
    assert!(colours.len() >= 8, "only {} colours", colours.len());
}

/// The summary and the meaningful/negligible marks as a browser shows them: headless Chromium's
/// DOM of the comparison's and the robustness run's reports.
#[test]
fn headless_chromium_shows_the_summary_and_the_marks() {
    let Some(browser) = chromium_or_skip() else { return };
    for kind in ["compare", "robustness"] {
        let html = report_of(kind);
        check_self_contained(&html);
        let url = format!("file://{}", fixtures().join(kind).join("report.html").display());
        let dom = super::serve::headless(&browser, &url, &["--dump-dom"], Duration::from_secs(90));
        let doc = Html::parse_document(&dom);
        let summary = Selector::parse("header #summary [data-summary] p").unwrap();
        let text: String = doc.select(&summary).flat_map(|p| p.text()).collect();
        assert!(
            text.contains("Compared with baseline") || text.contains("Across 3 plausible parameter sets"),
            "{kind}: {text}"
        );
        assert!(text.contains("cover"), "{kind}: the summary says what the intervals cover: {text}");
        let marked = Selector::parse("td[data-mark]").unwrap();
        let marks: Vec<String> =
            doc.select(&marked).filter_map(|td| td.value().attr("data-mark").map(str::to_string)).collect();
        assert!(marks.iter().any(|m| m == "meaningful"), "{kind}: no meaningful mark in {marks:?}");
        // A detectable difference never reads as zero (a robustness median can be exactly 0).
        for td in doc.select(&marked).filter(|_| kind == "compare") {
            let t: String = td.text().collect();
            let number: String = t.chars().take_while(|c| *c != '[').collect();
            assert!(number.chars().any(|c| ('1'..='9').contains(&c)), "{kind}: {t}");
        }
        let smd = Selector::parse("#smallest-meaningful-differences td").unwrap();
        assert!(doc.select(&smd).count() > 5, "{kind}: the reasons for the smallest meaningful differences");
    }
    let robust = Html::parse_document(&report_of("robustness"));
    let tornado = Selector::parse("figure[id^=tornado-] svg").unwrap();
    assert!(robust.select(&tornado).count() >= 5, "tornado charts");
}
