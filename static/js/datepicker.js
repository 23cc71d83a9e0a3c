// KAA date picker: a calendar beside every date field (input[data-datepicker]).
// Progressive enhancement: the text field still takes YYYY-MM-DD typed by hand, and works
// without JavaScript. The calendar follows the WAI-ARIA "date picker dialog" pattern
// (a modal dialog with a grid; arrows, Page Up/Down, Home/End, Enter, Escape) and is always
// in Swedish with Monday first, whatever language the browser is set to. No inline styles
// or scripts, so the strict Content-Security-Policy holds.
(function () {
  "use strict";

  var MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
    "september", "oktober", "november", "december"];
  var DAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"];
  var DAYS_SHORT = ["må", "ti", "on", "to", "fr", "lö", "sö"];
  var ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
  var counter = 0;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function parse(text) {
    var m = ISO.exec((text || "").trim());
    if (!m) { return null; }
    var d = new Date(+m[1], +m[2] - 1, +m[3]);
    return d.getMonth() === +m[2] - 1 ? d : null;
  }
  function today() { var n = new Date(); return new Date(n.getFullYear(), n.getMonth(), n.getDate()); }
  function addDays(d, n) { return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n); }
  function addMonths(d, n) {
    // 31 January plus a month is the last day of February, not 3 March.
    var last = new Date(d.getFullYear(), d.getMonth() + n + 1, 0).getDate();
    return new Date(d.getFullYear(), d.getMonth() + n, Math.min(d.getDate(), last));
  }
  function weekday(d) { return (d.getDay() + 6) % 7; }  // Monday 0 … Sunday 6
  function sameDay(a, b) { return a && b && iso(a) === iso(b); }
  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text) { el.textContent = text; }
    return el;
  }
  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "bi");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var use = document.createElementNS(ns, "use");
    use.setAttribute("href", document.body.getAttribute("data-icons") + "#" + name);
    svg.appendChild(use);
    return svg;
  }

  function enhance(input) {
    if (input.hasAttribute("data-datepicker-ready")) { return; }
    input.setAttribute("data-datepicker-ready", "");
    var id = "datepicker-" + (++counter);
    // A date-time field ("YYYY-MM-DD TT:MM"): the calendar sets the date and keeps the time.
    var withTime = input.getAttribute("data-datepicker") === "datetime";
    var label = input.labels && input.labels.length ? input.labels[0].textContent.replace(/\*/g, "").trim() : "";

    // The dialog sits beside the input group, not in it: Bootstrap squares the corners of
    // every input-group child that is not the last one.
    var wrapper = make("div", "date-field");
    var group = make("div", "input-group");
    // Bootstrap shows an error message that follows an .is-invalid sibling.
    if (input.classList.contains("is-invalid")) { wrapper.classList.add("is-invalid"); }
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(group);
    group.appendChild(input);

    var button = make("button", "btn btn-outline-secondary date-field-button");
    button.type = "button";
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    button.appendChild(icon("calendar3"));
    button.appendChild(make("span", "visually-hidden", "Välj datum" + (label ? ": " + label : "")));
    group.appendChild(button);

    var dialog = make("div", "datepicker-dialog js-hidden");
    dialog.id = id;
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", id + "-month");
    button.setAttribute("aria-controls", id);

    var header = make("div", "datepicker-header");
    var prev = make("button", "btn btn-sm btn-outline-secondary");
    prev.type = "button";
    prev.appendChild(icon("chevron-left"));
    prev.appendChild(make("span", "visually-hidden", "Föregående månad"));
    var heading = make("h2", "datepicker-month");
    heading.id = id + "-month";
    heading.setAttribute("aria-live", "polite");
    var next = make("button", "btn btn-sm btn-outline-secondary");
    next.type = "button";
    next.appendChild(icon("chevron-right"));
    next.appendChild(make("span", "visually-hidden", "Nästa månad"));
    header.appendChild(prev);
    header.appendChild(heading);
    header.appendChild(next);

    var table = make("table", "datepicker-grid");
    table.setAttribute("role", "grid");
    table.setAttribute("aria-labelledby", id + "-month");
    var thead = make("thead");
    var headRow = make("tr");
    DAYS_SHORT.forEach(function (short, i) {
      var th = make("th", "", short);
      th.scope = "col";
      th.abbr = DAYS[i];
      headRow.appendChild(th);
    });
    thead.appendChild(headRow);
    var tbody = make("tbody");
    table.appendChild(thead);
    table.appendChild(tbody);

    var footer = make("div", "datepicker-footer");
    var todayButton = make("button", "btn btn-sm btn-link", "I dag");
    todayButton.type = "button";
    var cancel = make("button", "btn btn-sm btn-outline-secondary", "Avbryt");
    cancel.type = "button";
    footer.appendChild(todayButton);
    footer.appendChild(cancel);
    var hint = make("p", "datepicker-hint small", "Piltangenterna flyttar en dag eller en vecka, Page Up och Page Down en månad, Enter väljer.");
    hint.id = id + "-hint";
    dialog.setAttribute("aria-describedby", hint.id);

    dialog.appendChild(header);
    dialog.appendChild(table);
    dialog.appendChild(hint);
    dialog.appendChild(footer);
    wrapper.appendChild(dialog);

    var focused = today();

    function current() {
      var value = input.value.trim();
      return parse(withTime ? value.slice(0, 10) : value);
    }

    function render(moveFocus) {
      var chosen = current();
      var now = today();
      heading.textContent = MONTHS[focused.getMonth()] + " " + focused.getFullYear();
      tbody.textContent = "";
      var first = new Date(focused.getFullYear(), focused.getMonth(), 1);
      var day = addDays(first, -weekday(first));
      for (var week = 0; week < 6; week++) {
        if (week > 0 && day.getMonth() !== focused.getMonth()) { break; }
        var row = make("tr");
        for (var i = 0; i < 7; i++) {
          var cell = make("td");
          if (day.getMonth() === focused.getMonth()) {
            cell.textContent = String(day.getDate());
            cell.setAttribute("data-date", iso(day));
            cell.setAttribute("aria-label", day.getDate() + " " + MONTHS[day.getMonth()] + " " + day.getFullYear() + ", " + DAYS[i]);
            cell.tabIndex = sameDay(day, focused) ? 0 : -1;
            cell.setAttribute("aria-selected", sameDay(day, chosen) ? "true" : "false");
            if (sameDay(day, now)) { cell.setAttribute("aria-current", "date"); }
          }
          row.appendChild(cell);
          day = addDays(day, 1);
        }
        tbody.appendChild(row);
      }
      if (moveFocus) { tbody.querySelector("[tabindex='0']").focus(); }
    }

    function open() {
      focused = current() || today();
      dialog.classList.remove("js-hidden", "datepicker-end");
      // A field in a right-hand column opens its calendar leftwards, never off the page.
      if (dialog.getBoundingClientRect().right > document.documentElement.clientWidth) {
        dialog.classList.add("datepicker-end");
      }
      button.setAttribute("aria-expanded", "true");
      render(true);
      document.addEventListener("mousedown", outside, true);
    }
    function close(focusTarget) {
      dialog.classList.add("js-hidden");
      button.setAttribute("aria-expanded", "false");
      document.removeEventListener("mousedown", outside, true);
      if (focusTarget) { focusTarget.focus(); }
    }
    function choose(date) {
      var time = "";
      if (withTime) {
        var typed = /^\d{4}-\d{2}-\d{2}[\sT]+(\d{1,2}:\d{2})$/.exec(input.value.trim());
        var now = new Date();
        time = " " + (typed ? typed[1] : pad(now.getHours()) + ":" + pad(now.getMinutes()));
      }
      input.value = iso(date) + time;
      input.dispatchEvent(new Event("input", {bubbles: true}));
      input.dispatchEvent(new Event("change", {bubbles: true}));
      close(input);
    }
    function outside(event) {
      if (!wrapper.contains(event.target)) { close(null); }
    }
    function move(date) { focused = date; render(true); }

    button.addEventListener("click", function () {
      if (dialog.classList.contains("js-hidden")) { open(); } else { close(input); }
    });
    input.addEventListener("keydown", function (event) {
      if (event.altKey && event.key === "ArrowDown") { event.preventDefault(); open(); }
    });
    prev.addEventListener("click", function () { focused = addMonths(focused, -1); render(false); });
    next.addEventListener("click", function () { focused = addMonths(focused, 1); render(false); });
    todayButton.addEventListener("click", function () { move(today()); });
    cancel.addEventListener("click", function () { close(button); });
    tbody.addEventListener("click", function (event) {
      var cell = event.target.closest("td[data-date]");
      if (cell) { choose(parse(cell.getAttribute("data-date"))); }
    });
    tbody.addEventListener("keydown", function (event) {
      var keys = {
        ArrowLeft: function () { return addDays(focused, -1); },
        ArrowRight: function () { return addDays(focused, 1); },
        ArrowUp: function () { return addDays(focused, -7); },
        ArrowDown: function () { return addDays(focused, 7); },
        Home: function () { return addDays(focused, -weekday(focused)); },
        End: function () { return addDays(focused, 6 - weekday(focused)); },
        PageUp: function () { return addMonths(focused, event.shiftKey ? -12 : -1); },
        PageDown: function () { return addMonths(focused, event.shiftKey ? 12 : 1); }
      };
      if (keys[event.key]) {
        event.preventDefault();
        move(keys[event.key]());
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose(focused);
      }
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close(button);
      } else if (event.key === "Tab") {
        // A modal dialog keeps the focus inside until it is closed.
        var stops = [prev, next, tbody.querySelector("[tabindex='0']"), todayButton, cancel];
        var index = stops.indexOf(document.activeElement);
        var target = stops[(index + (event.shiftKey ? stops.length - 1 : 1)) % stops.length];
        event.preventDefault();
        target.focus();
      }
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("input[data-datepicker]").forEach(enhance);
  }
  enhanceAll(document);
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
