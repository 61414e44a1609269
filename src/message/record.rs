//! The messages of the record rules (see [`crate::message`]).

templates! { "record";
}
