// Every request to Parley: no cookies, CORS, JSON; the reader's token when signed in.

export class ApiError extends Error {
  constructor(status, data) {
    super((data && data.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (data && data.error) || "";
    this.field = (data && data.field) || null;
  }
}

function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function client(origin, session) {
  async function call(method, path, { body, headers = {}, idempotent = false } = {}) {
    const init = { method, credentials: "omit", mode: "cors", headers: { ...headers } };
    const token = session();
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (idempotent) init.headers["Idempotency-Key"] = randomKey();
    const response = await fetch(origin + path, init);
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }
  return {
    get: (path, options) => call("GET", path, options),
    post: (path, body, options = {}) => call("POST", path, { ...options, body }),
    patch: (path, body, options = {}) => call("PATCH", path, { ...options, body }),
    delete: (path, options) => call("DELETE", path, options),
  };
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.append(key, value);
  }
  return search.toString();
}
