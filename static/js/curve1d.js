// curve1d.js — a one-dimensional objective: the loss curve f(x), each run's descent as dots on
// the curve joined by a dashed path (the classic U-curve picture), the current point with its
// tangent (slope = gradient) and a −gradient arrow; wheel/drag zoom-pan in x, click/drag start.
import { RUN_COLORS, finiteExtent } from "./colorscale.js";
import { axes, axisMap, dot, fitCanvas, markCounts, star } from "./draw.js";
import { drawCurveRun } from "./curvepaths.js";
import { formatNumber } from "./format.js";
import { bindPlotKeys } from "./plotkeys.js";

const MARGIN = { left: 60, right: 12, top: 12, bottom: 42 };

export class CurveView {
  constructor(root, { onStart, onStartDrag, onView }) {
    this.root = root;
    this.canvas = root.querySelector("canvas");
    this.tip = root.querySelector(".tooltip");
    this.onStart = onStart;
    this.onStartDrag = onStartDrag;
    this.onView = onView;
    this.view = [[-3, 3]];
    this.name = "x";
    this.curve = null;
    this.start = null;
    this.traces = null;
    this.colors = RUN_COLORS;
    this.cursor = 0;
    this.dirty = true;
    this.size = { w: 0, h: 0 };
    this.bind();
    bindPlotKeys(this.canvas, {
      pan: (fx) => {
        const [x0, x1] = this.view[0];
        const dx = (x1 - x0) * fx;
        if (dx) this.setView([[x0 + dx, x1 + dx]]);
      },
      zoom: (f) => this.zoom(f),
    });
    new ResizeObserver(() => this.resize()).observe(root.querySelector(".stack"));
  }

  setObjective(meta, view, start) {
    this.name = meta.param_names?.[0] ?? "x";
    this.minima = meta.minima ?? [];
    this.curve = null;
    this.setView(view, false);
    this.setStart(start);
  }

  // The ★ marks: they move when a loss option moves the minimum.
  setMinima(minima) {
    this.minima = minima ?? [];
    this.dirty = true;
  }

  setView(view, notify = true) {
    this.view = [view[0].slice()];
    this.dirty = true;
    if (notify) this.onView?.(this.view);
  }

  setStart(start) {
    this.start = start ? start.slice() : null;
    this.dirty = true;
  }

  setTraces(traces, colors = RUN_COLORS) {
    this.traces = traces;
    this.colors = colors;
    this.dirty = true;
  }

  setCursor(k, len = 0) {
    if (k !== this.cursor || len !== this.len) {
      this.cursor = k;
      this.len = len;
      this.dirty = true;
    }
  }

  // A decoded POST /surface answer for a 1-D objective (surfacedata.js); NaN breaks the curve.
  setSurface(data, bounds) {
    this.curve = { x: data.x, z: Array.from(data.values, (v) => (Number.isFinite(v) ? v : NaN)), bounds };
    this.root.dataset.ready = "1";
    this.dirty = true;
  }

  resolution() {
    return Math.round(Math.min(512, Math.max(100, this.rect().w / 2)));
  }

  resize() {
    const st = this.root.querySelector(".stack");
    const w = st.clientWidth;
    const h = st.clientHeight;
    if (!w || !h || (w === this.size.w && h === this.size.h)) return;
    this.size = { w, h };
    fitCanvas(this.canvas, w, h);
    this.dirty = true;
  }

  rect() {
    const { w, h } = this.size;
    return { x: MARGIN.left, y: MARGIN.top, w: Math.max(10, w - MARGIN.left - MARGIN.right), h: Math.max(10, h - MARGIN.top - MARGIN.bottom) };
  }

  // y range: the curve inside the view, padded, so zooming in x rescales y to what is visible.
  yRange() {
    const c = this.curve;
    const [x0, x1] = this.view[0];
    const vals = [];
    if (c) c.x.forEach((x, i) => x >= x0 && x <= x1 && vals.push(c.z[i]));
    const ext = finiteExtent(vals) ?? [0, 1];
    const pad = (ext[1] - ext[0]) * 0.08 || Math.abs(ext[0]) * 0.1 || 1;
    return [ext[0] - pad, ext[1] + pad];
  }

  scales() {
    const r = this.rect();
    return { r, xs: axisMap(this.view[0], [r.x, r.x + r.w]), ys: axisMap(this.yRange(), [r.y, r.y + r.h], true) };
  }

  render() {
    if (!this.dirty || !this.size.w) return;
    this.dirty = false;
    const ctx = this.canvas.getContext("2d");
    const dpr = Math.min(globalThis.devicePixelRatio || 1, 2);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.size.w, this.size.h);
    const { r, xs, ys } = this.scales();
    ctx.fillStyle = "#0d1117";
    ctx.fillRect(r.x, r.y, r.w, r.h);
    axes(ctx, r, xs, ys, this.name, "loss");
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.w, r.h);
    ctx.clip();
    const c = this.curve;
    if (c) {
      ctx.strokeStyle = "#8b949e";
      ctx.lineWidth = 2;
      ctx.beginPath();
      let pen = false;
      c.x.forEach((x, i) => {
        const z = c.z[i];
        if (!Number.isFinite(z)) return void (pen = false);
        if (pen) ctx.lineTo(xs(x), ys(z));
        else ctx.moveTo(xs(x), ys(z));
        pen = true;
      });
      ctx.stroke();
    }
    for (const m of this.minima ?? []) {
      if (Number.isFinite(m.point?.[0]) && Number.isFinite(m.value)) star(ctx, xs(m.point[0]), ys(m.value), 7);
    }
    let points = 0;
    const marks = { gradient: 0, velocity: 0, diverged: 0, converged: 0 };
    const t = this.traces;
    if (t) {
      t.runs.forEach((run, ri) => {
        points += drawCurveRun(ctx, run, { xs, ys, rect: r, end: Math.min(this.cursor, run.n - 1), color: this.colors[ri % this.colors.length] }, marks);
      });
    }
    markCounts(this.root, marks);
    if (this.start && c) {
      const z = interp(c, this.start[0]);
      const sx = xs(this.start[0]);
      ctx.strokeStyle = "rgba(255,255,255,0.5)";
      ctx.setLineDash([2, 3]);
      ctx.beginPath();
      ctx.moveTo(sx, r.y);
      ctx.lineTo(sx, r.y + r.h);
      ctx.stroke();
      ctx.setLineDash([]);
      if (Number.isFinite(z)) dot(ctx, sx, ys(z), 7, "#fff", "#000");
    }
    ctx.restore();
    this.root.dataset.points = String(points);
  }

  pos(e) {
    const b = this.canvas.getBoundingClientRect();
    return [e.clientX - b.left, e.clientY - b.top];
  }

  bind() {
    const el = this.canvas;
    let drag = null;
    el.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      const [px, py] = this.pos(e);
      const { xs } = this.scales();
      el.setPointerCapture(e.pointerId);
      const onStart = this.start && Math.abs(xs(this.start[0]) - px) < 10;
      drag = { mode: onStart ? "start" : "pan", px, py, view: this.view[0].slice(), moved: false };
    });
    el.addEventListener("pointermove", (e) => {
      const [px, py] = this.pos(e);
      if (!drag) return this.hover(px, py);
      if (Math.abs(px - drag.px) > 3) drag.moved = true;
      const r = this.rect();
      const k = (drag.view[1] - drag.view[0]) / r.w;
      if (drag.mode === "start") {
        this.setStart([drag.view[0] + (px - r.x) * k]);
        this.onStartDrag?.(this.start);
      } else if (drag.moved) {
        const d = (drag.px - px) * k;
        this.setView([[drag.view[0] + d, drag.view[1] + d]], false);
      }
    });
    const end = (e) => {
      if (!drag) return;
      const d = drag;
      drag = null;
      if (e.type === "pointercancel") return;
      const [px] = this.pos(e);
      const r = this.rect();
      if (d.mode === "start") {
        if (d.moved) this.onStart?.(this.start);
      } else if (!d.moved) {
        if (px >= r.x && px <= r.x + r.w) {
          this.setStart([d.view[0] + ((px - r.x) * (d.view[1] - d.view[0])) / r.w]);
          this.onStart?.(this.start);
        }
      } else this.onView?.(this.view);
    };
    el.addEventListener("pointerup", end);
    el.addEventListener("pointercancel", end);
    el.addEventListener("pointerleave", () => {
      if (!drag) this.tip.hidden = true;
    });
    el.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const [px] = this.pos(e);
        this.zoom(Math.exp(e.deltaY * 0.0015), px);
      },
      { passive: false },
    );
    this.root.querySelector("[data-action=zoom-in]")?.addEventListener("click", () => this.zoom(1 / 1.5));
    this.root.querySelector("[data-action=zoom-out]")?.addEventListener("click", () => this.zoom(1.5));
    this.root.querySelector("[data-action=reset-view]")?.addEventListener("click", () => this.onResetView?.());
  }

  zoom(factor, px) {
    const r = this.rect();
    const [x0, x1] = this.view[0];
    const cx = px === undefined ? (x0 + x1) / 2 : x0 + ((px - r.x) * (x1 - x0)) / r.w;
    this.setView([[cx + (x0 - cx) * factor, cx + (x1 - cx) * factor]]);
  }

  hover(px, py) {
    const r = this.rect();
    if (px < r.x || px > r.x + r.w || !this.curve) {
      this.tip.hidden = true;
      return;
    }
    const x = this.view[0][0] + ((px - r.x) * (this.view[0][1] - this.view[0][0])) / r.w;
    const z = interp(this.curve, x);
    this.tip.textContent = `${this.name} = ${formatNumber(x)}, loss ${Number.isFinite(z) ? `≈ ${formatNumber(z)}` : "?"}`;
    this.tip.hidden = false;
    const left = Math.min(px + 14, this.size.w - this.tip.offsetWidth - 4);
    this.tip.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, py - 30)}px)`;
  }
}

// Linear interpolation of the sampled curve at x (NaN outside it).
function interp(c, x) {
  const n = c.x.length;
  if (n < 2 || x < c.x[0] || x > c.x[n - 1]) return NaN;
  const f = ((x - c.x[0]) / (c.x[n - 1] - c.x[0])) * (n - 1);
  const i = Math.min(n - 2, Math.floor(f));
  const a = f - i;
  return (1 - a) * c.z[i] + a * c.z[i + 1];
}
