//! The report as a check list: per category, the findings and the rules that were checked and passed.
//! Decided here once, so the page, the widget and the CLI show the same list.

use crate::evaluate::{Report, Verdict};
use crate::finding::{Category, CheckedBy, Code, Finding, Severity};
use crate::observe::Probe;

/// One category of a report: its findings, in report order, and the rules checked without a finding.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CategoryChecks {
    pub category: Category,
    pub findings: Vec<Finding>,
    /// Rules that ran to completion and found nothing (warnings and errors only: an absent note says
    /// nothing).
    pub passed: Vec<Code>,
}

impl CategoryChecks {
    /// The worst severity among the findings, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).min()
    }
}

/// Whether a category's rules ran to completion for this report.
fn ran(report: &Report, category: Category) -> bool {
    match report.verdict {
        Verdict::Enforce | Verdict::Testing | Verdict::None => true,
        // Without a usable record or policy, only the DNS checks of the records ran to completion.
        Verdict::NotDeployed | Verdict::Invalid => matches!(category, Category::Record | Category::Tlsrpt),
        Verdict::LookupFailed => false,
        // While a check streams in, a record's checks have run once its lookup has answered.
        Verdict::Pending => {
            let (probe, failed) = match category {
                Category::Record => (Probe::StsRecord, Code::RecordLookupFailed),
                Category::Tlsrpt => (Probe::TlsrptRecord, Code::TlsrptLookupFailed),
                _ => return false,
            };
            !report.pending.contains(&probe) && !report.findings.iter().any(|f| f.code == failed)
        }
    }
}

/// Whether a rule was checked at all for this report: some rules need what only some runs see.
fn checked(report: &Report, code: Code) -> bool {
    match code.checked_by() {
        CheckedBy::Every => true,
        CheckedBy::CertificateShell => report.evidence.policy.as_ref().is_some_and(|p| p.certificate.is_some()),
        // `evaluate` never compares with a draft.
        CheckedBy::Preflight => false,
        CheckedBy::TlsaLookup => report.evidence.dns.iter().any(|e| e.probe == crate::plan::ProbeKind::Tlsa),
    }
}

/// The report's findings grouped by category, in `Category::ALL` order, each with its passed checks.
pub fn by_category(report: &Report) -> Vec<CategoryChecks> {
    Category::ALL
        .iter()
        .map(|&category| {
            let findings: Vec<Finding> =
                report.findings.iter().filter(|f| f.code.category() == category).cloned().collect();
            let passed = if ran(report, category) {
                Code::ALL
                    .iter()
                    .copied()
                    .filter(|&c| {
                        c.category() == category
                            && !c.is_group()
                            && c.default_severity() != Severity::Info
                            && checked(report, c)
                            && !findings.iter().any(|f| f.code == c)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            CategoryChecks { category, findings, passed }
        })
        .collect()
}
