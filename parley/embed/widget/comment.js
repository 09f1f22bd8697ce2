// One comment as a list item: who wrote it and when, its state, its words, its actions.
import { actions } from "./actions.js";
import { h } from "./dom.js";
import { authorName } from "./i18n.js";
import { bodyNodes, locale } from "./languages.js";
import { mineOf } from "./session.js";

const MAX_INDENT = 4; // deeper replies stay at this indent and say whom they answer

export function commentNode(widget, comment) {
  const { t } = widget;
  const mine = mineOf(widget, comment.id);
  const deleted = comment.status === "deleted";
  const depth = Math.min(comment.depth || 0, MAX_INDENT);
  const li = h("li", {
    class: `comment d${depth}${comment.status === "pending" ? " awaiting" : ""}`,
    id: `parley-comment-${comment.id}`,
    "data-id": comment.id,
    "aria-labelledby": `parley-by-${comment.id}`,
  });
  const meta = h("div", { class: "meta" });
  const name = deleted ? t("deletedName") : authorName(t, comment);
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
      h("time", { datetime: comment.created_at, text: new Intl.DateTimeFormat(locale(t), { dateStyle: "medium", timeStyle: "short" }).format(when) }),
    ),
  );
  if (comment.edited_at && !deleted) meta.append(h("span", { class: "edited", text: t("edited") }));
  if (comment.status === "pending") meta.append(h("span", { class: "badge awaiting", text: t("awaiting") }));
  const parent = comment.parent_id && widget.comments.get(comment.parent_id);
  if (comment.depth >= 3 && parent) {
    meta.append(h("span", { class: `to${comment.depth <= MAX_INDENT ? " soft" : ""}`, text: t("inReplyTo", { name: authorName(t, parent) }) }));
  }
  li.append(meta);
  if (deleted) {
    li.append(h("p", { class: "body deleted", text: t("deletedComment") }));
    return li;
  }
  if (comment.status === "pending") {
    li.append(h("p", { class: "held", role: "status", text: comment.notice || t("awaitingNote") }));
  }
  li.append(...bodyNodes(widget, comment), actions(widget, comment, mine));
  return li;
}
