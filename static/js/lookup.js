/* Search-as-you-type for a choice among thousands (zhongwei_carbon/lookup.py).
   An <input data-lookup="/endpoint/"> holds the key of the row (the unified social credit
   code): as the user types, the endpoint answers up to 20 rows matching the text within the
   user's scope ({"results": [{"value", "label"}], "more": bool}); picking one (click, or
   arrows and Enter) puts its key into the input and its label under it. The server checks
   the key again on submit; without this file the user types the code. Messages are
   rendered by the server (translated) into data-lookup-* attributes. */
(function () {
  "use strict";
  var DELAY = 250;

  function setup(input) {
    var box = input.closest("[data-lookup-box]");
    var list = box.querySelector('[role="listbox"]');
    var chosen = box.querySelector(".lookup-chosen");
    var timer = null;
    var sequence = 0;
    var active = -1;
    var typed = input.value;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function note(text) {
      var item = document.createElement("div");
      item.className = "list-group-item small text-muted";
      item.textContent = text;
      list.appendChild(item);
    }

    function highlight(index) {
      var all = options();
      all.forEach(function (el, i) { el.classList.toggle("active", i === index); });
      active = index;
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(option) {
      input.value = option.dataset.value;
      typed = input.value;
      chosen.textContent = option.dataset.label;
      input.classList.remove("is-invalid");
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(answer) {
      list.textContent = "";
      answer.results.forEach(function (row, i) {
        var item = document.createElement("button");
        item.type = "button";
        item.id = input.id + "-option-" + i;
        item.className = "list-group-item list-group-item-action";
        item.setAttribute("role", "option");
        item.tabIndex = -1;
        item.dataset.value = row.value;
        item.dataset.label = row.label;
        item.textContent = row.label;
        list.appendChild(item);
      });
      if (!answer.results.length) { note(input.dataset.lookupEmpty); }
      if (answer.more) { note(input.dataset.lookupMore); }
      active = -1;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function search() {
      var text = input.value.trim();
      var mine = ++sequence;
      if (!text) { close(); return; }
      var url = input.dataset.lookup + "?q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (answer) {
          if (mine === sequence && document.activeElement === input) { show(answer); }
        })
        .catch(function () {
          if (mine !== sequence) { return; }
          list.textContent = "";
          note(input.dataset.lookupFailed);
          list.hidden = false;
        });
    }

    input.addEventListener("input", function () {
      if (input.value === typed) { return; }
      typed = input.value;
      chosen.textContent = "";
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown" && !list.hidden && all.length) {
        event.preventDefault();
        highlight(Math.min(active + 1, all.length - 1));
      } else if (event.key === "ArrowUp" && !list.hidden && all.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !list.hidden && active >= 0 && all[active]) {
        event.preventDefault();  // picks the row; the form is not sent
        pick(all[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });

    list.addEventListener("mousedown", function (event) {
      event.preventDefault();  // keep the focus in the input
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) { pick(option); }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
  }

  document.querySelectorAll("input[data-lookup]").forEach(setup);
})();
