/* Progressive enhancement only: every page works without this file.
   Ticking a facet refreshes the results in place, keeps keyboard focus where it was,
   and announces the new result count to screen readers through #announcer. */
(function () {
  "use strict";
  // Facet checkboxes and the sort order apply at once; dates and words wait for the submit button.
  var LIVE = "fieldset.facet input[type=checkbox], select[name=sort]";

  function announce(doc) {
    var status = doc.querySelector("main [role=status]");
    var announcer = document.getElementById("announcer");
    if (status && announcer) {
      announcer.textContent = "";
      // A fresh text node after a tick, so that the same count is announced again.
      window.setTimeout(function () { announcer.textContent = status.textContent.trim(); }, 50);
    }
  }

  function load(url, focus, push) {
    document.documentElement.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        var main = document.querySelector("main");
        if (!fresh || !main) { throw new Error("no main"); }
        // Filters folded open on a phone stay open: the reader is still choosing.
        var box = main.querySelector("details.facet-box");
        var wasOpen = box && box.open;
        main.innerHTML = fresh.innerHTML;
        document.title = doc.title;
        box = main.querySelector("details.facet-box");
        if (box && wasOpen) { box.open = true; }
        // The feeds the page advertises follow the new filters too.
        var oldFeeds = document.head.querySelectorAll("link[rel=alternate]");
        Array.prototype.forEach.call(oldFeeds, function (link) { link.remove(); });
        Array.prototype.forEach.call(doc.head.querySelectorAll("link[rel=alternate]"), function (link) {
          document.head.appendChild(document.importNode(link, true));
        });
        if (push) { window.history.pushState({ gazette: true }, "", url); }
        // Facet order and ids may change with the counts: find the same control by name and value.
        var target = focus && Array.prototype.find.call(
          main.querySelectorAll("[name]"),
          function (el) { return el.name === focus.name && (el.type !== "checkbox" || el.value === focus.value); }
        );
        if (target) { target.focus(); }
        announce(doc);
      })
      .catch(function () { window.location.assign(url); })
      .finally(function () { document.documentElement.removeAttribute("aria-busy"); });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.form;
    if (!form || !input.matches(LIVE) || !window.fetch || form.method.toLowerCase() !== "get") { return; }
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && name !== "page") { params.append(name, value); }
    });
    var url = (form.getAttribute("action") || window.location.pathname) + "?" + params.toString();
    load(url, { name: input.name, value: input.value }, true);
  });

  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.gazette) { load(window.location.href, null, false); }
  });
  if (window.history.replaceState && !window.history.state) {
    window.history.replaceState({ gazette: true }, "", window.location.href);
  }
})();
