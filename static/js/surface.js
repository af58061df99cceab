// surface.js — the 2-D loss surface: filled log-spaced contours (d3-contour), the colour legend,
// axes named after the objective's parameters, every run's path and current point with its
// gradient and momentum arrows; hover readout, wheel/drag zoom-pan, click/drag of the start.
// Three stacked canvases so each frame redraws only what changed: base (contours + axes),
// trail (paths, drawn incrementally), overlay (markers, arrows).
import { RUN_COLORS, finiteExtent, logLevels, makeColorScale } from "./colorscale.js";
import { VELOCITY_STATE, arrow, arrowLength, axes, axisMap, cross, dot, fitCanvas, markCounts, ring, star } from "./draw.js";
import { formatNumber } from "./format.js";
import { bindPlotKeys } from "./plotkeys.js";

const MARGIN = { left: 56, right: 12, top: 10, bottom: 42 };
const LEVELS = 24;
export { VELOCITY_STATE } from "./draw.js";

export class SurfaceView {
  // onStart(point): a start set by a click or a finished drag; onStartDrag(point): every move
  // of a drag (the path is recomputed live); onView(view): a pan or zoom.
  constructor(root, { onStart, onStartDrag, onView }) {
    this.root = root;
    this.stack = root.querySelector(".stack");
    this.base = root.querySelector("canvas.base");
    this.trail = root.querySelector("canvas.trail");
    this.overlay = root.querySelector("canvas.overlay");
    this.legend = root.querySelector("canvas.legend");
    this.tip = root.querySelector(".tooltip");
    this.onStart = onStart;
    this.onStartDrag = onStartDrag;
    this.onView = onView;
    this.view = [[-2, 2], [-2, 2]];
    this.names = ["x", "y"];
    this.minima = [];
    this.start = null;
    this.grid = null;
    this.traces = null;
    this.colors = RUN_COLORS;
    this.cursor = 0;
    this.dirty = { base: true, trail: true, overlay: true };
    this.trailUpto = -1;
    this.size = { w: 0, h: 0 };
    this.bindPointer();
    this.bindToolbar();
    bindPlotKeys(this.overlay, {
      pan: (fx, fy) => {
        const [[x0, x1], [y0, y1]] = this.view;
        const dx = (x1 - x0) * fx;
        const dy = (y1 - y0) * fy;
        this.setView([[x0 + dx, x1 + dx], [y0 + dy, y1 + dy]]);
      },
      zoom: (f) => this.zoom(f),
    });
    new ResizeObserver(() => this.resize()).observe(this.stack);
    this.resize();
  }

  // ---- inputs ------------------------------------------------------------------------------

  setObjective(meta, view, start) {
    this.names = meta.param_names?.length >= 2 ? meta.param_names : ["x", "y"];
    this.minima = meta.minima ?? [];
    this.grid = null;
    this.setView(view, false);
    this.setStart(start);
  }

  // The ★ marks: they move when a loss option moves the minimum.
  setMinima(minima) {
    this.minima = minima ?? [];
    this.invalidate("overlay");
  }

  setView(view, notify = true) {
    this.view = view.map((r) => r.slice());
    this.trailUpto = -1; // the trail is in pixels: a new view redraws it whole
    this.invalidate("base", "trail", "overlay");
    if (notify) this.onView?.(this.view);
  }

  setStart(start) {
    this.start = start ? start.slice() : null;
    this.invalidate("overlay");
  }

  setTraces(traces, colors = RUN_COLORS) {
    this.traces = traces;
    this.colors = colors;
    this.trailUpto = -1;
    this.invalidate("trail", "overlay");
  }

  // While stopped, each path's steps beyond the playhead are drawn faintly: a change redraws the
  // whole new path at once, and the playhead still marks where the learner is.
  setFuture(show) {
    if (show !== this.future) {
      this.future = show;
      this.trailUpto = -1;
      this.invalidate("trail");
    }
  }

  // Playhead at recorded index k, with `len` recorded steps received so far (data streams in
  // behind the playhead at the start, so new data at the same k must be drawn too).
  setCursor(k, len = 0) {
    if (k !== this.cursor || len !== this.len) {
      if (k < this.trailUpto) this.trailUpto = -1; // going back: redraw the trail from scratch
      this.cursor = k;
      this.len = len;
      this.invalidate("trail", "overlay");
    }
  }

  // A decoded POST /surface answer (surfacedata.js) for `bounds`: contours are computed once and
  // cached as an image. Infinity marks an overflow: "higher than everything", greyed out below.
  setSurface(data, bounds) {
    const { nx: m, ny: n, values } = data;
    let missing = 0;
    for (const v of values) if (v === Infinity) missing++;
    const ext = finiteExtent(values);
    const levels = ext ? logLevels(ext[0], ext[1], LEVELS) : [];
    const interp = globalThis.d3?.interpolateViridis;
    const color = interp ? makeColorScale(levels, interp) : makeColorScale(levels);
    this.grid = { x: data.x, y: data.y, m, n, values, bounds: bounds.map((r) => r.slice()), levels, color, missing, extent: ext };
    this.grid.image = this.renderContours(this.grid);
    this.root.dataset.levels = String(levels.length);
    this.root.dataset.ready = "1";
    // Milliseconds from navigation to the first contour (read by the performance test).
    this.root.dataset.firstContourMs ??= String(Math.round(performance.now()));
    this.drawLegend();
    this.invalidate("base");
  }

  invalidate(...layers) {
    for (const l of layers) this.dirty[l] = true;
  }

  // ---- geometry ----------------------------------------------------------------------------

  resize() {
    const w = this.stack.clientWidth;
    const h = this.stack.clientHeight;
    if (!w || !h || (w === this.size.w && h === this.size.h)) return;
    this.size = { w, h };
    for (const c of [this.base, this.trail, this.overlay]) fitCanvas(c, w, h);
    this.trailUpto = -1;
    this.invalidate("base", "trail", "overlay");
    this.drawLegend();
  }

  rect() {
    const { w, h } = this.size;
    return { x: MARGIN.left, y: MARGIN.top, w: Math.max(10, w - MARGIN.left - MARGIN.right), h: Math.max(10, h - MARGIN.top - MARGIN.bottom) };
  }

  scales(view = this.view) {
    const r = this.rect();
    return { r, xs: axisMap(view[0], [r.x, r.x + r.w]), ys: axisMap(view[1], [r.y, r.y + r.h], true) };
  }

  // Grid points to request: about one per 3 CSS pixels, at most 200 per side.
  resolution() {
    return Math.round(Math.min(200, Math.max(64, this.rect().w / 3)));
  }

  // ---- rendering ---------------------------------------------------------------------------

  renderContours(g) {
    const d3 = globalThis.d3;
    const r = this.rect();
    const dpr = Math.min(globalThis.devicePixelRatio || 1, 2);
    const W = Math.max(1, Math.round(r.w * dpr));
    const H = Math.max(1, Math.round(r.h * dpr));
    const img = document.createElement("canvas");
    img.width = W;
    img.height = H;
    const ctx = img.getContext("2d");
    const [[x0, x1], [y0, y1]] = g.bounds;
    const dx = (g.x[g.m - 1] - g.x[0]) / Math.max(1, g.m - 1);
    const dy = (g.y[g.n - 1] - g.y[0]) / Math.max(1, g.n - 1);
    // d3-contour puts grid value j at coordinate j + 0.5.
    const px = (c) => ((g.x[0] + (c - 0.5) * dx - x0) / (x1 - x0)) * W;
    const py = (c) => H - ((g.y[0] + (c - 0.5) * dy - y0) / (y1 - y0)) * H;
    ctx.fillStyle = g.color.bands[0] ?? "#333";
    ctx.fillRect(0, 0, W, H);
    if (d3?.contours && g.levels.length) {
      const polys = d3.contours().size([g.m, g.n]).thresholds(g.levels)(g.values);
      const paths = polys.map((mp) => {
        const p = new Path2D();
        for (const poly of mp.coordinates) {
          for (const ringPts of poly) {
            ringPts.forEach(([cx, cy], i) => (i ? p.lineTo(px(cx), py(cy)) : p.moveTo(px(cx), py(cy))));
            p.closePath();
          }
        }
        return p;
      });
      paths.forEach((p, k) => {
        ctx.fillStyle = g.color.bands[k + 1];
        ctx.fill(p, "evenodd");
      });
      ctx.strokeStyle = "rgba(0, 0, 0, 0.28)";
      ctx.lineWidth = 0.7 * dpr;
      for (const p of paths) ctx.stroke(p);
    }
    if (g.missing) {
      // Grey out cells where the loss overflowed (null from the server).
      ctx.fillStyle = "rgba(120, 120, 120, 0.85)";
      const cw = W / (g.m - 1 || 1);
      const ch = H / (g.n - 1 || 1);
      for (let i = 0; i < g.n; i++) {
        for (let j = 0; j < g.m; j++) {
          if (g.values[i * g.m + j] === Infinity) {
            const cx = ((g.x[j] - x0) / (x1 - x0)) * W;
            const cy = H - ((g.y[i] - y0) / (y1 - y0)) * H;
            ctx.fillRect(cx - cw / 2, cy - ch / 2, cw + 0.5, ch + 0.5);
          }
        }
      }
    }
    return img;
  }

  drawBase() {
    const ctx = this.base.getContext("2d");
    const dpr = Math.min(globalThis.devicePixelRatio || 1, 2);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const { w, h } = this.size;
    const { r, xs, ys } = this.scales();
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = "#0d1117";
    ctx.fillRect(r.x, r.y, r.w, r.h);
    const g = this.grid;
    if (g?.image) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(r.x, r.y, r.w, r.h);
      ctx.clip();
      // Pan/zoom before the new surface arrives: stretch the cached image to its bounds.
      const [[x0, x1], [y0, y1]] = g.bounds;
      ctx.drawImage(g.image, xs(x0), ys(y1), xs(x1) - xs(x0), ys(y0) - ys(y1));
      ctx.restore();
    }
    axes(ctx, r, xs, ys, this.names[0], this.names[1]);
  }

  drawTrail() {
    const t = this.traces;
    const ctx = this.trail.getContext("2d");
    const dpr = Math.min(globalThis.devicePixelRatio || 1, 2);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const { r, xs, ys } = this.scales();
    // drawn[ri] = last recorded index of run ri already on the trail canvas (incremental:
    // each frame adds only the new segments, so 8 × 5,000 points stay cheap).
    if (this.future || this.trailUpto < 0 || !this.drawn || this.drawn.length !== (t?.runs.length ?? 0)) {
      ctx.clearRect(0, 0, this.size.w, this.size.h);
      this.drawn = (t?.runs ?? []).map(() => -1);
      if (this.future && t) this.drawFuture(ctx, t);
    }
    this.trailUpto = this.cursor;
    if (!t) {
      this.root.dataset.points = "0";
      return;
    }
    let points = 0;
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.w, r.h);
    ctx.clip();
    ctx.lineWidth = 1.6;
    ctx.lineJoin = "round";
    t.runs.forEach((run, ri) => {
      const end = Math.min(this.cursor, run.n - 1);
      points += Math.max(0, end + 1);
      const done = this.drawn[ri];
      if (end <= done) return;
      const color = this.colors[ri % this.colors.length];
      ctx.strokeStyle = color;
      ctx.beginPath();
      let pen = false;
      for (let k = Math.max(0, done); k <= end; k++) {
        const x = run.params[2 * k];
        const y = run.params[2 * k + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          pen = false; // NaN breaks the line instead of poisoning the path
          continue;
        }
        if (pen) ctx.lineTo(xs(x), ys(y));
        else ctx.moveTo(xs(x), ys(y));
        pen = true;
      }
      ctx.stroke();
      // Dots on every step while they are few enough to tell apart.
      if (run.n <= 400) {
        ctx.fillStyle = color;
        for (let k = done + 1; k <= end; k++) {
          const x = run.params[2 * k];
          const y = run.params[2 * k + 1];
          if (Number.isFinite(x) && Number.isFinite(y)) ctx.fillRect(xs(x) - 1.5, ys(y) - 1.5, 3, 3);
        }
      }
      this.drawn[ri] = end;
    });
    ctx.restore();
    this.root.dataset.points = String(points);
  }

  drawFuture(ctx, t) {
    const { r, xs, ys } = this.scales();
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.w, r.h);
    ctx.clip();
    ctx.globalAlpha = 0.35;
    ctx.lineWidth = 1.2;
    t.runs.forEach((run, ri) => {
      ctx.strokeStyle = this.colors[ri % this.colors.length];
      ctx.beginPath();
      let pen = false;
      for (let k = Math.max(0, this.cursor); k < run.n; k++) {
        const x = run.params[2 * k];
        const y = run.params[2 * k + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          pen = false;
          continue;
        }
        if (pen) ctx.lineTo(xs(x), ys(y));
        else ctx.moveTo(xs(x), ys(y));
        pen = true;
      }
      ctx.stroke();
    });
    ctx.restore();
  }

  drawOverlay() {
    const ctx = this.overlay.getContext("2d");
    const dpr = Math.min(globalThis.devicePixelRatio || 1, 2);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.size.w, this.size.h);
    const { r, xs, ys } = this.scales();
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.w, r.h);
    ctx.clip();
    for (const m of this.minima) {
      if (m.point?.length >= 2) star(ctx, xs(m.point[0]), ys(m.point[1]), 7, m.kind === "global" ? "#fff" : "#bbb");
    }
    const t = this.traces;
    // What this frame shows, counted into data-gradient-marks, data-diverged-marks, … for tests.
    const marks = { gradient: 0, velocity: 0, diverged: 0, converged: 0 };
    if (t) {
      t.runs.forEach((run, ri) => {
        const color = this.colors[ri % this.colors.length];
        const k = Math.min(this.cursor, run.n - 1);
        if (k < 0) return;
        const status = run.statusAt(k);
        const p = run.point(k);
        const finite = p && Number.isFinite(p[0]) && Number.isFinite(p[1]);
        if (!finite || status === "diverged") {
          // Diverged: a cross at the last finite point, so the page shows where it blew up.
          const j = run.lastFiniteIndex(k);
          // No finite loss at all (NaN from the start): mark the start itself.
          const q = j >= 0 ? run.point(j) : finite ? p : null;
          if (q) {
            // Pinned to the plot's edge when the last finite point is far outside the view.
            const [mx, my] = pin(r, xs(q[0]), ys(q[1]), 12);
            cross(ctx, mx, my, 7, color);
            marks.diverged++;
            label(ctx, "diverged", Math.min(mx + 10, r.x + r.w - 62), Math.max(my - 10, r.y + 14), color);
          }
          return;
        }
        const cx = xs(p[0]);
        const cy = ys(p[1]);
        const ref = run.gradNorm[0];
        const g = run.gradAt(k);
        if (this.vectorArrow(ctx, cx, cy, g, ref, xs, ys, { color, width: 2.2 })) marks.gradient++;
        for (const name of VELOCITY_STATE) {
          const v = run.stateAt(name, k);
          if (v) {
            if (this.vectorArrow(ctx, cx, cy, v, ref, xs, ys, { color, width: 1.6, dash: [4, 3] })) marks.velocity++;
            break;
          }
        }
        dot(ctx, cx, cy, 5, color);
        if (status === "converged") {
          ring(ctx, cx, cy, 10, color);
          marks.converged++;
        }
      });
    }
    markCounts(this.root, marks);
    if (this.start && this.start.length >= 2) {
      const sx = xs(this.start[0]);
      const sy = ys(this.start[1]);
      dot(ctx, sx, sy, 7, "#ffffff", "#000");
      dot(ctx, sx, sy, 2.5, "#000", "#000");
    }
    ctx.restore();
  }

  // −vector (the way the update moves), compressed length; nothing for NaN or zero vectors.
  // True when an arrow was drawn.
  vectorArrow(ctx, cx, cy, vec, ref, xs, ys, style) {
    if (!vec || !vec.every(Number.isFinite)) return false;
    const sx = -vec[0] * xs.scale;
    const sy = -vec[1] * ys.scale;
    const len = Math.hypot(sx, sy);
    const L = arrowLength(Math.hypot(vec[0], vec[1]), ref);
    if (!(len > 0) || !L) return false;
    return arrow(ctx, cx, cy, cx + (sx / len) * L, cy + (sy / len) * L, style);
  }

  drawLegend() {
    const c = this.legend;
    if (!c) return;
    const w = c.clientWidth || this.size.w;
    const h = 38;
    const ctx = fitCanvas(c, w, h);
    ctx.clearRect(0, 0, w, h);
    const g = this.grid;
    ctx.font = "bold 12px system-ui, sans-serif";
    ctx.fillStyle = "#c9d1d9";
    ctx.textAlign = "left"; // the context keeps the last call's alignment
    ctx.textBaseline = "top";
    ctx.fillText("loss", 8, 4);
    if (g?.missing && !g.levels.length) {
      ctx.font = "12px system-ui, sans-serif";
      ctx.fillText("not finite anywhere in this view (grey)", MARGIN.left, 4);
    }
    if (!g || !g.levels.length) return;
    const x0 = MARGIN.left;
    const bw = (w - x0 - MARGIN.right) / g.color.bands.length;
    g.color.bands.forEach((col, b) => {
      ctx.fillStyle = col;
      ctx.fillRect(x0 + b * bw, 4, Math.ceil(bw), 12);
    });
    ctx.font = "10px system-ui, sans-serif";
    ctx.fillStyle = "#c9d1d9";
    ctx.textAlign = "center";
    const every = Math.max(1, Math.ceil(g.levels.length / Math.max(2, Math.floor((w - x0) / 60))));
    const shown = [];
    for (let k = g.levels.length - 1; k >= 0; k -= every) shown.push(k);
    // As few digits as keep neighbouring labels distinct (levels near a minimum of 0.87 crowd).
    let digits = 2;
    const labels = () => shown.map((k) => formatNumber(g.levels[k], digits));
    while (digits < 6 && new Set(labels()).size < shown.length) digits++;
    labels().forEach((text, i) => ctx.fillText(text, x0 + (shown[i] + 1) * bw, 19));
    if (g.missing) {
      ctx.textAlign = "left";
      ctx.fillStyle = "#999";
      ctx.fillText("grey: not finite", 8, 19);
    }
  }

  // Called once per animation frame by main.js; redraws only the layers marked dirty.
  render() {
    if (!this.size.w) return;
    if (this.dirty.base) this.drawBase();
    if (this.dirty.trail) this.drawTrail();
    if (this.dirty.overlay) this.drawOverlay();
    this.dirty = { base: false, trail: false, overlay: false };
  }

  // ---- interaction -------------------------------------------------------------------------

  lossAt(x, y) {
    const g = this.grid;
    if (!g) return null;
    const fx = ((x - g.x[0]) / (g.x[g.m - 1] - g.x[0])) * (g.m - 1);
    const fy = ((y - g.y[0]) / (g.y[g.n - 1] - g.y[0])) * (g.n - 1);
    if (!(fx >= 0 && fy >= 0 && fx <= g.m - 1 && fy <= g.n - 1)) return null;
    const j = Math.min(g.m - 2, Math.floor(fx));
    const i = Math.min(g.n - 2, Math.floor(fy));
    const a = fx - j;
    const b = fy - i;
    const v = (ii, jj) => g.values[ii * g.m + jj];
    // Bilinear interpolation between grid values; Infinity (missing) propagates.
    return (1 - b) * ((1 - a) * v(i, j) + a * v(i, j + 1)) + b * ((1 - a) * v(i + 1, j) + a * v(i + 1, j + 1));
  }

  pos(e) {
    const b = this.overlay.getBoundingClientRect();
    return [e.clientX - b.left, e.clientY - b.top];
  }

  nearStart(px, py) {
    if (!this.start) return false;
    const { xs, ys } = this.scales();
    return Math.hypot(xs(this.start[0]) - px, ys(this.start[1]) - py) <= 12;
  }

  bindPointer() {
    const el = this.overlay;
    let drag = null;
    el.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      const [px, py] = this.pos(e);
      el.setPointerCapture(e.pointerId);
      drag = { mode: this.nearStart(px, py) ? "start" : "pan", px, py, view: this.view.map((r) => r.slice()), moved: false };
      el.classList.add(drag.mode === "start" ? "dragging-start" : "panning");
    });
    el.addEventListener("pointermove", (e) => {
      const [px, py] = this.pos(e);
      if (!drag) {
        this.hover(px, py);
        el.classList.toggle("over-start", this.nearStart(px, py));
        return;
      }
      if (Math.hypot(px - drag.px, py - drag.py) > 3) drag.moved = true;
      const { xs, ys } = this.scales(drag.view);
      if (drag.mode === "start") {
        this.setStart([xs.invert(px), ys.invert(py)]);
        this.onStartDrag?.(this.start);
        this.hover(px, py);
      } else if (drag.moved) {
        const ddx = xs.invert(drag.px) - xs.invert(px);
        const ddy = ys.invert(drag.py) - ys.invert(py);
        this.setView([[drag.view[0][0] + ddx, drag.view[0][1] + ddx], [drag.view[1][0] + ddy, drag.view[1][1] + ddy]], false);
      }
    });
    const end = (e) => {
      if (!drag) return;
      const d = drag;
      drag = null;
      el.classList.remove("dragging-start", "panning");
      if (e.type === "pointercancel") return;
      const [px, py] = this.pos(e);
      const { xs, ys, r } = this.scales(d.view);
      if (d.mode === "start") {
        if (d.moved) this.onStart?.(this.start);
      } else if (!d.moved) {
        // A click (no drag) inside the plot sets the start point there.
        if (px >= r.x && px <= r.x + r.w && py >= r.y && py <= r.y + r.h) {
          this.setStart([xs.invert(px), ys.invert(py)]);
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
        const [px, py] = this.pos(e);
        this.zoom(Math.exp(e.deltaY * 0.0015), px, py);
      },
      { passive: false },
    );
  }

  // Zoom by `factor` (>1 zooms out) about a pixel position (default: the plot's centre).
  zoom(factor, px, py) {
    const { r, xs, ys } = this.scales();
    const cx = xs.invert(px ?? r.x + r.w / 2);
    const cy = ys.invert(py ?? r.y + r.h / 2);
    const [[x0, x1], [y0, y1]] = this.view;
    this.setView([[cx + (x0 - cx) * factor, cx + (x1 - cx) * factor], [cy + (y0 - cy) * factor, cy + (y1 - cy) * factor]]);
  }

  bindToolbar() {
    this.root.querySelector("[data-action=zoom-in]")?.addEventListener("click", () => this.zoom(1 / 1.5));
    this.root.querySelector("[data-action=zoom-out]")?.addEventListener("click", () => this.zoom(1.5));
    this.root.querySelector("[data-action=reset-view]")?.addEventListener("click", () => this.onResetView?.());
  }

  hover(px, py) {
    const { r, xs, ys } = this.scales();
    if (px < r.x || px > r.x + r.w || py < r.y || py > r.y + r.h) {
      this.tip.hidden = true;
      return;
    }
    const x = xs.invert(px);
    const y = ys.invert(py);
    const loss = this.lossAt(x, y);
    const lossText = loss === null ? "?" : Number.isFinite(loss) ? `≈ ${formatNumber(loss)}` : "not finite";
    this.tip.textContent = `${this.names[0]} = ${formatNumber(x)}, ${this.names[1]} = ${formatNumber(y)}, loss ${lossText}`;
    this.tip.hidden = false;
    const left = Math.min(px + 14, this.size.w - this.tip.offsetWidth - 4);
    this.tip.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, py - 30)}px)`;
  }
}

function pin(r, x, y, pad) {
  return [Math.min(r.x + r.w - pad, Math.max(r.x + pad, x)), Math.min(r.y + r.h - pad, Math.max(r.y + pad, y))];
}

function label(ctx, text, x, y, color) {
  ctx.save();
  ctx.font = "bold 12px system-ui, sans-serif";
  ctx.lineWidth = 3;
  ctx.strokeStyle = "#111";
  ctx.strokeText(text, x, y);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
  ctx.restore();
}
