// Reading languages: the language chosen or guessed, the language control, a comment's
// translation with "Show original", and asking again for translations still being made.
import { h, setBody } from "./dom.js";
import { catalogFor } from "./i18n.js";

const PENDING_DELAYS = [1500, 3000, 6000, 12000, 24000]; // re-asking for translations

// The browser's language, tried once when the page names none.
export function guessLanguage(widget) {
  if (widget.guessedLang === undefined) {
    widget.guessedLang = widget.lang ? "" : (navigator.language || "").split("-")[0];
  }
}

// After the thread's answer: the guess is kept when the server offers it; then the catalog.
export function settleLanguage(widget) {
  const { answer } = widget;
  if (!widget.lang && widget.guessedLang && answer.languages.some((l) => l.code === widget.guessedLang)) {
    widget.lang = widget.guessedLang;
  }
  widget.t = catalogFor(widget.lang || answer.site.language || navigator.language);
}

export function languageControl(widget) {
  const { t, answer } = widget;
  if (!answer.languages || answer.languages.length < 2) return null;
  return h(
    "label",
    {},
    t("language"),
    h(
      "select",
      {
        class: "language",
        value: widget.lang || answer.site.language || "",
        onchange: (e) => {
          widget.lang = e.target.value;
          widget.reload();
        },
      },
      answer.languages.map((l) => h("option", { value: l.code, text: l.name })),
    ),
  );
}

// The reader's own variant of the catalog's language (en-GB dates for en-GB readers).
export function locale(t) {
  const browser = navigator.language || "";
  return browser.toLowerCase().startsWith(t.code) ? browser : t.code;
}

function languageName(t, languages, code) {
  const offered = (languages || []).find((l) => l.code === code);
  try {
    const name = new Intl.DisplayNames([t.code], { type: "language" }).of(code);
    if (name && name !== code) return name;
  } catch {
    // an unknown code: its offered name, else the code
  }
  return offered ? offered.name : code;
}

// A comment's words: the original, and its translation when there is one.
export function bodyNodes(widget, comment) {
  const { t } = widget;
  const local = (id) => widget.comments.has(Number(id));
  const original = h("div", { class: "body original", "data-comment": comment.id });
  setBody(original, comment.body_html, widget.origin, local);
  const tr = comment.translation;
  const from = languageName(t, widget.answer.languages, comment.language);
  if (!tr) return [original];
  if (tr.state === "translated") {
    const translated = h("div", { class: "body translated", lang: tr.language });
    setBody(translated, tr.html, widget.origin, local);
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

// Translations still being made are asked for again, at growing intervals; a new render
// (another language or order) starts its own round.
export function askAgainForTranslations(widget, attempt = 0, generation = widget.generation) {
  if (!widget.lang || attempt >= PENDING_DELAYS.length || generation !== widget.generation) return;
  const pending = [...widget.comments.values()].some((c) => c.translation && c.translation.state === "pending");
  if (!pending) return;
  widget.later(PENDING_DELAYS[attempt], async () => {
    if (generation !== widget.generation) return;
    try {
      const page = await widget.api.get(widget.commentsPath(0, Math.max(widget.comments.size, 1)));
      for (const comment of page.comments) {
        const known = widget.comments.get(comment.id);
        if (known && JSON.stringify(known.translation) !== JSON.stringify(comment.translation)) {
          widget.apply({ type: "comment", comment });
        }
      }
    } catch {
      // asked again next time
    }
    askAgainForTranslations(widget, attempt + 1, generation);
  });
}
