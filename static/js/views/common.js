// views/common.js — helpers shared by the extra views: API calls the page's api.js does not
// wrap, the "current point" of a run, number text, and SVG/canvas builders.
import { ApiError } from "../api.js";
import { formatNumber } from "../format.js";

// The server computes at most 2 × cores requests at once and refuses the rest with 429; the page
// itself may hold two (its stream and its surface), so the views send at most two at a time.
const MAX_IN_FLIGHT = 2;
let inFlight = 0;
const waiting = [];

async function slot() {
  if (inFlight < MAX_IN_FLIGHT) {
    inFlight++;
    return;
  }
  await new Promise((done) => waiting.push(done));
}

function release() {
  const next = waiting.shift();
  if (next) next();
  else inFlight--;
}

// POST JSON; a 429 (the server's compute slots are all busy, e.g. several views opened at once)
// is retried after its Retry-After, a few times, before it counts as an error.
export async function post(ctx, path, body, opts = {}) {
  await slot();
  try {
    return await send(ctx, path, body, opts);
  } finally {
    release();
  }
}

async function send(ctx, path, body, { signal, retries = 6 } = {}) {
  let res;
  for (let attempt = 0; ; attempt++) {
    res = await fetch(ctx.api.url(path), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    if (res.status !== 429 || attempt >= retries) break;
    const wait = Math.min(5, Number(res.headers.get("Retry-After")) || 0.5) * 1000 * (0.5 + Math.random() / 2);
    await new Promise((done, fail) => {
      const t = setTimeout(done, wait);
      signal?.addEventListener("abort", () => {
        clearTimeout(t);
        fail(new DOMException("aborted", "AbortError"));
      });
    });
  }
  if (!res.ok) {
    let payload = null;
    try {
      payload = await res.json();
    } catch {
      // not JSON: the status alone will do
    }
    throw new ApiError(res.status, payload);
  }
  return res.json();
}

// Number text with a real minus sign (−5.6e7), as the teaching texts print it.
export const num = (v, digits = 4) => formatNumber(v, digits).replace(/^-/, "−").replace("e-", "e−");

export const vec = (a, digits = 4) => (a.length === 1 ? num(a[0], digits) : `(${Array.from(a, (v) => num(v, digits)).join(", ")})`);

// A cheap key for "the trace changed": which TraceSet (a new one per run) and how long it is.
const traceIds = new WeakMap();
let nextTraceId = 1;
export function traceKey(t) {
  if (!t) return "none";
  if (!traceIds.has(t)) traceIds.set(t, nextTraceId++);
  return `${traceIds.get(t)}:${t.length}`;
}

// The point a run is at under the playhead (run `i`, default the first), else the start point.
export function currentPoint(ctx, i = 0) {
  const t = ctx.traces();
  const run = t?.runs[i];
  if (run && run.n) {
    const p = run.point(Math.min(ctx.cursor(), run.n - 1));
    if (p && p.every(Number.isFinite)) return p;
  }
  return ctx.start().slice();
}

// A label and its control(s) kept together when the controls wrap (phones).
export function field(label, control, ...more) {
  const wrap = document.createElement("span");
  wrap.className = "view-field";
  const tag = document.createElement("label");
  tag.htmlFor = control.id;
  tag.textContent = label;
  wrap.append(tag, control, ...more);
  return wrap;
}

const SVG = "http://www.w3.org/2000/svg";
export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Flatten nested arrays (the API sends values with their batch axis: [[200, 1.4]]).
export const flat = (v) => (v === null || v === undefined ? null : Array.isArray(v) ? v.flat(Infinity) : [v]);

// The objective's learning rate default, else the optimizer's.
export function defaultLr(ctx, optimizer) {
  const meta = ctx.meta();
  if (meta?.default_lr != null) return meta.default_lr;
  const opt = ctx.optimizers().find((o) => o.name === optimizer);
  return opt?.hyperparams.find((h) => h.name === "lr")?.default ?? 0.01;
}
