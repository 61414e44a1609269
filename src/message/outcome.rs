//! The words of the sender outcomes ([`crate::senders::outcome`]): what the engine itself concludes, beside
//! the rows' and the models' own sentences.

texts! { "outcome";
    /// A sender whose last repeated `mode` line wins applies another mode than the RFC's first.
    last_mode_wins(sender, last, first) =>
        "{sender} uses the last `mode` line, `{last}`, where RFC 8461 §3.2 keeps the first, `{first}`.";
    last_mode_unknown(sender, value) =>
        "{sender} uses the last `mode` line, whose value `{value}` is not a mode; what it then does is not known.";
    /// Findings of rules senders read differently that this sender's model says nothing about.
    not_known(sender, codes) =>
        "How {sender} treats {codes} is not known; this outcome assumes it follows RFC 8461 there.";
}
