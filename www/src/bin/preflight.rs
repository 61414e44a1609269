//! The pre-flight page's entry point (`/preflight`): a bundle of its own, so that no page downloads code
//! for another (each stays within the size budget).

#[cfg(target_arch = "wasm32")]
fn main() {
    mta_sts_web::start_preflight();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mta-sts-preflight runs in a browser: build it with `sh www/build.sh` (see README)");
}
