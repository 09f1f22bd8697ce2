// What the widget keeps in the host page's localStorage, per Parley origin:
//   parley:<origin>:session  {token, name, kind, expires_at, sso_id?}
//   parley:<origin>:edits    {<comment id>: {token, at}}  (guests' edit tokens; accounts' ids)

const KEEP_EDITS_MS = 30 * 24 * 3600 * 1000;

function read(key) {
  try {
    return JSON.parse(window.localStorage.getItem(key) || "null");
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage refused (private mode, quota): the widget works for this visit only.
  }
}

export function store(origin) {
  const sessionKey = `parley:${origin}:session`;
  const editsKey = `parley:${origin}:edits`;
  return {
    session() {
      const session = read(sessionKey);
      if (!session || !session.token) return null;
      if (session.expires_at && Date.parse(session.expires_at) <= Date.now()) {
        write(sessionKey, null);
        return null;
      }
      return session;
    },
    setSession(session) {
      write(sessionKey, session);
    },
    edits() {
      const edits = read(editsKey) || {};
      const now = Date.now();
      for (const [id, entry] of Object.entries(edits)) {
        if (!entry || now - (entry.at || 0) > KEEP_EDITS_MS) delete edits[id];
      }
      return edits;
    },
    addEdit(id, token) {
      const edits = this.edits();
      edits[id] = { token: token || null, at: Date.now() };
      write(editsKey, edits);
    },
    removeEdit(id) {
      const edits = this.edits();
      delete edits[id];
      write(editsKey, edits);
    },
  };
}
