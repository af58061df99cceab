// trace.js — in-memory store of the streamed steps of every run, indexed by recorded-step index
// k (0 = the start). Pure (no DOM): the surface, charts, table and exports all read from it.
import { norm } from "./format.js";

const toNum = (v) => (v === null || v === undefined || !Number.isFinite(v) ? NaN : v);

export class RunTrace {
  constructor(dim, meta = {}) {
    this.dim = dim;
    this.meta = meta; // {label, optimizer, color, lr}
    this.n = 0; // recorded steps held
    this.params = []; // flat, dim per step; NaN where the server sent null
    this.grad = [];
    this.loss = [];
    this.gradNorm = [];
    this.state = {}; // optimizer state name → flat, dim per step (exp_avg, momentum_buffer, …)
    this.statuses = []; // per recorded step: "running" | "converged" | "max_steps" | "diverged"
    this.status = "running";
    this.done = null; // the run's entry of the final {"type": "done"} message
  }

  push(entry) {
    const d = this.dim;
    const k = this.n;
    const p = entry.params ?? [];
    const g = entry.grad ?? [];
    for (let i = 0; i < d; i++) {
      this.params[k * d + i] = toNum(p[i]);
      this.grad[k * d + i] = toNum(g[i]);
    }
    this.loss[k] = toNum(entry.loss);
    this.gradNorm[k] = norm(entry.grad ? g.slice(0, d) : null);
    for (const [name, vec] of Object.entries(entry.state ?? {})) {
      // Only per-coordinate vectors can be drawn as arrows; scalars (step counts) are skipped.
      if (!Array.isArray(vec) || vec.length !== d) continue;
      const arr = (this.state[name] ??= []);
      for (let i = 0; i < d; i++) arr[k * d + i] = toNum(vec[i]);
    }
    if (entry.status) this.status = entry.status;
    this.statuses[k] = entry.status ?? this.statuses[k - 1] ?? "running";
    this.n = k + 1;
  }

  // Parameters at recorded index k as an array, or null past the end.
  point(k) {
    if (k < 0 || k >= this.n) return null;
    return this.params.slice(k * this.dim, (k + 1) * this.dim);
  }

  gradAt(k) {
    if (k < 0 || k >= this.n) return null;
    return this.grad.slice(k * this.dim, (k + 1) * this.dim);
  }

  stateAt(name, k) {
    const arr = this.state[name];
    if (!arr || k < 0 || k >= this.n || arr.length < (k + 1) * this.dim) return null;
    return arr.slice(k * this.dim, (k + 1) * this.dim);
  }

  // Status at recorded index k: the server keeps a stopped run's last point and says why.
  statusAt(k) {
    return this.statuses[Math.min(k, this.n - 1)] ?? "running";
  }

  // The last index ≤ k whose parameters are all finite (where a diverged run is marked).
  lastFiniteIndex(k = this.n - 1) {
    for (let j = Math.min(k, this.n - 1); j >= 0; j--) {
      let ok = true;
      for (let i = 0; i < this.dim; i++) if (!Number.isFinite(this.params[j * this.dim + i])) ok = false;
      if (ok && Number.isFinite(this.loss[j])) return j;
    }
    return -1;
  }
}

export class TraceSet {
  constructor(dim, metas) {
    this.dim = dim;
    this.runs = metas.map((m) => new RunTrace(dim, m));
    this.steps = []; // recorded index → optimizer step number
    this.done = false;
  }

  get length() {
    return this.steps.length;
  }

  // One {"type": "step"} line of the stream.
  addStep(msg) {
    this.steps.push(msg.step ?? this.steps.length);
    (msg.runs ?? []).forEach((entry, i) => {
      if (entry && this.runs[i]) this.runs[i].push(entry);
    });
  }

  // The final {"type": "done"} line: statuses, messages and divergence steps.
  finish(msg) {
    (msg.runs ?? []).forEach((entry, i) => {
      const run = this.runs[i];
      if (!run || !entry) return;
      run.done = entry;
      if (entry.status) run.status = entry.status;
    });
    this.done = true;
  }

  // A whole POST /runs JSON answer at once (each run's trace is cut where that run ended). The
  // per-step statuses are not in it: a run is "running" until its last recorded step, which
  // carries its final status, exactly as the stream reports them.
  static fromJSON(dim, metas, body) {
    const set = new this(dim, metas);
    let longest = [];
    (body.runs ?? []).forEach((entry, i) => {
      const run = set.runs[i];
      const trace = entry?.trace;
      if (!run || !trace) return;
      const n = trace.step.length;
      if (n > longest.length) longest = trace.step;
      const stepAt = this.stepReader(trace);
      for (let k = 0; k < n; k++) run.push({ ...stepAt(k), status: k === n - 1 ? entry.status : "running" });
      run.done = entry;
      run.status = entry.status;
    });
    set.steps = longest.slice();
    set.done = true;
    return set;
  }

  // k -> recorded step k of a JSON trace, as a stream's step line gives it (its status aside).
  static stepReader(trace) {
    return (k) => {
      const state = {};
      for (const [name, rows] of Object.entries(trace.state ?? {})) state[name] = rows[k];
      return { params: trace.params[k], grad: trace.grad[k], loss: trace.loss[k], state };
    };
  }

  // Recorded index of an optimizer step number (for clicking a chart at step s).
  indexOfStep(step) {
    let lo = 0;
    let hi = this.steps.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.steps[mid] <= step) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

// uPlot data [x, y_run0, y_run1, …] up to recorded index `upto` (inclusive). Missing or
// non-finite values become null (a gap). In log mode the values are log10(v) (≤ 0 → gap) and
// the chart labels its linear axis in decades: uPlot drops an axis whose labels would need
// more than 17 digits, which a diverging run (loss 1e120) reaches at once. In linear mode
// values are clamped to ±1e15 for the same reason.
export const LINEAR_CLAMP = 1e15;

export function chartSeries(traces, upto, field = "loss", log = false) {
  const n = Math.min(traces.length, Math.max(0, upto + 1));
  const x = traces.steps.slice(0, n);
  const ys = traces.runs.map((run) => {
    const src = run[field];
    const y = new Array(n);
    for (let k = 0; k < n; k++) {
      const v = k < run.n ? src[k] : NaN;
      if (!Number.isFinite(v) || (log && !(v > 0))) y[k] = null;
      else y[k] = log ? Math.log10(v) : Math.max(-LINEAR_CLAMP, Math.min(LINEAR_CLAMP, v));
    }
    return y;
  });
  return [x, ...ys];
}
