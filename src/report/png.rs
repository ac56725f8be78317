//! Charts as PNG for slides (`--png`): rasterises a chart's SVG with resvg at twice its size. The
//! only font is the bundled DejaVu Sans (`assets/fonts`, licence beside it), loaded from bytes,
//! so the picture does not depend on the fonts of the machine. Reads a [`Chart`], returns bytes.

use super::{Chart, ReportError};
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// DejaVu Sans 2.37 (Bitstream Vera licence; see `assets/fonts/LICENSE-DejaVu.txt`).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "DejaVu Sans";
/// Pixels per SVG pixel: sharp on a projector.
const SCALE: f32 = 2.0;

/// The font database, parsed once.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(FONT.to_vec());
            db.set_sans_serif_family(FAMILY);
            db.set_serif_family(FAMILY);
            db.set_monospace_family(FAMILY);
            Arc::new(db)
        })
        .clone()
}

/// The chart as a PNG image, twice the SVG's size, on white.
pub fn chart_png(chart: &Chart) -> Result<Vec<u8>, ReportError> {
    let fail = |message: String| ReportError::Chart { id: chart.id.clone(), message };
    let options = usvg::Options { font_family: FAMILY.to_string(), fontdb: fonts(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&chart.svg, &options).map_err(|e| fail(format!("cannot read the SVG: {e}")))?;
    let size = tree.size();
    let (w, h) = ((size.width() * SCALE).ceil() as u32, (size.height() * SCALE).ceil() as u32);
    let mut pixmap =
        tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or_else(|| fail(format!("cannot make a {w}×{h} image")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(SCALE, SCALE), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| fail(format!("cannot encode the PNG: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_with_text_rasterises_to_a_png_twice_its_size_with_ink() {
        let chart = Chart {
            id: "t".into(),
            title: "t".into(),
            svg: "<svg width=\"120\" height=\"40\" viewBox=\"0 0 120 40\" xmlns=\"http://www.w3.org/2000/svg\">\n\
                  <text x=\"5\" y=\"30\" font-family=\"sans-serif\" font-size=\"24\" fill=\"#000000\">Turnout</text>\n</svg>\n"
                .into(),
        };
        let png = chart_png(&chart).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        // Width and height from the IHDR chunk.
        let w = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        let h = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
        assert_eq!((w, h), (240, 80));
        assert_eq!(chart_png(&chart).unwrap(), png, "deterministic");
        let text_free = Chart { svg: chart.svg.replace("Turnout", ""), ..chart.clone() };
        assert_ne!(chart_png(&text_free).unwrap(), png, "the bundled font draws the text");
    }

    #[test]
    fn bad_svg_is_an_error_naming_the_chart() {
        let chart = Chart { id: "broken".into(), title: "t".into(), svg: "<svg".into() };
        let err = chart_png(&chart).unwrap_err().to_string();
        assert!(err.contains("broken"), "{err}");
    }
}
