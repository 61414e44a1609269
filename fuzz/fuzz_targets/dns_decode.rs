//! DNS reply decoding on arbitrary bytes, for every record type a probe asks for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mta_sts::dns::{RecordType, decode};

fuzz_target!(|data: &[u8]| {
    for rtype in [RecordType::Txt, RecordType::Mx, RecordType::A, RecordType::Aaaa] {
        let _ = decode(data, "_mta-sts.example.com", rtype);
    }
    // TLSA replies are read with their question's type rewritten first (simple-dns knows no TLSA question).
    if let Ok(reply) = decode(data, "_25._tcp.mx.example.com", RecordType::Tlsa) {
        for record in &reply.records {
            let _ = record.data.is_usable_tlsa();
        }
    }
});
