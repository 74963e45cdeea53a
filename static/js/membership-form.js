/* Membership form (new user, add a role): shows only the scope field the chosen role needs
   (an area for an official, an enterprise and the signatory box for an enterprise user, an
   agency for agency staff, a department for a liaison; none for bureau roles). The role
   select names, in data-scope-fields, the fields of each role; the server checks again. */
(function () {
  "use strict";
  var SCOPED = ["area", "enterprise", "agency", "department", "is_signatory"];
  document.querySelectorAll("select[data-scope-fields]").forEach(function (select) {
    var map = JSON.parse(select.getAttribute("data-scope-fields"));
    var prefix = select.id.slice(0, select.id.length - "role".length);
    function wrapper(name) {
      var input = document.getElementById(prefix + name);
      return input ? input.closest(".mb-3") : null;
    }
    function apply() {
      var wanted = map[select.value] || [];
      SCOPED.forEach(function (name) {
        var box = wrapper(name);
        if (box) { box.hidden = select.value !== "" && wanted.indexOf(name) < 0; }
      });
    }
    select.addEventListener("change", apply);
    apply();
  });
})();
