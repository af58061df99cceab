// api.js — the page's only door to the server: fetch wrappers for /api/v1 and a JSON Lines
// stream reader for POST /runs (each recorded step arrives as soon as the engine computes it).

// Splits a byte/text stream into JSON values, one per line. Chunks can end anywhere — mid-line,
// mid-number, even mid-UTF-8 character — so the unfinished tail is kept for the next chunk.
export class JsonLinesParser {
  constructor() {
    this.buffer = "";
    this.decoder = new TextDecoder("utf-8");
    this.lineNo = 0;
  }

  // Feed a chunk (Uint8Array or string); returns the values of every line it completed.
  push(chunk) {
    this.buffer += typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    const out = [];
    let nl;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.parseLine(line, out);
    }
    return out;
  }

  // End of stream: a last line without a trailing newline still counts.
  end() {
    this.buffer += this.decoder.decode();
    const out = [];
    const rest = this.buffer;
    this.buffer = "";
    this.parseLine(rest, out);
    return out;
  }

  parseLine(line, out) {
    this.lineNo += 1;
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.trim() === "") return;
    try {
      out.push(JSON.parse(text));
    } catch (e) {
      throw new Error(`bad JSON on line ${this.lineNo} of the stream: ${e.message}`);
    }
  }
}

// The message to show for a 4xx/5xx body: FastAPI's {"detail": "…"} or {"detail": [{loc, msg}]}.
export function errorMessage(body, status) {
  const detail = body && typeof body === "object" ? body.detail : undefined;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail
      .map((d) => {
        if (!d || typeof d !== "object") return String(d);
        // The server names the field ("runs[0].optimizer.lr"); FastAPI's own errors give `loc`,
        // whose "body" prefix means nothing to the user.
        const loc = typeof d.field === "string" ? d.field : Array.isArray(d.loc) ? d.loc.filter((p) => p !== "body").join(".") : "";
        return loc && d.msg ? `${loc}: ${d.msg}` : String(d.msg ?? JSON.stringify(d));
      })
      .join("; ");
  }
  return `the server answered HTTP ${status}`;
}

export class ApiError extends Error {
  constructor(status, body, retryAfter = null) {
    super(errorMessage(body, status));
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter; // seconds, from a 429's Retry-After
    const detail = body?.detail;
    // The bare messages and their fields, for errors shown next to the input they concern.
    this.messages = Array.isArray(detail) ? detail.map((d) => String(d?.msg ?? d)) : [this.message];
    this.fields = Array.isArray(detail) ? detail.map((d) => d?.field ?? (Array.isArray(d?.loc) ? d.loc.filter((p) => p !== "body").join(".") : "")) : [];
  }
}

async function failure(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (a proxy's HTML error page): the status alone will have to do
  }
  return new ApiError(res.status, body, res.headers?.get?.("Retry-After") ?? null);
}

export function createApi(base = "/api/v1", fetchImpl = (...a) => globalThis.fetch(...a)) {
  const url = (path) => `${base.replace(/\/$/, "")}${path}`;

  async function getJSON(path, { signal, query } = {}) {
    const qs = query ? new URLSearchParams(query).toString() : "";
    const res = await fetchImpl(url(qs ? `${path}?${qs}` : path), { headers: { Accept: "application/json" }, signal });
    if (!res.ok) throw await failure(res);
    return res.json();
  }

  async function postJSON(path, body, { signal } = {}) {
    const res = await fetchImpl(url(path), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok) throw await failure(res);
    return res.json();
  }

  // POST /runs as JSON Lines; calls onMessage for each {"type": "step"|"done"} object as it arrives.
  async function streamRuns(body, { signal, onMessage }) {
    const res = await fetchImpl(url("/runs"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/jsonl" },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok) throw await failure(res);
    const parser = new JsonLinesParser();
    if (!res.body || !res.body.getReader) {
      // No streaming body (old engines, test doubles): parse it whole.
      for (const msg of [...parser.push(await res.text()), ...parser.end()]) onMessage(msg);
      return;
    }
    const reader = res.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const msg of parser.push(value)) onMessage(msg);
    }
    for (const msg of parser.end()) onMessage(msg);
  }

  return {
    url,
    health: (o) => getJSON("/health", o),
    limits: (o) => getJSON("/limits", o),
    objectives: (o) => getJSON("/objectives", o),
    // One objective as built with these options (or a custom expression): formula, minima, lrs.
    objective: (id, options, o) => getJSON(`/objectives/${encodeURIComponent(id)}`, { ...o, query: options }),
    optimizers: (o) => getJSON("/optimizers", o),
    surface: (body, o) => postJSON("/surface", body, o),
    runs: (body, o) => postJSON("/runs", body, o),
    tune: (body, o) => postJSON("/tune", body, o),
    predict: (body, o) => postJSON("/predict", body, o),
    streamRuns,
  };
}

// The server's settings for the page (API prefix, version), written into its #config script.
export function readConfig() {
  try {
    return JSON.parse(document.getElementById("config")?.textContent || "{}") ?? {};
  } catch {
    return {};
  }
}
