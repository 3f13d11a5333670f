/* Progressive enhancement of the application forms. Everything works without this file:
   it only moves focus to the error summary, autosaves, shows live totals and prevents a
   second click on "submit". */
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  function parseGerman(text) {
    // "1.234,56 €" → 1234.56 in cents as an integer, or null when unreadable
    var cleaned = String(text || "").replace(/€|EUR/g, "").replace(/[\s\u00a0\u202f]/g, "").trim();
    if (!cleaned) { return 0; }
    if (!/^(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$/.test(cleaned)) { return null; }
    var parts = cleaned.replace(/\./g, "").split(",");
    var cents = parseInt(parts[0], 10) * 100;
    if (parts[1]) { cents += parseInt((parts[1] + "0").slice(0, 2), 10); }
    return cents;
  }

  function formatCents(cents) {
    var euros = Math.floor(Math.abs(cents) / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var rest = ("0" + (Math.abs(cents) % 100)).slice(-2);
    return (cents < 0 ? "−" : "") + euros + "," + rest + " €";
  }

  function liveCosts() {
    var target = document.querySelector("[data-total-costs]");
    if (!target) { return; }
    var sum = 0, readable = true;
    document.querySelectorAll("input[data-amount]").forEach(function (input) {
      var cents = parseGerman(input.value);
      if (cents === null) { readable = false; } else { sum += cents; }
    });
    target.textContent = readable ? formatCents(sum) : "–";
  }

  function liveFinancing() {
    var box = document.getElementById("financing");
    var out = document.getElementById("live-gap");
    if (!box || !out || !box.dataset.costs) { return; }
    var costs = Math.round(parseFloat(box.dataset.costs) * 100);
    var ids = ["own_funds", "revenue", "requested"];
    var income = 0, readable = true;
    ids.forEach(function (id) {
      var el = document.getElementById(id);
      var cents = el ? parseGerman(el.value) : 0;
      if (cents === null) { readable = false; } else { income += cents; }
    });
    document.querySelectorAll("input[data-income]").forEach(function (input) {
      var cents = parseGerman(input.value);
      if (cents === null) { readable = false; } else { income += cents; }
    });
    if (!readable) { out.hidden = true; return; }
    var requested = parseGerman((document.getElementById("requested") || {}).value) || 0;
    var rate = costs > 0 ? Math.round(requested * 1000 / costs) / 10 : 0;
    var gap = costs - income;
    out.hidden = false;
    // the words come from the page (translated there), never from this file
    out.textContent = out.dataset.rate + " " + String(rate).replace(".", ",") + " % · " +
      (gap === 0 ? out.dataset.balanced :
        (gap > 0 ? out.dataset.gap + " " + formatCents(gap) : out.dataset.surplus + " " + formatCents(-gap)));
  }

  function typed(form) {
    // what was typed and ticked, without a chosen file: a file is only ever sent by a button
    var data = new FormData(form);
    data.delete("file");
    return data;
  }

  function autosave(form) {
    var url = form.dataset.autosave;
    var status = document.getElementById("autosave-status");
    if (!url || !window.fetch || !window.FormData) { return; }
    var last = new URLSearchParams(typed(form)).toString();
    window.setInterval(function () {
      var data = typed(form);
      var now = new URLSearchParams(data).toString();
      if (now === last) { return; }
      data.set("action", "autosave");
      fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (answer.saved) {
            last = now;
            var version = document.getElementById("version");
            if (version) { version.value = answer.version; }
          }
          if (status && answer.message) { status.textContent = answer.message; }
        })
        .catch(function () { /* offline: the next interval tries again */ });
    }, 30000);
  }

  function liveReport() {
    // the report's final grant from the rules engine while typing (the server computes it)
    var form = document.getElementById("report-form");
    var box = document.querySelector("[data-live-result]");
    if (!form || !box || !window.fetch) { return; }
    var timer = null;
    var ids = { eligible_total: "eligible-total", final_grant: "final-grant", refund: "refund", outstanding: "outstanding" };
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var data = new FormData(form);
        data.set("action", "calculate");
        fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
          .then(function (response) { return response.json(); })
          .then(function (answer) {
            if (!answer.result) { return; }
            Object.keys(ids).forEach(function (key) {
              var el = document.getElementById(ids[key]);
              if (el && answer.result[key]) { el.textContent = answer.result[key]; }
            });
          })
          .catch(function () { /* the button still recalculates */ });
      }, 800);
    });
  }

  function submitOnce() {
    document.querySelectorAll("button[data-once]").forEach(function (button) {
      button.form.addEventListener("submit", function () {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary();
    var form = document.getElementById("step-form");
    if (form) {
      autosave(form);
      form.addEventListener("input", function () { liveCosts(); liveFinancing(); });
    }
    liveCosts();
    liveFinancing();
    liveReport();
    submitOnce();
  });
}());
