//! The messages of the `_smtp._tls` TLS-RPT record's rules (RFC 8460 §3; see [`crate::message`]).
//!
//! `{corrected}` is the whole record as the fix publishes it: every grammar error ends its fix with it, so
//! the fix can be pasted whichever error is read first. The rules the record shares with the MTA-STS record
//! are picked by the shared parser through [`crate::tlsrpt`]'s table of these functions.

templates! { "tlsrpt";
    // ----- the rules both records share (the table in `crate::tlsrpt`) -----
    not_ascii(bytes, corrected) => TlsrptNotAscii,
        "The record contains non-ASCII bytes ({bytes}). A TLS-RPT record must be plain ASCII, and non-ASCII \
         characters in a URI must be percent-encoded. Senders that follow RFC 8460 ignore an invalid TLS-RPT \
         record, so you receive no reports about failed TLS connections (MTA-STS itself still works).",
        fix: "Retype the record in plain ASCII, percent-encoding what a URI needs. Corrected record: {corrected}";
    version_invalid(found, corrected) => TlsrptVersionInvalid,
        "The record begins with `{found}`, but the version must be exactly `v=TLSRPTv1` followed by `;`. Senders \
         that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed TLS \
         connections (MTA-STS itself still works).",
        fix: "Begin the record with `v=TLSRPTv1;`. Corrected record: {corrected}";
    version_unknown(found, corrected) => TlsrptVersionInvalid,
        "The record begins with `{found}`, but the only TLS-RPT version is `v=TLSRPTv1`, and it must come first. \
         Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed \
         TLS connections (MTA-STS itself still works).",
        fix: "Begin the record with `v=TLSRPTv1;`. Corrected record: {corrected}";
    version_missing(corrected) => TlsrptVersionMissing,
        "The record does not begin with `v=TLSRPTv1`, the required version field. Senders that follow RFC 8460 \
         ignore an invalid TLS-RPT record, so you receive no reports about failed TLS connections (MTA-STS itself \
         still works).",
        fix: "Begin the record with `v=TLSRPTv1;`. Corrected record: {corrected}";
    version_case(found, corrected) => TlsrptVersionCase,
        "The record begins with `{found}`, but the version is case-sensitive and must be written exactly \
         `v=TLSRPTv1`. Senders that follow RFC 8460 discard records that do not begin with `v=TLSRPTv1;`, so you \
         receive no reports about failed TLS connections (MTA-STS itself still works).",
        fix: "Write the version as `v=TLSRPTv1`. Corrected record: {corrected}";
    leading_whitespace(corrected) => TlsrptLeadingWhitespace,
        "The record begins with whitespace before `v=TLSRPTv1`. Senders that follow RFC 8460 discard records \
         that do not begin exactly with `v=TLSRPTv1;`, so you receive no reports about failed TLS connections \
         (MTA-STS itself still works).",
        fix: "Delete the whitespace at the start of the record. Corrected record: {corrected}";
    version_not_first(corrected) => TlsrptVersionNotFirst,
        "`v=TLSRPTv1` is not the first field, but the record must begin with it. Senders that follow RFC 8460 \
         discard records that do not begin with `v=TLSRPTv1;`, so you receive no reports about failed TLS \
         connections (MTA-STS itself still works).",
        fix: "Move `v=TLSRPTv1;` to the start of the record. Corrected record: {corrected}";
    delimiter_missing(field, corrected) => TlsrptDelimiterMissing,
        "`{field}` follows `v=TLSRPTv1` without a `;` in between, but fields must be separated by `;`. Senders \
         that follow RFC 8460 discard records that do not begin with `v=TLSRPTv1;`, so you receive no reports \
         about failed TLS connections (MTA-STS itself still works).",
        fix: "Put a `;` right after `v=TLSRPTv1`. Corrected record: {corrected}";
    field_empty(corrected) => TlsrptFieldEmpty,
        "The record has an empty field (`;;` or `; ;`). The grammar allows only one `;` between fields and at \
         most one at the end. Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no \
         reports about failed TLS connections (MTA-STS itself still works).",
        fix: "Delete the extra `;`. Corrected record: {corrected}";
    trailing_whitespace(corrected) => TlsrptTrailingWhitespace,
        "The record ends with whitespace after its last field, but the grammar allows whitespace only around `;` \
         and `,`. Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about \
         failed TLS connections (MTA-STS itself still works).",
        fix: "Delete the whitespace at the end of the record, or end the record with `;`. Corrected record: \
              {corrected}";
    field_invalid(field, corrected) => TlsrptFieldInvalid,
        "The field `{field}` has no `=`, but every field is `name=value`, and fields are separated by `;`. \
         Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed \
         TLS connections (MTA-STS itself still works).",
        fix: "Write the field as `name=value`, or delete it. Corrected record: {corrected}";
    field_whitespace(field, name, value, corrected) => TlsrptFieldWhitespace,
        "The field `{field}` has whitespace around `=`, which the grammar does not allow. Senders that follow \
         RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed TLS connections \
         (MTA-STS itself still works).",
        fix: "Write the field as `{name}={value}`. Corrected record: {corrected}";
    extension_name_empty(field, corrected) => TlsrptExtensionInvalid,
        "The field `{field}` has no name before `=`. Senders that follow RFC 8460 ignore an invalid TLS-RPT \
         record, so you receive no reports about failed TLS connections (MTA-STS itself still works).",
        fix: "Give the field a name, or delete it. Corrected record: {corrected}";
    extension_name_start(field, name, corrected) => TlsrptExtensionInvalid,
        "In the field `{field}`, the name `{name}` does not begin with a letter or digit, as every field name \
         must. Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about \
         failed TLS connections (MTA-STS itself still works).",
        fix: "Rename the field so that it begins with a letter or digit, or delete it. Corrected record: \
              {corrected}";
    extension_name_chars(field, name, bad, corrected) => TlsrptExtensionInvalid,
        "In the field `{field}`, the name `{name}` contains {bad}, but a field name may hold only letters, \
         digits, `_`, `-` and `.`. Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive \
         no reports about failed TLS connections (MTA-STS itself still works).",
        fix: "Rename the field, or delete it. Corrected record: {corrected}";
    extension_name_long(field, name, length, corrected) => TlsrptExtensionInvalid,
        "In the field `{field}`, the name `{name}` is {length} characters long, but a field name has at most 32. \
         Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed \
         TLS connections (MTA-STS itself still works).",
        fix: "Shorten the name to at most 32 characters, or delete the field. Corrected record: {corrected}";
    extension_value_empty(field, name, corrected) => TlsrptExtensionInvalid,
        "The field `{field}` has an empty value, but a field needs at least one character after `=`. Senders \
         that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed TLS \
         connections (MTA-STS itself still works).",
        fix: "Give `{name}` a value, or delete the field. Corrected record: {corrected}";
    extension_value_chars(field, name, bad, corrected) => TlsrptExtensionInvalid,
        "The value of the field `{field}` contains {bad}, but a field value may hold only visible ASCII \
         characters other than `=` and `;`. Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so \
         you receive no reports about failed TLS connections (MTA-STS itself still works).",
        fix: "Remove those characters from the value of `{name}`, or delete the field. Corrected record: \
              {corrected}";
    extension_invalid(field, corrected) => TlsrptExtensionInvalid,
        "The field `{field}` is not a valid `name=value` field. Senders that follow RFC 8460 ignore an invalid \
         TLS-RPT record, so you receive no reports about failed TLS connections (MTA-STS itself still works).",
        fix: "Correct the field, or delete it. Corrected record: {corrected}";
    ambiguous_delimiter(corrected) => TlsrptAmbiguousDelimiter,
        "The record has whitespace before its first `;` (`v=TLSRPTv1 ;`). The grammar allows it, but RFC 8460 §3 \
         also says senders discard records that do not begin with `v=TLSRPTv1;`, so senders that filter on that \
         exact prefix send you no reports.",
        fix: "Delete the whitespace before the `;`: {corrected}";
    discarded_bare() => TlsrptDiscarded,
        "This record is only `v=TLSRPTv1`, without the `;` and a `rua`. RFC 8460 §3 discards records that do not \
         begin with `v=TLSRPTv1;`, so senders that follow it use the other record; but a sender that selects \
         records by the prefix `v=TLSRPTv1` alone counts two TLS-RPT records and sends no reports.",
        fix: "Delete this record.";
    discarded_leading_whitespace() => TlsrptDiscarded,
        "This record looks like a second TLS-RPT record, but it begins with whitespace, so it does not begin \
         exactly with `v=TLSRPTv1;`. Senders that follow RFC 8460 discard it and use the other record; senders \
         that read it anyway see two records and send no reports.",
        fix: "Delete this record.";
    discarded_case(found) => TlsrptDiscarded,
        "This record looks like a second TLS-RPT record, but it begins with `{found}`, not `v=TLSRPTv1`: the \
         version is case-sensitive. Senders that follow RFC 8460 discard it and use the other record; senders \
         that read it anyway see two records and send no reports.",
        fix: "Delete this record.";
    discarded_delimiter() => TlsrptDiscarded,
        "This record looks like a second TLS-RPT record, but its version is not followed directly by `;`, so it \
         does not begin exactly with `v=TLSRPTv1;`. Senders that follow RFC 8460 discard it and use the other \
         record; senders that read it anyway see two records and send no reports.",
        fix: "Delete this record.";
    discarded_not_first() => TlsrptDiscarded,
        "This record looks like a second TLS-RPT record, but `v=TLSRPTv1` is not its first field, so it does not \
         begin with `v=TLSRPTv1;`. Senders that follow RFC 8460 discard it and use the other record; senders \
         that read it anyway see two records and send no reports.",
        fix: "Delete this record.";
    missing(example) => TlsrptMissing,
        "There is no TLS-RPT record at `_smtp._tls.<your domain>` (none begins with `v=TLSRPTv1;`). Mail still \
         flows, but senders cannot tell you when TLS or MTA-STS fails, so a broken policy goes unnoticed. \
         RFC 8461 recommends publishing one.",
        fix: "Publish a TXT record at _smtp._tls.<your domain>: {example}";
    multiple(count, keep) => TlsrptMultiple,
        "There are {count} TLS-RPT records at `_smtp._tls`. With more than one, RFC 8460 §3 requires senders to \
         assume the domain does not use TLS-RPT, so you receive no reports.",
        fix: "Delete all but one record, merging their addresses; keep: {keep}";

    // ----- the record's own rules: `rua` -----
    rua_empty(corrected) => TlsrptRuaInvalid,
        "`rua=` lists no address. Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive \
         no reports about failed TLS connections (MTA-STS itself still works).",
        fix: "List at least one `mailto:` or `https:` address. Corrected record: {corrected}";
    rua_whitespace(corrected) => TlsrptFieldWhitespace,
        "There is whitespace after `rua=`, which the grammar does not allow. Senders that follow RFC 8460 ignore \
         an invalid TLS-RPT record, so you receive no reports about failed TLS connections (MTA-STS itself still \
         works).",
        fix: "Delete the whitespace after `rua=`. Corrected record: {corrected}";
    rua_scheme(uri) => TlsrptRuaScheme,
        "The report address `{uri}` uses a scheme other than `mailto:` or `https:`; RFC 8460 supports only those \
         two, so senders do not deliver reports there.",
        fix: "Replace it with a `mailto:` or `https:` address, or delete it.";
    rua_no_address(uri, corrected) => TlsrptRuaInvalid,
        "`{uri}` has no e-mail address: `mailto:` must be followed by an address like tlsrpt@example.com. \
         Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed \
         TLS connections (MTA-STS itself still works).",
        fix: "Write the whole address after `mailto:`. Corrected record: {corrected}";
    rua_no_host(uri, corrected) => TlsrptRuaInvalid,
        "`{uri}` is not a usable https URL: it needs a host, like https://reports.example.com/tlsrpt. Senders \
         that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed TLS \
         connections (MTA-STS itself still works).",
        fix: "Give the URL the host that receives the reports. Corrected record: {corrected}";
    uri_empty(corrected) => TlsrptRuaInvalid,
        "The `rua` list has an empty entry (two commas in a row, or a comma at the start or end). Senders that \
         follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed TLS \
         connections (MTA-STS itself still works).",
        fix: "Delete the extra comma. Corrected record: {corrected}";
    uri_no_scheme(uri, corrected) => TlsrptRuaInvalid,
        "In `rua`, `{uri}` is not a URI: it needs a scheme such as `mailto:` or `https:` (a comma that belongs \
         inside a URI must be encoded as %2C). Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so \
         you receive no reports about failed TLS connections (MTA-STS itself still works).",
        fix: "Write each address as a URI, such as mailto:tlsrpt@example.com. Corrected record: {corrected}";
    uri_scheme_only(uri, corrected) => TlsrptRuaInvalid,
        "In `rua`, `{uri}` is a scheme with nothing after it. Senders that follow RFC 8460 ignore an invalid \
         TLS-RPT record, so you receive no reports about failed TLS connections (MTA-STS itself still works).",
        fix: "Complete the URI, or delete it. Corrected record: {corrected}";
    uri_exclamation(uri, corrected) => TlsrptRuaInvalid,
        "In `rua`, the URI `{uri}` contains `!`, which RFC 8460 requires to be written %21. Senders that follow \
         RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed TLS connections \
         (MTA-STS itself still works).",
        fix: "Write every `!` in the URI as %21. Corrected record: {corrected}";
    uri_chars(uri, bad, corrected) => TlsrptRuaInvalid,
        "In `rua`, the URI `{uri}` contains {bad}, which a URI cannot hold unencoded. Senders that follow \
         RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed TLS connections \
         (MTA-STS itself still works).",
        fix: "Percent-encode those characters (a space is %20). Corrected record: {corrected}";
    uri_percent(uri, corrected) => TlsrptRuaInvalid,
        "In `rua`, the URI `{uri}` has a `%` that is not followed by two hexadecimal digits. Senders that follow \
         RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed TLS connections \
         (MTA-STS itself still works).",
        fix: "Write a literal `%` as %25. Corrected record: {corrected}";
    uri_invalid(uri, corrected) => TlsrptRuaInvalid,
        "In `rua`, `{uri}` is not a valid URI. Senders that follow RFC 8460 ignore an invalid TLS-RPT record, so \
         you receive no reports about failed TLS connections (MTA-STS itself still works).",
        fix: "Correct the URI, or delete it. Corrected record: {corrected}";
    rua_missing(corrected) => TlsrptRuaMissing,
        "The record has no `rua` field, the required list of addresses that receive reports. Senders that follow \
         RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed TLS connections \
         (MTA-STS itself still works).",
        fix: "Add a `rua` field with a `mailto:` or `https:` address. Corrected record: {corrected}";
    rua_case(name, corrected) => TlsrptRuaMissing,
        "The record has no `rua` field: `{name}=` is not `rua=`, because field names are case-sensitive. Senders \
         that follow RFC 8460 ignore an invalid TLS-RPT record, so you receive no reports about failed TLS \
         connections (MTA-STS itself still works).",
        fix: "Write the field name as `rua`, in lower case. Corrected record: {corrected}";
    rua_unusable(corrected) => TlsrptRuaUnusable,
        "No `rua` address uses `mailto:` or `https:`, the only schemes RFC 8460 supports, so no report can be \
         delivered.",
        fix: "Add a `mailto:` or `https:` address. Corrected record: {corrected}";
    rua_fields(merged) => TlsrptRuaFields,
        "The record has several `rua` fields. RFC 8460 allows it, and senders that follow it send reports to \
         every address, but a sender that reads only the first `rua` field sends none to the others.",
        fix: "List all addresses in one `rua` field, separated by commas: {merged}";
}

#[cfg(test)]
mod tests {
    use super::TEMPLATES;
    use crate::finding::Code;

    /// Every grammar error ends its fix with the corrected record, which is also its artefact when complete.
    #[test]
    fn every_grammar_error_offers_the_corrected_record() {
        for t in TEMPLATES.iter().filter(|t| t.code.group() == Code::TlsrptInvalid) {
            assert!(t.fix.is_some_and(|f| f.ends_with("Corrected record: {corrected}")), "{}", t.id);
        }
    }
}
