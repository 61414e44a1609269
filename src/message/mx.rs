//! Why a text is not a usable `mx` pattern (RFC 8461 §3.2), as the clause a finding or a refusal quotes:
//! the words of [`crate::mx::MxPatternError`]. Clauses, not sentences: they follow a colon.

texts! { "mx";
    empty() => "the mx value is empty; write the host name of an MX server, e.g. `mail.example.com`";
    whitespace(text) => "`{text}` contains whitespace; an mx pattern is a single host name";
    u_label(text, a_label) =>
        "`{text}` is written with Unicode (U-label) characters; RFC 8461 §3.2 requires the Punycode A-label \
         form, `{a_label}`";
    not_ascii(text) => "`{text}` contains non-ASCII characters that do not form a valid internationalized name";
    address_or_port(text) =>
        "`{text}` looks like an address literal or includes a port; an mx pattern is a host name only, e.g. \
         `mail.example.com`";
    no_host(text) => "`{text}` names no host; write a host name such as `mail.example.com` or `*.example.com`";
    trailing_dot(text) => "`{text}` ends with a dot; policy mx patterns are written without the trailing dot";
    leading_dot(text) =>
        "`{text}` starts with a dot; that is the suffix notation of drafts and other TLS policy tables, which \
         RFC 8461 replaced with `*{text}`";
    star_in_label(text, parent) =>
        "`{text}` puts `*` inside a label; the wildcard must be the whole left-most label, as in `*.{parent}`";
    star_after_first(text) =>
        "`{text}` has `*` after the first label; a wildcard may only be the whole left-most label";
    empty_label(text) => "`{text}` has an empty label (two dots in a row, or a dot at an edge)";
    underscore(text) => "`{text}` contains `_`; host names allow only letters, digits and hyphens";
    hyphen(label, text) =>
        "the label `{label}` in `{text}` starts or ends with a hyphen, which host names do not allow";
    character(text, character) => "`{text}` contains `{character}`; host names allow only letters, digits and hyphens";
    not_a_host_name(text) => "`{text}` is not a host name (RFC 5321 Domain) or `*.` followed by one";
    label_too_long(text, label, length, max) =>
        "`{text}`: the label `{label}` is {length} characters long; DNS labels are at most {max}";
    name_too_long(text, length, max) => "`{text}`: the name is {length} characters long; DNS names are at most {max}";
}
