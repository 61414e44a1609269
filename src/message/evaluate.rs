//! The messages of the evaluate rules (see [`crate::message`]).

templates! { "evaluate";
}
