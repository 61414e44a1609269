//! The reports page's entry point (`/reports`): a bundle of its own, so the report reader (JSON, gzip and
//! email parsing) is downloaded only by those who open it.

#[cfg(target_arch = "wasm32")]
fn main() {
    mta_sts_web::start_reports();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("mta-sts-reports runs in a browser: build it with `sh www/build.sh` (see README)");
}
