// surfacepaths.js — what moves on the 2-D surface: each run's path (drawn incrementally while
// playing, whole and faint beyond the playhead while stopped), and at the playhead its point,
// gradient and momentum arrows, the ✕ of a diverged run and the ○ of a converged one.
import { VELOCITY_STATE, arrow, arrowLength, cross, dot, markCounts, ring, star } from "./draw.js";

export function drawTrail(view) {
  const t = view.traces;
  const ctx = view.trail.getContext("2d");
  const dpr = Math.min(globalThis.devicePixelRatio || 1, 2);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const { r, xs, ys } = view.scales();
  // drawn[ri] = last recorded index of run ri already on the trail canvas (incremental:
  // each frame adds only the new segments, so 8 × 5,000 points stay cheap).
  if (view.future || view.trailUpto < 0 || !view.drawn || view.drawn.length !== (t?.runs.length ?? 0)) {
    ctx.clearRect(0, 0, view.size.w, view.size.h);
    view.drawn = (t?.runs ?? []).map(() => -1);
    if (view.future && t) drawFuture(view, ctx, t);
  }
  view.trailUpto = view.cursor;
  if (!t) {
    view.root.dataset.points = "0";
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
    const end = Math.min(view.cursor, run.n - 1);
    points += Math.max(0, end + 1);
    const done = view.drawn[ri];
    if (end <= done) return;
    const color = view.colors[ri % view.colors.length];
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
    view.drawn[ri] = end;
  });
  ctx.restore();
  view.root.dataset.points = String(points);
}

function drawFuture(view, ctx, t) {
  const { r, xs, ys } = view.scales();
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
  ctx.globalAlpha = 0.35;
  ctx.lineWidth = 1.2;
  t.runs.forEach((run, ri) => {
    ctx.strokeStyle = view.colors[ri % view.colors.length];
    ctx.beginPath();
    let pen = false;
    for (let k = Math.max(0, view.cursor); k < run.n; k++) {
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

export function drawOverlay(view) {
  const ctx = view.overlay.getContext("2d");
  const dpr = Math.min(globalThis.devicePixelRatio || 1, 2);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, view.size.w, view.size.h);
  const { r, xs, ys } = view.scales();
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
  for (const m of view.minima) {
    if (m.point?.length >= 2) star(ctx, xs(m.point[0]), ys(m.point[1]), 7, m.kind === "global" ? "#fff" : "#bbb");
  }
  const t = view.traces;
  // What this frame shows, counted into data-gradient-marks, data-diverged-marks, … for tests.
  const marks = { gradient: 0, velocity: 0, diverged: 0, converged: 0 };
  if (t) {
    t.runs.forEach((run, ri) => {
      const color = view.colors[ri % view.colors.length];
      const k = Math.min(view.cursor, run.n - 1);
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
      if (vectorArrow(ctx, cx, cy, g, ref, xs, ys, { color, width: 2.2 })) marks.gradient++;
      for (const name of VELOCITY_STATE) {
        const v = run.stateAt(name, k);
        if (v) {
          if (vectorArrow(ctx, cx, cy, v, ref, xs, ys, { color, width: 1.6, dash: [4, 3] })) marks.velocity++;
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
  markCounts(view.root, marks);
  if (view.start && view.start.length >= 2) {
    const sx = xs(view.start[0]);
    const sy = ys(view.start[1]);
    view.root.dataset.startPx = `${sx.toFixed(1)},${sy.toFixed(1)}`; // where tests grab the marker
    dot(ctx, sx, sy, 7, "#ffffff", "#000");
    dot(ctx, sx, sy, 2.5, "#000", "#000");
  }
  ctx.restore();
}

// −vector (the way the update moves), compressed length; nothing for NaN or zero vectors.
// True when an arrow was drawn.
function vectorArrow(ctx, cx, cy, vec, ref, xs, ys, style) {
  if (!vec || !vec.every(Number.isFinite)) return false;
  const sx = -vec[0] * xs.scale;
  const sy = -vec[1] * ys.scale;
  const len = Math.hypot(sx, sy);
  const L = arrowLength(Math.hypot(vec[0], vec[1]), ref);
  if (!(len > 0) || !L) return false;
  return arrow(ctx, cx, cy, cx + (sx / len) * L, cy + (sy / len) * L, style);
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
