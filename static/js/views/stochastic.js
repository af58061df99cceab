// views/stochastic.js — mini-batch against full-batch descent on a model-fitting loss: the same
// optimizer, rate, start and seed, once averaging every sample per step and once a random batch
// of the chosen size. Both are measured against the same thing, the full loss: both paths are
// drawn over it (whose minimum the mini-batch path jitters around, since each batch's gradient
// is a noisy estimate of the full one), and the losses quoted are the full loss at each end.
// The frame grows to hold both paths (up to a view box's span on each side; beyond, a marker).
import { viridis } from "../colorscale.js";
import { axes, axisMap, cross, dot, fitCanvas, star } from "../draw.js";
import { el } from "../dom.js";
import { field, num, post } from "./common.js";

const MARGIN = { left: 48, right: 12, top: 10, bottom: 40 };
const FULL = "#ffffff";
const MINI = "#ff9f1c";
const PAD = 0.05; // of the span, around the paths

// The plot's bounds: the view box grown to hold every finite point of the paths (with a margin),
// but never by more than one view-box span on any side (a diverging path is clamped instead).
export function frameFor(viewBox, paths) {
  return viewBox.map(([lo, hi], d) => {
    let [a, b] = [lo, hi];
    for (const path of paths) for (const p of path) if (p && Number.isFinite(p[d])) [a, b] = [Math.min(a, p[d]), Math.max(b, p[d])];
    const span = hi - lo;
    if (a < lo) a -= (b - a) * PAD;
    if (b > hi) b += (b - a) * PAD;
    return [Math.max(lo - span, a), Math.min(hi + span, b)];
  });
}

export function mount(body, ctx) {
  const eligible = ctx.objectives().filter((o) => o.dim === 2 && (o.options ?? []).some((x) => x.name === "batch_size"));
  const cur = ctx.meta();
  const objective = el("select", { id: "sgd-objective", "data-testid": "stochastic-objective" }, eligible.map((o) => el("option", { value: o.id }, o.title)));
  objective.value = eligible.some((o) => o.id === cur?.id) ? cur.id : eligible[0]?.id ?? "";
  const batch = el("input", { id: "sgd-batch", "data-testid": "stochastic-batch", type: "range", min: "1", step: "1" });
  const batchOut = el("output", { for: "sgd-batch", "data-testid": "stochastic-batch-readout" });
  const lr = el("input", { id: "sgd-lr", "data-testid": "stochastic-lr", type: "number", step: "any", min: "0" });
  const steps = el("input", { id: "sgd-steps", "data-testid": "stochastic-steps", type: "number", min: "1", step: "1", value: "100" });
  const canvas = el("canvas", { role: "img", "data-testid": "stochastic-map", "aria-label": "The full loss with the full-batch and mini-batch paths" });
  const offFrame = el("li", { hidden: "" }, "✕ at the edge: the path left the frame there (it went further than one view box away)");
  const figure = el("figure", { class: "view-figure", "data-testid": "stochastic-figure" }, [
    canvas,
    el("ul", { class: "view-legend", "data-testid": "stochastic-legend" }, [
      el("li", {}, [el("span", { class: "swatch", style: `background:${FULL}` }), "full batch: the exact gradient each step"]),
      el("li", {}, [el("span", { class: "swatch", style: `background:${MINI}` }), "mini-batch: the gradient of a random batch each step"]),
      el("li", {}, "both over the same background, the full loss over all samples (log colour scale, dark = low; ★ its minimum); the losses quoted are this full loss at each path's end"),
      offFrame,
    ]),
  ]);
  const status = el("p", { class: "view-caption", "aria-live": "polite", "data-testid": "stochastic-status" });
  body.append(
    el("p", { class: "hint" }, "Stochastic gradient descent estimates the gradient from a few samples per step. Smaller batches are cheaper per step but noisier: the path jitters, and with a fixed learning rate it keeps wandering near the minimum instead of settling."),
    el("div", { class: "view-controls" }, [field("Model", objective), field("Batch size", batch, batchOut), field("SGD lr", lr), field("steps", steps)]),
    status,
    figure,
  );

  let surface = null; // {key, bounds, x, y, z}
  let paths = null;
  let timer = 0;
  let ctl = null;
  const meta = () => eligible.find((o) => o.id === objective.value);

  function setup() {
    const m = meta();
    if (!m) return;
    const n = m.options.find((x) => x.name === "batch_size").high ?? 32;
    batch.max = String(n);
    batch.value = String(Math.max(1, Math.min(n, Math.round(n / 8))));
    lr.value = String(m.default_lr ?? 0.05);
  }

  async function run() {
    const m = meta();
    if (!m) {
      status.textContent = "No model-fitting objective with a batch size is available.";
      return;
    }
    const b = Number(batch.value);
    const k = Math.round(Number(steps.value));
    const rate = Number(lr.value);
    batchOut.textContent = `${b} of ${batch.max} samples`;
    if (!(rate > 0) || !(k >= 1 && k <= 5000)) {
      status.textContent = "The learning rate must be > 0 and the steps between 1 and 5,000.";
      return;
    }
    ctl?.abort();
    ctl = new AbortController();
    body.dataset.ready = "0";
    const seed = ctx.state().seed ?? 0;
    const runOf = (size) => post(ctx, "/runs", { objective: { id: m.id, batch_size: size }, runs: [{ optimizer: { name: "sgd", lr: rate } }], steps: k, seed }, { signal: ctl.signal });
    try {
      const [full, mini] = await Promise.all([runOf(0), runOf(b)]);
      const bounds = frameFor(m.view_box, [full.runs[0].trace.params, mini.runs[0].trace.params]);
      const key = JSON.stringify([m.id, bounds]);
      const miniEnd = mini.runs[0].trace.params.at(-1);
      const [surf, atEnd] = await Promise.all([
        surface?.key === key ? surface : post(ctx, "/surface", { objective: { id: m.id }, bounds, resolution: 96 }, { signal: ctl.signal }).then((s) => ({ ...s, key, bounds })),
        // The full loss where the mini-batch path ended (its trace holds each batch's own loss).
        miniEnd?.every(Number.isFinite) ? post(ctx, "/inspect", { objective: { id: m.id }, point: miniEnd }, { signal: ctl.signal }) : null,
      ]);
      surface = surf;
      paths = { full: full.runs[0], mini: mini.runs[0], m, b };
      draw();
      const end = (r) => r.trace.params.at(-1);
      figure.dataset.batch = String(b);
      figure.dataset.fullFinal = JSON.stringify(end(paths.full));
      figure.dataset.miniFinal = JSON.stringify(end(paths.mini));
      const fullLoss = paths.full.trace.loss.at(-1);
      const miniLoss = atEnd?.loss ?? null;
      figure.dataset.fullLoss = String(fullLoss);
      figure.dataset.miniLoss = String(miniLoss);
      const at = (p) => (p?.every(Number.isFinite) ? `(${p.map((v) => num(v)).join(", ")})` : "(diverged)");
      status.textContent = `After ${k} steps, the full loss: full batch ${num(fullLoss)} at ${at(end(paths.full))}; batch of ${b} ${miniLoss === null ? "— (diverged)" : num(miniLoss)} at ${at(miniEnd)}.`;
      body.dataset.ready = "1";
    } catch (e) {
      if (e.name !== "AbortError") status.textContent = `Could not run: ${e.message}`;
    }
  }

  function draw() {
    if (!surface || !paths) return;
    const m = paths.m;
    const W = Math.min(560, Math.max(240, body.clientWidth || 400));
    const H = W;
    const c = fitCanvas(canvas, W, H);
    c.clearRect(0, 0, W, H);
    const r = { x: MARGIN.left, y: MARGIN.top, w: W - MARGIN.left - MARGIN.right, h: H - MARGIN.top - MARGIN.bottom };
    const [bx, by] = surface.bounds;
    const xs = axisMap(bx, [r.x, r.x + r.w]);
    const ys = axisMap(by, [r.y, r.y + r.h], true);
    const inside = (p) => p[0] >= bx[0] && p[0] <= bx[1] && p[1] >= by[0] && p[1] <= by[1];
    const clamp = (p) => [Math.min(bx[1], Math.max(bx[0], p[0])), Math.min(by[1], Math.max(by[0], p[1]))];
    const { x, y, z } = surface;
    let lo = Infinity;
    let hi = -Infinity;
    for (const row of z) for (const v of row) if (v !== null && v > 0) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const cw = r.w / (x.length - 1);
    const ch = r.h / (y.length - 1);
    for (let i = 0; i < y.length; i++) {
      for (let j = 0; j < x.length; j++) {
        const v = z[i][j];
        const t = v === null || !(v > 0) || !(hi > lo) ? 0 : (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
        c.fillStyle = viridis(Math.max(0, Math.min(1, t)));
        c.fillRect(xs(x[j]) - cw / 2, ys(y[i]) - ch / 2, cw + 0.6, ch + 0.6);
      }
    }
    c.clearRect(0, 0, W, r.y);
    c.clearRect(0, r.y + r.h, W, H);
    c.clearRect(0, 0, r.x, H);
    c.clearRect(r.x + r.w, 0, W, H);
    c.save();
    c.beginPath();
    c.rect(r.x, r.y, r.w, r.h);
    c.clip();
    for (const mm of m.minima ?? []) star(c, xs(mm.point[0]), ys(mm.point[1]), 7);
    let outside = 0;
    for (const [run, color] of [[paths.full, FULL], [paths.mini, MINI]]) {
      const pts = run.trace.params;
      c.strokeStyle = color;
      c.lineWidth = color === FULL ? 2 : 1.3;
      c.beginPath();
      pts.forEach((p, i) => (p && p.every((v) => v !== null) ? (i ? c.lineTo(xs(p[0]), ys(p[1])) : c.moveTo(xs(p[0]), ys(p[1]))) : null));
      c.stroke();
      // Where the path first leaves the frame: a cross at the edge, in the path's colour.
      const gone = pts.findIndex((p) => p && !(p.every(Number.isFinite) && inside(p)));
      if (gone > 0) {
        outside++;
        const p = pts[gone].every(Number.isFinite) ? clamp(pts[gone]) : clamp(pts[gone - 1]);
        cross(c, xs(p[0]), ys(p[1]), 6, color);
      }
      const last = pts.at(-1);
      if (last?.every(Number.isFinite) && inside(last)) dot(c, xs(last[0]), ys(last[1]), 4, color);
    }
    offFrame.hidden = !outside;
    figure.dataset.bounds = JSON.stringify(surface.bounds);
    figure.dataset.offFrame = String(outside);
    const s = paths.full.trace.params[0];
    dot(c, xs(s[0]), ys(s[1]), 6, "#fff", "#000");
    c.restore();
    axes(c, r, xs, ys, m.param_names?.[0] ?? "x", m.param_names?.[1] ?? "y");
    canvas.setAttribute("aria-label", `${m.title}: full-batch path (white) and batch-of-${paths.b} path (orange) over the loss`);
  }

  const later = () => {
    clearTimeout(timer);
    batchOut.textContent = `${batch.value} of ${batch.max} samples`;
    timer = setTimeout(run, 200);
  };
  objective.addEventListener("change", () => {
    setup();
    run();
  });
  batch.addEventListener("input", later);
  lr.addEventListener("change", later);
  steps.addEventListener("change", later);
  new ResizeObserver(() => draw()).observe(body);
  setup();
  let first = true;
  return {
    show() {
      if (first) run();
      first = false;
    },
  };
}
