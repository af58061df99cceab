// catalog.js — what the server offers: the objectives (each as built with its options, or a
// custom formula), the optimizers with their hyper-parameters, and the caps. Everything the page
// knows about an objective (its dimension, minima, formula, suggested learning rates) comes
// from here, never from a copy in the page.
import { MAX_RUNS, MAX_STEPS, checkOptions, checkRuns, objectiveSpec } from "./state.js";

// A network (net/mode.js, fetched when one is chosen) is not in GET /objectives: its dimension
// follows from its spec. The picker offers it here.
export const NETWORK_ID = "mlp";
const NETWORK_ENTRY = { id: NETWORK_ID, title: "Neural network on data (MLP)", group: "network" };
export const isNetwork = (state) => state?.objective === NETWORK_ID;

export const GROUPS = [
  ["test-function", "Test functions"],
  ["model-fitting", "Model-fitting losses"],
  ["worked-example", "Worked examples"],
  ["one-dimensional", "One-dimensional"],
  ["network", "Neural networks"],
];

export class Catalog {
  constructor(api) {
    this.api = api;
    this.objectives = [];
    this.byId = {};
    this.optimizers = [];
    this.optByName = {};
    this.limits = null;
    this.described = new Map(); // "id?options" → metadata promise (built objectives never change)
  }

  async load() {
    const limits = this.api.limits().catch(() => null); // optional: the page has safe defaults
    const [objectives, optimizers] = await Promise.all([this.api.objectives(), this.api.optimizers()]);
    this.objectives = [...(objectives.objectives ?? []), NETWORK_ENTRY];
    this.byId = Object.fromEntries(this.objectives.map((o) => [o.id, o]));
    this.optimizers = optimizers.optimizers ?? [];
    this.optByName = Object.fromEntries(this.optimizers.map((o) => [o.name, o]));
    this.limits = await limits;
    for (const o of this.objectives) if (o !== NETWORK_ENTRY) this.described.set(key(o.id, {}), Promise.resolve(o));
  }

  // The objective of `state` as the server builds it (options applied; a formula parsed).
  // Rejects with the server's ApiError for a bad option or formula.
  describe(state) {
    const spec = objectiveSpec(state);
    const id = spec.expression !== undefined ? "custom" : spec.id;
    const query = spec.expression !== undefined ? { expression: spec.expression } : withoutId(spec);
    const k = key(id, query);
    if (!this.described.has(k)) {
      const p = this.api.objective(id, query);
      p.catch(() => this.described.delete(k)); // a failure is not remembered
      this.described.set(k, p);
    }
    return this.described.get(k);
  }

  // A state read from a URL, made one the server offers: an unknown objective becomes
  // Rosenbrock, unknown options and runs are dropped. Returns a note for each thing ignored.
  checkState(s) {
    const notes = [];
    if (s.objective !== "custom" && !this.byId[s.objective]) {
      notes.push(`Unknown objective “${s.objective}”; showing Rosenbrock's banana instead.`);
      Object.assign(s, { objective: "rosenbrock", start: null, view: null, options: {} });
    }
    // A network's options are checked by net/mode.js, which knows its spec.
    const opts = isNetwork(s) ? { options: s.options, problems: [] } : checkOptions(s.options, this.byId[s.objective]?.options ?? []);
    s.options = opts.options;
    const runs = checkRuns(s.runs, this.optByName);
    s.runs = runs.runs.length ? runs.runs : [{ optimizer: "sgd", hp: {} }];
    for (const p of [...opts.problems, ...runs.problems]) notes.push(`Ignored from the URL: ${p}.`);
    return notes;
  }

  // The learning rate the server suggests for `optimizer` on objective `meta`.
  suggestedLr(meta, optimizer) {
    const lr = meta?.suggested_lr?.[optimizer];
    if (lr > 0) return lr;
    if (meta?.default_lr > 0) return meta.default_lr;
    return this.optByName[optimizer]?.hyperparams.find((h) => h.name === "lr")?.default ?? 0.01;
  }

  // Caps of the page: the server's, and 8 runs (one colour each).
  maxRuns() {
    return Math.min(MAX_RUNS, this.limits?.max_runs ?? MAX_RUNS);
  }

  maxSteps(runs = 1) {
    const l = this.limits;
    if (!l) return MAX_STEPS;
    return Math.max(1, Math.min(l.max_steps ?? MAX_STEPS, Math.floor((l.max_steps_times_runs ?? Infinity) / Math.max(1, runs))));
  }

  maxResolution() {
    return this.limits?.max_resolution ?? 512;
  }
}

function withoutId(spec) {
  const { id, ...rest } = spec;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)]));
}

function key(id, query) {
  const q = Object.keys(query)
    .sort()
    .map((k) => `${k}=${query[k]}`)
    .join("&");
  return `${id}?${q}`;
}
