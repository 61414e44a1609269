//! Reading SMTP TLS Reporting aggregate reports (RFC 8460 §4), as senders deliver them (§5): plain JSON,
//! gzip-compressed JSON, or a whole email with the report attached.
//!
//! IO-free: the shells hand over each file's name and bytes ([`read_files`]); nothing is fetched or written.
//! The reader is tolerant where real reporters depart from the schema (a string `mx-host`, missing fields, a
//! JSON-encoded TLSA policy string, `contact-info: null`), and says so in [`ReportSet::notes`], so totals
//! never silently rest on a guess. A file that cannot be read at all gets one sentence in
//! [`FileRead::error`]; the other files are still read.

use std::collections::BTreeMap;
use std::io::Read as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::message::report as words;

pub mod live;
pub mod summary;
pub use live::{LiveComparison, SenderPolicy};
pub use summary::{Chart, Summary};

/// Decompressed bytes allowed per file: the largest real reports are a few MB, and receivers commonly
/// refuse mail over 10 MB (RFC 8460 §5.2), so more than this is a decompression bomb, not a report.
pub const MAX_DECOMPRESSED: usize = 20 * 1024 * 1024;

/// gzip inside gzip inside an email is as deep as a real delivery goes.
const MAX_DEPTH: u8 = 4;

/// Everything read from a set of files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReportSet {
    pub files: Vec<FileRead>,
    /// Every distinct report, in the order read; a report read twice is listed once.
    pub reports: Vec<TlsReport>,
    pub totals: Totals,
    /// Plain sentences: what the reader tolerated, and duplicates it skipped.
    pub notes: Vec<String>,
}

/// What became of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileRead {
    pub file: String,
    /// Reports found in the file, duplicates of reports read before included.
    pub reports: usize,
    /// Why the file could not be read, and what to do; `None` when it was read.
    pub error: Option<String>,
}

/// The sums over every distinct report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// RFC 8460 §4.2.1 `total-successful-session-count`, summed.
    pub successful: u64,
    /// RFC 8460 §4.2.2 `total-failure-session-count`, summed.
    pub failed: u64,
    /// `failed-session-count` summed per result type. Failure types overlap (RFC 8460 §4), so these need
    /// not add up to `failed`.
    pub by_result_type: BTreeMap<String, u64>,
}

/// One aggregate report (RFC 8460 §4.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TlsReport {
    /// The file it was read from.
    pub file: String,
    pub organization: String,
    pub report_id: String,
    pub start: String,
    pub end: String,
    pub contact_info: Option<String>,
    pub policies: Vec<PolicyReport>,
}

/// One applied policy with its session counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyReport {
    /// `sts`, `tlsa`, `no-policy-found`, or what the reporter wrote.
    pub policy_type: String,
    pub policy_domain: Option<String>,
    pub policy_string: Vec<String>,
    pub mx_host: Vec<String>,
    pub successful: u64,
    pub failed: u64,
    pub failures: Vec<FailureDetail>,
}

/// One `failure-details` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FailureDetail {
    pub result_type: ResultType,
    pub count: u64,
    pub sending_mta_ip: Option<String>,
    pub receiving_mx_hostname: Option<String>,
    pub receiving_mx_helo: Option<String>,
    pub receiving_ip: Option<String>,
    pub failure_reason_code: Option<String>,
    pub additional_information: Option<String>,
}

/// The result types of RFC 8460 §4.3 (the IANA registry of §6.6), and any other a reporter uses: the list
/// "is expected to grow over time", so an unknown one is kept, not dropped.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResultType {
    StarttlsNotSupported,
    CertificateHostMismatch,
    CertificateExpired,
    CertificateNotTrusted,
    ValidationFailure,
    TlsaInvalid,
    DnssecInvalid,
    DaneRequired,
    StsPolicyFetchError,
    StsPolicyInvalid,
    StsWebpkiInvalid,
    Other(String),
}

impl ResultType {
    /// The eleven result types RFC 8460 §4.3 defines, in its order.
    pub const KNOWN: [ResultType; 11] = [
        ResultType::StarttlsNotSupported,
        ResultType::CertificateHostMismatch,
        ResultType::CertificateExpired,
        ResultType::CertificateNotTrusted,
        ResultType::ValidationFailure,
        ResultType::TlsaInvalid,
        ResultType::DnssecInvalid,
        ResultType::DaneRequired,
        ResultType::StsPolicyFetchError,
        ResultType::StsPolicyInvalid,
        ResultType::StsWebpkiInvalid,
    ];

    /// The result type named `name`; names are compared exactly, as the registry spells them.
    pub fn parse(name: &str) -> ResultType {
        Self::KNOWN.into_iter().find(|t| t.as_str() == name).unwrap_or_else(|| ResultType::Other(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        match self {
            ResultType::StarttlsNotSupported => "starttls-not-supported",
            ResultType::CertificateHostMismatch => "certificate-host-mismatch",
            ResultType::CertificateExpired => "certificate-expired",
            ResultType::CertificateNotTrusted => "certificate-not-trusted",
            ResultType::ValidationFailure => "validation-failure",
            ResultType::TlsaInvalid => "tlsa-invalid",
            ResultType::DnssecInvalid => "dnssec-invalid",
            ResultType::DaneRequired => "dane-required",
            ResultType::StsPolicyFetchError => "sts-policy-fetch-error",
            ResultType::StsPolicyInvalid => "sts-policy-invalid",
            ResultType::StsWebpkiInvalid => "sts-webpki-invalid",
            ResultType::Other(name) => name,
        }
    }

    /// What the result type means to the receiving domain, in one line.
    pub fn explain(&self) -> String {
        match self {
            ResultType::StarttlsNotSupported => words::result_starttls_not_supported(),
            ResultType::CertificateHostMismatch => words::result_certificate_host_mismatch(),
            ResultType::CertificateExpired => words::result_certificate_expired(),
            ResultType::CertificateNotTrusted => words::result_certificate_not_trusted(),
            ResultType::ValidationFailure => words::result_validation_failure(),
            ResultType::TlsaInvalid => words::result_tlsa_invalid(),
            ResultType::DnssecInvalid => words::result_dnssec_invalid(),
            ResultType::DaneRequired => words::result_dane_required(),
            ResultType::StsPolicyFetchError => words::result_sts_policy_fetch_error(),
            ResultType::StsPolicyInvalid => words::result_sts_policy_invalid(),
            ResultType::StsWebpkiInvalid => words::result_sts_webpki_invalid(),
            ResultType::Other(_) => words::result_other(),
        }
    }
}

impl std::fmt::Display for ResultType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ResultType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

// ----- the wire format (RFC 8460 §4.4): every field optional, unknown fields ignored -----

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "kebab-case")]
struct WireReport {
    organization_name: Option<String>,
    date_range: Option<WireDateRange>,
    contact_info: Option<String>,
    report_id: Option<String>,
    /// `None` when absent: then the JSON is something else than a report.
    policies: Option<Vec<WirePolicy>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "kebab-case")]
struct WireDateRange {
    start_datetime: Option<String>,
    end_datetime: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "kebab-case")]
struct WirePolicy {
    policy: WirePolicyHead,
    summary: WireSummary,
    failure_details: Option<Vec<WireFailure>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "kebab-case")]
struct WirePolicyHead {
    policy_type: Option<String>,
    /// An array of strings (RFC 8460 §4.4), or one string holding a JSON array.
    policy_string: Option<Value>,
    policy_domain: Option<String>,
    /// An array of strings (RFC 8460 §4.4), or a bare string as in the RFC's own Appendix B.
    mx_host: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "kebab-case")]
struct WireSummary {
    total_successful_session_count: Count,
    total_failure_session_count: Count,
}

/// A session count: RFC 8460 §4.4 gives an integer, but some reporters write `"12"` or `12.0`. Those are
/// read as the whole number they hold, and `lenient` says so, for a note; a fraction, a negative number or
/// other text is not a count, and the file is not read.
#[derive(Clone, Copy, Default)]
struct Count {
    value: u64,
    lenient: bool,
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, Unexpected, Visitor};
        struct Whole;
        impl Visitor<'_> for Whole {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number of sessions, zero or more")
            }
            fn visit_u64<E: Error>(self, value: u64) -> Result<Count, E> {
                Ok(Count { value, lenient: false })
            }
            fn visit_i64<E: Error>(self, value: i64) -> Result<Count, E> {
                u64::try_from(value)
                    .map(|value| Count { value, lenient: false })
                    .map_err(|_| E::invalid_value(Unexpected::Signed(value), &self))
            }
            fn visit_f64<E: Error>(self, value: f64) -> Result<Count, E> {
                // 2^64: every integral f64 below it fits a u64.
                const LIMIT: f64 = 18_446_744_073_709_551_616.0;
                if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value < LIMIT {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "checked above")]
                    Ok(Count { value: value as u64, lenient: true })
                } else {
                    Err(E::invalid_value(Unexpected::Float(value), &self))
                }
            }
            fn visit_str<E: Error>(self, text: &str) -> Result<Count, E> {
                let trimmed = text.trim();
                if let Ok(value) = trimmed.parse::<u64>() {
                    return Ok(Count { value, lenient: true });
                }
                match trimmed.parse::<f64>() {
                    Ok(value) if trimmed.bytes().all(|b| b.is_ascii_digit() || b == b'.') => self.visit_f64(value),
                    _ => Err(E::invalid_value(Unexpected::Str(text), &self)),
                }
            }
        }
        deserializer.deserialize_any(Whole)
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "kebab-case")]
struct WireFailure {
    result_type: Option<String>,
    sending_mta_ip: Option<String>,
    receiving_mx_hostname: Option<String>,
    receiving_mx_helo: Option<String>,
    receiving_ip: Option<String>,
    failed_session_count: Count,
    additional_information: Option<String>,
    failure_reason_code: Option<String>,
}

// ----- reading -----

/// Reads every file: `(name, bytes)` pairs, the name used only in sentences. Never panics, whatever the
/// bytes; a file that cannot be read gets its error and the others are still read.
pub fn read_files(files: &[(String, &[u8])]) -> ReportSet {
    let mut reader = Reader::default();
    for (name, bytes) in files {
        reader.add(name, bytes);
    }
    reader.finish()
}

/// Reads files one at a time, for a shell that shows its progress between them (the web page yields to the
/// browser after each file). The same set as [`read_files`] on the same files in the same order.
#[derive(Debug, Default)]
pub struct Reader {
    set: ReportSet,
    /// (organization, report id) -> the file it was first read from.
    seen: BTreeMap<(String, String), String>,
}

impl Reader {
    /// Reads one file after those added before: a report read before is listed once, with a note.
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        let mut found = Vec::new();
        let error = read_container(name, bytes, 0, &mut found).err();
        let count = found.len();
        for (report, mut notes) in found {
            if !report.report_id.is_empty() {
                let key = (report.organization.clone(), report.report_id.clone());
                if let Some(first) = self.seen.get(&key) {
                    // Its notes were given when it was first read.
                    self.set.notes.push(words::duplicate(label(&report), name, first));
                    continue;
                }
                self.seen.insert(key, name.to_owned());
            }
            self.set.notes.append(&mut notes);
            add_to_totals(&mut self.set.totals, &report);
            self.set.reports.push(report);
        }
        self.set.files.push(FileRead { file: name.to_owned(), reports: count, error });
    }

    /// A file the shell could not load (its own sentence), listed in its place.
    pub fn add_unreadable(&mut self, name: &str, error: String) {
        self.set.files.push(FileRead { file: name.to_owned(), reports: 0, error: Some(error) });
    }

    /// How many files were added.
    pub fn files(&self) -> usize {
        self.set.files.len()
    }

    pub fn finish(self) -> ReportSet {
        self.set
    }
}

impl ReportSet {
    /// Successful and failed sessions per policy domain (`None`: entries without `policy-domain`), over the
    /// distinct reports.
    pub fn by_policy_domain(&self) -> BTreeMap<Option<&str>, (u64, u64)> {
        let mut out: BTreeMap<Option<&str>, (u64, u64)> = BTreeMap::new();
        for policy in self.reports.iter().flat_map(|r| &r.policies) {
            let sums = out.entry(policy.policy_domain.as_deref()).or_default();
            sums.0 = sums.0.saturating_add(policy.successful);
            sums.1 = sums.1.saturating_add(policy.failed);
        }
        out
    }

    /// Whether any report counts a failed session (RFC 8460 §4.2.2), in its summary or its details.
    pub fn has_failures(&self) -> bool {
        self.totals.failed > 0 || self.totals.by_result_type.values().any(|&n| n > 0)
    }
}

/// At least `bytes` of uncompressed report JSON, as a month of a busy domain's reports: the Microsoft-shaped
/// fixture, each copy with its own `report-id` so none is counted as a duplicate. For the benchmarks (native
/// and in the browser), which must read the same input.
///
/// # Panics
///
/// Never: the fixture is built in and is JSON.
#[cfg(feature = "testing")]
pub fn sample_files(bytes: usize) -> Vec<(String, Vec<u8>)> {
    let fixture: Value = serde_json::from_str(include_str!("../tests/fixtures/reports/microsoft-shape.json"))
        .expect("the fixture is JSON");
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut size = 0;
    while size < bytes {
        let mut report = fixture.clone();
        report["report-id"] = Value::from(format!("bench-{}", files.len()));
        let json = serde_json::to_vec_pretty(&report).expect("a Value serialises");
        size += json.len();
        files.push((format!("report-{}.json", files.len()), json));
    }
    files
}

fn add_to_totals(totals: &mut Totals, report: &TlsReport) {
    for policy in &report.policies {
        totals.successful = totals.successful.saturating_add(policy.successful);
        totals.failed = totals.failed.saturating_add(policy.failed);
        for failure in &policy.failures {
            let sum = totals.by_result_type.entry(failure.result_type.as_str().to_owned()).or_default();
            *sum = sum.saturating_add(failure.count);
        }
    }
}

fn label(report: &TlsReport) -> String {
    words::report_label(&report.report_id, &report.organization)
}

/// What the bytes are, by their content: RFC 8460 §5.6 lets the body win over names and headers, and
/// attachments often arrive with a generic name or media type.
fn read_container(
    file: &str,
    bytes: &[u8],
    depth: u8,
    found: &mut Vec<(TlsReport, Vec<String>)>,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(words::too_deep(file));
    }
    let text = trim_start(bytes);
    if text.is_empty() {
        return Err(words::file_empty(file));
    }
    match text {
        // RFC 1952 §2.3.1: ID1 ID2.
        [0x1f, 0x8b, ..] => {
            let inflated = gunzip(file, text)?;
            read_container(file, &inflated, depth + 1, found)
        }
        [b'P', b'K', 3, 4, ..] => Err(words::zip(file)),
        [b'{' | b'[', ..] => read_json(file, text, found),
        [b'<', ..] => {
            let head = &text[..text.len().min(4096)];
            if contains(head, b"<feedback") { Err(words::dmarc(file)) } else { Err(words::xml(file)) }
        }
        _ if looks_like_email(text) => read_email(file, text, depth, found),
        _ => Err(words::not_a_report(file)),
    }
}

/// Skips a UTF-8 byte order mark and leading whitespace, which some tools save before JSON.
fn trim_start(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    &bytes[start..]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// Decompresses at most [`MAX_DECOMPRESSED`] bytes (RFC 8460 §5.2: reports SHOULD be gzip-compressed).
fn gunzip(file: &str, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let limit = MAX_DECOMPRESSED as u64 + 1;
    match flate2::read::GzDecoder::new(bytes).take(limit).read_to_end(&mut out) {
        Ok(_) if out.len() > MAX_DECOMPRESSED => Err(words::too_large(file, MAX_DECOMPRESSED / (1024 * 1024))),
        Ok(_) => Ok(out),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(words::gzip_truncated(file)),
        Err(e) => Err(words::gzip_corrupt(file, e)),
    }
}

/// An RFC 5322 message begins with a header field: a name of printable characters other than `:`, then `:`.
fn looks_like_email(bytes: &[u8]) -> bool {
    // A message saved from a mailbox file may begin with its mbox `From ` separator line.
    let mut lines = bytes.split(|&b| b == b'\n');
    let mut line = lines.next().unwrap_or_default();
    if line.starts_with(b"From ") {
        line = lines.next().unwrap_or_default();
    }
    let Some(colon) = line.iter().position(|&b| b == b':') else { return false };
    colon > 0 && line[..colon].iter().all(|&b| (33..=126).contains(&b))
}

/// The report parts of an email (RFC 8460 §5.3): `application/tlsrpt+gzip` or `application/tlsrpt+json`,
/// and, because many senders label the attachment generically, any gzip, JSON or octet-stream part.
fn read_email(file: &str, bytes: &[u8], depth: u8, found: &mut Vec<(TlsReport, Vec<String>)>) -> Result<(), String> {
    let Some(message) = parse_email(bytes) else {
        return Err(words::not_a_report(file));
    };
    let mut first_error = None;
    let any = read_parts(file, &message, depth, found, &mut first_error);
    if any {
        return Ok(());
    }
    Err(first_error.unwrap_or_else(|| words::email_without_report(file)))
}

/// mail-parser 0.11.9 has a `debug_assert!` that a damaged nested multipart message trips (found by fuzzing
/// this reader: `tests/fixtures/report-crashes/`); a release build skips it and recovers what it can. A
/// build with debug assertions (the tests) would panic instead, so there the parse is contained, and the
/// damaged message is not a report.
fn parse_email(bytes: &[u8]) -> Option<mail_parser::Message<'_>> {
    #[cfg(debug_assertions)]
    {
        std::panic::catch_unwind(|| mail_parser::MessageParser::new().parse(bytes)).ok().flatten()
    }
    #[cfg(not(debug_assertions))]
    {
        mail_parser::MessageParser::new().parse(bytes)
    }
}

/// Reads the report parts of `message` and of the messages attached to it (`message/rfc822`, as a report
/// forwarded as an attachment arrives); whether any was read. The first part that was a candidate but could
/// not be read gives `first_error`.
fn read_parts(
    file: &str,
    message: &mail_parser::Message<'_>,
    depth: u8,
    found: &mut Vec<(TlsReport, Vec<String>)>,
    first_error: &mut Option<String>,
) -> bool {
    use mail_parser::{MimeHeaders as _, PartType};
    if depth > MAX_DEPTH {
        first_error.get_or_insert_with(|| words::too_deep(file));
        return false;
    }
    let mut any = false;
    for part in &message.parts {
        let body: &[u8] = match &part.body {
            PartType::Binary(b) | PartType::InlineBinary(b) => b,
            PartType::Text(t) => t.as_bytes(),
            PartType::Message(inner) => {
                any |= read_parts(file, inner, depth + 1, found, first_error);
                continue;
            }
            _ => continue,
        };
        let (ctype, subtype) = part
            .content_type()
            .map(|c| (c.ctype().to_ascii_lowercase(), c.subtype().unwrap_or_default().to_ascii_lowercase()))
            .unwrap_or_default();
        // The name is already lower case, so the extension test is case-insensitive.
        let extension = part.attachment_name().unwrap_or_default().to_ascii_lowercase();
        let extension = extension.rsplit('.').next().unwrap_or_default();
        let candidate = ctype == "application"
            && matches!(
                subtype.as_str(),
                "tlsrpt+gzip" | "tlsrpt+json" | "gzip" | "x-gzip" | "json" | "octet-stream" | "zip" | "xml"
            )
            || matches!(extension, "json" | "gz" | "zip" | "xml");
        if !candidate {
            continue;
        }
        let mut part_found = Vec::new();
        match read_container(file, body, depth + 1, &mut part_found) {
            Ok(()) => {
                any = true;
                found.append(&mut part_found);
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    any
}

fn is_report(value: &Value) -> bool {
    value.as_object().is_some_and(|o| o.contains_key("policies"))
}

fn read_json(file: &str, bytes: &[u8], found: &mut Vec<(TlsReport, Vec<String>)>) -> Result<(), String> {
    // Parse to a tree first, so that "not JSON" and "JSON of the wrong shape" get different sentences.
    let value: Value = serde_json::from_slice(bytes).map_err(|e| words::not_json(file, short(&e)))?;
    match value {
        // RFC 8460 §4.4 has one report per file, but tools that collect reports save several in one array;
        // each element is read as a report, and only when every one is a report.
        Value::Array(items) if !items.is_empty() && items.iter().all(is_report) => {
            let count = items.len();
            // All or nothing, like a single report: one element of the wrong shape and the file is not read.
            let mut all = Vec::with_capacity(count);
            for item in items {
                read_report(file, item, &mut all)?;
            }
            if let Some((_, notes)) = all.first_mut() {
                notes.insert(0, words::json_array(file, count));
            }
            found.append(&mut all);
            Ok(())
        }
        value if is_report(&value) => read_report(file, value, found),
        _ => Err(words::not_tlsrpt(file)),
    }
}

/// One report, from a JSON value that has a `policies` field.
fn read_report(file: &str, value: Value, found: &mut Vec<(TlsReport, Vec<String>)>) -> Result<(), String> {
    let wire: WireReport = serde_json::from_value(value).map_err(|e| words::field_type(file, short(&e)))?;
    // RFC 8460 §4: "the "policies" field of the report body MUST be an array".
    let Some(policies) = wire.policies else { return Err(words::not_tlsrpt(file)) };
    let mut report = TlsReport {
        file: file.to_owned(),
        organization: wire.organization_name.unwrap_or_default(),
        report_id: wire.report_id.unwrap_or_default(),
        start: String::new(),
        end: String::new(),
        contact_info: wire.contact_info.filter(|c| !c.trim().is_empty()),
        policies: Vec::with_capacity(policies.len()),
    };
    if let Some(range) = wire.date_range {
        report.start = range.start_datetime.unwrap_or_default();
        report.end = range.end_datetime.unwrap_or_default();
    }
    let label = label(&report);
    let mut notes = Vec::new();
    if report.report_id.is_empty() {
        notes.push(words::report_id_missing(&report.organization, file));
    }
    if report.contact_info.is_none() {
        notes.push(words::contact_missing(&label));
    }
    match (unix_seconds(&report.start), unix_seconds(&report.end)) {
        (Some(start), Some(end)) if !is_one_utc_day(start, end) => {
            notes.push(words::date_range_not_a_day(&label, &report.start, &report.end));
        }
        (Some(_), Some(_)) => {}
        _ => notes.push(words::date_range_missing(&label)),
    }
    let mut tally = Tally::default();
    for policy in policies {
        report.policies.push(read_policy(policy, &mut tally));
    }
    tally.notes(&label, &mut notes);
    found.push((report, notes));
    Ok(())
}

/// How often each tolerance applied in one report, so that a report with a thousand failure details
/// without a sending IP gets one note, not a thousand.
#[derive(Default)]
struct Tally {
    mx_host_string: bool,
    mx_host_missing: usize,
    policy_string_missing: usize,
    policy_string_encoded: bool,
    policy_domain_missing: usize,
    sending_ip_missing: usize,
    mx_hostname_missing: usize,
    unknown_types: Vec<String>,
    /// Counts given as a string or a decimal number with a whole value.
    lenient_counts: usize,
}

impl Tally {
    fn notes(self, label: &str, notes: &mut Vec<String>) {
        if self.mx_host_string {
            notes.push(words::mx_host_string(label));
        }
        if self.mx_host_missing > 0 {
            notes.push(words::mx_host_missing(label, self.mx_host_missing));
        }
        if self.policy_string_missing > 0 {
            notes.push(words::policy_string_missing(label, self.policy_string_missing));
        }
        if self.policy_string_encoded {
            notes.push(words::policy_string_encoded(label));
        }
        if self.policy_domain_missing > 0 {
            notes.push(words::policy_domain_missing(label, self.policy_domain_missing));
        }
        if self.sending_ip_missing > 0 {
            notes.push(words::sending_ip_missing(label, self.sending_ip_missing));
        }
        if self.mx_hostname_missing > 0 {
            notes.push(words::mx_hostname_missing(label, self.mx_hostname_missing));
        }
        if self.lenient_counts > 0 {
            notes.push(words::count_not_integer(label, self.lenient_counts));
        }
        for name in self.unknown_types {
            notes.push(words::result_type_unknown(label, name));
        }
    }
}

fn read_policy(wire: WirePolicy, tally: &mut Tally) -> PolicyReport {
    let head = wire.policy;
    let policy_type = head.policy_type.unwrap_or_default();
    let mx_host = match head.mx_host {
        Some(Value::String(one)) => {
            tally.mx_host_string = true;
            vec![one]
        }
        Some(Value::Array(items)) => strings(items),
        _ => {
            // A `no-policy-found` entry has no pattern to give (RFC 8460 §4.4: "In the case where
            // "policy-type" is "sts"").
            if policy_type == "sts" {
                tally.mx_host_missing += 1;
            }
            Vec::new()
        }
    };
    let policy_string = match head.policy_string {
        Some(Value::Array(items)) => decode_policy_string(strings(items), tally),
        Some(Value::String(one)) => decode_policy_string(vec![one], tally),
        _ => {
            if policy_type != "no-policy-found" {
                tally.policy_string_missing += 1;
            }
            Vec::new()
        }
    };
    let policy_domain = head.policy_domain.filter(|d| !d.trim().is_empty());
    if policy_domain.is_none() {
        tally.policy_domain_missing += 1;
    }
    let failures = wire
        .failure_details
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            let sending_mta_ip = non_empty(f.sending_mta_ip);
            if sending_mta_ip.is_none() {
                tally.sending_ip_missing += 1;
            }
            let receiving_mx_hostname = non_empty(f.receiving_mx_hostname);
            if receiving_mx_hostname.is_none() {
                tally.mx_hostname_missing += 1;
            }
            let result_type = ResultType::parse(f.result_type.as_deref().unwrap_or_default());
            if let ResultType::Other(name) = &result_type
                && !tally.unknown_types.contains(name)
            {
                tally.unknown_types.push(name.clone());
            }
            tally.lenient_counts += usize::from(f.failed_session_count.lenient);
            FailureDetail {
                result_type,
                count: f.failed_session_count.value,
                sending_mta_ip,
                receiving_mx_hostname,
                receiving_mx_helo: non_empty(f.receiving_mx_helo),
                receiving_ip: non_empty(f.receiving_ip),
                failure_reason_code: non_empty(f.failure_reason_code),
                additional_information: non_empty(f.additional_information),
            }
        })
        .collect();
    let (successful, failed) = (wire.summary.total_successful_session_count, wire.summary.total_failure_session_count);
    tally.lenient_counts += usize::from(successful.lenient) + usize::from(failed.lenient);
    PolicyReport {
        policy_type,
        policy_domain,
        policy_string,
        mx_host,
        successful: successful.value,
        failed: failed.value,
        failures,
    }
}

/// The strings of a JSON array; other items are not a pattern or a policy line, and are left out.
fn strings(items: Vec<Value>) -> Vec<String> {
    items
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// A policy string that is one string holding a JSON array of strings (`["[\"3 1 1 ab…\"]"]`) is decoded;
/// RFC 8460 §4.5 wants each TLSA record as its own array element.
fn decode_policy_string(lines: Vec<String>, tally: &mut Tally) -> Vec<String> {
    if let [one] = lines.as_slice()
        && one.trim_start().starts_with('[')
        && let Ok(decoded) = serde_json::from_str::<Vec<String>>(one)
    {
        tally.policy_string_encoded = true;
        return decoded;
    }
    lines
}

/// A parser's message, cut short: serde quotes a wrongly typed string value in full, and a sentence must
/// not carry the report's contents.
fn short(error: &serde_json::Error) -> String {
    const MAX: usize = 100;
    let text = error.to_string();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// RFC 8460 §4.1: "The report SHOULD cover a full day, from 00:00-24:00 UTC". The end is read as inclusive
/// (`23:59:59Z`, the RFC's Appendix B) or exclusive (`00:00:00Z` the next day); both are one day.
fn is_one_utc_day(start: i64, end: i64) -> bool {
    start.rem_euclid(86_400) == 0 && (end - start == 86_400 || end - start == 86_399)
}

/// RFC 3339 §5.6 `date-time` to seconds since 1970 (fractions of a second dropped).
fn unix_seconds(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(r)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hm = [*h1, *h2, *m1, *m2];
            if !hm.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let minutes = i64::from(h1 - b'0') * 600
                + i64::from(h2 - b'0') * 60
                + i64::from(m1 - b'0') * 10
                + i64::from(m2 - b'0');
            if *sign == b'+' { minutes * 60 } else { -minutes * 60 }
        }
        _ => return None,
    };
    Some(crate::civil::days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    const RFC: &[u8] = include_bytes!("../tests/fixtures/reports/rfc8460-appendix-b.json");
    const GOOGLE: &[u8] = include_bytes!("../tests/fixtures/reports/google-shape.json");
    const GOOGLE_NO_FAILURES: &[u8] = include_bytes!("../tests/fixtures/reports/google-shape-no-failures.json");
    const MICROSOFT: &[u8] = include_bytes!("../tests/fixtures/reports/microsoft-shape.json");
    const DAEMON: &[u8] = include_bytes!("../tests/fixtures/reports/reporting-daemon-shape.json");
    const ODD: &[u8] = include_bytes!("../tests/fixtures/reports/unknown-result-type-and-extra-fields.json");
    const DMARC: &[u8] = include_bytes!("../tests/fixtures/reports/dmarc-aggregate.xml");
    const EMAIL: &[u8] = include_bytes!("../tests/fixtures/reports/email-octet-stream-attachment.eml");
    const FORWARDED: &[u8] = include_bytes!("../tests/fixtures/reports/email-forwarded-as-attachment.eml");
    const COUNTS: &[u8] = include_bytes!("../tests/fixtures/reports/counts-as-strings-and-floats.json");
    const ARRAY: &[u8] = include_bytes!("../tests/fixtures/reports/array-of-reports.json");

    fn read(files: &[(&str, &[u8])]) -> ReportSet {
        let owned: Vec<(String, &[u8])> = files.iter().map(|(n, b)| ((*n).to_owned(), *b)).collect();
        read_files(&owned)
    }

    fn one(name: &str, bytes: &[u8]) -> ReportSet {
        read(&[(name, bytes)])
    }

    /// The one error of a single file, which must have no report.
    fn error_of(bytes: &[u8]) -> String {
        let set = one("the file", bytes);
        assert!(set.reports.is_empty());
        set.files[0].error.clone().expect("an error")
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    /// The RFC example with one field removed from every object that has it.
    fn without(field: &str) -> Vec<u8> {
        fn strip(value: &mut Value, field: &str) {
            match value {
                Value::Object(map) => {
                    map.remove(field);
                    map.values_mut().for_each(|v| strip(v, field));
                }
                Value::Array(items) => items.iter_mut().for_each(|v| strip(v, field)),
                _ => {}
            }
        }
        let mut value: Value = serde_json::from_slice(RFC).unwrap();
        strip(&mut value, field);
        serde_json::to_vec(&value).unwrap()
    }

    fn email(content_type: &str, body_base64: &str) -> Vec<u8> {
        format!(
            "From: reporter <r@reporter.example>\r\nTo: t@example.com\r\nSubject: Report Domain: example.com\r\n\
             MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"x\"\r\n\r\n\
             --x\r\nContent-Type: text/plain\r\n\r\nA report.\r\n\
             --x\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n\r\n{body_base64}\r\n--x--\r\n"
        )
        .into_bytes()
    }

    fn b64(bytes: &[u8]) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn reads_the_rfc_example() {
        let set = one("rfc.json", RFC);
        assert_eq!(set.files, vec![FileRead { file: "rfc.json".into(), reports: 1, error: None }]);
        let report = &set.reports[0];
        assert_eq!(report.organization, "Company-X");
        assert_eq!(report.report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
        assert_eq!((report.start.as_str(), report.end.as_str()), ("2016-04-01T00:00:00Z", "2016-04-01T23:59:59Z"));
        assert_eq!(report.contact_info.as_deref(), Some("sts-reporting@company-x.example"));
        let policy = &report.policies[0];
        assert_eq!(policy.policy_type, "sts");
        assert_eq!(policy.policy_domain.as_deref(), Some("company-y.example"));
        assert_eq!(policy.mx_host, vec!["*.mail.company-y.example"]);
        assert_eq!(policy.policy_string.len(), 4);
        assert_eq!((policy.successful, policy.failed), (5326, 303));
        assert_eq!(
            policy.failures[2],
            FailureDetail {
                result_type: ResultType::ValidationFailure,
                count: 3,
                sending_mta_ip: Some("198.51.100.62".into()),
                receiving_mx_hostname: Some("mx-backup.mail.company-y.example".into()),
                receiving_mx_helo: None,
                receiving_ip: Some("203.0.113.58".into()),
                failure_reason_code: Some("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED".into()),
                additional_information: None,
            }
        );
        let by_type: BTreeMap<String, u64> = [
            ("certificate-expired".to_owned(), 100),
            ("starttls-not-supported".to_owned(), 200),
            ("validation-failure".to_owned(), 3),
        ]
        .into();
        assert_eq!(set.totals, Totals { successful: 5326, failed: 303, by_result_type: by_type });
        // Appendix B's bare-string mx-host is the one departure from §4.4 in the RFC's own example.
        assert_eq!(set.notes, vec![words::mx_host_string(words::report_label(&report.report_id, "Company-X"))]);
    }

    #[test]
    fn google_shape_array_mx_host_and_empty_sending_ip() {
        let set = one("g.json", GOOGLE);
        let report = &set.reports[0];
        let label = label(report);
        assert_eq!(report.policies[0].mx_host, vec!["mx1.example.com", "mx2.example.com"]);
        assert_eq!(report.policies[0].failures[0].sending_mta_ip, None);
        assert_eq!(set.notes, vec![words::sending_ip_missing(&label, 1)]);
        assert_eq!((set.totals.successful, set.totals.failed), (1200, 4));
    }

    #[test]
    fn google_shape_without_failure_details() {
        let set = one("g.json", GOOGLE_NO_FAILURES);
        assert!(set.reports[0].policies[0].failures.is_empty());
        assert!(set.notes.is_empty(), "{:?}", set.notes);
        assert_eq!(set.totals, Totals { successful: 980, failed: 0, by_result_type: BTreeMap::new() });
    }

    #[test]
    fn microsoft_shape_missing_fields_and_encoded_tlsa_string() {
        let set = one("m.json", MICROSOFT);
        let report = &set.reports[0];
        let label = label(report);
        assert!(report.policies.iter().all(|p| p.mx_host.is_empty()));
        assert_eq!(
            report.policies[1].policy_string,
            vec!["3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6"]
        );
        assert_eq!(report.policies[0].failures[0].result_type, ResultType::StsWebpkiInvalid);
        assert_eq!(
            set.notes,
            vec![
                // Only the sts entry is missing its mx-host: a tlsa entry has none to give (§4.4).
                words::mx_host_missing(&label, 1),
                words::policy_string_encoded(&label),
                words::sending_ip_missing(&label, 2),
                words::mx_hostname_missing(&label, 1),
            ]
        );
        assert_eq!(set.totals.by_result_type.get("tlsa-invalid"), Some(&1));
    }

    #[test]
    fn reporting_daemon_shape_null_contact_no_policy_domain_exclusive_end() {
        let set = one("p.json", DAEMON);
        let report = &set.reports[0];
        let label = label(report);
        assert_eq!(report.contact_info, None);
        assert_eq!(report.policies[0].policy_domain, None);
        assert_eq!(report.policies[0].policy_type, "no-policy-found");
        // The exclusive end (00:00:00Z of the next day) is one UTC day: no note about the range.
        assert_eq!(set.notes, vec![words::contact_missing(&label), words::policy_domain_missing(&label, 1)]);
        assert_eq!(set.totals.successful, 12);
    }

    #[test]
    fn unknown_result_type_kept_extra_fields_ignored_range_noted() {
        let set = one("o.json", ODD);
        let report = &set.reports[0];
        let label = label(report);
        let failures = &report.policies[0].failures;
        assert_eq!(failures[0].result_type, ResultType::Other("sts-policy-cache-expired".into()));
        assert_eq!(failures[1].receiving_mx_helo.as_deref(), Some("mx.example.org"));
        assert_eq!(set.totals.by_result_type.get("sts-policy-cache-expired"), Some(&3));
        assert_eq!(set.totals.by_result_type.get("dane-required"), Some(&2));
        assert_eq!(
            set.notes,
            vec![
                words::date_range_not_a_day(&label, &report.start, &report.end),
                words::result_type_unknown(&label, "sts-policy-cache-expired"),
            ]
        );
    }

    /// Each field real reporters leave out: the report is still read, with one note saying so.
    #[test]
    fn missing_fields_are_tolerated_with_a_note() {
        let label = words::report_label("5065427c-23d3-47ca-b6e0-946ea0e8c4be", "Company-X");
        for (field, note) in [
            ("mx-host", words::mx_host_missing(&label, 1)),
            ("policy-string", words::policy_string_missing(&label, 1)),
            ("policy-domain", words::policy_domain_missing(&label, 1)),
            ("sending-mta-ip", words::sending_ip_missing(&label, 3)),
            ("receiving-mx-hostname", words::mx_hostname_missing(&label, 3)),
            ("contact-info", words::contact_missing(&label)),
        ] {
            let set = one("r.json", &without(field));
            assert_eq!(set.files[0].error, None, "{field}");
            assert_eq!(set.totals.failed, 303, "{field}");
            assert!(set.notes.contains(&note), "{field}: {:?}", set.notes);
        }
        let set = one("r.json", &without("report-id"));
        assert_eq!(set.notes[0], words::report_id_missing("Company-X", "r.json"));
        let set = one("r.json", &without("date-range"));
        assert_eq!(set.notes, vec![words::date_range_missing(&label), words::mx_host_string(&label)]);
    }

    #[test]
    fn counts_as_text_or_whole_decimals_are_read_with_a_note() {
        let set = one("c.json", COUNTS);
        assert_eq!(set.files[0].error, None);
        let policy = &set.reports[0].policies[0];
        assert_eq!((policy.successful, policy.failed, policy.failures[0].count), (120, 3, 3));
        let label = label(&set.reports[0]);
        assert_eq!(set.notes, vec![words::count_not_integer(&label, 3)]);
        // Each form on its own.
        for (count, expected) in [("\"7\"", 7), ("\" 7 \"", 7), ("7.0", 7), ("\"7.0\"", 7), ("0.0", 0)] {
            let json = format!(
                r#"{{"report-id": "x", "policies": [{{"summary": {{"total-failure-session-count": {count}}}}}]}}"#
            );
            let set = one("c.json", json.as_bytes());
            assert_eq!(set.totals.failed, expected, "{count}");
            assert!(set.notes.contains(&words::count_not_integer(label_of("x", ""), 1)), "{count}: {:?}", set.notes);
        }
        // Not a whole number of sessions: the file's error sentence.
        for count in ["7.5", "-7", "-7.0", "\"-7\"", "\"7.5\"", "\"1e3\"", "\"NaN\"", "\"\"", "1e30", "true"] {
            let json = format!(r#"{{"policies": [{{"summary": {{"total-failure-session-count": {count}}}}}]}}"#);
            let error = error_of(json.as_bytes());
            assert!(
                error.starts_with("the file looks like a TLS-RPT report, but a field has a type"),
                "{count}: {error}"
            );
        }
        let detail = br#"{"policies": [{"failure-details": [{"failed-session-count": 1.5}]}]}"#;
        assert!(error_of(detail).contains("RFC 8460 §4.4 does not allow"));
    }

    fn label_of(report_id: &str, organization: &str) -> String {
        words::report_label(report_id, organization)
    }

    #[test]
    fn a_json_array_of_reports_is_read_element_by_element() {
        let set = one("all.json", ARRAY);
        assert_eq!(set.files, vec![FileRead { file: "all.json".into(), reports: 2, error: None }]);
        assert_eq!(set.reports.len(), 2);
        assert_eq!((set.totals.successful, set.totals.failed), (1200 + 980, 4));
        assert_eq!(set.notes[0], words::json_array("all.json", 2));
        // With the same reports read from their own files too, each is counted once.
        let set = read(&[("all.json", ARRAY), ("g.json", GOOGLE)]);
        assert_eq!(set.reports.len(), 2);
        // Not a report in every element, or no element: not read.
        for bytes in [&b"[]"[..], b"[1, 2]", br#"[{"policies": []}, {"organization-name": "x"}]"#] {
            assert_eq!(error_of(bytes), words::not_tlsrpt("the file"));
        }
        // One element of the wrong shape: the file is not read, and no report of it is counted.
        let bad = br#"[{"report-id": "1", "policies": []}, {"policies": [{"summary": {"total-failure-session-count": -1}}]}]"#;
        assert!(error_of(bad).contains("RFC 8460 §4.4 does not allow"));
    }

    #[test]
    fn a_report_email_forwarded_as_an_attachment() {
        let set = one("fwd.eml", FORWARDED);
        assert_eq!(set.files[0], FileRead { file: "fwd.eml".into(), reports: 1, error: None });
        assert_eq!(set.reports[0].organization, "Google Inc.");
        assert_eq!(set.totals.failed, 4);
        // Forwarded within forwarded, deeper than any real delivery: refused, not read forever.
        let mut nested = email("application/tlsrpt+json", &b64(RFC));
        for _ in 0..=MAX_DEPTH {
            let mut outer =
                b"From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"f\"\r\n\r\n\
                              --f\r\nContent-Type: message/rfc822\r\n\r\n"
                    .to_vec();
            outer.extend_from_slice(&nested);
            outer.extend_from_slice(b"\r\n--f--\r\n");
            nested = outer;
        }
        assert_eq!(error_of(&nested), words::too_deep("the file"));
    }

    #[test]
    fn gzip_is_found_by_its_magic_bytes_not_its_name() {
        let set = one("report.bin", &gzip(RFC));
        assert_eq!(set.files[0].reports, 1);
        assert_eq!(set.totals.failed, 303);
    }

    #[test]
    fn bad_inputs_get_one_sentence_each() {
        let gz = gzip(RFC);
        let mut corrupt = gz.clone();
        corrupt[12] ^= 0xff;
        corrupt[20] ^= 0xff;
        for (bytes, expected) in [
            (&b""[..], words::file_empty("the file")),
            (b" \r\n\t", words::file_empty("the file")),
            (b"hello world", words::not_a_report("the file")),
            (b"\x00\x01\x02", words::not_a_report("the file")),
            (b"{\"policies\": [", words::not_json("the file", "EOF while parsing a list at line 1 column 14")),
            (b"{\"organization-name\": \"x\"}", words::not_tlsrpt("the file")),
            (b"[1, 2]", words::not_tlsrpt("the file")),
            (DMARC, words::dmarc("the file")),
            (&gzip(DMARC), words::dmarc("the file")),
            (b"<html></html>", words::xml("the file")),
            (b"PK\x03\x04rest", words::zip("the file")),
            (&gz[..gz.len() / 2], words::gzip_truncated("the file")),
        ] {
            assert_eq!(error_of(bytes), expected, "{:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(20)]));
        }
        assert!(error_of(&corrupt).starts_with("the file is a gzip file that"), "{}", error_of(&corrupt));
        let wrong_type = br#"{"policies": [{"summary": {"total-successful-session-count": "many"}}]}"#;
        assert!(error_of(wrong_type).starts_with("the file looks like a TLS-RPT report, but a field has a type"));
        let long =
            format!(r#"{{"policies": [{{"summary": {{"total-failure-session-count": "{}"}}}}]}}"#, "x".repeat(5000));
        assert!(error_of(long.as_bytes()).len() < 500, "the value is not quoted in full");
        let negative = br#"{"policies": [{"summary": {"total-failure-session-count": -1}}]}"#;
        assert!(error_of(negative).contains("RFC 8460 §4.4 does not allow"));
    }

    #[test]
    fn a_decompression_bomb_is_refused() {
        let bomb = gzip(&vec![b' '; MAX_DECOMPRESSED + 1]);
        assert_eq!(error_of(&bomb), words::too_large("the file", 20));
        // Exactly the cap is still read (and then found to be whitespace only).
        assert_eq!(error_of(&gzip(&vec![b' '; MAX_DECOMPRESSED])), words::file_empty("the file"));
    }

    #[test]
    fn gzip_nested_too_deep_is_refused() {
        let mut bytes = RFC.to_vec();
        for _ in 0..=MAX_DEPTH {
            bytes = gzip(&bytes);
        }
        assert_eq!(error_of(&bytes), words::too_deep("the file"));
    }

    #[test]
    fn emails_with_the_report_attached() {
        let set = one("mail.eml", EMAIL);
        assert_eq!(set.files[0], FileRead { file: "mail.eml".into(), reports: 1, error: None });
        assert_eq!(set.reports[0].organization, "Google Inc.");
        for (content_type, body) in [
            ("application/tlsrpt+gzip", gzip(RFC)),
            ("application/tlsrpt+json", RFC.to_vec()),
            ("application/gzip", gzip(RFC)),
            ("application/octet-stream; name=\"x.json.gz\"", gzip(RFC)),
        ] {
            let set = one("mail.eml", &email(content_type, &b64(&body)));
            assert_eq!(set.files[0].error, None, "{content_type}");
            assert_eq!(set.totals.failed, 303, "{content_type}");
        }
    }

    #[test]
    fn an_email_saved_from_a_mailbox_file() {
        let mut mbox = b"From tlsrpt@reporter.example Mon Nov 30 04:12:00 2026\n".to_vec();
        mbox.extend_from_slice(EMAIL);
        let set = one("saved.mbox", &mbox);
        assert_eq!(set.files[0].error, None);
        assert_eq!(set.reports.len(), 1);
    }

    /// Inputs fuzzing found, each read without a panic: a file that is read or has its sentence.
    #[test]
    fn inputs_that_crashed_the_fuzzer() {
        const CRASHES: [&[u8]; 3] = [
            include_bytes!("../tests/fixtures/report-crashes/mail-parser-nested-multipart.eml"),
            include_bytes!("../tests/fixtures/report-crashes/mail-parser-forwarded-multipart.eml"),
            include_bytes!("../tests/fixtures/report-crashes/mail-parser-multipart-in-forward.eml"),
        ];
        for bytes in CRASHES {
            let set = one("crash", bytes);
            assert_eq!(set.files[0].error.is_none(), set.files[0].reports > 0, "{:?}", set.files[0]);
        }
    }

    #[test]
    fn emails_without_a_report() {
        let text_only = b"From: a@example.com\r\nSubject: hi\r\n\r\nJust text.\r\n";
        assert_eq!(error_of(text_only), words::email_without_report("the file"));
        let dmarc = email("application/gzip", &b64(&gzip(DMARC)));
        assert_eq!(error_of(&dmarc), words::dmarc("the file"));
    }

    #[test]
    fn the_same_report_twice_is_counted_once() {
        let set = read(&[("g.json.gz", &gzip(GOOGLE)), ("mail.eml", EMAIL), ("rfc.json", RFC)]);
        assert_eq!(set.files.iter().map(|f| f.reports).collect::<Vec<_>>(), vec![1, 1, 1]);
        assert_eq!(set.reports.len(), 2);
        assert_eq!((set.totals.successful, set.totals.failed), (1200 + 5326, 4 + 303));
        let label = label(&set.reports[0]);
        assert!(set.notes.contains(&words::duplicate(label, "mail.eml", "g.json.gz")), "{:?}", set.notes);
        // The tolerance notes of the repeated report are given once.
        assert_eq!(set.notes.iter().filter(|n| n.contains("sending-mta-ip")).count(), 1, "{:?}", set.notes);
    }

    #[test]
    fn one_file_at_a_time_reads_the_same_as_all_at_once() {
        let files: [(&str, &[u8]); 4] = [("g.json", GOOGLE), ("x.xml", DMARC), ("mail.eml", EMAIL), ("r.json", RFC)];
        let mut reader = Reader::default();
        for (name, bytes) in files {
            reader.add(name, bytes);
        }
        reader.add_unreadable("gone.json", "gone.json could not be loaded.".to_owned());
        assert_eq!(reader.files(), 5);
        let mut expected = read(&files);
        expected.files.push(FileRead {
            file: "gone.json".into(),
            reports: 0,
            error: Some("gone.json could not be loaded.".into()),
        });
        assert_eq!(reader.finish(), expected);
    }

    #[test]
    fn a_bad_file_does_not_stop_the_others() {
        let set = read(&[("a.json", RFC), ("b.xml", DMARC), ("c.json", b""), ("d.json", MICROSOFT)]);
        let errors: Vec<bool> = set.files.iter().map(|f| f.error.is_some()).collect();
        assert_eq!(errors, vec![false, true, true, false]);
        assert_eq!(set.reports.len(), 2);
        assert_eq!(set.totals.successful, 5326 + 310 + 45);
    }

    #[test]
    fn result_types_round_trip_and_are_explained() {
        let mut explanations = std::collections::HashSet::new();
        for t in ResultType::KNOWN {
            assert_eq!(ResultType::parse(t.as_str()), t);
            assert!(explanations.insert(t.explain()), "{t}: explanation shared");
        }
        assert_eq!(ResultType::parse("Certificate-Expired"), ResultType::Other("Certificate-Expired".into()));
        assert_eq!(serde_json::to_string(&ResultType::DaneRequired).unwrap(), "\"dane-required\"");
    }

    #[test]
    fn one_utc_day() {
        for (start, end, expected) in [
            ("2016-04-01T00:00:00Z", "2016-04-01T23:59:59Z", true),
            ("2016-04-01T00:00:00Z", "2016-04-02T00:00:00Z", true),
            ("2016-04-01T00:00:00.000Z", "2016-04-01T23:59:59.999Z", true),
            ("2016-04-01T02:00:00+02:00", "2016-04-02T02:00:00+02:00", true),
            ("2016-04-01T00:00:00+02:00", "2016-04-02T00:00:00+02:00", false),
            ("2016-04-01T00:00:00Z", "2016-04-03T00:00:00Z", false),
            ("2016-04-01T06:00:00Z", "2016-04-02T06:00:00Z", false),
            ("2016-04-01", "2016-04-02", false),
            ("", "", false),
            ("2016-13-01T00:00:00Z", "2016-13-02T00:00:00Z", false),
        ] {
            let one_day =
                matches!((unix_seconds(start), unix_seconds(end)), (Some(s), Some(e)) if is_one_utc_day(s, e));
            assert_eq!(one_day, expected, "{start} {end}");
        }
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
    }
}
