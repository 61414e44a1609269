//! The messages of the policy file's rules (RFC 8461 §3.2; see [`crate::message`]).
//!
//! A fix that shows a corrected line puts it on a line of its own, after the instruction, so that it can be
//! read (and copied) as it would stand in the file. The numbers 31557600 (the cap on `max_age`) and 604800
//! (the one week this checker recommends) are [`crate::policy::MAX_AGE_LIMIT`] and
//! [`crate::policy::MAX_AGE_RECOMMENDED`]; a test below keeps the words in step with them.

templates! { "policy";
    // ----- The file as a whole: encoding and line endings -----
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
    /// The file's last byte is a CR with no LF after it.
    bare_cr_at_end() => PolicyBareCr,
        "The policy ends with a bare CR (a carriage return without a line feed). A CR alone does not end a \
         line (RFC 8461 §3.2: `sts-policy-term = LF / CRLF`), so a sender that follows the RFC reads it as a \
         stray character at the end of the last value, which makes that value invalid.",
        fix: "Delete the final CR, or end the file with LF or CR LF.";
    /// A CR with no LF after it inside a line, usually the old Mac line ending.
    bare_cr(line) => PolicyBareCr,
        "Line {line} contains a bare CR (a carriage return without a line feed). Only LF or CR LF end a line \
         (RFC 8461 §3.2), so a sender that follows the RFC reads one long line with a stray character in it, \
         and ignores the policy. A CR alone is the line ending of old Mac text files.",
        fix: "Save the file with LF or CR LF line endings.";
    /// One empty or all-blank line before or between the fields.
    blank_line(line) => PolicyBlankLine,
        "Line {line} is blank. Every line of a policy is a `name: value` field, and the grammar has no empty \
         lines (RFC 8461 §3.2), so a sender that follows the RFC ignores the whole policy.",
        fix: "Delete the blank line.";
    /// A run of empty or all-blank lines before or between the fields.
    blank_lines(first, last) => PolicyBlankLine,
        "Lines {first} to {last} are blank. Every line of a policy is a `name: value` field, and the grammar \
         has no empty lines (RFC 8461 §3.2), so a sender that follows the RFC ignores the whole policy.",
        fix: "Delete the blank lines.";
    blank_line_at_end(line) => PolicyBlankLine,
        "The policy ends with a blank line (line {line}). The grammar allows one line break after the last \
         field, but no empty line after it (RFC 8461 §3.2), so a sender that follows the RFC ignores the whole \
         policy.",
        fix: "Delete the blank line. The line break at the end of the last field can stay.";
    blank_lines_at_end(first, last) => PolicyBlankLine,
        "The policy ends with blank lines (lines {first} to {last}). The grammar allows one line break after \
         the last field, but no empty line after it (RFC 8461 §3.2), so a sender that follows the RFC ignores \
         the whole policy.",
        fix: "Delete the blank lines. The line break at the end of the last field can stay.";

    // ----- Characters -----
    not_utf8(line) => PolicyNotUtf8,
        "Line {line} is not valid UTF-8. A policy is text: ASCII, and UTF-8 only inside extension values \
         (RFC 8461 §3.2), so a sender that follows the RFC ignores the policy. Files saved as Latin-1 (or \
         another Windows code page) look like this.",
        fix: "Save the file as UTF-8 (not Latin-1 or UTF-16).";
    nul(line) => PolicyControlCharacter,
        "Line {line} contains a NUL byte. Control characters are not allowed anywhere in a policy (RFC 8461 \
         §3.2), so a sender that follows the RFC ignores the policy. A NUL usually means the file was saved in \
         another encoding or damaged on upload.",
        fix: "Delete the NUL bytes, and check how the file is generated or uploaded.";
    /// A control character other than NUL and tab; `code_point` is its hexadecimal value, e.g. `001B`.
    control_character(line, code_point) => PolicyControlCharacter,
        "Line {line} contains the control character U+{code_point}. Control characters are not allowed \
         anywhere in a policy (RFC 8461 §3.2), so a sender that follows the RFC ignores the policy.",
        fix: "Delete the control character.";

    // ----- The shape of a line: `name: value` -----
    /// Whitespace before the field name; `corrected` is the line without it.
    leading_whitespace(line, corrected) => PolicyLeadingWhitespace,
        "Line {line} starts with whitespace. RFC 8461 §3.2 allows none before the field name, so a sender that \
         follows the RFC does not read the line as a field and ignores the policy.",
        fix: "Remove the indentation, so that line {line} reads:\n{corrected}";
    space_before_colon(line, name, value) => PolicySpaceBeforeColon,
        "Line {line} has whitespace between `{name}` and the colon. RFC 8461 §3.2 puts the colon right after \
         the field name, so a sender that follows the RFC does not read the line as `{name}` and ignores the \
         policy.",
        fix: "Delete the whitespace before the colon:\n{name}: {value}";
    no_colon(line, content) => PolicyNoColon,
        "Line {line} (`{content}`) has no colon, so it is not a `name: value` field (RFC 8461 §3.2), and a \
         sender that follows the RFC ignores the whole policy.",
        fix: "Write the line as `name: value`, or delete it.";
    /// A line without a colon that starts with a field's name, such as `mode enforce` or `mode=enforce`.
    no_colon_field(line, content, name, value) => PolicyNoColon,
        "Line {line} (`{content}`) has no colon, so it is not a `name: value` field (RFC 8461 §3.2): senders do \
         not read it as `{name}`, and a sender that follows the RFC ignores the whole policy.",
        fix: "Put a colon right after the field name:\n{name}: {value}";
    name_missing(line) => PolicyFieldNameInvalid,
        "Line {line} starts with a colon: the field name is missing (RFC 8461 §3.2), so a sender that follows \
         the RFC ignores the policy.",
        fix: "Write the field name before the colon, or delete the line.";
    name_too_long(name, line, length) => PolicyFieldNameInvalid,
        "The field name `{name}` on line {line} is {length} characters long; RFC 8461 §3.2 allows at most 32, \
         so a sender that follows the RFC ignores the policy.",
        fix: "Shorten the name to 32 characters or fewer, or delete the line.";
    /// A character that field names never contain, shown as it is (`@`, `_` at the start).
    name_character(name, line, character) => PolicyFieldNameInvalid,
        "The field name `{name}` on line {line} contains `{character}`. Field names are letters, digits, `_`, \
         `-` and `.`, starting with a letter or digit (RFC 8461 §3.2), so a sender that follows the RFC ignores \
         the policy.",
        fix: "Rename the field with those characters only, or delete the line.";
    /// Whitespace inside a field name; `code_point` is its hexadecimal value, e.g. `0020` for a space.
    name_whitespace(name, line, code_point) => PolicyFieldNameInvalid,
        "The field name `{name}` on line {line} contains whitespace (U+{code_point}). Field names are letters, \
         digits, `_`, `-` and `.`, starting with a letter or digit (RFC 8461 §3.2), so a sender that follows \
         the RFC ignores the policy.",
        fix: "Remove the whitespace from the name, or delete the line.";
    /// A field name with whitespace inside that reads as a field RFC 8461 defines, such as `max age`.
    name_typo(name, line, field, value) => PolicyFieldNameInvalid,
        "The field name `{name}` on line {line} contains whitespace. Field names are letters, digits, `_`, `-` \
         and `.` (RFC 8461 §3.2), so a sender that follows the RFC ignores the policy. Did you mean `{field}`?",
        fix: "Correct the name:\n{field}: {value}";
    /// A repeated single-valued field whose value is the same as the first one's.
    duplicate(name, line, first) => PolicyDuplicateField,
        "`{name}` appears again on line {line}, with the same value as on line {first}. RFC 8461 §3.2 keeps \
         the first one, but senders do not agree on repeated fields.",
        fix: "Delete line {line}.";
    /// A repeated single-valued field with another value than the first one's.
    duplicate_different(name, line, first) => PolicyDuplicateField,
        "`{name}` appears again on line {line}, with another value than on line {first}. RFC 8461 §3.2 keeps \
         the first one, so senders that follow the RFC use line {first}, but senders do not agree on repeated \
         fields.",
        fix: "Keep one `{name}` line, with the value you mean, and delete the other.";

    // ----- version -----
    version_empty(line) => PolicyVersionInvalid,
        "The version on line {line} is empty. RFC 8461 §3.2 requires `version: STSv1`, and a sender that \
         follows the RFC ignores a policy without it.",
        fix: "Write the line as:\nversion: STSv1";
    /// `STSv1` in other letter case, such as `stsv1`.
    version_case(line, value) => PolicyVersionInvalid,
        "The version on line {line} is `{value}`, but the value is case-sensitive and must be exactly `STSv1` \
         (RFC 8461 §3.2). A sender that follows the RFC ignores a policy with any other version.",
        fix: "Write the line as:\nversion: STSv1";
    version_other(line, value) => PolicyVersionInvalid,
        "The version on line {line} is `{value}`; `STSv1` is the only version that exists (RFC 8461 §3.2), and \
         a sender that follows the RFC ignores a policy with any other version.",
        fix: "Write the line as:\nversion: STSv1";
    version_missing() => PolicyVersionMissing,
        "The policy has no `version` field. RFC 8461 §3.2 requires `version: STSv1`, and a sender that follows \
         the RFC ignores a policy without it.",
        fix: "Add this line at the top of the file:\nversion: STSv1";
    /// No `version` field, but line `line` has `name`, close to it.
    version_missing_typo(line, name) => PolicyVersionMissing,
        "The policy has no `version` field: line {line} has `{name}`, which senders do not read as `version`. \
         RFC 8461 §3.2 requires `version: STSv1`, and a sender that follows the RFC ignores a policy without it.",
        fix: "Correct line {line} to read:\nversion: STSv1";

    // ----- mode -----
    mode_testing() => PolicyModeTesting,
        "The policy is in testing mode: senders that support MTA-STS report TLS problems (to your TLS-RPT \
         address) but still deliver over connections they could not authenticate. Switch to `mode: enforce` \
         once the reports show that every MX host passes.";
    mode_none(line) => PolicyModeNone,
        "The policy is in mode `none` (line {line}): senders treat the domain as having no MTA-STS policy. That \
         is the way to withdraw MTA-STS (RFC 8461 §8.3): keep serving this policy until the policies senders \
         cached before have expired, then remove the record.";
    mode_none_without_mx(line) => PolicyModeNone,
        "The policy is in mode `none` (line {line}): senders treat the domain as having no MTA-STS policy. That \
         is the way to withdraw MTA-STS (RFC 8461 §8.3): keep serving this policy until the policies senders \
         cached before have expired, then remove the record. It has no `mx` line, which RFC 8461 allows in \
         this mode, but some senders reject such a policy and keep using the one they cached before.",
        fix: "Add an `mx` line listing your MX host, so that those senders see the withdrawal too.";
    /// A mode written in other letter case, such as `Enforce`; `mode` is the lower-case form.
    mode_case(line, value, mode) => PolicyModeInvalid,
        "The mode on line {line} is `{value}`, but modes are case-sensitive (RFC 8461 §3.2), so a sender that \
         follows the RFC does not know this mode and ignores the policy.",
        fix: "Write the mode in lower case:\nmode: {mode}";
    /// The mode `report` of the MTA-STS drafts.
    mode_report(line) => PolicyModeInvalid,
        "The mode on line {line} is `report`, a value from the drafts of MTA-STS that RFC 8461 calls \
         `testing`. A sender that follows the RFC does not know it and ignores the policy.",
        fix: "Write the mode as:\nmode: testing";
    mode_empty(line) => PolicyModeInvalid,
        "The mode on line {line} is empty. RFC 8461 §3.2 requires `enforce`, `testing` or `none`, and a sender \
         that follows the RFC ignores a policy without a valid mode.",
        fix: "Start with testing, and switch to enforce once the TLS reports show every MX host passes:\nmode: testing";
    /// A mode misspelt closely enough to read as one, such as `enforced`.
    mode_typo(line, value, mode) => PolicyModeInvalid,
        "The mode on line {line} is `{value}`; the only modes are `enforce`, `testing` and `none` (RFC 8461 \
         §3.2), and a sender that follows the RFC ignores a policy without a valid mode. Did you mean `{mode}`?",
        fix: "Correct the mode:\nmode: {mode}";
    mode_other(line, value) => PolicyModeInvalid,
        "The mode on line {line} is `{value}`; the only modes are `enforce`, `testing` and `none` (RFC 8461 \
         §3.2), and a sender that follows the RFC ignores a policy without a valid mode.",
        fix: "Start with testing, and switch to enforce once the TLS reports show every MX host passes:\nmode: testing";
    mode_missing() => PolicyModeMissing,
        "The policy has no `mode` field. RFC 8461 §3.2 requires one, and a sender that follows the RFC ignores \
         a policy without it.",
        fix: "Add a mode line. Start with testing, and switch to enforce once the TLS reports show every MX host \
              passes:\nmode: testing";
    /// No `mode` field, but line `line` has `name`, close to it.
    mode_missing_typo(line, name) => PolicyModeMissing,
        "The policy has no `mode` field: line {line} has `{name}`, which senders do not read as `mode`. RFC \
         8461 §3.2 requires one, and a sender that follows the RFC ignores a policy without it.",
        fix: "Correct line {line} as its own finding says, so that it counts as `mode`.";

    // ----- max_age -----
    max_age_short(line, seconds) => PolicyMaxAgeShort,
        "max_age on line {line} is {seconds} seconds, less than a day. That is legal, but senders forget the \
         policy this quickly, so an attacker who blocks the policy fetch only has to wait. RFC 8461 §3.2 \
         expects \"weeks or greater\"; 86400 (one day) is a common default, not an RFC minimum.",
        fix: "Use at least one week:\nmax_age: 604800";
    max_age_zero(line) => PolicyMaxAgeShort,
        "max_age on line {line} is 0: senders do not cache the policy at all, so it protects mail only while \
         they can fetch it, and an attacker who blocks the policy fetch has nothing to wait for. It is legal, \
         but RFC 8461 §3.2 expects \"weeks or greater\".",
        fix: "Use at least one week:\nmax_age: 604800";
    /// All digits, but above the cap of RFC 8461 §3.2.
    max_age_too_large(line, value) => PolicyMaxAgeTooLarge,
        "max_age on line {line} is {value}, above the maximum of 31557600 seconds (one year) that RFC 8461 \
         §3.2 sets (erratum 7282: ten digits alone would allow more). A sender that follows the RFC ignores the \
         policy; some senders use it anyway, some cap the value at one year.",
        fix: "Use one year at most:\nmax_age: 31557600";
    max_age_empty(line) => PolicyMaxAgeInvalid,
        "max_age on line {line} is empty. RFC 8461 §3.2 requires the number of seconds senders may cache the \
         policy, as plain digits from 0 to 31557600, and a sender that follows the RFC ignores the policy \
         without it.",
        fix: "Give it a value; one week is a good start:\nmax_age: 604800";
    /// Within the cap, but written with more than ten digits; `seconds` is the number without the zeros.
    max_age_leading_zeros(line, value, seconds) => PolicyMaxAgeInvalid,
        "max_age on line {line} is `{value}`: more than 10 digits. RFC 8461 §3.2 allows at most 10, leading \
         zeros included, so a sender that follows the RFC ignores the policy.",
        fix: "Drop the leading zeros:\nmax_age: {seconds}";
    /// A `+` sign before the digits; `seconds` is the number without it.
    max_age_plus(line, value, seconds) => PolicyMaxAgeInvalid,
        "max_age on line {line} is `{value}`: no sign is allowed, only digits (RFC 8461 §3.2). A sender that \
         follows the RFC ignores the policy, although lenient number parsers accept the `+`.",
        fix: "Delete the `+`:\nmax_age: {seconds}";
    max_age_negative(line, value) => PolicyMaxAgeInvalid,
        "max_age on line {line} is `{value}`: no sign is allowed, and a cache time is never negative (RFC 8461 \
         §3.2: plain digits from 0 to 31557600). A sender that follows the RFC ignores the policy.",
        fix: "Write the number of seconds senders may cache the policy; one week is a good start:\nmax_age: 604800";
    /// A hexadecimal number; `seconds` is its value in decimal.
    max_age_hex(line, value, seconds) => PolicyMaxAgeInvalid,
        "max_age on line {line} is `{value}`, a hexadecimal number. RFC 8461 §3.2 allows decimal digits only, \
         so a sender that follows the RFC ignores the policy.",
        fix: "Write the same number of seconds in decimal:\nmax_age: {seconds}";
    /// Exponent notation (`6e5`); `seconds` is its value written out.
    max_age_exponent(line, value, seconds) => PolicyMaxAgeInvalid,
        "max_age on line {line} is `{value}`: exponent notation is not allowed, only plain digits (RFC 8461 \
         §3.2), so a sender that follows the RFC ignores the policy.",
        fix: "Write all the digits:\nmax_age: {seconds}";
    /// A decimal point or a comma.
    max_age_fraction(line, value) => PolicyMaxAgeInvalid,
        "max_age on line {line} is `{value}`: whole seconds only, with no decimal point or separator (RFC 8461 \
         §3.2: plain digits from 0 to 31557600), so a sender that follows the RFC ignores the policy.",
        fix: "Write whole seconds in digits only; one week is a good start:\nmax_age: 604800";
    /// `_` between the digits; `seconds` is the number without them.
    max_age_separator(line, value, seconds) => PolicyMaxAgeInvalid,
        "max_age on line {line} is `{value}`: digit separators are not allowed, only plain digits (RFC 8461 \
         §3.2), so a sender that follows the RFC ignores the policy.",
        fix: "Delete the separators:\nmax_age: {seconds}";
    /// Whitespace between the digits; `seconds` is the number without it.
    max_age_whitespace(line, value, seconds) => PolicyMaxAgeInvalid,
        "max_age on line {line} is `{value}`: it has whitespace between the digits, and RFC 8461 §3.2 allows \
         plain digits only, so a sender that follows the RFC ignores the policy.",
        fix: "Delete the whitespace:\nmax_age: {seconds}";
    max_age_not_number(line, value) => PolicyMaxAgeInvalid,
        "max_age on line {line} is `{value}`, not a number of seconds. RFC 8461 §3.2 requires plain digits from \
         0 to 31557600, so a sender that follows the RFC ignores the policy.",
        fix: "Write the number of seconds senders may cache the policy; one week is a good start:\nmax_age: 604800";
    max_age_missing() => PolicyMaxAgeMissing,
        "The policy has no `max_age` field. RFC 8461 §3.2 requires one (how long senders may cache the \
         policy), and a sender that follows the RFC ignores a policy without it.",
        fix: "Add a max_age line; one week is a good start:\nmax_age: 604800";
    /// No `max_age` field, but line `line` has `name`, close to it.
    max_age_missing_typo(line, name) => PolicyMaxAgeMissing,
        "The policy has no `max_age` field: line {line} has `{name}`, which senders do not read as `max_age`. \
         RFC 8461 §3.2 requires one, and a sender that follows the RFC ignores a policy without it.",
        fix: "Correct line {line} as its own finding says, so that it counts as `max_age`.";

    // ----- mx -----
    mx_broad_wildcard(value, line, parent) => PolicyMxBroadWildcard,
        "`{value}` on line {line} accepts any host directly under the top-level domain `{parent}`: anyone who \
         can get a certificate for such a name passes as your MX (RFC 8461 §10.4).",
        fix: "List your MX hosts, or a wildcard under your own domain such as `*.example.com`.";
    mx_ip_address(value, line) => PolicyMxIpAddress,
        "`{value}` on line {line} looks like an IP address. The grammar allows it, but MX hosts are matched by \
         name and certificates are checked against names, so it never matches an MX host (RFC 8461 §4.1).",
        fix: "Write the MX host's name instead of its address.";
    /// `reason` says what is wrong with the pattern, in the words of [`crate::mx::MxPattern::parse`].
    mx_invalid(line, reason) => PolicyMxInvalid,
        "The mx pattern on line {line} is invalid: {reason}. A sender that follows the RFC ignores the whole \
         policy; a sender that does not check the pattern keeps it, but no MX host may match it.",
        fix: "Write one MX host name per `mx:` line, such as `mail.example.com`, or a wildcard such as \
              `*.example.com`.";
    /// An invalid pattern whose intended form is clear (a trailing dot, a U-label, the drafts' `.example.com`).
    mx_repairable(line, reason, pattern) => PolicyMxInvalid,
        "The mx pattern on line {line} is invalid: {reason}. A sender that follows the RFC ignores the whole \
         policy; a sender that does not check the pattern keeps it, but no MX host may match it.",
        fix: "Write it as:\nmx: {pattern}";
    mx_missing() => PolicyMxMissing,
        "The policy has no `mx` line. Unless the mode is `none`, RFC 8461 §3.2 requires at least one, and with \
         none no MX host can pass.",
        fix: "Add one `mx:` line per MX host, or a wildcard such as `*.example.com` for the hosts under one \
              domain.";
    /// No `mx` field, but line `line` has `name`, close to it.
    mx_missing_typo(line, name) => PolicyMxMissing,
        "The policy has no `mx` line: line {line} has `{name}`, which senders do not read as `mx`. Unless the \
         mode is `none`, RFC 8461 §3.2 requires at least one, and with none no MX host can pass.",
        fix: "Correct line {line} as its own finding says, so that it counts as `mx`.";

    // ----- Extensions and unknown fields -----
    extension_empty(name, line) => PolicyExtensionValueInvalid,
        "The field `{name}` on line {line} has no value; an extension field needs one (RFC 8461 §3.2 \
         `sts-policy-ext-value`), so a sender that follows the RFC ignores the policy.",
        fix: "Give the field a value, or delete the line.";
    extension_tab(name, line) => PolicyExtensionValueInvalid,
        "The field `{name}` on line {line} has a tab inside its value; only spaces may separate the words of \
         an extension value (RFC 8461 §3.2 `sts-policy-ext-value`), so a sender that follows the RFC ignores \
         the policy.",
        fix: "Replace the tab with a space.";
    unknown_field(name, line) => PolicyUnknownField,
        "`{name}` on line {line} is not a field RFC 8461 defines. Senders must ignore fields they do not know \
         (RFC 8461 §3.2), so it does nothing.",
        fix: "Delete the line, unless a tool of yours reads this field.";
    /// An unknown field whose value contains a colon, which some line parsers trip over.
    unknown_field_colon(name, line) => PolicyUnknownField,
        "`{name}` on line {line} is not a field RFC 8461 defines. Senders must ignore fields they do not know \
         (RFC 8461 §3.2), so it does nothing, but its value contains a colon, which some senders cannot parse: \
         they ignore the whole policy.",
        fix: "Delete the line, unless a tool of yours reads this field.";
    /// An unknown field whose name reads as a field RFC 8461 defines, such as `Mode` or `max-age`.
    unknown_field_typo(name, line, field, value) => PolicyUnknownField,
        "`{name}` on line {line} is not a policy field. Did you mean `{field}`? Field names are case-sensitive \
         and exact (RFC 8461 §3.2), so a sender that follows the RFC ignores this line.",
        fix: "Correct the name:\n{field}: {value}";
    /// An unknown field whose name reads as a single-valued field that line `first` sets.
    unknown_field_set(name, line, field, first) => PolicyUnknownField,
        "`{name}` on line {line} is not a policy field. It reads like `{field}`, which line {first} sets; field \
         names are case-sensitive and exact (RFC 8461 §3.2), so a sender that follows the RFC ignores this \
         line.",
        fix: "Delete line {line}. If its value is the one you mean, put it on line {first} instead.";

    // ----- The whole policy -----
    empty() => PolicyEmpty,
        "The policy is empty. A policy needs at least `version: STSv1`, a `mode`, a `max_age` and, unless the \
         mode is `none`, one `mx` line per MX host (RFC 8461 §3.2).";
}

#[cfg(test)]
mod tests {
    use super::TEMPLATES;
    use crate::policy::{MAX_AGE_LIMIT, MAX_AGE_RECOMMENDED};

    /// The numbers written in the words are the parser's constants.
    #[test]
    fn numbers_in_the_words_are_the_parser_constants() {
        assert_eq!((MAX_AGE_LIMIT, MAX_AGE_RECOMMENDED), (31_557_600, 604_800));
        let words: Vec<String> =
            TEMPLATES.iter().map(|t| format!("{} {}", t.text, t.fix.unwrap_or_default())).collect();
        let words = words.join("\n");
        assert!(words.contains(&format!("maximum of {MAX_AGE_LIMIT} seconds")));
        assert!(words.contains(&format!("max_age: {MAX_AGE_RECOMMENDED}")));
    }

    /// A fix that shows a corrected line puts it last, on a line of its own.
    #[test]
    fn corrected_lines_stand_alone() {
        for t in TEMPLATES {
            let Some(fix) = t.fix else { continue };
            if let Some((instruction, line)) = fix.split_once('\n') {
                assert!(instruction.ends_with(':'), "{}: {instruction}", t.id);
                assert!(!line.contains('\n') && !line.contains('`'), "{}: {line}", t.id);
            }
        }
    }
}
