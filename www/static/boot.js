// Loads a page's bundle, named by the script element's data-bundle (index.html: mta-sts-web; the pages in
// www/: mta-sts-<page>). A file rather than an inline script, so the Content-Security-Policy needs no
// 'unsafe-inline' and no hashes (see www/static/_headers).
const BUNDLES = ["mta-sts-web", "mta-sts-generate", "mta-sts-preflight", "mta-sts-embed", "mta-sts-rules", "mta-sts-reports",
    "mta-sts-history"];
const named = document.querySelector("script[data-bundle]")?.dataset.bundle;
const bundle = BUNDLES.includes(named) ? named : BUNDLES[0];
const { default: init } = await import(`./${bundle}.js`);
init();
