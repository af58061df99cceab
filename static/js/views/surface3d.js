// views/surface3d.js — the loss surface in 3-D with the runs' paths on it: a small hand-written
// canvas projection (painter's algorithm over the quads of a POST /surface grid). Drag or the
// arrow keys rotate, the wheel or +/− zoom. Height is the loss on a log scale (as the colours).
import { viridis } from "../colorscale.js";
import { el } from "../dom.js";
import { fitCanvas } from "../draw.js";
import { drawAxes3d } from "./axes3d.js";
import { num, post, traceKey } from "./common.js";

const RES = 48;

// Loss → height in [0, 1] on a log scale above the grid's minimum (works for negative losses).
export function heightScale(zmin, zmax) {
  const span = zmax - zmin || 1;
  const floor = span * 1e-4;
  const top = Math.log(span + floor) - Math.log(floor);
  return (v) => (v === null || !Number.isFinite(v) ? 1 : Math.min(1, Math.max(0, (Math.log(v - zmin + floor) - Math.log(floor)) / top)));
}

export function mount(body, ctx) {
  const canvas = el("canvas", { tabindex: "0", role: "img", "data-testid": "surface3d-canvas", "aria-label": "3-D loss surface: drag or use the arrow keys to rotate, wheel or +/− to zoom" });
  const buttons = [
    ["◀", "Rotate left", () => turn(-0.2, 0)],
    ["▶", "Rotate right", () => turn(0.2, 0)],
    ["▲", "Tilt up", () => turn(0, -0.1)],
    ["▼", "Tilt down", () => turn(0, 0.1)],
    ["+", "Zoom in", () => zoomBy(1.2)],
    ["−", "Zoom out", () => zoomBy(1 / 1.2)],
  ].map(([t, label, fn]) => {
    const b = el("button", { type: "button", "aria-label": label, title: label }, t);
    b.addEventListener("click", fn);
    return b;
  });
  const status = el("p", { class: "view-caption", "aria-live": "polite", "data-testid": "surface3d-status" });
  body.append(
    el("p", { class: "hint" }, "The loss as a landscape over the two parameters (height and colour: loss, log scale), with every run's path up to the playhead. Drag or use the arrow keys to rotate, wheel or +/− to zoom."),
    el("div", { class: "view-controls", role: "group", "aria-label": "Rotate and zoom" }, buttons),
    status,
    el("figure", { class: "view-figure surface3d" }, [canvas]),
  );

  const view = { yaw: -0.7, pitch: 0.95, zoom: 1 };
  let grid = null;
  let key = "";
  let asked = ""; // the surface last asked for (objective and view box)
  let width = 0;

  function turn(dy, dp) {
    view.yaw += dy;
    view.pitch = Math.min(1.5, Math.max(0.1, view.pitch + dp));
  }
  function zoomBy(f) {
    view.zoom = Math.min(5, Math.max(0.3, view.zoom * f));
  }

  async function load() {
    const meta = ctx.meta();
    if (!meta || meta.dim !== 2) {
      grid = null;
      status.textContent = "The 3-D view needs a two-parameter objective.";
      return;
    }
    const spec = ctx.objectiveSpec();
    const bounds = meta.view_box;
    const want = JSON.stringify([spec, bounds]);
    if (grid?.want === want) return;
    status.textContent = "Computing the surface…";
    try {
      const s = await post(ctx, "/surface", { objective: spec, bounds, resolution: RES });
      if (want !== asked) return; // the objective moved on meanwhile: its own request follows
      let zmin = Infinity;
      let zmax = -Infinity;
      for (const row of s.z) for (const v of row) if (v !== null && Number.isFinite(v)) [zmin, zmax] = [Math.min(zmin, v), Math.max(zmax, v)];
      grid = { ...s, bounds, zmin, zmax, h: heightScale(zmin, zmax), want, names: meta.param_names ?? ["x", "y"] };
      canvas.dataset.zmin = String(zmin);
      canvas.dataset.zmax = String(zmax);
      status.textContent = `${meta.title}: loss from ${num(zmin)} to ${num(zmax)} over ${RES}×${RES} points.`;
      key = "";
    } catch (e) {
      status.textContent = `Could not compute the surface: ${e.message}`;
    }
  }

  // World: x, y in [-1, 1] across the view box, height in [0, 1] → screen. The scale fits the
  // box at any yaw (its corners stay within √2 of the axis) inside margins for the axis labels,
  // so it does not change while the user rotates.
  function projector(W, H) {
    const [cy, sy, cp, sp] = [Math.cos(view.yaw), Math.sin(view.yaw), Math.cos(view.pitch), Math.sin(view.pitch)];
    const M = { l: 52, r: 24, t: 30, b: 38 };
    const halfUp = 0.55 * sp + Math.SQRT2 * cp;
    const scale = Math.min((W - M.l - M.r) / (2 * Math.SQRT2), (H - M.t - M.b) / (2 * halfUp)) * view.zoom;
    const [ox, oy] = [M.l + (W - M.l - M.r) / 2, M.t + (H - M.t - M.b) / 2];
    return (x, y, z) => {
      const rx = x * cy - y * sy;
      const ry = x * sy + y * cy;
      const h = (z - 0.5) * 1.1;
      // pitch: tilt the ground plane away from the viewer
      const depth = ry * sp + h * cp; // towards the viewer (who looks down from above)
      const up = h * sp - ry * cp;
      return [ox + rx * scale, oy - up * scale, depth];
    };
  }

  function draw() {
    const W = Math.min(760, Math.max(260, width || body.clientWidth || 500)); // before the first resize report
    const H = Math.round(W * (W < 480 ? 0.9 : 0.7)); // narrow screens: room for the axes
    const c = fitCanvas(canvas, W, H);
    c.fillStyle = "#0d1117";
    c.fillRect(0, 0, W, H);
    if (!grid) return;
    const P = projector(W, H);
    const { x, y, z, bounds } = grid;
    const [[x0, x1], [y0, y1]] = bounds;
    const wx = (v) => ((v - x0) / (x1 - x0)) * 2 - 1;
    const wy = (v) => ((v - y0) / (y1 - y0)) * 2 - 1;
    const pts = y.map((yy, i) => x.map((xx, j) => P(wx(xx), wy(yy), grid.h(z[i][j]))));
    const quads = [];
    for (let i = 0; i < y.length - 1; i++) {
      for (let j = 0; j < x.length - 1; j++) {
        const q = [pts[i][j], pts[i][j + 1], pts[i + 1][j + 1], pts[i + 1][j]];
        const t = (grid.h(z[i][j]) + grid.h(z[i][j + 1]) + grid.h(z[i + 1][j + 1]) + grid.h(z[i + 1][j])) / 4;
        quads.push({ q, t, d: q[0][2] + q[1][2] + q[2][2] + q[3][2] });
      }
    }
    quads.sort((a, b) => a.d - b.d); // far (small depth) first, so nearer quads cover them
    c.lineWidth = 0.4;
    for (const { q, t } of quads) {
      c.beginPath();
      c.moveTo(q[0][0], q[0][1]);
      for (let k = 1; k < 4; k++) c.lineTo(q[k][0], q[k][1]);
      c.closePath();
      c.fillStyle = viridis(t);
      c.strokeStyle = "rgba(0,0,0,0.35)";
      c.fill();
      c.stroke();
    }
    const labels = drawAxes3d(c, P, grid, { W, H });
    canvas.dataset.ticks = JSON.stringify(labels);
    // Paths up to the playhead, lifted a hair above the surface.
    const t = ctx.traces();
    let drawn = 0;
    if (t) {
      const k = ctx.cursor();
      t.runs.forEach((run, ri) => {
        c.strokeStyle = ctx.colors[ri % ctx.colors.length];
        c.lineWidth = 2;
        c.beginPath();
        let pen = false;
        for (let s = 0; s <= Math.min(k, run.n - 1); s++) {
          const p = run.point(s);
          const L = run.loss[s];
          if (!p || !p.every(Number.isFinite) || !Number.isFinite(L)) {
            pen = false;
            continue;
          }
          const [sx, sy] = P(wx(p[0]), wy(p[1]), grid.h(L) + 0.01);
          if (pen) c.lineTo(sx, sy);
          else c.moveTo(sx, sy);
          pen = true;
          drawn++;
        }
        c.stroke();
      });
    }
    canvas.dataset.pathPoints = String(drawn);
    canvas.dataset.yaw = view.yaw.toFixed(3);
    canvas.dataset.zoom = view.zoom.toFixed(3);
  }

  // One frame of the page's player: redraw when the view, the surface, the trace or the playhead
  // changed; ask for a new surface when the objective or its view box did.
  function frame() {
    const next = JSON.stringify([view, grid?.want, traceKey(ctx.traces()), ctx.cursor(), width]);
    if (next !== key) {
      key = next;
      draw();
    }
    const want = JSON.stringify([ctx.objectiveSpec(), ctx.meta()?.view_box]);
    if (want !== asked) {
      asked = want;
      load();
    }
  }
  new ResizeObserver(() => (width = body.clientWidth)).observe(body);

  let drag = null;
  canvas.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag) return;
    turn((e.clientX - drag.x) * 0.01, (e.clientY - drag.y) * 0.01);
    drag = { x: e.clientX, y: e.clientY };
  });
  canvas.addEventListener("pointerup", () => (drag = null));
  canvas.addEventListener("pointercancel", () => (drag = null));
  canvas.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      zoomBy(Math.exp(-e.deltaY * 0.0015));
    },
    { passive: false },
  );
  canvas.addEventListener("keydown", (e) => {
    const actions = { ArrowLeft: () => turn(-0.1, 0), ArrowRight: () => turn(0.1, 0), ArrowUp: () => turn(0, -0.05), ArrowDown: () => turn(0, 0.05), "+": () => zoomBy(1.2), "=": () => zoomBy(1.2), "-": () => zoomBy(1 / 1.2) };
    if (actions[e.key]) {
      e.preventDefault();
      e.stopPropagation(); // the page's own ← → step the playback
      actions[e.key]();
    }
  });

  return {
    show() {
      key = "";
    },
    frame,
  };
}
