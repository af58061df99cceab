// embed.js — /embed: the live surface (or curve), every run's path and the playback controls,
// without the page's editors, charts or table (?show=charts,table adds those two), configured
// by the same URL state as the page and driven by the page that frames it through postMessage
// (embedproto.js; docs/embed.md has the protocol). ?autoplay=0 opens the race whole
// and paused, as reduced motion does. Lessons, KaTeX and the extra views are never loaded.
import { readConfig } from "./api.js";
import { Charts } from "./charts.js";
import { EmbedBridge } from "./embedbridge.js";
import { catalogProblem, fitProblem } from "./embedcheck.js";
import { EventTracker } from "./embedevents.js";
import { PROTOCOL } from "./embedproto.js";
import { Playground } from "./main.js";
import { encodeState } from "./state.js";
import { RunTable } from "./table.js";
import { mountPlayback } from "./visuals.js";

const $ = (id) => document.getElementById(id);
// A part of the page the embed leaves out: it takes the page's calls and does nothing.
const quiet = (...methods) => Object.fromEntries(methods.map((m) => [m, () => {}]));

function embedChrome(show) {
  return {
    visuals: (page) => ({
      ...mountPlayback(page),
      charts: show.has("charts") ? new Charts($("loss-chart"), $("grad-chart"), { onScrub: (k) => page.player.scrub(k) }) : quiet("setup", "relabel", "update"),
      table: show.has("table") ? new RunTable($("run-table")) : quiet("setRuns", "relabel", "update", "showStart"),
      runsEditor: quiet("setOptimizers", "setLrSource", "setRuns"),
      dataPanel: quiet("setObjective", "follow", "render"),
    }),
    objectivePanel: () => quiet("buildPicker", "show", "describe", "showStart", "setExpressionError"),
    inputs: () => {},
    lessons: false,
  };
}

class EmbeddedPlayground extends Playground {
  constructor(config, params) {
    const show = new Set((params.get("show") ?? "").split(",").filter((part) => ["charts", "table"].includes(part)));
    super(config, embedChrome(show));
    for (const part of show) $(`show-${part}`).hidden = false;
    if (params.get("autoplay") === "0") this.reducedMotion = true; // the first race opens whole, paused
    this.version = config.version ?? "";
    this.booting = []; // commands that came before the first race was set up
    this.waiting = []; // player commands waiting, in order, for a race on screen that has their step
    this.configs = 0;
    this.race = 1; // the first race is the page's first job
    this.configuring = false;
    this.bridge = new EmbedBridge(window, config.origins ?? [], (c) => (this.booting ? this.booting.push(c) : this.command(c)));
    this.events = new EventTracker((event) => this.bridge.send(event));
    const draw = this.player.onFrame;
    this.player.onFrame = (f) => {
      draw(f);
      this.pump();
      this.report();
    };
  }

  async start() {
    await this.boot();
    const queued = this.booting;
    this.booting = null;
    if (document.body.dataset.phase !== "ready") {
      this.bridge.send({ type: "error", reply_to: null, field: null, reason: this.status.text });
      return;
    }
    this.bridge.send(this.stateEvent("ready"));
    for (const c of queued) this.command(c);
  }

  stateEvent(type, id) {
    const state = structuredClone(this.state);
    return { type, id, protocol: PROTOCOL, version: this.version, state, query: encodeState(state) };
  }

  error(problem, replyTo = null, id = undefined) {
    this.bridge.send({ type: "error", id, reply_to: replyTo, field: problem.field ?? null, reason: problem.reason });
  }

  command(c) {
    const p = this.player;
    if (c.type === "hello") this.bridge.send(this.stateEvent("ready", c.id));
    else if (c.type === "configure") this.configure(c);
    else if (c.type === "play" && this.failed && !this.configuring) this.rerun({ from: "start", play: true });
    else if (c.type === "play") this.act(() => p.play());
    else if (c.type === "pause") this.act(() => p.pause());
    else if (c.type === "step") this.act((t) => !t.done && p.k + c.by >= t.length, () => p.stepBy(c.by));
    else if (c.type === "scrub") {
      // A step still streaming in is waited for (by "step" too); past a finished race's end is its end.
      this.act((t) => !t.done && t.steps[t.length - 1] < c.step, () => p.scrub(p.traces.indexOfStep(c.step)));
    }
  }

  // Run `action` once a race is on screen (and a configuration sent before it is applied), after
  // the commands sent before it; `notYet(traces)` holds it back until its step has arrived.
  act(...parts) {
    const [notYet, action] = parts.length === 2 ? parts : [() => false, parts[0]];
    this.waiting.push({ notYet, action });
    this.pump();
  }

  pump() {
    const t = this.player.traces;
    while (this.waiting.length && !this.configuring && t?.length && !this.waiting[0].notYet(t)) {
      this.waiting.shift().action();
      this.report(); // each command's step at once: three "step"s in one frame are three events
    }
  }

  // The step on screen (and the end) to the host: where the player is now, not the frame drawn.
  report() {
    const p = this.player;
    this.events.frame(p.traces, p.k, this.race, p.playing);
  }

  // A configuration from the host: checked against this server's catalog and the objective as
  // built, then shown from step 0 (playing if asked); the newest one wins.
  async configure({ id, state, names, play }) {
    const serial = ++this.configs;
    const refuse = (problem) => this.error(problem, "configure", id);
    const problem = catalogProblem(state, this.catalog, names);
    if (problem) return refuse(problem);
    this.configuring = true;
    let meta;
    try {
      meta = await this.catalog.describe(state);
    } catch (e) {
      if (serial !== this.configs) return;
      this.configuring = false;
      const field = state.objective === "custom" ? names.expression() : names.objective();
      return refuse({ field, reason: e.messages?.join("; ") ?? e.message });
    }
    if (serial !== this.configs) return; // a newer configuration came meanwhile
    this.configuring = false;
    const misfit = fitProblem(state, meta, names);
    if (misfit) return refuse(misfit);
    for (const o of meta.options ?? []) state.options[o.name] ??= o.default;
    Object.assign(this, { state, meta });
    this.player.speed = state.speed;
    this.controls.setSpeed(state.speed);
    for (const view of [this.player, this.surface, this.curve]) view.setTraces(null);
    this.fillRates();
    this.applyObjective();
    this.rerun({ from: "start", play });
    // The race's number in events: the job that began it (a spliced or refined recomputation of
    // it keeps the number); a race asked for before this configuration is never shown.
    this.race = this.runner.serial;
    this.bridge.send(this.stateEvent("configured", id));
  }

  show(traces, job) {
    if (job.id >= this.race) super.show(traces, job);
  }

  runFailed(e, job) {
    if (job.id < this.race) return;
    super.runFailed(e, job);
    if (job.id >= this.shownJob) this.error({ field: e.fields?.[0] || null, reason: e.message ?? String(e) });
  }

  saveURL() {} // the host page owns the address; the embed's own keeps its options
}

new EmbeddedPlayground(readConfig(), new URLSearchParams(location.search)).start();
