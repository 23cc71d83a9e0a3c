// SCB-rapport: while a run is being built, reload its page every two seconds to show the
// progress. Without JavaScript the page has an "Uppdatera" link instead.
(function () {
  "use strict";
  var running = document.querySelector("[data-scb-refresh]");
  if (running) {
    window.setTimeout(function () { window.location.reload(); }, 2000);
  }
})();
