// Building the widget's elements. Text always goes in as text (textContent); the only HTML
// set is the server's sanitized comment HTML (see setBody).

export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "value") continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  if ("value" in props && props.value !== undefined) node.value = props.value;
  return node;
}

const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i;

// Sets a comment's server-rendered HTML (sanitized by Parley) and points its relative links
// at Parley's origin; a link to a comment shown on this page goes to it here instead.
export function setBody(node, html, origin, local) {
  node.innerHTML = html;
  for (const [selector, attribute] of [["a[href]", "href"], ["img[src]", "src"]]) {
    for (const element of node.querySelectorAll(selector)) {
      const value = element.getAttribute(attribute);
      if (attribute === "href") {
        const match = /^\/c\/(\d+)\/?(?:#.*)?$/.exec(value);
        if (match && local(match[1])) {
          element.setAttribute("href", `#parley-comment-${match[1]}`);
          continue;
        }
        if (!value.startsWith("#")) {
          element.setAttribute("target", "_blank");
          element.setAttribute("rel", "noopener nofollow ugc");
        }
      }
      if (!ABSOLUTE.test(value)) element.setAttribute(attribute, new URL(value, origin).href);
    }
  }
}
