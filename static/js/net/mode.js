// net/mode.js — the page with a network for its objective, fetched with import() the first time
// one is chosen. The race runs in weight space (every optimizer, the same live runner); the
// surface shows the loss over a 2-D slice of weight space with every path projected onto it;
// the side panel shows the data with the prediction and the network itself; the charts show
// train and test loss and accuracy. main.js calls meta(), apply(), showTraces(), frame().
import { el } from "../dom.js";
import { NETWORK_ID } from "../catalog.js";
import { NetRates } from "./rates.js";
import { VIEW_OPTIONS, networkRequest } from "./spec.js";
import { buildNetworkControls } from "./controls.js";
import { SLICES, checkNetworkOptions } from "./options.js";
import { NetPanel } from "./panel.js";
import { SliceJob, sliceNames } from "./slice.js";
import { NetTraceSet } from "./traces.js";

const $ = (id) => document.getElementById(id);
const CSV_KEY = "gdp.network.csv";
const DASH = [5, 4];
const CHART_SPECS = {
  classes: [
    { yLabel: "loss", series: [{ field: "loss", suffix: " train" }, { field: "testLoss", suffix: " test", dash: DASH }] },
    { yLabel: "accuracy (0–1)", log: false, series: [{ field: "trainAcc", suffix: " train" }, { field: "testAcc", suffix: " test", dash: DASH }] },
  ],
  values: [
    { yLabel: "loss", series: [{ field: "loss", suffix: " train" }, { field: "testLoss", suffix: " test", dash: DASH }] },
    { yLabel: "‖gradient‖", series: [{ field: "gradNorm" }] },
  ],
};
const HEADINGS = { classes: ["Train (solid) and test (dashed) loss per step", "Accuracy per step"], values: ["Train (solid) and test (dashed) loss per step", "Gradient norm per step"] };

export function networkMode(page) {
  return new NetMode(page);
}

class NetMode {
  constructor(page) {
    this.page = page;
    this.active = false;
    this.Traces = NetTraceSet;
    this.charts = null; // "classes" | "values": which chart specs are up
    this.specKey = 0;
    this.csv = "";
    // Its suggested learning rates, from the server: data-rates holds the ones in use.
    this.rates = new NetRates(page, { onRates: (lrs) => ($("network-options").dataset.rates = JSON.stringify(lrs)) });
    document.head.append(el("link", { rel: "stylesheet", href: new URL("../../css/net.css", import.meta.url).href }));
    this.panel = new NetPanel($("net-panel"), page.api, { onShow: (i) => this.set("show", i) });
    this.slices = new SliceJob(page.api, { onSlice: (s) => this.drawSlice(s), onError: (msg) => page.status.notify(msg, "warn") });
    this.sliceRow = this.sliceControl();
    this.saved = { hint: $("surface").querySelector(".plot-head .hint").textContent, key: $("surface").querySelector(".key").textContent, headings: [$("loss-heading").textContent, $("grad-heading").textContent] };
  }

  // The objective the rest of the page sees: a 2-D surface (the slice), with the URL's network
  // settings checked and their defaults filled in.
  meta() {
    const s = this.page.state;
    const { options, problems } = checkNetworkOptions(s.options);
    s.options = options;
    this.csv ||= sessionStorage.getItem(CSV_KEY) ?? ""; // a table is too long for a URL
    if (options.dataset === "csv" && !this.csv) {
      options.dataset = "xor"; // a table is never in a URL: this session has none to train on
      problems.push("o.dataset=csv needs a table pasted in this browser session; showing XOR");
    }
    if (problems.length) this.page.status.notify(`Ignored from the URL: ${problems.join("; ")}.`, "warn");
    for (const run of s.runs) if (run.optimizer === "newton") Object.assign(run, { optimizer: "adam", hp: {} });
    this.rates.ask();
    return {
      id: NETWORK_ID,
      title: "Neural network on data (MLP)",
      group: "network",
      dim: 2,
      view_box: [[-1, 1], [-1, 1]],
      default_start: [0, 0],
      param_names: ["α", "β"],
      minima: [],
      options: [],
      formula: "loss(w) = mean data loss over the train rows (+ λ/2·Σw² with weight decay)",
      description: "A small neural network trained by the engine on the data you pick: all its weights and biases are the point that descends. The surface is the loss over a plane of weight space through the shown run's last weights; each run's path is projected onto it.",
      suggested_lr: this.rates.current(),
      data_kind: null,
    };
  }

  // Enter or leave network mode for the objective `meta` on screen.
  apply(meta) {
    const on = meta.id === NETWORK_ID;
    const p = this.page;
    document.body.dataset.mode = on ? "network" : "";
    $("net-panel").hidden = !on;
    $("network-options").hidden = !on;
    $("views").hidden = on; // the extra views draw two-parameter objectives
    document.querySelector("fieldset.start").hidden = on;
    this.sliceRow.hidden = !on;
    $("surface").querySelector(".plot-head .hint").textContent = on
      ? "The loss over a plane of weight space; the paths projected onto it. Wheel or +/− to zoom."
      : this.saved.hint;
    $("surface").querySelector(".key").textContent = on ? "● the runs' start (their initial weights) · lines: each run's path projected onto the plane · dots: the weights at this step" : this.saved.key;
    p.runsEditor.setOptimizers(on ? p.catalog.optimizers.filter((o) => !o.needs_hessian) : p.catalog.optimizers);
    if (on && !this.active) p.surface.setStart(null);
    if (on) this.controls = buildNetworkControls($("network-options"), p.state.options, this.csv, { onChange: (n, v) => this.set(n, v), onCsv: (t) => this.setCsv(t) });
    else if (this.active) {
      this.useCharts(null);
      this.rates.held = null; // left for another objective: its runs' rates are its own
    }
    this.active = on;
    this.panel.clear();
  }

  // Runs that take the network's suggested rates when they come (main.js boot and pick).
  holdRates(which) {
    this.rates.hold(which);
  }

  sliceControl() {
    const sel = el("select", { id: "net-slice", "data-testid": "net-slice" }, SLICES.map(([v, t]) => el("option", { value: v }, t)));
    sel.addEventListener("change", () => this.set("slice", sel.value));
    const row = el("div", { class: "net-slice" }, [el("label", { for: "net-slice" }, "Slice"), sel]);
    this.sliceSelect = sel;
    $("surface").querySelector(".plot-head .toolbar").before(row);
    return row;
  }

  set(name, value) {
    const p = this.page;
    p.state.options[name] = value;
    p.urlDirty = true;
    if (name === "dataset" && value === "csv" && !this.csv.trim()) return this.controls?.setCsvError("Paste a table with a header line and rows.");
    if (!VIEW_OPTIONS.includes(name)) {
      p.rerun();
      return this.rates.ask(); // another network: its own rates (the runs keep theirs)
    }
    this.panel.clear();
    this.requestSlice();
  }

  setCsv(text) {
    const p = this.page;
    this.csv = text;
    try {
      sessionStorage.setItem(CSV_KEY, text);
    } catch {
      // over the storage quota: the table stays for this page only
    }
    this.controls?.setCsvError("");
    if (p.state.options.dataset === "csv") p.rerun({ from: "start", play: true });
  }

  // The POST /runs body of the race (main.js raceRequest()).
  request() {
    const p = this.page;
    return networkRequest(p.state, p.catalog.optByName, this.csv);
  }

  // A failed run: a bad cell of the table is named next to the table.
  failed(e) {
    const i = (e.fields ?? []).findIndex((f) => String(f).startsWith("objective.dataset"));
    if (!this.active || i < 0) return false;
    this.controls?.setCsvError(e.messages[i]);
    return true;
  }

  // New traces on screen (main.js show()).
  showTraces(traces, job) {
    if (!this.active) return;
    const p = this.page;
    this.specKey = job.id;
    this.spec = job.request.objective; // the network of these traces (the settings may move on)
    const s = p.state.options;
    if (s.show != null) s.show = Math.min(s.show, traces.runs.length - 1);
    this.panel.setRuns(job.metas.map((m) => m.label), this.shown());
    this.sliceSelect.value = s.slice;
    this.useCharts(traces.classifies ? "classes" : "values");
    this.controls?.setCsvError("");
  }

  useCharts(kind) {
    if (kind === this.charts) return;
    const p = this.page;
    this.charts = kind;
    p.charts.setSpecs(kind ? CHART_SPECS[kind] : null);
    const [a, b] = kind ? HEADINGS[kind] : this.saved.headings;
    $("loss-heading").textContent = a;
    $("grad-heading").textContent = b;
    p.frames.runsKey = ""; // rebuild the charts with these specs
    p.frames.setRuns(p.frames.labels, p.state.runs);
  }

  // The run whose network and slice are shown: the learner's pick, else the first Adam run.
  shown() {
    const { options, runs } = this.page.state;
    return options.show ?? Math.max(0, runs.findIndex((r) => r.optimizer === "adam"));
  }

  // The slice for the shown run (main.js calls this for every surface request: a zoom asks
  // for a wider or narrower plane).
  requestSlice() {
    const p = this.page;
    const traces = p.player.traces;
    const run = traces?.runs?.[this.shown()];
    if (!this.active || !run?.weights || !this.spec) return;
    const view = p.state.view;
    const span = view ? Math.max(...view.flat().map(Math.abs)) : null;
    this.slices.request(this.spec, run, p.state.options.slice, span);
  }

  drawSlice({ data, bounds, answer }) {
    const p = this.page;
    const traces = p.player.traces;
    if (!this.active || !traces?.runs) return;
    const [d1, d2] = answer.directions;
    for (const run of traces.runs) run.project(answer.center, d1, d2);
    p.surface.names = sliceNames(answer);
    p.surface.setView(bounds, false);
    p.surface.setSurface(data, bounds);
    p.surface.setTraces(traces, p.colors);
    const shown = traces.runs[this.shown()];
    p.surface.setStart(shown?.point(0));
    $("surface").dataset.slice = answer.method;
  }

  // Every frame: the shown run's weights at the playhead to the side panel.
  frame(traces, k) {
    const run = traces?.runs?.[this.shown()];
    if (!this.active || !run?.weightsAt || !this.spec) return;
    if (traces.done && this.sliced !== traces) {
      this.sliced = traces; // a finished race (whole or streamed): its landscape
      this.requestSlice();
    }
    const kk = Math.min(k, run.n - 1);
    this.panel.follow(this.spec, this.specKey, run.weightsAt(kk), traces.steps[kk]);
    this.panel.render();
    const loss = run.loss[kk];
    const root = $("surface");
    if (root.dataset.pathLoss !== String(loss)) root.dataset.pathLoss = String(loss);
  }
}
