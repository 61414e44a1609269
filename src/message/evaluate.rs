//! The messages of the evaluator, the pre-flight and the generator (see [`crate::message`]): what the
//! DNS lookups, the policy host, the policy fetch, the MX coverage and the comparison with a draft found.
//!
//! Two tables: [`TEMPLATES`], one finding per template, and [`TEXTS`], the words that are not a finding of
//! their own (the report's summary, why a lookup failed, the fix paragraphs added to the parsers' fixes,
//! the generator's notes).

templates! { "evaluate";
    // ----- The _mta-sts TXT record (RFC 8461 §3.1) -----
    record_lookup_failed(name, reason) => RecordLookupFailed,
        "The lookup of the TXT record {name} failed: {reason}. Senders that hit the same failure keep using a \
         policy they cached earlier, or deliver without MTA-STS.",
        fix: "This is usually temporary: run the check again. If the lookup keeps failing, check that the \
              domain's name servers answer for {name}.";
    /// `_mta-sts` is a CNAME; `chain` is every name it leads through, `target` the last.
    record_cname(name, target, chain, host) => RecordCname,
        "{name} is a CNAME to {target} (chain: {chain}); senders follow it (RFC 8461 §3.1). This is how \
         MTA-STS is delegated to a provider; the policy host {host} must still serve a certificate for {host} \
         itself.";
    /// The parser's record-missing finding, told for the domain with the steps to deploy MTA-STS.
    record_missing(domain, name, url, id) => RecordMissing,
        "{domain} publishes no MTA-STS record: no TXT record at {name} begins with v=STSv1. Senders do not \
         look for a policy and deliver without requiring TLS.",
        fix: "To deploy MTA-STS:\n1. Publish the policy file at {url} (start with `mode: testing`).\n2. Then \
              publish this TXT record at {name}:\n\nv=STSv1; id={id};";
    dnssec_unsigned(name) => DnssecUnsigned,
        "The resolver did not mark the answer for {name} as DNSSEC-validated. Without DNSSEC an attacker on \
         the path can hide the record on a sender's first contact (RFC 8461 §10.2); DANE (RFC 7672) closes \
         that gap where DNSSEC is available.";

    // ----- The policy host and the policy fetch (RFC 8461 §3.3) -----
    /// The observations hold no policy fetch although the record is usable.
    policy_not_fetched(url) => PolicyFetchFailed,
        "The check did not fetch the policy from {url}, so it cannot tell whether senders can use it.",
        fix: "Run the full check again.";
    host_no_address(host, domain) => PolicyHostNoAddress,
        "The policy host {host} has no A or AAAA record, so no sender can fetch the policy and all of them \
         ignore MTA-STS for {domain}.",
        fix: "Create an A and/or AAAA record (or a CNAME) for {host} pointing to the web server that serves \
              the policy, with a certificate valid for {host}.";
    /// `detail`: the addresses that were refused.
    host_not_public(host, detail, domain) => PolicyHostNotPublic,
        "The policy host {host} resolves to an address that is not reachable from the internet ({detail}), \
         so no sender can fetch the policy and all of them ignore MTA-STS for {domain}. The check does not \
         connect to such addresses.",
        fix: "Point the A and AAAA records of {host} at the public address of the web server that serves the \
              policy.";
    /// The TLS handshake with the policy host failed; `detail` is what the TLS library said.
    fetch_tls(host, parent, detail, domain) => PolicyTlsInvalid,
        "The HTTPS connection to {host} failed ({detail}): its certificate is not valid for {host} (expired, \
         untrusted, or issued for another name), or the TLS handshake failed. Senders that cannot fetch the \
         policy deliver as though {domain} had no MTA-STS policy (RFC 8461 §3.3), unless they cached it \
         earlier.",
        fix: "Serve on {host} a certificate that is unexpired, issued by a public certificate authority and \
              valid for {host} (or *.{parent}), together with its intermediate certificates.";
    fetch_dns(host, detail, domain) => PolicyFetchFailed,
        "The name {host} does not resolve ({detail}). Senders that cannot fetch the policy deliver as though \
         {domain} had no MTA-STS policy (RFC 8461 §3.3), unless they cached it earlier.",
        fix: "Create an A and/or AAAA record (or a CNAME) for {host} pointing to the web server that serves \
              the policy.";
    fetch_connect(host, detail, domain) => PolicyFetchFailed,
        "No HTTPS connection to {host} on port 443 could be made ({detail}). Senders that cannot fetch the \
         policy deliver as though {domain} had no MTA-STS policy (RFC 8461 §3.3), unless they cached it \
         earlier.",
        fix: "Make the web server of {host} accept HTTPS connections on port 443 from the internet: check that \
              it runs and that no firewall blocks the port.";
    fetch_timeout(host, detail, domain) => PolicyFetchFailed,
        "{host} did not deliver the policy within the check's time budget ({detail}). Senders that cannot \
         fetch the policy deliver as though {domain} had no MTA-STS policy (RFC 8461 §3.3), unless they \
         cached it earlier.",
        fix: "Make {host} answer within a few seconds. RFC 8461 §3.3 suggests that senders give up after a \
              minute; a policy of a few lines needs far less.";
    fetch_network(host, url, detail, domain) => PolicyFetchFailed,
        "The policy fetch from {host} failed ({detail}). Senders that cannot fetch the policy deliver as \
         though {domain} had no MTA-STS policy (RFC 8461 §3.3), unless they cached it earlier.",
        fix: "Check that {url} loads over HTTPS from outside your own network.";
    /// `target`: the Location header.
    redirect(url, status, target) => PolicyRedirect,
        "{url} answered with a redirect (HTTP {status} to {target}). Senders must not follow redirects \
         (RFC 8461 §3.3), so they ignore the policy; some checkers follow them silently and report the domain \
         as fine.",
        fix: "Serve the policy file itself at {url} with status 200: remove the redirect (often an http→https, \
              www or trailing-slash rule) for /.well-known/mta-sts.txt.";
    redirect_no_location(url, status) => PolicyRedirect,
        "{url} answered with a redirect (HTTP {status}, without a Location header). Senders must not follow \
         redirects (RFC 8461 §3.3), so they ignore the policy.",
        fix: "Serve the policy file itself at {url} with status 200: remove the redirect (often an http→https, \
              www or trailing-slash rule) for /.well-known/mta-sts.txt.";
    http_status(url, status, domain) => PolicyHttpStatus,
        "{url} answered HTTP {status} instead of 200. A policy is only valid with status 200 \
         (RFC 8461 §3.3), so a sender that follows the RFC ignores it and delivers as though {domain} had no \
         MTA-STS policy.",
        fix: "Make {url} return the policy file with status 200 (check the file's path and name: \
              .well-known/mta-sts.txt).";
    /// `size`: the bytes received.
    too_large(size) => PolicyTooLarge,
        "The policy body is {size} bytes. RFC 8461 §3.3 lets senders limit the size of the policy and \
         suggests 64 KiB as the limit; a sender with such a limit sees a cut policy or none at all. A policy \
         needs only a few lines.",
        fix: "Reduce the policy file to its fields: `version`, `mode`, one `mx` line per MX host and \
              `max_age`. Such a policy is a few hundred bytes.";
    /// The shell stopped reading after `size` bytes.
    too_large_truncated(size) => PolicyTooLarge,
        "The policy body is more than {size} bytes. RFC 8461 §3.3 lets senders limit the size of the policy \
         and suggests 64 KiB as the limit; a sender with such a limit sees a cut policy or none at all. A \
         policy needs only a few lines.",
        fix: "Reduce the policy file to its fields: `version`, `mode`, one `mx` line per MX host and \
              `max_age`. Such a policy is a few hundred bytes.";
    /// One address family of the policy host fails while the other works; `record` is `A` or `AAAA`.
    host_unreachable(host, family, address, class, detail, record) => PolicyHostUnreachable,
        "{host} answers over one address family, but not over {family} at {address} ({class}: {detail}). \
         Senders that connect over {family} cannot fetch the policy and deliver as though there were none \
         (RFC 8461 §3.3).",
        fix: "Make the web server of {host} listen on {address} port 443 with the same certificate, or remove \
              the {record} record that points there.";
    /// `from` and `until`: the certificate's validity, as UTC dates.
    cert_expired(host, from, until) => PolicyTlsInvalid,
        "The certificate of {host} expired (valid from {from} to {until}), so senders cannot fetch the policy \
         and ignore MTA-STS for this domain (RFC 8461 §3.3).",
        fix: "Renew the certificate of {host} and check that its automatic renewal works.";
    cert_not_yet_valid(host, from, until) => PolicyTlsInvalid,
        "The certificate of {host} is not valid yet (valid from {from} to {until}), so senders cannot fetch \
         the policy and ignore MTA-STS for this domain (RFC 8461 §3.3).",
        fix: "Serve a certificate of {host} that is valid now; if this one was just issued, check the clock of \
              the machine that requested it.";
    cert_expiring(host, days, until) => PolicyCertExpiring,
        "The certificate of {host} expires in {days} days ({until}). When it expires, senders can no longer \
         fetch the policy.",
        fix: "Renew the certificate of {host} now, and check why automatic renewal has not run.";
    cert_expiring_one_day(host, until) => PolicyCertExpiring,
        "The certificate of {host} expires in 1 day ({until}). When it expires, senders can no longer fetch \
         the policy.",
        fix: "Renew the certificate of {host} now, and check why automatic renewal has not run.";
    cert_expiring_today(host, until) => PolicyCertExpiring,
        "The certificate of {host} expires in less than a day ({until}). When it expires, senders can no \
         longer fetch the policy.",
        fix: "Renew the certificate of {host} now, and check why automatic renewal has not run.";
    /// `names`: the certificate's DNS names, listed; `parent`: the policy host less its first label.
    cert_wrong_name(host, names, parent) => PolicyTlsInvalid,
        "The certificate of {host} is issued for {names}, not for {host}. Senders match the policy host's name \
         against the certificate's DNS names only, so they ignore the policy (RFC 8461 §3.3).",
        fix: "Get a certificate whose subjectAltName includes {host} (or *.{parent}).";
    cert_no_names(host, parent) => PolicyTlsInvalid,
        "The certificate of {host} carries no DNS names at all. Senders match the policy host's name against \
         the certificate's DNS names only, so they ignore the policy (RFC 8461 §3.3).",
        fix: "Get a certificate whose subjectAltName includes {host} (or *.{parent}).";
    /// `media_type`: the Content-Type without its parameters.
    content_type(media_type, host) => PolicyContentType,
        "The policy is served as {media_type}, not text/plain. RFC 8461 §3.2 says senders SHOULD check the \
         media type, so a sender that does rejects the policy and delivers as though there were none.",
        fix: "Configure the web server of {host} to send `Content-Type: text/plain` (charset=utf-8 is fine) \
              for /.well-known/mta-sts.txt.";
    content_type_missing(host) => PolicyContentType,
        "The policy is served without a Content-Type, not as text/plain. RFC 8461 §3.2 says senders SHOULD \
         check the media type, so a sender that does rejects the policy and delivers as though there were \
         none.",
        fix: "Configure the web server of {host} to send `Content-Type: text/plain` (charset=utf-8 is fine) \
              for /.well-known/mta-sts.txt.";
    cache_control(seconds, host) => PolicyCacheControl,
        "The policy is served with Cache-Control max-age={seconds}. Senders never use HTTP caching \
         (RFC 8461 §3.3), but a CDN or proxy in front of {host} may keep serving an old policy for that long \
         after you change it.",
        fix: "If a CDN or proxy serves {host}, send at most `Cache-Control: max-age=60` for \
              /.well-known/mta-sts.txt, as RFC 8461 §8.2 suggests.";

    // ----- MX coverage (RFC 8461 §4.1) -----
    mx_lookup_failed(domain, reason) => MxLookupFailed,
        "The MX lookup for {domain} failed: {reason}, so the check cannot tell whether the policy covers the \
         mail servers.",
        fix: "Run the check again. If the lookup keeps failing, check the domain's name servers.";
    mx_null(domain) => MxNull,
        "{domain} publishes a null MX (RFC 7505): it accepts no mail, so MTA-STS has nothing to protect.";
    mx_tlsa(host, name, count) => MxTlsa,
        "The MX host {host} publishes DNSSEC-validated TLSA records ({count}) at {name}: senders that support \
         DANE (RFC 7672) check its certificate against them, and RFC 8461 §2 forbids letting MTA-STS override \
         a failed DANE check. Some senders then apply DANE instead of the MTA-STS policy (see the senders).",
        fix: "When the certificate or key of {host} changes, publish the new TLSA record at {name} a few TTLs \
              before the new certificate is used (RFC 7671 §8.1), or DANE senders refuse to deliver to {host}.";
    mx_tlsa_unvalidated(host, name) => MxTlsaUnusable,
        "The MX host {host} publishes TLSA records at {name}, but the resolver did not validate them with \
         DNSSEC, so no sender uses them: DANE requires DNSSEC-signed TLSA records (RFC 7672 §2.2.3). Only \
         MTA-STS protects mail to {host}.",
        fix: "Sign the zone of {host} with DNSSEC and publish its DS record at the parent zone, or remove the \
              TLSA records at {name}.";
    mx_tlsa_not_usable(host, name) => MxTlsaUnusable,
        "The MX host {host} publishes DNSSEC-validated TLSA records at {name}, but none that mail senders can \
         use: RFC 7672 §3.1.3 has them treat usages PKIX-TA (0) and PKIX-EE (1) as unusable, and only \
         selectors 0 and 1 with matching types 0, 1 (a SHA-256 digest) and 2 (SHA-512) are defined.",
        fix: "Publish a DANE-EE record for the key of {host}, `{name}. IN TLSA 3 1 1 <SHA-256 of its \
              SubjectPublicKeyInfo>`, or a DANE-TA (2) record for the CA that issues its certificate.";
    mx_none(domain) => MxNone,
        "{domain} publishes no MX records, so senders deliver to the domain's own address (the implicit MX \
         of RFC 5321 §5.1), and the policy must cover the host name {domain} itself.",
        fix: "If {domain} receives mail, publish MX records for it and list their host names in the policy's \
              `mx` lines; if it receives none, publish a null MX (RFC 7505) instead.";
    /// Under `enforce`. The fix publishes `policy` (which adds the uncovered hosts) and then the new `id`.
    mx_not_covered(host, url, policy, name, id) => MxNotCovered,
        "The MX host {host} matches no mx pattern of the policy, so senders that enforce MTA-STS refuse to \
         deliver to it: mail routed there bounces or waits.",
        fix: "1. Publish this policy at {url}:\n\n{policy}\n2. Then change the TXT record at {name} to \
              `v=STSv1; id={id};` so that senders fetch the new policy (policy first, then the id: \
              RFC 8461 §8.1).";
    /// Under `testing` (the emitter lowers the severity to a warning, RFC 8461 §5).
    mx_not_covered_testing(host, url, policy, name, id) => MxNotCovered,
        "The MX host {host} matches no mx pattern of the policy. In testing mode senders still deliver to it, \
         but report a failure; in enforce mode mail routed there would bounce.",
        fix: "1. Publish this policy at {url}:\n\n{policy}\n2. Then change the TXT record at {name} to \
              `v=STSv1; id={id};` so that senders fetch the new policy (policy first, then the id: \
              RFC 8461 §8.1).";
    /// Under `enforce`, with a wildcard `pattern` that would cover the host one label higher (`*.{parent}`).
    mx_not_covered_deep(host, pattern, parent, url, policy, name, id) => MxNotCovered,
        "The MX host {host} matches no mx pattern of the policy, so senders that enforce MTA-STS refuse to \
         deliver to it: mail routed there bounces or waits. The pattern {pattern} is close, but its `*` stands \
         for exactly one label (RFC 8461 §4.1): it matches `mx.{parent}`, not the deeper `{host}`.",
        fix: "Add `mx: {host}` (or a wildcard one level deeper) to the policy:\n1. Publish this policy at \
              {url}:\n\n{policy}\n2. Then change the TXT record at {name} to `v=STSv1; id={id};` so that \
              senders fetch the new policy (policy first, then the id: RFC 8461 §8.1).";
    mx_not_covered_deep_testing(host, pattern, parent, url, policy, name, id) => MxNotCovered,
        "The MX host {host} matches no mx pattern of the policy. In testing mode senders still deliver to it, \
         but report a failure; in enforce mode mail routed there would bounce. The pattern {pattern} is close, \
         but its `*` stands for exactly one label (RFC 8461 §4.1): it matches `mx.{parent}`, not the deeper \
         `{host}`.",
        fix: "Add `mx: {host}` (or a wildcard one level deeper) to the policy:\n1. Publish this policy at \
              {url}:\n\n{policy}\n2. Then change the TXT record at {name} to `v=STSv1; id={id};` so that \
              senders fetch the new policy (policy first, then the id: RFC 8461 §8.1).";
    policy_mx_unused(pattern, domain) => PolicyMxUnused,
        "The mx pattern {pattern} matches none of {domain}'s MX hosts. That is harmless (and normal while \
         migrating), but a stale entry lets a server you no longer use receive mail under the policy.",
        fix: "Once no mail server of {domain} needs it, delete the line `mx: {pattern}` from the policy, then \
              give the TXT record a new id.";

    // ----- TLS-RPT (RFC 8460 §3) -----
    tlsrpt_lookup_failed(name, reason) => TlsrptLookupFailed,
        "The lookup of the TLS-RPT record {name} failed: {reason}, so the check cannot tell whether senders \
         can report TLS failures to the domain.",
        fix: "Run the check again. If the lookup keeps failing, check the domain's name servers.";
    /// The domain is too long for a TLS-RPT record name to fit in DNS (RFC 1035 §2.3.4).
    tlsrpt_name_too_long(domain, octets, name, name_octets) => TlsrptMissing,
        "{domain} is {octets} octets long, so the TLS-RPT record name {name} would be {name_octets} octets, \
         over the 253 that DNS allows: no TLS-RPT record can be published for this domain, and senders \
         cannot report TLS failures to it.";

    // ----- Pre-flight (RFC 8461 §3.1, §8.1) -----
    /// The draft policy differs from the live one at `url`, while the record keeps `id`.
    policy_id_unchanged(url, id, name, new_id) => PolicyIdUnchanged,
        "The draft policy differs from the one live at {url}, but the TXT record keeps id={id}. Senders that \
         cached the live policy only fetch it again when the id changes, so they would keep applying the old \
         policy for up to its max_age.",
        fix: "1. Publish the new policy file first.\n2. Then change the TXT record at {name} to \
              `v=STSv1; id={new_id};` (RFC 8461 §8.1: policy first, then the id).";
}

texts! { "evaluate";
    // ----- The report's summary: the verdict in one sentence, then how many problems need fixing -----
    summary_enforce(domain) =>
        "MTA-STS is enforced for {domain}: senders that support it deliver only over TLS with a valid \
         certificate, to the MX hosts the policy lists.";
    summary_testing(domain) =>
        "MTA-STS is in testing mode for {domain}: senders report TLS problems but still deliver without \
         requiring TLS.";
    summary_none(domain) =>
        "MTA-STS is switched off for {domain} (mode none): senders drop the policy they cached.";
    summary_not_deployed(domain) =>
        "{domain} does not publish MTA-STS: senders deliver to it without requiring TLS.";
    summary_invalid(domain) =>
        "{domain} publishes MTA-STS, but senders ignore it and deliver without requiring TLS, as if there were \
         no policy.";
    /// `first`: the message of the first error.
    summary_invalid_first(domain, first) =>
        "{domain} publishes MTA-STS, but senders ignore it and deliver without requiring TLS, as if there were \
         no policy. The first problem: {first}";
    summary_lookup_failed(domain) =>
        "The DNS lookup for {domain} failed, so the result is unknown. This is usually temporary: try again in \
         a minute.";
    summary_pending(domain) => "Checking {domain}: the verdict follows when every answer is in.";
    summary_one_problem() => "One problem needs fixing.";
    summary_problems(count) => "{count} problems need fixing.";

    // ----- A finding that stands for repeats not listed (`Finding::more`) -----
    more_not_listed_one() => "The same problem occurs once more; that one is not listed.";
    more_not_listed(count) => "The same problem occurs {count} more times; those are not listed.";

    // ----- Why a DNS lookup failed: the `reason` of the lookup findings and the evidence panel -----
    reason_not_run() => "the check did not run this DNS query";
    reason_timeout() => "the DNS-over-HTTPS resolver did not answer in time";
    /// `class`: the error class, e.g. `connect`.
    reason_unreachable(class) => "the DNS-over-HTTPS resolver could not be reached ({class} error)";
    reason_truncated() => "the resolver's answer was truncated";
    /// `rcode`: e.g. `SERVFAIL`.
    reason_rcode(rcode) => "the resolver answered {rcode}";
    reason_http_status(status) => "the DNS-over-HTTPS resolver answered HTTP {status}";

    // ----- Fix paragraphs added to the policy parser's fixes -----
    /// The whole corrected policy: replace the file at `url` with `policy`, then give the record `id`.
    fix_replace_policy(url, policy, name, id) =>
        "1. Replace the file at {url} with:\n\n{policy}\n2. Then change the TXT record at {name} to \
         `v=STSv1; id={id};` so that senders fetch the corrected policy (policy first, then the id: \
         RFC 8461 §8.1).";
    /// A line-level `fix`, then the whole corrected file as an alternative.
    fix_or_in_full(fix, corrected) => "{fix}\n\nOr, in full:\n{corrected}";
    /// A line-level `fix` of the policy file, then the new id that makes senders fetch the edited file.
    fix_then_new_id(fix, name, id) =>
        "{fix}\n\nAfter editing the policy file, change the TXT record at {name} to `v=STSv1; id={id};`: \
         senders fetch the policy again only when the id changes (RFC 8461 §8.1).";

    // ----- The generator's notes -----
    /// The TLS-RPT record `name` is `octets` long, more than DNS can carry (RFC 1035 §2.3.4).
    note_tlsrpt_name_too_long(name, octets) =>
        "{name} is {octets} octets long, over the 253 that DNS allows: the TLS-RPT record cannot be published \
         for this domain, so senders cannot report TLS failures to it. The policy and the _mta-sts record work \
         without it.";
    /// A hosted provider's MX host in the generator's input; `why` is the provider table's sentence.
    note_provider(host, provider, pattern, why) =>
        "{host} is an MX host of {provider}: the pattern that covers it is `{pattern}`. {why}";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_render_their_arguments() {
        assert_eq!(summary_problems(3), "3 problems need fixing.");
        assert_eq!(reason_rcode("SERVFAIL"), "the resolver answered SERVFAIL");
        let fix = fix_then_new_id("Delete the line.", "_mta-sts.example.com", "20260101");
        assert!(fix.starts_with("Delete the line.\n\nAfter editing"), "{fix}");
        assert!(fix.contains("`v=STSv1; id=20260101;`"), "{fix}");
    }
}
