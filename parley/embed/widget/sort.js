// The order comments are read in, and the control that changes it.
import { h } from "./dom.js";

const SORTS = ["oldest", "newest", "replies", "best"];
const SORT_LABELS = { oldest: "sortOldest", newest: "sortNewest", replies: "sortReplies", best: "sortBest" };

export function sortOf(options) {
  return SORTS.includes(options.sort) ? options.sort : "oldest";
}

export function sortControl(widget) {
  const { t } = widget;
  return h(
    "label",
    {},
    t("sort"),
    h(
      "select",
      {
        value: widget.sort,
        onchange: (e) => {
          widget.sort = e.target.value;
          widget.reload();
        },
      },
      SORTS.map((s) => h("option", { value: s, text: t(SORT_LABELS[s]) })),
    ),
  );
}
