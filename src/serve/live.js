// belong serve's live reload: added by the preview to every page it sends,
// never to a build. Listens to the preview's event stream and reloads the
// page when its file changed (keeping the scroll position), swaps changed
// stylesheets without a reload, shows the build's errors in an overlay and
// its warnings in a notice that can be opened or dismissed.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script.src.replace(/__belong\/live\.js.*$/, "");
  var server = script.getAttribute("data-server");
  // The model this page was rendered from: the server compares it with the
  // site's as the stream connects, so an update made while the page loaded
  // still reloads it.
  var generation = script.getAttribute("data-generation") || "0";
  var scrollKey = "belong-scroll:" + location.pathname;
  var dismissed = null;
  var dismissedWarnings = null;
  var warnings = [];
  var retryLater = null;

  function restoreScroll() {
    var saved = null;
    try { saved = sessionStorage.getItem(scrollKey); sessionStorage.removeItem(scrollKey); } catch (e) { return; }
    if (!saved) return;
    var position = JSON.parse(saved);
    window.scrollTo(position[0], position[1]);
    // Pictures above may still be loading: scroll again once they are in.
    window.addEventListener("load", function () { window.scrollTo(position[0], position[1]); });
  }

  function reload() {
    try { sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY])); } catch (e) { /* private mode */ }
    location.reload();
  }

  function swapStylesheets(urls) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (urls.indexOf(url.pathname) < 0) return;
      var fresh = link.cloneNode();
      fresh.href = url.pathname + "?belong-reload=" + Date.now();
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { link.remove(); });
      link.after(fresh);
    });
  }

  function element(name, attributes, text) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text) node.textContent = text;
    return node;
  }

  var STYLE =
    "#belong-overlay{position:fixed;inset:auto 0 0 0;z-index:2147483647;max-height:70vh;overflow:auto;" +
    "box-sizing:border-box;margin:0;padding:16px 24px 24px;background:#fff;color:#212b32;" +
    "border-top:8px solid #d5281b;box-shadow:0 -4px 0 rgba(33,43,50,.2);font:400 16px/1.5 arial,sans-serif}" +
    "#belong-overlay h2{margin:0 0 8px;font-size:24px;line-height:1.25;font-weight:600;color:#212b32}" +
    "#belong-overlay ul{margin:0 0 16px;padding:0;list-style:none}" +
    "#belong-overlay li{margin:0 0 16px;padding-left:16px;border-left:4px solid #d5281b}" +
    "#belong-overlay p{margin:0 0 4px}#belong-overlay code{font-family:monospace}" +
    "#belong-overlay:focus{outline:4px solid #ffeb3b;outline-offset:-4px}" +
    "#belong-overlay button{font:600 16px/1.5 arial,sans-serif;padding:8px 16px;border:2px solid #005eb8;" +
    "background:#005eb8;color:#fff;border-radius:4px;cursor:pointer}" +
    "#belong-overlay button:hover{background:#003087;border-color:#003087}" +
    "#belong-overlay button:focus{outline:none;background:#ffeb3b;border-color:#ffeb3b;color:#212b32;box-shadow:0 4px 0 #212b32}" +
    "@media (forced-colors:active){#belong-overlay{border:4px solid CanvasText}}" +
    "#belong-warnings{position:fixed;left:16px;bottom:16px;z-index:2147483646;max-width:min(32rem,calc(100vw - 32px));" +
    "max-height:50vh;overflow:auto;box-sizing:border-box;margin:0;padding:8px 16px 16px;background:#fff;color:#212b32;" +
    "border-left:8px solid #ffeb3b;box-shadow:0 0 0 1px #d8dde0,0 4px 0 rgba(33,43,50,.2);font:400 16px/1.5 arial,sans-serif}" +
    "#belong-warnings summary{font-weight:600;cursor:pointer;padding:4px 0}" +
    "#belong-warnings summary:focus{outline:none;background:#ffeb3b;color:#212b32;box-shadow:0 4px 0 #212b32}" +
    "#belong-warnings ul{margin:8px 0;padding:0;list-style:none}" +
    "#belong-warnings li{margin:0 0 12px;padding-left:12px;border-left:4px solid #d8dde0}" +
    "#belong-warnings p{margin:0 0 4px}#belong-warnings code{font-family:monospace}" +
    "#belong-warnings button{font:600 16px/1.5 arial,sans-serif;padding:4px 12px;border:2px solid #005eb8;" +
    "background:#fff;color:#005eb8;border-radius:4px;cursor:pointer}" +
    "#belong-warnings button:focus{outline:none;background:#ffeb3b;border-color:#ffeb3b;color:#212b32;box-shadow:0 4px 0 #212b32}" +
    "@media (forced-colors:active){#belong-warnings{border:4px solid CanvasText}}" +
    "@media print{#belong-warnings,#belong-overlay{display:none}}";

  // Warnings shown in the notice; the rest are counted.
  var SHOWN_WARNINGS = 50;

  function place(problem) {
    var where = problem.file;
    if (problem.line) where += ", line " + problem.line;
    if (problem.line && problem.column) where += ", column " + problem.column;
    return where;
  }

  function hide() {
    var overlay = document.getElementById("belong-overlay");
    if (!overlay) return;
    var previous = overlay.belongPrevious;
    overlay.remove();
    if (previous && previous.focus) previous.focus();
  }

  function addStyle() {
    if (!document.getElementById("belong-overlay-style")) {
      document.head.appendChild(element("style", { id: "belong-overlay-style" }, STYLE));
    }
  }

  // One problem as list items show it: where, what, and the fix.
  function problemItem(problem) {
    var item = element("li");
    var heading = element("p");
    heading.appendChild(element("strong", {}, place(problem)));
    if (problem.field) {
      heading.appendChild(document.createTextNode(" (field "));
      heading.appendChild(element("code", {}, problem.field));
      heading.appendChild(document.createTextNode(")"));
    }
    item.appendChild(heading);
    item.appendChild(element("p", {}, problem.code + " " + problem.name + ": " + problem.message));
    if (problem.hint) item.appendChild(element("p", {}, "Fix: " + problem.hint));
    return item;
  }

  // The hub's warnings, in a notice that stays out of the way: closed until
  // opened, never taking focus, gone while errors show, and dismissed until
  // the warnings change.
  function warn(list) {
    warnings = list;
    var old = document.getElementById("belong-warnings");
    var open = old ? old.querySelector("details").open : false;
    if (old) old.remove();
    var signature = JSON.stringify(list);
    if (!list.length || signature === dismissedWarnings || document.getElementById("belong-overlay")) return;
    addStyle();
    var notice = element("section", { id: "belong-warnings", "aria-label": "Warnings from belong", lang: "en-GB" });
    var details = element("details");
    details.open = open;
    var count = list.length === 1 ? "1 warning" : list.length + " warnings";
    details.appendChild(element("summary", {}, "The hub built with " + count + " (belong check lists them too)"));
    var items = element("ul");
    list.slice(0, SHOWN_WARNINGS).forEach(function (warning) { items.appendChild(problemItem(warning)); });
    details.appendChild(items);
    if (list.length > SHOWN_WARNINGS) {
      details.appendChild(element("p", {}, "And " + (list.length - SHOWN_WARNINGS) + " more: run belong check to see them all."));
    }
    notice.appendChild(details);
    var button = element("button", { type: "button" }, "Dismiss warnings");
    button.addEventListener("click", function () { dismissedWarnings = signature; notice.remove(); });
    notice.appendChild(button);
    document.body.appendChild(notice);
  }

  function show(problems) {
    var signature = JSON.stringify(problems);
    if (!problems.length) { dismissed = null; hide(); warn(warnings); return; }
    if (signature === dismissed) return;
    var notice = document.getElementById("belong-warnings");
    if (notice) notice.remove();
    var old = document.getElementById("belong-overlay");
    var previous = old ? old.belongPrevious : document.activeElement;
    if (old) old.remove();
    addStyle();
    var overlay = element("section", {
      id: "belong-overlay", role: "alertdialog", "aria-labelledby": "belong-overlay-title",
      "aria-describedby": "belong-overlay-intro", tabindex: "-1", lang: "en-GB"
    });
    var count = problems.length === 1 ? "1 error" : problems.length + " errors";
    overlay.appendChild(element("h2", { id: "belong-overlay-title" }, "The hub did not build: " + count));
    overlay.appendChild(element("p", { id: "belong-overlay-intro" },
      "The preview shows the last version that built. Fix this and save: the page updates by itself."));
    var list = element("ul");
    problems.forEach(function (problem) { list.appendChild(problemItem(problem)); });
    overlay.appendChild(list);
    var button = element("button", { type: "button" }, "Dismiss");
    function dismiss() { dismissed = signature; hide(); warn(warnings); }
    button.addEventListener("click", dismiss);
    overlay.addEventListener("keydown", function (event) { if (event.key === "Escape") dismiss(); });
    overlay.appendChild(button);
    overlay.belongPrevious = previous;
    document.body.appendChild(overlay);
    overlay.focus();
  }

  function connect() {
    retryLater = null;
    var source = new EventSource(base + "__belong/events?page=" + encodeURIComponent(location.pathname) +
      "&generation=" + encodeURIComponent(generation));
    source.addEventListener("hello", function (event) {
      var hello = JSON.parse(event.data);
      // Another server id: the preview restarted and this page may be old.
      if (hello.server !== server) return reload();
      warnings = hello.warnings || [];
      show(hello.problems);
    });
    source.addEventListener("reload", reload);
    source.addEventListener("css", function (event) { swapStylesheets(JSON.parse(event.data)); });
    source.addEventListener("problems", function (event) { show(JSON.parse(event.data)); });
    source.addEventListener("warnings", function (event) {
      warnings = JSON.parse(event.data);
      if (!document.getElementById("belong-overlay")) warn(warnings);
    });
    source.addEventListener("error", function () {
      // The browser reconnects by itself unless the server refused the
      // stream (too many pages open): then try again a little later.
      if (source.readyState === EventSource.CLOSED && !retryLater) retryLater = setTimeout(connect, 2000);
    });
  }

  restoreScroll();
  connect();
})();
