//! The set-up pages' entry point (`/generate`, `/preflight`): a bundle of its own, so the check page does
//! not download the generator and the pre-flight (each page stays within the size budget).

#[cfg(target_arch = "wasm32")]
fn main() {
    mta_sts_web::start_tools();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mta-sts-tools runs in a browser: build it with `sh www/build.sh` (see README)");
}
