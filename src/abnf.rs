//! Core rules of RFC 5234 Appendix B.1 shared by the parsers.

/// `ALPHA = %x41-5A / %x61-7A`
pub(crate) fn is_alpha(b: u8) -> bool {
    b.is_ascii_alphabetic()
}

/// `DIGIT = %x30-39`
pub(crate) fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

/// `ALPHA / DIGIT`
pub(crate) fn is_alphanum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// `WSP = SP / HTAB`
pub(crate) fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The `*-ext-name` alphabet after the first character: `ALPHA / DIGIT / "_" / "-" / "."`.
pub(crate) fn is_ext_name_char(b: u8) -> bool {
    is_alphanum(b) || matches!(b, b'_' | b'-' | b'.')
}

/// `sts-ext-value` / `tlsrpt-ext-value` characters: `%x21-3A / %x3C / %x3E-7E`
/// (visible ASCII except `;` and `=`).
pub(crate) fn is_txt_ext_value_char(b: u8) -> bool {
    matches!(b, 0x21..=0x3A | 0x3C | 0x3E..=0x7E)
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

    #[test]
    fn edit_distance_counts_single_edits() {
        for (a, b, d) in
            [("mx", "nmx", 1), ("max_age", "maxage", 1), ("mode", "Mode", 1), ("", "id", 2), ("version", "version", 0)]
        {
            assert_eq!(edit_distance(a, b), d, "{a} vs {b}");
        }
    }
}
