//! The history page's entry point (`/history`): a bundle of its own, so the history view (the stored runs'
//! changes and the published policies side by side) is downloaded only by those who open it.

#[cfg(target_arch = "wasm32")]
fn main() {
    mta_sts_web::start_history();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mta-sts-history runs in a browser: build it with `sh www/build.sh` (see README)");
}
