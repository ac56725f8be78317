//! Who may ask what of `votelab serve`: the same-origin and `Host` checks every request passes,
//! and in room mode the room code (without it the API runs, shows and cancels nothing), the
//! facilitator's key, and the participant's secret that makes a job theirs to cancel.
//!
//! Reads request headers (and, for links a browser follows, the `room` and `key` query
//! parameters); writes the request's [`Access`] for the handlers, or a 401/403 answer.

use super::api::AppState;
use super::errors::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Header carrying the room code.
pub const ROOM_HEADER: &str = "x-votelab-room";
/// Header carrying the facilitator's key.
pub const FACILITATOR_HEADER: &str = "x-votelab-facilitator";
/// Header carrying a participant's secret (the page makes one and keeps it).
pub const PARTICIPANT_HEADER: &str = "x-votelab-participant";
/// Longest participant secret accepted.
const MAX_SECRET: usize = 128;

/// What a request may do, as the guard found it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// The facilitator (the key was given; outside room mode, everyone on this machine).
    pub facilitator: bool,
    /// The participant's secret, if one was sent.
    pub participant: Option<String>,
}

impl Access {
    /// Whether this request may cancel a job submitted with secret `owner`.
    pub fn may_cancel(&self, owner: &str) -> bool {
        self.facilitator || self.participant.as_deref().is_some_and(|p| !owner.is_empty() && p == owner)
    }
}

/// Refuse requests from other sites: a page elsewhere must not start jobs here (cross-site POST),
/// nor reach this server through a DNS name that points at it (DNS rebinding). In room mode,
/// require the room code on the API, except `GET /api/room`, which says whether one is needed.
pub async fn guard(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let name = host_name(host);
    if state.loopback_only && !is_loopback_name(name) {
        return ApiError::new(StatusCode::FORBIDDEN, format!("this server answers only to localhost, not to `{host}`"))
            .into_response();
    }
    if let Some(names) = &state.host_names
        && !names.allows(name)
    {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            format!("this server does not answer to `{name}`; use its address, or start it with `--host {name}`"),
        )
        .into_response();
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD)
        && let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok())
        && origin.split_once("://").map(|(_, rest)| rest) != Some(host)
    {
        return ApiError::new(StatusCode::FORBIDDEN, format!("requests from {origin} are not accepted"))
            .into_response();
    }
    let query = request.uri().query().unwrap_or("");
    let code = given(headers, ROOM_HEADER, query, "room");
    let key = given(headers, FACILITATOR_HEADER, query, "key");
    let participant = headers
        .get(PARTICIPANT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|p| !p.is_empty() && p.len() <= MAX_SECRET)
        .map(str::to_string);
    let access = match &state.room {
        None => Access { facilitator: true, participant },
        Some(room) => {
            let facilitator = key.as_deref().is_some_and(|k| room.is_facilitator(k));
            let path = request.uri().path();
            if path.starts_with("/api/") && path != "/api/room" && !facilitator {
                match code.as_deref() {
                    None | Some("") => {
                        return ApiError::new(
                            StatusCode::UNAUTHORIZED,
                            "this workshop room needs its room code: ask the facilitator (the page asks for it once)",
                        )
                        .into_response();
                    }
                    Some(c) if !room.admits(c) => {
                        return ApiError::new(
                            StatusCode::FORBIDDEN,
                            "that is not this room's code: check it with the facilitator and enter it again",
                        )
                        .into_response();
                    }
                    Some(_) => {}
                }
            }
            Access { facilitator, participant }
        }
    };
    request.extensions_mut().insert(access);
    next.run(request).await
}

/// A credential from its header, else from a query parameter (for links a browser follows).
fn given(headers: &HeaderMap, header: &str, query: &str, parameter: &str) -> Option<String> {
    if let Some(v) = headers.get(header).and_then(|v| v.to_str().ok()) {
        return Some(v.trim().to_string());
    }
    query.split('&').find_map(|pair| pair.strip_prefix(parameter)?.strip_prefix('=')).map(|v| v.trim().to_string())
}

/// The host of a `Host` header, without the port (`[::1]:8080` → `::1`).
pub fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

fn is_loopback_name(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_drop_the_port() {
        assert_eq!(host_name("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_name("[::1]:8080"), "::1");
        assert_eq!(host_name("localhost"), "localhost");
        assert!(is_loopback_name("localhost") && is_loopback_name("::1") && is_loopback_name("127.0.0.2"));
        assert!(!is_loopback_name("evil.example") && !is_loopback_name("192.168.1.2"));
    }

    #[test]
    fn credentials_come_from_headers_or_links() {
        let mut headers = HeaderMap::new();
        assert_eq!(given(&headers, ROOM_HEADER, "x=1&room=ABC234", "room").as_deref(), Some("ABC234"));
        assert_eq!(given(&headers, ROOM_HEADER, "roomy=1", "room"), None);
        headers.insert(ROOM_HEADER, "XYZ789".parse().unwrap());
        assert_eq!(given(&headers, ROOM_HEADER, "room=ABC234", "room").as_deref(), Some("XYZ789"));
    }

    #[test]
    fn only_the_owner_or_the_facilitator_cancels() {
        let alice = Access { facilitator: false, participant: Some("a-secret".into()) };
        assert!(alice.may_cancel("a-secret"));
        assert!(!alice.may_cancel("b-secret") && !alice.may_cancel(""));
        assert!(!Access::default().may_cancel("a-secret"));
        assert!(Access { facilitator: true, participant: None }.may_cancel("b-secret"));
    }
}
