//! DNS over HTTPS messages: the RFC 8484 query bytes for each probe, and the decoding of replies.
//!
//! Messages are built and parsed with `simple-dns` (RFC 1035 wire format); this module only picks out
//! what a checker needs: the response code, the AD and TC flags, the CNAME chain, TTLs, TXT
//! character-strings as bytes, MX preference/exchange, A/AAAA addresses and TLSA records (RFC 6698 §2.1,
//! which `simple-dns` hands over as raw record data).

use std::net::{Ipv4Addr, Ipv6Addr};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use simple_dns::rdata::RData;
use simple_dns::{CLASS, Name, Packet, PacketFlag, QCLASS, QTYPE, Question, RCODE, TYPE};

/// The record types the probes ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordType {
    Txt,
    Mx,
    A,
    Aaaa,
    /// DANE's certificate associations (RFC 6698), at `_25._tcp.<mx host>` (RFC 7672 §2.2.3).
    Tlsa,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Txt => "TXT",
            RecordType::Mx => "MX",
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Tlsa => "TLSA",
        }
    }

    fn type_code(self) -> TYPE {
        match self {
            RecordType::Txt => TYPE::TXT,
            RecordType::Mx => TYPE::MX,
            RecordType::A => TYPE::A,
            RecordType::Aaaa => TYPE::AAAA,
            RecordType::Tlsa => TYPE::Unknown(TLSA_TYPE),
        }
    }
}

/// The TLSA RR type (RFC 6698 §7.1), which `simple-dns` does not name.
const TLSA_TYPE: u16 = 52;

/// The DNS response code (RFC 1035 §4.1.1, RFC 6895).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rcode {
    NoError,
    FormErr,
    ServFail,
    NxDomain,
    NotImp,
    Refused,
    Other,
}

impl Rcode {
    pub fn as_str(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::FormErr => "FORMERR",
            Rcode::ServFail => "SERVFAIL",
            Rcode::NxDomain => "NXDOMAIN",
            Rcode::NotImp => "NOTIMP",
            Rcode::Refused => "REFUSED",
            Rcode::Other => "other error",
        }
    }
}

/// One link of a CNAME chain: `name` is an alias of `target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CnameLink {
    pub name: String,
    pub target: String,
    pub ttl: u32,
}

/// The data of an answer record of the asked type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "UPPERCASE")]
pub enum RecordData {
    /// The character-strings of one TXT record, joined without separators (RFC 8461 §3.1), as bytes.
    Txt {
        #[serde(with = "crate::observe::base64_bytes")]
        text: Vec<u8>,
    },
    Mx {
        preference: u16,
        exchange: String,
    },
    A {
        address: Ipv4Addr,
    },
    Aaaa {
        address: Ipv6Addr,
    },
    /// A certificate association (RFC 6698 §2.1).
    Tlsa {
        /// 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE (RFC 7218).
        usage: u8,
        /// 0 the whole certificate, 1 its SubjectPublicKeyInfo.
        selector: u8,
        /// 0 exact, 1 SHA-256, 2 SHA-512.
        matching_type: u8,
        /// The certificate association data, in hex (RFC 6698 §2.2).
        data: String,
    },
}

impl RecordData {
    /// A TLSA record SMTP senders can use: RFC 7672 §3.1.3 tells them to treat PKIX-TA(0) and PKIX-EE(1)
    /// as unusable, and only the selectors and matching types of RFC 6698 are known.
    pub fn is_usable_tlsa(&self) -> bool {
        match self {
            RecordData::Tlsa { usage, selector, matching_type, data } => {
                let length = match matching_type {
                    0 => !data.is_empty(),
                    1 => data.len() == 64,
                    2 => data.len() == 128,
                    _ => false,
                };
                matches!(usage, 2 | 3) && matches!(selector, 0 | 1) && length
            }
            _ => false,
        }
    }
}

/// The RDATA of a TLSA record: three one-octet fields, then the association data (RFC 6698 §2.1).
fn tlsa_rdata(bytes: &[u8]) -> Option<RecordData> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    use nom::Parser as _;
    use nom::number::complete::u8 as octet;
    let (data, (usage, selector, matching_type)) =
        (octet::<_, nom::error::Error<&[u8]>>, octet, octet).parse(bytes).ok()?;
    let data = data
        .iter()
        .flat_map(|b| [char::from(HEX[usize::from(b >> 4)]), char::from(HEX[usize::from(b & 15)])])
        .collect();
    Some(RecordData::Tlsa { usage, selector, matching_type, data })
}

/// An answer record of the asked type, at the end of the CNAME chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsRecord {
    pub name: String,
    pub ttl: u32,
    pub data: RecordData,
}

/// What a resolver answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsResponse {
    pub rcode: Rcode,
    /// AD: the resolver validated the answer with DNSSEC (RFC 4035 §3.2.3).
    pub authenticated_data: bool,
    /// TC: the answer was truncated (never expected over DoH, RFC 8484 §6).
    pub truncated: bool,
    pub cname_chain: Vec<CnameLink>,
    pub records: Vec<DnsRecord>,
}

impl DnsResponse {
    /// The TXT records of the answer, each its character-strings joined, in answer order.
    pub fn txt_records(&self) -> Vec<Vec<u8>> {
        self.records
            .iter()
            .filter_map(|r| match &r.data {
                RecordData::Txt { text } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }
}

/// Why reply bytes could not be used as an answer to the question.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the resolver's reply is not a DNS message ({0})")]
    Malformed(String),
    #[error("the resolver sent a query instead of a response")]
    NotAResponse,
    #[error("the resolver's reply answers a different question ({0})")]
    WrongQuestion(String),
    #[error("the resolver's reply is empty")]
    Empty,
}

/// The RFC 8484 query bytes for `name`/`rtype`.
///
/// The message ID is 0 (RFC 8484 §4.1: "DNS API clients SHOULD use a DNS ID of 0", which keeps GET
/// requests cacheable), recursion is desired, and the AD bit is set so that a validating resolver
/// reports whether the answer was DNSSEC-authenticated (RFC 6840 §5.7).
pub fn build_query(name: &str, rtype: RecordType) -> Vec<u8> {
    let mut packet = Packet::new_query(0);
    packet.set_flags(PacketFlag::RECURSION_DESIRED | PacketFlag::AUTHENTIC_DATA);
    // `name` comes from `Domain`, which guarantees a valid host name; a failure here is a bug upstream,
    // and an empty question makes the resolver answer FORMERR rather than this crate panicking.
    if let Ok(qname) = Name::new(name) {
        packet.questions.push(Question::new(qname, QTYPE::TYPE(rtype.type_code()), QCLASS::CLASS(CLASS::IN), false));
    }
    packet.build_bytes_vec().unwrap_or_default()
}

/// The RFC 8484 GET URL: the resolver's URI template with `?dns=` and the base64url query, unpadded.
pub fn doh_get_url(resolver: &str, query: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(query);
    let separator = if resolver.contains('?') { '&' } else { '?' };
    format!("{resolver}{separator}dns={encoded}")
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.').eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// `name.to_string()`, without `Label`'s `Display`, which writes character by character through a
/// `Formatter` and made the names most of the cost of decoding a reply. A label without `.` or `\\` (every
/// host name's) is written unchanged when it is UTF-8, so the labels are joined as bytes and checked as UTF-8
/// once; any other name goes through `Display`.
fn name_text(name: &Name) -> String {
    let mut bytes = Vec::with_capacity(name.as_bytes().map(|label| label.len() + 1).sum());
    for (i, label) in name.as_bytes().enumerate() {
        if label.iter().any(|&b| b == b'.' || b == b'\\') {
            return name.to_string();
        }
        if i > 0 {
            bytes.push(b'.');
        }
        bytes.extend_from_slice(label);
    }
    // The separators are ASCII, so the joined bytes are UTF-8 exactly when every label is.
    String::from_utf8(bytes).unwrap_or_else(|_| name.to_string())
}

/// `name` with its trailing dots cut off in place: what `trim_end_matches('.')` gives, without a copy.
fn without_root_dot(mut name: String) -> String {
    name.truncate(name.trim_end_matches('.').len());
    name
}

/// The message with the TLSA type of its question written as NULL: `simple-dns` refuses a question of a
/// type it does not know, though it reads such answer records as raw data. Anything else is left as it is.
fn question_type_as_null(message: &[u8]) -> Vec<u8> {
    let mut copy = message.to_vec();
    if copy.get(4..6).is_none_or(|qdcount| qdcount == [0, 0]) {
        return copy;
    }
    // RFC 1035 §4.1.1–§4.1.2: a 12-octet header, then QNAME as labels up to the root label (or a pointer),
    // then QTYPE.
    let mut at = 12;
    let qtype = loop {
        match copy.get(at).copied() {
            Some(0) => break at + 1,
            Some(length) if length & 0xC0 == 0xC0 => break at + 2,
            Some(length) if length < 64 => at += 1 + usize::from(length),
            _ => return copy,
        }
    };
    if copy.get(qtype..qtype + 2) == Some(&TLSA_TYPE.to_be_bytes()) {
        copy[qtype..qtype + 2].copy_from_slice(&10_u16.to_be_bytes());
    }
    copy
}

/// Decodes a reply to the question `name`/`rtype`: follows the CNAME chain from `name` and keeps the
/// records of type `rtype` owned by the end of the chain (RFC 1034 §3.6.2).
pub fn decode(message: &[u8], name: &str, rtype: RecordType) -> Result<DnsResponse, DecodeError> {
    if message.is_empty() {
        return Err(DecodeError::Empty);
    }
    let patched;
    let message = if rtype == RecordType::Tlsa {
        patched = question_type_as_null(message);
        patched.as_slice()
    } else {
        message
    };
    let packet = Packet::parse(message).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if !packet.has_flags(PacketFlag::RESPONSE) {
        return Err(DecodeError::NotAResponse);
    }
    if let Some(question) = packet.questions.first() {
        let asked = name_text(&question.qname);
        let expected = if rtype == RecordType::Tlsa { TYPE::NULL } else { rtype.type_code() };
        if !same_name(&asked, name) || question.qtype != QTYPE::TYPE(expected) {
            return Err(DecodeError::WrongQuestion(format!("{asked} instead of {name}")));
        }
    }
    let rcode = match packet.rcode() {
        RCODE::NoError => Rcode::NoError,
        RCODE::FormatError => Rcode::FormErr,
        RCODE::ServerFailure => Rcode::ServFail,
        RCODE::NameError => Rcode::NxDomain,
        RCODE::NotImplemented => Rcode::NotImp,
        RCODE::Refused => Rcode::Refused,
        _ => Rcode::Other,
    };

    let mut cname_chain = Vec::new();
    let mut owner = name.trim_end_matches('.').to_owned();
    // A chain can never be longer than the answer section; the bound also defeats CNAME loops.
    for _ in 0..packet.answers.len() {
        let next = packet.answers.iter().find_map(|rr| match &rr.rdata {
            RData::CNAME(cname) if same_name(&name_text(&rr.name), &owner) => Some((name_text(&cname.0), rr.ttl)),
            _ => None,
        });
        let Some((target, ttl)) = next else { break };
        let target = without_root_dot(target);
        cname_chain.push(CnameLink { name: owner.clone(), target: target.clone(), ttl });
        owner = target;
    }

    let records = packet
        .answers
        .iter()
        .filter_map(|rr| {
            let rr_name = name_text(&rr.name);
            if !same_name(&rr_name, &owner) {
                return None;
            }
            let data = match &rr.rdata {
                RData::TXT(txt) if rtype == RecordType::Txt => {
                    // The joined character-strings, byte for byte: String::try_from only fails on
                    // invalid UTF-8, and then hands the bytes back.
                    let joined = String::try_from(txt.clone())
                        .map_or_else(std::string::FromUtf8Error::into_bytes, String::into_bytes);
                    RecordData::Txt { text: joined }
                }
                RData::MX(mx) if rtype == RecordType::Mx => {
                    RecordData::Mx { preference: mx.preference, exchange: without_root_dot(name_text(&mx.exchange)) }
                }
                RData::A(a) if rtype == RecordType::A => RecordData::A { address: Ipv4Addr::from(a.address) },
                RData::AAAA(aaaa) if rtype == RecordType::Aaaa => {
                    RecordData::Aaaa { address: Ipv6Addr::from(aaaa.address) }
                }
                RData::NULL(TLSA_TYPE, rdata) if rtype == RecordType::Tlsa => tlsa_rdata(rdata.get_data())?,
                _ => return None,
            };
            Some(DnsRecord { name: without_root_dot(rr_name), ttl: rr.ttl, data })
        })
        .collect();

    Ok(DnsResponse {
        rcode,
        authenticated_data: packet.has_flags(PacketFlag::AUTHENTIC_DATA),
        truncated: packet.has_flags(PacketFlag::TRUNCATION),
        cname_chain,
        records,
    })
}

/// Test zones and the reply bytes a resolver would send from them; used by this crate's tests and by
/// the shells' test servers. Behind the `testing` feature: not part of the library's API.
#[cfg(any(test, feature = "testing"))]
pub mod testing {
    use super::{CLASS, Name, Packet, PacketFlag, QCLASS, QTYPE, Question, RCODE, RData, Rcode, RecordType, same_name};
    use simple_dns::ResourceRecord;
    use simple_dns::rdata::{A, AAAA, CNAME, MX, NULL, TXT};

    /// An answer to put in a reply.
    #[derive(Clone, Debug)]
    pub enum Answer {
        /// A TXT record made of these character-strings.
        Txt(Vec<Vec<u8>>),
        Mx(u16, String),
        A(std::net::Ipv4Addr),
        Aaaa(std::net::Ipv6Addr),
        Cname(String),
        /// Usage, selector, matching type and the association data.
        Tlsa(u8, u8, u8, Vec<u8>),
    }

    impl Answer {
        /// Reads record data as a zone file writes it, so that tests can state a zone as a table of
        /// `(owner, TYPE, data)`: MX as `<preference> <exchange>`, TXT as one character-string.
        pub fn parse(rtype: &str, data: &str) -> Result<Answer, String> {
            match rtype {
                "TXT" => Ok(Answer::Txt(vec![data.as_bytes().to_vec()])),
                "MX" => {
                    let (preference, exchange) =
                        data.split_once(' ').ok_or_else(|| format!("MX {data:?} is not `<preference> <exchange>`"))?;
                    let preference = preference.parse().map_err(|e| format!("MX preference {preference:?}: {e}"))?;
                    Ok(Answer::Mx(preference, exchange.to_owned()))
                }
                "A" => data.parse().map(Answer::A).map_err(|e| format!("A {data:?}: {e}")),
                "AAAA" => data.parse().map(Answer::Aaaa).map_err(|e| format!("AAAA {data:?}: {e}")),
                "CNAME" => Ok(Answer::Cname(data.to_owned())),
                // `<usage> <selector> <matching type> <hex>`, as in RFC 6698 §2.3.
                "TLSA" => {
                    let fields: Vec<&str> = data.split_ascii_whitespace().collect();
                    let [usage, selector, matching, hex] = fields.as_slice() else {
                        return Err(format!("TLSA {data:?} is not `<usage> <selector> <matching type> <hex>`"));
                    };
                    let octet = |text: &str| text.parse::<u8>().map_err(|e| format!("TLSA field {text:?}: {e}"));
                    let bytes = (0..hex.len())
                        .step_by(2)
                        .map(|i| hex.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
                        .collect::<Option<Vec<u8>>>()
                        .ok_or_else(|| format!("TLSA data {hex:?} is not hex"))?;
                    Ok(Answer::Tlsa(octet(usage)?, octet(selector)?, octet(matching)?, bytes))
                }
                other => Err(format!("test zones hold no {other} records")),
            }
        }

        /// The question type this record answers; `None` for a CNAME, which stands in for every type at
        /// its owner (RFC 1034 §3.6.2).
        pub fn rtype(&self) -> Option<RecordType> {
            match self {
                Answer::Txt(_) => Some(RecordType::Txt),
                Answer::Mx(..) => Some(RecordType::Mx),
                Answer::A(_) => Some(RecordType::A),
                Answer::Aaaa(_) => Some(RecordType::Aaaa),
                Answer::Tlsa(..) => Some(RecordType::Tlsa),
                Answer::Cname(_) => None,
            }
        }
    }

    /// The question of a query the checker sent: its name (without the root dot) and type; `None` for
    /// anything else. What a test resolver answers.
    pub fn question_of(query: &[u8]) -> Option<(String, RecordType)> {
        let query = super::question_type_as_null(query);
        let packet = Packet::parse(&query).ok()?;
        let question = packet.questions.first()?;
        let rtype = [RecordType::Txt, RecordType::Mx, RecordType::A, RecordType::Aaaa]
            .into_iter()
            .find(|t| question.qtype == QTYPE::TYPE(t.type_code()))
            .or((question.qtype == QTYPE::TYPE(simple_dns::TYPE::NULL)).then_some(RecordType::Tlsa))?;
        Some((super::name_text(&question.qname).trim_end_matches('.').to_owned(), rtype))
    }

    /// The TTL of records added without one: a common real-world value, far from the core's limits.
    pub const DEFAULT_TTL: u32 = 300;

    /// Resolvers give up on long CNAME chains; the bound also ends CNAME loops.
    const MAX_CNAME_CHAIN: usize = 8;

    /// One resource record of a test zone.
    #[derive(Clone, Debug)]
    pub struct Record {
        pub owner: String,
        pub ttl: u32,
        pub data: Answer,
    }

    /// The records a test resolver answers from, as a recursive resolver would: the CNAME chain, then
    /// the RRset at its end, NXDOMAIN told from NODATA.
    #[derive(Clone, Debug, Default)]
    pub struct Zone {
        records: Vec<Record>,
        authenticated_data: bool,
    }

    impl Zone {
        pub fn new() -> Zone {
            Zone::default()
        }

        /// Sets AD on every reply: the resolver validated the zone with DNSSEC (RFC 4035 §3.2.3).
        #[must_use]
        pub fn authenticated(mut self, validated: bool) -> Zone {
            self.authenticated_data = validated;
            self
        }

        /// Adds a record; owner names match without regard to case or a trailing dot.
        pub fn insert(&mut self, owner: &str, ttl: u32, data: Answer) -> &mut Zone {
            self.records.push(Record { owner: owner.to_owned(), ttl, data });
            self
        }

        #[must_use]
        fn with(mut self, owner: &str, data: Answer) -> Zone {
            self.insert(owner, DEFAULT_TTL, data);
            self
        }

        /// A TXT record of one character-string.
        #[must_use]
        pub fn txt(self, owner: &str, text: &str) -> Zone {
            self.with(owner, Answer::Txt(vec![text.as_bytes().to_vec()]))
        }

        /// A TXT record of several character-strings.
        #[must_use]
        pub fn txt_strings(self, owner: &str, strings: &[&str]) -> Zone {
            self.with(owner, Answer::Txt(strings.iter().map(|s| s.as_bytes().to_vec()).collect()))
        }

        #[must_use]
        pub fn mx(self, owner: &str, preference: u16, exchange: &str) -> Zone {
            self.with(owner, Answer::Mx(preference, exchange.to_owned()))
        }

        #[must_use]
        pub fn a(self, owner: &str, address: std::net::Ipv4Addr) -> Zone {
            self.with(owner, Answer::A(address))
        }

        #[must_use]
        pub fn aaaa(self, owner: &str, address: std::net::Ipv6Addr) -> Zone {
            self.with(owner, Answer::Aaaa(address))
        }

        #[must_use]
        pub fn tlsa(self, owner: &str, usage: u8, selector: u8, matching_type: u8, data: &[u8]) -> Zone {
            self.with(owner, Answer::Tlsa(usage, selector, matching_type, data.to_vec()))
        }

        #[must_use]
        pub fn cname(self, owner: &str, target: &str) -> Zone {
            self.with(owner, Answer::Cname(target.to_owned()))
        }

        pub fn records(&self) -> &[Record] {
            &self.records
        }

        /// Keeps only the records `keep` accepts, so that a test can take one out of a shared zone.
        pub fn retain(&mut self, keep: impl FnMut(&Record) -> bool) {
            self.records.retain(keep);
        }

        /// The reply to `name`/`rtype`: the CNAME chain from `name`, then the records of `rtype` at its
        /// end; NXDOMAIN only when nothing at all exists at or below that name (RFC 8020), else NOERROR.
        pub fn answer(&self, name: &str, rtype: RecordType) -> Vec<u8> {
            let mut answers = Vec::new();
            let mut owner = name.trim_end_matches('.');
            for _ in 0..MAX_CNAME_CHAIN {
                let next = self.records.iter().find_map(|r| match &r.data {
                    Answer::Cname(target) if same_name(&r.owner, owner) => Some((r.ttl, target)),
                    _ => None,
                });
                let Some((ttl, target)) = next else { break };
                answers.push((owner.to_owned(), ttl, Answer::Cname(target.clone())));
                owner = target;
            }
            answers.extend(
                self.records
                    .iter()
                    .filter(|r| same_name(&r.owner, owner) && r.data.rtype() == Some(rtype))
                    .map(|r| (r.owner.clone(), r.ttl, r.data.clone())),
            );
            // An empty non-terminal exists too: it has names below it.
            let below = format!(".{}", owner.trim_end_matches('.').to_ascii_lowercase());
            let exists = self.records.iter().any(|r| {
                same_name(&r.owner, owner) || r.owner.trim_end_matches('.').to_ascii_lowercase().ends_with(&below)
            });
            let rcode = if exists || !answers.is_empty() { Rcode::NoError } else { Rcode::NxDomain };
            reply(name, rtype, rcode, self.authenticated_data, &answers)
        }
    }

    /// A reply to `name`/`rtype` with the given rcode and answers `(owner, ttl, answer)`.
    ///
    /// # Panics
    ///
    /// When a name or an answer cannot be encoded: test zones are written by hand, so that is a bug in
    /// the test.
    pub fn reply(name: &str, rtype: RecordType, rcode: Rcode, ad: bool, answers: &[(String, u32, Answer)]) -> Vec<u8> {
        let mut packet = Packet::new_reply(0);
        *packet.rcode_mut() = match rcode {
            Rcode::NoError => RCODE::NoError,
            Rcode::FormErr => RCODE::FormatError,
            Rcode::ServFail => RCODE::ServerFailure,
            Rcode::NxDomain => RCODE::NameError,
            Rcode::NotImp => RCODE::NotImplemented,
            Rcode::Refused => RCODE::Refused,
            Rcode::Other => RCODE::BADVERS,
        };
        if ad {
            packet.set_flags(PacketFlag::AUTHENTIC_DATA);
        }
        packet.set_flags(PacketFlag::RECURSION_AVAILABLE | PacketFlag::RECURSION_DESIRED);
        packet.questions.push(Question::new(
            Name::new_unchecked(name),
            QTYPE::TYPE(rtype.type_code()),
            QCLASS::CLASS(CLASS::IN),
            false,
        ));
        for (owner, ttl, answer) in answers {
            let rdata = match answer {
                Answer::Txt(strings) => {
                    let mut txt = TXT::new();
                    for s in strings {
                        txt.add_char_string(simple_dns::CharacterString::new(s).expect("≤255 bytes"));
                    }
                    RData::TXT(txt)
                }
                Answer::Mx(preference, exchange) => {
                    RData::MX(MX { preference: *preference, exchange: Name::new_unchecked(exchange) })
                }
                Answer::A(address) => RData::A(A { address: u32::from(*address) }),
                Answer::Aaaa(address) => RData::AAAA(AAAA { address: u128::from(*address) }),
                Answer::Cname(target) => RData::CNAME(CNAME(Name::new_unchecked(target))),
                Answer::Tlsa(usage, selector, matching_type, data) => {
                    let rdata: Vec<u8> = [*usage, *selector, *matching_type].into_iter().chain(data.clone()).collect();
                    RData::NULL(super::TLSA_TYPE, NULL::new(&rdata).expect("TLSA data fits a record").into_owned())
                }
            };
            packet.answers.push(ResourceRecord::new(Name::new_unchecked(owner), CLASS::IN, *ttl, rdata));
        }
        packet.build_bytes_vec().expect("test reply")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{Answer, Zone, reply};
    use super::*;

    /// TLSA records (RFC 6698 §2.1), which `simple-dns` hands over as raw data, are read field by field.
    #[test]
    fn tlsa_records_are_read_and_judged_usable_as_rfc_7672_says() {
        let digest = [0xab_u8; 32];
        let zone = Zone::new()
            .authenticated(true)
            .tlsa("_25._tcp.mx.example", 3, 1, 1, &digest)
            .tlsa("_25._tcp.mx.example", 1, 1, 1, &digest)
            .tlsa("_25._tcp.mx.example", 3, 1, 1, &digest[..5]);
        let response =
            decode(&zone.answer("_25._tcp.mx.example", RecordType::Tlsa), "_25._tcp.mx.example", RecordType::Tlsa)
                .unwrap();
        assert!(response.authenticated_data);
        let usable: Vec<bool> = response.records.iter().map(|r| r.data.is_usable_tlsa()).collect();
        assert_eq!(usable, [true, false, false]);
        let RecordData::Tlsa { usage, selector, matching_type, data } = &response.records[0].data else {
            panic!("{:?}", response.records[0])
        };
        assert_eq!((*usage, *selector, *matching_type, data.as_str()), (3, 1, 1, "ab".repeat(32).as_str()));
        assert!(matches!(Answer::parse("TLSA", "3 1 1 0a0B"), Ok(Answer::Tlsa(3, 1, 1, bytes)) if bytes == [10, 11]));
        assert!(Answer::parse("TLSA", "3 1 1").is_err() && Answer::parse("TLSA", "3 1 1 xyz").is_err());
    }

    /// `name_text` is `Name`'s `Display`, also for labels a host name never has.
    #[test]
    fn name_text_is_the_display_text() {
        use simple_dns::Label;
        let labels: [&[u8]; 8] =
            [b"mail", b"Example", b"a.b", b"back\\slash", b"\xFFx", "b\u{fc}cher".as_bytes(), b"_mta-sts", b""];
        for first in labels {
            for second in labels {
                let name = Name::new_with_labels(&[Label::new_unchecked(first), Label::new_unchecked(second)]);
                assert_eq!(name_text(&name), name.to_string(), "{first:?} {second:?}");
            }
        }
        assert_eq!(name_text(&Name::new_unchecked("")), Name::new_unchecked("").to_string());
    }

    #[test]
    fn query_asks_one_question_with_id_zero_and_rd() {
        let query = build_query("_mta-sts.example.com", RecordType::Txt);
        let packet = Packet::parse(&query).unwrap();
        assert_eq!(packet.id(), 0);
        assert!(packet.has_flags(PacketFlag::RECURSION_DESIRED));
        assert!(!packet.has_flags(PacketFlag::RESPONSE));
        assert_eq!(packet.questions.len(), 1);
        assert_eq!(packet.questions[0].qname.to_string(), "_mta-sts.example.com");
        assert_eq!(packet.questions[0].qtype, QTYPE::TYPE(TYPE::TXT));
    }

    #[test]
    fn doh_url_is_base64url_without_padding() {
        let url = doh_get_url("https://dns.example/dns-query", &[0xfb, 0xff, 0x00]);
        assert_eq!(url, "https://dns.example/dns-query?dns=-_8A");
        assert!(doh_get_url("https://dns.example/q?ct", b"a").starts_with("https://dns.example/q?ct&dns="));
    }

    #[test]
    fn txt_strings_are_joined_without_spaces_and_kept_as_bytes() {
        let strings = vec![b"v=STSv1; id".to_vec(), b"=20240101;".to_vec(), vec![0xff]];
        let bytes = reply(
            "_mta-sts.example.com",
            RecordType::Txt,
            Rcode::NoError,
            true,
            &[("_mta-sts.example.com".into(), 300, Answer::Txt(strings))],
        );
        let response = decode(&bytes, "_mta-sts.example.com", RecordType::Txt).unwrap();
        assert!(response.authenticated_data);
        assert_eq!(response.records.len(), 1);
        assert_eq!(response.records[0].ttl, 300);
        let RecordData::Txt { text } = &response.records[0].data else { panic!("not TXT") };
        // A string that starts with `=` is kept too (simple-dns' attribute view would drop it).
        assert_eq!(text.as_slice(), b"v=STSv1; id=20240101;\xff");
    }

    #[test]
    fn cname_chain_is_followed_and_reported() {
        let bytes = reply(
            "_mta-sts.example.com",
            RecordType::Txt,
            Rcode::NoError,
            false,
            &[
                ("_mta-sts.example.com".into(), 60, Answer::Cname("_mta-sts.provider.example".into())),
                ("_mta-sts.provider.example".into(), 120, Answer::Txt(vec![b"v=STSv1; id=1".to_vec()])),
                ("unrelated.example".into(), 120, Answer::Txt(vec![b"v=STSv1; id=2".to_vec()])),
            ],
        );
        let response = decode(&bytes, "_mta-sts.example.com", RecordType::Txt).unwrap();
        assert_eq!(
            response.cname_chain,
            vec![CnameLink {
                name: "_mta-sts.example.com".into(),
                target: "_mta-sts.provider.example".into(),
                ttl: 60
            }]
        );
        assert_eq!(response.records.len(), 1);
        assert_eq!(response.records[0].name, "_mta-sts.provider.example");
    }

    #[test]
    fn cname_loops_terminate() {
        let bytes = reply(
            "a.example",
            RecordType::Txt,
            Rcode::NoError,
            false,
            &[
                ("a.example".into(), 60, Answer::Cname("b.example".into())),
                ("b.example".into(), 60, Answer::Cname("a.example".into())),
            ],
        );
        let response = decode(&bytes, "a.example", RecordType::Txt).unwrap();
        assert_eq!(response.cname_chain.len(), 2);
        assert!(response.records.is_empty());
    }

    #[test]
    fn rcodes_and_flags_are_decoded() {
        for (rcode, expected) in [
            (Rcode::NxDomain, Rcode::NxDomain),
            (Rcode::ServFail, Rcode::ServFail),
            (Rcode::Refused, Rcode::Refused),
            (Rcode::NoError, Rcode::NoError),
        ] {
            let bytes = reply("example.com", RecordType::Mx, rcode, false, &[]);
            let response = decode(&bytes, "example.com", RecordType::Mx).unwrap();
            assert_eq!(response.rcode, expected);
            assert!(!response.authenticated_data);
        }
    }

    #[test]
    fn mx_a_and_aaaa_are_decoded() {
        let bytes = reply(
            "example.com",
            RecordType::Mx,
            Rcode::NoError,
            false,
            &[("example.com".into(), 3600, Answer::Mx(10, "mail.example.com".into()))],
        );
        let response = decode(&bytes, "example.com.", RecordType::Mx).unwrap();
        assert_eq!(response.records[0].data, RecordData::Mx { preference: 10, exchange: "mail.example.com".into() });

        let v4 = "192.0.2.1".parse().unwrap();
        let bytes = reply("h.example", RecordType::A, Rcode::NoError, false, &[("h.example".into(), 1, Answer::A(v4))]);
        assert_eq!(decode(&bytes, "h.example", RecordType::A).unwrap().records[0].data, RecordData::A { address: v4 });

        let v6 = "2001:db8::1".parse().unwrap();
        let bytes =
            reply("h.example", RecordType::Aaaa, Rcode::NoError, false, &[("h.example".into(), 1, Answer::Aaaa(v6))]);
        let response = decode(&bytes, "h.example", RecordType::Aaaa).unwrap();
        assert_eq!(response.records[0].data, RecordData::Aaaa { address: v6 });
    }

    #[test]
    fn garbage_and_mismatches_are_errors_not_panics() {
        assert_eq!(decode(b"", "a.example", RecordType::Txt), Err(DecodeError::Empty));
        assert!(matches!(decode(b"<html>oops</html>", "a.example", RecordType::Txt), Err(DecodeError::Malformed(_))));
        let query = build_query("a.example", RecordType::Txt);
        assert_eq!(decode(&query, "a.example", RecordType::Txt), Err(DecodeError::NotAResponse));
        let other = reply("b.example", RecordType::Txt, Rcode::NoError, false, &[]);
        assert!(matches!(decode(&other, "a.example", RecordType::Txt), Err(DecodeError::WrongQuestion(_))));
        let wrong_type = reply("a.example", RecordType::Mx, Rcode::NoError, false, &[]);
        assert!(matches!(decode(&wrong_type, "a.example", RecordType::Txt), Err(DecodeError::WrongQuestion(_))));
    }

    /// What a resolver answering from `zone` says to `name`/`rtype`, decoded as a shell would.
    fn ask(zone: &Zone, name: &str, rtype: RecordType) -> DnsResponse {
        decode(&zone.answer(name, rtype), name, rtype).unwrap()
    }

    #[test]
    fn zones_follow_cnames_and_tell_nxdomain_from_nodata() {
        let zone = Zone::new().cname("_mta-sts.a.example", "sts.b.example").txt("sts.b.example", "v=STSv1; id=1").mx(
            "a.example",
            10,
            "mx.a.example",
        );

        let txt = ask(&zone, "_mta-sts.a.example", RecordType::Txt);
        assert_eq!(txt.rcode, Rcode::NoError);
        assert_eq!(txt.cname_chain.len(), 1);
        assert_eq!(txt.records[0].data, RecordData::Txt { text: b"v=STSv1; id=1".to_vec() });
        assert!(!txt.authenticated_data);

        // `a.example` exists (it has an MX), so its TXT is NODATA; a name with nothing is NXDOMAIN.
        let nodata = ask(&zone, "a.example", RecordType::Txt);
        assert_eq!((nodata.rcode, nodata.records.len()), (Rcode::NoError, 0));
        let nx = ask(&zone, "nothing.example", RecordType::Txt);
        assert_eq!(nx.rcode, Rcode::NxDomain);
        // An empty non-terminal exists too (RFC 8020).
        let ent = ask(&zone, "b.example", RecordType::A);
        assert_eq!(ent.rcode, Rcode::NoError);
    }

    #[test]
    fn zones_match_owners_loosely_and_bound_cname_loops() {
        let mut zone = Zone::new().authenticated(true).cname("loop.example", "LOOP.example");
        zone.insert("Mail.Example.", 60, Answer::parse("MX", "10 mx.example").unwrap());

        let mx = ask(&zone, "mail.example", RecordType::Mx);
        assert!(mx.authenticated_data);
        assert_eq!(
            (mx.records[0].ttl, &mx.records[0].data),
            (60, &RecordData::Mx { preference: 10, exchange: "mx.example".into() })
        );

        let looped = ask(&zone, "loop.example", RecordType::A);
        assert_eq!((looped.rcode, looped.cname_chain.len()), (Rcode::NoError, 8));

        zone.retain(|r| r.owner != "Mail.Example.");
        let gone = ask(&zone, "mail.example", RecordType::Mx);
        assert_eq!(gone.rcode, Rcode::NxDomain);
    }

    #[test]
    fn record_data_reads_as_a_zone_file_writes_it() {
        assert!(matches!(Answer::parse("TXT", "v=STSv1; id=1"), Ok(Answer::Txt(s)) if s == [b"v=STSv1; id=1"]));
        assert!(matches!(Answer::parse("A", "192.0.2.1"), Ok(Answer::A(_))));
        assert!(matches!(Answer::parse("AAAA", "2001:db8::1"), Ok(Answer::Aaaa(_))));
        assert!(matches!(Answer::parse("CNAME", "x.example"), Ok(Answer::Cname(t)) if t == "x.example"));
        for (rtype, data) in [("MX", "mx.example"), ("MX", "high mx.example"), ("A", "::1"), ("NS", "ns.example")] {
            assert!(Answer::parse(rtype, data).is_err(), "{rtype} {data}");
        }
    }
}
