// The form for a new comment or a reply: a guest gives a name (and an e-mail, optionally);
// posting makes the page's thread first when it has none yet.
import { ApiError } from "./api.js";
import { h } from "./dom.js";
import { authorName } from "./i18n.js";
import { liveOf } from "./live.js";
import { refused, signOutLocally, viewerOf } from "./session.js";

// The form's parts, kept as widget.compose while the thread is open.
export function composeForm(widget) {
  const { t } = widget;
  const uid = Math.random().toString(36).slice(2, 8);
  const compose = { parentId: null, name: null, email: null };
  compose.body = h("textarea", {
    id: `parley-body-${uid}`,
    name: "body",
    required: true,
    rows: 5,
    "aria-describedby": `parley-body-${uid}-hint`,
  });
  const fields = [];
  if (!viewerOf(widget)) {
    compose.name = h("input", { id: `parley-name-${uid}`, name: "name", autocomplete: "name", required: true });
    compose.email = h("input", { id: `parley-email-${uid}`, name: "email", type: "email", autocomplete: "email" });
    fields.push(
      h(
        "div",
        { class: "fields" },
        h("label", { class: "field", for: compose.name.id }, t("name"), compose.name),
        h("label", { class: "field", for: compose.email.id }, h("span", {}, t("email"), " ", h("span", { class: "hint", text: t("optional") })), compose.email),
      ),
    );
  }
  compose.replying = h("p", { class: "replying", hidden: true });
  compose.submit = h("button", { type: "submit", class: "primary", text: t("post") });
  compose.status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  compose.form = h(
    "form",
    { class: "compose", novalidate: true, onsubmit: (e) => post(widget, e) },
    h("h3", { text: t("writeTitle") }),
    compose.replying,
    h(
      "div",
      { class: "field" },
      h("label", { for: compose.body.id, text: t("body") }),
      h("span", { class: "hint", id: `${compose.body.id}-hint`, text: t("bodyHint") }),
      compose.body,
    ),
    fields,
    h("div", { class: "form-actions" }, compose.submit, compose.status),
  );
  return compose;
}

// The form moves under the comment answered, and says whom the reply is to.
export function replyTo(widget, comment) {
  const { t, compose } = widget;
  compose.parentId = comment.id;
  compose.replying.replaceChildren(
    h("span", { text: t("replyingTo", { name: authorName(t, comment) }) }),
    h("button", { type: "button", class: "link", text: t("cancelReply"), onclick: () => cancelReply(widget) }),
  );
  compose.replying.hidden = false;
  widget.nodeOf(comment.id).append(compose.form);
  compose.body.focus();
}

function cancelReply(widget) {
  const { compose } = widget;
  compose.parentId = null;
  compose.replying.hidden = true;
  widget.emptyNote.before(compose.form);
}

async function ensureThread(widget) {
  const { answer, options } = widget;
  if (answer.thread) return answer.thread;
  answer.thread = await widget.api.post("/api/v1/embed/thread", {
    url: widget.pageUrl(),
    title: options.title || document.title,
    id: options.id || "",
  });
  if (!widget.updates) widget.follow(liveOf(widget.origin, answer.thread.thread_id));
  return answer.thread;
}

async function post(widget, event) {
  event.preventDefault();
  const { t, compose } = widget;
  compose.submit.disabled = true;
  compose.submit.textContent = t("posting");
  compose.status.textContent = "";
  for (const field of [compose.body, compose.name]) if (field) field.removeAttribute("aria-invalid");
  try {
    const thread = await ensureThread(widget);
    const payload = { body: compose.body.value, parent_id: compose.parentId };
    if (compose.name) {
      payload.name = compose.name.value;
      payload.email = compose.email.value;
    }
    const posted = await widget.api.post(`/api/v1/threads/${thread.thread_id}/comments`, payload, { idempotent: true });
    widget.store.addEdit(posted.id, posted.edit_token);
    compose.body.value = "";
    if (compose.parentId) cancelReply(widget);
    widget.apply({ type: "comment", comment: posted });
    widget.showStatus(posted.status === "pending" ? posted.notice || t("awaitingNote") : t("posted"));
  } catch (error) {
    if (refused(error)) {
      signOutLocally(widget);
      await widget.reload();
      widget.showStatus(error.message, true);
      return;
    }
    if (error instanceof ApiError && error.field) {
      const field = { body: compose.body, name: compose.name }[error.field];
      if (field) field.setAttribute("aria-invalid", "true");
    }
    widget.showStatus(widget.messageOf(error), true);
  } finally {
    compose.submit.disabled = false;
    compose.submit.textContent = t("post");
  }
}
