// KAA: progressive enhancement only; every page works without JavaScript.
(function () {
  "use strict";

  // A municipality switch submits as soon as another municipality is chosen.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });

  // Buttons that remove or end something ask first.
  document.querySelectorAll("[data-confirm]").forEach(function (element) {
    element.addEventListener("click", function (event) {
      if (!window.confirm(element.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // Registration: show the fields that belong to the chosen starting state.
  var radios = document.querySelectorAll("input[name='initial_state']");
  function showState() {
    var chosen = document.querySelector("input[name='initial_state']:checked");
    var state = chosen ? chosen.value : "";
    document.querySelectorAll("[data-state]").forEach(function (block) {
      block.classList.toggle("js-hidden", block.getAttribute("data-state") !== state);
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", showState); });
  if (radios.length) { showState(); }
})();
