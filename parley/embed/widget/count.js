// count.js: every [data-parley-count] element shows its page's comment count, 50 pages a
// request. The page is the element's data-parley-id when it has one (as the page's snippet
// names it), else its data-parley-count value (an address), else its own href without the
// fragment.
import { count as en } from "./locales/en.js";
import { count as pt } from "./locales/pt.js";

const script = document.currentScript || document.querySelector('script[src*="/count.js"]');
const ORIGIN = new URL(script ? script.src : window.location.href).origin;
const PER_REQUEST = 50;

function addressOf(el) {
  const value = el.getAttribute("data-parley-count");
  if (value) return value;
  const href = el.href || el.getAttribute("href") || "";
  return href.split("#")[0];
}

async function count() {
  const language = document.documentElement.lang || navigator.language || "en";
  const code = language.toLowerCase().startsWith("pt") ? "pt" : "en";
  const plural = new Intl.PluralRules(code);
  const number = new Intl.NumberFormat(code);
  const forms = { en, pt }[code];
  const words = (n) => (forms[plural.select(n)] || forms.other).replace("{n}", number.format(n));
  const elements = new Map(); // "url address" or "id identifier" -> its elements
  for (const el of document.querySelectorAll("[data-parley-count]")) {
    const id = el.getAttribute("data-parley-id");
    const key = id ? `id ${id}` : `url ${addressOf(el)}`;
    if (key === "url ") continue;
    if (!elements.has(key)) elements.set(key, []);
    elements.get(key).push(el);
  }
  const keys = [...elements.keys()];
  for (let start = 0; start < keys.length; start += PER_REQUEST) {
    const search = new URLSearchParams();
    for (const key of keys.slice(start, start + PER_REQUEST)) {
      const [kind, value] = [key.slice(0, key.indexOf(" ")), key.slice(key.indexOf(" ") + 1)];
      search.append(kind, value);
    }
    try {
      const response = await fetch(`${ORIGIN}/api/v1/embed/counts?${search}`, { credentials: "omit", mode: "cors" });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.message);
      const found = [
        ...Object.entries(answer.counts).map(([address, n]) => [`url ${address}`, n]),
        ...Object.entries(answer.ids || {}).map(([id, n]) => [`id ${id}`, n]),
      ];
      for (const [key, n] of found) {
        for (const el of elements.get(key) || []) el.textContent = words(n);
      }
    } catch (error) {
      console.error("Parley: the comment counts could not be loaded.", error);
    }
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", count);
else count();
