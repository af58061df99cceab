// frame.js — what every animation frame shows: the player hands the playhead here once per
// frame, and each visual redraws only what changed (the charts, the costliest, at most ~10 times
// a second while playing).
import { objectiveSpec } from "./state.js";
import { describeRace } from "./status.js";
import { tickViews } from "./views/host.js";

const CHART_EVERY = 6; // frames between chart redraws while playing

export class FrameSink {
  constructor(page) {
    this.page = page;
    this.count = 0;
    this.chartKey = "";
    this.runsKey = "";
    this.labels = [];
  }

  // The runs on screen changed. The same runs with other settings (a moved slider) only
  // relabel the legends; other runs, parameter names or scale rebuild the charts and table.
  setRuns(labels, runs) {
    const p = this.page;
    const names = p.meta?.param_names ?? ["x", "y"];
    const key = `${labels.length}#${names.join(",")}#${p.state.logScale}`;
    if (key === this.runsKey) {
      if (labels.join("|") !== this.labels.join("|")) {
        p.charts.relabel(labels);
        p.table.relabel(labels);
      }
    } else {
      this.runsKey = key;
      p.charts.setup(labels, p.colors, p.state.logScale);
      p.table.setRuns(runs, names, p.colors, labels);
    }
    this.labels = labels;
    this.chartKey = "";
  }

  frame({ traces, k, seen, playing }) {
    const p = this.page;
    this.count++;
    if (!p.meta) return;
    const view = p.view();
    view.setCursor(k, traces?.length ?? 0);
    view.setFuture?.(!playing && Boolean(traces?.done));
    view.render();
    // Which request's traces are now drawn: input-to-picture latency is measured against it.
    if (document.body.dataset.drawnJob !== String(p.shownJob)) document.body.dataset.drawnJob = String(p.shownJob);
    const spec = objectiveSpec(p.state);
    if (traces?.length) {
      const key = `${traces.length}|${k}|${seen}|${traces.done}`;
      if (key !== this.chartKey && (!playing || this.count % CHART_EVERY === 0)) {
        this.chartKey = key;
        p.charts.update(traces, k, seen);
      }
      p.table.update(traces, k);
      const points = traces.runs.map((run) => run.point(Math.min(k, run.n - 1)) ?? p.startPoint());
      p.dataPanel.follow(spec, points, traces.steps[k], this.labels);
    } else {
      p.table.showStart(p.startPoint());
      p.dataPanel.follow(spec, p.state.runs.map(() => p.startPoint()), 0, this.labels);
    }
    p.dataPanel.render();
    p.net?.frame(traces, k);
    p.controls.update({
      playing,
      busy: p.runner.busy,
      cursor: k,
      length: traces?.length ?? 0,
      step: traces?.steps[k] ?? 0,
      total: p.state.steps,
    });
    const { text, kind } = p.failed ? { text: "The run failed.", kind: "error" } : describeRace(traces, k, { playing, busy: p.runner.busy });
    p.status.describe(text, kind);
    // Machine-readable player state for tests and styling: idle | playing | paused | done | failed.
    const run = p.failed ? "failed" : !traces ? "idle" : playing ? "playing" : traces.done && k >= traces.length - 1 ? "done" : "paused";
    if (document.body.dataset.run !== run) document.body.dataset.run = run;
    if (playing && k >= 1 && !document.body.dataset.firstMotionMs) {
      document.body.dataset.firstMotionMs = String(Math.round(performance.now())); // read by the e2e test
    }
    tickViews(); // the extra views draw from this same frame
    p.saveURL(performance.now());
  }
}
