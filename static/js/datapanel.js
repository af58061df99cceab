// datapanel.js — the data behind a fit, at the playhead: the samples, each run's model over
// them (the fitted line or curve, the class probabilities with their decision boundary, the
// distribution q against p, or the prediction against the target), the first run's residuals
// as segments, and the texts' tables (Table 2-1, the house price against $300,000). Every
// number comes from POST /predict; the page only draws.
import { drawClasses, drawDistribution, drawRegression, drawTarget } from "./datadraw.js";
import { el } from "./dom.js";
import { fitCanvas } from "./draw.js";
import { formatNumber, plain } from "./format.js";
import { LatestRequest } from "./latest.js";

const MARGIN = { left: 58, right: 12, top: 12, bottom: 42 };

export class DataPanel {
  constructor(root, api, colors) {
    this.root = root;
    this.api = api;
    this.colors = colors;
    this.canvas = root.querySelector("canvas");
    this.caption = root.querySelector("[data-role=caption]");
    this.tableBox = root.querySelector("[data-role=table]");
    this.meta = null;
    this.answer = null; // the last POST /predict answer drawn
    this.key = "";
    this.fits = new LatestRequest((job) => this.predict(job), {
      onAnswer: (answer) => {
        this.answer = answer;
        this.dirty = true;
      },
      onError: (e) => (this.caption.textContent = `Could not compute the fit: ${e.message ?? e}`),
    });
    this.dirty = true;
    new ResizeObserver(() => (this.dirty = true)).observe(this.canvas.parentElement);
  }

  // Show the panel for objectives with data (their data_kind), hide it for the rest.
  setObjective(meta) {
    const kind = meta?.data_kind ?? null;
    this.meta = meta;
    this.root.hidden = !kind;
    this.root.dataset.kind = kind ?? "";
    this.answer = null;
    this.key = "";
    this.root.dataset.ready = "0";
    this.tableBox.replaceChildren(); // another objective's numbers must not linger
    this.caption.textContent = "";
    this.dirty = true;
  }

  // Called every frame with the objective spec, each run's parameters at the playhead and the
  // step they belong to; asks the server only when those changed (one request at a time, the
  // newest waiting), so it follows scrubbing, playing and dragging.
  follow(spec, points, step, labels) {
    // Points of another objective's traces (still on screen for a moment) are not asked about.
    if (this.root.hidden || !points.length || points.some((p) => p.length !== this.meta?.dim)) return;
    const key = JSON.stringify([spec, points]);
    if (key === this.key) return;
    this.key = key;
    this.fits.request({ spec, points, step, labels });
  }

  // Each run's fit at the playhead (null when no run has finite parameters).
  async predict(job) {
    const finite = job.points.map((p) => (p.every(Number.isFinite) ? p : null));
    const usable = finite.filter(Boolean);
    if (!usable.length) return null;
    const answer = await this.api.predict({ objective: job.spec, points: usable, resolution: 96 });
    let next = 0;
    answer.fits = finite.map((p) => (p ? answer.fits[next++] : null)); // a diverged run has no fit
    return { ...answer, step: job.step, labels: job.labels };
  }

  render() {
    if (!this.dirty || this.root.hidden) return;
    this.dirty = false;
    const box = this.canvas.parentElement;
    const w = box.clientWidth;
    const h = Math.max(180, Math.min(280, Math.round(w * 0.62)));
    if (!w) return;
    const ctx = fitCanvas(this.canvas, w, h);
    ctx.clearRect(0, 0, w, h);
    const a = this.answer;
    if (!a) return;
    const r = { x: MARGIN.left, y: MARGIN.top, w: w - MARGIN.left - MARGIN.right, h: h - MARGIN.top - MARGIN.bottom };
    const draw = { regression: drawRegression, classification: drawClasses, distribution: drawDistribution, target: drawTarget }[a.kind];
    const drawn = draw ? draw(ctx, r, a, this.colors) : 0;
    this.caption.textContent = captionOf(a);
    this.renderTable(a);
    this.root.dataset.samples = String(a.samples?.x?.length ?? 0);
    this.root.dataset.fits = String(drawn);
    this.root.dataset.step = String(a.step);
    this.root.dataset.ready = "1";
  }

  // Table 2-1, the house price against its target: one row per sample, a prediction per run.
  renderTable(a) {
    const rows = a.fits.find((f) => f?.table)?.table;
    if (!rows) return this.tableBox.replaceChildren();
    const runs = a.fits.map((f, i) => ({ f, i })).filter(({ f }) => f?.table);
    const head = el("tr", {}, [
      el("th", { scope: "col" }, "sample"),
      el("th", { scope: "col" }, `input (${a.x_label})`),
      el("th", { scope: "col" }, `target (${a.y_label})`),
      ...runs.map(({ i }) => el("th", { scope: "col", style: `color: ${this.colors[i % this.colors.length]}` }, `run ${i + 1}: prediction (error)`)),
    ]);
    const body = rows.map((row, s) =>
      el("tr", {}, [
        el("th", { scope: "row" }, String(s + 1)),
        el("td", {}, plain(row.input)),
        el("td", {}, plain(row.target)),
        ...runs.map(({ f }) => {
          const cell = f.table[s];
          return el("td", { "data-value": JSON.stringify(cell.prediction) }, `${plain(cell.prediction)} (${signed(cell.error)})`);
        }),
      ]),
    );
    const caption = el("caption", {}, a.kind === "target" ? "The prediction against the target" : "The samples with each run's prediction at this step");
    this.tableBox.replaceChildren(el("table", { "data-testid": "data-table" }, [caption, el("thead", {}, head), el("tbody", {}, body)]));
  }
}

const signed = (v) => (v > 0 ? `+${plain(v)}` : plain(v).replace(/^-/, "−"));

function captionOf(a) {
  const f = a.fits.find(Boolean);
  const loss = f ? ` Run 1's loss here: ${formatNumber(a.fits[0]?.loss ?? f.loss, 4)}.` : "";
  const what = {
    regression: "Points: the samples. Lines: each run's model at this step. Dashed: run 1's residuals (prediction − target).",
    classification: "Marks: the samples by class. Lines: each run's predicted probability; dashed verticals: where its predicted class changes.",
    distribution: "Grey bars: the target distribution p. Coloured bars: each run's model q at this step.",
    target: "Grey: the target. Coloured: each run's prediction at this step.",
  }[a.kind];
  return `Step ${a.step}. ${what ?? ""}${loss}`;
}
