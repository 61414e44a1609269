//! The words of the TLS-RPT report reader ([`crate::report`], RFC 8460 §4–5): why a file could not be read,
//! what was tolerated in a report that was read, and what each result type means.
//!
//! An error is one sentence (or two) saying what is wrong and what to do; a note says what the reader did
//! with a departure from the RFC so that a reader of the totals knows where they come from. `{report}` is
//! [`report_label`]'s words for one report.

texts! { "report";
    // ----- a file that could not be read -----
    file_empty(file) =>
        "{file} is empty. Choose the report itself: a .json or .json.gz file, or the email it came in.";
    not_a_report(file) =>
        "{file} is not a TLS-RPT report: it is neither JSON, nor gzip, nor an email. Choose the report itself \
         (a .json or .json.gz file) or the email it came in (.eml).";
    not_json(file, detail) =>
        "{file} is not valid JSON ({detail}), so it cannot be a TLS-RPT report (RFC 8460 §4). Save the report \
         again from the email it came in, and retry.";
    not_tlsrpt(file) =>
        "{file} is JSON but not a TLS-RPT report: it has no `policies` list (RFC 8460 §4.4). Choose a report \
         that a sender sent to the `rua` address of your `_smtp._tls` record.";
    field_type(file, detail) =>
        "{file} looks like a TLS-RPT report, but a field has a type RFC 8460 §4.4 does not allow ({detail}), so \
         it was not read. Ask the sender of the report about it.";
    dmarc(file) =>
        "{file} is a DMARC aggregate report, not a TLS-RPT report. Read it with a DMARC report viewer; TLS-RPT \
         reports are the JSON files sent to the `rua` address of your `_smtp._tls` record.";
    xml(file) =>
        "{file} is XML, not a TLS-RPT report (those are JSON, RFC 8460 §4). Choose a .json or .json.gz report, \
         or the email it came in.";
    zip(file) =>
        "{file} is a zip archive, but TLS-RPT reports are plain or gzip-compressed JSON (RFC 8460 §5.2); zip is \
         what DMARC aggregate reports often come in. Choose a .json or .json.gz report, or the email it came in.";
    gzip_truncated(file) =>
        "{file} is a gzip file that ends early: it was cut off. Save the attachment again from the email, and \
         retry.";
    gzip_corrupt(file, detail) =>
        "{file} is a gzip file that cannot be decompressed ({detail}). Save the attachment again from the \
         email, and retry.";
    too_large(file, limit) =>
        "{file} decompresses to more than {limit} MB, far more than a real TLS-RPT report, so it was not read. \
         Check that this is the report you meant to open.";
    too_deep(file) =>
        "{file} is compressed inside compressed data too many times to be a TLS-RPT report. Check that this is \
         the report you meant to open.";
    email_without_report(file) =>
        "{file} is an email without a TLS-RPT report in it: no `application/tlsrpt+gzip`, \
         `application/tlsrpt+json` or gzip or JSON attachment (RFC 8460 §5.3). Choose an email that a sender \
         sent to the `rua` address of your `_smtp._tls` record.";

    // ----- what was tolerated in a report that was read -----
    report_label(report_id, organization) => "Report `{report_id}` from {organization}";
    mx_host_string(report) =>
        "{report} gives `mx-host` as one string, not as an array of strings (RFC 8460 §4.4); it was read as a \
         list of one pattern.";
    mx_host_missing(report, count) =>
        "{report} has policy entries without `mx-host` ({count}; RFC 8460 §4.4 asks for it), so their MX \
         patterns are not shown.";
    policy_string_missing(report, count) =>
        "{report} has policy entries without `policy-string` ({count}; RFC 8460 §4.4 asks for it), so the \
         policy the sender applied is not shown.";
    policy_string_encoded(report) =>
        "{report} gives the TLSA `policy-string` as one JSON-encoded array inside a string, not as an array of \
         strings (RFC 8460 §4.5); it was decoded.";
    policy_domain_missing(report, count) =>
        "{report} has policy entries without `policy-domain` ({count}; RFC 8460 §4.4 asks for it); their \
         sessions are counted under no domain.";
    sending_ip_missing(report, count) =>
        "{report} has failure details without `sending-mta-ip` ({count}; RFC 8460 §4.4 asks for it), so the \
         sending server of those failures is not known.";
    mx_hostname_missing(report, count) =>
        "{report} has failure details without `receiving-mx-hostname` ({count}; RFC 8460 §4.4 asks for it), so \
         it is not known which of your MX hosts those failures were about.";
    contact_missing(report) =>
        "{report} has no `contact-info` (RFC 8460 §4.4 asks for the email address of the party responsible for \
         the report).";
    report_id_missing(organization, file) =>
        "A report from {organization} in {file} has no `report-id` (RFC 8460 §4.4), so it cannot be recognised \
         if it is read twice.";
    date_range_not_a_day(report, start, end) =>
        "{report} covers {start} to {end}, not one UTC day from 00:00 to 24:00 (RFC 8460 §4.1 says it SHOULD); \
         compare its counts with those of other reports with care.";
    date_range_missing(report) =>
        "{report} has no readable `date-range` (RFC 8460 §4.4), so the day it covers is not known.";
    result_type_unknown(report, result_type) =>
        "{report} uses the result type `{result_type}`, which is not one of those of RFC 8460 §4.3; its sessions \
         are counted under that name.";
    count_not_integer(report, count) =>
        "{report} gives session counts as text or as decimal numbers ({count}), not as integers (RFC 8460 \
         §4.4); each was read as the whole number it holds.";
    json_array(file, count) =>
        "{file} holds {count} reports in one JSON array, not one report per file (RFC 8460 §4.4); each was \
         read.";
    duplicate(report, file, first) =>
        "{report} in {file} was already read from {first}; it is counted once.";

    // ----- the summary's labels (crate::report::summary) -----
    headline(successful, failed, reports, files) =>
        "{successful} successful and {failed} failed TLS sessions in {reports} from {files}.";
    no_policy_domain() => "(no policy domain)";
    no_organization() => "(no organization name)";
    unknown_day() => "(date unknown)";
    day_bar(day, successful, failed) => "{day}: {successful} successful, {failed} failed";
    chart_title(days, max) =>
        "Successful and failed TLS sessions per day, {days} days; the tallest bar is {max} sessions.";

    // ----- the policy each sender applied against the live one (crate::report::live) -----
    live_one_report() => "1 report";
    live_reports(count) => "{count} reports";
    live_one_sender() => "1 sender";
    live_senders(count) => "{count} senders";
    live_same(organization, domain, reports) =>
        "{organization} applied the live policy of {domain} ({reports}).";
    live_older(organization, domain, reports, changes) =>
        "{organization} applied an older policy of {domain} ({reports}): {changes}. Either the policy changed \
         without a new `id` in the `_mta-sts` record, so this sender kept its cached copy (RFC 8461 §3.1), or its \
         copy had not yet expired (`max_age`, RFC 8461 §3.2). Change the `id` after every change of the policy \
         (RFC 8461 §8.1), and expect senders to keep an old policy until its `max_age` has passed.";
    live_record_id(id) => "The live `_mta-sts` record has `id={id}`.";
    live_line_added(line) => "the live policy has `{line}`, the sender's had not";
    live_line_removed(line) => "the sender's had `{line}`, the live policy has not";
    live_all_same(domain) => "Every sender applied the policy live at {domain} now.";
    live_some_older(domain, senders) =>
        "{senders} applied an older policy of {domain} than the one live now.";
    live_unavailable(domain) =>
        "{domain} has no valid policy live now, so the policies senders applied cannot be compared with it. \
         Check {domain} to see why.";
    live_nothing_reported(domain) =>
        "No report gives the `policy-string` a sender applied for {domain} (RFC 8460 §4.4), so there is nothing \
         to compare with the live policy.";

    // ----- what each result type means (RFC 8460 §4.3), one line each -----
    result_starttls_not_supported() =>
        "The MX host did not offer STARTTLS, so the sender could not encrypt the connection.";
    result_certificate_host_mismatch() =>
        "The MX host's certificate does not name the host the sender connected to, as the policy requires.";
    result_certificate_expired() => "The MX host's certificate has expired.";
    result_certificate_not_trusted() =>
        "The MX host's certificate is not trusted: an unknown or self-signed issuer, or a broken chain.";
    result_validation_failure() =>
        "TLS validation failed for another reason; the failure reason code says which.";
    result_tlsa_invalid() => "None of the MX host's DANE TLSA records matched its certificate.";
    result_dnssec_invalid() => "The sender's resolver returned no DNSSEC-valid answer for the DANE lookup.";
    result_dane_required() =>
        "The sender requires DANE for your domain, but the MX host has no DNSSEC-validated TLSA records.";
    result_sts_policy_fetch_error() =>
        "The sender could not fetch your MTA-STS policy from https://mta-sts.<your domain>/.well-known/mta-sts.txt.";
    result_sts_policy_invalid() => "The sender found your MTA-STS policy invalid.";
    result_sts_webpki_invalid() =>
        "The certificate of your MTA-STS policy host (mta-sts.<your domain>) is not valid, so the policy \
         could not be trusted.";
    result_other() => "A result type that RFC 8460 does not define; the sender's documentation may explain it.";
}
