//! The embeddable widget's contract: its URL options and the messages it exchanges with the host page.
//!
//! `embed.js` (served by the app) frames `/embed?…` on a hosting provider's page. The widget tells the
//! host page its height and verdict; the host page may ask it to check a domain. Both directions carry
//! plain objects with a `type` field; each side checks the sender's origin and the object's shape and
//! ignores anything else. The shapes live here as serde types so that the wasm side reads and writes them
//! with serde-wasm-bindgen and the contract is unit-tested natively.

use serde::{Deserialize, Serialize};

/// The widget's colour scheme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    /// The visitor's system setting (`prefers-color-scheme`).
    #[default]
    Auto,
}

impl Theme {
    pub fn parse(text: &str) -> Theme {
        match text.trim().to_ascii_lowercase().as_str() {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }

    /// The value of the root element's `data-theme` attribute (`None`: follow the system).
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
            Theme::Auto => None,
        }
    }
}

/// An sRGB colour from the host page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accent {
    pub rgb: [u8; 3],
}

impl Accent {
    /// `#rgb` or `#rrggbb` only: the value ends up in a CSS custom property, so nothing else (names,
    /// functions, `;`) is accepted.
    pub fn parse(text: &str) -> Option<Accent> {
        let hex = text.trim().strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok();
        let rgb = match hex.len() {
            3 => [digit(0)? * 17, digit(1)? * 17, digit(2)? * 17],
            6 => [
                u8::from_str_radix(&hex[0..2], 16).ok()?,
                u8::from_str_radix(&hex[2..4], 16).ok()?,
                u8::from_str_radix(&hex[4..6], 16).ok()?,
            ],
            _ => return None,
        };
        Some(Accent { rgb })
    }

    pub fn css(self) -> String {
        let [r, g, b] = self.rgb;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// WCAG 2.x relative luminance.
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        let [r, g, b] = self.rgb;
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// Black or white, whichever contrasts more with the accent: button text stays readable whatever
    /// colour the host page picks.
    pub fn foreground(self) -> &'static str {
        let l = self.luminance();
        // Contrast with black: (l + 0.05) / 0.05; with white: 1.05 / (l + 0.05).
        if (l + 0.05) * (l + 0.05) > 0.05 * 1.05 { "#000000" } else { "#ffffff" }
    }
}

/// `scheme://host[:port]` with scheme `http` or `https` and nothing after it: the only form a
/// `postMessage` target origin and `MessageEvent.origin` take.
pub fn parse_origin(text: &str) -> Option<String> {
    let text = text.trim();
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    ok.then(|| text.to_ascii_lowercase())
}

/// What the widget page was asked to show, from its URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmbedOptions {
    /// The domain to check as soon as the widget loads.
    pub domain: Option<String>,
    /// The host page fixed the domain: no input field, and check requests from the host are ignored.
    pub locked: bool,
    pub theme: Theme,
    pub accent: Option<Accent>,
    /// The host page's origin, given by `embed.js`: the only origin messages are sent to and accepted from.
    pub parent: Option<String>,
}

impl EmbedOptions {
    /// Reads `domain`, `lock`, `theme`, `accent` and `parent` from the query's pairs; anything malformed
    /// falls back to the default rather than failing the widget.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> EmbedOptions {
        let mut options = EmbedOptions::default();
        for (key, value) in pairs {
            match key {
                "domain" if !value.trim().is_empty() => options.domain = Some(value.trim().to_owned()),
                "lock" => options.locked = matches!(value, "" | "1" | "true" | "yes"),
                "theme" => options.theme = Theme::parse(value),
                "accent" => options.accent = Accent::parse(value),
                "parent" => options.parent = parse_origin(value),
                _ => {}
            }
        }
        // A locked widget without a domain would be an empty box: show the input instead.
        options.locked &= options.domain.is_some();
        options
    }
}

/// Messages the widget posts to the host page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum WidgetMessage {
    /// The widget's content height in CSS pixels: `embed.js` sizes the iframe to it.
    #[serde(rename = "mta-sts:resize")]
    Resize { height: u32 },
    /// A check finished; `embed.js` re-dispatches it as an `mta-sts:result` DOM event on the container.
    #[serde(rename = "mta-sts:result")]
    Result { domain: String, verdict: String, valid: bool },
}

/// Messages the widget accepts from the host page (its `parent` origin only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum HostMessage {
    /// Check this domain (ignored by a locked widget).
    #[serde(rename = "mta-sts:check")]
    Check { domain: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_are_hex_colours_only() {
        assert_eq!(Accent::parse("#0b57d0").map(Accent::css).as_deref(), Some("#0b57d0"));
        assert_eq!(Accent::parse(" #FA0 ").map(Accent::css).as_deref(), Some("#ffaa00"));
        for bad in ["", "red", "#12", "#12345", "#1234567", "#gggggg", "0b57d0", "#fff;color:red", "#+1+2+3"] {
            assert_eq!(Accent::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn accent_text_is_black_or_white_by_contrast() {
        assert_eq!(Accent::parse("#ffff00").unwrap().foreground(), "#000000");
        assert_eq!(Accent::parse("#0b57d0").unwrap().foreground(), "#ffffff");
        assert_eq!(Accent::parse("#000000").unwrap().foreground(), "#ffffff");
        assert_eq!(Accent::parse("#ffffff").unwrap().foreground(), "#000000");
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(parse_origin("https://help.example.net").as_deref(), Some("https://help.example.net"));
        assert_eq!(parse_origin("http://127.0.0.1:8080").as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(parse_origin("http://[::1]:8080").as_deref(), Some("http://[::1]:8080"));
        for bad in ["", "null", "*", "https://", "https://a.example/", "javascript:alert(1)", "https://a@b", "ftp://x"]
        {
            assert_eq!(parse_origin(bad), None, "{bad}");
        }
    }

    #[test]
    fn options_come_from_the_query() {
        let options = EmbedOptions::from_pairs([
            ("domain", "example.com"),
            ("lock", "1"),
            ("theme", "dark"),
            ("accent", "#123456"),
            ("parent", "https://help.example.net"),
        ]);
        assert_eq!(options.domain.as_deref(), Some("example.com"));
        assert!(options.locked);
        assert_eq!(options.theme, Theme::Dark);
        assert_eq!(options.accent, Accent::parse("#123456"));
        assert_eq!(options.parent.as_deref(), Some("https://help.example.net"));

        let loose = EmbedOptions::from_pairs([("lock", "1"), ("theme", "neon"), ("accent", "url(x)"), ("parent", "*")]);
        assert_eq!(loose, EmbedOptions::default(), "a lock without a domain, bad theme/accent/parent fall back");
    }

    #[test]
    fn messages_have_a_fixed_shape() {
        let resize = serde_json::to_value(WidgetMessage::Resize { height: 240 }).unwrap();
        assert_eq!(resize, serde_json::json!({"type": "mta-sts:resize", "height": 240}));
        let check: HostMessage =
            serde_json::from_value(serde_json::json!({"type": "mta-sts:check", "domain": "example.com"})).unwrap();
        assert_eq!(check, HostMessage::Check { domain: "example.com".into() });
        for bad in [
            serde_json::json!({"type": "mta-sts:check"}),
            serde_json::json!({"type": "mta-sts:check", "domain": 42}),
            serde_json::json!({"type": "mta-sts:check", "domain": "example.com", "extra": true}),
            serde_json::json!({"type": "check", "domain": "example.com"}),
            serde_json::json!("mta-sts:check"),
        ] {
            assert!(serde_json::from_value::<HostMessage>(bad.clone()).is_err(), "{bad}");
        }
    }
}
