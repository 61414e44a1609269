//! The widget's entry point (`/embed`): a bundle of its own without the full report's evidence views,
//! so that host pages framing it load as little as possible.

#[cfg(target_arch = "wasm32")]
fn main() {
    mta_sts_web::start_embed();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mta-sts-embed runs in a browser: build it with `sh www/build.sh` (see README)");
}
