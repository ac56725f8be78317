//! The workshop pages: the workshop page and the gallery, each one HTML document with its CSS
//! inlined and its scripts served from this server (`/app.js`, `/gallery.js`, and `/room.js`
//! shared by both), all compiled into the binary (no external assets, fonts or CDNs); and the
//! facilitator's page, built on the server without script. The content security policy lets the
//! pages talk only to this server and run only those scripts, so nothing inserted into a page
//! (scenario names, participants' names, the report's SVG) can run code.
//! Reads the files under `page/` at compile time; writes HTTP responses.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

const HTML: &str = include_str!("page/index.html");
const CSS: &str = include_str!("page/style.css");
const JS: &str = include_str!("page/app.js");
const ROOM_JS: &str = include_str!("page/room.js");
const GALLERY_HTML: &str = include_str!("page/gallery.html");
const GALLERY_JS: &str = include_str!("page/gallery.js");

/// Only this server's own API may be contacted, and only its own script runs (no inline script,
/// no event-handler attributes, no `javascript:` URLs).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; \
                   frame-ancestors 'none'";

/// The page with its style inlined.
pub fn html() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| HTML.replacen("/*STYLE*/", CSS, 1))
}

fn with_headers(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// `GET /`.
pub async fn index() -> Response {
    with_headers(html(), "text/html; charset=utf-8")
}

/// Text made safe to put in HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The facilitator's page: the room code in large letters, the join links with the first one as
/// a QR code, and links to the gallery and to the download of every run. Built on the server
/// (no script), styled like the workshop page.
pub fn facilitator(code: Option<&str>, key: Option<&str>, links: &[String]) -> Response {
    let with_key = |path: &str| match key {
        Some(k) => format!("{path}?key={}", escape(k)),
        None => path.to_string(),
    };
    let qr = links.first().and_then(|l| super::room::qr_svg(l)).unwrap_or_default();
    let items: String =
        links.iter().map(|l| format!("<li><a href=\"{0}\"><code>{0}</code></a></li>", escape(l))).collect();
    let code_html = match code {
        Some(c) => format!("<p class=\"room-code\">Room code: <strong id=\"room-code\">{}</strong></p>", escape(c)),
        None => "<p class=\"hint\">This server is not a room (start it with <code>--room</code>): no code is needed, and only this machine can reach it unless it was started with <code>--bind</code>.</p>".into(),
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>votelab workshop: facilitator</title>\n<style>{CSS}</style>\n</head>\n\
         <body data-page=\"facilitator\">\n<header class=\"top\"><h1>votelab <span>facilitator</span></h1>\n\
         <p>Show this page on the projector: participants scan the code or type one of the addresses, then the room code.</p></header>\n\
         <main class=\"facilitator\">\n<section class=\"card\">{code_html}\n<div class=\"qr\">{qr}</div>\n\
         <h2>Join at</h2>\n<ul class=\"join-links\">{items}</ul></section>\n\
         <section class=\"card\"><h2>The room's runs</h2>\n<p><a href=\"{gallery}\">Open the gallery</a> (every run, sortable, side by side)</p>\n\
         <p><a href=\"{archive}\" download>Download every run</a> (a zip of the results folders and one CSV of headline differences)</p>\n\
         <p class=\"hint\">Keep this page's address to yourself: it carries the facilitator's key, which can cancel anyone's job.</p></section>\n\
         </main>\n</body>\n</html>\n",
        gallery = with_key("/gallery"),
        archive = with_key("/api/room/archive.zip"),
    );
    let mut response = html.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// `GET /app.js`.
pub async fn script() -> Response {
    with_headers(JS, "text/javascript; charset=utf-8")
}

/// The gallery page with its style inlined.
fn gallery_html() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| GALLERY_HTML.replacen("/*STYLE*/", CSS, 1))
}

/// `GET /gallery`.
pub async fn gallery() -> Response {
    with_headers(gallery_html(), "text/html; charset=utf-8")
}

/// `GET /gallery.js`.
pub async fn gallery_script() -> Response {
    with_headers(GALLERY_JS, "text/javascript; charset=utf-8")
}

/// `GET /room.js`: the room code, name and participant secret, shared by the pages.
pub async fn room_script() -> Response {
    with_headers(ROOM_JS, "text/javascript; charset=utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_self_contained() {
        let page = html();
        assert!(!page.contains("/*STYLE*/"));
        assert!(page.contains("<script src=\"/app.js\"></script>"));
        for external in ["src=\"http", "href=\"http", "url(http", "@import", "src=\"//", "href=\"//"] {
            assert!(!page.contains(external), "the page refers to an external asset: {external}");
        }
        assert!(
            gallery_html().contains("<script src=\"/gallery.js\"></script>") && !gallery_html().contains("/*STYLE*/")
        );
        for script in [JS, ROOM_JS, GALLERY_JS] {
            assert!(!script.contains("http://") && !script.contains("https://"), "the scripts fetch only this server");
        }
    }
}
