// views/axes3d.js — axes of the 3-D view: ticks with numbers along the two ground edges nearest
// the viewer (the parameters), and a vertical loss axis (log scale, as the heights) at the
// leftmost corner, each with its title. Depth grows towards the viewer. `P(x, y, h)` projects world coordinates (x, y in
// [−1, 1] across the view box, h in [0, 1] the height) to [screenX, screenY, depth].
import { formatNumber, niceTicks } from "../format.js";

// Loss values for the height axis: its ends, and round numbers about a decade apart above the
// minimum (the heights are log-scaled), dropped where they would crowd a neighbour.
export function lossTicks(zmin, zmax, h, minGap = 0.08) {
  if (!(zmax > zmin)) return Number.isFinite(zmin) ? [zmin] : [];
  const out = [zmin];
  const span = zmax - zmin;
  for (let k = Math.floor(Math.log10(span)) - 6; 10 ** k < span; k++) {
    const v = Number((zmin + 10 ** k).toPrecision(1));
    if (v > zmin && v < zmax && h(v) - h(out.at(-1)) >= minGap) out.push(v);
  }
  while (out.length > 1 && h(zmax) - h(out.at(-1)) < minGap) out.pop();
  out.push(zmax);
  return out;
}

const FONT = "11px system-ui, sans-serif";
const TITLE = "bold 12px system-ui, sans-serif";
const COLOR = "#c9d1d9";

// Draws the axes; returns what it drew (tick labels per axis, and the titles) for tests.
export function drawAxes3d(c, P, grid, { W, H }) {
  const [[x0, x1], [y0, y1]] = grid.bounds;
  const wx = (v) => ((v - x0) / (x1 - x0)) * 2 - 1;
  const wy = (v) => ((v - y0) / (y1 - y0)) * 2 - 1;
  const clampX = (x) => Math.min(W - 4, Math.max(4, x));
  const clampY = (y) => Math.min(H - 4, Math.max(12, y));
  const drawn = { x: [], y: [], z: [], titles: [] };
  c.save();
  c.strokeStyle = COLOR;
  c.fillStyle = COLOR;
  c.lineWidth = 1;
  const text = (s, [sx, sy], align = "center", font = FONT) => {
    c.font = font;
    c.textAlign = align;
    c.textBaseline = "middle";
    c.lineWidth = 3;
    c.strokeStyle = "#0d1117";
    c.strokeText(s, clampX(sx), clampY(sy));
    c.fillText(s, clampX(sx), clampY(sy));
    c.lineWidth = 1;
    c.strokeStyle = COLOR;
  };
  const line = (a, b) => {
    c.beginPath();
    c.moveTo(a[0], a[1]);
    c.lineTo(b[0], b[1]);
    c.stroke();
  };
  // A parameter axis along the ground edge nearer the viewer (larger depth: drawn over the rest).
  const ground = (axis) => {
    const edge = [-1, 1].reduce((a, b) => (depthOf(P, axis, b) > depthOf(P, axis, a) ? b : a));
    const at = (t, out) => (axis === 0 ? P(wx(t), edge * out, 0) : P(edge * out, wy(t), 0));
    const [lo, hi] = axis === 0 ? [x0, x1] : [y0, y1];
    line(at(lo, 1), at(hi, 1));
    for (const t of niceTicks(lo, hi, 5)) {
      line(at(t, 1), at(t, 1.06));
      const label = formatNumber(t, 3);
      text(label, at(t, 1.14));
      drawn[axis === 0 ? "x" : "y"].push(label);
    }
    const mid = (lo + hi) / 2;
    text(grid.names[axis], at(mid, 1.3), "center", TITLE);
    drawn.titles.push(grid.names[axis]);
  };
  ground(0);
  ground(1);
  // The loss axis: a vertical line at the corner drawn furthest left.
  const corners = [[-1, -1], [1, -1], [1, 1], [-1, 1]];
  const [cx, cy] = corners.reduce((a, b) => (P(b[0], b[1], 0)[0] < P(a[0], a[1], 0)[0] ? b : a));
  const out = (k) => [cx * k, cy * k];
  line(P(...out(1.04), 0), P(...out(1.04), 1));
  for (const v of lossTicks(grid.zmin, grid.zmax, grid.h)) {
    const hv = grid.h(v);
    line(P(...out(1.04), hv), P(...out(1.1), hv));
    const [sx, sy] = P(...out(1.1), hv);
    const label = formatNumber(v, 3);
    text(label, [sx - 3, sy], "right");
    drawn.z.push(label);
  }
  const [tx, ty] = P(...out(1.04), 1);
  text("loss (log scale)", [tx, ty - 14], tx < W / 2 ? "left" : "center", TITLE);
  drawn.titles.push("loss (log scale)");
  c.restore();
  return drawn;
}

function depthOf(P, axis, edge) {
  return axis === 0 ? P(0, edge, 0)[2] : P(edge, 0, 0)[2];
}
