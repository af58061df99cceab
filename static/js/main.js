// main.js — the playground page: one Playground wires the catalog (what the server offers), the
// configuration (state.js, kept in the URL), the live runner (every change re-runs at once), the
// player (the one frame loop) and the visuals. Each module has one job; this file only routes.
import { ApiError, createApi, readConfig } from "./api.js";
import { Catalog, isNetwork } from "./catalog.js";
import { RUN_COLORS } from "./colorscale.js";
import { FrameSink } from "./frame.js";
import { surfaceRequests } from "./latest.js";
import { LiveRunner } from "./live.js";
import { PAGE_CHROME } from "./pagechrome.js";
import { Player } from "./player.js";
import { decodeState, encodeState, objectiveSpec, runsRequest } from "./state.js";
import { StatusLine } from "./status.js";

const $ = (id) => document.getElementById(id);
const DEFAULT_EXPRESSION = "x^2 + 10*y^2";
const URL_EVERY_MS = 300; // browsers throttle history.replaceState called on every slider tick

export class Playground {
  // chrome: what surrounds the surface (pagechrome.js); /embed passes its own (embed.js).
  constructor(config, chrome = PAGE_CHROME) {
    this.chrome = chrome;
    this.api = createApi(config.api ?? config.api_base ?? "/api/v1");
    this.catalog = new Catalog(this.api);
    this.state = decodeState(location.search);
    this.reducedMotion = globalThis.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
    this.colors = RUN_COLORS;
    this.meta = null;
    this.failed = false;
    this.shownJob = 0;
    this.firstWanted = 0; // the oldest job whose answer still belongs on screen
    this.surfaces = surfaceRequests(this.api, {
      // An answer for another objective (picked meanwhile) would draw the wrong surface.
      current: (job) => job.key === JSON.stringify(objectiveSpec(this.state)),
      onAnswer: (data, answer, job) => this.view().setSurface(data, job.bounds),
      onError: (e) => this.status.notify(`Could not compute the surface: ${e.message ?? e}`, "error"),
    });
    this.urlAt = 0;
    this.urlDirty = false;
    this.status = new StatusLine($("status"));
    Object.assign(this, chrome.visuals(this));
    this.objectivePanel = chrome.objectivePanel({
      onPick: (id) => this.pickObjective(id),
      onExpression: (text) => this.typeExpression(text),
      onOption: (name, value) => this.setOption(name, value),
      onSeed: (seed) => this.changed(() => (this.state.seed = seed)),
      onStart: (point) => this.setStart(point),
    });
    this.runner = new LiveRunner(this.api, {
      onTraces: (traces, job) => this.show(traces, job),
      onDone: () => {},
      onError: (e, job) => this.runFailed(e, job),
    });
    this.frames = new FrameSink(this);
    this.player = new Player({ speed: this.state.speed, onFrame: (f) => this.frames.frame(f) });
  }

  view() {
    return this.meta?.dim === 1 ? this.curve : this.surface;
  }

  currentView() {
    const v = this.state.view;
    return v && v.length === this.meta.dim ? v : this.meta.view_box;
  }

  startPoint() {
    const s = this.state.start;
    return s && s.length === this.meta.dim ? s : this.meta.default_start;
  }

  // ---- boot ------------------------------------------------------------------------------------

  async boot() {
    this.status.notify("Loading objectives and optimizers…");
    try {
      await this.catalog.load();
    } catch (e) {
      document.body.dataset.phase = "error";
      return this.status.notify(`Cannot reach the playground API: ${e.message ?? e}`, "error");
    }
    // Lesson mode (?learn, ?lesson=id&card=n) is fetched with import() only when the URL asks;
    // it puts the card's configuration into the state built next.
    if (this.chrome.lessons && /[?&](learn|lesson)\b/.test(location.search)) {
      const open = import("./lessons/mode.js").then((m) => m.enterLessons(this, location.search));
      this.lessons = await open.catch((e) => void this.status.notify(`Could not open the lessons: ${e.message ?? e}`, "error"));
    }
    const s = this.state;
    this.objectivePanel.buildPicker(this.catalog.objectives);
    const notes = this.catalog.checkState(s);
    if (s.objective === "custom") s.expression ||= DEFAULT_EXPRESSION;
    try {
      this.meta = await this.describe(s);
    } catch (e) {
      notes.push(`The URL's objective is not valid (${e.message}); showing Rosenbrock's banana.`);
      Object.assign(s, { objective: "rosenbrock", start: null, view: null, options: {} });
      this.meta = await this.catalog.describe(s);
    }
    for (const o of this.meta.options ?? []) s.options[o.name] ??= o.default;
    this.runsEditor.setOptimizers(this.catalog.optimizers);
    this.runsEditor.maxRuns = this.catalog.maxRuns();
    // Runs without a rate (the first view's race) get the server's suggestion for this objective
    // (a network's once they come: net/mode.js).
    const unrated = this.state.runs.map((run) => run.hp.lr == null);
    this.fillRates();
    this.net?.holdRates(unrated);
    this.applyObjective();
    const first = this.raceRequest();
    this.frames.setRuns(first.runs.map((r) => r.label), this.state.runs); // legends before data
    this.chrome.inputs(this);
    this.lessons?.ready();
    document.body.dataset.phase = "ready";
    this.rerun(this.lessons?.intent ?? { from: this.reducedMotion ? "end" : "start", play: !this.reducedMotion });
    if (notes.length) this.status.notify(notes.join(" "), "warn");
  }

  // ---- the objective ---------------------------------------------------------------------------

  // The objective of `state` as the server builds it; a network's page (net/mode.js) is fetched
  // the first time one is chosen, and describes the network itself.
  async describe(state) {
    if (!isNetwork(state)) return this.catalog.describe(state);
    this.net ??= await import("./net/mode.js").then((m) => m.networkMode(this));
    return this.net.meta();
  }

  // Show the objective `this.meta` everywhere: panel, view, data panel, runs, surface.
  applyObjective() {
    const meta = this.meta;
    this.objectivePanel.show(meta, this.state, this.startPoint());
    $("surface").hidden = meta.dim === 1;
    $("curve").hidden = meta.dim !== 1;
    this.view().setObjective(meta, this.currentView(), this.startPoint());
    this.dataPanel.setObjective(meta);
    this.runsEditor.setLrSource((name) => this.catalog.suggestedLr(this.meta, name));
    this.net?.apply(meta);
    this.runsEditor.setRuns(this.state.runs);
    this.requestSurface();
  }

  async pickObjective(id) {
    const s = this.state;
    Object.assign(s, { objective: id, options: {}, start: null, view: null });
    if (id === "custom") s.expression ||= DEFAULT_EXPRESSION;
    try {
      this.meta = await this.describe(s);
    } catch (e) {
      return this.status.notify(`Could not load the objective: ${e.message}`, "error");
    }
    if (s.objective !== id) return; // picked another one meanwhile
    for (const o of this.meta.options ?? []) s.options[o.name] = o.default;
    // Every run gets a rate for this surface; a network's runs keep theirs until its come.
    if (isNetwork(s)) this.net.holdRates(s.runs.map(() => true));
    else for (const run of s.runs) delete run.hp.lr;
    this.fillRates();
    this.player.setTraces(null); // the old objective's paths do not belong on the new surface
    this.surface.setTraces(null);
    this.curve.setTraces(null);
    this.applyObjective();
    this.rerun({ from: "start", play: !this.reducedMotion, fresh: true });
  }

  // A custom formula, checked by the server as it is typed; only an accepted one is used.
  async typeExpression(text) {
    const serial = (this.exprSerial = (this.exprSerial ?? 0) + 1);
    if (!text) return this.objectivePanel.setExpressionError("Type a formula in x (and y), e.g. x^2 + 10*y^2.");
    let meta;
    try {
      meta = await this.catalog.describe({ ...this.state, objective: "custom", expression: text });
    } catch (e) {
      if (serial !== this.exprSerial) return;
      if (e instanceof ApiError) return this.objectivePanel.setExpressionError(e.messages.join("; "));
      return this.status.notify(`Could not check the expression: ${e.message}`, "error");
    }
    if (serial !== this.exprSerial) return; // typed on meanwhile: that check decides
    this.objectivePanel.setExpressionError("");
    const dimChanged = meta.dim !== this.meta.dim;
    this.state.expression = text;
    this.meta = meta;
    if (dimChanged) Object.assign(this.state, { start: null, view: null });
    this.applyObjective();
    this.rerun({ fresh: dimChanged });
  }

  // An option re-runs at once (it travels in the request); the server then rebuilds the
  // objective's description, since a loss option moves the minimum and changes the formula.
  async setOption(name, value) {
    this.state.options[name] = value;
    this.requestSurface();
    this.rerun();
    const spec = JSON.stringify(objectiveSpec(this.state));
    let meta;
    try {
      meta = await this.catalog.describe(this.state);
    } catch (e) {
      return this.status.notify(`Could not apply ${name}: ${e.message}`, "error");
    }
    if (spec !== JSON.stringify(objectiveSpec(this.state))) return; // changed again meanwhile
    this.meta = meta;
    this.objectivePanel.describe(meta);
    this.view().setMinima(meta.minima);
    this.dataPanel.setObjective(meta);
  }

  // ---- runs --------------------------------------------------------------------------------------

  // Runs without a learning rate get the server's suggestion for this objective.
  fillRates() {
    for (const run of this.state.runs) run.hp.lr ??= this.catalog.suggestedLr(this.meta, run.optimizer);
  }

  // The POST /runs body of the configuration: a network's is built by net/mode.js.
  raceRequest() {
    return this.net?.active ? this.net.request() : runsRequest(this.state, this.startPoint(), this.catalog.optByName);
  }

  setStart(point, { rerun = true } = {}) {
    if (this.net?.active) return; // a network starts from its initial weights
    this.state.start = point.map((v) => Number(v.toPrecision(5))); // 5 digits: finer than a pixel
    this.view().setStart(this.state.start);
    this.objectivePanel.showStart(this.meta.param_names ?? ["x", "y"], this.state.start);
    if (rerun) this.rerun();
  }

  // A configuration change: apply it, then re-run at once.
  changed(apply) {
    apply();
    this.rerun();
  }

  // Re-run the race for the current configuration. from: where the playhead goes ("keep" the
  // same step, "start", or "end"); play: start playing when it arrives.
  // `fresh`: answers to earlier requests (another objective's) no longer belong on screen.
  rerun({ from = "keep", play = false, fresh = false } = {}) {
    if (!this.meta) return;
    this.status.clear();
    const request = this.raceRequest();
    const metas = request.runs.map((r) => ({ label: r.label, optimizer: r.optimizer.name, lr: r.optimizer.lr }));
    // Mini-batches are drawn for the whole batch of runs: then no run can be computed alone.
    const splittable = !(Number(this.state.options.batch_size) > 0) && !this.net?.active;
    const Traces = this.net?.active ? this.net.Traces : undefined;
    const job = this.runner.run(request, this.meta.dim, metas, { from, play }, { splittable, Traces });
    document.body.dataset.job = String(job); // read with data-drawn-job by benchmarks/page.py
    if (fresh) this.firstWanted = job;
    this.urlDirty = true;
  }

  show(traces, job) {
    if (job.id < this.shownJob || job.id < this.firstWanted) return; // older than what is shown or wanted
    this.shownJob = job.id;
    this.failed = false;
    this.request = job.request;
    this.frames.setRuns(job.metas.map((m) => m.label), this.state.runs);
    this.view().setTraces(traces, this.colors);
    this.player.setTraces(traces, job.intent.from);
    this.net?.showTraces(traces, job);
    if (job.intent.play) this.player.play();
  }

  runFailed(e, job) {
    if (job.id < this.shownJob || job.id < this.firstWanted) return;
    this.failed = true;
    if (!this.net?.failed(e)) this.status.notify(`The run failed: ${e.message ?? e}`, "error");
  }

  // ---- the surface: the newest request wins, one at a time ------------------------------------

  requestSurface() {
    if (this.net?.active) return this.net.requestSlice();
    const spec = objectiveSpec(this.state);
    const bounds = this.currentView().map((r) => r.slice());
    const body = { objective: spec, bounds, resolution: this.view().resolution(), format: "f32" };
    this.surfaces.request({ key: JSON.stringify(spec), bounds, body });
  }

  // ---- the URL ---------------------------------------------------------------------------------

  saveURL(now) {
    if (this.lessons || !this.urlDirty || now - this.urlAt < URL_EVERY_MS) return; // a card owns its URL
    this.urlDirty = false;
    this.urlAt = now;
    history.replaceState(null, "", `?${encodeState(this.state)}`);
  }
}

// /embed imports Playground and mounts its own (embed.js); the page mounts itself.
if (!("embed" in document.body.dataset)) new Playground(readConfig()).boot();
