//! The rules page's entry point (`/rules`): a bundle of its own, so the rule table with its sender
//! sources is downloaded only by those who open it.

#[cfg(target_arch = "wasm32")]
fn main() {
    mta_sts_web::start_rules();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mta-sts-rules runs in a browser: build it with `sh www/build.sh` (see README)");
}
