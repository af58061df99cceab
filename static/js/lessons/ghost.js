// lessons/ghost.js — the prediction's layer on the plot: a canvas over the surface (or the 1-D
// curve) that takes the learner's click as a guess, and draws the ghost point, the real point
// and the gap between them.
import { fitCanvas, ring, dot } from "../draw.js";

export class GhostLayer {
  // view: the page's SurfaceView (dim 2) or CurveView (dim 1); onPick(point) on a click.
  constructor(view, dim, onPick) {
    this.view = view;
    this.dims = dim;
    // A canvas in its own box, so the plot's own top canvas stays :last-of-type (app.css).
    this.box = document.createElement("div");
    this.box.className = "lesson-layer";
    this.box.dataset.testid = "ghost-layer";
    this.box.setAttribute("aria-hidden", "true"); // the guess's fields are the accessible way
    this.canvas = document.createElement("canvas");
    this.box.append(this.canvas);
    view.root.querySelector(".stack").append(this.box);
    this.canvas.addEventListener("pointerdown", (e) => {
      if (!this.picking || e.button !== 0) return;
      e.preventDefault();
      const b = this.canvas.getBoundingClientRect();
      const { xs, ys, r } = view.scales();
      const [px, py] = [e.clientX - b.left, e.clientY - b.top];
      if (px < r.x || px > r.x + r.w || py < r.y || py > r.y + r.h) return;
      onPick(this.dim() === 1 ? [xs.invert(px)] : [xs.invert(px), ys.invert(py)]);
    });
    this.picking = false;
    this.ghost = null;
    this.real = null;
    this.key = "";
  }

  dim() {
    return this.dims;
  }

  setPicking(on) {
    this.picking = on;
    this.box.classList.toggle("picking", on);
  }

  // The plot position of a point: on the curve for a 1-D loss (its height read off the curve).
  place(point, xs, ys) {
    if (point.length === 2) return [xs(point[0]), ys(point[1])];
    const c = this.view.curve;
    let y = NaN;
    if (c) {
      let j = c.x.findIndex((x) => x >= point[0]);
      if (j > 0) {
        const f = (point[0] - c.x[j - 1]) / (c.x[j] - c.x[j - 1]);
        y = c.z[j - 1] + f * (c.z[j] - c.z[j - 1]);
      } else if (j === 0) y = c.z[0];
    }
    return [xs(point[0]), Number.isFinite(y) ? ys(y) : ys.range?.[0] ?? 0];
  }

  // Redraw when the guess, the real point, the view or the canvas size changed.
  draw(ghost, real, color) {
    const { w, h } = this.view.size;
    const key = JSON.stringify([ghost, real, this.view.view, w, h, color, Boolean(this.view.curve)]);
    if (key === this.key) return;
    this.key = key;
    const c = fitCanvas(this.canvas, w, h);
    c.clearRect(0, 0, w, h);
    const { xs, ys } = this.view.scales();
    this.box.dataset.ghost = ghost ? JSON.stringify(ghost) : "";
    this.box.dataset.real = real ? JSON.stringify(real) : "";
    if (!ghost) return;
    const g = this.place(ghost, xs, ys);
    if (real) {
      const p = this.place(real, xs, ys);
      c.save();
      c.setLineDash([4, 4]);
      c.strokeStyle = "#f2cc60";
      c.lineWidth = 1.5;
      c.beginPath();
      c.moveTo(...g);
      c.lineTo(...p);
      c.stroke();
      c.restore();
      dot(c, p[0], p[1], 6, color);
    }
    c.save();
    c.setLineDash([3, 3]);
    ring(c, g[0], g[1], 8, "#f2cc60");
    c.restore();
  }

  remove() {
    this.box.remove();
  }
}
