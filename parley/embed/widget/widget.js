// One mounted discussion: the state of the thread and its comments in an open shadow root,
// starting, loading, rendering and wiring the parts kept in their own modules.
import { ApiError, client, query } from "./api.js";
import { commentNode } from "./comment.js";
import { composeForm } from "./compose.js";
import { h } from "./dom.js";
import { catalogFor } from "./i18n.js";
import { askAgainForTranslations, guessLanguage, languageControl, settleLanguage } from "./languages.js";
import { Live } from "./live.js";
import { addPage, fetchHeld, openPermalink, permalinked } from "./pages.js";
import { SelectionQuote } from "./quote.js";
import { refused, signedIn, signInWithSso, signOutLocally, viewerBar } from "./session.js";
import { sortControl, sortOf } from "./sort.js";
import { store } from "./storage.js";
import css from "./widget.css";

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

// 1 for a comment readers see in the count, 0 for a held, deleted or unknown one.
function published(comment) {
  return comment && comment.status === "published" ? 1 : 0;
}

export class Widget {
  constructor(el, options, origin) {
    this.el = el;
    this.options = options;
    this.origin = origin;
    this.store = store(origin);
    this.api = client(origin, () => this.session && this.session.token);
    this.session = this.store.session();
    this.sort = sortOf(options);
    this.lang = options.lang || "";
    this.t = catalogFor(this.lang || navigator.language);
    this.root = el.shadowRoot || el.attachShadow({ mode: "open" });
    this.timers = new Set();
    this.quoting = new SelectionQuote(this);
    this.onMessage = (event) => signedIn(this, event);
    this.onHash = () => openPermalink(this);
    this.onSelection = () => this.quoting.changed();
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
    const eager = this.options.lazy === false || this.options.lazy === "false" || permalinked();
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
    if (this.updates) this.updates.stop();
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

  showStatus(text, bad = false, where = null) {
    const target = where || (this.compose ? this.compose.status : null);
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

  // -- loading ----------------------------------------------------------------------------

  pageUrl() {
    if (this.options.url) return this.options.url;
    const canonical = document.querySelector('link[rel="canonical"][href]');
    if (canonical) return canonical.href;
    return window.location.href;
  }

  commentsPath(offset, limit) {
    return `/api/v1/threads/${this.answer.thread.thread_id}/comments?${query({
      sort: this.sort,
      lang: this.lang,
      offset,
      limit: Math.min(limit, 100),
    })}`;
  }

  threadPath() {
    return `/api/v1/embed/thread?${query({
      url: this.pageUrl(),
      id: this.options.id,
      lang: this.lang || this.guessedLang,
      sort: this.sort,
    })}`;
  }

  async load() {
    guessLanguage(this);
    try {
      // Reading does not wait on a refused sign-in: its sentence goes near the form.
      const sso = this.options.sso
        ? signInWithSso(this, this.options.sso).catch((error) => {
            this.ssoError = this.messageOf(error);
          })
        : null;
      let answer;
      try {
        answer = await this.api.get(this.threadPath());
      } catch (error) {
        if (refused(error)) {
          signOutLocally(this);
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
      this.show(answer);
      if (this.ssoError) this.showStatus(this.ssoError, true);
      openPermalink(this);
    } catch (error) {
      this.failed(error);
    }
  }

  async reload() {
    this.setState("loading");
    try {
      const answer = await this.api.get(this.threadPath());
      if (!this.destroyed) this.show(answer);
    } catch (error) {
      if (refused(error)) {
        signOutLocally(this);
        return this.reload();
      }
      this.failed(error);
    }
  }

  show(answer) {
    this.answer = answer;
    settleLanguage(this);
    this.render();
    if (!this.rendered) {
      this.rendered = true;
      performance.mark("parley:render");
    }
    this.setState("ready");
    this.follow(answer.live);
    fetchHeld(this);
    askAgainForTranslations(this);
  }

  // Live updates of the thread (null: none, while the page has no thread).
  follow(live) {
    if (this.updates) this.updates.stop();
    this.updates = live ? new Live(this, live) : null;
    if (this.updates) this.updates.start();
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
    const controls = h("div", { class: "controls" }, count > 1 ? sortControl(this) : null, languageControl(this));
    const children = [h("header", { class: "head" }, this.heading, controls), viewerBar(this)];
    if (!thread || thread.is_open) {
      this.compose = composeForm(this);
      children.push(this.compose.form);
    } else {
      this.compose = null;
      children.push(h("p", { class: "message", text: t("closed") }));
    }
    this.emptyNote = h("p", { class: "empty", text: t("empty") });
    this.more = h("p", { class: "more" });
    children.push(this.emptyNote, this.list, this.more, this.live, this.quoting.makeButton());
    this.frame.replaceChildren(...children);
    this.frame.setAttribute("lang", t.code);
    this.frame.setAttribute("aria-labelledby", "parley-heading");
    this.frame.removeAttribute("aria-label");
    if (page) addPage(this, page);
    this.updateEmpty();
  }

  nodeOf(id) {
    return this.list.querySelector(`#parley-comment-${id}`);
  }

  updateEmpty() {
    this.emptyNote.hidden = this.list.children.length > 0;
  }

  countChanged(by) {
    const thread = this.answer.thread;
    if (!thread || !by) return;
    thread.comment_count = Math.max(0, thread.comment_count + by);
    this.heading.textContent = this.t("count", { n: thread.comment_count });
  }

  // Puts a comment in the page or updates it in place: the page's answers, the reader's
  // own posts and, later, live events all come through here.
  apply(event) {
    if (event.type === "removed") {
      // Gone for readers (removed by its author or a moderator): out of the list.
      const node = this.nodeOf(event.id);
      if (node) node.remove();
      this.countChanged(-published(this.comments.get(event.id)));
      this.comments.delete(event.id);
      this.updateEmpty();
      return;
    }
    if (event.type === "deleted") {
      const known = this.comments.get(event.id);
      if (known) this.apply({ type: "comment", comment: { ...known, status: "deleted" } });
      return;
    }
    if (event.type !== "comment") return;
    const comment = event.comment;
    const existing = this.nodeOf(comment.id);
    // The heading's count follows each comment's status, whichever comes first of the
    // reader's own answer and a live event; a page's comments are counted in it already.
    if (!event.append) this.countChanged(published(comment) - published(this.comments.get(comment.id)));
    this.comments.set(comment.id, comment);
    const node = commentNode(this, comment);
    if (existing) {
      existing.replaceWith(node);
    } else if (event.append || !comment.parent_id) {
      if (!event.append && this.sort === "newest") this.list.prepend(node);
      else this.list.append(node);
    } else {
      // After the parent's last reply: the list is in reading order, replies below.
      const parentNode = this.nodeOf(comment.parent_id);
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
}
