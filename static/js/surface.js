// surface.js — the 2-D loss surface: filled log-spaced contours (d3-contour), the colour legend,
// axes named after the objective's parameters, every run's path and current point with its
// gradient and momentum arrows; hover readout, wheel/drag zoom-pan, click/drag of the start.
// Three stacked canvases so each frame redraws only what changed: base (contours + axes),
// trail (paths, drawn incrementally), overlay (markers, arrows).
import { RUN_COLORS, finiteExtent, logLevels, makeColorScale } from "./colorscale.js";
import { drawLegend, renderContours } from "./contours.js";
import { axes, axisMap, fitCanvas } from "./draw.js";
import { bindPlotKeys } from "./plotkeys.js";
import { bindSurfaceInput } from "./surfaceinput.js";
import { drawOverlay, drawTrail } from "./surfacepaths.js";

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
    bindSurfaceInput(this);
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
    const color = makeColorScale(levels);
    this.grid = { x: data.x, y: data.y, m, n, values, bounds: bounds.map((r) => r.slice()), levels, color, missing, extent: ext };
    const r = this.rect();
    this.grid.image = renderContours(this.grid, r.w, r.h);
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

  drawLegend() {
    if (this.legend) drawLegend(this.legend, this.grid, this.legend.clientWidth || this.size.w, MARGIN);
  }

  // Called once per animation frame by the page's player; redraws only the layers marked dirty.
  render() {
    if (!this.size.w) return;
    if (this.dirty.base) this.drawBase();
    if (this.dirty.trail) drawTrail(this);
    if (this.dirty.overlay) drawOverlay(this);
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

  // Zoom by `factor` (>1 zooms out) about a pixel position (default: the plot's centre).
  zoom(factor, px, py) {
    const { r, xs, ys } = this.scales();
    const cx = xs.invert(px ?? r.x + r.w / 2);
    const cy = ys.invert(py ?? r.y + r.h / 2);
    const [[x0, x1], [y0, y1]] = this.view;
    this.setView([[cx + (x0 - cx) * factor, cx + (x1 - cx) * factor], [cy + (y0 - cy) * factor, cy + (y1 - cy) * factor]]);
  }

}

