/* Behaviour every page shares, wired from data attributes so that no template carries inline script
 * or on…= handlers (the Content-Security-Policy allows scripts from this site's files only).
 *   <select data-autosubmit>          submits its form when changed
 *   <form data-confirm="删除…？">      asks before it is sent; the text is read as text, never as code
 * and `cppcc.escapeHtml`, the one escape for any text that code puts into HTML (chart tooltips). */
(function () {
  "use strict";

  var HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (ch) {
      return HTML_ESCAPES[ch];
    });
  }

  window.cppcc = window.cppcc || {};
  window.cppcc.escapeHtml = escapeHtml;

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.matches && field.matches("[data-autosubmit]") && field.form) {
      field.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
