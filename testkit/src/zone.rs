//! The test zone the DoH server answers from: the core's, so that the shells' tests, the core's
//! scenarios and this server answer a question the same way.

pub use mta_sts::dns::testing::{Answer, Record, Zone};
