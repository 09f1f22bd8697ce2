// count.js: every [data-parley-count] element (its value a page's address, else its own
// href without the fragment) shows that page's comment count, 50 pages a request.
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
  const byAddress = new Map();
  for (const el of document.querySelectorAll("[data-parley-count]")) {
    const address = addressOf(el);
    if (!address) continue;
    if (!byAddress.has(address)) byAddress.set(address, []);
    byAddress.get(address).push(el);
  }
  const addresses = [...byAddress.keys()];
  for (let start = 0; start < addresses.length; start += PER_REQUEST) {
    const search = new URLSearchParams();
    for (const address of addresses.slice(start, start + PER_REQUEST)) search.append("url", address);
    try {
      const response = await fetch(`${ORIGIN}/api/v1/embed/counts?${search}`, { credentials: "omit", mode: "cors" });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.message);
      for (const [address, n] of Object.entries(answer.counts)) {
        for (const el of byAddress.get(address) || []) el.textContent = words(n);
      }
    } catch (error) {
      console.error("Parley: the comment counts could not be loaded.", error);
    }
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", count);
else count();
