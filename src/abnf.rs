//! Core rules of RFC 5234 Appendix B.1 shared by the parsers.

// Each byte's classes, one bit per class, in one table: the predicates below run once per byte of every
// record, policy and mx pattern, and one load and test costs less than a chain of range compares.
const ALPHA: u8 = 1;
const DIGIT: u8 = 2;
const WSP: u8 = 4;
/// `_`, `-` and `.`, the name characters beyond letters and digits.
const NAME_PUNCT: u8 = 8;
/// `-` and `.`, the host name characters beyond letters and digits.
const HOST_PUNCT: u8 = 16;
const TXT_EXT_VALUE: u8 = 32;

static CLASSES: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut table = [0; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if b.is_ascii_alphabetic() {
            class |= ALPHA;
        }
        if b.is_ascii_digit() {
            class |= DIGIT;
        }
        if b == b' ' || b == b'\t' {
            class |= WSP;
        }
        if matches!(b, b'_' | b'-' | b'.') {
            class |= NAME_PUNCT;
        }
        if matches!(b, b'-' | b'.') {
            class |= HOST_PUNCT;
        }
        if matches!(b, 0x21..=0x3A | 0x3C | 0x3E..=0x7E) {
            class |= TXT_EXT_VALUE;
        }
        table[i] = class;
        i += 1;
    }
    table
}

fn is(b: u8, class: u8) -> bool {
    CLASSES[usize::from(b)] & class != 0
}

/// `ALPHA = %x41-5A / %x61-7A`
pub(crate) fn is_alpha(b: u8) -> bool {
    is(b, ALPHA)
}

/// `DIGIT = %x30-39`
pub(crate) fn is_digit(b: u8) -> bool {
    is(b, DIGIT)
}

/// `ALPHA / DIGIT`
pub(crate) fn is_alphanum(b: u8) -> bool {
    is(b, ALPHA | DIGIT)
}

/// `WSP = SP / HTAB`
pub(crate) fn is_wsp(b: u8) -> bool {
    is(b, WSP)
}

/// The `*-ext-name` alphabet after the first character: `ALPHA / DIGIT / "_" / "-" / "."`.
pub(crate) fn is_ext_name_char(b: u8) -> bool {
    is(b, ALPHA | DIGIT | NAME_PUNCT)
}

/// The characters of a host name with its dots: `ALPHA / DIGIT / "-" / "."` (RFC 5321 §4.1.2 `Domain`).
pub(crate) fn is_ldh_or_dot(b: u8) -> bool {
    is(b, ALPHA | DIGIT | HOST_PUNCT)
}

/// `sts-ext-value` / `tlsrpt-ext-value` characters: `%x21-3A / %x3C / %x3E-7E`
/// (visible ASCII except `;` and `=`).
pub(crate) fn is_txt_ext_value_char(b: u8) -> bool {
    is(b, TXT_EXT_VALUE)
}

/// Levenshtein distance, for "did you mean" hints on misspelt field names.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb { diagonal } else { 1 + diagonal.min(above).min(row[j]) };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table gives each class exactly the bytes of its ABNF rule.
    #[test]
    fn classes_are_the_abnf_rules() {
        for b in 0..=u8::MAX {
            assert_eq!(is_alpha(b), b.is_ascii_alphabetic(), "{b}");
            assert_eq!(is_digit(b), b.is_ascii_digit(), "{b}");
            assert_eq!(is_alphanum(b), b.is_ascii_alphanumeric(), "{b}");
            assert_eq!(is_wsp(b), b == b' ' || b == b'\t', "{b}");
            assert_eq!(is_ext_name_char(b), b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'), "{b}");
            assert_eq!(is_ldh_or_dot(b), b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'), "{b}");
            assert_eq!(is_txt_ext_value_char(b), b.is_ascii_graphic() && b != b';' && b != b'=', "{b}");
        }
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        for (a, b, d) in
            [("mx", "nmx", 1), ("max_age", "maxage", 1), ("mode", "Mode", 1), ("", "id", 2), ("version", "version", 0)]
        {
            assert_eq!(edit_distance(a, b), d, "{a} vs {b}");
        }
    }
}
