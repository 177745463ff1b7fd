/* The API docs page: names for Swagger UI's icon-only copy buttons, which it draws unnamed
   (axe button-name); Swagger redraws them as operations open, so they are named as they come. */
(function () {
  "use strict";
  function nameButtons(root) {
    root.querySelectorAll(".copy-to-clipboard button:not([aria-label])").forEach(function (b) {
      b.setAttribute("aria-label", "رونوشت در حافظه");
      b.setAttribute("title", "رونوشت در حافظه");
    });
  }
  var target = document.getElementById("swagger-ui");
  if (!target) { return; }
  nameButtons(target);
  new MutationObserver(function () { nameButtons(target); })
    .observe(target, { childList: true, subtree: true });
})();
