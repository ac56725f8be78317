//! The workshop page: one HTML document with its CSS inlined and its script served from this
//! server (`/app.js`), both compiled into the binary (no external assets, fonts or CDNs). The
//! content security policy lets the page talk only to this server and run only that script, so
//! nothing inserted into the page (scenario names, the report's SVG) can run code.
//! Reads the files under `page/` at compile time; writes HTTP responses.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

const HTML: &str = include_str!("page/index.html");
const CSS: &str = include_str!("page/style.css");
const JS: &str = include_str!("page/app.js");

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

/// `GET /app.js`.
pub async fn script() -> Response {
    with_headers(JS, "text/javascript; charset=utf-8")
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
        assert!(!JS.contains("http://") && !JS.contains("https://"), "the script fetches only this server");
    }
}
