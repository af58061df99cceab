// charts.js — loss vs step and ‖gradient‖ vs step (uPlot), one line per run in its colour, an
// optional log y-axis, and a vertical line at the scrubbed step; clicking a chart scrubs there.
import uPlot from "../vendor/uplot/uPlot.esm.js";
import { decadeLabel, decadeSplits, formatNumber } from "./format.js";
import { chartSeries } from "./trace.js";

const AXIS = { stroke: "#c9d1d9", grid: { stroke: "rgba(255,255,255,0.08)" }, ticks: { stroke: "rgba(255,255,255,0.2)" } };
const fmt = (v) => (v === null || v === undefined ? "—" : formatNumber(v));

export class Charts {
  constructor(lossEl, gradEl, { onScrub }) {
    this.specs = [
      { el: lossEl, yLabel: "loss", series: [{ field: "loss" }] },
      { el: gradEl, yLabel: "‖gradient‖", series: [{ field: "gradNorm" }] },
    ];
    this.defaults = this.specs;
    this.onScrub = onScrub;
    this.plots = [];
    this.log = true;
    this.labels = [];
    this.colors = [];
    this.traces = null;
    this.cursor = -1;
    this.upto = -1;
    const ro = new ResizeObserver(() => this.resize());
    for (const s of this.specs) ro.observe(s.el);
  }

  // Each chart's {yLabel, log: false to stay linear, series: [{field, suffix, dash}]}; none: the
  // defaults. Then setup().
  setSpecs(specs = null) {
    this.specs = specs ? specs.map((sp, i) => ({ ...sp, el: this.defaults[i].el })) : this.defaults;
  }

  // (Re)build both charts: needed when the runs or the y scale type change.
  setup(labels, colors, log) {
    this.traces = null; // the old traces' runs may not match the new labels: start empty
    this.labels = labels;
    this.colors = colors;
    this.log = log;
    for (const p of this.plots) p.destroy();
    this.plots = this.specs.map((spec) => {
      const s = { ...spec, log: log && spec.log !== false };
      s.el.dataset.scale = s.log ? "log" : "linear";
      const width = Math.max(200, s.el.clientWidth);
      const opts = {
        width,
        height: Math.max(140, Math.min(220, Math.round(width * 0.45))),
        pxAlign: false,
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        legend: { live: true },
        scales: {
          x: { time: false, range: (u, min, max) => (min === max ? [min, min + 1] : [min, max]) },
          // An empty chart still gets a y range, so its axis is laid out before the data come.
          y: { auto: true, range: (u, min, max) => (min === null || max === null ? [0, 1] : uPlot.rangeNum(min, max, 0.1, true)) },
        },
        axes: [
          { ...AXIS, label: "step", labelSize: 20, size: 36, values: (u, t) => t.map((v) => (v === null ? "" : formatNumber(v, 3))) },
          s.log
            ? {
                // Log mode plots log10(value) on a linear scale, labelled in decades.
                ...AXIS, label: `${s.yLabel} (log scale)`, labelSize: 20, size: 54,
                splits: (u, ai, min, max) => decadeSplits(min, max),
                values: (u, t) => t.map(decadeLabel),
              }
            : { ...AXIS, label: s.yLabel, labelSize: 20, size: 62, values: (u, t) => t.map((v) => (v === null ? "" : formatNumber(v, 2))) },
        ],
        series: [
          { label: "step", value: (u, v) => (v === null || v === undefined ? "—" : String(v)) },
          ...labels.flatMap((label, i) =>
            s.series.map((line) => ({
              label: `${label}${line.suffix ?? ""}`,
              stroke: colors[i % colors.length],
              width: 1.6,
              dash: line.dash,
              spanGaps: false,
              points: { show: false },
              value: (u, v) => fmt(v === null || v === undefined ? v : s.log ? 10 ** v : v),
            })),
          ),
        ],
        hooks: { draw: [(u) => this.drawCursorLine(u)] },
      };
      const u = new uPlot(opts, this.data(s), s.el);
      u.over.addEventListener("click", () => {
        if (u.cursor.idx !== null && u.cursor.idx !== undefined) this.onScrub?.(u.cursor.idx);
      });
      u.root.setAttribute("aria-label", `${s.yLabel} against step, one line per run`);
      return u;
    });
  }

  // New names for the same series (a run's setting changed): only the legend's text.
  relabel(labels) {
    this.labels = labels;
    for (const [p, u] of this.plots.entries()) {
      const lines = this.specs[p].series;
      for (let j = 1; j < u.series.length; j++) {
        const label = `${labels[Math.floor((j - 1) / lines.length)]}${lines[(j - 1) % lines.length].suffix ?? ""}`;
        u.series[j].label = label;
        const cell = u.root.querySelectorAll(".u-legend .u-series")[j]?.querySelector(".u-label");
        if (cell) cell.textContent = label;
      }
    }
  }

  data(spec) {
    const log = this.log && spec.log !== false;
    // One empty step rather than none: uPlot then lays out its axes at once, so the plot area
    // does not jump when the first data arrive.
    if (!this.traces) return [[0], ...this.labels.flatMap(() => spec.series.map(() => [null]))];
    const per = spec.series.map((line) => chartSeries(this.traces, this.upto, line.field, log));
    const out = [per[0][0]];
    this.traces.runs.forEach((_, i) => per.forEach((d) => out.push(d[i + 1])));
    return out;
  }

  // Lines up to recorded index `upto` (the furthest step watched, so that scrubbing back keeps
  // the whole curve in view) and the dashed marker at `cursor`, the scrubbed step. Called at
  // most once per frame by main.js.
  update(traces, cursor, upto = cursor) {
    this.traces = traces;
    this.cursor = cursor;
    this.upto = Math.max(cursor, upto);
    this.plots.forEach((u, i) => u.setData(this.data(this.specs[i])));
    // The steps at the marker and at the lines' end, as data-cursor-step / data-last-step.
    const stepAt = (k) => (traces && k >= 0 && k < traces.length ? String(traces.steps[k]) : "");
    for (const s of this.specs) {
      s.el.dataset.cursorStep = stepAt(cursor);
      s.el.dataset.lastStep = stepAt(Math.min(this.upto, (traces?.length ?? 0) - 1));
    }
    this.explainGaps();
  }

  // A log axis cannot show losses ≤ 0 (custom formulas, the double well): say so, not just a gap.
  explainGaps() {
    const note = this.specs[0].el.nextElementSibling?.matches?.(".chart-note") ? this.specs[0].el.nextElementSibling : null;
    if (!note) return;
    let hidden = false;
    if (this.log && this.traces) {
      for (const run of this.traces.runs) {
        const n = Math.min(run.n, this.upto + 1);
        for (let k = 0; k < n && !hidden; k++) if (run.loss[k] <= 0) hidden = true;
      }
    }
    note.textContent = hidden ? "Some losses are 0 or negative, which a log scale cannot show: untick “log scale” to see them." : "";
  }

  drawCursorLine(u) {
    const t = this.traces;
    if (!t || this.cursor < 0 || this.cursor >= t.length) return;
    const x = u.valToPos(t.steps[this.cursor], "x", true);
    if (!Number.isFinite(x)) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = "rgba(255,255,255,0.55)";
    ctx.setLineDash([3, 3]);
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }

  resize() {
    this.plots.forEach((u, i) => {
      const width = Math.max(200, this.specs[i].el.clientWidth);
      if (Math.abs(width - u.width) > 2) u.setSize({ width, height: Math.max(140, Math.min(220, Math.round(width * 0.45))) });
    });
  }
}
