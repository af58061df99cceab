// state.js — the whole configuration ⇄ URL query string, and the POST /runs body built from it.
// Pure (no DOM): opening a shared URL must reproduce exactly the same runs, so this round-trip
// is unit-tested in node.

export const MAX_RUNS = 8;
export const MAX_STEPS = 20000;
export const SPEEDS = [0.25, 1, 4, 16, 64, 0]; // recorded steps per animation frame; 0 = instant

export function defaultState() {
  return {
    objective: "rosenbrock", // objective id, or "custom" (then `expression` is used)
    expression: "",
    options: {}, // objective options by name (loss, batch_size, …)
    start: null, // null → the objective's default_start
    view: null, // null → the objective's view_box
    steps: 300,
    // The first view's race: plain SGD, SGD with momentum and Adam. A run without an lr gets
    // one from the server (a tuned rate for the race, else the objective's suggested rate).
    runs: [
      { optimizer: "sgd", hp: {} },
      { optimizer: "sgd", hp: { momentum: 0.9 } },
      { optimizer: "adam", hp: {} },
    ],
    speed: 1,
    logScale: true,
    stop: { loss_below: null, grad_norm_below: null },
    seed: 0,
  };
}

// Numbers print with String(), which round-trips every double exactly.
const num = (v) => String(v);

function parseNum(s) {
  if (s === undefined || s === null || String(s).trim() === "") return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

function parseNums(s) {
  if (!s) return null;
  const out = String(s).split(",").map(parseNum);
  return out.every((v) => v !== null) ? out : null;
}

// Hyper-parameter values: number, boolean, or a pair "a/b" (Adam's betas).
function encodeValue(v) {
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return v.map(num).join("/");
  if (typeof v === "number") return num(v);
  return String(v);
}

function decodeValue(s) {
  if (s === "true") return true;
  if (s === "false") return false;
  if (s.includes("/")) {
    const parts = s.split("/").map(parseNum);
    if (parts.every((p) => p !== null)) return parts;
  }
  const v = parseNum(s);
  return v === null ? s : v;
}

// Escape like encodeURIComponent but keep , : / = readable (all legal in a query value, RFC 3986;
// a key never holds them, and a value is split from its key at the first "=").
function enc(s) {
  return encodeURIComponent(s).replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%2F/g, "/").replace(/%3D/g, "=");
}

function dec(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

// run=adam:lr=0.05,betas=0.9/0.999 — optimizer name, then its hyper-parameters. Hand-written
// URLs also separate them with ":" or ";" (run=sgd:lr=0.001:momentum=0.9), so those work too.
export function encodeRun(run) {
  const hp = Object.entries(run.hp ?? {})
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${encodeValue(v)}`);
  return hp.length ? `${run.optimizer}:${hp.join(",")}` : run.optimizer;
}

export function decodeRun(s) {
  const [name, rest] = s.split(/:(.*)/s);
  if (!/^[a-z0-9_]+$/i.test(name)) return null;
  const hp = {};
  for (const item of (rest ?? "").split(/[,:;]/)) {
    const eq = item.indexOf("=");
    if (eq <= 0) continue;
    const key = item.slice(0, eq);
    if (/^[a-z0-9_]+$/i.test(key)) hp[key] = decodeValue(item.slice(eq + 1));
  }
  return { optimizer: name, hp };
}

// State → query string (no leading "?"), keys in a fixed order so equal states give equal URLs.
export function encodeState(state) {
  const d = defaultState();
  const parts = [];
  const put = (k, v) => parts.push(`${k}=${enc(v)}`);
  put("objective", state.objective);
  if (state.objective === "custom") put("expr", state.expression ?? "");
  for (const [k, v] of Object.entries(state.options ?? {})) {
    if (v !== null && v !== undefined) put(`o.${k}`, encodeValue(v));
  }
  if (state.start) put("start", state.start.map(num).join(","));
  if (state.view) put("view", state.view.flat().map(num).join(","));
  put("steps", num(state.steps));
  for (const run of state.runs) put("run", encodeRun(run));
  if (state.speed !== d.speed) put("speed", num(state.speed));
  if (state.logScale !== d.logScale) put("log", state.logScale ? "1" : "0");
  if (state.stop?.loss_below != null) put("stop_loss", num(state.stop.loss_below));
  if (state.stop?.grad_norm_below != null) put("stop_grad", num(state.stop.grad_norm_below));
  if (state.seed !== d.seed) put("seed", num(state.seed));
  return parts.join("&");
}

// Query string (with or without "?") → a complete, validated state; bad values fall back to
// defaults rather than throwing, because URLs get hand-edited and truncated.
export function decodeState(query) {
  const s = defaultState();
  const q = String(query ?? "").replace(/^[?#]/, "");
  if (!q) return s;
  const runs = [];
  for (const pair of q.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const key = dec(eq < 0 ? pair : pair.slice(0, eq));
    const val = eq < 0 ? "" : dec(pair.slice(eq + 1));
    if (key === "objective" && /^[\w.-]+$/.test(val)) s.objective = val;
    else if (key === "expr") s.expression = val;
    else if (key.startsWith("o.") && key.length > 2) s.options[key.slice(2)] = decodeValue(val);
    else if (key === "start") s.start = parseNums(val);
    else if (key === "view") {
      const v = parseNums(val);
      if (v && (v.length === 2 || v.length === 4) && v[0] < v[1] && (v.length === 2 || v[2] < v[3])) {
        s.view = v.length === 2 ? [[v[0], v[1]]] : [[v[0], v[1]], [v[2], v[3]]];
      }
    } else if (key === "steps") {
      const v = parseNum(val);
      if (v !== null) s.steps = Math.min(MAX_STEPS, Math.max(1, Math.round(v)));
    } else if (key === "run") {
      const r = decodeRun(val);
      if (r && runs.length < MAX_RUNS) runs.push(r);
    } else if (key === "speed") {
      const v = parseNum(val);
      if (v !== null && SPEEDS.includes(v)) s.speed = v;
    } else if (key === "log") s.logScale = val !== "0";
    else if (key === "stop_loss") s.stop.loss_below = parseNum(val);
    else if (key === "stop_grad") s.stop.grad_norm_below = parseNum(val);
    else if (key === "seed") s.seed = Math.round(parseNum(val) ?? 0);
  }
  if (runs.length) s.runs = runs;
  return s;
}

// Check runs from a URL against GET /optimizers: an unknown optimizer, a setting it does not
// have, or a value of the wrong kind or outside its range is dropped (the default applies) and
// named in `problems`, rather than sent on to fail the whole POST /runs.
export function checkRuns(runs, optimizersByName) {
  const problems = [];
  const out = [];
  for (const run of runs) {
    const meta = optimizersByName[run.optimizer];
    if (!meta) {
      problems.push(`unknown optimizer “${run.optimizer}”`);
      continue;
    }
    const hp = {};
    for (const [name, value] of Object.entries(run.hp ?? {})) {
      const h = meta.hyperparams.find((p) => p.name === name);
      const why = !h ? "is not one of its settings" : badValue(h, value);
      if (why) problems.push(`${run.optimizer} ${name}=${encodeValue(value)} ${why}`);
      else hp[name] = value;
    }
    out.push({ optimizer: run.optimizer, hp });
  }
  return { runs: out, problems };
}

// The same check for an objective's options (GET /objectives: loss, batch_size, …).
export function checkOptions(options, specs = []) {
  const problems = [];
  const out = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    const h = specs.find((o) => o.name === name);
    const why = !h ? "is not an option of this objective" : badValue(h, value);
    if (why) problems.push(`${name}=${encodeValue(value)} ${why}`);
    else out[name] = value;
  }
  return { options: out, problems };
}

function badValue(h, v) {
  if (h.kind === "choice") return (h.choices ?? []).map(String).includes(String(v)) ? "" : `is not one of ${(h.choices ?? []).join(", ")}`;
  if (h.kind === "bool") return typeof v === "boolean" ? "" : "is not true or false";
  const nums = h.kind === "pair" ? v : [v];
  if (!Array.isArray(nums) || (h.kind === "pair" && nums.length !== 2)) return "is not a pair a/b";
  for (const x of nums) {
    if (typeof x !== "number" || !Number.isFinite(x)) return "is not a number";
    if (h.kind === "int" && !Number.isInteger(x)) return "is not a whole number";
    const lowOk = h.low == null || (h.low_inclusive === false ? x > h.low : x >= h.low);
    const highOk = h.high == null || (h.high_inclusive === false ? x < h.high : x <= h.high);
    if (!lowOk || !highOk) return `is outside ${h.low ?? "−∞"}…${h.high ?? "∞"}`;
  }
  // A learning rate of 0 is legal for the API but never moves: treat it as missing.
  if (h.name === "lr" && !(v > 0)) return "must be above 0";
  return "";
}

// The objective SPEC of the API: {"id": …, ...options} or {"expression": …}.
export function objectiveSpec(state) {
  if (state.objective === "custom") return { expression: state.expression };
  return { id: state.objective, ...(state.options ?? {}) };
}

// Keep only the hyper-parameters an optimizer declares (GET /optimizers), so a value left over
// from another optimizer is never sent; `lr` always goes.
export function optimizerBody(run, optimizerMeta) {
  const allowed = optimizerMeta ? new Set(optimizerMeta.hyperparams.map((h) => h.name)) : null;
  const body = { name: run.optimizer };
  for (const [k, v] of Object.entries(run.hp ?? {})) {
    if (v === null || v === undefined) continue;
    if (!allowed || allowed.has(k) || k === "lr") body[k] = v;
  }
  return body;
}

// Record at most ~5,000 points per run: enough to draw, small enough to stream quickly.
export function recordFor(steps, maxPoints = 5000) {
  return steps <= maxPoints ? "all" : { every: Math.ceil(steps / maxPoints) };
}

// "1: sgd lr=0.002 momentum=0.9": the optimizer and every setting that is not its default, so
// two runs of one optimizer can be told apart in legends and tables.
export function runLabel(run, index, optimizerMeta) {
  const defaults = Object.fromEntries((optimizerMeta?.hyperparams ?? []).map((h) => [h.name, h.default]));
  const parts = [`${index + 1}: ${run.optimizer}`];
  for (const [name, value] of Object.entries(run.hp ?? {})) {
    if (value === null || value === undefined) continue;
    if (name !== "lr" && JSON.stringify(value) === JSON.stringify(defaults[name])) continue;
    parts.push(`${name}=${encodeValue(value)}`);
  }
  return parts.join(" ");
}

// The POST /runs body for the current state; `start` is resolved by the caller (default start).
export function runsRequest(state, start, optimizersByName = {}) {
  const body = {
    objective: objectiveSpec(state),
    runs: state.runs.map((run, i) => ({
      optimizer: optimizerBody(run, optimizersByName[run.optimizer]),
      start: start.slice(),
      label: runLabel(run, i, optimizersByName[run.optimizer]),
    })),
    steps: state.steps,
    record: recordFor(state.steps),
    seed: state.seed,
  };
  const stop = {};
  if (state.stop?.loss_below != null) stop.loss_below = state.stop.loss_below;
  if (state.stop?.grad_norm_below != null) stop.grad_norm_below = state.stop.grad_norm_below;
  if (Object.keys(stop).length) body.stop = stop;
  return body;
}
