// The reader's catalog: Portuguese for any pt* language, English otherwise.
import en from "./locales/en.js";
import pt from "./locales/pt.js";

const CATALOGS = { en, pt };

export function catalogFor(language) {
  const code = String(language || "en").toLowerCase().startsWith("pt") ? "pt" : "en";
  const catalog = CATALOGS[code];
  const plurals = new Intl.PluralRules(code);
  const t = (key, values = {}) => {
    let text = catalog[key] ?? en[key] ?? key;
    if (typeof text === "object") {
      text = text[plurals.select(values.n ?? 0)] ?? text.other;
    }
    return text.replace(/\{(\w+)\}/g, (whole, name) =>
      name in values ? String(name === "n" ? new Intl.NumberFormat(code).format(values.n) : values[name]) : whole,
    );
  };
  t.code = code;
  return t;
}

// A comment's author as the reader sees them: their name, else "Anonymous".
export function authorName(t, comment) {
  return comment.author.name || t("anonymous");
}
