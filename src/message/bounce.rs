//! The words of the bounce explainer ([`crate::bounce`]): what each recognised MTA-STS failure means and
//! what to do about it. `{sender}` is the sender's name from the signature table, `{host}` names the MX host
//! (`named_host`, or `some_host` when the bounce names none), `{domain}` the recipient domain, always
//! inside a code span so that the stand-in `<domain>` reads as one.

texts! { "bounce";
    // ----- what the sender refused, one per cause -----
    mx_not_covered(sender, host) =>
        "{sender} refused to deliver to {host}: it matches none of the `mx` patterns of the \
         domain's MTA-STS policy, and the policy is in `enforce` mode, so the sender may not use that host \
         (RFC 8461 §4.1, §5).";
    mx_certificate(sender, host) =>
        "{sender} connected to {host}, but its certificate failed the check an `enforce` policy \
         requires: it must chain to a trusted certificate authority, be valid today, and name the MX host \
         (RFC 8461 §4.2).";
    mx_no_starttls(sender, host) =>
        "{sender} requires TLS for {host}, but that host did not offer STARTTLS or refused it \
         (RFC 8461 §4.2, §5).";
    mx_handshake(sender, host) =>
        "{sender} could not complete the TLS handshake with {host}, which a policy in `enforce` \
         mode requires (RFC 8461 §4.2).";
    mx_not_validated(sender, host) =>
        "{sender} reached {host} without a validated TLS connection (a trusted certificate naming \
         the host), which a policy in `enforce` mode requires (RFC 8461 §4.2).";
    policy_unavailable(sender, domain) =>
        "{sender} could not fetch the MTA-STS policy of `{domain}` from \
         `https://mta-sts.{domain}/.well-known/mta-sts.txt` (RFC 8461 §3.3).";
    policy_invalid(sender, domain) =>
        "{sender} fetched the MTA-STS policy of `{domain}` but could not parse it (RFC 8461 §3.2).";
    record_invalid(sender, domain) =>
        "{sender} could not parse the `_mta-sts.{domain}` TXT record (RFC 8461 §3.1).";

    /// Postfix says the same words for every TLS requirement, not only MTA-STS.
    not_only_mta_sts(sender) =>
        "{sender} uses these words whenever TLS is required for a destination: an MTA-STS policy in `enforce` \
         mode (through an MTA-STS policy plugin), DANE, or a local TLS policy. The live check tells whether \
         MTA-STS is the one in force.";

    // ----- what to do, one per cause -----
    fix_mx_not_covered() =>
        "Add a pattern that covers this MX host to the policy's `mx` lines (or point the MX records back to the \
         hosts the policy lists), publish the policy, then change the `id` of the `_mta-sts` TXT record so \
         senders fetch the new policy instead of the cached one.";
    fix_mx_certificate() =>
        "Install on every MX host a certificate from a public certificate authority whose subject alternative \
         names include the MX host's name, with its intermediate certificates, and renew it before it \
         expires. Until then, `mode: testing` (with a new `id`) stops senders from refusing mail.";
    fix_mx_tls() =>
        "Turn on STARTTLS on every MX host, with a certificate from a public certificate authority that names \
         the host. Until then, `mode: testing` (with a new `id`) stops senders from refusing mail.";
    fix_policy_unavailable() =>
        "Serve the policy at that URL with status 200, no redirect, `Content-Type: text/plain` and a \
         certificate valid for `mta-sts.<domain>`; run a live check to see which of these fails.";
    fix_policy_invalid() =>
        "Correct the policy file (the live check shows each problem and its fix), then change the `id` of the \
         `_mta-sts` TXT record.";
    fix_record_invalid() =>
        "Publish the record as `v=STSv1; id=<1 to 32 letters or digits>;` (the live check shows each problem \
         and its fix).";

    // ----- stand-ins and the summary -----
    named_host(host) => "the MX host `{host}`";
    some_host() => "one of the MX hosts";
    /// Stands for the domain inside a code span (`https://mta-sts.<domain>/…`) when the bounce names none.
    some_domain() => "<domain>";
    summary_none() =>
        "No MTA-STS failure that this checker knows was found in the text. Paste the whole bounce (its \
         `Diagnostic-Code` or `Remote server returned` line) or the mail log line of the failed delivery.";
    summary_one() =>
        "One MTA-STS failure found: below is the rule that failed and what to fix; run a live check of the \
         domain to see its current state.";
    summary_many(count) =>
        "{count} MTA-STS failures found: below are the rules that failed and what to fix; run a live check of \
         the domain to see its current state.";

    // ----- a title per cause -----
    title_mx_not_covered() => "the MX host is not covered by the policy";
    title_mx_certificate() => "the MX host's certificate failed validation";
    title_mx_no_starttls() => "the MX host did not offer STARTTLS";
    title_mx_handshake() => "the TLS handshake with the MX host failed";
    title_mx_not_validated() => "the connection to the MX host was not validated TLS";
    title_policy_unavailable() => "the policy could not be fetched";
    title_policy_invalid() => "the policy could not be parsed";
    title_record_invalid() => "the `_mta-sts` record could not be parsed";
    empty_input() =>
        "The bounce text is empty. Paste the bounce message (or its `Diagnostic-Code` line) or the mail log \
         line of the failed delivery.";
}
