// views/labels.js — where to put a text label for an arrow drawn on a plot: beside one of its
// tips, wholly inside the plot, off the other arrows and labels. Pure geometry (tested in node).

const GAP = 5; // px between an arrow's tip and its label
const CLEAR = 10; // px a label would like to keep from the other arrows

// Distance from point (px, py) to the segment a–b.
export function segmentDistance(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const L = dx * dx + dy * dy;
  const t = L ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / L)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// Distance from the segment a–b to the box {x, y, w, h} (0 when they touch or cross).
export function boxDistance(box, a, b) {
  const inside = ([x, y]) => x >= box.x && x <= box.x + box.w && y >= box.y && y <= box.y + box.h;
  if (inside(a) || inside(b)) return 0;
  const corners = [[box.x, box.y], [box.x + box.w, box.y], [box.x + box.w, box.y + box.h], [box.x, box.y + box.h]];
  // Crossing an edge of the box counts as touching.
  for (let i = 0; i < 4; i++) if (crosses(a, b, corners[i], corners[(i + 1) % 4])) return 0;
  let d = Math.min(...corners.map(([x, y]) => segmentDistance(x, y, a, b)));
  for (let i = 0; i < 4; i++) d = Math.min(d, segmentDistance(...a, corners[i], corners[(i + 1) % 4]), segmentDistance(...b, corners[i], corners[(i + 1) % 4]));
  return d;
}

function crosses([ax, ay], [bx, by], [cx, cy], [dx, dy]) {
  const side = (px, py, qx, qy, rx, ry) => Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));
  return side(ax, ay, bx, by, cx, cy) * side(ax, ay, bx, by, dx, dy) < 0 && side(cx, cy, dx, dy, ax, ay) * side(cx, cy, dx, dy, bx, by) < 0;
}

// How far along the unit direction (ux, uy) a box of half-sizes (a, b) must be centred for its
// nearest point to sit GAP px from where it starts (bisection: the distance grows with it).
function reachFor(ux, uy, a, b) {
  const gapAt = (t) => Math.hypot(Math.max(0, Math.abs(ux) * t - a), Math.max(0, Math.abs(uy) * t - b));
  let [lo, hi] = [0, a + b + GAP * 2];
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (gapAt(mid) < GAP) lo = mid;
    else hi = mid;
  }
  return hi;
}

const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

// Place labels of size {w, h} for arrows [{from: [x, y], tips: [[x, y], …]}] inside `rect`.
// Each label goes beyond or beside one of its arrow's tips; candidates that leave the plot are
// pulled in, and those that touch another arrow or an earlier label lose. Returns boxes {x, y, w, h}.
export function placeLabels(arrows, sizes, rect, pad = 2) {
  const placed = [];
  const segments = arrows.flatMap((a, i) => a.tips.map((t) => ({ i, a: a.from, b: t })));
  arrows.forEach((arrow, i) => {
    const { w, h } = sizes[i];
    let best = null;
    for (const tip of arrow.tips) {
      const dx = tip[0] - arrow.from[0];
      const dy = tip[1] - arrow.from[1];
      const n = Math.hypot(dx, dy) || 1;
      const [ux, uy] = [dx / n, dy / n];
      const reach = reachFor(ux, uy, w / 2, h / 2);
      const side = Math.abs(-uy) * (w / 2) + Math.abs(ux) * (h / 2) + GAP;
      const centres = [
        [tip[0] + ux * reach, tip[1] + uy * reach], // beyond the tip
        [tip[0] - ux * (reach + 10) - uy * side, tip[1] - uy * (reach + 10) + ux * side], // beside it
        [tip[0] - ux * (reach + 10) + uy * side, tip[1] - uy * (reach + 10) - ux * side],
      ];
      centres.forEach(([cx, cy], c) => {
        const x = Math.min(Math.max(cx - w / 2, rect.x + pad), rect.x + rect.w - pad - w);
        const y = Math.min(Math.max(cy - h / 2, rect.y + pad), rect.y + rect.h - pad - h);
        const box = { x, y, w, h };
        const own = Math.min(...segments.filter((s) => s.i === i).map((s) => boxDistance(box, s.a, s.b)));
        const others = segments.filter((s) => s.i !== i).map((s) => boxDistance(box, s.a, s.b));
        const hits = others.filter((d) => d < 2).length + placed.filter((p) => overlap(p, box)).length;
        // Touching another arrow loses; merely near one costs; beyond the tip beats beside it.
        const crowd = others.reduce((a, d) => a + Math.max(0, CLEAR - d) * 2, 0);
        const score = hits * 1000 + crowd + own + Math.hypot(x - (cx - w / 2), y - (cy - h / 2)) * 0.5 + (c ? 2 : 0);
        if (!best || score < best.score) best = { box, score };
      });
    }
    placed.push(best.box);
  });
  return placed;
}
