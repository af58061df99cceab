// datadraw.js — the data panel's pictures: samples and each run's model, drawn on a canvas for
// the four kinds of data POST /predict answers with (regression, classification, distribution,
// target). Pure drawing: every number comes in the answer.
import { axes, axisMap, dot } from "./draw.js";
import { plain } from "./format.js";

const CLASS_COLORS = ["#7aa2f7", "#e0af68", "#9ece6a"]; // muted: the runs' colours stay louder
const CLASS_SHAPES = ["circle", "triangle", "square"];

function extent(values, pad = 0.08) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(lo <= hi)) return [0, 1];
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - span * pad, hi + span * pad];
}

function clipTo(ctx, r) {
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
}

function polyline(ctx, xs, ys, x, y, color, width = 2, dash = null) {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  if (dash) ctx.setLineDash(dash);
  ctx.beginPath();
  let pen = false;
  x.forEach((xv, j) => {
    const yv = y[j];
    if (!Number.isFinite(yv)) return (pen = false);
    if (pen) ctx.lineTo(xs(xv), ys(yv));
    else ctx.moveTo(xs(xv), ys(yv));
    pen = true;
  });
  ctx.stroke();
  ctx.restore();
}

function mark(ctx, x, y, shape, color) {
  ctx.save();
  ctx.fillStyle = color;
  ctx.strokeStyle = "#111";
  ctx.beginPath();
  if (shape === "triangle") {
    ctx.moveTo(x, y - 5);
    ctx.lineTo(x + 5, y + 4);
    ctx.lineTo(x - 5, y + 4);
    ctx.closePath();
  } else if (shape === "square") ctx.rect(x - 4, y - 4, 8, 8);
  else ctx.arc(x, y, 4.5, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

// Samples as points, each run's ŷ over the grid, run 1's residuals as dashed segments.
export function drawRegression(ctx, r, a, colors) {
  const { x, y } = a.samples;
  const grid = a.grid ?? x;
  const xs = axisMap(extent([...x, ...grid], 0.02), [r.x, r.x + r.w]);
  const ys = axisMap(extent(y, 0.25), [r.y, r.y + r.h], true);
  axes(ctx, r, xs, ys, a.x_label, a.y_label);
  ctx.save();
  clipTo(ctx, r);
  let drawn = 0;
  const first = a.fits.findIndex(Boolean);
  a.fits.forEach((f, i) => {
    if (!f) return;
    drawn++;
    if (f.curve) polyline(ctx, xs, ys, grid, f.curve, colors[i % colors.length]);
    if (i === first && f.residuals) {
      ctx.save();
      ctx.strokeStyle = colors[i % colors.length];
      ctx.setLineDash([3, 3]);
      ctx.lineWidth = 1.2;
      x.forEach((xv, s) => {
        ctx.beginPath();
        ctx.moveTo(xs(xv), ys(y[s]));
        ctx.lineTo(xs(xv), ys(y[s] + f.residuals[s]));
        ctx.stroke();
      });
      ctx.restore();
    }
  });
  x.forEach((xv, s) => dot(ctx, xs(xv), ys(y[s]), 3.5, "#f0f0f0", "#111"));
  ctx.restore();
  return drawn;
}

// Samples by class (as rows of marks under the plot area's probabilities), each run's predicted
// probability (of class 1 with two classes; of every class for run 1 with more) and boundaries.
export function drawClasses(ctx, r, a, colors) {
  const { x, y } = a.samples;
  const grid = a.grid ?? x;
  const classes = a.classes ?? ["0", "1"];
  const xs = axisMap(extent([...x, ...grid], 0.02), [r.x, r.x + r.w]);
  const ys = axisMap([-0.12 - 0.08 * (classes.length - 1), 1.05], [r.y, r.y + r.h], true);
  axes(ctx, r, xs, ys, a.x_label, a.y_label);
  ctx.save();
  clipTo(ctx, r);
  let drawn = 0;
  const first = a.fits.findIndex(Boolean);
  a.fits.forEach((f, i) => {
    if (!f) return;
    drawn++;
    const color = colors[i % colors.length];
    const curves = Array.isArray(f.curve?.[0]) ? f.curve : f.curve ? [null, f.curve] : [];
    if (classes.length === 2 && curves[1]) polyline(ctx, xs, ys, grid, curves[1], color);
    else if (i === first) curves.forEach((c, k) => c && polyline(ctx, xs, ys, grid, c, CLASS_COLORS[k % 3], 1.6));
    for (const b of f.boundaries ?? []) {
      ctx.save();
      ctx.strokeStyle = color;
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(xs(b), r.y);
      ctx.lineTo(xs(b), r.y + r.h);
      ctx.stroke();
      ctx.restore();
    }
  });
  x.forEach((xv, s) => {
    const c = Number(y[s]);
    const row = classes.length === 2 ? c : -0.08 - 0.08 * c;
    mark(ctx, xs(xv), ys(row), CLASS_SHAPES[c % 3], CLASS_COLORS[c % 3]);
  });
  ctx.restore();
  legend(ctx, r, classes.map((name, c) => ({ shape: CLASS_SHAPES[c % 3], color: CLASS_COLORS[c % 3], name })));
  return drawn;
}

// p as grey bars, each run's q as a narrower coloured bar beside it, per class.
export function drawDistribution(ctx, r, a, colors) {
  const p = a.samples.y;
  const classes = a.classes ?? p.map((_, k) => String(k));
  const runs = a.fits.map((f, i) => ({ f, i })).filter(({ f }) => f);
  const xs = axisMap([-0.5, classes.length - 0.5], [r.x, r.x + r.w]);
  const ys = axisMap([0, 1], [r.y, r.y + r.h], true);
  axes(ctx, r, xs, ys, a.x_label, a.y_label);
  const slot = (xs(1) - xs(0)) * 0.8;
  const bw = slot / (runs.length + 1);
  classes.forEach((_, k) => {
    const left = xs(k) - slot / 2;
    ctx.fillStyle = "#8b949e";
    ctx.fillRect(left, ys(p[k]), bw - 1, ys(0) - ys(p[k]));
    runs.forEach(({ f, i }, j) => {
      const q = f.predictions[k];
      ctx.fillStyle = colors[i % colors.length];
      ctx.fillRect(left + (j + 1) * bw, ys(q), bw - 1, ys(0) - ys(q));
    });
  });
  ctx.save();
  ctx.fillStyle = "#c9d1d9";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  classes.forEach((name, k) => ctx.fillText(name, xs(k), r.y + 12));
  ctx.restore();
  return runs.length;
}

// The target as a grey bar, each run's prediction as a coloured one, on one value axis.
export function drawTarget(ctx, r, a, colors) {
  const target = a.samples.y[0];
  const runs = a.fits.map((f, i) => ({ f, i })).filter(({ f }) => f);
  const values = [0, target, ...runs.map(({ f }) => f.predictions[0])];
  const xs = axisMap(extent(values, 0.06), [r.x, r.x + r.w]);
  const rows = runs.length + 1;
  const ys = axisMap([0, rows], [r.y, r.y + r.h], true);
  axes(ctx, r, xs, ys, a.y_label, "", undefined, { yTicks: false, tick: plain });
  const bar = (row, v, color, text) => {
    const y0 = ys(rows - row - 0.2);
    const hgt = ys(rows - row - 0.8) - y0;
    ctx.fillStyle = color;
    ctx.fillRect(Math.min(xs(0), xs(v)), y0, Math.abs(xs(v) - xs(0)), hgt);
    ctx.fillStyle = "#e6edf3";
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(text, r.x + 6, y0 + hgt / 2);
  };
  bar(0, target, "#8b949e", `target ${plain(target)}`);
  runs.forEach(({ f, i }, j) => bar(j + 1, f.predictions[0], colors[i % colors.length], `run ${i + 1}: ${plain(f.predictions[0])}`));
  return runs.length;
}

function legend(ctx, r, items) {
  ctx.save();
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  let x = r.x + 8;
  for (const it of items) {
    mark(ctx, x, r.y + 10, it.shape, it.color);
    ctx.fillStyle = "#c9d1d9";
    ctx.fillText(it.name, x + 8, r.y + 10);
    x += 16 + ctx.measureText(it.name).width + 10;
  }
  ctx.restore();
}
