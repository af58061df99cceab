// net/datadraw.js — the data with the network's prediction over it (a POST /predict answer):
// for two features, the decision map (each cell tinted by its most likely class, the stronger
// the surer) or the predicted value, with the samples on top; for one feature, the prediction
// as a curve through the samples; for more, the prediction against the target per sample.
// Train samples are filled, test samples hollow.
import { axes, axisMap } from "../draw.js";

export const CLASS_COLORS = ["#4c9be8", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f", "#bab0ac"];
const BG = [13, 17, 23];

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

// A cell's colour for class probabilities `p`: the likeliest class's, mixed into the background
// by how sure the network is (0 at a coin flip, 1 when certain).
export function heatColor(p, colors = CLASS_COLORS) {
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
  const chance = 1 / p.length;
  const sure = Math.max(0, Math.min(1, (p[best] - chance) / (1 - chance)));
  const mix = 0.12 + 0.6 * sure;
  return rgb(colors[best % colors.length]).map((v, i) => Math.round(BG[i] + (v - BG[i]) * mix));
}

// A short fingerprint of a drawn prediction grid (cells per class and the mean certainty, or
// the mean value): it changes when the picture does, so tests can compare two steps.
export function heatSignature(grid) {
  const cells = grid.flat();
  if (!cells.length) return "";
  if (!Array.isArray(cells[0])) return (cells.reduce((a, v) => a + (v ?? 0), 0) / cells.length).toFixed(4);
  const counts = new Array(cells[0].length).fill(0);
  let sure = 0;
  for (const p of cells) {
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
    counts[best]++;
    sure += p[best];
  }
  return `${counts.join("/")}:${(sure / cells.length).toFixed(4)}`;
}

const extent = (values) => {
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const pad = (hi - lo || 1) * 0.06;
  return [lo - pad, hi + pad];
};

// Draw answer `a`'s first fit into rect r; returns the kind of picture drawn.
export function drawNetworkData(ctx, r, a) {
  const fit = a.fits[0];
  const names = a.feature_names;
  const parts = ["train", "test"].map((k) => ({ k, ...a.samples[k] }));
  if (a.grid?.y && fit.grid) {
    const xs = axisMap([a.grid.x[0], a.grid.x.at(-1)], [r.x, r.x + r.w]);
    const ys = axisMap([a.grid.y[0], a.grid.y.at(-1)], [r.y, r.y + r.h], true);
    paintGrid(ctx, r, fit.grid, a.classes);
    for (const p of parts) p.features.forEach((f, i) => mark(ctx, xs(f[0]), ys(f[1]), sampleColor(a, p.target[i]), p.k));
    axes(ctx, r, xs, ys, names[0], names[1]);
    return a.classes ? "decision-map" : "value-map";
  }
  if (a.grid && fit.grid) {
    const xs = axisMap([a.grid.x[0], a.grid.x.at(-1)], [r.x, r.x + r.w]);
    const curve = a.classes ? fit.grid.map((p) => p[p.length - 1]) : fit.grid;
    const targets = parts.flatMap((p) => p.target);
    const ys = axisMap(a.classes ? [-0.1, 1.1] : extent([...targets, ...curve]), [r.y, r.y + r.h], true);
    for (const p of parts) p.features.forEach((f, i) => mark(ctx, xs(f[0]), ys(a.classes ? p.target[i] : p.target[i]), sampleColor(a, p.target[i]), p.k));
    line(ctx, a.grid.x.map((x, i) => [xs(x), ys(curve[i])]), "#ffffff");
    axes(ctx, r, xs, ys, names[0], a.classes ? `P(${a.classes.at(-1)})` : a.target_name);
    return "curve";
  }
  // More than two features: each train sample's prediction against its target.
  const pred = fit.predictions.train.map((v) => (Array.isArray(v) ? v[v.length - 1] : v));
  const target = parts[0].target;
  const xs = axisMap(extent(target), [r.x, r.x + r.w]);
  const ys = axisMap(extent(pred), [r.y, r.y + r.h], true);
  target.forEach((t, i) => mark(ctx, xs(t), ys(pred[i]), sampleColor(a, t), "train"));
  axes(ctx, r, xs, ys, `target (${a.target_name})`, "prediction");
  return "scatter";
}

const sampleColor = (a, t) => (a.classes ? CLASS_COLORS[t % CLASS_COLORS.length] : "#e6edf3");

function paintGrid(ctx, r, grid, classes) {
  const ny = grid.length;
  const nx = grid[0].length;
  const img = new ImageData(nx, ny);
  let lo = Infinity;
  let hi = -Infinity;
  if (!classes) for (const v of grid.flat()) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const cell = grid[i][j];
      const c = classes ? heatColor(cell) : heatColor([1 - (cell - lo) / (hi - lo || 1), (cell - lo) / (hi - lo || 1)]);
      const o = 4 * ((ny - 1 - i) * nx + j); // row 0 is the lowest y: drawn at the bottom
      img.data.set([...c, 255], o);
    }
  }
  const tmp = new OffscreenCanvas(nx, ny);
  tmp.getContext("2d").putImageData(img, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, r.x, r.y, r.w, r.h);
  ctx.restore();
}

function mark(ctx, x, y, color, part) {
  ctx.beginPath();
  ctx.arc(x, y, part === "train" ? 3.2 : 3.6, 0, 2 * Math.PI);
  if (part === "train") {
    ctx.fillStyle = color;
    ctx.fill();
    ctx.strokeStyle = "#0b0f14";
    ctx.lineWidth = 1;
  } else {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.6;
  }
  ctx.stroke();
}

function line(ctx, pts, color) {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.stroke();
  ctx.restore();
}
