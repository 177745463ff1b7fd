// The admin's selection counter («۲ از ۵ انتخاب شده») is rewritten by Django's actions.js
// with Latin digits each time a box is ticked; this shows it in Persian digits, as the
// server-rendered counts are (core/templates/admin/actions.html).
(function () {
  "use strict";
  var FA = "۰۱۲۳۴۵۶۷۸۹";
  function persian(text) {
    return text.replace(/[0-9]/g, function (d) { return FA.charAt(Number(d)); });
  }
  function fix(node) {
    var text = node.textContent;
    var changed = persian(text);
    if (changed !== text) { node.textContent = changed; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".action-counter, .actions .all").forEach(function (el) {
      fix(el);
      new MutationObserver(function () { fix(el); }).observe(
        el, {childList: true, characterData: true, subtree: true}
      );
    });
  });
})();
