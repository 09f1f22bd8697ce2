/* The moderation queue from the keyboard: j / k move between comments, a r s d decide the
   current one, e edits it, x selects it, A approves every selected one. */
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".mod-item"));
  if (!items.length) { return; }
  var current = 0;

  function focus(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("mod-item--current", i === current); });
    items[current].focus({ preventScroll: true });
    items[current].scrollIntoView({ block: "nearest" });
  }

  function press(key) {
    var target = items[current].querySelector("[data-key='" + key + "']");
    if (!target) { return; }
    if (target.tagName === "A") { window.location.href = target.href; } else { target.click(); }
  }

  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    switch (event.key) {
      case "j": focus(current + 1); break;
      case "k": focus(current - 1); break;
      case "a": case "r": case "s": case "d": case "e": press(event.key); break;
      case "x":
        var box = items[current].querySelector("input[type=checkbox]");
        if (box) { box.checked = !box.checked; }
        break;
      case "A":
        var bulk = document.querySelector("#bulk button[value=approve]");
        if (bulk) { bulk.click(); }
        break;
      default: return;
    }
    event.preventDefault();
  });
  focus(0);
})();
