// Live updates: the thread's server-sent events (answer.live.stream), else its polling
// fallback (answer.live.poll), as Parley's own thread page follows them. Events name the
// comments that changed; the changed comments are read in one request per burst (one comment:
// GET /api/v1/comments/{id}; more, or a reader who reads translations: the thread's first
// page, in the reader's language) and go through widget.apply.
// No cookies either way: both are read with credentials omitted.
import { ApiError } from "./api.js";

const KINDS = ["posted", "edited", "removed", "translated", "thread", "reload"];
const BURST_MS = 100; // events arriving this close together are read in one request
const POLL_MS = 5000; // the fallback's pace, backing off to MAX_DELAY_MS while it fails
const MAX_DELAY_MS = 30000;
const STREAM_FAILURES = 3; // failures in a row of a stream that had opened, before polling
const PAGE_LIMIT = 100; // the most comments one page read may ask for

// Reconnecting after a failure: 1 s doubling to 30 s, ±30%.
function backoff(failures) {
  const base = Math.min(1000 * 2 ** Math.max(0, failures - 1), MAX_DELAY_MS);
  return Math.round(base * (0.7 + Math.random() * 0.6));
}

// The live addresses of a thread the widget has just opened (its answer had none): the same
// as the thread answer's `live`, from the thread's first version.
export function liveOf(origin, threadId) {
  return { stream: `${origin}/live/threads/${threadId}/`, poll: `${origin}/threads/${threadId}/events/`, after: 0 };
}

export class Live {
  constructor(widget, live) {
    this.widget = widget;
    this.stream = live.stream;
    this.poll = live.poll;
    this.seen = live.after;
    this.source = null;
    this.timer = null;
    this.failures = 0;
    this.stopped = false;
    this.pending = []; // events not read yet
    this.reading = null; // the burst being read
  }

  start() {
    if (typeof EventSource === "function") this.open();
    else this.startPolling();
  }

  stop() {
    this.stopped = true;
    this.widget.el.removeAttribute("data-parley-live");
    this.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  later(delay, work) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) work();
    }, delay);
  }

  // -- the stream

  open() {
    const url = `${this.stream}?last_event_id=${encodeURIComponent(this.seen)}`;
    const source = new EventSource(url, { withCredentials: false });
    let opened = false;
    source.onopen = () => {
      opened = true;
      this.failures = 0;
      this.widget.el.setAttribute("data-parley-live", "stream");
    };
    for (const kind of KINDS) {
      source.addEventListener(kind, (message) => {
        let data;
        try {
          data = JSON.parse(message.data);
        } catch {
          return;
        }
        this.received(kind, data);
      });
    }
    source.onerror = () => {
      this.close();
      if (this.stopped) return;
      this.failures += 1;
      // A stream that never opened is blocked on the way (or not served): poll instead.
      if (!opened || this.failures >= STREAM_FAILURES) this.startPolling();
      else this.later(backoff(this.failures), () => this.open());
    };
    this.source = source;
  }

  close() {
    if (this.source) this.source.close();
    this.source = null;
  }

  // -- the fallback

  startPolling() {
    this.close();
    this.widget.el.setAttribute("data-parley-live", "poll");
    this.pollDelay = POLL_MS;
    this.later(0, () => this.pollOnce());
  }

  async pollOnce() {
    try {
      const response = await fetch(`${this.poll}?after=${encodeURIComponent(this.seen)}`, {
        credentials: "omit",
        mode: "cors",
      });
      if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
      const answer = await response.json();
      if (this.stopped) return;
      if (answer.reload) this.received("reload", { version: answer.version });
      else for (const event of answer.events || []) this.received(event.kind, event);
      this.pollDelay = POLL_MS;
    } catch {
      this.pollDelay = Math.min(this.pollDelay * 2, MAX_DELAY_MS);
    }
    this.later(this.pollDelay, () => this.pollOnce());
  }

  // -- events

  received(kind, event) {
    if (this.stopped) return;
    if (kind === "reload") {
      // More was missed than is kept: read the thread again (the widget's reload starts a
      // new Live from its answer).
      this.stop();
      this.widget.reload();
      return;
    }
    if (typeof event.version !== "number" || event.version <= this.seen) return;
    this.seen = event.version;
    if (kind === "thread") {
      this.threadChanged();
      return;
    }
    this.pending.push({ kind, comments: event.comments || [] });
    if (this.pending.length === 1 && !this.reading) {
      setTimeout(() => this.readBurst(), BURST_MS);
    }
  }

  // The thread itself changed (its post edited, or the thread closed or opened): the widget
  // is read again only when it now takes comments or no longer does, so that a comment being
  // written is not lost for a change of the post's text.
  async threadChanged() {
    const widget = this.widget;
    try {
      const answer = await widget.api.get(widget.threadPath());
      if (this.stopped || !answer.thread || !widget.answer.thread) return;
      if (answer.thread.is_open !== widget.answer.thread.is_open) {
        this.stop();
        widget.show(answer);
      }
    } catch {
      // the next change, or a reload, tells
    }
  }

  async readBurst() {
    if (this.stopped || this.reading || !this.pending.length) return;
    const burst = this.pending;
    this.pending = [];
    this.reading = this.read(burst).catch(() => {
      // The comments are read again with the next burst or reload; nothing to say here.
    });
    await this.reading;
    this.reading = null;
    if (this.pending.length) this.readBurst();
  }

  async read(burst) {
    const removed = new Set();
    const changed = new Set();
    for (const { kind, comments } of burst) {
      // A translation shows only to a reader who reads in another language.
      if (kind === "translated" && !this.widget.lang) continue;
      for (const id of comments) {
        if (kind === "removed") {
          removed.add(id);
          changed.delete(id);
        } else {
          changed.add(id);
          removed.delete(id);
        }
      }
    }
    // A removed comment without replies is gone for readers (one with replies stays, as a
    // deleted comment): it needs no request. One not shown here needs nothing at all.
    for (const id of removed) {
      const known = this.widget.comments.get(id);
      if (!known || !(known.reply_count > 0)) {
        removed.delete(id);
        if (known) this.show(id, undefined, true);
      }
    }
    const ids = [...changed, ...removed];
    if (!ids.length) return;
    const found = new Map();
    // One comment's own route has no translations: a reader in another language reads the
    // page, as the widget's translations do.
    if (ids.length === 1 && !this.widget.lang) {
      try {
        const comment = await this.widget.api.get(`/api/v1/comments/${ids[0]}`);
        found.set(comment.id, comment);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
    } else {
      const limit = Math.min(PAGE_LIMIT, Math.max(this.widget.comments.size + ids.length, 50));
      const page = await this.widget.api.get(this.widget.commentsPath(0, limit));
      for (const comment of page.comments) found.set(comment.id, comment);
    }
    if (this.stopped) return;
    for (const id of ids) this.show(id, found.get(id), removed.has(id));
  }

  // One comment as read now (undefined: not found), shown, changed in place, or taken out.
  show(id, comment, wasRemoved) {
    const widget = this.widget;
    const known = widget.comments.get(id);
    const node = widget.nodeOf(id);
    if (node && node.querySelector("form")) return; // the reader is editing or replying there
    if (!comment) {
      // Gone for readers; a comment merely beyond the part read stays as it is.
      if (wasRemoved && known) widget.apply({ type: "removed", id });
      return;
    }
    widget.apply({ type: "comment", comment });
  }
}
