// Comments beyond the thread's first page: "Load more comments", a permalinked comment
// (#parley-comment-N) loaded, scrolled to and marked, and the reader's own held comments.
import { ApiError } from "./api.js";
import { h } from "./dom.js";
import { authHeaders } from "./session.js";

const HELD_LOOKUPS = 5; // the reader's own comments fetched after a reload, at most
const PERMALINK = /^#parley-comment-(\d+)$/;
const PERMALINK_PAGES = 10; // pages loaded to reach a permalinked comment

export function permalinked() {
  return PERMALINK.test(window.location.hash);
}

export function addPage(widget, page) {
  for (const comment of page.comments) widget.apply({ type: "comment", comment, append: true });
  widget.more.replaceChildren();
  widget.nextPath = page.next;
  if (page.next) {
    widget.more.append(
      h("button", { type: "button", class: "secondary", text: widget.t("loadMore"), onclick: () => loadMore(widget) }),
    );
  }
}

async function loadMore(widget) {
  const button = widget.more.querySelector("button");
  if (button) button.disabled = true;
  try {
    const next = widget.nextPath;
    const path = next.startsWith("http") ? new URL(next).pathname + new URL(next).search : next;
    addPage(widget, await widget.api.get(path));
    return true;
  } catch (error) {
    if (button) button.disabled = false;
    widget.showStatus(widget.messageOf(error), true);
    return false;
  }
}

export async function openPermalink(widget) {
  const match = PERMALINK.exec(window.location.hash);
  if (!match || !widget.list) return;
  const id = Number(match[1]);
  for (let pages = 0; !widget.comments.has(id) && widget.nextPath && pages < PERMALINK_PAGES; pages++) {
    if (!(await loadMore(widget))) break;
  }
  const node = widget.nodeOf(id);
  if (!node) {
    widget.say(widget.t("notFound"));
    return;
  }
  for (const old of widget.list.querySelectorAll(".target")) old.classList.remove("target");
  node.classList.add("target");
  node.scrollIntoView({ block: "start" });
  const link = node.querySelector("a.when");
  if (link) link.focus({ preventScroll: true });
}

// The reader's own comments not in the page (held for review): at most HELD_LOOKUPS.
export async function fetchHeld(widget) {
  const thread = widget.answer.thread;
  if (!thread) return;
  const edits = Object.entries(widget.store.edits())
    .filter(([id]) => !widget.comments.has(Number(id)))
    .sort((a, b) => b[1].at - a[1].at)
    .slice(0, HELD_LOOKUPS);
  for (const [id, entry] of edits) {
    try {
      const comment = await widget.api.get(`/api/v1/comments/${id}`, { headers: authHeaders(entry) });
      if (comment.thread_id === thread.thread_id && comment.status === "pending") {
        widget.apply({ type: "comment", comment });
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) widget.store.removeEdit(id);
    }
  }
}
