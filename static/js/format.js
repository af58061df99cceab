// format.js — number formatting shared by the table, legend, hover and axes; pure (no DOM).

// Short, stable text for any number (or null/NaN from a diverged run), e.g. 0.00123 → "1.23e-3".
export function formatNumber(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "∞";
  if (v === -Infinity) return "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) {
    // toPrecision then Number() drops trailing zeros ("1.500" → "1.5").
    return String(Number(v.toPrecision(digits)));
  }
  const [m, e] = v.toExponential(digits - 1).split("e");
  return `${Number(m)}e${Number(e)}`;
}

// "(x, y)" for a parameter or gradient vector.
export function formatVector(vec, digits = 4) {
  if (!vec) return "—";
  return `(${Array.from(vec, (v) => formatNumber(v, digits)).join(", ")})`;
}

// Euclidean norm that stays NaN (not 0) when any component is missing.
export function norm(vec) {
  if (!vec) return NaN;
  let s = 0;
  for (const v of vec) {
    if (v === null || !Number.isFinite(v)) return NaN;
    s += v * v;
  }
  return Math.sqrt(s);
}

// Nice round axis ticks in [lo, hi] (about `count` of them), for the canvas axes.
export function niceTicks(lo, hi, count = 6) {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || hi <= lo) return [];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  }
  return out;
}

// Ticks for the log-mode axis, in log10 units: whole decades thinned to about five, or
// 1-2-5 steps when the data spans less than two decades (else there would be one tick).
export function decadeSplits(min, max) {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || max < min) return [];
  const e0 = Math.floor(min);
  const e1 = Math.ceil(max);
  const out = [];
  if (e1 - e0 <= 2) {
    for (let e = e0; e <= e1; e++) {
      for (const m of [1, 2, 5]) {
        const v = e + Math.log10(m);
        if (v >= min - 1e-9 && v <= max + 1e-9) out.push(v);
      }
    }
    return out;
  }
  const step = Math.ceil((e1 - e0) / 5);
  for (let e = Math.ceil(e0 / step) * step; e <= e1; e += step) out.push(e);
  return out;
}

// A tick in log10 units as people write the value: "0.02", "1", "500", "1e6".
export function decadeLabel(e) {
  const v = 10 ** e;
  return e >= -3 && e < 5 ? String(Number(v.toPrecision(1))) : formatNumber(v, 1);
}

// Numbers as the texts write them, for tables and labels: 300,000 and 2.431, not 3e5.
const PLAIN = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 7 });
export function plain(v) {
  return Number.isFinite(v) && Math.abs(v) >= 1e-3 && Math.abs(v) < 1e12 ? PLAIN.format(v) : formatNumber(v, 6);
}
