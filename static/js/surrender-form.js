/* Surrender request form: warns as the user types when a quantity is more than the units
   held (the input's max); the server checks again on submit. The warning text is rendered
   by the server (translated) next to each input; this file only shows or hides it. */
(function () {
  "use strict";
  function check(input) {
    var warning = document.querySelector('[data-over-holding="' + input.id + '"]');
    if (!warning) { return; }
    var max = Number(input.getAttribute("max"));
    var value = Number(input.value);
    var over = input.value !== "" && !isNaN(value) && value > max;
    warning.hidden = !over;
    input.classList.toggle("is-invalid", over);
  }
  document.querySelectorAll("input[type=number][max]").forEach(function (input) {
    input.addEventListener("input", function () { check(input); });
    check(input);
  });
})();
