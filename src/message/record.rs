//! The messages of the `_mta-sts` TXT record's rules (RFC 8461 §3.1; see [`crate::message`]).
//!
//! `{corrected}` is the whole record as the fix publishes it: every grammar error ends its fix with it, so
//! the fix can be pasted whichever error is read first. The rules the record shares with the TLS-RPT record
//! are picked by the shared parser through [`crate::record`]'s table of these functions.

templates! { "record";
    // ----- the rules both records share (the table in `crate::record`) -----
    not_ascii(bytes, corrected) => RecordNotAscii,
        "The record contains non-ASCII bytes ({bytes}), perhaps a typographic quote, dash or non-breaking space \
         that was pasted in. MTA-STS records must be plain US-ASCII. Senders that follow RFC 8461 ignore an \
         invalid record and treat the domain as having no MTA-STS policy, so mail to it is not protected.",
        fix: "Retype the record in plain ASCII. Corrected record: {corrected}";
    version_invalid(found, corrected) => RecordVersionInvalid,
        "The record begins with `{found}`, but the version must be exactly `v=STSv1` followed by `;`. Senders \
         that follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, so mail \
         to it is not protected.",
        fix: "Begin the record with `v=STSv1;`. Corrected record: {corrected}";
    version_unknown(found, corrected) => RecordVersionInvalid,
        "The record begins with `{found}`, but the only MTA-STS version is `v=STSv1`, and it must come first. \
         Senders that follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, \
         so mail to it is not protected.",
        fix: "Begin the record with `v=STSv1;`. Corrected record: {corrected}";
    version_missing(corrected) => RecordVersionMissing,
        "The record does not begin with `v=STSv1`, the required version field. Senders that follow RFC 8461 \
         ignore an invalid record and treat the domain as having no MTA-STS policy, so mail to it is not \
         protected.",
        fix: "Begin the record with `v=STSv1;`. Corrected record: {corrected}";
    version_case(found, corrected) => RecordVersionCase,
        "The record begins with `{found}`, but the version is case-sensitive and must be written exactly \
         `v=STSv1`. Senders that follow RFC 8461 discard records that do not begin with `v=STSv1;`, so they \
         find no MTA-STS record and mail to the domain is not protected.",
        fix: "Write the version as `v=STSv1`. Corrected record: {corrected}";
    leading_whitespace(corrected) => RecordLeadingWhitespace,
        "The record begins with whitespace before `v=STSv1`. Senders that follow RFC 8461 discard records that \
         do not begin exactly with `v=STSv1;`, so they find no MTA-STS record and mail to the domain is not \
         protected.",
        fix: "Delete the whitespace at the start of the record. Corrected record: {corrected}";
    version_not_first(corrected) => RecordVersionNotFirst,
        "`v=STSv1` is not the first field, but the record must begin with it. Senders that follow RFC 8461 \
         discard records that do not begin with `v=STSv1;`, so they find no MTA-STS record and mail to the \
         domain is not protected.",
        fix: "Move `v=STSv1;` to the start of the record. Corrected record: {corrected}";
    delimiter_missing(field, corrected) => RecordDelimiterMissing,
        "`{field}` follows `v=STSv1` without a `;` in between, but fields must be separated by `;`. Senders that \
         follow RFC 8461 discard records that do not begin with `v=STSv1;`, so they find no MTA-STS record and \
         mail to the domain is not protected.",
        fix: "Put a `;` right after `v=STSv1`. Corrected record: {corrected}";
    field_empty(corrected) => RecordFieldEmpty,
        "The record has an empty field (`;;` or `; ;`). The grammar allows only one `;` between fields and at \
         most one at the end. Senders that follow RFC 8461 ignore an invalid record and treat the domain as \
         having no MTA-STS policy, so mail to it is not protected.",
        fix: "Delete the extra `;`. Corrected record: {corrected}";
    trailing_whitespace(corrected) => RecordTrailingWhitespace,
        "The record ends with whitespace after its last field, but the grammar allows whitespace only around \
         `;`. Senders that follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS \
         policy, so mail to it is not protected.",
        fix: "Delete the whitespace at the end of the record, or end the record with `;`. Corrected record: \
              {corrected}";
    field_invalid(field, corrected) => RecordFieldInvalid,
        "The field `{field}` has no `=`, but every field is `name=value`, and fields are separated by `;`. \
         Senders that follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, \
         so mail to it is not protected.",
        fix: "Write the field as `name=value`, or delete it. Corrected record: {corrected}";
    field_whitespace(field, name, value, corrected) => RecordFieldWhitespace,
        "The field `{field}` has whitespace around `=`, which the grammar does not allow. Senders that follow \
         RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, so mail to it is \
         not protected.",
        fix: "Write the field as `{name}={value}`. Corrected record: {corrected}";
    extension_name_empty(field, corrected) => RecordExtensionInvalid,
        "The field `{field}` has no name before `=`. Senders that follow RFC 8461 ignore an invalid record and \
         treat the domain as having no MTA-STS policy, so mail to it is not protected.",
        fix: "Give the field a name, or delete it. Corrected record: {corrected}";
    extension_name_start(field, name, corrected) => RecordExtensionInvalid,
        "In the field `{field}`, the name `{name}` does not begin with a letter or digit, as every field name \
         must. Senders that follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS \
         policy, so mail to it is not protected.",
        fix: "Rename the field so that it begins with a letter or digit, or delete it. Corrected record: \
              {corrected}";
    extension_name_chars(field, name, bad, corrected) => RecordExtensionInvalid,
        "In the field `{field}`, the name `{name}` contains {bad}, but a field name may hold only letters, \
         digits, `_`, `-` and `.`. Senders that follow RFC 8461 ignore an invalid record and treat the domain \
         as having no MTA-STS policy, so mail to it is not protected.",
        fix: "Rename the field, or delete it. Corrected record: {corrected}";
    extension_name_long(field, name, length, corrected) => RecordExtensionInvalid,
        "In the field `{field}`, the name `{name}` is {length} characters long, but a field name has at most 32. \
         Senders that follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, \
         so mail to it is not protected.",
        fix: "Shorten the name to at most 32 characters, or delete the field. Corrected record: {corrected}";
    extension_value_empty(field, name, corrected) => RecordExtensionInvalid,
        "The field `{field}` has an empty value, but a field needs at least one character after `=`. Senders \
         that follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, so mail \
         to it is not protected.",
        fix: "Give `{name}` a value, or delete the field. Corrected record: {corrected}";
    extension_value_chars(field, name, bad, corrected) => RecordExtensionInvalid,
        "The value of the field `{field}` contains {bad}, but a field value may hold only visible ASCII \
         characters other than `=` and `;`. Senders that follow RFC 8461 ignore an invalid record and treat the \
         domain as having no MTA-STS policy, so mail to it is not protected.",
        fix: "Remove those characters from the value of `{name}`, or delete the field. Corrected record: \
              {corrected}";
    extension_invalid(field, corrected) => RecordExtensionInvalid,
        "The field `{field}` is not a valid `name=value` field. Senders that follow RFC 8461 ignore an invalid \
         record and treat the domain as having no MTA-STS policy, so mail to it is not protected.",
        fix: "Correct the field, or delete it. Corrected record: {corrected}";
    ambiguous_delimiter(corrected) => RecordAmbiguousDelimiter,
        "The record has whitespace before its first `;` (`v=STSv1 ;`). The grammar allows it, but RFC 8461 §3.1 \
         also says senders discard records that do not begin with `v=STSv1;` (erratum 6285): senders that \
         filter on that exact prefix discard the record and find no policy, while others use it.",
        fix: "Delete the whitespace before the `;`: {corrected}";
    discarded_bare() => RecordDiscarded,
        "This record is only `v=STSv1`, without the `;` and the `id`. RFC 8461 §3.1 discards records that do not \
         begin with `v=STSv1;`, so senders that follow it use the other record; but a sender that selects \
         records by the prefix `v=STSv1` alone counts two MTA-STS records and then ignores MTA-STS.",
        fix: "Delete this record.";
    discarded_leading_whitespace() => RecordDiscarded,
        "This record looks like a second MTA-STS record, but it begins with whitespace, so it does not begin \
         exactly with `v=STSv1;`. Senders that follow RFC 8461 discard it and use the other record; senders that \
         read it anyway see two records and then ignore MTA-STS.",
        fix: "Delete this record.";
    discarded_case(found) => RecordDiscarded,
        "This record looks like a second MTA-STS record, but it begins with `{found}`, not `v=STSv1`: the \
         version is case-sensitive. Senders that follow RFC 8461 discard it and use the other record; senders \
         that read it anyway see two records and then ignore MTA-STS.",
        fix: "Delete this record.";
    discarded_delimiter() => RecordDiscarded,
        "This record looks like a second MTA-STS record, but its version is not followed directly by `;`, so it \
         does not begin exactly with `v=STSv1;`. Senders that follow RFC 8461 discard it and use the other \
         record; senders that read it anyway see two records and then ignore MTA-STS.",
        fix: "Delete this record.";
    discarded_not_first() => RecordDiscarded,
        "This record looks like a second MTA-STS record, but `v=STSv1` is not its first field, so it does not \
         begin with `v=STSv1;`. Senders that follow RFC 8461 discard it and use the other record; senders that \
         read it anyway see two records and then ignore MTA-STS.",
        fix: "Delete this record.";
    missing(example) => RecordMissing,
        "There is no MTA-STS TXT record at `_mta-sts.<your domain>` (none begins with `v=STSv1;`), so senders do \
         not look for a policy and mail to the domain is not protected by MTA-STS.",
        fix: "Publish a TXT record at _mta-sts.<your domain> once the policy is served at \
              https://mta-sts.<your domain>/.well-known/mta-sts.txt: {example} (any 1–32 letters and digits; \
              change the id whenever the policy changes)";
    multiple(count, keep) => RecordMultiple,
        "There are {count} MTA-STS records at `_mta-sts`. With more than one, RFC 8461 §3.1 requires senders to \
         assume there is no MTA-STS policy, so mail is not protected.",
        fix: "Delete all but one record; keep: {keep}";

    // ----- the record's own rules -----
    id_empty(corrected) => RecordIdInvalid,
        "The `id` field is empty, but the id must be 1 to 32 letters and digits. Senders that follow RFC 8461 \
         ignore an invalid record and treat the domain as having no MTA-STS policy, so mail to it is not \
         protected.",
        fix: "Give the record an id of 1 to 32 letters and digits, such as the date and time of the change. \
              Corrected record: {corrected}";
    id_chars(id, bad, corrected) => RecordIdInvalid,
        "The id `{id}` contains {bad}, but an id may hold only letters and digits (no `-`, `:`, `.` or spaces). \
         Senders that follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, \
         so mail to it is not protected.",
        fix: "Write the id with letters and digits only. Corrected record: {corrected}";
    id_long(id, length, corrected) => RecordIdInvalid,
        "The id `{id}` is {length} characters long, but an id has at most 32 letters and digits. Senders that \
         follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, so mail to \
         it is not protected.",
        fix: "Shorten the id to at most 32 letters and digits. Corrected record: {corrected}";
    repeated_id_empty(field, corrected) => RecordIdInvalid,
        "The field `{field}` repeats `id` with an empty value. Senders ignore a repeated field (RFC 8461 §3.2), \
         but the record must still follow the grammar, and a field without a value does not. Senders that \
         follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, so mail to \
         it is not protected.",
        fix: "Delete the repeated `id` field. Corrected record: {corrected}";
    repeated_id_chars(field, bad, corrected) => RecordIdInvalid,
        "The field `{field}` repeats `id`, and its value contains {bad}, which no field value may hold. Senders \
         ignore a repeated field (RFC 8461 §3.2), but the record must still follow the grammar. Senders that \
         follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, so mail to \
         it is not protected.",
        fix: "Delete the repeated `id` field. Corrected record: {corrected}";
    id_missing(corrected) => RecordIdMissing,
        "The record has no `id` field. The id is required: it tells senders when to fetch the policy again. \
         Senders that follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, \
         so mail to it is not protected.",
        fix: "Add an id of 1 to 32 letters and digits, such as the date and time of the change. Corrected \
              record: {corrected}";
    id_case(name, corrected) => RecordIdMissing,
        "The record has no `id` field: `{name}=` is not `id=`, because field names are case-sensitive. Senders \
         that follow RFC 8461 ignore an invalid record and treat the domain as having no MTA-STS policy, so mail \
         to it is not protected.",
        fix: "Write the field name as `id`, in lower case. Corrected record: {corrected}";
    bare_version(corrected) => RecordDelimiterMissing,
        "The record is only `v=STSv1`: it has no `;` and no `id`. Senders discard records that do not begin \
         with `v=STSv1;`, and a record without an id is invalid, so senders that follow RFC 8461 treat the \
         domain as having no MTA-STS policy and mail to it is not protected.",
        fix: "Add the `;` and an id of 1 to 32 letters and digits. Corrected record: {corrected}";
    duplicate_field(name) => RecordDuplicateField,
        "The field `{name}` appears more than once. RFC 8461 §3.2 says every entry after the first is ignored, \
         so the first one counts.",
        fix: "Keep only one `{name}` field.";
    other_txt_empty() => RecordOtherTxt,
        "An empty TXT record is not an MTA-STS record (it does not begin with `v=STSv1;`), so senders that \
         follow RFC 8461 discard it.",
        fix: "Delete it, so that `_mta-sts` holds the MTA-STS record alone.";
    other_txt(record) => RecordOtherTxt,
        "`{record}` is not an MTA-STS record (it does not begin with `v=STSv1;`), so senders that follow \
         RFC 8461 discard it.",
        fix: "Publish it under another name or delete it, so that `_mta-sts` holds the MTA-STS record alone.";
    other_txt_prefix(record) => RecordOtherTxt,
        "`{record}` is not an MTA-STS record: it begins with `v=STSv1` but not with `v=STSv1;`, so senders that \
         follow RFC 8461 discard it. A sender that selects records by the prefix `v=STSv1` alone, though, \
         counts it as a second MTA-STS record and then ignores MTA-STS.",
        fix: "Publish it under another name or delete it, so that `_mta-sts` holds the MTA-STS record alone.";
}

#[cfg(test)]
mod tests {
    use super::TEMPLATES;
    use crate::finding::Code;

    /// Every grammar error ends its fix with the corrected record, which is also its artefact when complete.
    #[test]
    fn every_grammar_error_offers_the_corrected_record() {
        for t in TEMPLATES.iter().filter(|t| t.code.group() == Code::RecordInvalid) {
            assert!(t.fix.is_some_and(|f| f.ends_with("Corrected record: {corrected}")), "{}", t.id);
        }
    }
}
