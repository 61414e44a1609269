//! The generator page's entry point (`/generate`): a bundle of its own, so that no page downloads code
//! for another (each stays within the size budget).

#[cfg(target_arch = "wasm32")]
fn main() {
    mta_sts_web::start_generate();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mta-sts-generate runs in a browser: build it with `sh www/build.sh` (see README)");
}
