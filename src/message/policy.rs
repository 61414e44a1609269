//! The messages of the policy file's rules (RFC 8461 §3.2; see [`crate::message`]).

templates! { "policy";
    utf16() => PolicyUtf16,
        "The policy is encoded as UTF-16 (every other byte is zero), as some Windows tools save text. Senders \
         read the policy as bytes of UTF-8 or ASCII text (RFC 8461 §3.2), so they find no field at all.",
        fix: "Save the file as UTF-8 without BOM.";
    bom() => PolicyBom,
        "The policy starts with a UTF-8 byte order mark (BOM, bytes EF BB BF). It is invisible in most editors, \
         which add it on their own (Windows Notepad does), but a sender that follows the RFC reads it as part \
         of the first field name, so that field is lost.",
        fix: "Save the file as UTF-8 without BOM (delete the first three bytes).";
    cr_cr_lf(line) => PolicyCrCrLf,
        "Line {line} ends with CR CR LF. Only LF or CR LF end a line (RFC 8461 §3.2), so the extra CR is a \
         stray character in the value. This usually comes from converting line endings twice.",
        fix: "End every line with LF or CR LF, not CR CR LF.";
}
