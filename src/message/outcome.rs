//! The words of the sender outcomes ([`crate::senders::outcome`]): what the engine itself concludes, beside
//! the rows' and the models' own sentences.

texts! { pub "outcome";
    /// A sender whose last repeated `mode` line wins applies another mode than the RFC's first.
    last_mode_wins(sender, last, first) =>
        "{sender} uses the last `mode` line, `{last}`, where RFC 8461 §3.2 keeps the first, `{first}`.";
    last_mode_unknown(sender, value) =>
        "{sender} uses the last `mode` line, whose value `{value}` is not a mode; what it then does is not known.";
    /// Findings of rules senders read differently that this sender's model says nothing about.
    not_known(sender, codes) =>
        "How {sender} treats {codes} is not known; this outcome assumes it follows RFC 8461 there.";

    /// A sender that applies DANE where MX hosts have TLSA records, as far as the check can tell.
    dane_addresses_assumed(sender) =>
        "{sender} applies DANE only to MX hosts whose address records are DNSSEC-signed too; this check does \
         not look those up, so the outcome assumes they are, as they are where the TLSA records are.";

    /// The widget's one line about the senders: clauses joined with "; ".
    enforce_one(who) => "{who} enforces";
    enforce_many(who) => "{who} enforce";
    testing_one(who) => "{who} applies testing mode";
    testing_many(who) => "{who} apply testing mode";
    none_one(who) => "{who} treats the policy as withdrawn";
    none_many(who) => "{who} treat the policy as withdrawn";
    mail_fails_one(who) => "{who} would refuse some of your MX hosts";
    mail_fails_many(who) => "{who} would refuse some of your MX hosts";
    no_policy_one(who) => "{who} would not apply your policy";
    no_policy_many(who) => "{who} would not apply your policy";
    dane_one(who) => "{who} would apply DANE instead of your policy";
    dane_many(who) => "{who} would apply DANE instead of your policy";
    /// More names than a line holds: the first two and how many more.
    and_more(first, second, more) => "{first}, {second} and {more} more";
    two(first, second) => "{first} and {second}";
}
