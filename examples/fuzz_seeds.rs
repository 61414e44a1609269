//! Writes the fuzz targets' seed corpora from the fixture corpus, so each campaign starts from inputs that
//! already reach deep into the parsers instead of rediscovering the grammar byte by byte.
//!
//! `cargo run --example fuzz_seeds --features testing -- fuzz/corpus` (run by `scripts/fuzz.sh`). Each
//! target's directory gets one file per fixture, named after it; existing files (what earlier campaigns
//! found) are kept.

use mta_sts::observe::DnsResult;
use mta_sts::scenario::Scenario;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "fuzz/corpus".to_owned()));
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seeds = Seeds { out, written: 0 };

    for (name, fixture) in json_files(&fixtures.join("policy")) {
        if let Some(input) = fixture["input"].as_str() {
            seeds.write("policy", &name, input.as_bytes());
            // preflight reads its first line as the draft record and the rest as the draft policy.
            seeds.write("preflight", &name, format!("v=STSv1; id=20261201\n{input}").as_bytes());
        }
    }
    for (kind, target) in [("record", "record"), ("tlsrpt", "tlsrpt")] {
        for (name, fixture) in json_files(&fixtures.join(kind)) {
            // The targets read an RRset as its records separated by NUL bytes.
            let input = match &fixture["input"] {
                Value::String(one) => one.clone(),
                Value::Array(rrset) => rrset.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\0"),
                _ => continue,
            };
            seeds.write(target, &name, input.as_bytes());
        }
    }
    for (name, fixture) in json_files(&fixtures.join("mx")) {
        if let (Some(pattern), Some(host)) = (fixture["pattern"].as_str(), fixture["host"].as_str()) {
            seeds.write("mx_match", &name, format!("{pattern}\n{host}").as_bytes());
            seeds.write("domain", &name, host.as_bytes());
        }
    }
    for (name, fixture) in json_files(&fixtures.join("observations")) {
        let Ok(scenario) = serde_json::from_value::<Scenario>(fixture) else { continue };
        let Ok(observations) = scenario.try_observations() else { continue };
        seeds.write("domain", &name, scenario.domain.as_bytes());
        seeds.write("evaluate", &name, &serde_json::to_vec(&observations).expect("observations serialize"));
        // The DNS replies, as the bytes the resolver sent.
        for (i, probe) in observations.dns.iter().enumerate() {
            if let DnsResult::Response { body, .. } = &probe.result {
                seeds.write("dns_decode", &format!("{name}-{i}"), body);
            }
        }
    }
    for signature in mta_sts::bounce::SIGNATURES {
        let sample = signature.pattern.replace("{host}", "mx1.example.com").replace("{domain}", "example.com");
        seeds.write("bounce", signature.id, sample.replace("{detail}", "reason").as_bytes());
    }
    for entry in sorted_dir(&fixtures.join("reports")) {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if name != "README.md" {
            seeds.write("report", &name, &fs::read(&entry).expect("a readable fixture"));
        }
    }
    println!("{} seed files under {}", seeds.written, seeds.out.display());
}

struct Seeds {
    out: PathBuf,
    written: usize,
}

impl Seeds {
    fn write(&mut self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.out.join(target);
        fs::create_dir_all(&dir).expect("the corpus directory can be created");
        fs::write(dir.join(format!("fixture-{name}")), bytes).expect("a seed file can be written");
        self.written += 1;
    }
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .expect("the fixture directory exists")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    paths.sort();
    paths
}

/// The fixtures of one kind, by file stem.
fn json_files(dir: &Path) -> Vec<(String, Value)> {
    sorted_dir(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
            let value = serde_json::from_slice(&fs::read(&p).expect("a readable fixture")).expect("fixture is JSON");
            (stem, value)
        })
        .collect()
}
