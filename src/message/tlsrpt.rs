//! The messages of the tlsrpt rules (see [`crate::message`]).

templates! { "tlsrpt";
}
