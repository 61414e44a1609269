// Loads the app. A file rather than an inline script, so the Content-Security-Policy needs no
// 'unsafe-inline' and no hashes (see www/static/_headers).
import init from "./mta-sts-web.js";

init();
