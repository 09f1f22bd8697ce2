// embed.js: every <div data-parley-thread> on the page gets its discussion. One global,
// window.Parley = {mount, destroy, update, version}, for pages that change without a reload.
import { Widget } from "./widget.js";

/* global PARLEY_VERSION */
const script = document.currentScript || document.querySelector('script[src*="/embed.js"]');
const ORIGIN = new URL(script ? script.src : window.location.href).origin;
const mounted = new WeakMap();

function fromAttributes(el) {
  const data = el.dataset;
  return {
    url: data.parleyUrl,
    id: data.parleyId,
    title: data.parleyTitle,
    theme: data.parleyTheme,
    lang: data.parleyLang,
    lazy: data.parleyLazy,
    sso: data.parleySso,
    sort: data.parleySort,
  };
}

function clean(options) {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined && value !== null));
}

function mount(el, options = {}) {
  if (!(el instanceof Element)) throw new TypeError("Parley.mount needs an element.");
  if (mounted.has(el)) return mounted.get(el);
  const widget = new Widget(el, { ...clean(fromAttributes(el)), ...clean(options) }, ORIGIN);
  mounted.set(el, widget);
  widget.start();
  return widget;
}

function destroy(el) {
  const widget = mounted.get(el);
  if (!widget) return;
  widget.destroy();
  mounted.delete(el);
}

function update(el, options = {}) {
  const widget = mounted.get(el);
  const merged = { ...(widget ? widget.options : fromAttributes(el)), ...clean(options), lazy: false };
  destroy(el);
  return mount(el, merged);
}

function mountAll() {
  for (const el of document.querySelectorAll("[data-parley-thread]")) mount(el);
}

if (!window.Parley) {
  window.Parley = { mount, destroy, update, version: PARLEY_VERSION };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
}
