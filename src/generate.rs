//! STUB — replaced by the generator helper.
