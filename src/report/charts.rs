//! Chart builders: plain numbers in, a standalone SVG document out, drawn with plotters' SVG
//! backend. Every chart has a title, axes described with their units, a legend beside the plot,
//! the 95% interval as whiskers or a band, and colours from the Okabe–Ito palette (safe for
//! colour-blind readers; viridis for the heatmap). Knows nothing about result files.

use super::data::Interval;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

/// Chart width in SVG pixels (the page scales it to the column width).
pub const WIDTH: u32 = 900;
/// Default chart height.
pub const HEIGHT: u32 = 430;
/// Width of the legend column at the right.
const LEGEND: u32 = 200;
/// The font family of every text; the PNG renderer maps it to the bundled font.
const FONT: &str = "sans-serif";

/// Okabe & Ito (2008), in an order that keeps the first colours far apart; yellow last (faint
/// on white).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x00, 0x00),
    RGBColor(0xF0, 0xE4, 0x42),
];

/// Grey for reference lines and election markers.
const GREY: RGBColor = RGBColor(0x77, 0x77, 0x77);

/// The `i`-th colour of the palette (cycling).
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// The `i`-th palette colour as CSS `#rrggbb`.
#[cfg(test)]
pub fn css_colour(i: usize) -> String {
    let RGBColor(r, g, b) = colour(i);
    format!("#{r:02x}{g:02x}{b:02x}")
}

type Outcome<T> = Result<T, String>;

fn fail<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// A linear axis whose ticks are exactly the given values, with no light lines (plotters'
/// `WithKeyPoints` cannot format `f64` ticks).
#[derive(Clone)]
struct Ticked {
    range: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ticked {
    fn new(from: f64, to: f64, ticks: Vec<f64>) -> Ticked {
        Ticked { range: (from..to).into(), ticks: ticks.into_iter().filter(|t| (from..=to).contains(t)).collect() }
    }

    /// Round ticks (steps of 1, 2 or 5 times a power of ten) across the range.
    fn nice(from: f64, to: f64) -> Ticked {
        Ticked::new(from, to, nice_ticks(from, to, 8))
    }

    /// The distance between neighbouring ticks.
    fn spacing(&self) -> f64 {
        match self.ticks.as_slice() {
            [a, b, ..] => b - a,
            _ => (self.range.range().end - self.range.range().start) / 8.0,
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.range.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() { Vec::new() } else { self.ticks.clone() }
    }

    fn range(&self) -> Range<f64> {
        self.range.range()
    }
}

/// About `target` round tick values from `from` to `to`.
pub fn nice_ticks(from: f64, to: f64, target: usize) -> Vec<f64> {
    if !(from.is_finite() && to.is_finite()) || to <= from {
        return Vec::new();
    }
    let raw = (to - from) / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    let (first, last) = ((from / step).ceil(), (to / step).floor());
    if !(step > 0.0 && first.is_finite() && last.is_finite()) || last - first > 4.0 * target as f64 {
        return vec![from, to];
    }
    // Whole multiples of the step, so ticks print exactly (no 0.30000000000000004).
    (first as i64..=last as i64).map(|i| i as f64 * step).collect()
}

/// A labelled series of values, one per category or point (`None`: no value there).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Values in category order.
    pub values: Vec<Option<Interval>>,
}

/// Grouped bars with whiskers: categories along x, one bar per series in each.
#[derive(Clone, Debug, PartialEq)]
pub struct Bars {
    /// Title.
    pub title: String,
    /// Category labels along x.
    pub groups: Vec<String>,
    /// Description of the x axis.
    pub x_desc: String,
    /// Description of the y axis, with its unit.
    pub y_desc: String,
    /// The series (one colour each).
    pub series: Vec<Series>,
}

/// Lines over time with their 95% band, and dashed markers (e.g. election days).
#[derive(Clone, Debug, PartialEq)]
pub struct Bands {
    /// Title.
    pub title: String,
    /// Description of the y axis, with its unit.
    pub y_desc: String,
    /// (legend label, points (year, value)).
    pub series: Vec<(String, Vec<(f64, Interval)>)>,
    /// Vertical markers: (year, label).
    pub markers: Vec<(f64, String)>,
}

/// A heatmap over time: one column per time span, one cell per bin.
#[derive(Clone, Debug, PartialEq)]
pub struct Heatmap {
    /// Title.
    pub title: String,
    /// Description of the y axis.
    pub y_desc: String,
    /// Range of the binned quantity (bins are equal parts of it).
    pub y_range: (f64, f64),
    /// Columns: (from year, to year, value of each bin from the bottom).
    pub columns: Vec<(f64, f64, Vec<f64>)>,
    /// What the colour shows, with its unit.
    pub value_desc: String,
    /// Vertical markers: (year, label).
    pub markers: Vec<(f64, String)>,
}

/// A forest plot: one row per scenario, one point with whiskers per series in each row, and a
/// line at zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Forest {
    /// Title.
    pub title: String,
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// Description of the x axis, with its unit.
    pub x_desc: String,
    /// The series: values per row.
    pub series: Vec<Series>,
}

/// A tornado chart: one horizontal bar per row from zero to its value, the largest first, in
/// one colour for positive and another for negative values.
#[derive(Clone, Debug, PartialEq)]
pub struct Tornado {
    /// Title.
    pub title: String,
    /// (row label, value), top to bottom.
    pub rows: Vec<(String, f64)>,
    /// Description of the x axis.
    pub x_desc: String,
    /// Legend notes saying how to read the chart.
    pub notes: Vec<String>,
}

/// Positions along the x axis of a sweep chart.
#[derive(Clone, Debug, PartialEq)]
pub enum Positions {
    /// Numeric values of the varied parameter.
    Numeric(Vec<f64>),
    /// Labels of values that are not numbers (e.g. `None`, `Some(24.0)`), evenly spaced.
    Categorical(Vec<String>),
}

/// A metric against a varied parameter: points with whiskers joined by lines, one series per
/// combination of the other varied parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// Title.
    pub title: String,
    /// The parameter's values.
    pub x: Positions,
    /// Description of the x axis.
    pub x_desc: String,
    /// Description of the y axis, with its unit.
    pub y_desc: String,
    /// The series: values per position.
    pub series: Vec<Series>,
}

/// A chart description that draws itself: the title it shows and its SVG.
pub trait ChartSpec {
    /// The chart's title.
    fn title(&self) -> &str;
    /// The chart as a standalone SVG document, or why it could not be drawn.
    fn draw(&self) -> Outcome<String>;
}

/// Implements [`ChartSpec`] for chart descriptions with a `title` field, each drawn by its
/// builder function.
macro_rules! chart_spec {
    ($($spec:ty => $draw:ident),* $(,)?) => {$(
        impl ChartSpec for $spec {
            fn title(&self) -> &str {
                &self.title
            }

            fn draw(&self) -> Outcome<String> {
                $draw(self)
            }
        }
    )*};
}

chart_spec!(Bars => bars, Bands => bands, Heatmap => heatmap, Forest => forest, Sweep => sweep, Tornado => tornado);

fn title_font() -> TextStyle<'static> {
    (FONT, 22).into_font().style(FontStyle::Bold).color(&BLACK)
}

fn label_font() -> TextStyle<'static> {
    (FONT, 15).into_font().color(&BLACK)
}

fn desc_font() -> TextStyle<'static> {
    (FONT, 16).into_font().color(&BLACK)
}

fn small_font() -> TextStyle<'static> {
    (FONT, 14).into_font().color(&GREY)
}

/// The finite values of intervals (mean and both ends).
fn ends<'a>(values: impl Iterator<Item = &'a Interval>) -> impl Iterator<Item = f64> {
    values.filter(|v| v.is_finite()).flat_map(|v| [v.lo, v.mean, v.hi])
}

/// An axis range covering `values` with a margin; from zero when `zero` and the values allow.
pub fn span(values: impl Iterator<Item = f64>, zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = if hi - lo > 1e-12 { 0.08 * (hi - lo) } else { lo.abs().max(1.0) * 0.1 };
    let lo = if zero && lo == 0.0 { 0.0 } else { lo - pad };
    let hi = if zero && hi == 0.0 && lo < 0.0 { 0.0 } else { hi + pad };
    (lo, hi)
}

/// A tick label with as many decimals as ticks `step` apart need; never `-0`.
pub fn tick(value: f64, step: f64) -> String {
    let decimals = if step > 0.0 && step.is_finite() { (-(step.log10().floor())).clamp(0.0, 6.0) as usize } else { 2 };
    let text = format!("{value:.decimals$}");
    if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// Whole years to label on a time axis (at most about ten).
fn year_ticks(from: f64, to: f64) -> Vec<f64> {
    if !(from.is_finite() && to.is_finite()) || to < from {
        return Vec::new();
    }
    let (first, last) = (from.ceil() as i64, to.floor() as i64);
    let every = (last.saturating_sub(first) / 10 + 1).max(1);
    (0..=10).map(|i| first.saturating_add(i * every)).take_while(|y| *y <= last).map(|y| y as f64).collect()
}

/// Shorten a label to fit the legend.
fn fit(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(chars.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// How a legend entry is marked.
#[derive(Clone, Copy)]
enum Mark {
    Swatch,
    Line,
    Dot,
}

/// Draw legend entries top-down in the legend column, then optional notes below them.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor, Mark)],
    notes: &[&str],
) -> Outcome<()> {
    let font = label_font().pos(Pos::new(HPos::Left, VPos::Center));
    let mut y = 30;
    for (label, c, mark) in entries {
        match mark {
            Mark::Swatch => area.draw(&Rectangle::new([(8, y - 7), (24, y + 7)], c.filled())),
            Mark::Line => area.draw(&PathElement::new(vec![(4, y), (28, y)], c.stroke_width(3))),
            Mark::Dot => area.draw(&Circle::new((16, y), 5, c.filled())),
        }
        .map_err(fail)?;
        area.draw(&Text::new(fit(label, 22), (34, y), font.clone())).map_err(fail)?;
        y += 24;
    }
    let note = small_font().pos(Pos::new(HPos::Left, VPos::Center));
    for n in notes {
        y += 6;
        for line in wrap(n, 26) {
            area.draw(&Text::new(line, (8, y), note.clone())).map_err(fail)?;
            y += 18;
        }
    }
    Ok(())
}

/// Height in pixels that [`legend`] needs for `entries` entries and `notes`.
fn legend_height(entries: usize, notes: &[&str]) -> u32 {
    let lines: usize = notes.iter().map(|n| wrap(n, 26).len()).sum();
    (30 + 24 * entries + 6 * notes.len() + 18 * lines) as u32
}

/// Break text into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Draw onto a fresh SVG of `height`, with the title on top and a legend column at the right.
fn svg(
    title: &str,
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>, &DrawingArea<SVGBackend, Shift>) -> Outcome<()>,
) -> Outcome<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        let body = root.titled(title, title_font()).map_err(fail)?;
        let (plot, side) = body.split_horizontally(WIDTH - LEGEND);
        draw(&plot, &side)?;
        root.present().map_err(fail)?;
    }
    Ok(out)
}

/// Which grid lines a chart keeps behind its data.
#[derive(Clone, Copy)]
enum Grid {
    /// Lines at the ticks of both axes.
    Both,
    /// Horizontal lines only, at the y ticks.
    Horizontal,
    /// Vertical lines only, at the x ticks.
    Vertical,
    /// No grid lines.
    Off,
}

/// How an axis labels its ticks.
enum Labels<'a> {
    /// Numbers with as many decimals as the spacing of the ticks needs.
    Numbers,
    /// Whole years.
    Years,
    /// Names of the categories or rows at the ticks.
    Named(&'a dyn Fn(&f64) -> String),
}

/// One axis of a chart: its ticks, its description and how its ticks are labelled.
struct Axis<'a> {
    ticks: Ticked,
    desc: Option<&'a str>,
    labels: Labels<'a>,
}

impl<'a> Axis<'a> {
    /// A numeric axis from `from` to `to` with round ticks.
    fn numbers(from: f64, to: f64, desc: &'a str) -> Axis<'a> {
        Axis { ticks: Ticked::nice(from, to), desc: Some(desc), labels: Labels::Numbers }
    }

    /// A time axis from `from` to `to`, labelled with whole years.
    fn years(from: f64, to: f64) -> Axis<'a> {
        Axis { ticks: Ticked::new(from, to, year_ticks(from, to)), desc: Some("year"), labels: Labels::Years }
    }

    /// An axis of categories or rows at the given ticks, labelled by `names`.
    fn named(ticks: Ticked, desc: Option<&'a str>, names: &'a dyn Fn(&f64) -> String) -> Axis<'a> {
        Axis { ticks, desc, labels: Labels::Named(names) }
    }

    /// The tick labels' formatter.
    fn formatter(&self) -> Box<dyn Fn(&f64) -> String + 'a> {
        match self.labels {
            Labels::Numbers => {
                let step = self.ticks.spacing();
                Box::new(move |v: &f64| tick(*v, step))
            }
            Labels::Years => Box::new(|v: &f64| format!("{v:.0}")),
            Labels::Named(names) => Box::new(names),
        }
    }
}

/// The room around a chart's plot: its right margin (the other sides have 12 pixels) and the
/// width of the y tick labels' area.
#[derive(Clone, Copy)]
struct Room {
    right: u32,
    y_labels: u32,
}

/// A chart on `plot` with axes `x` and `y` drawn: their descriptions, tick labels and the grid
/// lines of `grid`.
fn framed<'p, DB: DrawingBackend>(
    plot: &'p DrawingArea<DB, Shift>,
    x: Axis,
    y: Axis,
    grid: Grid,
    room: Room,
) -> Outcome<ChartContext<'p, DB, Cartesian2d<Ticked, Ticked>>> {
    let (x_label, y_label) = (x.formatter(), y.formatter());
    let mut chart = ChartBuilder::on(plot)
        .margin(12)
        .margin_right(room.right)
        .x_label_area_size(56)
        .y_label_area_size(room.y_labels)
        .build_cartesian_2d(x.ticks, y.ticks)
        .map_err(fail)?;
    let mut mesh = chart.configure_mesh();
    match grid {
        Grid::Both => &mut mesh,
        Grid::Horizontal => mesh.disable_x_mesh(),
        Grid::Vertical => mesh.disable_y_mesh(),
        Grid::Off => mesh.disable_mesh(),
    };
    if let Some(desc) = x.desc {
        mesh.x_desc(desc);
    }
    if let Some(desc) = y.desc {
        mesh.y_desc(desc);
    }
    mesh.x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style(label_font())
        .axis_desc_style(desc_font())
        .draw()
        .map_err(fail)?;
    Ok(chart)
}

/// Grouped bars with whiskers.
pub fn bars(spec: &Bars) -> Outcome<String> {
    svg(&spec.title, HEIGHT, |plot, side| {
        let n = spec.groups.len().max(1);
        let range = span(ends(spec.series.iter().flat_map(|s| s.values.iter().flatten())), true);
        let x = Ticked::new(-0.5, n as f64 - 0.5, (0..n).map(|i| i as f64).collect());
        let group = |v: &f64| spec.groups.get(v.round().max(0.0) as usize).cloned().unwrap_or_default();
        let mut chart = framed(
            plot,
            Axis::named(x, Some(&spec.x_desc), &group),
            Axis::numbers(range.0, range.1, &spec.y_desc),
            Grid::Horizontal,
            Room { right: 12, y_labels: 72 },
        )?;
        let width = 0.8 / spec.series.len().max(1) as f64;
        for (j, series) in spec.series.iter().enumerate() {
            let c = colour(j);
            for (i, v) in series.values.iter().enumerate() {
                let Some(v) = v.filter(Interval::is_finite) else { continue };
                let x0 = i as f64 - 0.4 + j as f64 * width;
                let (a, b) = (x0 + 0.08 * width, x0 + 0.92 * width);
                chart.draw_series([Rectangle::new([(a, 0.0), (b, v.mean)], c.filled())]).map_err(fail)?;
                let mid = x0 + 0.5 * width;
                chart
                    .draw_series([ErrorBar::new_vertical(mid, v.lo, v.mean, v.hi, BLACK.stroke_width(1), 8)])
                    .map_err(fail)?;
            }
        }
        let entries: Vec<_> =
            spec.series.iter().enumerate().map(|(j, s)| (s.label.clone(), colour(j), Mark::Swatch)).collect();
        legend(side, &entries, &["Bars: mean over replicates; whiskers: 95% interval (within the possible range)."])
    })
}

/// Dashed vertical markers in `colour`, labelled at the top of the plot: to the right of the line
/// in the left half, to its left in the right half, so labels stay inside the plot.
fn markers<DB: DrawingBackend, X, Y>(
    chart: &mut ChartContext<DB, Cartesian2d<X, Y>>,
    marks: &[(f64, String)],
    x: (f64, f64),
    y: (f64, f64),
    colour: RGBColor,
) -> Outcome<()>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for (at, label) in marks {
        chart
            .draw_series(DashedLineSeries::new(vec![(*at, y.0), (*at, y.1)], 4, 4, colour.stroke_width(1)))
            .map_err(fail)?;
        // A no-break space (which SVG keeps, unlike a plain one) holds the label off the line.
        let (side, text) = if *at > 0.5 * (x.0 + x.1) {
            (HPos::Right, format!("{label}\u{a0}"))
        } else {
            (HPos::Left, format!("\u{a0}{label}"))
        };
        let style = small_font().color(&colour).pos(Pos::new(side, VPos::Top));
        chart.draw_series([Text::new(text, (*at, y.1), style)]).map_err(fail)?;
    }
    Ok(())
}

/// Lines over time with their 95% bands.
pub fn bands(spec: &Bands) -> Outcome<String> {
    svg(&spec.title, HEIGHT, |plot, side| {
        let points = || spec.series.iter().flat_map(|(_, p)| p.iter()).filter(|(x, v)| x.is_finite() && v.is_finite());
        let (x0, x1) = span(points().map(|(x, _)| *x), false);
        let (x0, x1) = (x0 + 0.08 / 1.16 * (x1 - x0), x1 - 0.08 / 1.16 * (x1 - x0));
        let y = span(points().flat_map(|(_, v)| [v.lo, v.hi]), false);
        let y_axis = Axis::numbers(y.0, y.1, &spec.y_desc);
        let mut chart = framed(plot, Axis::years(x0, x1), y_axis, Grid::Both, Room { right: 20, y_labels: 72 })?;
        markers(&mut chart, &spec.markers, (x0, x1), y, GREY)?;
        for (j, (_, p)) in spec.series.iter().enumerate() {
            let c = colour(j);
            let p: Vec<&(f64, Interval)> = p.iter().filter(|(x, v)| x.is_finite() && v.is_finite()).collect();
            let band: Vec<(f64, f64)> =
                p.iter().map(|(x, v)| (*x, v.hi)).chain(p.iter().rev().map(|(x, v)| (*x, v.lo))).collect();
            chart.draw_series([Polygon::new(band, c.mix(0.25).filled())]).map_err(fail)?;
            chart.draw_series(LineSeries::new(p.iter().map(|(x, v)| (*x, v.mean)), c.stroke_width(2))).map_err(fail)?;
        }
        let entries: Vec<_> =
            spec.series.iter().enumerate().map(|(j, (l, _))| (l.clone(), colour(j), Mark::Line)).collect();
        legend(side, &entries, &["Line: mean over replicates; band: 95% interval.", "Dashed: elections."])
    })
}

/// A heatmap over time with a colour scale in the legend column.
pub fn heatmap(spec: &Heatmap) -> Outcome<String> {
    svg(&spec.title, HEIGHT + 40, |plot, side| {
        let x0 = spec.columns.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
        let x1 = spec.columns.iter().map(|c| c.1).fold(f64::NEG_INFINITY, f64::max);
        let (x0, x1) = if x0.is_finite() && x1 > x0 { (x0, x1) } else { (0.0, 1.0) };
        let (y0, y1) = spec.y_range;
        let vmax = spec.columns.iter().flat_map(|c| c.2.iter()).copied().filter(|v| v.is_finite()).fold(0.0, f64::max);
        let vmax = if vmax > 0.0 { vmax } else { 1.0 };
        let y_axis = Axis::numbers(y0, y1, &spec.y_desc);
        let mut chart = framed(plot, Axis::years(x0, x1), y_axis, Grid::Off, Room { right: 20, y_labels: 72 })?;
        // Colours in LEVELS steps; neighbouring cells of a row with the same step are drawn as one
        // rectangle, which keeps the SVG small.
        let level = |v: f64| ((v / vmax).clamp(0.0, 1.0) * (LEVELS - 1) as f64).round() as usize;
        let bins = spec.columns.iter().map(|c| c.2.len()).max().unwrap_or(0);
        let h = (y1 - y0) / bins.max(1) as f64;
        let mut cells = Vec::new();
        for i in 0..bins {
            let mut run: Option<(f64, f64, usize)> = None;
            for (a, b, values) in &spec.columns {
                let l = level(values.get(i).copied().filter(|v| v.is_finite()).unwrap_or(0.0));
                run = match run {
                    Some((from, _, same)) if same == l => Some((from, *b, l)),
                    Some(done) => {
                        cells.push((done, i));
                        Some((*a, *b, l))
                    }
                    None => Some((*a, *b, l)),
                };
            }
            cells.extend(run.map(|done| (done, i)));
        }
        chart
            .draw_series(cells.into_iter().map(|((a, b, l), i)| {
                let bottom = y0 + i as f64 * h;
                Rectangle::new([(a, bottom), (b, bottom + h)], shade(l).filled())
            }))
            .map_err(fail)?;
        markers(&mut chart, &spec.markers, (x0, x1), (y0, y1), WHITE)?;
        colour_scale(side, vmax, &spec.value_desc)
    })
}

/// Colour steps of the heatmap.
const LEVELS: usize = 24;

/// The viridis colour of step `level` of [`LEVELS`].
fn shade(level: usize) -> RGBColor {
    ViridisRGB::get_color(level as f64 / (LEVELS - 1) as f64)
}

/// A vertical scale of the heatmap's colour steps from 0 to `vmax`, with three labels.
fn colour_scale<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, vmax: f64, desc: &str) -> Outcome<()> {
    let (top, step) = (40, 10);
    let height = step * LEVELS as i32;
    for l in 0..LEVELS {
        let y = top + height - (l as i32 + 1) * step;
        area.draw(&Rectangle::new([(10, y), (34, y + step)], shade(l).filled())).map_err(fail)?;
    }
    let font = label_font().pos(Pos::new(HPos::Left, VPos::Center));
    for (frac, value) in [(0.0, vmax), (0.5, vmax / 2.0), (1.0, 0.0)] {
        let y = top + (frac * height as f64) as i32;
        area.draw(&Text::new(tick(value, vmax / 10.0), (42, y), font.clone())).map_err(fail)?;
    }
    let note = small_font().pos(Pos::new(HPos::Left, VPos::Center));
    for (i, line) in wrap(desc, 26).into_iter().enumerate() {
        area.draw(&Text::new(line, (8, top + height + 26 + 18 * i as i32), note.clone())).map_err(fail)?;
    }
    Ok(())
}

/// A forest plot of differences with whiskers; filled points where the interval excludes zero.
pub fn forest(spec: &Forest) -> Outcome<String> {
    let rows = spec.rows.len().max(1);
    let per_row = (12 * spec.series.len()).max(30) as u32;
    let notes = ["Point: mean paired difference; whiskers: 95% interval.", "Filled: the interval excludes zero."];
    let height = (130 + per_row * rows as u32).max(legend_height(spec.series.len(), &notes) + 60);
    svg(&spec.title, height, |plot, side| {
        let x = span(ends(spec.series.iter().flat_map(|s| s.values.iter().flatten())), true);
        let x = if x.0 == 0.0 {
            (-0.1 * x.1, x.1)
        } else if x.1 == 0.0 {
            (x.0, -0.1 * x.0)
        } else {
            x
        };
        let y = Ticked::new(-0.5, rows as f64 - 0.5, (0..rows).map(|i| i as f64).collect());
        let longest = spec.rows.iter().map(|r| r.chars().count()).max().unwrap_or(4).min(28) as u32;
        let row = |v: &f64| {
            let i = rows as f64 - 1.0 - v.round();
            spec.rows.get(i.max(0.0) as usize).map(|r| fit(r, 28)).unwrap_or_default()
        };
        let mut chart = framed(
            plot,
            Axis::numbers(x.0, x.1, &spec.x_desc),
            Axis::named(y, None, &row),
            Grid::Vertical,
            Room { right: 20, y_labels: 24 + 8 * longest },
        )?;
        let edge = (-0.5, rows as f64 - 0.5);
        chart
            .draw_series(DashedLineSeries::new(vec![(0.0, edge.0), (0.0, edge.1)], 5, 4, BLACK.stroke_width(1)))
            .map_err(fail)?;
        let s = spec.series.len().max(1) as f64;
        let dodge = (0.7 / s).min(0.25);
        for (j, series) in spec.series.iter().enumerate() {
            let c = colour(j);
            for (i, v) in series.values.iter().enumerate() {
                let Some(v) = v.filter(Interval::is_finite) else { continue };
                let y = (rows - 1 - i) as f64 + (j as f64 - (s - 1.0) / 2.0) * -dodge;
                chart
                    .draw_series([ErrorBar::new_horizontal(y, v.lo, v.mean, v.hi, c.stroke_width(2), 10)])
                    .map_err(fail)?;
                let fill = if v.excludes_zero() { c.filled() } else { WHITE.filled() };
                chart.draw_series([Circle::new((v.mean, y), 4, fill)]).map_err(fail)?;
                chart.draw_series([Circle::new((v.mean, y), 5, c.stroke_width(2))]).map_err(fail)?;
            }
        }
        let entries: Vec<_> =
            spec.series.iter().enumerate().map(|(j, s)| (s.label.clone(), colour(j), Mark::Dot)).collect();
        legend(side, &entries, &notes)
    })
}

/// A tornado chart: bars from zero, positive ones in the first colour, negative in the second.
pub fn tornado(spec: &Tornado) -> Outcome<String> {
    let rows = spec.rows.len().max(1);
    let notes: Vec<&str> = spec.notes.iter().map(String::as_str).collect();
    let height = (130 + 26 * rows as u32).max(legend_height(2, &notes) + 60);
    svg(&spec.title, height, |plot, side| {
        let x = span(spec.rows.iter().map(|r| r.1).filter(|v| v.is_finite()), true);
        let x = if x.0 == 0.0 && x.1 == 0.0 { (-1.0, 1.0) } else { (x.0.min(-0.05 * x.1), x.1.max(-0.05 * x.0)) };
        let y = Ticked::new(-0.5, rows as f64 - 0.5, (0..rows).map(|i| i as f64).collect());
        let longest = spec.rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(4).min(34) as u32;
        let row = |v: &f64| {
            let i = rows as f64 - 1.0 - v.round();
            spec.rows.get(i.max(0.0) as usize).map(|r| fit(&r.0, 34)).unwrap_or_default()
        };
        let mut chart = framed(
            plot,
            Axis::numbers(x.0, x.1, &spec.x_desc),
            Axis::named(y, None, &row),
            Grid::Vertical,
            Room { right: 20, y_labels: 24 + 8 * longest },
        )?;
        for (i, (_, v)) in spec.rows.iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            let y = (rows - 1 - i) as f64;
            let c = if *v >= 0.0 { colour(0) } else { colour(1) };
            chart.draw_series([Rectangle::new([(0.0, y - 0.35), (*v, y + 0.35)], c.filled())]).map_err(fail)?;
        }
        let edge = (-0.5, rows as f64 - 0.5);
        chart.draw_series(LineSeries::new(vec![(0.0, edge.0), (0.0, edge.1)], BLACK.stroke_width(1))).map_err(fail)?;
        let entries = vec![
            ("higher value: effect more positive".to_string(), colour(0), Mark::Swatch),
            ("higher value: effect more negative".to_string(), colour(1), Mark::Swatch),
        ];
        legend(side, &entries, &notes)
    })
}

/// A metric against a varied parameter.
pub fn sweep(spec: &Sweep) -> Outcome<String> {
    svg(&spec.title, HEIGHT, |plot, side| {
        let (xs, labels): (Vec<f64>, Vec<String>) = match &spec.x {
            Positions::Numeric(v) => (v.clone(), v.iter().map(|x| format!("{x}")).collect()),
            Positions::Categorical(l) => ((0..l.len()).map(|i| i as f64).collect(), l.clone()),
        };
        let (x0, x1) = match &spec.x {
            Positions::Categorical(l) => (-0.5, l.len().max(1) as f64 - 0.5),
            Positions::Numeric(v) => span(v.iter().copied(), false),
        };
        let key_points = match &spec.x {
            Positions::Categorical(_) => xs.clone(),
            Positions::Numeric(_) => xs.iter().copied().filter(|x| x.is_finite()).collect(),
        };
        let y = span(ends(spec.series.iter().flat_map(|s| s.values.iter().flatten())), false);
        let x_label = |v: &f64| {
            xs.iter()
                .position(|x| (x - v).abs() < 1e-9)
                .and_then(|i| labels.get(i))
                .map(|l| fit(l, 14))
                .unwrap_or_default()
        };
        let mut chart = framed(
            plot,
            Axis::named(Ticked::new(x0, x1, key_points), Some(&spec.x_desc), &x_label),
            Axis::numbers(y.0, y.1, &spec.y_desc),
            Grid::Horizontal,
            Room { right: 24, y_labels: 72 },
        )?;
        let s = spec.series.len().max(1) as f64;
        let dodge = 0.012 * (x1 - x0);
        for (j, series) in spec.series.iter().enumerate() {
            let c = colour(j);
            let offset = (j as f64 - (s - 1.0) / 2.0) * dodge;
            let points: Vec<(f64, Interval)> = xs
                .iter()
                .zip(&series.values)
                .filter_map(|(x, v)| v.filter(|v| v.is_finite() && x.is_finite()).map(|v| (x + offset, v)))
                .collect();
            chart
                .draw_series(LineSeries::new(points.iter().map(|(x, v)| (*x, v.mean)), c.stroke_width(2)))
                .map_err(fail)?;
            for (x, v) in &points {
                chart
                    .draw_series([ErrorBar::new_vertical(*x, v.lo, v.mean, v.hi, c.stroke_width(2), 10)])
                    .map_err(fail)?;
                chart.draw_series([Circle::new((*x, v.mean), 4, c.filled())]).map_err(fail)?;
            }
        }
        let entries: Vec<_> =
            spec.series.iter().enumerate().map(|(j, s)| (s.label.clone(), colour(j), Mark::Dot)).collect();
        legend(side, &entries, &["Point: mean over replicates; whiskers: 95% interval."])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(mean: f64, half: f64) -> Option<Interval> {
        Some(Interval { mean, lo: mean - half, hi: mean + half })
    }

    /// The SVG draws exactly this text (plotters puts it on a line of its own).
    fn draws(svg: &str, text: &str) -> bool {
        svg.contains(&format!(">\n{text}\n</text>"))
    }

    /// The chart drawn, checked to be a whole SVG document with finite coordinates.
    fn drawn(spec: &impl ChartSpec) -> String {
        let svg = spec.draw().unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "no non-finite coordinates");
        svg
    }

    #[test]
    fn bars_draw_every_series_and_label_the_axes() {
        let spec = Bars {
            title: "Turnout".into(),
            groups: vec!["E1".into(), "E2".into()],
            x_desc: "election".into(),
            y_desc: "turnout (%)".into(),
            series: vec![
                Series { label: "Gen Z".into(), values: vec![iv(45.0, 2.0), iv(47.0, 2.0)] },
                Series { label: "Boomers+".into(), values: vec![iv(70.0, 1.0), None] },
            ],
        };
        let svg = drawn(&spec);
        for text in ["Turnout", "turnout (%)", "Gen Z", "Boomers+", "E1", "E2"] {
            assert!(draws(&svg, text), "{text} missing");
        }
        assert!(svg.contains(&css_colour(0).to_uppercase()) && svg.contains(&css_colour(1).to_uppercase()));
    }

    #[test]
    fn charts_survive_empty_constant_and_non_finite_data() {
        let nan = Some(Interval { mean: f64::NAN, lo: 0.0, hi: 1.0 });
        let flat = Series { label: "x".into(), values: vec![iv(0.0, 0.0), nan, None] };
        let b = Bars { title: "t".into(), groups: vec![], x_desc: "x".into(), y_desc: "y".into(), series: vec![] };
        drawn(&b);
        let f = Forest {
            title: "t".into(),
            rows: vec!["a".into(), "b".into(), "c".into()],
            x_desc: "d".into(),
            series: vec![flat.clone()],
        };
        drawn(&f);
        let s = Sweep {
            title: "t".into(),
            x: Positions::Categorical(vec!["None".into(), "Some(1.0)".into(), "Some(2.0)".into()]),
            x_desc: "p".into(),
            y_desc: "y".into(),
            series: vec![flat],
        };
        drawn(&s);
        let h = Heatmap {
            title: "t".into(),
            y_desc: "y".into(),
            y_range: (-1.0, 1.0),
            columns: vec![],
            value_desc: "v".into(),
            markers: vec![],
        };
        drawn(&h);
        let bd = Bands { title: "t".into(), y_desc: "y".into(), series: vec![("a".into(), vec![])], markers: vec![] };
        drawn(&bd);
    }

    #[test]
    fn forest_fills_only_points_whose_interval_excludes_zero() {
        let spec = Forest {
            title: "t".into(),
            rows: vec!["a".into(), "b".into()],
            x_desc: "difference".into(),
            series: vec![Series { label: "E1".into(), values: vec![iv(1.0, 0.5), iv(0.2, 0.5)] }],
        };
        let svg = drawn(&spec);
        let blue = css_colour(0).to_uppercase();
        assert!(svg.matches("<circle").count() >= 4, "two points, each a fill and a ring");
        assert!(svg.contains(&format!("fill=\"{blue}\"")), "the excluding-zero point is filled");
        assert!(draws(&svg, "a") && draws(&svg, "b"));
    }

    #[test]
    fn heatmaps_colour_cells_by_value() {
        let spec = Heatmap {
            title: "Opinion".into(),
            y_desc: "ideology".into(),
            y_range: (-1.0, 1.0),
            columns: vec![(2025.0, 2026.0, vec![0.0, 1.0]), (2026.0, 2027.0, vec![0.5, 0.5])],
            value_desc: "share (%)".into(),
            markers: vec![(2026.0, "E1".into())],
        };
        let svg = drawn(&spec);
        let RGBColor(r, g, b) = ViridisRGB::get_color(1.0);
        assert!(svg.contains(&format!("#{r:02X}{g:02X}{b:02X}")), "the largest value gets the top colour");
    }

    #[test]
    fn heatmap_cells_of_one_colour_step_merge_along_a_row() {
        let column = |a: f64| (a, a + 1.0, vec![1.0, 2.0, 3.0]);
        let spec = Heatmap {
            title: "t".into(),
            y_desc: "y".into(),
            y_range: (-1.0, 1.0),
            columns: (0..50).map(|i| column(2025.0 + i as f64)).collect(),
            value_desc: "v".into(),
            markers: vec![],
        };
        let svg = drawn(&spec);
        // Background, three merged rows, LEVELS swatches of the colour scale.
        assert_eq!(svg.matches("<rect").count(), 1 + 3 + LEVELS, "{svg}");
    }

    #[test]
    fn ticks_have_sensible_decimals() {
        assert_eq!(tick(0.30000000000000004, 0.1), "0.3");
        assert_eq!(tick(45.0, 5.0), "45");
        assert_eq!(tick(-0.0001, 0.01), "0.00");
        assert_eq!(tick(2.5, 0.5), "2.5");
    }

    #[test]
    fn nice_ticks_are_round_and_inside_the_range() {
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        assert_eq!(nice_ticks(-3.0, 7.0, 5), vec![-2.0, 0.0, 2.0, 4.0, 6.0]);
        assert!(nice_ticks(1.0, 1.0, 5).is_empty() && nice_ticks(f64::NAN, 1.0, 5).is_empty());
        assert_eq!(nice_ticks(0.0, 5e-324, 5), vec![0.0, 5e-324], "no endless ticks on a subnormal range");
        assert_eq!(year_ticks(2026.0, 2030.0), vec![2026.0, 2027.0, 2028.0, 2029.0, 2030.0]);
        assert!(year_ticks(0.0, 1e15).len() <= 11, "a corrupt year gives few ticks, quickly");
    }

    #[test]
    fn spans_pad_and_start_at_zero_when_asked() {
        assert_eq!(span([10.0, 20.0].into_iter(), true), (0.0, 20.0 + 1.6));
        let (lo, hi) = span([5.0, 5.0].into_iter(), false);
        assert!(lo < 5.0 && hi > 5.0);
        assert_eq!(span(std::iter::empty(), false), (0.0, 1.0));
        assert_eq!(span([f64::NAN].into_iter(), true), (0.0, 1.0));
    }

    #[test]
    fn long_labels_are_shortened_and_notes_wrapped() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
    }
}
