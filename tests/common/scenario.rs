//! The scenario format lives in the core, behind the `testing` feature (`mta_sts::scenario`), so the CLI's
//! `explain` can show the same scenarios as examples.

#![allow(unused_imports, unreachable_pub)]

pub use mta_sts::scenario::*;
