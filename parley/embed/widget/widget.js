// One mounted discussion: the thread answer, the comments, the form, in an open shadow root.
import { ApiError, client, query } from "./api.js";
import { h, setBody } from "./dom.js";
import { catalogFor } from "./i18n.js";
import { store } from "./storage.js";
import css from "./widget.css";

const SORTS = ["oldest", "newest", "replies", "best"];
const SORT_LABELS = { oldest: "sortOldest", newest: "sortNewest", replies: "sortReplies", best: "sortBest" };
const MAX_INDENT = 4; // deeper replies stay at this indent and say whom they answer
const PENDING_DELAYS = [1500, 3000, 6000, 12000, 24000]; // re-asking for translations
const HELD_LOOKUPS = 5; // the reader's own comments fetched after a reload, at most
const PERMALINK = /^#parley-comment-(\d+)$/;
const PERMALINK_PAGES = 10; // pages loaded to reach a permalinked comment

let sheet = null;
function styleInto(root) {
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function") {
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
      }
      root.adoptedStyleSheets = [sheet];
      return;
    } catch {
      // fall back to a style element in the shadow root
    }
  }
  root.append(h("style", { text: css }));
}

function pageUrl(options) {
  if (options.url) return options.url;
  const canonical = document.querySelector('link[rel="canonical"][href]');
  if (canonical) return canonical.href;
  return window.location.href;
}

function decodeSso(payload) {
  try {
    const part = String(payload).split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
    const text = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    return JSON.parse(text);
  } catch {
    return {};
  }
}

export class Widget {
  constructor(el, options, origin) {
    this.el = el;
    this.options = options;
    this.origin = origin;
    this.store = store(origin);
    this.api = client(origin, () => this.session && this.session.token);
    this.session = this.store.session();
    this.sort = SORTS.includes(options.sort) ? options.sort : "oldest";
    this.lang = options.lang || "";
    this.t = catalogFor(this.lang || navigator.language);
    this.root = el.shadowRoot || el.attachShadow({ mode: "open" });
    this.timers = new Set();
    this.onMessage = (event) => this.signedIn(event);
    this.onHash = () => this.openPermalink();
    this.onSelection = () => this.selectionChanged();
    this.rendered = false;
  }

  start() {
    this.setState("loading");
    this.root.replaceChildren();
    styleInto(this.root);
    const theme = ["light", "dark"].includes(this.options.theme) ? this.options.theme : "auto";
    this.frame = h("section", { class: `parley frame ${theme}`, "aria-label": this.t("region"), lang: this.t.code });
    this.live = h("p", { class: "sr-only", role: "status", "aria-live": "polite" });
    this.frame.append(h("p", { class: "empty", text: this.t("loading") }), this.live);
    this.root.append(this.frame);
    window.addEventListener("hashchange", this.onHash);
    document.addEventListener("selectionchange", this.onSelection);
    const eager = this.options.lazy === false || this.options.lazy === "false" || PERMALINK.test(window.location.hash);
    if (eager || typeof IntersectionObserver !== "function") {
      this.load();
    } else {
      this.observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) {
            this.observer.disconnect();
            this.observer = null;
            this.load();
          }
        },
        { rootMargin: "600px 0px" },
      );
      this.observer.observe(this.el);
    }
  }

  destroy() {
    if (this.observer) this.observer.disconnect();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    window.removeEventListener("message", this.onMessage);
    window.removeEventListener("hashchange", this.onHash);
    document.removeEventListener("selectionchange", this.onSelection);
    this.destroyed = true;
    this.root.replaceChildren();
    this.el.removeAttribute("data-parley-state");
  }

  later(delay, work) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.destroyed) work();
    }, delay);
    this.timers.add(timer);
  }

  setState(state) {
    this.el.setAttribute("data-parley-state", state);
  }

  say(text) {
    this.live.textContent = "";
    this.later(30, () => {
      this.live.textContent = text;
    });
  }

  // -- loading ----------------------------------------------------------------------------

  threadPath() {
    return `/api/v1/embed/thread?${query({
      url: pageUrl(this.options),
      id: this.options.id,
      lang: this.lang || this.guessedLang,
      sort: this.sort,
    })}`;
  }

  async load() {
    if (this.guessedLang === undefined) {
      this.guessedLang = this.lang ? "" : (navigator.language || "").split("-")[0];
    }
    try {
      // Reading does not wait on a refused sign-in: its sentence goes near the form.
      const sso = this.options.sso
        ? this.signInWithSso(this.options.sso).catch((error) => {
            this.ssoError = this.messageOf(error);
          })
        : null;
      let answer;
      try {
        answer = await this.api.get(this.threadPath());
      } catch (error) {
        if (error instanceof ApiError && error.code === "token_refused") {
          this.signOutLocally();
          answer = await this.api.get(this.threadPath());
        } else if (error instanceof ApiError && error.field === "lang" && this.guessedLang) {
          this.guessedLang = ""; // the browser's language is not one this server offers
          answer = await this.api.get(this.threadPath());
        } else {
          throw error;
        }
      }
      if (sso) await sso;
      if (this.destroyed) return;
      performance.mark("parley:answer");
      this.answer = answer;
      if (!this.lang && this.guessedLang && answer.languages.some((l) => l.code === this.guessedLang)) {
        this.lang = this.guessedLang;
      }
      this.t = catalogFor(this.lang || answer.site.language || navigator.language);
      this.render();
      if (!this.rendered) {
        this.rendered = true;
        performance.mark("parley:render");
      }
      this.setState("ready");
      if (this.ssoError) this.showStatus(this.ssoError, true);
      this.fetchHeld();
      this.askAgainForTranslations(0);
      this.openPermalink();
    } catch (error) {
      this.failed(error);
    }
  }

  failed(error) {
    if (this.destroyed) return;
    let message;
    if (error instanceof ApiError) {
      message = error.message;
    } else {
      // The browser kept the answer from this page: Parley lists no site for its origin.
      message = this.t("blocked", { origin: this.origin });
    }
    console.error(`Parley: ${message}`, error);
    this.frame.replaceChildren(
      h("h2", { class: "sr-only", text: this.t("comments") }),
      h("p", { class: "message bad", role: "alert", text: message }),
      this.live,
    );
    this.setState("error");
  }

  async reload() {
    this.setState("loading");
    try {
      this.answer = await this.api.get(this.threadPath());
      if (this.destroyed) return;
      this.t = catalogFor(this.lang || this.answer.site.language);
      this.render();
      this.setState("ready");
      this.fetchHeld();
      this.askAgainForTranslations(0);
    } catch (error) {
      if (error instanceof ApiError && error.code === "token_refused") {
        this.signOutLocally();
        return this.reload();
      }
      this.failed(error);
    }
  }

  askAgainForTranslations(attempt, generation = this.generation) {
    // A new render (another language or order) starts its own round.
    if (!this.lang || attempt >= PENDING_DELAYS.length || generation !== this.generation) return;
    const pending = [...this.comments.values()].some((c) => c.translation && c.translation.state === "pending");
    if (!pending) return;
    this.later(PENDING_DELAYS[attempt], async () => {
      if (generation !== this.generation) return;
      try {
        const page = await this.api.get(this.commentsPath(0, Math.max(this.comments.size, 1)));
        for (const comment of page.comments) {
          const known = this.comments.get(comment.id);
          if (known && JSON.stringify(known.translation) !== JSON.stringify(comment.translation)) {
            this.apply({ type: "comment", comment });
          }
        }
      } catch {
        // asked again next time
      }
      this.askAgainForTranslations(attempt + 1, generation);
    });
  }

  commentsPath(offset, limit) {
    return `/api/v1/threads/${this.answer.thread.thread_id}/comments?${query({
      sort: this.sort,
      lang: this.lang,
      offset,
      limit: Math.min(limit, 100),
    })}`;
  }

  // The reader's own comments not in the page (held for review): at most HELD_LOOKUPS.
  async fetchHeld() {
    if (!this.answer.thread) return;
    const edits = Object.entries(this.store.edits())
      .filter(([id]) => !this.comments.has(Number(id)))
      .sort((a, b) => b[1].at - a[1].at)
      .slice(0, HELD_LOOKUPS);
    for (const [id, entry] of edits) {
      try {
        const headers = entry.token ? { "X-Edit-Token": entry.token } : {};
        const comment = await this.api.get(`/api/v1/comments/${id}`, { headers });
        if (comment.thread_id === this.answer.thread.thread_id && comment.status === "pending") {
          this.apply({ type: "comment", comment });
        }
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) this.store.removeEdit(id);
      }
    }
  }

  // -- signing in -------------------------------------------------------------------------

  async signInWithSso(payload) {
    const identity = decodeSso(payload);
    const session = this.session;
    if (session && session.kind === "sso" && identity.id && session.sso_id === String(identity.id)) return;
    const answer = await this.api.post("/api/v1/embed/sso", { payload });
    this.session = {
      token: answer.token,
      name: answer.viewer.name,
      kind: "sso",
      expires_at: answer.expires_at,
      sso_id: String(identity.id),
    };
    this.store.setSession(this.session);
  }

  openSignIn() {
    const popup = window.open(this.answer.sign_in_url, "parley-sign-in", "popup,width=480,height=640");
    if (!popup) {
      this.showStatus(this.t("signInBlocked"), true);
      return;
    }
    this.popup = popup;
    window.addEventListener("message", this.onMessage);
  }

  signedIn(event) {
    if (event.origin !== this.origin || !this.popup || event.source !== this.popup) return;
    const data = event.data || {};
    if (data.type !== "parley:signed-in" || !data.token) return;
    window.removeEventListener("message", this.onMessage);
    this.popup = null;
    this.session = { token: data.token, name: data.name, kind: "account", expires_at: data.expires_at };
    this.store.setSession(this.session);
    this.reload();
  }

  signOutLocally() {
    this.session = null;
    this.store.setSession(null);
  }

  async signOut() {
    try {
      await this.api.delete("/api/v1/embed/token");
    } catch {
      // an expired token is signed out already
    }
    this.signOutLocally();
    await this.reload();
    this.say(this.t("signedOut"));
  }

  // -- rendering --------------------------------------------------------------------------

  render() {
    const { t, answer } = this;
    const thread = answer.thread;
    const page = answer.comments;
    this.generation = (this.generation || 0) + 1;
    this.comments = new Map();
    this.list = h("ol", { class: "comments" });
    const count = thread ? thread.comment_count : 0;
    this.heading = h("h2", { id: "parley-heading", text: t("count", { n: count }) });
    const controls = h("div", { class: "controls" });
    if (count > 1) {
      controls.append(
        h(
          "label",
          {},
          t("sort"),
          h(
            "select",
            { value: this.sort, onchange: (e) => this.changeSort(e.target.value) },
            SORTS.map((s) => h("option", { value: s, text: t(SORT_LABELS[s]) })),
          ),
        ),
      );
    }
    if (answer.languages && answer.languages.length > 1) {
      controls.append(
        h(
          "label",
          {},
          t("language"),
          h(
            "select",
            { class: "language", value: this.lang || answer.site.language || "", onchange: (e) => this.changeLanguage(e.target.value) },
            answer.languages.map((l) => h("option", { value: l.code, text: l.name })),
          ),
        ),
      );
    }
    this.status = h("p", { class: "status", role: "status", "aria-live": "polite" });
    const children = [h("header", { class: "head" }, this.heading, controls), this.viewerBar()];
    if (!thread || thread.is_open) {
      this.form = this.composeForm();
      children.push(this.form);
    } else {
      this.form = null;
      children.push(h("p", { class: "message", text: t("closed") }));
    }
    this.emptyNote = h("p", { class: "empty", text: t("empty") });
    children.push(this.emptyNote, this.list);
    this.more = h("p", { class: "more" });
    children.push(this.more, this.live);
    this.quoteButton = h("button", {
      type: "button",
      class: "quote-selection",
      hidden: true,
      text: t("quoteSelection"),
      onmousedown: (e) => e.preventDefault(),
      onclick: () => this.quoteSelected(),
    });
    children.push(this.quoteButton);
    this.frame.replaceChildren(...children);
    this.frame.setAttribute("lang", t.code);
    this.frame.setAttribute("aria-labelledby", "parley-heading");
    this.frame.removeAttribute("aria-label");
    if (page) this.addPage(page);
    this.updateEmpty();
  }

  updateEmpty() {
    this.emptyNote.hidden = this.list.children.length > 0;
  }

  addPage(page) {
    for (const comment of page.comments) this.apply({ type: "comment", comment, append: true });
    this.more.replaceChildren();
    this.nextPath = page.next;
    if (page.next) {
      this.more.append(
        h("button", { type: "button", class: "secondary", text: this.t("loadMore"), onclick: () => this.loadMore() }),
      );
    }
  }

  async loadMore() {
    const button = this.more.querySelector("button");
    if (button) button.disabled = true;
    try {
      const path = this.nextPath.startsWith("http") ? new URL(this.nextPath).pathname + new URL(this.nextPath).search : this.nextPath;
      this.addPage(await this.api.get(path));
      return true;
    } catch (error) {
      if (button) button.disabled = false;
      this.showStatus(this.messageOf(error), true);
      return false;
    }
  }

  viewerBar() {
    const { t } = this;
    const viewer = this.answer.viewer || (this.session ? { name: this.session.name, kind: this.session.kind } : null);
    if (viewer) {
      const bar = h("p", { class: "viewer" }, h("span", { text: t("signedInAs", { name: viewer.name }) }));
      if (viewer.kind !== "sso") {
        bar.append(h("button", { type: "button", class: "link", text: t("signOut"), onclick: () => this.signOut() }));
      }
      return bar;
    }
    if (!this.answer.sign_in_url) return h("p", { class: "viewer", hidden: true });
    return h(
      "p",
      { class: "viewer" },
      h("button", { type: "button", class: "secondary", text: t("signIn"), onclick: () => this.openSignIn() }),
    );
  }

  signedInViewer() {
    return this.answer.viewer || (this.session ? { name: this.session.name } : null);
  }

  composeForm() {
    const { t } = this;
    const uid = Math.random().toString(36).slice(2, 8);
    this.bodyField = h("textarea", {
      id: `parley-body-${uid}`,
      name: "body",
      required: true,
      rows: 5,
      "aria-describedby": `parley-body-${uid}-hint`,
    });
    const fields = [];
    if (!this.signedInViewer()) {
      this.nameField = h("input", { id: `parley-name-${uid}`, name: "name", autocomplete: "name", required: true });
      this.emailField = h("input", { id: `parley-email-${uid}`, name: "email", type: "email", autocomplete: "email" });
      fields.push(
        h(
          "div",
          { class: "fields" },
          h("label", { class: "field", for: this.nameField.id }, t("name"), this.nameField),
          h("label", { class: "field", for: this.emailField.id }, h("span", {}, t("email"), " ", h("span", { class: "hint", text: t("optional") })), this.emailField),
        ),
      );
    } else {
      this.nameField = this.emailField = null;
    }
    this.replying = h("p", { class: "replying", hidden: true });
    this.submit = h("button", { type: "submit", class: "primary", text: t("post") });
    this.formStatus = h("p", { class: "status", role: "status", "aria-live": "polite" });
    this.parentId = null;
    return h(
      "form",
      { class: "compose", novalidate: true, onsubmit: (e) => this.post(e) },
      h("h3", { text: t("writeTitle") }),
      this.replying,
      h(
        "div",
        { class: "field" },
        h("label", { for: this.bodyField.id, text: t("body") }),
        h("span", { class: "hint", id: `${this.bodyField.id}-hint`, text: t("bodyHint") }),
        this.bodyField,
      ),
      fields,
      h("div", { class: "form-actions" }, this.submit, this.formStatus),
    );
  }

  showStatus(text, bad = false, where = null) {
    const target = where || (this.form ? this.formStatus : null);
    if (!target) {
      this.say(text);
      return;
    }
    target.className = `status ${bad ? "bad" : "ok"}`;
    target.setAttribute("role", bad ? "alert" : "status");
    target.textContent = text;
  }

  messageOf(error) {
    if (error instanceof ApiError) return error.message;
    return this.t("error");
  }

  // The reader's own variant of the catalog's language (en-GB dates for en-GB readers).
  locale() {
    const browser = navigator.language || "";
    return browser.toLowerCase().startsWith(this.t.code) ? browser : this.t.code;
  }

  languageName(code) {
    const offered = (this.answer.languages || []).find((l) => l.code === code);
    try {
      const name = new Intl.DisplayNames([this.t.code], { type: "language" }).of(code);
      if (name && name !== code) return name;
    } catch {
      // an unknown code: its offered name, else the code
    }
    return offered ? offered.name : code;
  }

  commentNode(comment) {
    const { t } = this;
    const mine = this.store.edits()[comment.id];
    const deleted = comment.status === "deleted";
    const depth = Math.min(comment.depth || 0, MAX_INDENT);
    const li = h("li", {
      class: `comment d${depth}${comment.status === "pending" ? " awaiting" : ""}`,
      id: `parley-comment-${comment.id}`,
      "data-id": comment.id,
      "aria-labelledby": `parley-by-${comment.id}`,
    });
    const meta = h("div", { class: "meta" });
    const name = deleted ? t("deletedName") : comment.author.name || t("anonymous");
    if (!deleted && comment.author.website) {
      meta.append(h("a", { class: "who", id: `parley-by-${comment.id}`, href: comment.author.website, rel: "nofollow ugc noopener", target: "_blank", text: name }));
    } else {
      meta.append(h("span", { class: "who", id: `parley-by-${comment.id}`, text: name }));
    }
    if (!deleted && mine) meta.append(h("span", { class: "badge you", text: t("you") }));
    if (!deleted && comment.author.badge) meta.append(h("span", { class: `badge ${comment.author.badge}`, text: t(comment.author.badge) }));
    const when = new Date(comment.created_at);
    meta.append(
      h(
        "a",
        { class: "when", href: `#parley-comment-${comment.id}`, title: t("permalink") },
        h("time", { datetime: comment.created_at, text: new Intl.DateTimeFormat(this.locale(), { dateStyle: "medium", timeStyle: "short" }).format(when) }),
      ),
    );
    if (comment.edited_at && !deleted) meta.append(h("span", { class: "edited", text: t("edited") }));
    if (comment.status === "pending") meta.append(h("span", { class: "badge awaiting", text: t("awaiting") }));
    const parent = comment.parent_id && this.comments.get(comment.parent_id);
    if (comment.depth >= 3 && parent) {
      meta.append(h("span", { class: `to${comment.depth <= MAX_INDENT ? " soft" : ""}`, text: t("inReplyTo", { name: parent.author.name || t("anonymous") }) }));
    }
    li.append(meta);
    if (deleted) {
      li.append(h("p", { class: "body deleted", text: t("deletedComment") }));
      return li;
    }
    if (comment.status === "pending") {
      li.append(h("p", { class: "held", role: "status", text: comment.notice || t("awaitingNote") }));
    }
    li.append(...this.bodyNodes(comment));
    li.append(this.actions(comment, mine));
    return li;
  }

  bodyNodes(comment) {
    const { t } = this;
    const local = (id) => this.comments.has(Number(id));
    const original = h("div", { class: "body original", "data-comment": comment.id });
    setBody(original, comment.body_html, this.origin, local);
    const tr = comment.translation;
    const from = this.languageName(comment.language);
    if (!tr) return [original];
    if (tr.state === "translated") {
      const translated = h("div", { class: "body translated", lang: tr.language });
      setBody(translated, tr.html, this.origin, local);
      original.hidden = true;
      original.setAttribute("lang", comment.language);
      const label = h("span", { text: tr.engine ? t("translatedFrom", { language: from, engine: tr.engine }) : t("translatedFromNoEngine", { language: from }) });
      const toggle = h("button", {
        type: "button",
        class: "link toggle",
        "aria-expanded": "false",
        text: t("showOriginal"),
        onclick: () => {
          const showOriginal = original.hidden;
          original.hidden = !showOriginal;
          translated.hidden = showOriginal;
          toggle.textContent = t(showOriginal ? "showTranslation" : "showOriginal");
          toggle.setAttribute("aria-expanded", String(showOriginal));
          label.textContent = showOriginal ? t("writtenIn", { language: from }) : label.dataset.translated;
        },
      });
      label.dataset.translated = label.textContent;
      return [h("p", { class: "note translation-note" }, label, toggle), translated, original];
    }
    const key = tr.state === "pending" ? "translating" : "noTranslation";
    return [h("p", { class: "note translation-note", text: t(key, { language: from }) }), original];
  }

  canEdit(comment, mine) {
    // A guest's comment by its edit token; an account's while signed in.
    if (!mine || comment.status === "deleted" || !(mine.token || this.session)) return false;
    const windowMs = (this.answer.edit_window || 0) * 1000;
    return Date.now() - Date.parse(comment.created_at) < windowMs;
  }

  actions(comment, mine) {
    const { t } = this;
    const bar = h("div", { class: "actions" });
    if (comment.status !== "published") {
      if (this.canEdit(comment, mine)) this.addEditActions(bar, comment, mine);
      return bar;
    }
    if (this.form) {
      bar.append(h("button", { type: "button", class: "link", text: t("reply"), onclick: () => this.replyTo(comment) }));
      bar.append(h("button", { type: "button", class: "link", text: t("quote"), onclick: () => this.quoteComment(comment) }));
    }
    const vote = h(
      "button",
      {
        type: "button",
        class: "vote",
        "aria-pressed": String(comment.my_vote === 1),
        "aria-label": `${t("useful")}: ${t("usefulCount", { n: comment.up_count })}`,
        onclick: () => this.vote(comment, vote),
      },
      h("span", { "aria-hidden": "true", text: "▲" }),
      h("span", { text: `${t("useful")} · ${comment.up_count}` }),
    );
    bar.append(vote);
    if (this.answer.flag_reasons && this.answer.flag_reasons.length) {
      bar.append(h("button", { type: "button", class: "link", text: t("flag"), onclick: (e) => this.flagForm(comment, e.target) }));
    }
    if (this.canEdit(comment, mine)) this.addEditActions(bar, comment, mine);
    return bar;
  }

  addEditActions(bar, comment, mine) {
    const { t } = this;
    bar.append(
      h("button", { type: "button", class: "link", text: t("edit"), onclick: () => this.edit(comment, mine) }),
      h("button", { type: "button", class: "link", text: t("delete"), onclick: (e) => this.confirmDelete(comment, mine, e.target) }),
    );
  }

  // Puts a comment in the page or updates it in place: the page's answers, the reader's
  // own posts and, later, live events all come through here.
  apply(event) {
    if (event.type === "deleted") {
      const known = this.comments.get(event.id);
      if (known) this.apply({ type: "comment", comment: { ...known, status: "deleted" } });
      return;
    }
    if (event.type !== "comment") return;
    const comment = event.comment;
    const existing = this.list.querySelector(`#parley-comment-${comment.id}`);
    this.comments.set(comment.id, comment);
    const node = this.commentNode(comment);
    if (existing) {
      existing.replaceWith(node);
    } else if (event.append || !comment.parent_id) {
      if (!event.append && this.sort === "newest") this.list.prepend(node);
      else this.list.append(node);
    } else {
      // After the parent's last reply: the list is in reading order, replies below.
      const parentNode = this.list.querySelector(`#parley-comment-${comment.parent_id}`);
      if (!parentNode) {
        this.list.append(node);
      } else {
        const parentDepth = this.comments.get(comment.parent_id).depth || 0;
        let after = parentNode;
        while (after.nextElementSibling) {
          const next = this.comments.get(Number(after.nextElementSibling.dataset.id));
          if (!next || (next.depth || 0) <= parentDepth) break;
          after = after.nextElementSibling;
        }
        after.after(node);
      }
    }
    this.updateEmpty();
  }

  // -- what the reader does -----------------------------------------------------------------

  changeSort(sort) {
    this.sort = sort;
    this.reload();
  }

  changeLanguage(lang) {
    this.lang = lang;
    this.reload();
  }

  replyTo(comment) {
    this.parentId = comment.id;
    this.replying.replaceChildren(
      h("span", { text: this.t("replyingTo", { name: comment.author.name || this.t("anonymous") }) }),
      h("button", { type: "button", class: "link", text: this.t("cancelReply"), onclick: () => this.cancelReply() }),
    );
    this.replying.hidden = false;
    const node = this.list.querySelector(`#parley-comment-${comment.id}`);
    node.append(this.form);
    this.bodyField.focus();
  }

  cancelReply() {
    this.parentId = null;
    this.replying.hidden = true;
    this.emptyNote.before(this.form);
  }

  insertQuote(commentId, parts) {
    if (!this.form) return;
    const block = parts.map((text) => `:::quote comment ${commentId}\n${text}\n:::\n\n`).join("");
    const field = this.bodyField;
    const start = field.selectionStart || field.value.length;
    field.value = field.value.slice(0, start) + block + field.value.slice(start);
    field.focus();
    field.selectionStart = field.selectionEnd = start + block.length;
    this.say(this.t("quoted"));
  }

  // The comment's own words (not the quotes it holds), one part per paragraph group.
  quoteComment(comment) {
    const node = this.list.querySelector(`#parley-comment-${comment.id} .body.original`);
    if (!node) return;
    const copy = node.cloneNode(true);
    for (const quote of copy.querySelectorAll("blockquote")) quote.remove();
    const text = Array.from(copy.querySelectorAll("p, li, pre, h1, h2, h3, h4, h5, h6"))
      .map((block) => block.textContent.trim())
      .filter(Boolean)
      .join("\n");
    const words = (text || copy.textContent).trim();
    if (words) this.insertQuote(comment.id, [words]);
  }

  selection() {
    const selection = this.root.getSelection ? this.root.getSelection() : document.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    if (this.root.getSelection || !selection.getComposedRanges) return selection.getRangeAt(0);
    // Browsers without ShadowRoot.getSelection: the range inside the shadow root, made live.
    let composed;
    try {
      [composed] = selection.getComposedRanges({ shadowRoots: [this.root] });
    } catch {
      [composed] = selection.getComposedRanges(this.root);
    }
    if (!composed) return null;
    const range = document.createRange();
    range.setStart(composed.startContainer, composed.startOffset);
    range.setEnd(composed.endContainer, composed.endOffset);
    return range;
  }

  selectionChanged() {
    if (!this.quoteButton || !this.form) return;
    const range = this.selection();
    const source = (node) => {
      const element = node && (node.nodeType === 1 ? node : node.parentElement);
      return element && !element.closest("blockquote") ? element.closest(".body.original[data-comment]") : null;
    };
    const from = range && source(range.startContainer);
    const to = range && source(range.endContainer);
    const text = range ? range.toString().replace(/[ \t]*\n\s*/g, "\n").trim() : "";
    if (!from || from !== to || text.length < 2) {
      this.quoteButton.hidden = true;
      this.pendingQuote = null;
      return;
    }
    this.pendingQuote = { id: from.dataset.comment, text };
    const box = range.getBoundingClientRect();
    const frame = this.frame.getBoundingClientRect();
    this.quoteButton.style.top = `${box.bottom - frame.top + 6}px`;
    this.quoteButton.style.left = `${Math.max(0, box.left - frame.left)}px`;
    this.quoteButton.hidden = false;
  }

  quoteSelected() {
    if (!this.pendingQuote) return;
    this.insertQuote(this.pendingQuote.id, [this.pendingQuote.text]);
    this.quoteButton.hidden = true;
    this.pendingQuote = null;
    (this.root.getSelection ? this.root.getSelection() : document.getSelection()).removeAllRanges();
  }

  async ensureThread() {
    if (this.answer.thread) return this.answer.thread;
    const made = await this.api.post("/api/v1/embed/thread", {
      url: pageUrl(this.options),
      title: this.options.title || document.title,
      id: this.options.id || "",
    });
    this.answer.thread = made;
    return made;
  }

  async post(event) {
    event.preventDefault();
    const { t } = this;
    const body = this.bodyField.value;
    this.submit.disabled = true;
    this.submit.textContent = t("posting");
    this.formStatus.textContent = "";
    for (const field of [this.bodyField, this.nameField]) if (field) field.removeAttribute("aria-invalid");
    try {
      const thread = await this.ensureThread();
      const payload = { body, parent_id: this.parentId };
      if (this.nameField) {
        payload.name = this.nameField.value;
        payload.email = this.emailField.value;
      }
      const posted = await this.api.post(`/api/v1/threads/${thread.thread_id}/comments`, payload, { idempotent: true });
      this.store.addEdit(posted.id, posted.edit_token);
      this.bodyField.value = "";
      if (this.parentId) this.cancelReply();
      this.apply({ type: "comment", comment: posted });
      if (posted.status === "published") {
        thread.comment_count += 1;
        this.heading.textContent = t("count", { n: thread.comment_count });
      }
      this.showStatus(posted.status === "pending" ? posted.notice || t("awaitingNote") : t("posted"));
    } catch (error) {
      if (error instanceof ApiError && error.code === "token_refused") {
        this.signOutLocally();
        await this.reload();
        this.showStatus(error.message, true);
        return;
      }
      if (error instanceof ApiError && error.field) {
        const field = { body: this.bodyField, name: this.nameField }[error.field];
        if (field) field.setAttribute("aria-invalid", "true");
      }
      this.showStatus(this.messageOf(error), true);
    } finally {
      this.submit.disabled = false;
      this.submit.textContent = t("post");
    }
  }

  authHeaders(mine) {
    return mine && mine.token ? { "X-Edit-Token": mine.token } : {};
  }

  async edit(comment, mine) {
    const { t } = this;
    const node = this.list.querySelector(`#parley-comment-${comment.id}`);
    let detail;
    try {
      detail = await this.api.get(`/api/v1/comments/${comment.id}`, { headers: this.authHeaders(mine) });
    } catch (error) {
      this.showStatus(this.messageOf(error), true);
      return;
    }
    const field = h("textarea", { id: `parley-edit-${comment.id}`, name: "body", rows: 5, value: detail.body });
    const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
    const form = h(
      "form",
      {
        class: "compose",
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            const saved = await this.api.patch(`/api/v1/comments/${comment.id}`, { body: field.value }, { headers: this.authHeaders(mine) });
            this.apply({ type: "comment", comment: { ...comment, ...saved, translation: null } });
            this.say(t("saved"));
          } catch (error) {
            this.showStatus(this.messageOf(error), true, status);
          }
        },
      },
      h("h3", { text: t("editTitle") }),
      h("label", { class: "field", for: field.id }, t("body"), field),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary", text: t("save") }),
        h("button", { type: "button", class: "secondary", text: t("cancel"), onclick: () => this.apply({ type: "comment", comment }) }),
        status,
      ),
    );
    for (const child of node.querySelectorAll(".body, .note, .actions")) child.remove();
    node.append(form);
    field.focus();
  }

  confirmDelete(comment, mine, button) {
    const { t } = this;
    const bar = button.closest(".actions");
    if (bar.nextElementSibling && bar.nextElementSibling.classList.contains("confirm")) return;
    const status = h("p", { class: "status", role: "status" });
    const box = h(
      "div",
      { class: "confirm", role: "group", "aria-label": t("confirmDelete") },
      h("p", { text: t("confirmDelete") }),
      h(
        "div",
        { class: "form-actions" },
        h("button", {
          type: "button",
          class: "danger",
          text: t("yesDelete"),
          onclick: async () => {
            try {
              await this.api.delete(`/api/v1/comments/${comment.id}`, { headers: this.authHeaders(mine) });
              this.store.removeEdit(comment.id);
              if (comment.status === "published" && this.answer.thread) {
                this.answer.thread.comment_count = Math.max(0, this.answer.thread.comment_count - 1);
                this.heading.textContent = t("count", { n: this.answer.thread.comment_count });
              }
              if (comment.reply_count > 0) {
                this.apply({ type: "deleted", id: comment.id });
              } else {
                this.list.querySelector(`#parley-comment-${comment.id}`).remove();
                this.comments.delete(comment.id);
                this.updateEmpty();
              }
              this.say(t("deleted"));
            } catch (error) {
              this.showStatus(this.messageOf(error), true, status);
            }
          },
        }),
        h("button", { type: "button", class: "secondary", text: t("cancel"), onclick: () => box.remove() }),
        status,
      ),
    );
    bar.after(box);
    box.querySelector("button").focus();
  }

  flagForm(comment, button) {
    const { t } = this;
    const bar = button.closest(".actions");
    if (bar.nextElementSibling && bar.nextElementSibling.matches("form.flag")) {
      bar.nextElementSibling.remove();
      return;
    }
    const id = `parley-flag-${comment.id}`;
    const reason = h(
      "select",
      { id: `${id}-reason`, name: "reason" },
      this.answer.flag_reasons.map((r) => h("option", { value: r.value, text: r.label })),
    );
    const text = h("textarea", { id: `${id}-text`, name: "text", rows: 2 });
    const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
    const send = h("button", { type: "submit", class: "primary", text: t("flagSend") });
    const form = h(
      "form",
      {
        class: "flag",
        onsubmit: async (e) => {
          e.preventDefault();
          send.disabled = true;
          try {
            const answer = await this.api.post(`/api/v1/comments/${comment.id}/flags`, { reason: reason.value, text: text.value });
            form.replaceChildren(h("p", { class: "status ok", role: "status", text: answer.message }));
          } catch (error) {
            send.disabled = false;
            this.showStatus(this.messageOf(error), true, status);
          }
        },
      },
      h("p", { text: t("flagTitle") }),
      h("label", { class: "field", for: reason.id }, t("flagReason"), reason),
      h("label", { class: "field", for: text.id }, h("span", {}, t("flagText"), " ", h("span", { class: "hint", text: t("optional").replace(/,.*\)/, ")") })), text),
      h("div", { class: "form-actions" }, send, h("button", { type: "button", class: "secondary", text: t("cancel"), onclick: () => form.remove() }), status),
    );
    bar.after(form);
    reason.focus();
  }

  async vote(comment, button) {
    const { t } = this;
    const pressed = button.getAttribute("aria-pressed") === "true";
    button.disabled = true;
    try {
      const mine = this.store.edits()[comment.id];
      const answer = await this.api.post(`/api/v1/comments/${comment.id}/vote`, { value: pressed ? 0 : 1 }, { headers: this.authHeaders(mine) });
      comment.up_count = answer.up_count;
      comment.my_vote = answer.my_vote;
      button.setAttribute("aria-pressed", String(answer.my_vote === 1));
      button.lastChild.textContent = `${t("useful")} · ${answer.up_count}`;
      button.setAttribute("aria-label", `${t("useful")}: ${t("usefulCount", { n: answer.up_count })}`);
      if (answer.my_vote === 1) this.say(t("voteCounted"));
    } catch (error) {
      const bar = button.closest(".actions");
      let status = bar.querySelector(".status");
      if (!status) bar.append((status = h("span", { class: "status", role: "alert" })));
      this.showStatus(this.messageOf(error), true, status);
    } finally {
      button.disabled = false;
    }
  }

  // #parley-comment-N: shown, scrolled to and marked; pages are loaded until it comes.
  async openPermalink() {
    const match = PERMALINK.exec(window.location.hash);
    if (!match || !this.list) return;
    const id = Number(match[1]);
    for (let pages = 0; !this.comments.has(id) && this.nextPath && pages < PERMALINK_PAGES; pages++) {
      if (!(await this.loadMore())) break;
    }
    const node = this.list.querySelector(`#parley-comment-${id}`);
    if (!node) {
      this.say(this.t("notFound"));
      return;
    }
    for (const old of this.list.querySelectorAll(".target")) old.classList.remove("target");
    node.classList.add("target");
    node.scrollIntoView({ block: "start" });
    const link = node.querySelector("a.when");
    if (link) link.focus({ preventScroll: true });
  }
}
