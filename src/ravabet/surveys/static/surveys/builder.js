/* The survey builder's question form (surveys/_bo_build_question_form.html): show only the
   groups of fields the chosen kind uses. Each group carries data-kinds="single multiple …";
   without this script every group stays visible with its hint (data-kinds-hint). Forms that
   htmx puts into the page later are handled too (delegated change, and after each swap).
   Hidden fields keep what was typed: the server ignores the ones the kind does not use. */
(function () {
  "use strict";

  function apply(form) {
    var select = form.querySelector("[data-question-kind]");
    if (!select) {
      return;
    }
    var kind = select.value;
    form.querySelectorAll("[data-kinds]").forEach(function (group) {
      var kinds = (group.getAttribute("data-kinds") || "").split(" ");
      group.hidden = kinds.indexOf(kind) === -1;
    });
    form.querySelectorAll("[data-kinds-hint]").forEach(function (hint) {
      hint.hidden = true;
    });
  }

  function applyAll() {
    document.querySelectorAll("form[data-question-form]").forEach(apply);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof Element && target.matches("[data-question-kind]")) {
      var form = target.closest("form[data-question-form]");
      if (form) {
        apply(form);
      }
    }
  });
  /* A section's or question's form opened in place (or sent back refused) takes the focus
     from the link or button it replaced: its error summary if it has one, else its first
     field. */
  function focusInline(event) {
    var target = event.detail && event.detail.target;
    if (!(target instanceof Element)) {
      return;
    }
    var form = target.querySelector("form[data-inline-form]");
    if (!form || form.contains(document.activeElement)) {
      return;
    }
    var summary = target.querySelector(".error-summary");
    var first = form.querySelector(
      "select:not([disabled]), input:not([type=hidden]):not([disabled]), textarea"
    );
    (summary || first || form).focus();
  }

  /* A step on the structure (move, delete, save) redraws it all: the focus goes back to the
     same button of the same item when it is still there, else to the item, else to the
     structure's heading, rather than being lost with the old page. */
  var remembered = null;

  function remember(event) {
    var elt = event.detail && event.detail.elt;
    if (!(elt instanceof Element) || !elt.closest("#structure")) {
      return;
    }
    var item = elt.closest("li[id^='question-'], section[id^='section-']");
    var direction = elt.querySelector("[name=direction]");
    remembered = {
      item: item ? item.id : "",
      action: elt.getAttribute("hx-post") || "",
      direction: direction ? direction.value : "",
    };
  }

  function focusable(element) {
    if (!element.hasAttribute("tabindex") && !element.matches("a, button, input, select")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  function restoreFocus() {
    var r = remembered;
    remembered = null;
    var active = document.activeElement;
    var structure = document.getElementById("structure");
    if (!r || !structure || (active && active !== document.body && document.body.contains(active))) {
      return;
    }
    var item = r.item ? document.getElementById(r.item) : null;
    if (item) {
      var forms = item.querySelectorAll("form[hx-post]");
      for (var i = 0; i < forms.length; i += 1) {
        var direction = forms[i].querySelector("[name=direction]");
        if (
          forms[i].getAttribute("hx-post") === r.action &&
          (direction ? direction.value : "") === r.direction &&
          forms[i].querySelector("button")
        ) {
          forms[i].querySelector("button").focus();
          return;
        }
      }
      focusable(item);
      return;
    }
    var heading = structure.querySelector("h2");
    if (heading) {
      focusable(heading);
    }
  }

  document.addEventListener("htmx:beforeRequest", remember);
  document.addEventListener("htmx:load", applyAll);
  document.addEventListener("htmx:afterSettle", function (event) {
    applyAll();
    focusInline(event);
    restoreFocus();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", applyAll);
  } else {
    applyAll();
  }
})();
