//! The workshop page: one HTML document with its CSS and JavaScript inlined, compiled into the
//! binary (no external assets, fonts or CDNs; the content security policy forbids fetching any).
//! Reads the files under `page/` at compile time; writes the HTTP response.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

const HTML: &str = include_str!("page/index.html");
const CSS: &str = include_str!("page/style.css");
const JS: &str = include_str!("page/app.js");

/// Only this server's own API may be contacted, and only inline styles and scripts run.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'";

/// The page with its style and script inlined.
pub fn html() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| HTML.replacen("/*STYLE*/", CSS, 1).replacen("/*SCRIPT*/", JS, 1))
}

/// `GET /`.
pub async fn index() -> Response {
    let mut response = html().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_self_contained() {
        let page = html();
        assert!(!page.contains("/*STYLE*/") && !page.contains("/*SCRIPT*/"));
        for external in ["src=\"http", "href=\"http", "url(http", "@import", "src=\"//", "href=\"//"] {
            assert!(!page.contains(external), "the page refers to an external asset: {external}");
        }
    }
}
