/* Parley's page behaviour. Everything works without it; it adds quoting by selection,
   replying in place, loading more comments in place, the reader's time zone, switching
   between a translation and its original in place, and translations that arrive while the
   page is open. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Remember the reader's time zone so the server shows times in it.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("parley_tz=" + zone) === -1) {
      document.cookie = "parley_tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browser: the site's zone is used */ }

  var form = document.getElementById("reply-form");
  var body = form && form.querySelector("textarea[name=body]");

  // Guests: remember name, e-mail and website in this browser.
  var guestFields = ["name", "email", "website"];
  if (form) {
    guestFields.forEach(function (field) {
      var input = form.querySelector("input[name=" + field + "]");
      if (input && !input.value) { input.value = localStorage.getItem("parley." + field) || ""; }
    });
    form.addEventListener("submit", function () {
      guestFields.forEach(function (field) {
        var input = form.querySelector("input[name=" + field + "]");
        if (input) { localStorage.setItem("parley." + field, input.value); }
      });
    });
  }

  // A refused post comes back as the whole page: bring the form, its message and the field
  // to correct into view (the message is far below the documents).
  // (After "load": the browser's own jump to #reply-form would otherwise take the focus.)
  if (form && form.querySelector("#form-error")) {
    window.addEventListener("load", function () {
      form.scrollIntoView({ block: "start" });
      var invalid = form.querySelector("[aria-invalid=true]") || body;
      if (invalid) { invalid.focus({ preventScroll: true }); }
    });
  }

  function setParent(id, name) {
    if (!form) { return; }
    form.querySelector("input[name=parent_id]").value = id || "";
    var replying = form.querySelector(".replying");
    if (id) {
      var link = replying.querySelector(".replying-to");
      link.textContent = name;
      link.setAttribute("href", "#c" + id);
      replying.hidden = false;
    } else {
      replying.hidden = true;
    }
  }

  function insertQuote(kind, target, parts) {
    if (!body) { return; }
    var block = parts.map(function (text) {
      return ":::quote " + kind + " " + target + "\n" + text + "\n:::\n\n";
    }).join("");
    var start = body.selectionStart || body.value.length;
    body.value = body.value.slice(0, start) + block + body.value.slice(start);
    body.focus();
    body.selectionStart = body.selectionEnd = start + block.length;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var reply = target.closest("a[data-reply]");
    if (reply && form) {
      event.preventDefault();
      var node = reply.closest(".node");
      setParent(reply.getAttribute("data-reply"), node.getAttribute("data-author"));
      reply.closest(".comment-actions").after(form);
      body.focus();
      return;
    }
    var cancel = target.closest(".cancel-reply");
    if (cancel && form) {
      event.preventDefault();
      setParent(null);
      document.querySelector(".discussion-header").after(form);
      return;
    }
    var toggle = target.closest("a.toggle-original");
    if (toggle) {
      var box = toggle.closest(".comment-text, .document-text");
      var translated = box && box.querySelector(":scope > .translated");
      var original = box && box.querySelector(":scope > .original");
      if (translated && original) {
        event.preventDefault();
        var showingOriginal = translated.hidden;
        translated.hidden = !showingOriginal;
        original.hidden = showingOriginal;
        var note = toggle.closest(".translation-note");
        note.querySelector(".note-text").textContent =
          note.getAttribute(showingOriginal ? "data-translated" : "data-original");
        toggle.textContent = toggle.getAttribute(showingOriginal ? "data-show-original" : "data-show-translation");
      }
      return;
    }
    var more = target.closest("a.load-more");
    if (more) {
      event.preventDefault();
      more.textContent = more.textContent + "…";
      // In the zone this page was rendered in, whatever the cookie says by now.
      var partial = more.getAttribute("data-partial") + "&tz=" +
        encodeURIComponent(document.body.getAttribute("data-time-zone") || "");
      fetch(partial, { credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.text(); })
        .then(function (html) {
          var holder = more.closest(".more");
          holder.insertAdjacentHTML("beforebegin", html);
          holder.remove();
          pollTranslations();
        })
        .catch(function () { window.location.href = more.getAttribute("href"); });
    }
  });

  // A link to a comment (its permalink, or the page its author lands on after posting) shows
  // it even inside replies the reader folded: open the folded comments around it.
  function revealTarget() {
    var target = null;
    try {
      target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    } catch (e) { return; /* a malformed address: nothing to show */ }
    var node = target && target.closest("details.node"), opened = false;
    for (; node; node = node.parentElement && node.parentElement.closest("details.node")) {
      if (!node.open) { node.open = true; opened = true; }
    }
    if (opened) { target.scrollIntoView(); }
  }
  revealTarget();
  window.addEventListener("hashchange", revealTarget);

  // The reader's language: picking one in the list applies it at once.
  var picker = document.querySelector(".language-picker select");
  if (picker) {
    picker.addEventListener("change", function () { picker.form.submit(); });
  }

  // Translations still on their way when the page was made: ask for them now and then, and
  // put each one in place when it is ready.
  var pollDelay = 1500, pollUntil = Date.now() + 5 * 60 * 1000, pollTimer = null;
  function pollTranslations() {
    if (pollTimer) { return; }
    pollTimer = window.setTimeout(function () {
      pollTimer = null;
      var comments = [], documents = [];
      document.querySelectorAll("[data-pending][data-comment-text]").forEach(function (el) {
        comments.push(el.getAttribute("data-comment-text"));
      });
      document.querySelectorAll("[data-pending][data-document-text]").forEach(function (el) {
        documents.push(el.getAttribute("data-document-text"));
      });
      if ((!comments.length && !documents.length) || Date.now() > pollUntil) { return; }
      var url = document.body.getAttribute("data-translations") +
        "?comments=" + comments.slice(0, 200).join(",") +
        "&documents=" + documents.slice(0, 200).join(",") +
        "&tz=" + encodeURIComponent(document.body.getAttribute("data-time-zone") || "");
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(function (ready) {
          Object.keys(ready.comments).forEach(function (id) {
            var el = document.querySelector("[data-comment-text='" + id + "']");
            if (el) { el.outerHTML = ready.comments[id]; }
          });
          Object.keys(ready.documents).forEach(function (id) {
            var el = document.querySelector("[data-document-text='" + id + "']");
            if (el) { el.outerHTML = ready.documents[id]; }
          });
        })
        .catch(function () { /* try again later */ })
        .then(function () {
          pollDelay = Math.min(pollDelay * 1.5, 15000);
          pollTranslations();
        });
    }, pollDelay);
  }
  pollTranslations();

  // Decisions reach open pages: every few seconds the page asks whether the thread changed,
  // and takes down the comments a moderator (or the automatic checks) removed meanwhile.
  var discussion = document.querySelector(".discussion[data-changes]");
  var changeDelay = 4000;
  function watchChanges() {
    if (!discussion) { return; }
    window.setTimeout(function () {
      var ids = [];
      document.querySelectorAll("details.node:not(.node--removed)").forEach(function (node) {
        if (!node.classList.contains("node--deleted")) { ids.push(node.getAttribute("data-id")); }
      });
      var url = discussion.getAttribute("data-changes") + "?v=" +
        encodeURIComponent(discussion.getAttribute("data-version")) + "&ids=" + ids.slice(-200).join(",");
      fetch(url, { credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(function (changes) {
          var changed = String(changes.version) !== discussion.getAttribute("data-version");
          discussion.setAttribute("data-version", changes.version);
          (changes.removed || []).forEach(function (id) {
            var node = document.getElementById("c" + id);
            if (!node) { return; }
            node.classList.add("node--removed");
            var text = node.querySelector(":scope > .comment-body, :scope > .comment-text");
            if (text) {
              var note = document.createElement("p");
              note.className = "comment-body deleted";
              note.textContent = discussion.getAttribute("data-removed-text") || "Removed by a moderator.";
              text.replaceWith(note);
            }
            var actions = node.querySelector(":scope > .comment-actions");
            if (actions) { actions.remove(); }
          });
          changeDelay = changed ? 4000 : Math.min(changeDelay * 1.25, 30000);
        })
        .catch(function () { changeDelay = Math.min(changeDelay * 2, 60000); })
        .then(watchChanges);
    }, changeDelay);
  }
  watchChanges();

  // Quote by selection: select words in a comment or a document, press the button.
  var button = document.createElement("button");
  button.type = "button";
  button.className = "quote-button";
  button.textContent = (form && form.getAttribute("data-quote-label")) || "Quote";
  button.hidden = true;
  document.body.appendChild(button);
  var pending = null;

  function sourceOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    // Only the original words can be quoted: a quote is checked against them.
    if (!element || element.closest(".translated")) { return null; }
    var comment = element.closest(".comment-body[data-comment]");
    if (comment && !element.closest("blockquote.quote")) { return { kind: "comment", target: comment.getAttribute("data-comment") }; }
    var passage = element.closest(".passage");
    var section = element.closest("section.document");
    if (passage && section) { return { kind: "document", target: section.getAttribute("data-document") }; }
    return null;
  }

  // The selected words, one string per passage (the server finds each quote in one passage),
  // leaving out what is not the document's text: a turn's speaker and the passage's Quote link.
  function selectedParts(range, kind) {
    var root = range.commonAncestorContainer;
    if (root.nodeType !== 1) { root = root.parentNode; }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var texts = [], lastGroup, lastBlock;
    while (walker.nextNode()) {
      var node = walker.currentNode, parent = node.parentElement;
      if (!range.intersectsNode(node) || parent.closest(".speaker, .passage-quote")) { continue; }
      var group = kind === "document" ? parent.closest(".passage") : parent.closest(".comment-body");
      if (!group) { continue; }
      var text = node.textContent.slice(
        node === range.startContainer ? range.startOffset : 0,
        node === range.endContainer ? range.endOffset : undefined);
      var block = parent.closest("p, li, pre, blockquote, h1, h2, h3, h4, h5, h6, div");
      if (group !== lastGroup) { texts.push(text); }
      else { texts[texts.length - 1] += (block !== lastBlock ? "\n" : "") + text; }
      lastGroup = group; lastBlock = block;
    }
    return texts.map(function (text) {
      return text.replace(/[ \t]*\n\s*/g, "\n").trim();
    }).filter(function (text) { return text.length > 0; });
  }

  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (!form || !selection || selection.isCollapsed || !selection.rangeCount) { button.hidden = true; pending = null; return; }
    var from = sourceOf(selection.anchorNode), to = sourceOf(selection.focusNode);
    var parts = (from && to) ? selectedParts(selection.getRangeAt(0), from.kind) : [];
    if (!from || !to || from.kind !== to.kind || from.target !== to.target || parts.join("").length < 2) { button.hidden = true; pending = null; return; }
    pending = { kind: from.kind, target: from.target, parts: parts };
    var rect = selection.getRangeAt(0).getBoundingClientRect();
    button.style.top = (window.scrollY + rect.bottom + 6) + "px";
    button.style.left = (window.scrollX + rect.left) + "px";
    button.hidden = false;
  });

  button.addEventListener("mousedown", function (event) { event.preventDefault(); });
  button.addEventListener("click", function () {
    if (!pending) { return; }
    insertQuote(pending.kind, pending.target, pending.parts);
    button.hidden = true;
    window.getSelection().removeAllRanges();
  });
})();
