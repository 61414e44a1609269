// The MTA-STS checker's widget loader. On a help page:
//
//   <script src="https://CHECKER/embed.js" async></script>
//   <div data-mta-sts-check data-domain="example.com"></div>
//
// Each element with `data-mta-sts-check` becomes an iframe of CHECKER/embed, sized to its content.
// Options (data attributes): data-domain (check it at once), data-lock (with data-domain: no input field),
// data-theme="light|dark|auto", data-accent="#rrggbb". Without data-domain the widget shows an input.
// The element receives an `mta-sts:result` event ({domain, verdict, valid} in event.detail) after each
// check, and `element.mtaStsCheck("example.org")` asks an unlocked widget to check a domain.
//
// Messages are accepted only from the checker's origin, only from one of the iframes made here, and
// only in the two shapes the widget sends; anything else is ignored.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var frames = [];

  function text(value) {
    return typeof value === "string" ? value.trim() : "";
  }

  function mount(element) {
    if (!(element instanceof HTMLElement) || element.mtaStsFrame) return;
    var data = element.dataset;
    var params = new URLSearchParams();
    var domain = text(data.domain);
    if (domain) params.set("domain", domain);
    if (domain && "lock" in data && data.lock !== "false") params.set("lock", "1");
    var theme = text(data.theme);
    if (theme === "light" || theme === "dark" || theme === "auto") params.set("theme", theme);
    var accent = text(data.accent);
    if (/^#(?:[0-9a-fA-F]{3}){1,2}$/.test(accent)) params.set("accent", accent);
    params.set("parent", window.location.origin);

    var frame = document.createElement("iframe");
    frame.src = origin + "/embed?" + params.toString();
    frame.title = domain ? "MTA-STS check of " + domain : "MTA-STS check";
    // The widget may open its full report in a new tab, never navigate this page.
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox");
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.style.cssText = "display:block;width:100%;border:0;height:8rem;color-scheme:normal";
    element.replaceChildren(frame);
    element.mtaStsFrame = frame;
    element.mtaStsCheck = function (name) {
      if (typeof name !== "string" || !frame.contentWindow) return;
      frame.contentWindow.postMessage({ type: "mta-sts:check", domain: name }, origin);
    };
    frames.push({ frame: frame, element: element });
  }

  function isResize(data) {
    return data !== null && typeof data === "object" && data.type === "mta-sts:resize" &&
      Object.keys(data).length === 2 && typeof data.height === "number" &&
      isFinite(data.height) && data.height >= 0;
  }

  function isResult(data) {
    return data !== null && typeof data === "object" && data.type === "mta-sts:result" &&
      Object.keys(data).length === 4 && typeof data.domain === "string" &&
      typeof data.verdict === "string" && typeof data.valid === "boolean";
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    var entry = null;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].frame.contentWindow === event.source) entry = frames[i];
    }
    if (!entry) return;
    var data = event.data;
    if (isResize(data)) {
      // A cap keeps a misbehaving widget from growing the page without end.
      entry.frame.style.height = Math.min(Math.ceil(data.height), 4000) + "px";
    } else if (isResult(data)) {
      entry.element.dispatchEvent(new CustomEvent("mta-sts:result", {
        detail: { domain: data.domain, verdict: data.verdict, valid: data.valid },
      }));
    }
  });

  function mountAll() {
    document.querySelectorAll("[data-mta-sts-check]").forEach(mount);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
  window.MtaStsCheck = { mount: mount };
})();
