/* Factsheet search: runs the query from ?q= against the Pagefind index, if there is one.
   A large site's index comes in parts (pagefind/factsheet-parts.json lists the others); they are
   merged into one search. The search page reads fine without this script; it only adds results. */
(function () {
  "use strict";
  var script = document.currentScript;
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  var boxes = document.querySelectorAll("input[name=q]");
  boxes.forEach(function (box) { box.value = query; });

  function say(text) { status.textContent = text; }

  function textOf(html) {
    return new DOMParser().parseFromString(html, "text/html").body.textContent || "";
  }

  function show(results) {
    list.textContent = "";
    results.forEach(function (data) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = (data.meta && data.meta.title) || data.url;
      item.appendChild(link);
      var about = [data.meta && data.meta.kind, data.meta && data.meta.date].filter(Boolean).join(" · ");
      if (about) {
        var kind = document.createElement("span");
        kind.className = "type";
        kind.textContent = " " + about;
        item.appendChild(kind);
      }
      var excerpt = document.createElement("p");
      excerpt.className = "summary";
      excerpt.textContent = textOf(data.excerpt || "");
      item.appendChild(excerpt);
      list.appendChild(item);
    });
  }

  if (!query) { say("Type a name, an alias or any words."); return; }
  if (window.location.protocol === "file:") {
    say("Search needs the site to be served by a web server (any static host, or " +
        "`python3 -m http.server` in the output folder); opened from disk, browse the lists below.");
    return;
  }
  say("Searching…");
  var bundle = new URL(script.getAttribute("data-bundle"), window.location.href).href;
  function parts() {
    return fetch(bundle + "factsheet-parts.json").then(function (response) {
      return response.ok ? response.json() : { parts: [] };
    }).then(function (manifest) { return manifest.parts || []; }, function () { return []; });
  }
  Promise.all([import(bundle + "pagefind.js"), parts()]).then(function (loaded) {
    var pagefind = loaded[0];
    return Promise.all(loaded[1].map(function (part) {
      return pagefind.mergeIndex(new URL(part, bundle).pathname);
    })).then(function () { return pagefind.search(query); }).then(function (search) {
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }));
    });
  }).then(function (results) {
    say(results.length ? results.length + (results.length === 1 ? " result" : " results") + " for “" + query + "”."
                       : "Nothing found for “" + query + "”.");
    show(results);
  }).catch(function () {
    say("The search index is not available on this copy of the site; browse the lists below.");
  });
})();
