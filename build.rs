//! Tells cargo to rebuild the tests when a fixture file changes: `include_dir!` embeds the fixture
//! folders at compile time, and cargo cannot see that dependency by itself.
fn main() {
    println!("cargo:rerun-if-changed=tests/fixtures");
    println!("cargo:rerun-if-changed=build.rs");
}
