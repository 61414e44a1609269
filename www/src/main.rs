//! The page's entry point: `www/build.sh` builds this binary for wasm32 and calls `main` once the module loads.

#[cfg(target_arch = "wasm32")]
fn main() {
    mta_sts_web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mta-sts-web runs in a browser: build it with `sh www/build.sh` (see README)");
}
