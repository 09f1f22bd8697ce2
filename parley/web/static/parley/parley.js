/* Parley's page behaviour. Everything works without it; it adds quoting by selection,
   replying in place, loading more comments in place, the reader's time zone, switching
   between a translation and its original in place, and what changes while the page is open:
   new comments, edits, removals, translations and vote counts, votes in place, and the
   moderation queue. */
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

  // Translations still on their way: fetch those the page shows as translating and put each
  // one in place. While the page follows its thread live it asks for comments when told one
  // is ready; documents (which no event announces), and comments otherwise, it asks for now
  // and then, for five minutes.
  function fetchTranslations(documentsOnly) {
    var comments = [], documents = [];
    if (!documentsOnly) {
      document.querySelectorAll("[data-pending][data-comment-text]").forEach(function (el) {
        comments.push(el.getAttribute("data-comment-text"));
      });
    }
    document.querySelectorAll("[data-pending][data-document-text]").forEach(function (el) {
      documents.push(el.getAttribute("data-document-text"));
    });
    if (!comments.length && !documents.length) { return Promise.resolve(false); }
    var url = document.body.getAttribute("data-translations") +
      "?comments=" + comments.slice(0, 200).join(",") +
      "&documents=" + documents.slice(0, 200).join(",") + "&tz=" + encodeURIComponent(zoneOfPage());
    return fetchJSON(url).then(function (ready) {
      Object.keys(ready.comments).forEach(function (id) {
        var el = document.querySelector("[data-comment-text='" + id + "']");
        if (el) { el.outerHTML = ready.comments[id]; }
      });
      Object.keys(ready.documents).forEach(function (id) {
        var el = document.querySelector("[data-document-text='" + id + "']");
        if (el) { el.outerHTML = ready.documents[id]; }
      });
      return true;
    });
  }

  var pollDelay = 1500, pollUntil = Date.now() + 5 * 60 * 1000, pollTimer = null;
  function pollTranslations() {
    if (pollTimer) { return; }
    pollTimer = window.setTimeout(function () {
      pollTimer = null;
      if (Date.now() > pollUntil) { return; }
      fetchTranslations(live.connected)
        .then(function (asked) { if (asked) { pollDelay = Math.min(pollDelay * 1.5, 15000); pollTranslations(); } })
        .catch(function () { pollDelay = Math.min(pollDelay * 1.5, 15000); pollTranslations(); });
    }, pollDelay);
  }

  function zoneOfPage() { return document.body.getAttribute("data-time-zone") || ""; }

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
  }

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    });
  }

  // A message with plural forms, as the page renders them: {sample: "%(n)s …"}; the form of
  // the sample in the same plural category as n.
  function plural(forms, n) {
    var lang = document.documentElement.lang || "en", samples;
    try { samples = JSON.parse(forms || "{}"); } catch (e) { samples = {}; }
    var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
    var keys = Object.keys(samples), text = samples[String(n)];
    for (var i = 0; !text && i < keys.length; i++) {
      if (rules && rules.select(Number(keys[i])) === rules.select(n) && Number(keys[i]) !== 0) { text = samples[keys[i]]; }
    }
    text = text || samples["2"] || "%(n)s";
    return text.replace("%(n)s", String(n));
  }

  // Reconnecting after a failure: 1 s doubling to 30 s, ±30%.
  function backoff(failures) {
    var base = Math.min(1000 * Math.pow(2, Math.max(0, failures - 1)), 30000);
    return Math.round(base * (0.7 + Math.random() * 0.6));
  }

  // A stream of server-sent events that heals: on an error it is closed and opened again after
  // a backoff, from the last event seen; a hidden tab closes it and opens it again when shown.
  // After five failures in a row (or without EventSource) it gives up and `fallback` runs.
  function stream(options) {
    var source = null, failures = 0, timer = null, given = false;
    function open() {
      timer = null;
      if (source || given || document.visibilityState === "hidden") { return; }
      source = new window.EventSource(options.url());
      source.onopen = function () { failures = 0; options.opened(); };
      options.kinds.forEach(function (kind) {
        source.addEventListener(kind, function (event) {
          var data;
          try { data = JSON.parse(event.data); } catch (e) { return; }
          options.event(kind, data);
        });
      });
      source.onerror = function () {
        close();
        options.closed();
        failures += 1;
        if (failures >= 5) { give(); return; }
        timer = window.setTimeout(open, backoff(failures));
      };
    }
    function close() {
      if (source) { source.close(); source = null; }
    }
    function give() {
      given = true;
      close();
      options.fallback();
    }
    if (!window.EventSource) { give(); return; }
    document.addEventListener("visibilitychange", function () {
      if (given) { return; }
      if (document.visibilityState === "hidden") {
        if (timer) { window.clearTimeout(timer); timer = null; }
        if (source) { close(); options.closed(); }
      } else if (!source && !timer) {
        open();
      }
    });
    open();
  }

  // Live changes on a thread page: new comments, edits, removals, translations, the thread
  // opened or closed. Each event carries the thread's version; one already seen is skipped,
  // so a stream that reconnects (or the polling that replaces it) shows each change once.
  var discussion = document.querySelector(".discussion[data-live]");
  var live = { connected: false };
  if (discussion) { watchThread(discussion); }
  pollTranslations();

  function watchThread(section) {
    var list = section.querySelector("#comment-list");
    var status = section.querySelector(".live-status");
    var notice = section.querySelector(".live-notice");
    var bar = section.querySelector(".new-comments");
    var heading = section.querySelector("#comments-title");
    var maxIndent = Number(section.getAttribute("data-max-indent")) || 6;
    var seen = Number(section.getAttribute("data-version")) || 0;
    var waiting = [];  // new comments not put in place yet: {id, html, parent}
    var queue = Promise.resolve();

    function attr(name) { return section.getAttribute(name) || ""; }
    function setSeen(version) {
      seen = version;
      section.setAttribute("data-version", String(version));
    }
    function announce(text) {
      if (!status || !text) { return; }
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
    function fragments(ids) {
      var url = attr("data-fragments") + "?ids=" + ids.slice(0, 100).join(",") +
        "&tz=" + encodeURIComponent(zoneOfPage());
      return fetchJSON(url).then(function (answer) {
        if (heading && typeof answer.count === "number") {
          heading.textContent = plural(attr("data-comment-count"), answer.count);
        }
        return answer;
      });
    }
    function element(html) {
      var box = document.createElement("div");
      box.innerHTML = html;
      return box.querySelector("details.node");
    }
    function levelOf(node) {
      var match = /(?:^|\s)level-(\d+)/.exec(node.className);
      return match ? Number(match[1]) : 0;
    }
    function setLevel(node, level) {
      node.className = node.className.replace(/(^|\s)level-\d+/, "$1level-" + level);
    }
    function isWaiting(id) {
      return waiting.some(function (item) { return String(item.id) === String(id); });
    }

    // A changed comment takes the place of the old one, keeping its replies, depth and fold.
    function replace(old, html) {
      var node = element(html);
      if (!node) { return; }
      setLevel(node, levelOf(old));
      if (!old.querySelector(":scope > summary .in-reply-to")) {
        var link = node.querySelector(":scope > summary .in-reply-to");
        if (link) { link.remove(); }
      }
      if (old.classList.contains("node--new")) { markNew(node); }
      var replies = old.querySelector(":scope > .replies");
      if (replies) { node.appendChild(replies); }
      node.open = old.open;
      old.replaceWith(node);
    }

    function markNew(node) {
      node.classList.add("node--new");
      var head = node.querySelector(":scope > summary");
      if (head && !head.querySelector(".new-mark")) {
        var mark = document.createElement("span");
        mark.className = "new-mark";
        mark.textContent = attr("data-new-label") || "new";
        head.insertBefore(mark, head.firstChild);
      }
    }

    // A reply under its parent, at the end of the parent's replies, marked new.
    function placeReply(parent, html) {
      var node = element(html);
      if (!node) { return null; }
      var level = Math.min(levelOf(parent) + 1, maxIndent);
      setLevel(node, level);
      if (level > levelOf(parent)) {
        var link = node.querySelector(":scope > summary .in-reply-to");
        if (link) { link.remove(); }
      }
      var replies = parent.querySelector(":scope > .replies");
      if (!replies) {
        replies = document.createElement("div");
        replies.className = "replies";
        parent.appendChild(replies);
      }
      replies.appendChild(node);
      markNew(node);
      return node;
    }

    function takeDown(node) {
      node.classList.add("node--removed");
      var text = node.querySelector(":scope > .comment-body, :scope > .comment-text");
      if (text) {
        var note = document.createElement("p");
        note.className = "comment-body deleted";
        note.textContent = attr("data-removed-text") || "This comment was removed.";
        text.replaceWith(note);
      }
      var actions = node.querySelector(":scope > .comment-actions");
      if (actions) { actions.remove(); }
    }

    function showBar() {
      var count = waiting.filter(function (item) { return !item.parent; }).length;
      bar.hidden = count === 0;
      bar.textContent = count ? plural(attr("data-new-comments"), count) : "";
    }

    function posted(ids) {
      // One the page shows already (its author's held comment, now approved) is shown anew.
      var present = ids.filter(function (id) { return document.getElementById("c" + id); });
      var refreshed = present.length ? changed(present, false) : Promise.resolve();
      var fresh = ids.filter(function (id) { return !document.getElementById("c" + id) && !isWaiting(id); });
      if (!fresh.length) { return refreshed; }
      return refreshed.then(function () { return fragments(fresh); }).then(function (answer) {
        var tops = 0, replies = 0;
        fresh.forEach(function (id) {
          var item = answer.comments[String(id)];
          if (!item || document.getElementById("c" + id)) { return; }
          var parent = item.parent && document.getElementById("c" + item.parent);
          if (parent) {
            if (placeReply(parent, item.html)) { replies += 1; }
          } else if (!item.parent || isWaiting(item.parent)) {
            waiting.push({ id: id, html: item.html, parent: item.parent });
            if (!item.parent) { tops += 1; }
          }
        });
        showBar();
        var said = [];
        if (tops) { said.push(plural(attr("data-new-comments"), tops)); }
        if (replies) { said.push(plural(attr("data-new-replies"), replies)); }
        announce(said.join(", "));
      });
    }

    function changed(ids, removal) {
      var shown = ids.filter(function (id) { return document.getElementById("c" + id) || isWaiting(id); });
      if (!shown.length) { return removal ? fragments([]) : Promise.resolve(); }
      return fragments(shown).then(function (answer) {
        shown.forEach(function (id) {
          var item = answer.comments[String(id)];
          var node = document.getElementById("c" + id);
          if (!node) {  // still behind the bar: keep it as it is now, or drop it
            waiting = waiting.filter(function (w) { return String(w.id) !== String(id) || Boolean(item); });
            waiting.forEach(function (w) { if (item && String(w.id) === String(id)) { w.html = item.html; } });
            return;
          }
          if (item) { replace(node, item.html); } else { takeDown(node); }
        });
        showBar();
      });
    }

    // Vote counts changed: only the counts are copied, so the reader's pressed button stays.
    function voted(ids) {
      var shown = ids.filter(function (id) { return document.getElementById("c" + id); });
      if (!shown.length) { return Promise.resolve(); }
      return fragments(shown).then(function (answer) {
        shown.forEach(function (id) {
          var item = answer.comments[String(id)], node = document.getElementById("c" + id);
          var fresh = item && element(item.html);
          if (!node || !fresh) { return; }
          ["up", "down"].forEach(function (which) {
            var now = fresh.querySelector(":scope > .comment-actions [data-count=" + which + "]");
            var old = node.querySelector(":scope > .comment-actions [data-count=" + which + "]");
            if (now && old) { old.textContent = now.textContent; }
          });
        });
      });
    }

    // The comment part as the server renders it now (after a long absence, or on request).
    function reloadComments() {
      waiting = [];
      showBar();
      return fetchText(attr("data-partial") + "&tz=" + encodeURIComponent(zoneOfPage()))
        .then(function (html) { list.innerHTML = html; return fragments([]); })
        .catch(function () { window.location.reload(); });
    }

    function threadChanged() {
      notice.textContent = attr("data-changed-text") + " ";
      var link = document.createElement("a");
      link.href = window.location.pathname + window.location.search + "#comments";
      link.textContent = attr("data-reload-text");
      link.addEventListener("click", function (event) { event.preventDefault(); window.location.reload(); });
      notice.appendChild(link);
      notice.hidden = false;
    }

    function apply(kind, data) {
      var version = Number(data.version);
      if (kind !== "reload" && !(version > seen)) { return; }
      setSeen(Math.max(seen, version || 0));
      var ids = (data.comments || []).map(String);
      queue = queue.then(function () {
        switch (kind) {
          case "posted": return posted(ids);
          case "edited": return changed(ids, false);
          case "removed": return changed(ids, true);
          case "translated": return fetchTranslations();
          case "thread": return threadChanged();
          case "voted": return voted(ids);
          case "reload": return reloadComments();
        }
      }).catch(function () { /* a failed fetch: the next change brings the page up to date */ });
    }

    // Opening the new comments: in place where this page's order puts them, else a fresh copy
    // of the comment part.
    bar.addEventListener("click", function () {
      var sort = attr("data-sort"), pageNo = Number(attr("data-page")) || 1;
      var complete = !list.querySelector(":scope > .more");
      var first = null;
      if (!(sort === "newest" && pageNo === 1) && !((sort === "oldest" || sort === "replies") && complete)) {
        reloadComments();
        return;
      }
      var items = waiting;
      waiting = [];
      items.forEach(function (item) {
        var node;
        if (item.parent) {
          var parent = document.getElementById("c" + item.parent);
          node = parent ? placeReply(parent, item.html) : null;
        } else {
          node = element(item.html);
          if (!node) { return; }
          if (sort === "newest") { list.insertBefore(node, list.firstChild); }
          else { list.insertBefore(node, list.querySelector(":scope > .more")); }
          markNew(node);
        }
        if (node && !item.parent && (!first || sort === "newest")) { first = node; }
      });
      showBar();
      if (first) {
        var head = first.querySelector(":scope > summary");
        first.scrollIntoView({ block: "start" });
        if (head) { head.setAttribute("tabindex", "-1"); head.focus({ preventScroll: true }); }
      }
    });

    // Without a stream: ask for the events every 5 s, backing off to 30 s while hidden.
    var pollingDelay = 5000, pollingTimer = null;
    function poll() {
      pollingTimer = null;
      fetchJSON(attr("data-events") + "?after=" + seen)
        .then(function (answer) {
          live.connected = true;
          if (answer.reload) {
            apply("reload", { version: answer.version });
          } else {
            (answer.events || []).forEach(function (event) { apply(event.kind, event); });
          }
          pollingDelay = document.visibilityState === "hidden" ? Math.min(pollingDelay * 2, 30000) : 5000;
        })
        .catch(function () {
          live.connected = false;
          pollTranslations();
          pollingDelay = Math.min(pollingDelay * 2, 30000);
        })
        .then(function () { pollingTimer = window.setTimeout(poll, pollingDelay); });
    }
    function startPolling() {
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState !== "hidden" && pollingTimer) {
          window.clearTimeout(pollingTimer);
          pollingDelay = 5000;
          poll();
        }
      });
      poll();
    }

    stream({
      url: function () { return attr("data-live") + "?last_event_id=" + seen; },
      kinds: ["posted", "edited", "removed", "translated", "thread", "voted", "reload"],
      event: function (kind, data) {
        apply(kind, data);
      },
      opened: function () { live.connected = true; section.setAttribute("data-streaming", "1"); },
      closed: function () { live.connected = false; section.removeAttribute("data-streaming"); pollTranslations(); },
      fallback: function () { live.connected = false; pollTranslations(); startPolling(); }
    });
  }

  // Votes: the buttons under a comment post the vote in place (without script they open the
  // vote page); a second press of the pressed button withdraws the vote. The answer's counts
  // are shown at once; other readers' pages hear of them as a "voted" change.
  document.addEventListener("submit", function (event) {
    var votes = event.target.closest ? event.target.closest("form.votes") : null;
    var button = event.submitter;
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!votes || !button || !token || !window.fetch) { return; }
    event.preventDefault();
    var pressed = button.getAttribute("aria-pressed") === "true";
    var data = new FormData();
    data.append("value", pressed ? "0" : button.value);
    fetch(votes.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token.value }
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (result) {
      var note = votes.querySelector(".vote-note");
      if (!note) {
        note = document.createElement("span");
        note.className = "vote-note";
        note.setAttribute("role", "status");
        votes.appendChild(note);
      }
      if (!result.ok) { note.textContent = result.answer.message || ""; return; }
      note.textContent = "";
      var up = votes.querySelector("[data-count=up]"), down = votes.querySelector("[data-count=down]");
      if (up) { up.textContent = result.answer.up_count; }
      if (down) { down.textContent = result.answer.down_count; }
      Array.prototype.forEach.call(votes.querySelectorAll("button.vote"), function (each) {
        each.setAttribute("aria-pressed", String(Number(each.value) === result.answer.my_vote));
      });
    }).catch(function () { votes.submit(); });
  });

  // The moderation queue, live: it fetches its list again when the stream opens and on each
  // change anywhere, keeping what the moderator selected; screen readers hear "Queue updated".
  var queueList = document.querySelector(".mod-items[data-live]");
  if (queueList) { watchQueue(); }

  function watchQueue() {
    var refetching = null, again = false;
    var said = document.querySelector(".mod-live-status");
    function refetch() {
      if (refetching) { again = true; return; }
      var url = window.location.pathname + (window.location.search ? window.location.search + "&" : "?") + "partial=1";
      refetching = fetchText(url).then(function (html) {
        var current = document.querySelector(".mod-items");
        var box = document.createElement("div");
        box.innerHTML = html;
        var fresh = box.querySelector(".mod-items");
        if (!current || !fresh) { return; }
        var chosen = {};
        current.querySelectorAll("input[type=checkbox][name=comment]:checked").forEach(function (input) { chosen[input.value] = true; });
        fresh.querySelectorAll("input[type=checkbox][name=comment]").forEach(function (input) {
          if (chosen[input.value]) { input.checked = true; }
        });
        var before = current.innerHTML;
        var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest(".mod-item");
        current.replaceWith(fresh);
        var count = document.querySelector(".page-title .count");
        if (count && fresh.getAttribute("data-count")) { count.textContent = "(" + fresh.getAttribute("data-count") + ")"; }
        document.dispatchEvent(new CustomEvent("parley:queue-updated", { detail: { focused: focused && focused.id } }));
        if (said && before !== fresh.innerHTML) {
          said.textContent = "";
          window.setTimeout(function () { said.textContent = said.getAttribute("data-text") || "Queue updated"; }, 50);
        }
      }).catch(function () { /* the next event asks again */ }).then(function () {
        refetching = null;
        if (again) { again = false; refetch(); }
      });
    }
    var polling = null;
    stream({
      url: function () { return queueList.getAttribute("data-live"); },
      kinds: ["queue"],
      // A vote changes nothing the queue shows: only the other changes fetch it again.
      event: function (kind, data) { if (!(data && data.kind === "voted")) { refetch(); } },
      opened: refetch,
      closed: function () {},
      fallback: function () {
        if (!polling) { polling = window.setInterval(function () { if (document.visibilityState !== "hidden") { refetch(); } }, 10000); }
      }
    });
  }

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
