/* Behaviour shared by every page, loaded by base.html after htmx (no inline script or on*=
   handler anywhere: the Content-Security-Policy allows scripts from static files only).
   - <select data-autosubmit>: submits its form on change (language switch, cycle pickers);
     each such form keeps a <noscript> button. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
})();
