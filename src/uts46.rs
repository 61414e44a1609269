//! UTS #46 ToASCII, the one Unicode operation on domain names the core needs, behind one function so a
//! shell can lend its platform's own implementation instead of linking Unicode tables.
//!
//! The operation is the one the `idna` crate's `domain_to_ascii` and the WHATWG URL Standard's "domain to
//! ASCII" perform (UTS #46 §4: nontransitional processing, `CheckBidi`, `CheckJoiners`; no
//! `UseSTD3ASCIIRules`, no `CheckHyphens`, no DNS length check): the stricter rules of RFC 5891 and
//! RFC 1035 are checked by the callers on the ASCII result, the same way whichever back end ran.
//!
//! Two back ends:
//! * with the `uts46` feature (on by default), the `idna` crate with ICU4X's compiled data;
//! * without it, the function a shell registers with [`set_backend`]. A browser already carries a
//!   UTS #46 implementation (its URL parser), and the tables cost a page about 55 KB of its wasm,
//!   gzipped. [`Checked`] wraps a registered back end so that it only ever sees what every URL parser
//!   converts the same way: Unicode text with no ASCII but letters, digits, hyphens and dots, and never an
//!   A-label, which the core decodes and verifies itself. The two back ends differ only on names that no
//!   caller accepts (RFC 5891 §4.2.3.1, RFC 5321 §4.1.2): Unicode mixed with other ASCII characters, or
//!   mapped to them (`％` to `%`, U+2000 to a space), and an A-label whose U-label starts with `xn--` again.
//!   There a registered back end refuses the name, where the built-in one converts it and the caller then
//!   refuses the character.

use std::sync::OnceLock;

/// A shell's UTS #46 ToASCII, as described in the module documentation: `None` when the input is not a
/// valid domain name under it.
pub type Backend = fn(&str) -> Option<String>;

/// Why [`to_ascii`] has no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// UTS #46 refuses the name (a disallowed character, a bad A-label, a bidi or joiner rule).
    Invalid,
    /// This build has no UTS #46 back end: neither the `uts46` feature nor a registered one. Only names
    /// without non-ASCII characters or A-labels can be read.
    NoBackend,
}

static BACKEND: OnceLock<Backend> = OnceLock::new();

/// Lends the core a UTS #46 ToASCII for builds without the `uts46` feature; the first registration wins.
/// With the feature, the built-in back end is used and this one is ignored.
pub fn set_backend(backend: Backend) {
    let _ = BACKEND.set(backend);
}

/// UTS #46 ToASCII of `domain`, as the module documentation describes.
pub fn to_ascii(domain: &str) -> Result<String, Error> {
    #[cfg(feature = "uts46")]
    {
        idna::domain_to_ascii(domain).map_err(|_| Error::Invalid)
    }
    #[cfg(not(feature = "uts46"))]
    {
        Checked(BACKEND.get().copied()).to_ascii(domain)
    }
}

/// The domain with every A-label decoded to its U-label, for display. A label that does not decode is
/// shown as it is: this is not a validity check, which [`to_ascii`] is.
pub fn to_unicode(ascii: &str) -> String {
    let mut unicode = String::with_capacity(ascii.len());
    for (i, label) in ascii.split('.').enumerate() {
        if i > 0 {
            unicode.push('.');
        }
        match decode_a_label(label) {
            Some(decoded) => unicode.push_str(&decoded),
            None => unicode.push_str(label),
        }
    }
    unicode
}

/// The U-label an A-label (`xn--`, any case) encodes, if its Punycode (RFC 3492) decodes to something
/// other than plain ASCII. The U-label may still be invalid: [`to_ascii`] decides that.
fn decode_a_label(label: &str) -> Option<String> {
    let punycode = label.get(..4).filter(|prefix| prefix.eq_ignore_ascii_case("xn--")).map(|_| &label[4..])?;
    let decoded = idna::punycode::decode_to_string(&punycode.to_ascii_lowercase())?;
    // UTS #46 §4.1 step 4: an A-label that decodes to nothing or to ASCII only is an error.
    (!decoded.is_ascii()).then_some(decoded)
}

/// An ASCII character other than a letter, digit, hyphen or dot. URL parsers treat many as syntax (WHATWG
/// URL "forbidden domain code point", `%`, which they decode first) and browsers differ on the rest (`*`,
/// `_`), where UTS #46 without STD3 rules passes them all through.
fn is_not_ldh(c: char) -> bool {
    c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// A registered back end (or none), used so that it gives what the built-in one gives.
#[derive(Clone, Copy)]
pub struct Checked(pub Option<Backend>);

impl Checked {
    /// UTS #46 ToASCII through the back end, which only sees Unicode text and letters, digits, hyphens, dots.
    /// The name is read label by label (UTS #46 §4 step 3 separates them at `.`, `。`, `．` and `｡`):
    /// * a plain ASCII label is only lower-cased (UTS #46 maps ASCII letters to lower case and leaves every
    ///   other ASCII character alone when STD3 rules are off);
    /// * an A-label is decoded here and stands for itself;
    /// * any other label is converted on its own;
    /// * a name mixing Unicode with other ASCII characters is refused: the callers refuse those characters
    ///   anyway (`<`, `=` and `>` before U+0338 are not such characters: NFC makes `≮`, `≠` and `≯` of them).
    ///
    /// Then the whole name, with each A-label decoded, is converted once more, which runs the bidi rule
    /// across the labels: the answer must be the labels' answers joined. That gives back each A-label
    /// unchanged exactly when its U-label is valid (UTS #46 §4.1 step 4: valid, NFC, no mapping changes it).
    pub fn to_ascii(self, domain: &str) -> Result<String, Error> {
        let composed;
        let domain = if domain.contains('\u{338}') {
            composed =
                domain.replace("<\u{338}", "\u{226E}").replace("=\u{338}", "\u{2260}").replace(">\u{338}", "\u{226F}");
            composed.as_str()
        } else {
            domain
        };
        let mut expected = String::with_capacity(domain.len());
        let mut unicode = String::with_capacity(domain.len());
        for (i, label) in domain.split(['.', '\u{3002}', '\u{FF0E}', '\u{FF61}']).enumerate() {
            if i > 0 {
                expected.push('.');
                unicode.push('.');
            }
            if label.is_ascii() && label.get(..4).is_some_and(|prefix| prefix.eq_ignore_ascii_case("xn--")) {
                unicode.push_str(&decode_a_label(label).ok_or(Error::Invalid)?);
                expected.push_str(&label.to_ascii_lowercase());
            } else if label.is_ascii() {
                unicode.push_str(label);
                expected.push_str(&label.to_ascii_lowercase());
            } else if label.contains(is_not_ldh) {
                return Err(Error::Invalid);
            } else {
                unicode.push_str(label);
                expected.push_str(&self.convert(label)?);
            }
        }
        if unicode.is_ascii() {
            return Ok(expected);
        }
        if unicode.contains(is_not_ldh) || self.convert(&unicode)? != expected {
            return Err(Error::Invalid);
        }
        Ok(expected)
    }

    /// The back end's answer, which must be letters, digits, hyphens and dots.
    fn convert(self, unicode: &str) -> Result<String, Error> {
        let backend = self.0.ok_or(Error::NoBackend)?;
        let ascii = backend(unicode).ok_or(Error::Invalid)?;
        if !ascii.is_ascii() || ascii.contains(is_not_ldh) {
            return Err(Error::Invalid);
        }
        Ok(ascii)
    }
}

#[cfg(all(test, feature = "uts46"))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The built-in back end as a registered one would be called.
    fn builtin(domain: &str) -> Option<String> {
        idna::domain_to_ascii(domain).ok()
    }

    /// Where a checked back end may differ from the built-in one: it refuses a name the built-in one
    /// converts, where the name or its conversion has an ASCII character other than a letter, digit, hyphen
    /// or dot, or an A-label nests another, all of which every caller refuses.
    fn agrees(name: &str) -> bool {
        let checked = Checked(Some(builtin)).to_ascii(name);
        let builtin = to_ascii(name);
        let refused_anyway = name.contains(is_not_ldh)
            || builtin.as_ref().is_ok_and(|ascii| ascii.contains(is_not_ldh))
            || name
                .split(['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'])
                .filter_map(decode_a_label)
                .any(|u| u.to_ascii_lowercase().starts_with("xn--"));
        checked == builtin || checked == Err(Error::Invalid) && refused_anyway
    }

    /// Inputs where a back end could go wrong: mappings, A-labels valid and not, bidi, joiners, dots.
    const CASES: &[&str] = &[
        "example.com",
        "EXAMPLE.com",
        "bücher.de",
        "BÜCHER.de",
        "xn--bcher-kva.de",
        "XN--BCHER-KVA.DE",
        "xn--bcher-kva.bücher.de",
        "xn--.de",
        "xn--abc.de",
        "xn--abc-.de",
        "xn--a-ecp.ru",
        "xn--Bcher-kva.de",
        "xn--bcher-kva.xn--bcher-kva",
        "münchen。de",
        "ｅｘａｍｐｌｅ．ｃｏｍ",
        "例え.テスト",
        "xn--r8jz45g.xn--zckzah",
        "ß.de",
        "xn--zca.de",
        "ﬀ.de",
        "\u{0301}a.de",
        "a\u{200D}b.de",
        "ا1.de",
        "1.اب",
        "xn--mgbh0fb.1abc",
        "שלום.com",
        "a⒈com",
        "x\u{00AD}y.de",
        "ü%.de",
        "ü:1.de",
        "ü_x.de",
        "ü*.de",
        "ü.123",
        "",
        ".",
        "ü..de",
        "ü.de.",
        "\u{FFFD}.de",
        "xn--ls8h.la",
        "💩.la",
        "ex％ample.com",
        "a\u{2000}b.de",
        "2C。XN--EEEEl.xn--br-kvkvEEEEEEEEEeEEE",
        "a⒈b.xn--bcher-kva.de",
        "example。com",
        "ü。xn--bcher-kva。de",
    ];

    #[test]
    fn a_checked_backend_agrees_with_the_builtin_one() {
        for case in CASES {
            assert!(
                agrees(case),
                "{case:?}: {:?}, built-in {:?}",
                Checked(Some(builtin)).to_ascii(case),
                to_ascii(case)
            );
        }
        // Both refused by Domain::parse, one after the other back end.
        assert_eq!(Checked(Some(builtin)).to_ascii("ex％ample.com"), Err(Error::Invalid));
        assert_eq!(to_ascii("ex％ample.com"), Ok("ex%ample.com".to_owned()));
        // NFC makes `≮` of `<` and U+0338, before any back end sees the text.
        assert_eq!(Checked(Some(builtin)).to_ascii("a<\u{338}.de"), to_ascii("a\u{226E}.de"));
    }

    #[test]
    fn without_a_backend_only_ascii_is_read() {
        assert_eq!(Checked(None).to_ascii("Example.COM"), Ok("example.com".to_owned()));
        assert_eq!(Checked(None).to_ascii("bücher.de"), Err(Error::NoBackend));
        assert_eq!(Checked(None).to_ascii("xn--bcher-kva.de"), Err(Error::NoBackend));
        assert_eq!(Checked(None).to_ascii("xn--abc-.de"), Err(Error::Invalid));
        assert_eq!(Checked(None).to_ascii("EXAMPLE。com"), Ok("example.com".to_owned()));
    }

    #[test]
    fn displays_u_labels_and_leaves_the_rest() {
        assert_eq!(to_unicode("xn--bcher-kva.de"), "bücher.de");
        assert_eq!(to_unicode("XN--BCHER-KVA.example"), "bücher.example");
        assert_eq!(to_unicode("xn--abc-.de"), "xn--abc-.de");
        assert_eq!(to_unicode("xn--.de"), "xn--.de");
        assert_eq!(to_unicode("example.com"), "example.com");
    }

    /// The corpus: every source string of Unicode's IdnaTestV2.txt (Unicode 16, from the idna crate's tests;
    /// the lone surrogates left out) and the names the domain tests use, each with what a registered back end
    /// must give ([`Checked`] over this one) and what [`crate::Domain::parse`] makes of it (`null`: refused).
    /// The browser test (www/tests/web.rs) checks the pages give the same with the browser's UTS #46.
    /// `MTA_STS_BLESS=1 cargo test -p mta-sts --lib uts46` writes the expected columns again.
    const CORPUS: &str = include_str!("../tests/fixtures/uts46/names.jsonl");

    #[test]
    fn the_corpus_is_what_the_builtin_backend_gives() {
        let mut lines = Vec::new();
        let mut disagreements = Vec::new();
        let mut differences = Vec::new();
        for line in CORPUS.lines() {
            let (input, ascii, domain): (String, Option<String>, Option<String>) =
                serde_json::from_str(line).expect("a corpus line is [input, ascii, domain]");
            let checked = Checked(Some(builtin)).to_ascii(&input);
            if !agrees(&input) {
                disagreements.push(format!("{input:?}: checked {checked:?}, built-in {:?}", to_ascii(&input)));
            }
            let expected = (checked.ok(), crate::Domain::parse(&input).ok().map(String::from));
            if (ascii.clone(), domain.clone()) != expected {
                differences.push(format!("{input:?}: {:?} != {expected:?}", (ascii, domain)));
            }
            lines.push(serde_json::to_string(&(input, expected.0, expected.1)).expect("strings serialise"));
        }
        assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
        if std::env::var_os("MTA_STS_BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/uts46/names.jsonl");
            std::fs::write(path, lines.join("\n") + "\n").expect("the corpus is writable");
        } else {
            assert!(
                differences.is_empty(),
                "{} lines differ (MTA_STS_BLESS=1 rewrites them):\n{}",
                differences.len(),
                differences.join("\n")
            );
        }
    }

    proptest! {
        #[test]
        fn a_checked_backend_agrees_on_any_name(
            labels in proptest::collection::vec(
                prop_oneof![
                    "[a-zA-Z0-9-]{0,8}",
                    "xn--[a-z0-9-]{0,10}",
                    "\\PC{0,6}",
                    "[äößÜ\u{0301}\u{0338}\u{200D}ا١<=>_*-]{1,5}",
                ],
                1..4,
            )
        ) {
            let name = labels.join(".");
            prop_assert!(agrees(&name), "{:?}: {:?}, built-in {:?}", name, Checked(Some(builtin)).to_ascii(&name), to_ascii(&name));
        }
    }
}
