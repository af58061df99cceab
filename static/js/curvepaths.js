// curvepaths.js — one run's descent on a one-dimensional loss curve: dashed path through its
// points, dots on each (thinned when there are many), and at the playhead the point with its
// tangent (slope = gradient), a −gradient arrow and the momentum arrow; a cross where it diverged.
import { VELOCITY_STATE, arrow, arrowLength, cross, dot, ring } from "./draw.js";

// Draws run's steps 0..end in color; counts the marks drawn; returns how many points it drew.
export function drawCurveRun(ctx, run, { xs, ys, rect: r, end, color }, marks) {
  if (end < 0) return 0;
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 1.2;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  let pen = false;
  for (let k = 0; k <= end; k++) {
    const x = run.params[k];
    const z = run.loss[k];
    if (!Number.isFinite(x) || !Number.isFinite(z)) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(xs(x), ys(z));
    else ctx.moveTo(xs(x), ys(z));
    pen = true;
  }
  ctx.stroke();
  ctx.setLineDash([]);
  const every = Math.max(1, Math.ceil(end / 300));
  for (let k = 0; k <= end; k += every) {
    const x = run.params[k];
    const z = run.loss[k];
    if (Number.isFinite(x) && Number.isFinite(z)) {
      ctx.beginPath();
      ctx.arc(xs(x), ys(z), 2.5, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  const x = run.params[end];
  const z = run.loss[end];
  const status = run.statusAt(end);
  if (!Number.isFinite(x) || !Number.isFinite(z) || status === "diverged") {
    const j = run.lastFiniteIndex(end);
    // Pinned inside the plot: a diverged point is usually far outside the view.
    const px = Math.min(r.x + r.w - 10, Math.max(r.x + 10, xs(run.params[j])));
    const py = Math.min(r.y + r.h - 10, Math.max(r.y + 10, ys(run.loss[j])));
    if (j >= 0) {
      cross(ctx, px, py, 7, color);
      marks.diverged++;
    }
    return end + 1;
  }
  const cx = xs(x);
  const cy = ys(z);
  const g = run.grad[end];
  if (Number.isFinite(g)) {
    // Tangent: slope g in data units, drawn ±40 px wide.
    const hw = 40 / xs.scale;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1;
    ctx.globalAlpha = 0.7;
    ctx.beginPath();
    ctx.moveTo(xs(x - hw), ys(z - g * hw));
    ctx.lineTo(xs(x + hw), ys(z + g * hw));
    ctx.stroke();
    ctx.globalAlpha = 1;
    const L = arrowLength(Math.abs(g), Math.abs(run.grad[0]));
    if (L && arrow(ctx, cx, cy, cx - Math.sign(g) * L, cy, { color, width: 2.2 })) marks.gradient++;
    // Momentum / velocity: dashed, just below the gradient arrow so both stay readable.
    for (const name of VELOCITY_STATE) {
      const v = run.stateAt(name, end)?.[0];
      if (v === undefined) continue;
      const Lv = Number.isFinite(v) ? arrowLength(Math.abs(v), Math.abs(run.grad[0])) : 0;
      if (Lv && arrow(ctx, cx, cy + 9, cx - Math.sign(v) * Lv, cy + 9, { color, width: 1.6, dash: [4, 3] })) marks.velocity++;
      break;
    }
  }
  dot(ctx, cx, cy, 5.5, color);
  if (status === "converged") {
    ring(ctx, cx, cy, 10, color);
    marks.converged++;
  }
  return end + 1;
}
