// Quoting: a comment's "Quote" action, and the "Quote" button shown over words selected in a
// comment. Both put a `:::quote comment N` block into the form.
import { h } from "./dom.js";

// The reader's selection in the shadow root, as a live range; null when nothing is selected.
function selectionOf(root) {
  return root.getSelection ? root.getSelection() : document.getSelection();
}

function selectedRange(root) {
  const selection = selectionOf(root);
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  if (root.getSelection || !selection.getComposedRanges) return selection.getRangeAt(0);
  // Browsers without ShadowRoot.getSelection: the range inside the shadow root, made live.
  let composed;
  try {
    [composed] = selection.getComposedRanges({ shadowRoots: [root] });
  } catch {
    [composed] = selection.getComposedRanges(root);
  }
  if (!composed) return null;
  const range = document.createRange();
  range.setStart(composed.startContainer, composed.startOffset);
  range.setEnd(composed.endContainer, composed.endOffset);
  return range;
}

function insertQuote(widget, commentId, text) {
  if (!widget.compose) return;
  const block = `:::quote comment ${commentId}\n${text}\n:::\n\n`;
  const field = widget.compose.body;
  const start = field.selectionStart || field.value.length;
  field.value = field.value.slice(0, start) + block + field.value.slice(start);
  field.focus();
  field.selectionStart = field.selectionEnd = start + block.length;
  widget.say(widget.t("quoted"));
}

// The comment's own words (not the quotes it holds), one line per block.
export function quoteComment(widget, comment) {
  const node = widget.nodeOf(comment.id);
  const body = node && node.querySelector(".body.original");
  if (!body) return;
  const copy = body.cloneNode(true);
  for (const quote of copy.querySelectorAll("blockquote")) quote.remove();
  const text = Array.from(copy.querySelectorAll("p, li, pre, h1, h2, h3, h4, h5, h6"))
    .map((block) => block.textContent.trim())
    .filter(Boolean)
    .join("\n");
  const words = (text || copy.textContent).trim();
  if (words) insertQuote(widget, comment.id, words);
}

// The floating button, and following the selection: it shows under words selected within
// one comment's own text.
export class SelectionQuote {
  constructor(widget) {
    this.widget = widget;
    this.pending = null;
    this.button = null;
  }

  makeButton() {
    this.pending = null;
    this.button = h("button", {
      type: "button",
      class: "quote-selection",
      hidden: true,
      text: this.widget.t("quoteSelection"),
      onmousedown: (e) => e.preventDefault(),
      onclick: () => this.quote(),
    });
    return this.button;
  }

  changed() {
    const { widget, button } = this;
    if (!button || !widget.compose) return;
    const range = selectedRange(widget.root);
    const source = (node) => {
      const element = node && (node.nodeType === 1 ? node : node.parentElement);
      return element && !element.closest("blockquote") ? element.closest(".body.original[data-comment]") : null;
    };
    const from = range && source(range.startContainer);
    const to = range && source(range.endContainer);
    const text = range ? range.toString().replace(/[ \t]*\n\s*/g, "\n").trim() : "";
    if (!from || from !== to || text.length < 2) {
      button.hidden = true;
      this.pending = null;
      return;
    }
    this.pending = { id: from.dataset.comment, text };
    const box = range.getBoundingClientRect();
    const frame = widget.frame.getBoundingClientRect();
    button.style.top = `${box.bottom - frame.top + 6}px`;
    button.style.left = `${Math.max(0, box.left - frame.left)}px`;
    button.hidden = false;
  }

  quote() {
    if (!this.pending) return;
    insertQuote(this.widget, this.pending.id, this.pending.text);
    this.button.hidden = true;
    this.pending = null;
    selectionOf(this.widget.root).removeAllRanges();
  }
}
