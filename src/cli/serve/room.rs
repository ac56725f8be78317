//! Room mode of `votelab serve`: the room code participants type once, the facilitator's key,
//! the addresses of this machine participants can use, the join link as a QR code (text for the
//! terminal, SVG for the facilitator page), and which `Host` names the server answers to.
//!
//! Reads the machine's network interfaces and host name, and the room file of the state folder
//! (`room.json`, so a restarted server keeps its code); writes that file. Secrets come from the
//! operating system's random source (through `rand`'s thread generator), never from the
//! simulation's seeded streams.

use qrcode::QrCode;
use qrcode::render::{svg, unicode};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::Path;

/// Letters of a room code: no 0/O, 1/I/L, so a code read from a projector is typed right.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters of a room code (31^6 ≈ 9 × 10^8 codes: a room's network cannot try them all).
const CODE_LENGTH: usize = 6;
/// The room file in the state folder.
const ROOM_FILE: &str = "room.json";

/// A room: the code participants need and the key of the facilitator's page and downloads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    /// What participants type (or scan) once.
    pub code: String,
    /// The facilitator's key (the facilitator page's link carries it); also admits as the code.
    pub facilitator_key: String,
}

impl Room {
    /// The room of a state folder: the one saved there, with `code` replacing its code if given;
    /// a new one otherwise. Saved back, so a restarted server keeps the same code and key.
    pub fn open(state: &Path, code: Option<&str>) -> std::io::Result<Room> {
        let path = state.join(ROOM_FILE);
        let saved: Option<Room> = std::fs::read_to_string(&path).ok().and_then(|t| serde_json::from_str(&t).ok());
        let mut room = saved.unwrap_or_else(|| Room { code: new_code(), facilitator_key: new_secret() });
        if let Some(code) = code {
            room.code = normalise_code(code);
        }
        let text = serde_json::to_string_pretty(&room).map_err(std::io::Error::other)?;
        std::fs::write(&path, text + "\n")?;
        Ok(room)
    }

    /// Whether `given` (as a participant typed it) is this room's code or the facilitator's key.
    pub fn admits(&self, given: &str) -> bool {
        same(&normalise_code(given), &self.code) || self.is_facilitator(given)
    }

    /// Whether `given` is the facilitator's key.
    pub fn is_facilitator(&self, given: &str) -> bool {
        same(given.trim(), &self.facilitator_key)
    }
}

/// A room code as compared: upper case, without spaces or dashes (people add them).
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Equal strings, compared in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new room code.
pub fn new_code() -> String {
    (0..CODE_LENGTH).map(|_| CODE_ALPHABET[rand::random_range(0..CODE_ALPHABET.len())] as char).collect()
}

/// A new unguessable secret: 128 random bits as 32 hex digits.
pub fn new_secret() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// The addresses participants can use to reach this machine: every interface that is up, IPv4
/// first, the loopback last (useful only on this machine), link-local IPv6 left out (it needs an
/// interface name in the URL that browsers do not take).
pub fn addresses() -> Vec<IpAddr> {
    let mut found: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| match ip {
            IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80,
            IpAddr::V4(_) => true,
        })
        .collect();
    found.sort_by_key(|ip| (ip.is_loopback(), ip.is_ipv6(), *ip));
    found.dedup();
    found
}

/// This machine's host name, if it can be read.
pub fn host_name() -> Option<String> {
    let from_file = std::fs::read_to_string("/proc/sys/kernel/hostname").ok();
    let name = from_file.or_else(|| std::env::var("HOSTNAME").ok()).or_else(|| std::env::var("COMPUTERNAME").ok())?;
    let name = name.trim().to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

/// The URL of `host` (an address or a name) and `port`, with brackets around an IPv6 address.
pub fn url_of(host: &str, port: u16) -> String {
    if host.contains(':') { format!("http://[{host}]:{port}/") } else { format!("http://{host}:{port}/") }
}

/// The join link: the page's URL with the room code in its fragment (the page keeps it and
/// removes it from the address bar; a fragment is never sent to the server or in a `Referer`).
pub fn join_link(base_url: &str, code: &str) -> String {
    format!("{base_url}#room={code}")
}

/// Which `Host` names a room server answers: IP addresses (a DNS-rebinding page cannot use
/// them), `localhost`, this machine's host name and names under it (`host.local`, `host.lan`),
/// and the names given with `--host`.
#[derive(Clone, Debug, Default)]
pub struct HostNames {
    /// This machine's name, lower case.
    pub machine: Option<String>,
    /// Names given on the command line, lower case.
    pub extra: Vec<String>,
}

impl HostNames {
    /// Whether requests addressed to `host` (without port) are answered.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok() {
            return true;
        }
        let under = |name: &str| host == name || host.strip_prefix(name).is_some_and(|rest| rest.starts_with('.'));
        self.machine.as_deref().is_some_and(under) || self.extra.iter().any(|n| under(n))
    }
}

/// The join link as a QR code in text (two modules per character), for the terminal. Light
/// modules are drawn, as terminals are dark; phone cameras read either way round.
pub fn qr_text(link: &str) -> Option<String> {
    let code = QrCode::new(link.as_bytes()).ok()?;
    Some(
        code.render::<unicode::Dense1x2>()
            .dark_color(unicode::Dense1x2::Light)
            .light_color(unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

/// The join link as a QR code in SVG, for the facilitator page.
pub fn qr_svg(link: &str) -> Option<String> {
    let code = QrCode::new(link.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(320, 320)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_unambiguous_and_compared_loosely() {
        let code = new_code();
        assert_eq!(code.len(), CODE_LENGTH);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{code}");
        let room = Room { code: "ABC234".into(), facilitator_key: "f".repeat(32) };
        assert!(room.admits("abc-234") && room.admits(" ABC 234 ") && room.admits(&"f".repeat(32)));
        assert!(!room.admits("ABC235") && !room.admits("") && !room.is_facilitator("ABC234"));
        assert_ne!(new_secret(), new_secret());
        assert_eq!(new_secret().len(), 32);
    }

    #[test]
    fn a_room_keeps_its_code_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let first = Room::open(dir.path(), None).unwrap();
        assert_eq!(Room::open(dir.path(), None).unwrap(), first);
        let set = Room::open(dir.path(), Some("xyz-789")).unwrap();
        assert_eq!((set.code.as_str(), &set.facilitator_key), ("XYZ789", &first.facilitator_key));
    }

    #[test]
    fn host_names_of_this_machine_and_addresses_are_answered() {
        let names = HostNames { machine: Some("lab-pc".into()), extra: vec!["votes.school.example".into()] };
        for ok in ["localhost", "192.168.1.20", "::1", "lab-pc", "LAB-PC.local", "lab-pc.lan.", "votes.school.example"]
        {
            assert!(names.allows(ok), "{ok}");
        }
        for refused in ["evil.example", "lab-pcx", "x.lab-pc", "school.example"] {
            assert!(!names.allows(refused), "{refused}");
        }
    }

    #[test]
    fn the_join_link_becomes_a_qr_code() {
        let link = join_link(&url_of("192.168.1.20", 8080), "ABC234");
        assert_eq!(link, "http://192.168.1.20:8080/#room=ABC234");
        assert_eq!(url_of("fe80::1", 80), "http://[fe80::1]:80/");
        let text = qr_text(&link).unwrap();
        assert!(text.lines().count() > 10 && text.contains('█'), "{text}");
        assert!(qr_svg(&link).unwrap().contains("<svg"));
    }
}
