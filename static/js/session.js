// KAA: warn before the session times out, keep it alive on request, and keep what the
// user typed in sessionStorage so that a form is not lost if the session ends anyway.
(function () {
  "use strict";
  var body = document.body;
  var statusUrl = body.getAttribute("data-session-url");
  var draftKey = "kaa-draft:" + window.location.pathname;

  // Fields never stored in the browser: passwords, tokens and personnummer (and no search
  // form, marked data-no-draft: it may hold a personnummer or a name).
  function storable(field) {
    var name = field.name || "";
    return name && field.type !== "password" && field.type !== "hidden" && field.type !== "file" &&
      name.indexOf("personnummer") === -1 && name !== "csrfmiddlewaretoken";
  }

  function saveDraft() {
    var form = document.querySelector("main form[method='post']:not([data-no-draft])");
    if (!form) { return; }
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!storable(field)) { return; }
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) { values[field.name + "=" + field.value] = true; }
      } else if (field.value) {
        values[field.name] = field.value;
      }
    });
    if (Object.keys(values).length) { sessionStorage.setItem(draftKey, JSON.stringify(values)); }
  }

  function restoreDraft() {
    var raw = sessionStorage.getItem(draftKey);
    var form = document.querySelector("main form[method='post']:not([data-no-draft])");
    if (!raw || !form) { return; }
    var values = JSON.parse(raw);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!storable(field)) { return; }
      if (field.type === "radio" || field.type === "checkbox") {
        if (values[field.name + "=" + field.value]) { field.checked = true; }
      } else if (Object.prototype.hasOwnProperty.call(values, field.name)) {
        field.value = values[field.name];
      }
    });
    sessionStorage.removeItem(draftKey);
    var notice = document.getElementById("draft-restored");
    if (notice) { notice.classList.remove("js-hidden"); }
  }

  document.addEventListener("submit", function () { sessionStorage.removeItem(draftKey); });

  if (!statusUrl) {
    // Logged out (the login page): nothing to time. A draft is restored after login,
    // on the page the user is sent back to.
    return;
  }
  restoreDraft();

  var warning = document.getElementById("session-warning");
  var button = document.getElementById("session-keepalive");
  var before = parseInt(body.getAttribute("data-session-warning-before"), 10) || 120;
  var timer = null;

  function schedule(remaining) {
    window.clearTimeout(timer);
    if (remaining <= 0) {
      saveDraft();
      window.location.assign(body.getAttribute("data-login-url") + "?next=" + encodeURIComponent(window.location.pathname));
      return;
    }
    if (remaining <= before) {
      saveDraft();
      warning.classList.remove("js-hidden");
      button.focus();
      timer = window.setTimeout(check, remaining * 1000);
    } else {
      timer = window.setTimeout(check, (remaining - before) * 1000);
    }
  }

  function check() {
    fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        // Already logged out: the server answers with the login page instead of JSON.
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
        return response.ok && json && !response.redirected ? response.json() : { remaining: 0 };
      })
      .then(function (data) { schedule(data.remaining); })
      .catch(function () { timer = window.setTimeout(check, 30000); });
  }

  button.addEventListener("click", function () {
    var token = document.querySelector("#session-keepalive-form input[name='csrfmiddlewaretoken']").value;
    fetch(body.getAttribute("data-session-keepalive-url"), {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token, "Accept": "application/json" }
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        warning.classList.add("js-hidden");
        sessionStorage.removeItem(draftKey);
        schedule(data.remaining);
      });
  });

  check();
})();
