//! The words of [`crate::compare`]: what changed between two checks of a domain, and what to do about it.
//!
//! One message and one fix per change code; `{domain}` is the domain checked, other placeholders name
//! what changed. A change that needs no action says so in its fix.

texts! { "compare";
    verdict_changed(domain, from, to) => "The verdict for {domain} changed from {from} to {to}.";
    verdict_changed_fix(domain) =>
        "If you did not mean this change, read the findings of `mta-sts check {domain}`: they say what senders \
         now do and how to fix it.";
    policy_changed_id_unchanged(domain, id) =>
        "The policy of {domain} changed, but the id in its _mta-sts record is still {id}. Senders that cached \
         the old policy keep it until its max_age runs out (RFC 8461 §3.1, §5.1).";
    policy_changed_id_unchanged_fix(name, new_id) =>
        "Publish the TXT record at {name} with a new id, e.g. `v=STSv1; id={new_id};`, so that senders fetch \
         the new policy.";
    id_changed_policy_unchanged(domain, from, to) =>
        "The id in the _mta-sts record of {domain} changed from {from} to {to}, but the policy is the same: \
         senders fetch it again and keep what they had.";
    id_changed_policy_unchanged_fix() =>
        "Nothing to do if only the id was meant to change. If you meant to publish a new policy, check that \
         the policy host serves the new file.";
    mx_added_not_covered(domain, host) =>
        "{domain} has a new MX host, {host}, that matches no `mx` line of the policy (RFC 8461 §4.1).";
    mx_added_not_covered_fix(host, name) =>
        "Add `mx: {host}` (or a wildcard covering it) to the policy file, then publish a new id at {name}.";
    mx_pattern_removed(domain, pattern, host) =>
        "The `mx: {pattern}` line was removed from the policy of {domain}, but the MX host {host} matched \
         only it and is now not covered (RFC 8461 §4.1).";
    mx_pattern_removed_fix(pattern, name) =>
        "Put `mx: {pattern}` back in the policy file (or remove the MX record), then publish a new id at \
         {name}.";
    cert_expiring(host, days, date) =>
        "The certificate of the policy host {host} expires in {days} days ({date}); after that, senders \
         cannot fetch the policy (RFC 8461 §3.3).";
    cert_expiring_fix(host) =>
        "Renew the certificate of {host}, and check that automatic renewal works.";
    cert_issuer_changed(host, from, to) =>
        "The certificate of the policy host {host} is now issued by {to} (before: {from}).";
    cert_issuer_changed_fix() =>
        "Nothing to do if you changed certificate authority. If you did not, find out who issued it.";
    tlsrpt_removed(domain, name) =>
        "The TLS-RPT record at {name} is gone: senders no longer send {domain} reports of failed TLS \
         connections (RFC 8460 §3, recommended by RFC 8461 §6).";
    tlsrpt_removed_fix(name) =>
        "Publish the TXT record at {name} again, e.g. `v=TLSRPTv1; rua=mailto:tlsrpt@<your domain>`.";
    tlsrpt_rua_changed(domain, from, to) =>
        "The TLS-RPT report address of {domain} changed from {from} to {to}.";
    tlsrpt_rua_changed_fix() =>
        "Nothing to do if you meant it; otherwise reports now go to someone else: correct the `rua` field.";
    policy_fetch_failing(domain, url) =>
        "The policy of {domain} could not be fetched from {url}, for the first time. Senders without a cached \
         policy deliver as though {domain} had no MTA-STS (RFC 8461 §3.3).";
    policy_fetch_failing_fix() =>
        "If it fails again on the next run, this becomes an error; the check's findings say why it failed.";
    policy_fetch_still_failing(domain, url) =>
        "The policy of {domain} could not be fetched from {url} for a second run in a row. Senders without a \
         cached policy deliver as though {domain} had no MTA-STS (RFC 8461 §3.3), and cached policies run \
         out at their max_age (§5.1).";
    policy_fetch_still_failing_fix(url) =>
        "Make {url} answer over HTTPS with the policy; the check's findings say what fails.";
    policy_fetch_recovered(domain, url) => "The policy of {domain} can be fetched from {url} again.";
    policy_fetch_recovered_fix() => "Nothing to do.";
    mode_lowered(domain, from, to) =>
        "The policy mode of {domain} was lowered from {from} to {to}: senders no longer refuse delivery \
         without valid TLS (RFC 8461 §5).";
    mode_lowered_fix(name) =>
        "If you did not mean this, publish `mode: enforce` in the policy file again, then a new id at {name}.";
}
