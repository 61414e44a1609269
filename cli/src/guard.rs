//! The SSRF guard: the native fetcher connects to a policy host only at a publicly routable address.
//!
//! A checker that fetches `https://mta-sts.<anything>/` for whoever asks is a way into the network it
//! runs in (`mta-sts serve` on a provider's LAN, `check` on a laptop). The guard refuses every address
//! of the IANA special-purpose registries (RFC 6890 and its updates) and every IPv6 form that embeds an
//! IPv4 address, and the fetcher then connects to exactly the address it checked: there is no second
//! resolution that DNS rebinding could answer differently.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused, for the evidence panel; `None` when it is public.
pub(crate) fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => refusal_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(ip: Ipv6Addr, net: [u16; 8], prefix: u32) -> bool {
    let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) };
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(net)) & mask
}

/// <https://www.iana.org/assignments/iana-ipv4-special-registry>
const V4_RANGES: &[([u8; 4], u32, &str)] = &[
    ([0, 0, 0, 0], 8, "\"this network\" 0.0.0.0/8 (RFC 791)"),
    ([10, 0, 0, 0], 8, "private 10.0.0.0/8 (RFC 1918)"),
    ([100, 64, 0, 0], 10, "shared CGNAT space 100.64.0.0/10 (RFC 6598)"),
    ([127, 0, 0, 0], 8, "loopback 127.0.0.0/8 (RFC 1122)"),
    ([169, 254, 0, 0], 16, "link-local 169.254.0.0/16 (RFC 3927)"),
    ([172, 16, 0, 0], 12, "private 172.16.0.0/12 (RFC 1918)"),
    ([192, 0, 0, 0], 24, "IETF protocol assignments 192.0.0.0/24 (RFC 6890)"),
    ([192, 0, 2, 0], 24, "documentation 192.0.2.0/24 (RFC 5737)"),
    ([192, 31, 196, 0], 24, "AS112 192.31.196.0/24 (RFC 7535)"),
    ([192, 52, 193, 0], 24, "AMT 192.52.193.0/24 (RFC 7450)"),
    ([192, 88, 99, 0], 24, "6to4 relay anycast 192.88.99.0/24 (RFC 7526)"),
    ([192, 168, 0, 0], 16, "private 192.168.0.0/16 (RFC 1918)"),
    ([192, 175, 48, 0], 24, "direct delegation AS112 192.175.48.0/24 (RFC 7534)"),
    ([198, 18, 0, 0], 15, "benchmarking 198.18.0.0/15 (RFC 2544)"),
    ([198, 51, 100, 0], 24, "documentation 198.51.100.0/24 (RFC 5737)"),
    ([203, 0, 113, 0], 24, "documentation 203.0.113.0/24 (RFC 5737)"),
    ([224, 0, 0, 0], 4, "multicast 224.0.0.0/4 (RFC 5771)"),
    ([240, 0, 0, 0], 4, "reserved 240.0.0.0/4 and broadcast (RFC 1112, RFC 919)"),
];

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    V4_RANGES.iter().find(|(net, prefix, _)| in_v4(ip, *net, *prefix)).map(|(_, _, why)| *why)
}

/// <https://www.iana.org/assignments/iana-ipv6-special-registry>; forms that carry an IPv4 address
/// are refused outright, whatever that address is, since the path they take is not the one checked.
const V6_RANGES: &[([u16; 8], u32, &str)] = &[
    ([0, 0, 0, 0, 0, 0xffff, 0, 0], 96, "IPv4-mapped ::ffff:0:0/96 (RFC 4291)"),
    ([0, 0, 0, 0, 0xffff, 0, 0, 0], 96, "IPv4-translated ::ffff:0:0:0/96 (RFC 2765)"),
    ([0, 0, 0, 0, 0, 0, 0, 0], 96, "unspecified, loopback or IPv4-compatible ::/96 (RFC 4291)"),
    ([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96, "NAT64 64:ff9b::/96 (RFC 6052)"),
    ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, "local-use NAT64 64:ff9b:1::/48 (RFC 8215)"),
    ([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "discard-only 100::/64 (RFC 6666)"),
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 32, "Teredo 2001::/32 (RFC 4380)"),
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, "IETF protocol assignments 2001::/23 (RFC 2928)"),
    ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, "documentation 2001:db8::/32 (RFC 3849)"),
    ([0x2002, 0, 0, 0, 0, 0, 0, 0], 16, "6to4 2002::/16 (RFC 3056)"),
    ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, "documentation 3fff::/20 (RFC 9637)"),
    ([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16, "SRv6 SIDs 5f00::/16 (RFC 9602)"),
    ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, "unique local fc00::/7 (RFC 4193)"),
    ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "link-local fe80::/10 (RFC 4291)"),
    ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, "site-local fec0::/10 (RFC 3879)"),
    ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "multicast ff00::/8 (RFC 4291)"),
];

fn refusal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some((_, _, why)) = V6_RANGES.iter().find(|(net, prefix, _)| in_v6(ip, *net, *prefix)) {
        return Some(why);
    }
    // RFC 4291 §2.4: only 2000::/3 is global unicast today; anything else is unassigned or special.
    if !in_v6(ip, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3) {
        return Some("outside global unicast 2000::/3 (RFC 4291)");
    }
    None
}

/// An address as people and old resolvers write it: IPv6, or IPv4 in any `inet_aton` spelling
/// (`127.0.0.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`), so that a pinned address
/// cannot slip past the guard by being spelled unusually.
pub(crate) fn parse_address(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    if text.contains(':') {
        return text.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    parse_inet_aton(text).map(IpAddr::V4)
}

/// `inet_aton(3)`: one to four parts, each decimal, octal (leading 0) or hex (0x); the last part fills
/// the remaining bytes.
fn parse_inet_aton(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, radix) = if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (*part, 10)
        };
        if digits.is_empty() && radix != 16 {
            return None;
        }
        let value = if digits.is_empty() { 0 } else { u64::from_str_radix(digits, radix).ok()? };
        values.push(value);
    }
    let (last, leading) = values.split_last()?;
    if leading.iter().any(|&v| v > 255) {
        return None;
    }
    let rest_bits = 8 * (4 - leading.len() as u32);
    if rest_bits < 64 && *last >= 1u64 << rest_bits {
        return None;
    }
    let mut address: u64 = 0;
    for (i, &v) in leading.iter().enumerate() {
        address |= v << (24 - 8 * i as u32);
    }
    address |= last;
    u32::try_from(address).ok().map(Ipv4Addr::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inet_aton_spellings() {
        for (text, expected) in [
            ("127.0.0.1", Some("127.0.0.1")),
            ("2130706433", Some("127.0.0.1")),
            ("0x7f000001", Some("127.0.0.1")),
            ("0177.0.0.1", Some("127.0.0.1")),
            ("0177.0.0.01", Some("127.0.0.1")),
            ("127.1", Some("127.0.0.1")),
            ("0x7f.1", Some("127.0.0.1")),
            ("10.0x10.1", Some("10.16.0.1")),
            ("192.168.257", Some("192.168.1.1")),
            ("256.0.0.1", None),
            ("1.2.3.4.5", None),
            ("08.0.0.1", None),
            ("", None),
            ("4294967296", None),
        ] {
            assert_eq!(parse_inet_aton(text).map(|a| a.to_string()).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for text in ["93.184.216.34", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"] {
            assert_eq!(refusal(text.parse().unwrap()), None, "{text}");
        }
    }
}
