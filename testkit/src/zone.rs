//! A test zone: records by owner name, answered with CNAME chasing and NXDOMAIN told from NODATA.

use std::net::{Ipv4Addr, Ipv6Addr};

use mta_sts::dns::testing::{Answer, reply};
use mta_sts::dns::{Rcode, RecordType};

/// One resource record of a test zone.
#[derive(Clone, Debug)]
pub struct Record {
    pub owner: String,
    pub data: Answer,
}

/// The records a test DoH server answers from.
#[derive(Clone, Debug, Default)]
pub struct Zone {
    records: Vec<Record>,
}

fn same(a: &str, b: &str) -> bool {
    a.trim_end_matches('.').eq_ignore_ascii_case(b.trim_end_matches('.'))
}

fn rtype_of(answer: &Answer) -> Option<RecordType> {
    match answer {
        Answer::Txt(_) => Some(RecordType::Txt),
        Answer::Mx(..) => Some(RecordType::Mx),
        Answer::A(_) => Some(RecordType::A),
        Answer::Aaaa(_) => Some(RecordType::Aaaa),
        Answer::Cname(_) => None,
    }
}

impl Zone {
    pub fn new() -> Self {
        Zone::default()
    }

    fn add(mut self, owner: &str, data: Answer) -> Self {
        self.records.push(Record { owner: owner.to_owned(), data });
        self
    }

    /// A TXT record of one character-string.
    #[must_use]
    pub fn txt(self, owner: &str, text: &str) -> Self {
        self.add(owner, Answer::Txt(vec![text.as_bytes().to_vec()]))
    }

    /// A TXT record of several character-strings.
    #[must_use]
    pub fn txt_strings(self, owner: &str, strings: &[&str]) -> Self {
        self.add(owner, Answer::Txt(strings.iter().map(|s| s.as_bytes().to_vec()).collect()))
    }

    #[must_use]
    pub fn mx(self, owner: &str, preference: u16, exchange: &str) -> Self {
        self.add(owner, Answer::Mx(preference, exchange.to_owned()))
    }

    #[must_use]
    pub fn a(self, owner: &str, address: Ipv4Addr) -> Self {
        self.add(owner, Answer::A(address))
    }

    #[must_use]
    pub fn aaaa(self, owner: &str, address: Ipv6Addr) -> Self {
        self.add(owner, Answer::Aaaa(address))
    }

    #[must_use]
    pub fn cname(self, owner: &str, target: &str) -> Self {
        self.add(owner, Answer::Cname(target.to_owned()))
    }

    /// The reply to `name`/`rtype`: the CNAME chain from `name`, then the records of `rtype` at its end;
    /// NXDOMAIN only when nothing at all exists at or below the name (RFC 8020), else NOERROR.
    pub fn answer(&self, name: &str, rtype: RecordType) -> Vec<u8> {
        let mut answers = Vec::new();
        let mut owner = name.trim_end_matches('.').to_owned();
        for _ in 0..8 {
            let next = self.records.iter().find_map(|r| match &r.data {
                Answer::Cname(target) if same(&r.owner, &owner) => Some(target.clone()),
                _ => None,
            });
            let Some(target) = next else { break };
            answers.push((owner.clone(), 300, Answer::Cname(target.clone())));
            owner = target;
        }
        for record in &self.records {
            if same(&record.owner, &owner) && rtype_of(&record.data) == Some(rtype) {
                answers.push((record.owner.clone(), 300, record.data.clone()));
            }
        }
        let below = format!(".{}", owner.to_ascii_lowercase());
        let exists = self
            .records
            .iter()
            .any(|r| same(&r.owner, &owner) || r.owner.to_ascii_lowercase().trim_end_matches('.').ends_with(&below));
        let rcode = if exists || !answers.is_empty() { Rcode::NoError } else { Rcode::NxDomain };
        reply(name, rtype, rcode, false, &answers)
    }

    /// A SERVFAIL reply to `name`/`rtype`.
    pub fn servfail(name: &str, rtype: RecordType) -> Vec<u8> {
        reply(name, rtype, Rcode::ServFail, false, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mta_sts::dns::{RecordData, decode};

    #[test]
    fn answers_follow_cnames_and_tell_nxdomain_from_nodata() {
        let zone = Zone::new().cname("_mta-sts.a.example", "sts.b.example").txt("sts.b.example", "v=STSv1; id=1").mx(
            "a.example",
            10,
            "mx.a.example",
        );

        let txt =
            decode(&zone.answer("_mta-sts.a.example", RecordType::Txt), "_mta-sts.a.example", RecordType::Txt).unwrap();
        assert_eq!(txt.rcode, Rcode::NoError);
        assert_eq!(txt.cname_chain.len(), 1);
        assert_eq!(txt.records[0].data, RecordData::Txt { text: b"v=STSv1; id=1".to_vec() });

        // `a.example` exists (it has an MX), so its TXT is NODATA; a name with nothing is NXDOMAIN.
        let nodata = decode(&zone.answer("a.example", RecordType::Txt), "a.example", RecordType::Txt).unwrap();
        assert_eq!((nodata.rcode, nodata.records.len()), (Rcode::NoError, 0));
        let nx = decode(&zone.answer("nothing.example", RecordType::Txt), "nothing.example", RecordType::Txt).unwrap();
        assert_eq!(nx.rcode, Rcode::NxDomain);
        // An empty non-terminal exists too (RFC 8020).
        let ent = decode(&zone.answer("b.example", RecordType::A), "b.example", RecordType::A).unwrap();
        assert_eq!(ent.rcode, Rcode::NoError);
    }
}
