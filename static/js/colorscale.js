// colorscale.js — log-spaced contour levels and the colour of each band; pure (no DOM), so node
// tests cover it. Loss surfaces span many decades (Rosenbrock: 0 … 2500), so linear levels
// would put every contour line far from the minimum where the interesting descent happens.

// [min, max] over finite numbers, ignoring null/NaN/±Infinity (the API sends null for overflow).
export function finiteExtent(values) {
  let lo = Infinity;
  let hi = -Infinity;
  const visit = (v) => {
    if (v !== null && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  };
  for (const v of values) {
    if (Array.isArray(v) || ArrayBuffer.isView(v)) for (const w of v) visit(w);
    else visit(v);
  }
  return lo <= hi ? [lo, hi] : null;
}

// `count` increasing thresholds between min and max, log-spaced in (z - min): the first sits
// `floor` of the range above the minimum, the last at max. Works for negative losses too.
export function logLevels(min, max, count = 24, floor = 1e-4) {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || count < 1) return [];
  const range = max - min;
  if (!(range > 0)) return [min];
  if (count === 1) return [max];
  const levels = [];
  for (let k = 0; k < count; k++) {
    const r = floor ** (1 - k / (count - 1)); // floor … 1, geometric
    levels.push(min + range * r);
  }
  return levels;
}

// Index of the band a value falls in: 0 below levels[0], levels.length at/above the last level.
export function bandIndex(levels, v) {
  let lo = 0;
  let hi = levels.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v >= levels[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Viridis in 17 stops (every 16th of d3's 256-colour ramp): linear between them it differs from
// the full ramp by at most a couple of levels of one channel, and the page needs no d3 colour code.
const VIRIDIS = [
  [68, 1, 84], [72, 24, 106], [71, 45, 123], [66, 64, 134], [59, 82, 139], [51, 99, 141],
  [44, 114, 142], [38, 130, 142], [33, 145, 140], [31, 159, 136], [39, 173, 129], [61, 188, 116],
  [92, 200, 99], [129, 211, 77], [170, 220, 50], [213, 226, 26], [253, 231, 37],
];

export function viridis(t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + (VIRIDIS[i + 1][k] - a) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

// A colour function for values: one colour per band (filled contours), low loss dark.
// `interpolate` maps [0, 1] to a CSS colour.
export function makeColorScale(levels, interpolate = viridis) {
  const n = levels.length;
  const bandColors = [];
  for (let b = 0; b <= n; b++) bandColors.push(interpolate(n === 0 ? 0.5 : b / n));
  const color = (v) => (v === null || Number.isNaN(v) ? null : bandColors[bandIndex(levels, v)]);
  color.levels = levels;
  color.bands = bandColors;
  return color;
}

// Eight colours distinct from viridis' purple-teal-yellow ramp, from each other and from the
// white start marker: warm hues first (they stand out on every band), cool ones after.
export const RUN_COLORS = [
  "#ff5a5f", "#ff9f1c", "#e056fd", "#4dd2ff", "#ff8fc7", "#d9a066", "#a5a8ff", "#c7f464",
];
