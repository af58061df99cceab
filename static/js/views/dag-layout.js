// views/dag-layout.js — where the backpropagation graph's boxes, edges and edge labels go, so
// the whole graph fits the panel's width (pure geometry, tested in node). Columns are the
// nodes' depths from the inputs. In order of preference:
//   "row":     all columns left to right, when they fit;
//   "bands":   the columns wrapped into bands of as many as fit, alternately left to right and
//              right to left, so the edge from one band to the next drops straight down;
//   "stack":   one band per depth, top to bottom, the nodes of a depth side by side (phones),
//              wrapped onto more rows when too wide; scaled down only if a single box is too
//              wide (never below MIN_SCALE: then it scrolls).
// Box widths come from their text; the gap between columns from the widest edge label.

export const BOX_H = 64;
const PAD = 14;
const ROW_GAP = 18; // between boxes stacked in one column
const BAND_GAP = 46; // between bands: room for an edge label above a box
const SIDE_GAP = 14; // between boxes side by side in "stack"
const PORT = 22; // spread of several inputs entering one box from above
export const MIN_SCALE = 0.5;

// nodes: [{id, inputs}] (ids are indices); nodeWidth(n) and labelWidth(n, k) in px.
export function layout(nodes, { width = Infinity, nodeWidth = () => 156, labelWidth = () => 40 } = {}) {
  const depth = [];
  for (const n of nodes) depth[n.id] = n.inputs.length ? 1 + Math.max(...n.inputs.map((i) => depth[i])) : 0;
  const cols = [];
  for (const n of nodes) (cols[depth[n.id]] ??= []).push(n.id);
  const w = nodes.map((n) => Math.ceil(nodeWidth(n)));
  const colW = cols.map((ids) => Math.max(...ids.map((id) => w[id])));
  const widest = Math.max(0, ...nodes.flatMap((n) => n.inputs.map((_, k) => labelWidth(n, k))));
  const gap = Math.max(44, Math.ceil(widest) + 22);
  const bandWidth = (from, to) => PAD * 2 + colW.slice(from, to).reduce((a, b) => a + b, 0) + (to - from - 1) * gap;

  let per = cols.length;
  while (per > 1 && !fitsInBands(per)) per--;
  function fitsInBands(c) {
    for (let b = 0; b < cols.length; b += c) if (bandWidth(b, Math.min(cols.length, b + c)) > width) return false;
    return true;
  }
  const mode = per === cols.length && bandWidth(0, cols.length) <= width ? "row" : per >= 2 ? "bands" : "stack";
  const pos = mode === "stack" ? stack(cols, w, width) : bands(cols, w, colW, per, gap);
  const edges = route(nodes, pos, mode, labelWidth);
  // Fit the drawing to what it holds (boxes and labels), with a margin all round.
  const items = [...pos.map((p) => ({ x: p.x, y: p.y, w: p.w, h: BOX_H })), ...edges.map((e) => e.label)];
  const x0 = Math.min(...items.map((b) => b.x)) - PAD;
  const y0 = Math.min(...items.map((b) => b.y)) - PAD;
  const x1 = Math.max(...items.map((b) => b.x + b.w)) + PAD;
  const y1 = Math.max(...items.map((b) => b.y + b.h)) + PAD;
  shift(pos, edges, -x0, -y0);
  const natural = { width: Math.ceil(x1 - x0), height: Math.ceil(y1 - y0) };
  const scale = Math.max(MIN_SCALE, Math.min(1, width / natural.width));
  return { mode, pos, edges, ...natural, scale };
}

// Columns wrapped into bands of `per`, odd bands right to left (boustrophedon).
function bands(cols, w, colW, per, gap) {
  const pos = [];
  const count = Math.ceil(cols.length / per);
  const span = (b) => cols.slice(b * per, (b + 1) * per);
  const bandW = (b) => span(b).reduce((a, ids, i) => a + colW[b * per + i], 0) + (span(b).length - 1) * gap;
  const full = Math.max(...Array.from({ length: count }, (_, b) => bandW(b)));
  let top = 0;
  for (let b = 0; b < count; b++) {
    const ltr = b % 2 === 0;
    let x = ltr ? 0 : full;
    span(b).forEach((ids, i) => {
      const c = b * per + i;
      const left = ltr ? x : x - colW[c];
      ids.forEach((id, r) => (pos[id] = { x: left + (colW[c] - w[id]) / 2, y: top + r * (BOX_H + ROW_GAP), w: w[id], col: c, band: b, row: r, ltr }));
      x = ltr ? x + colW[c] + gap : x - colW[c] - gap;
    });
    const rows = Math.max(...span(b).map((ids) => ids.length));
    top += rows * (BOX_H + ROW_GAP) - ROW_GAP + BAND_GAP;
  }
  return pos;
}

// One row per depth, its nodes side by side and centred; a depth too wide for the panel wraps
// onto further rows (each still a band of its own, so edges enter every box from above).
function stack(cols, w, width) {
  const pos = [];
  const room = width - 2 * PAD;
  const lines = [];
  cols.forEach((ids, c) => {
    let line = [];
    let used = 0;
    for (const id of ids) {
      if (line.length && used + SIDE_GAP + w[id] > room) {
        lines.push({ ids: line, c });
        [line, used] = [[], 0];
      }
      used += (line.length ? SIDE_GAP : 0) + w[id];
      line.push(id);
    }
    lines.push({ ids: line, c });
  });
  const lineW = lines.map(({ ids }) => ids.reduce((a, id) => a + w[id], 0) + (ids.length - 1) * SIDE_GAP);
  const full = Math.max(...lineW);
  lines.forEach(({ ids, c }, l) => {
    let x = (full - lineW[l]) / 2;
    for (const id of ids) {
      pos[id] = { x, y: l * (BOX_H + BAND_GAP), w: w[id], col: c, band: l, row: 0, ltr: true };
      x += w[id] + SIDE_GAP;
    }
  });
  return pos;
}

// Each edge as a cubic curve with its label box ({x, y, w, h}; the text sits at its baseline).
function route(nodes, pos, mode, labelWidth) {
  const edges = [];
  for (const n of nodes) {
    const b = pos[n.id];
    const many = n.inputs.length;
    n.inputs.forEach((from, k) => {
      const a = pos[from];
      const lw = Math.ceil(labelWidth(n, k));
      const dup = n.inputs.indexOf(from) !== k; // x × x: the second edge bends away
      const across = mode === "stack" || a.band !== b.band;
      if (across && b.row > 0) {
        // Into a box with another above it: from the side its band's inputs come from, so the
        // edge and its label stay clear of the box above.
        const x0 = a.x + a.w / 2;
        const y0 = a.y + BOX_H;
        const dir = b.ltr ? 1 : -1;
        const x1 = b.ltr ? b.x : b.x + b.w;
        const y1 = b.y + BOX_H / 2 + (many > 1 ? (k - (many - 1) / 2) * 18 : 0);
        const label = { x: dir > 0 ? x1 - 10 - lw : x1 + 10, y: y1 - 17, w: lw, h: 14, anchor: dir > 0 ? "end" : "start" };
        edges.push({ from, to: n.id, k, curve: [x0, y0, x0, y1, x1 - dir * 40, y1, x1 - dir * 4, y1], label });
        return;
      }
      if (across) {
        // Out of the source's bottom, into the target's top (several inputs side by side).
        const x0 = a.x + a.w / 2 + (dup ? 10 : 0);
        const y0 = a.y + BOX_H;
        const x1 = b.x + b.w / 2 + (many > 1 ? (k - (many - 1) / 2) * PORT : 0);
        const y1 = b.y;
        const bend = Math.max(24, (y1 - y0) / 2);
        const left = many > 1 && k < (many - 1) / 2;
        const label = { x: left ? x1 - 6 - lw : x1 + 6, y: y1 - 22, w: lw, h: 14, anchor: left ? "end" : "start" };
        edges.push({ from, to: n.id, k, curve: [x0, y0, x0, y0 + bend, x1, y1 - bend, x1, y1 - 4], label });
        return;
      }
      // Within a band: out of the side facing the target, into its other side.
      const dir = b.ltr ? 1 : -1;
      const x0 = b.ltr ? a.x + a.w : a.x;
      const cy = (p) => p.y + BOX_H / 2;
      const y0 = cy(a) + (dup ? 8 : many > 1 && n.inputs[0] === n.inputs[1] ? -8 : 0);
      const x1 = b.ltr ? b.x : b.x + b.w;
      const y1 = cy(b) + (many > 1 ? (k - (many - 1) / 2) * 18 : 0);
      const mx = (x0 + x1) / 2;
      const bend = dup ? 26 : 0;
      const below = many > 1 && k === many - 1;
      const lx = x1 - dir * 10;
      const label = { x: dir > 0 ? lx - lw : lx, y: below ? y1 + 3 : y1 - 17, w: lw, h: 14, anchor: dir > 0 ? "end" : "start" };
      edges.push({ from, to: n.id, k, curve: [x0, y0, mx, y0 + bend, mx, y1 + bend, x1 - dir * 4, y1], label });
    });
  }
  return edges;
}

function shift(pos, edges, dx, dy) {
  for (const p of pos) [p.x, p.y] = [p.x + dx, p.y + dy];
  for (const e of edges) {
    e.curve = e.curve.map((v, i) => v + (i % 2 ? dy : dx));
    e.label.x += dx;
    e.label.y += dy;
  }
}
