// views/common.js — helpers shared by the extra views: API calls the page's api.js does not
// wrap, the "current point" of a run, number text, and SVG/canvas builders.
import { ApiError } from "../api.js";
import { formatNumber } from "../format.js";

export async function post(ctx, path, body, { signal } = {}) {
  const res = await fetch(ctx.api.url(path), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
    signal,
  });
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
