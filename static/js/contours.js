// contours.js — the loss surface as filled, log-spaced contour bands (d3-contour) rendered once
// into an image, and the colour legend that names the bands' levels.
import { fitCanvas } from "./draw.js";
import { formatNumber } from "./format.js";

// Render grid `g` ({x, y, m, n, values, bounds, levels, color, missing}) into a w × h (CSS px)
// image; overflowed cells (Infinity) are greyed out.
export function renderContours(g, w, h) {
  const d3 = globalThis.d3;
  const dpr = Math.min(globalThis.devicePixelRatio || 1, 2);
  const W = Math.max(1, Math.round(w * dpr));
  const H = Math.max(1, Math.round(h * dpr));
  const img = document.createElement("canvas");
  img.width = W;
  img.height = H;
  const ctx = img.getContext("2d");
  const [[x0, x1], [y0, y1]] = g.bounds;
  const dx = (g.x[g.m - 1] - g.x[0]) / Math.max(1, g.m - 1);
  const dy = (g.y[g.n - 1] - g.y[0]) / Math.max(1, g.n - 1);
  // d3-contour puts grid value j at coordinate j + 0.5.
  const px = (c) => ((g.x[0] + (c - 0.5) * dx - x0) / (x1 - x0)) * W;
  const py = (c) => H - ((g.y[0] + (c - 0.5) * dy - y0) / (y1 - y0)) * H;
  ctx.fillStyle = g.color.bands[0] ?? "#333";
  ctx.fillRect(0, 0, W, H);
  if (d3?.contours && g.levels.length) {
    const polys = d3.contours().size([g.m, g.n]).thresholds(g.levels)(g.values);
    const paths = polys.map((mp) => {
      const p = new Path2D();
      for (const poly of mp.coordinates) {
        for (const ringPts of poly) {
          ringPts.forEach(([cx, cy], i) => (i ? p.lineTo(px(cx), py(cy)) : p.moveTo(px(cx), py(cy))));
          p.closePath();
        }
      }
      return p;
    });
    paths.forEach((p, k) => {
      ctx.fillStyle = g.color.bands[k + 1];
      ctx.fill(p, "evenodd");
    });
    ctx.strokeStyle = "rgba(0, 0, 0, 0.28)";
    ctx.lineWidth = 0.7 * dpr;
    for (const p of paths) ctx.stroke(p);
  }
  if (g.missing) {
    ctx.fillStyle = "rgba(120, 120, 120, 0.85)";
    const cw = W / (g.m - 1 || 1);
    const ch = H / (g.n - 1 || 1);
    for (let i = 0; i < g.n; i++) {
      for (let j = 0; j < g.m; j++) {
        if (g.values[i * g.m + j] === Infinity) {
          const cx = ((g.x[j] - x0) / (x1 - x0)) * W;
          const cy = H - ((g.y[i] - y0) / (y1 - y0)) * H;
          ctx.fillRect(cx - cw / 2, cy - ch / 2, cw + 0.5, ch + 0.5);
        }
      }
    }
  }
  return img;
}

// The colour bar under the plot, its bands aligned with the plot area (left/right margins).
export function drawLegend(canvas, g, width, { left, right }) {
  const h = 38;
  const ctx = fitCanvas(canvas, width, h);
  ctx.clearRect(0, 0, width, h);
  ctx.font = "bold 12px system-ui, sans-serif";
  ctx.fillStyle = "#c9d1d9";
  ctx.textAlign = "left"; // the context keeps the last call's alignment
  ctx.textBaseline = "top";
  ctx.fillText("loss", 8, 4);
  if (g?.missing && !g.levels.length) {
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillText("not finite anywhere in this view (grey)", left, 4);
  }
  if (!g || !g.levels.length) return;
  const bw = (width - left - right) / g.color.bands.length;
  g.color.bands.forEach((col, b) => {
    ctx.fillStyle = col;
    ctx.fillRect(left + b * bw, 4, Math.ceil(bw), 12);
  });
  ctx.font = "10px system-ui, sans-serif";
  ctx.fillStyle = "#c9d1d9";
  ctx.textAlign = "center";
  const every = Math.max(1, Math.ceil(g.levels.length / Math.max(2, Math.floor((width - left) / 60))));
  const shown = [];
  for (let k = g.levels.length - 1; k >= 0; k -= every) shown.push(k);
  // As few digits as keep neighbouring labels distinct (levels near a minimum of 0.87 crowd).
  let digits = 2;
  const labels = () => shown.map((k) => formatNumber(g.levels[k], digits));
  while (digits < 6 && new Set(labels()).size < shown.length) digits++;
  labels().forEach((text, i) => ctx.fillText(text, left + (shown[i] + 1) * bw, 19));
  if (g.missing) {
    ctx.textAlign = "left";
    ctx.fillStyle = "#999";
    ctx.fillText("grey: not finite", 8, 19);
  }
}
