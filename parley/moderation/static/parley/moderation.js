/* The moderation queue from the keyboard: j / k move between comments (and open the one
   reached), a r s d decide the current one, e edits it, x selects it, A approves every
   selected one. A comment shown in two lines is scrolled to its first marked words. */
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 40rem)").matches;
  var filters = document.querySelector(".mod-filterbox");
  // On a phone the filters fold away unless some are set.
  if (filters && phone && !/[?&](order|show|reason|language|post|age)=[^&]/.test(location.search)) {
    filters.open = false;
  }
  var items = Array.prototype.slice.call(document.querySelectorAll(".mod-item"));
  var current = 0;
  var bulk = document.getElementById("bulk");

  // The bulk buttons show once a comment is selected (on a phone they are hidden till then).
  function selected() {
    if (!bulk) { return; }
    bulk.classList.toggle("mod-bulk--idle", !document.querySelector(".mod-item input[type=checkbox]:checked"));
  }
  document.addEventListener("change", selected);
  selected();

  function focus(index, open) {
    if (!items.length) { return; }
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("mod-item--current", i === current); });
    if (!open) { return; }
    items[current].focus({ preventScroll: true });
    items[current].scrollIntoView({ block: "nearest" });
  }

  function scrollToMarks() {
    items.forEach(function (item) {
      var body = item.querySelector(".comment-body");
      var marked = body && body.querySelector("mark");
      if (marked && marked.offsetTop + marked.offsetHeight > body.clientHeight) {
        body.scrollTop = marked.offsetTop;
      }
    });
  }
  scrollToMarks();

  // The live queue replaced its list: the keys move over the new one, from the same comment.
  document.addEventListener("parley:queue-updated", function () {
    var was = items[current] && items[current].id;
    items = Array.prototype.slice.call(document.querySelectorAll(".mod-item"));
    var again = items.map(function (item) { return item.id; }).indexOf(was);
    scrollToMarks();
    selected();
    if (items.length) { focus(again >= 0 ? again : Math.min(current, items.length - 1), false); }
  });

  function press(key) {
    if (!items.length) { return; }
    var target = items[current].querySelector("[data-key='" + key + "']");
    if (!target) { return; }
    if (target.tagName === "A") { window.location.href = target.href; } else { target.click(); }
  }

  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    switch (event.key) {
      case "j": focus(current + 1, true); break;
      case "k": focus(current - 1, true); break;
      case "a": case "r": case "s": case "d": case "e": press(event.key); break;
      case "x":
        var box = items.length && items[current].querySelector("input[type=checkbox]");
        if (box) { box.checked = !box.checked; selected(); }
        break;
      case "A":
        var bulk = document.querySelector("#bulk button[value=approve]");
        if (bulk) { bulk.click(); }
        break;
      default: return;
    }
    event.preventDefault();
  });
  if (items.length) { focus(0, false); }
})();
