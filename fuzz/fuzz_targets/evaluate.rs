//! `evaluate` on arbitrary Observations JSON: malformed input is an error, never a panic; and what every
//! report holds of its senders' outcomes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts::{Code, Verdict};
use mta_sts::senders::Outcome;

fuzz_target!(|data: &[u8]| {
    let Ok(observations) = serde_json::from_slice::<mta_sts::Observations>(data) else { return };
    let Ok(report) = mta_sts::evaluate(&observations, 1_795_867_200) else { return };
    // Every sender is judged unless the record lookup failed, and the RFC reference is the verdict.
    if report.verdict == Verdict::LookupFailed {
        assert!(report.senders.is_empty());
        return;
    }
    let rfc = report.senders.first().expect("the RFC reference");
    let agrees = match report.verdict {
        Verdict::Enforce => matches!(rfc.outcome, Outcome::Enforce | Outcome::MailFails),
        Verdict::Testing => rfc.outcome == Outcome::Testing,
        Verdict::None => rfc.outcome == Outcome::None,
        Verdict::NotDeployed | Verdict::Invalid => rfc.outcome == Outcome::NoPolicy,
        Verdict::LookupFailed | Verdict::Pending => false,
    };
    assert!(agrees, "{:?} for {:?}", rfc.outcome, report.verdict);
    for sender in &report.senders {
        assert_eq!(sender.outcome == Outcome::MailFails, !sender.mx_refused.is_empty(), "{}", sender.id);
        assert!(!sender.sources.is_empty(), "{} names no source", sender.id);
        // DANE instead of the policy only where an MX host has TLSA records.
        let tlsa = report.findings.iter().any(|f| matches!(f.code, Code::MxTlsa | Code::MxTlsaUnusable));
        assert!(sender.outcome != Outcome::Dane || tlsa, "{} applies DANE without TLSA records", sender.id);
    }
});
