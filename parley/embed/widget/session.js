// Who the reader is: the sign-in pop-up, single sign-on, signing out, and the one rule for
// which comments are the reader's own and may still be edited.
import { ApiError } from "./api.js";
import { h } from "./dom.js";

function decodeSso(payload) {
  try {
    const part = String(payload).split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
    const text = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    return JSON.parse(text);
  } catch {
    return {};
  }
}

// The server refused the reader's token (expired or withdrawn): they are signed out.
export function refused(error) {
  return error instanceof ApiError && error.code === "token_refused";
}

export function signOutLocally(widget) {
  widget.session = null;
  widget.store.setSession(null);
}

function keep(widget, session) {
  widget.session = session;
  widget.store.setSession(session);
}

// Exchanges a site's signed payload for a token, once while its `id` stays the same.
export async function signInWithSso(widget, payload) {
  const identity = decodeSso(payload);
  const session = widget.session;
  if (session && session.kind === "sso" && identity.id && session.sso_id === String(identity.id)) return;
  const answer = await widget.api.post("/api/v1/embed/sso", { payload });
  keep(widget, {
    token: answer.token,
    name: answer.viewer.name,
    kind: "sso",
    expires_at: answer.expires_at,
    sso_id: String(identity.id),
  });
}

function openSignIn(widget) {
  const popup = window.open(widget.answer.sign_in_url, "parley-sign-in", "popup,width=480,height=640");
  if (!popup) {
    widget.showStatus(widget.t("signInBlocked"), true);
    return;
  }
  widget.popup = popup;
  window.addEventListener("message", widget.onMessage);
}

// The pop-up's message: taken only from Parley's origin and from the pop-up this widget opened.
export function signedIn(widget, event) {
  if (event.origin !== widget.origin || !widget.popup || event.source !== widget.popup) return;
  const data = event.data || {};
  if (data.type !== "parley:signed-in" || !data.token) return;
  window.removeEventListener("message", widget.onMessage);
  widget.popup = null;
  keep(widget, { token: data.token, name: data.name, kind: "account", expires_at: data.expires_at });
  widget.reload();
}

async function signOut(widget) {
  try {
    await widget.api.delete("/api/v1/embed/token");
  } catch {
    // an expired token is signed out already
  }
  signOutLocally(widget);
  await widget.reload();
  widget.say(widget.t("signedOut"));
}

// The signed-in reader, as the thread's answer says or as this browser remembers.
export function viewerOf(widget) {
  return widget.answer.viewer || (widget.session ? { name: widget.session.name, kind: widget.session.kind } : null);
}

export function viewerBar(widget) {
  const { t } = widget;
  const viewer = viewerOf(widget);
  if (viewer) {
    const bar = h("p", { class: "viewer" }, h("span", { text: t("signedInAs", { name: viewer.name }) }));
    if (viewer.kind !== "sso") {
      bar.append(h("button", { type: "button", class: "link", text: t("signOut"), onclick: () => signOut(widget) }));
    }
    return bar;
  }
  if (!widget.answer.sign_in_url) return h("p", { class: "viewer", hidden: true });
  return h(
    "p",
    { class: "viewer" },
    h("button", { type: "button", class: "secondary", text: t("signIn"), onclick: () => openSignIn(widget) }),
  );
}

// The reader's own comment: one posted from this browser, kept with a guest's edit token.
export function mineOf(widget, id) {
  return widget.store.edits()[id];
}

// A guest's comment by its edit token; an account's while signed in; within the edit window.
export function canEdit(widget, comment, mine) {
  if (!mine || comment.status === "deleted" || !(mine.token || widget.session)) return false;
  const windowMs = (widget.answer.edit_window || 0) * 1000;
  return Date.now() - Date.parse(comment.created_at) < windowMs;
}

// What proves a guest wrote the comment; an account's bearer token goes with every request.
export function authHeaders(mine) {
  return mine && mine.token ? { "X-Edit-Token": mine.token } : {};
}
