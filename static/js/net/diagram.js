// net/diagram.js — the network as columns of units joined by one edge per weight: orange for a
// positive value, blue for a negative one, wider for a larger magnitude. In the
// backpropagation view the edges show ∂loss/∂weight instead, computed from the output back:
// stage s has reached the last s + 1 weight layers, drawn bright; the rest wait, faint.
import { CLASS_COLORS } from "./datadraw.js";

const POS = [242, 142, 43];
const NEG = [76, 155, 232];

// Each unit's position: layer l of sizes.length, unit u of sizes[l], centred vertically.
export function unitPositions(sizes, w, h, pad = 22) {
  const gap = (h - 2 * pad) / Math.max(...sizes);
  return sizes.map((n, l) => {
    const x = pad + ((w - 2 * pad) * l) / (sizes.length - 1);
    const top = h / 2 - ((n - 1) * gap) / 2;
    return Array.from({ length: n }, (_, u) => [x, top + u * gap]);
  });
}

// The largest |value| over every weight of `layers` ([{weight, bias}]), at least a tiny number.
export function largest(layers) {
  let m = 1e-12;
  for (const L of layers) for (const row of L.weight) for (const v of row) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}

// Which weight layers the backward pass has reached at stage s (0 = the output layer only).
export const reached = (layer, count, stage) => layer >= count - 1 - stage;

// Draw the fit's weights (show = "weights") or gradients ("gradients", at backprop `stage`).
// Returns the edges drawn bright, for data-edges.
export function drawNetwork(ctx, w, h, fit, sizes, { show = "weights", stage = 0, classes = null }) {
  const layers = show === "gradients" ? fit.gradient : fit.weights;
  const pos = unitPositions(sizes, w, h);
  const scale = largest(layers);
  let bright = 0;
  layers.forEach((L, l) => {
    const on = show !== "gradients" || reached(l, layers.length, stage);
    L.weight.forEach((row, out) =>
      row.forEach((v, inp) => {
        if (!Number.isFinite(v)) return;
        const t = Math.min(1, Math.abs(v) / scale);
        const [r, g, b] = v >= 0 ? POS : NEG;
        ctx.strokeStyle = `rgba(${r},${g},${b},${on ? 0.25 + 0.75 * t : 0.08})`;
        ctx.lineWidth = on ? 0.6 + 3.4 * t : 0.6;
        ctx.beginPath();
        ctx.moveTo(...pos[l][inp]);
        ctx.lineTo(...pos[l + 1][out]);
        ctx.stroke();
        if (on) bright++;
      }),
    );
  });
  pos.forEach((units, l) =>
    units.forEach(([x, y], u) => {
      ctx.beginPath();
      ctx.arc(x, y, 6, 0, 2 * Math.PI);
      const bias = l > 0 ? layers[l - 1].bias[u] : null;
      ctx.fillStyle = unitFill(bias, scale, l === pos.length - 1 && classes ? CLASS_COLORS[u % CLASS_COLORS.length] : null);
      ctx.fill();
      ctx.strokeStyle = "#c9d1d9";
      ctx.lineWidth = 1;
      ctx.stroke();
    }),
  );
  return bright;
}

function unitFill(bias, scale, classColor) {
  if (classColor) return classColor;
  if (bias === null || !Number.isFinite(bias)) return "#0d1117";
  const t = Math.min(1, Math.abs(bias) / scale);
  const [r, g, b] = bias >= 0 ? POS : NEG;
  return `rgba(${r},${g},${b},${0.15 + 0.85 * t})`;
}

// Words for backprop stage s: which weights it has reached and the largest gradient there.
export function stageText(fit, sizes, stage) {
  const count = fit.gradient.length;
  const l = count - 1 - stage;
  const name = (i) => (i === 0 ? "inputs" : i === sizes.length - 1 ? "outputs" : `hidden layer ${i}`);
  let big = 0;
  for (const row of fit.gradient[l].weight) for (const v of row) if (Math.abs(v) > Math.abs(big)) big = v;
  const first = stage === 0 ? "The output's error gives" : "The error, passed back through the weights above, gives";
  return `Backprop step ${stage + 1} of ${count}: ${first} ∂loss/∂w for the ${sizes[l] * sizes[l + 1]} weights from the ${name(l)} to the ${name(l + 1)}; the largest is ${big.toPrecision(3)}.`;
}
