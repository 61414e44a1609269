//! The MX host names of large hosted mail providers, and the `mx` pattern that covers each correctly.
//!
//! A policy's `mx` patterns must match the MX host names (RFC 8461 §4.1), and `*` stands for exactly one
//! label: whether a wildcard covers a provider's hosts depends on how deep under the provider's name they
//! sit. These rows say it per provider, each with where the host names were read.

use serde::Serialize;

/// How a provider's MX host names look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "name")]
pub enum Hosts {
    /// This one host name.
    Exactly(&'static str),
    /// One label under this name (`tenant.mail.protection.outlook.com`).
    OneLabelUnder(&'static str),
    /// Two labels under this name (`tenant.zone.mx.microsoft`).
    TwoLabelsUnder(&'static str),
}

/// The `mx` pattern that covers such a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "pattern")]
pub enum Cover {
    /// The host name itself.
    Host,
    /// This wildcard pattern.
    Wildcard(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Provider {
    pub name: &'static str,
    pub hosts: Hosts,
    pub cover: Cover,
    /// Why that pattern, and why a wildcard does or does not do.
    pub why: &'static str,
    /// Where the host names were read.
    pub source: &'static str,
}

const GOOGLE_MX: &str = "https://intodns.ai/citations/google-workspace-mx-records";
/// Microsoft's own policy, which its page offers every Exchange Online customer to copy.
const MICROSOFT_POLICY: &str = "https://github.com/MicrosoftDocs/microsoft-365-docs/blob/0cf8685345d02c797cc2579e37cebcde7c09895d/microsoft-365/compliance/enhancing-mail-flow-with-mta-sts.md#L46-L53";
const MX_MICROSOFT: &str = "https://c7solutions.com/2024/02/what-is-mx-microsoft";

pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "Google Workspace",
        hosts: Hosts::Exactly("smtp.google.com"),
        cover: Cover::Host,
        why: "Domains set up with Google Workspace since 2023 have this one MX host; list it as it is.",
        source: GOOGLE_MX,
    },
    Provider {
        name: "Google Workspace",
        hosts: Hosts::Exactly("aspmx.l.google.com"),
        cover: Cover::Host,
        why: "`*.aspmx.l.google.com` covers alt1 to alt4.aspmx.l.google.com but not aspmx.l.google.com itself, so the policy lists both.",
        source: GOOGLE_MX,
    },
    Provider {
        name: "Google Workspace",
        hosts: Hosts::OneLabelUnder("aspmx.l.google.com"),
        cover: Cover::Wildcard("*.aspmx.l.google.com"),
        why: "alt1 to alt4.aspmx.l.google.com are one label under aspmx.l.google.com, so `*.aspmx.l.google.com` covers all four (but not aspmx.l.google.com itself).",
        source: GOOGLE_MX,
    },
    Provider {
        name: "Microsoft 365",
        hosts: Hosts::OneLabelUnder("mail.protection.outlook.com"),
        cover: Cover::Wildcard("*.mail.protection.outlook.com"),
        why: "Each tenant's MX host is one label under mail.protection.outlook.com, so `*.mail.protection.outlook.com` covers it; Microsoft publishes that pattern in its own policy.",
        source: MICROSOFT_POLICY,
    },
    Provider {
        name: "Microsoft 365",
        hosts: Hosts::TwoLabelsUnder("mx.microsoft"),
        cover: Cover::Host,
        why: "MX hosts under mx.microsoft (domains added since 2024, DNSSEC-signed) are two labels deep (tenant.zone.mx.microsoft), so `*.mx.microsoft` does not cover them: list the host name itself.",
        source: MX_MICROSOFT,
    },
];

/// The provider whose MX host `host` is, if it is one of [`PROVIDERS`].
pub fn provider_of(host: &str) -> Option<&'static Provider> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels_under = |parent: &str| {
        host.strip_suffix(parent)
            .and_then(|rest| rest.strip_suffix('.'))
            .map(|rest| rest.split('.').filter(|l| !l.is_empty()).count())
    };
    PROVIDERS.iter().find(|p| match p.hosts {
        Hosts::Exactly(name) => host == name,
        Hosts::OneLabelUnder(parent) => labels_under(parent) == Some(1),
        Hosts::TwoLabelsUnder(parent) => labels_under(parent) == Some(2),
    })
}

impl Provider {
    /// The `mx` pattern that covers `host` (one of this provider's hosts).
    pub fn pattern_for(&self, host: &str) -> String {
        match self.cover {
            Cover::Host => host.trim_end_matches('.').to_ascii_lowercase(),
            Cover::Wildcard(pattern) => pattern.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mx::MxPattern;

    /// Each provider's pattern is valid and covers its own host names, and a one-label wildcard over the
    /// provider's name covers them exactly when the rows say it does.
    #[test]
    fn every_pattern_covers_its_providers_hosts() {
        let examples = [
            ("smtp.google.com", "smtp.google.com"),
            ("ASPMX.L.GOOGLE.COM.", "aspmx.l.google.com"),
            ("alt3.aspmx.l.google.com", "*.aspmx.l.google.com"),
            ("contoso-com.mail.protection.outlook.com", "*.mail.protection.outlook.com"),
            ("contoso-com.o-v1.mx.microsoft", "contoso-com.o-v1.mx.microsoft"),
        ];
        for (host, want) in examples {
            let provider = provider_of(host).unwrap_or_else(|| panic!("{host}"));
            let pattern = provider.pattern_for(host);
            assert_eq!(pattern, want, "{host}");
            assert!(MxPattern::parse(&pattern).unwrap().matches(host), "{pattern} covers {host}");
        }
        // The traps the rows explain.
        assert!(!MxPattern::parse("*.aspmx.l.google.com").unwrap().matches("aspmx.l.google.com"));
        assert!(!MxPattern::parse("*.mx.microsoft").unwrap().matches("contoso-com.o-v1.mx.microsoft"));
        for host in [
            "google.com",
            "mail.google.com",
            "mail.protection.outlook.com",
            "a.b.mail.protection.outlook.com",
            "x.mx.microsoft",
        ] {
            assert!(provider_of(host).is_none(), "{host}");
        }
        for p in PROVIDERS {
            assert!(p.source.starts_with("https://") && p.why.ends_with('.'), "{}", p.name);
        }
    }
}
