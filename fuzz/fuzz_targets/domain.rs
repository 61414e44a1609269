//! Domain input normalisation on arbitrary text: never panics, and what it accepts is canonical. A UTS #46
//! back end a shell registers (wrapped in `uts46::Checked`, here over the built-in one) gives what the
//! built-in one gives, except that it refuses names every caller refuses anyway.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts::Domain;
use mta_sts::uts46::{self, Checked, Error};

fn builtin(name: &str) -> Option<String> {
    uts46::to_ascii(name).ok()
}

/// An ASCII character other than a letter, digit, hyphen or dot.
fn not_ldh(c: char) -> bool {
    c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(domain) = Domain::parse(text) {
        assert_eq!(Domain::parse(domain.as_str()).as_ref(), Ok(&domain));
        assert!(domain.as_str().len() + "_mta-sts.".len() <= 253);
    }
    let checked = Checked(Some(builtin)).to_ascii(text);
    let direct = uts46::to_ascii(text);
    if checked != direct {
        let nested = text.split(['.', '\u{3002}', '\u{FF0E}', '\u{FF61}']).any(|label| {
            let unicode = uts46::to_unicode(label);
            unicode != label && unicode.to_ascii_lowercase().starts_with("xn--")
        });
        let refused_anyway = text.contains(not_ldh) || direct.as_ref().is_ok_and(|a| a.contains(not_ldh)) || nested;
        assert!(checked == Err(Error::Invalid) && refused_anyway, "{text:?}: {checked:?}, built-in {direct:?}");
    }
});
