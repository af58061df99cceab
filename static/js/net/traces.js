// net/traces.js — a network race as the page plays it. Losses, test losses and accuracies come
// every step; the weights (and their gradients) every k-th step. The surface shows the path in
// the plane of a weight-space slice, so each run's "params" are its (α, β) on that plane:
// unknown (NaN) until the slice arrives, then projected, and interpolated between the steps
// whose weights were recorded. Pure (no DOM): unit-tested in node.
import { RunTrace, TraceSet } from "../trace.js";

const toNum = (v) => (v === null || v === undefined || !Number.isFinite(v) ? NaN : v);
const METRICS = { test_loss: "testLoss", train_accuracy: "trainAcc", test_accuracy: "testAcc" };

export class NetRunTrace extends RunTrace {
  constructor(meta = {}) {
    super(2, meta);
    this.weights = []; // [{k, row, grad}] at the recorded steps, in order
    this.testLoss = [];
    this.trainAcc = [];
    this.testAcc = [];
  }

  push(entry) {
    const k = this.n;
    super.push({ loss: entry.loss, status: entry.status }); // params (α, β) come with the slice
    for (const [name, field] of Object.entries(METRICS)) this[field][k] = toNum(entry.metrics?.[name]);
    if (Array.isArray(entry.params)) {
      const grad = Array.isArray(entry.grad) ? entry.grad.map(toNum) : null;
      this.weights.push({ k, row: entry.params.map(toNum), grad });
      this.gradNorm[k] = grad ? Math.hypot(...grad) : NaN;
    } else this.gradNorm[k] = NaN;
  }

  // A network's gradient has one entry per weight, not two on the plane: the table shows its
  // norm (gradNorm) and "—" here.
  gradAt() {
    return null;
  }

  // The recorded weights at or before recorded index k: {k, row, grad}, or null.
  weightsAt(k) {
    let lo = 0;
    let hi = this.weights.length - 1;
    if (hi < 0 || this.weights[0].k > k) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.weights[mid].k <= k) lo = mid;
      else hi = mid - 1;
    }
    return this.weights[lo];
  }

  // Put the path on the plane through `center` along d1 and d2: (α, β) at each recorded step,
  // linear in between (the loss stays the exact one of every step).
  project(center, d1, d2) {
    const coords = this.weights.map((w) => projectPoint(w.row, center, d1, d2));
    for (let i = 0; i < this.weights.length; i++) {
      const a = this.weights[i];
      const b = this.weights[i + 1] ?? a;
      const [pa, pb] = [coords[i], coords[i + 1] ?? coords[i]];
      for (let k = a.k; k <= (b === a ? a.k : b.k); k++) {
        const t = b.k === a.k ? 0 : (k - a.k) / (b.k - a.k);
        this.params[2 * k] = pa[0] + t * (pb[0] - pa[0]);
        this.params[2 * k + 1] = pa[1] + t * (pb[1] - pa[1]);
      }
    }
  }
}

export class NetTraceSet extends TraceSet {
  constructor(dim, metas) {
    super(2, []);
    this.runs = metas.map((m) => new NetRunTrace(m));
  }

  // A whole POST /runs answer: params and grad rows sit at params_step (every step without
  // it); losses and metrics at every step.
  static stepReader(trace) {
    const at = new Map((trace.params_step ?? trace.step).map((s, j) => [s, j]));
    return (k) => {
      const j = at.get(trace.step[k]);
      const metrics = Object.fromEntries(Object.entries(trace.metrics ?? {}).map(([name, v]) => [name, v[k]]));
      return {
        params: j === undefined ? null : trace.params[j],
        grad: j === undefined ? null : trace.grad?.[j],
        loss: trace.loss[k],
        metrics,
      };
    };
  }

  // Whether the race classifies (its traces carry accuracies).
  get classifies() {
    return this.runs.some((r) => r.trainAcc.some(Number.isFinite));
  }
}

// (α, β) minimising ‖center + α·d1 + β·d2 − point‖: the 2×2 normal equations (the directions
// of a random slice need not be orthogonal).
export function projectPoint(point, center, d1, d2) {
  let a11 = 0;
  let a12 = 0;
  let a22 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < point.length; i++) {
    const r = point[i] - center[i];
    a11 += d1[i] * d1[i];
    a12 += d1[i] * d2[i];
    a22 += d2[i] * d2[i];
    b1 += d1[i] * r;
    b2 += d2[i] * r;
  }
  const det = a11 * a22 - a12 * a12;
  if (!(Math.abs(det) > 0)) return [NaN, NaN];
  return [(b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det];
}

// At most `max` rows of a path, evenly spaced, always with its first and last (the slice's
// POST /surface takes up to 1,000 points).
export function thinPath(rows, max = 300) {
  if (rows.length <= max) return rows.slice();
  const out = [];
  for (let i = 0; i < max; i++) out.push(rows[Math.round((i * (rows.length - 1)) / (max - 1))]);
  return out;
}
