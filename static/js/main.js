// main.js — wires the modules together: loads objectives/optimizers, keeps the configuration in
// the URL, streams POST /runs into a TraceSet, and drives one requestAnimationFrame loop that
// advances the playhead and redraws whatever changed (never once per streamed step).
import { ApiError, createApi } from "./api.js";
import { Charts } from "./charts.js";
import { RUN_COLORS } from "./colorscale.js";
import { Controls } from "./controls.js";
import { CurveView } from "./curve1d.js";
import { el } from "./dom.js";
import { formatNumber } from "./format.js";
import { RunsEditor } from "./runs.js";
import { buildObjectiveOptions } from "./options.js";
import { mountShare } from "./share.js";
import { MAX_STEPS, checkOptions, checkRuns, decodeState, encodeState, objectiveSpec, runLabel, runsRequest } from "./state.js";
import { SurfaceView } from "./surface.js";
import { RunTable } from "./table.js";
import { TraceSet } from "./trace.js";
import { mountViews, tickViews } from "./views/host.js";

const $ = (id) => document.getElementById(id);
const GROUPS = [
  ["test-function", "Test functions"],
  ["model-fitting", "Model-fitting losses"],
  ["worked-example", "Worked examples"],
  ["one-dimensional", "One-dimensional"],
];
const DEFAULT_EXPRESSION = "x^2 + 10*y^2";

function readConfig() {
  try {
    return JSON.parse($("config")?.textContent || "{}") ?? {};
  } catch {
    return {};
  }
}

const config = readConfig();
// The page route passes {"api": "/api/v1", "version": …}; "api_base" is accepted too.
const api = createApi(config.api ?? config.api_base ?? "/api/v1");

const app = {
  state: decodeState(location.search),
  objectives: [],
  byId: {},
  optimizers: [],
  optByName: {},
  meta: null, // the current objective's metadata (synthesised for a custom expression)
  traces: null,
  request: null,
  stream: null, // AbortController of the running POST /runs
  surfaceCtl: null,
  pos: 0, // playhead: fractional recorded-step index
  seen: 0, // furthest recorded index the playhead has reached: the charts draw up to it
  playing: false,
  announced: new Set(),
  chartKey: "",
  frame: 0,
};

// ---- status line (aria-live) ----------------------------------------------------------------

function say(text, kind = "info") {
  const s = $("status");
  s.textContent = text;
  s.dataset.kind = kind;
}

function report(err, what) {
  if (err?.name === "AbortError") return;
  say(`${what}: ${err?.message ?? err}`, "error");
}

// ---- objective ------------------------------------------------------------------------------

// What the server reports for a custom expression (app.objectives._custom): 2-D when it uses y.
function customMeta(expression, dim) {
  const d = dim ?? (/\by\b/.test(expression) ? 2 : 1);
  return {
    id: "custom",
    title: "Custom expression",
    group: "custom",
    dim: d,
    view_box: d === 2 ? [[-5, 5], [-5, 5]] : [[-5, 5]],
    default_start: d === 2 ? [-3, 4] : [-3],
    minima: [],
    formula: d === 2 ? `f(x, y) = ${expression}` : `f(x) = ${expression}`,
    description: "Your own formula in x (and y): + - * / ^, parentheses, pi, e and functions such as sin, exp, log, sqrt, abs, tanh.",
    param_names: d === 2 ? ["x", "y"] : ["x"],
    default_lr: 0.01,
    options: [],
  };
}

function resolveMeta() {
  const s = app.state;
  if (s.objective === "custom") return customMeta(s.expression || DEFAULT_EXPRESSION, app.meta?.id === "custom" ? app.meta.dim : undefined);
  return app.byId[s.objective] ?? null;
}

const view = () => (app.meta?.dim === 1 ? app.curve : app.surface);
const currentView = () => {
  const v = app.state.view;
  return v && v.length === app.meta.dim ? v : app.meta.view_box;
};
const startPoint = () => {
  const s = app.state.start;
  return s && s.length === app.meta.dim ? s : app.meta.default_start;
};
const paramNames = () => app.meta?.param_names ?? ["x", "y"];

function buildPicker() {
  const sel = $("objective");
  sel.replaceChildren();
  for (const [group, label] of GROUPS) {
    const items = app.objectives.filter((o) => o.group === group);
    if (!items.length) continue;
    const og = el("optgroup", { label });
    for (const o of items) og.append(el("option", { value: o.id }, o.title || o.id));
    sel.append(og);
  }
  const other = app.objectives.filter((o) => !GROUPS.some(([g]) => g === o.group));
  if (other.length) {
    const og = el("optgroup", { label: "Other" });
    for (const o of other) og.append(el("option", { value: o.id }, o.title || o.id));
    sel.append(og);
  }
  const og = el("optgroup", { label: "Custom" });
  og.append(el("option", { value: "custom" }, "Custom expression…"));
  sel.append(og);
}

// Controls for the objective's options (loss, batch size, …) and the seed: options.js.
function buildOptions() {
  buildObjectiveOptions($("objective-options"), app.meta, app.state.options, {
    seed: app.state.seed,
    onOption: (name, v) => {
      app.state.options[name] = v;
      configChanged({ surface: true });
    },
    onSeed: (v) => {
      app.state.seed = v;
      configChanged();
    },
  });
}

function buildStartFields() {
  const box = $("start-fields");
  box.replaceChildren();
  const start = startPoint();
  paramNames().forEach((name, i) => {
    const id = `start-${i}`;
    const inp = el("input", { id, type: "number", step: "any", inputmode: "decimal", "data-testid": id });
    inp.value = String(start[i]);
    inp.addEventListener("change", () => {
      const v = Number(inp.value);
      if (inp.value.trim() === "" || !Number.isFinite(v)) return inp.setAttribute("aria-invalid", "");
      inp.removeAttribute("aria-invalid");
      const s = startPoint().slice();
      s[i] = v;
      setStart(s);
    });
    box.append(el("div", { class: "field" }, [el("label", { for: id }, name), inp]));
  });
}

// Show the current objective everywhere: picker, options, formula, view, table, charts.
function applyObjective() {
  const meta = app.meta;
  const s = app.state;
  $("objective").value = s.objective;
  $("expression-row").hidden = s.objective !== "custom";
  if (s.objective === "custom" && $("expression").value !== s.expression) $("expression").value = s.expression;
  $("objective-formula").textContent = meta.formula ?? "";
  $("objective-description").textContent = meta.description ?? "";
  const minima = (meta.minima ?? []).map((m) => `${m.kind ?? "minimum"} at (${m.point.map((v) => formatNumber(v)).join(", ")}), f = ${formatNumber(m.value)}`);
  $("objective-minima").textContent = minima.length ? `Minima (★): ${minima.join("; ")}` : "";
  buildOptions();
  buildStartFields();
  $("surface").hidden = meta.dim === 1;
  $("curve").hidden = meta.dim !== 1;
  view().setObjective(meta, currentView(), startPoint());
  fetchSurface(); // first: the request runs while the table and charts are rebuilt
  invalidate();
}

// ---- surface (contours / 1-D curve) ----------------------------------------------------------

let surfaceTimer = 0;
function scheduleSurface(delay = 180) {
  clearTimeout(surfaceTimer);
  surfaceTimer = setTimeout(fetchSurface, delay);
}

async function fetchSurface() {
  clearTimeout(surfaceTimer);
  app.surfaceCtl?.abort();
  const ctl = (app.surfaceCtl = new AbortController());
  const v = view();
  const bounds = currentView().map((r) => r.slice());
  try {
    const resp = await api.surface({ objective: objectiveSpec(app.state), bounds, resolution: v.resolution() }, { signal: ctl.signal });
    if (ctl.signal.aborted) return;
    if (app.state.objective === "custom") {
      setExpressionError("");
      // The server knows the expression's dimension: a y-less expression is 1-D.
      const dim = resp.y ? 2 : 1;
      if (dim !== app.meta.dim) {
        app.meta = customMeta(app.state.expression, dim);
        app.state.view = null;
        app.state.start = null;
        applyObjective();
        return;
      }
    }
    v.setSurface(resp, bounds);
  } catch (e) {
    if (e.name === "AbortError") return;
    if (app.state.objective === "custom" && e instanceof ApiError) setExpressionError(e.messages.join("; "));
    else report(e, "Could not compute the surface");
  }
}

// ---- custom expression: validated as you type ------------------------------------------------

function setExpressionError(msg) {
  const input = $("expression");
  $("expression-error").textContent = msg;
  input.toggleAttribute("aria-invalid", Boolean(msg));
}

// POST /surface with a tiny grid: 200 = valid (and tells the dimension), 422 = the message.
// The dimension is guessed from the text ("uses y"); if the server disagrees about the bounds,
// the other dimension is tried once.
async function checkExpression(expr) {
  let dim = /\by\b/.test(expr) ? 2 : 1;
  for (let attempt = 0; ; attempt++) {
    const bounds = app.meta?.id === "custom" && app.meta.dim === dim ? currentView() : customMeta(expr, dim).view_box;
    try {
      await api.surface({ objective: { expression: expr }, bounds, resolution: 8 });
      return dim;
    } catch (e) {
      if (attempt === 0 && e instanceof ApiError && e.fields.includes("bounds")) {
        dim = 3 - dim;
        continue;
      }
      throw e;
    }
  }
}

let exprTimer = 0;
function onExpressionInput() {
  clearTimeout(exprTimer);
  exprTimer = setTimeout(async () => {
    const expr = $("expression").value.trim();
    if (!expr) return setExpressionError("Type a formula in x (and y), e.g. x^2 + 10*y^2.");
    try {
      const dim = await checkExpression(expr);
      if ($("expression").value.trim() !== expr) return; // typed on meanwhile: that check decides
      // Only an accepted expression becomes the configuration.
      setExpressionError("");
      app.state.expression = expr;
      const dimChanged = app.meta.dim !== dim;
      app.meta = customMeta(expr, dim);
      if (dimChanged) {
        app.state.view = null;
        app.state.start = null;
        applyObjective();
      } else {
        $("objective-formula").textContent = app.meta.formula;
        configChanged({ surface: true });
      }
      saveURL();
    } catch (e) {
      if ($("expression").value.trim() !== expr) return;
      if (e instanceof ApiError) setExpressionError(e.messages.join("; "));
      else report(e, "Could not check the expression");
    }
  }, 350);
}

// ---- configuration changes --------------------------------------------------------------------

let urlTimer = 0;
function saveURL() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => history.replaceState(null, "", `?${encodeState(app.state)}`), 150);
}

// Drop computed traces (they no longer match the configuration); resume if we were playing,
// after a pause so that dragging a slider does not fire one POST /runs per pixel.
let replayTimer = 0;
function configChanged({ surface = false } = {}) {
  const wasPlaying = app.playing || replayTimer !== 0;
  invalidate();
  if (surface) scheduleSurface(0);
  saveURL();
  clearTimeout(replayTimer);
  replayTimer = 0;
  if (wasPlaying) {
    replayTimer = setTimeout(() => {
      replayTimer = 0;
      play();
    }, 250);
  }
}

function invalidate() {
  app.stream?.abort();
  app.stream = null;
  app.traces = null;
  app.request = null;
  app.pos = 0;
  app.seen = 0;
  app.playing = false;
  app.announced.clear();
  const colors = RUN_COLORS;
  app.surface.setTraces(null, colors);
  app.curve.setTraces(null, colors);
  app.table.setRuns(app.state.runs, paramNames(), colors);
  app.table.showStart(startPoint());
  const labels = app.state.runs.map(runLabel);
  if (labels.join("|") !== app.charts.labels.join("|") || app.charts.log !== app.state.logScale) {
    app.charts.setup(labels, colors, app.state.logScale);
  }
  app.charts.update(null, -1);
  app.chartKey = "";
}

function setStart(start) {
  const round = (v) => Number(v.toPrecision(5)); // readable URLs; 5 digits is finer than a pixel
  app.state.start = start.map(round);
  view().setStart(app.state.start);
  buildStartFields();
  say(`Start set to (${app.state.start.map((v) => formatNumber(v)).join(", ")}).`);
  configChanged();
}

// ---- running and playback -----------------------------------------------------------------------

function startStream() {
  const request = runsRequest(app.state, startPoint(), app.optByName);
  const traces = new TraceSet(app.meta.dim, app.state.runs.map((r, i) => ({ label: request.runs[i].label, optimizer: r.optimizer, lr: r.hp.lr })));
  app.request = request;
  app.traces = traces;
  app.pos = 0;
  app.seen = 0;
  app.announced.clear();
  view().setTraces(traces, RUN_COLORS);
  const ctl = (app.stream = new AbortController());
  app.computing = true;
  say("Computing the descent…");
  api
    .streamRuns(request, {
      signal: ctl.signal,
      onMessage: (m) => {
        if (m.type === "step") traces.addStep(m);
        else if (m.type === "done") traces.finish(m);
      },
    })
    .then(() => {
      if (app.traces !== traces) return;
      if (!traces.done) traces.finish({ runs: [] }); // stream ended without "done": keep what we have
      if (app.stream === ctl) app.stream = null;
    })
    .catch((e) => {
      if (app.traces !== traces || e.name === "AbortError") return;
      app.stream = null;
      app.playing = false;
      traces.done = true;
      traces.failed = true; // announce() must not cover the error with "Done."
      report(e, "The run failed");
    });
}

function play() {
  if (!app.meta) return;
  if (!app.traces || app.traces.failed) startStream(); // a failed run is tried again
  else if (app.traces.done && app.pos >= app.traces.length - 1) app.pos = 0; // replay from the start
  app.playing = true;
  if (app.traces.length) say("Playing.");
}

function pause() {
  app.playing = false;
  say(`Paused at step ${app.traces?.steps[Math.floor(app.pos)] ?? 0}.`);
}

const handlers = {
  toggle: () => (app.playing ? pause() : play()),
  stepBy: (d) => {
    app.playing = false;
    if (!app.traces || app.traces.failed) startStream();
    // While steps still stream in, the target may not have arrived yet: frame() shows it then.
    const last = app.traces.done ? Math.max(0, app.traces.length - 1) : Infinity;
    app.pos = Math.min(last, Math.max(0, Math.floor(app.pos) + d));
  },
  reset: () => {
    app.playing = false;
    app.pos = 0;
    say("Back to step 0.");
  },
  scrub: (k) => {
    app.playing = false;
    app.pos = k;
  },
  speed: (v) => {
    app.state.speed = v;
    saveURL();
  },
};

function runName(i) {
  const r = app.state.runs[i];
  return `Run ${i + 1} (${r?.optimizer ?? "?"}, lr ${r?.hp?.lr ?? "?"})`;
}

// The server's own words ("converged at step 44: loss < 0.001"), or ours when it sent none.
function describe(run, i) {
  const d = run.done ?? {};
  const last = run.lastFiniteIndex();
  const loss = last >= 0 ? `, loss ${formatNumber(run.loss[last])}` : "";
  if (d.message) return `Run ${i + 1}: ${d.message}${run.status === "diverged" ? "" : loss}`;
  if (run.status === "diverged") return `Run ${i + 1} diverged at step ${d.diverged_at ?? "?"}`;
  return `Run ${i + 1}: ${run.status.replace("_", " ")} after ${d.steps_taken ?? "?"} steps${loss}`;
}

// Divergence is announced the moment the playhead reaches it; a one-line summary at the end.
function announce(k) {
  const t = app.traces;
  if (!t || t.failed) return;
  const end = k >= t.length - 1;
  t.runs.forEach((run, i) => {
    if (run.statusAt(k) === "diverged" && !app.announced.has(i) && !end) {
      app.announced.add(i);
      // The "done" line may not have arrived yet: the first diverged step is in the trace.
      const first = run.statuses.indexOf("diverged");
      say(`${runName(i)}: ${run.done?.message ?? `diverged at step ${t.steps[first] ?? "?"}`}.`, "warn");
    }
  });
  if (end && t.done && !app.announced.has("end")) {
    app.announced.add("end");
    const diverged = t.runs.some((r) => r.status === "diverged");
    say(`Done. ${t.runs.map(describe).join(" · ")}.`, diverged ? "warn" : "ok");
  }
}

function frame() {
  app.frame++;
  const t = app.traces;
  if (app.playing && t) {
    const last = Math.max(0, t.length - 1);
    app.pos = app.state.speed === 0 ? last : Math.min(app.pos + app.state.speed, last);
    if (t.done && app.pos >= last) app.playing = false;
  } else if (t?.done && app.pos > t.length - 1) app.pos = Math.max(0, t.length - 1);
  const k = t ? Math.min(Math.floor(app.pos), Math.max(0, t.length - 1)) : 0;
  if (app.computing && t?.length) {
    app.computing = false; // first steps arrived: the status line moves on from "Computing…"
    say(app.playing ? "Playing." : "Stepping: press Play (or Space) to go on.");
  }
  const v = view();
  v.setCursor(k, t?.length ?? 0);
  v.render();
  if (t) {
    // Charts are the costliest redraw (2 × 8 series × 5,000 points): ~10 per second while playing.
    app.seen = Math.max(app.seen, k);
    const key = `${t.length}|${k}|${app.seen}|${t.done}`;
    if (key !== app.chartKey && (!app.playing || app.frame % 6 === 0)) {
      app.chartKey = key;
      app.charts.update(t, k, app.seen);
    }
    app.table.update(t, k);
    announce(k);
  }
  // Machine-readable player state for tests and styling: idle | playing | paused | done | failed.
  const run = !t ? "idle" : t.failed ? "failed" : app.playing ? "playing" : t.done && k >= t.length - 1 ? "done" : "paused";
  if (document.body.dataset.run !== run) document.body.dataset.run = run;
  app.controls.update({
    playing: app.playing,
    busy: Boolean(app.stream),
    cursor: k,
    length: t?.length ?? 0,
    step: t?.steps[k] ?? 0,
    total: app.state.steps,
  });
  tickViews();
  requestAnimationFrame(frame);
}

// ---- the extra views (static/js/views/, each loaded when its panel is first opened) -------------

function viewContext() {
  const cursor = () => (app.traces ? Math.min(Math.floor(app.pos), Math.max(0, app.traces.length - 1)) : 0);
  return {
    api,
    say,
    state: () => app.state,
    meta: () => app.meta,
    objectives: () => app.objectives,
    optimizers: () => app.optimizers,
    objectiveSpec: () => objectiveSpec(app.state),
    start: startPoint,
    traces: () => app.traces,
    cursor,
    surface: () => (app.meta?.dim === 2 ? app.surface : null),
    colors: RUN_COLORS,
    // Run `optimizer` at `lr` on the surface: the first run with that optimizer (else run 1) takes it.
    runWith(optimizer, lr) {
      const runs = app.state.runs;
      let run = runs.find((r) => r.optimizer === optimizer);
      if (!run) {
        run = runs[0];
        run.optimizer = optimizer;
        run.hp = {};
      }
      run.hp.lr = lr;
      app.runsEditor.setRuns(runs);
      configChanged();
      play();
    },
  };
}

// ---- boot ---------------------------------------------------------------------------------------

function bindInputs() {
  $("objective").addEventListener("change", () => {
    const id = $("objective").value;
    const s = app.state;
    s.objective = id;
    s.options = {};
    s.start = null;
    s.view = null;
    if (id === "custom") {
      s.expression ||= DEFAULT_EXPRESSION;
      app.meta = customMeta(s.expression);
    } else {
      app.meta = app.byId[id];
      // The objective's recommended rate (the seeds' examples come with one) for every run.
      if (app.meta.default_lr != null) s.runs.forEach((r) => (r.hp.lr = app.meta.default_lr));
    }
    for (const o of app.meta.options ?? []) s.options[o.name] = o.default;
    app.runsEditor.setDefaultLr(app.meta.default_lr);
    app.runsEditor.setRuns(s.runs);
    applyObjective();
    saveURL();
    say(`Objective: ${app.meta.title}.`);
  });
  $("expression").addEventListener("input", onExpressionInput);
  const steps = $("steps");
  steps.max = String(MAX_STEPS);
  steps.value = String(app.state.steps);
  steps.addEventListener("change", () => {
    const v = Math.round(Number(steps.value));
    if (!Number.isFinite(v) || v < 1 || v > MAX_STEPS) {
      steps.setAttribute("aria-invalid", "");
      return say(`Steps must be between 1 and ${MAX_STEPS}.`, "error");
    }
    steps.removeAttribute("aria-invalid");
    app.state.steps = v;
    configChanged();
  });
  for (const [id, key] of [["stop-loss", "loss_below"], ["stop-grad", "grad_norm_below"]]) {
    const inp = $(id);
    inp.value = app.state.stop[key] ?? "";
    inp.addEventListener("change", () => {
      const v = inp.value.trim() === "" ? null : Number(inp.value);
      const bad = v !== null && !(v > 0);
      inp.toggleAttribute("aria-invalid", bad);
      if (bad) return say("Stopping thresholds must be positive numbers (or empty for none).", "error");
      app.state.stop[key] = v;
      configChanged();
    });
  }
  const log = $("log-scale");
  log.checked = app.state.logScale;
  log.addEventListener("change", () => {
    app.state.logScale = log.checked;
    app.charts.setup(app.charts.labels, RUN_COLORS, log.checked);
    app.chartKey = "";
    if (!app.traces) app.charts.update(null, -1);
    saveURL();
  });
  const resetView = () => {
    app.state.view = null;
    view().setView(app.meta.view_box, false);
    fetchSurface();
    saveURL();
  };
  app.surface.onResetView = resetView;
  app.curve.onResetView = resetView;
}

async function boot() {
  // Ask for the catalogue first; the views are built while it is on its way.
  const catalogue = Promise.all([api.objectives(), api.optimizers()]);
  const onView = (v) => {
    app.state.view = v.map((r) => r.map((x) => Number(x.toPrecision(6))));
    scheduleSurface();
    saveURL();
  };
  app.surface = new SurfaceView($("surface"), { onStart: setStart, onView });
  app.curve = new CurveView($("curve"), { onStart: setStart, onView });
  app.charts = new Charts($("loss-chart"), $("grad-chart"), {
    onScrub: (k) => handlers.scrub(k),
  });
  app.table = new RunTable($("run-table"));
  app.controls = new Controls($("controls"), handlers);
  app.controls.setSpeed(app.state.speed);
  app.runsEditor = new RunsEditor($("runs"), $("add-run"), {
    onChange: (runs) => {
      app.state.runs = runs;
      configChanged();
    },
  });
  mountShare($("share"), () => ({
    traces: app.traces,
    request: app.request ?? runsRequest(app.state, startPoint(), app.optByName),
    endpoint: `${location.origin}${api.url("/runs")}`,
    paramNames: paramNames(),
  }), say);
  say("Loading objectives and optimizers…");
  let objectives;
  let optimizers;
  try {
    [objectives, optimizers] = await catalogue;
  } catch (e) {
    document.body.dataset.phase = "error";
    return report(e, "Cannot reach the playground API");
  }
  app.objectives = objectives.objectives ?? [];
  app.byId = Object.fromEntries(app.objectives.map((o) => [o.id, o]));
  app.optimizers = optimizers.optimizers ?? [];
  app.optByName = Object.fromEntries(app.optimizers.map((o) => [o.name, o]));
  buildPicker();
  const s = app.state;
  let note = "";
  if (s.objective !== "custom" && !app.byId[s.objective]) {
    note = `Unknown objective “${s.objective}”; showing ${app.objectives[0]?.title ?? "a custom expression"} instead. `;
    s.objective = app.byId.rosenbrock ? "rosenbrock" : app.objectives[0]?.id ?? "custom";
    s.start = null;
    s.view = null;
  }
  if (s.objective === "custom") s.expression ||= DEFAULT_EXPRESSION;
  app.meta = resolveMeta();
  const opts = checkOptions(s.options, app.meta.options);
  s.options = opts.options;
  if (opts.problems.length) note += `Ignored from the URL: ${opts.problems.join("; ")}. `;
  for (const o of app.meta.options ?? []) if (!(o.name in s.options)) s.options[o.name] = o.default;
  if (app.optimizers.length) {
    const checked = checkRuns(s.runs, app.optByName);
    s.runs = checked.runs;
    if (checked.problems.length) note += `Ignored from the URL: ${checked.problems.join("; ")}. `;
  }
  if (!s.runs.length) s.runs = [{ optimizer: app.optimizers[0]?.name ?? "sgd", hp: {} }];
  app.runsEditor.setOptimizers(app.optimizers);
  app.runsEditor.setDefaultLr(app.meta.default_lr);
  s.runs.forEach((r) => (r.hp.lr ??= app.runsEditor.lrFor(r.optimizer)));
  app.runsEditor.setRuns(s.runs);
  bindInputs();
  applyObjective();
  saveURL();
  mountViews($("views"), viewContext());
  document.body.dataset.phase = "ready";
  say(`${note}Ready: press Play (or Space) to watch the descent; ←/→ step.`);
  requestAnimationFrame(frame);
}

boot();
