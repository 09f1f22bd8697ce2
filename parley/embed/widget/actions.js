// A comment's actions: reply, quote, "Useful", flag, and, for the reader's own comment while
// it may be changed, edit and delete, each with its small form.
import { replyTo } from "./compose.js";
import { h } from "./dom.js";
import { quoteComment } from "./quote.js";
import { authHeaders, canEdit, mineOf } from "./session.js";

function link(text, onclick) {
  return h("button", { type: "button", class: "link", text, onclick });
}

function cancelButton(t, onclick) {
  return h("button", { type: "button", class: "secondary", text: t("cancel"), onclick });
}

export function actions(widget, comment, mine) {
  const { t } = widget;
  const bar = h("div", { class: "actions" });
  const editable = canEdit(widget, comment, mine);
  if (comment.status === "published") {
    if (widget.compose) {
      bar.append(link(t("reply"), () => replyTo(widget, comment)), link(t("quote"), () => quoteComment(widget, comment)));
    }
    const vote = h(
      "button",
      {
        type: "button",
        class: "vote",
        "aria-pressed": String(comment.my_vote === 1),
        "aria-label": `${t("useful")}: ${t("usefulCount", { n: comment.up_count })}`,
        onclick: () => voteFor(widget, comment, vote),
      },
      h("span", { "aria-hidden": "true", text: "▲" }),
      h("span", { text: `${t("useful")} · ${comment.up_count}` }),
    );
    bar.append(vote);
    if (widget.answer.flag_reasons && widget.answer.flag_reasons.length) {
      bar.append(link(t("flag"), (e) => flagForm(widget, comment, e.target)));
    }
  }
  if (editable) {
    bar.append(
      link(t("edit"), () => editForm(widget, comment, mine)),
      link(t("delete"), (e) => confirmDelete(widget, comment, mine, e.target)),
    );
  }
  return bar;
}

async function voteFor(widget, comment, button) {
  const { t } = widget;
  const pressed = button.getAttribute("aria-pressed") === "true";
  button.disabled = true;
  try {
    const headers = authHeaders(mineOf(widget, comment.id));
    const answer = await widget.api.post(`/api/v1/comments/${comment.id}/vote`, { value: pressed ? 0 : 1 }, { headers });
    comment.up_count = answer.up_count;
    comment.my_vote = answer.my_vote;
    button.setAttribute("aria-pressed", String(answer.my_vote === 1));
    button.lastChild.textContent = `${t("useful")} · ${answer.up_count}`;
    button.setAttribute("aria-label", `${t("useful")}: ${t("usefulCount", { n: answer.up_count })}`);
    if (answer.my_vote === 1) widget.say(t("voteCounted"));
  } catch (error) {
    const bar = button.closest(".actions");
    let status = bar.querySelector(".status");
    if (!status) bar.append((status = h("span", { class: "status", role: "alert" })));
    widget.showStatus(widget.messageOf(error), true, status);
  } finally {
    button.disabled = false;
  }
}

async function editForm(widget, comment, mine) {
  const { t } = widget;
  const headers = authHeaders(mine);
  const node = widget.nodeOf(comment.id);
  let detail;
  try {
    detail = await widget.api.get(`/api/v1/comments/${comment.id}`, { headers });
  } catch (error) {
    widget.showStatus(widget.messageOf(error), true);
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
          const saved = await widget.api.patch(`/api/v1/comments/${comment.id}`, { body: field.value }, { headers });
          widget.apply({ type: "comment", comment: { ...comment, ...saved, translation: null } });
          widget.say(t("saved"));
        } catch (error) {
          widget.showStatus(widget.messageOf(error), true, status);
        }
      },
    },
    h("h3", { text: t("editTitle") }),
    h("label", { class: "field", for: field.id }, t("body"), field),
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "submit", class: "primary", text: t("save") }),
      cancelButton(t, () => widget.apply({ type: "comment", comment })),
      status,
    ),
  );
  for (const child of node.querySelectorAll(".body, .note, .actions")) child.remove();
  node.append(form);
  field.focus();
}

function confirmDelete(widget, comment, mine, button) {
  const { t } = widget;
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
            await widget.api.delete(`/api/v1/comments/${comment.id}`, { headers: authHeaders(mine) });
            widget.store.removeEdit(comment.id);
            widget.apply({ type: comment.reply_count > 0 ? "deleted" : "removed", id: comment.id });
            widget.say(t("deleted"));
          } catch (error) {
            widget.showStatus(widget.messageOf(error), true, status);
          }
        },
      }),
      cancelButton(t, () => box.remove()),
      status,
    ),
  );
  bar.after(box);
  box.querySelector("button").focus();
}

function flagForm(widget, comment, button) {
  const { t } = widget;
  const bar = button.closest(".actions");
  if (bar.nextElementSibling && bar.nextElementSibling.matches("form.flag")) {
    bar.nextElementSibling.remove();
    return;
  }
  const id = `parley-flag-${comment.id}`;
  const reason = h(
    "select",
    { id: `${id}-reason`, name: "reason" },
    widget.answer.flag_reasons.map((r) => h("option", { value: r.value, text: r.label })),
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
          const answer = await widget.api.post(`/api/v1/comments/${comment.id}/flags`, { reason: reason.value, text: text.value });
          form.replaceChildren(h("p", { class: "status ok", role: "status", text: answer.message }));
        } catch (error) {
          send.disabled = false;
          widget.showStatus(widget.messageOf(error), true, status);
        }
      },
    },
    h("p", { text: t("flagTitle") }),
    h("label", { class: "field", for: reason.id }, t("flagReason"), reason),
    h("label", { class: "field", for: text.id }, h("span", {}, t("flagText"), " ", h("span", { class: "hint", text: t("optional").replace(/,.*\)/, ")") })), text),
    h("div", { class: "form-actions" }, send, cancelButton(t, () => form.remove()), status),
  );
  bar.after(form);
  reason.focus();
}
