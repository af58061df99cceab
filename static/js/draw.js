// draw.js — small canvas helpers shared by the 2-D surface and the 1-D curve views.
import { formatNumber, niceTicks } from "./format.js";

// Size a canvas for the screen's pixel ratio so lines stay sharp on HiDPI/phone screens;
// returns the context already scaled to CSS pixels.
export function fitCanvas(canvas, width, height) {
  const dpr = Math.min(globalThis.devicePixelRatio || 1, 2);
  const w = Math.max(1, Math.round(width * dpr));
  const h = Math.max(1, Math.round(height * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

// Canvas paths misbehave with astronomically large coordinates (a diverging run reaches
// 1e150), so every pixel coordinate is clamped to a generous box first.
export const clampPx = (v) => (v > 1e5 ? 1e5 : v < -1e5 ? -1e5 : v);

// Linear data ↔ pixel mapping for one axis; `flip` for y (up is positive in maths).
export function axisMap([d0, d1], [p0, p1], flip = false) {
  const [a, b] = flip ? [p1, p0] : [p0, p1];
  const k = (b - a) / (d1 - d0);
  const f = (v) => clampPx(a + (v - d0) * k);
  f.invert = (p) => d0 + (p - a) / k;
  f.scale = k;
  return f;
}

// Optimizer state that points along the update (drawn as the dashed "velocity" arrow).
export const VELOCITY_STATE = ["momentum_buffer", "exp_avg", "velocity", "momentum", "m"];

// Publish what a view drew this frame as data attributes (data-gradient-arrows="2", …), so tests
// can tell a drawn arrow or marker from a blank canvas. Touches the DOM only on a change.
export function markCounts(root, marks) {
  for (const [name, n] of Object.entries(marks)) {
    const key = `${name}Marks`;
    if (root.dataset[key] !== String(n)) root.dataset[key] = String(n);
  }
}

// An arrow from (x0, y0) to (x1, y1); false (nothing drawn) when it would be under a pixel long.
export function arrow(ctx, x0, y0, x1, y1, { color, width = 2, dash = null, head = 7 }) {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = Math.hypot(dx, dy);
  if (!(len > 1)) return false;
  const ux = dx / len;
  const uy = dy / len;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = width;
  if (dash) ctx.setLineDash(dash);
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1 - ux * head * 0.8, y1 - uy * head * 0.8);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - ux * head - uy * head * 0.5, y1 - uy * head + ux * head * 0.5);
  ctx.lineTo(x1 - ux * head + uy * head * 0.5, y1 - uy * head - ux * head * 0.5);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
  return true;
}

// Outlined dot: visible on both the dark and the bright end of the colour map.
export function dot(ctx, x, y, r, fill, stroke = "#111") {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = stroke;
  ctx.stroke();
}

// The two strokes of an ✕ centred on (x, y), added to the current path.
export function crossPath(ctx, x, y, r) {
  ctx.moveTo(x - r, y - r);
  ctx.lineTo(x + r, y + r);
  ctx.moveTo(x + r, y - r);
  ctx.lineTo(x - r, y + r);
}

export function cross(ctx, x, y, r, color) {
  ctx.save();
  for (const w of [4.5, 2.5]) {
    ctx.lineWidth = w;
    ctx.strokeStyle = w > 3 ? "#111" : color;
    ctx.beginPath();
    crossPath(ctx, x, y, r);
    ctx.stroke();
  }
  ctx.restore();
}

export function ring(ctx, x, y, r, color) {
  ctx.save();
  for (const [w, c] of [[4.5, "#111"], [2.5, color]]) {
    ctx.lineWidth = w;
    ctx.strokeStyle = c;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.stroke();
  }
  ctx.restore();
}

export function star(ctx, x, y, r, color = "#fff") {
  ctx.save();
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 ? r * 0.45 : r;
    ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  ctx.closePath();
  ctx.fillStyle = color;
  ctx.fill();
  ctx.lineWidth = 1;
  ctx.strokeStyle = "#111";
  ctx.stroke();
  ctx.restore();
}

// Ticks, tick labels and axis titles around the plot rectangle `r` = {x, y, w, h}.
// yTicks: false for a y axis that only stacks rows (bars), tick: how a tick's value reads.
export function axes(ctx, r, xs, ys, xLabel, yLabel, color = "#c9d1d9", { yTicks = true, tick = (t) => formatNumber(t, 3) } = {}) {
  ctx.save();
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = color;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const [x0, x1] = [xs.invert(r.x), xs.invert(r.x + r.w)];
  for (const t of niceTicks(Math.min(x0, x1), Math.max(x0, x1), Math.max(3, Math.floor(r.w / 70)))) {
    const px = Math.round(xs(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, r.y + r.h);
    ctx.lineTo(px, r.y + r.h + 4);
    ctx.stroke();
    ctx.fillText(tick(t), px, r.y + r.h + 6);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const [y0, y1] = [ys.invert(r.y + r.h), ys.invert(r.y)];
  const yAt = yTicks ? niceTicks(Math.min(y0, y1), Math.max(y0, y1), Math.max(3, Math.floor(r.h / 40))) : [];
  for (const t of yAt) {
    const py = Math.round(ys(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(r.x - 4, py);
    ctx.lineTo(r.x, py);
    ctx.stroke();
    ctx.fillText(tick(t), r.x - 6, py);
  }
  ctx.font = "bold 12px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(xLabel, r.x + r.w / 2, r.y + r.h + 34);
  ctx.translate(12, r.y + r.h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "top";
  ctx.fillText(yLabel, 0, -10);
  ctx.restore();
}

// Length on screen for a vector arrow: the direction is exact, the length compressed (log-like,
// relative to `ref`, the run's first gradient norm) because raw gradients span many decades.
export function arrowLength(magnitude, ref, min = 12, max = 64) {
  if (!(magnitude > 1e-12) || !Number.isFinite(magnitude)) return 0;
  const r = ref > 0 && Number.isFinite(ref) ? ref : magnitude;
  const t = Math.log10(1 + (10 * magnitude) / r) / Math.log10(11);
  return Math.min(max, min + (max - min) * Math.min(1, t));
}
