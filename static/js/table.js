// table.js — every run's state at the scrubbed step: parameters, loss, gradient, status.
// Cells carry the exact numbers in data-value (JSON) for tests and copy-paste.
import { el } from "./dom.js";
import { formatNumber, formatVector } from "./format.js";

const STATUS_TEXT = { running: "running", converged: "converged", max_steps: "max steps", diverged: "diverged", ready: "ready" };

export class RunTable {
  constructor(table) {
    this.table = table;
    this.head = table.querySelector("thead");
    this.body = table.querySelector("tbody");
    this.rows = [];
    this.cache = [];
  }

  // Columns follow the objective's parameter names; one row per run, named by its whole setting.
  setRuns(runs, paramNames, colors, labels = []) {
    const names = paramNames.length ? paramNames : ["x"];
    const headRow = el("tr", {}, [
      el("th", { scope: "col" }, "Run"),
      el("th", { scope: "col" }, "Status"),
      el("th", { scope: "col" }, "Step"),
      el("th", { scope: "col" }, `(${names.join(", ")})`),
      el("th", { scope: "col" }, "Loss"),
      el("th", { scope: "col" }, "‖gradient‖"),
      el("th", { scope: "col" }, "Gradient"),
      el("th", { scope: "col" }, "Optimizer"),
      el("th", { scope: "col" }, "lr"),
    ]);
    this.head.replaceChildren(headRow);
    this.rows = runs.map((run, i) => {
      const tr = el("tr", { "data-run": String(i) });
      tr.style.setProperty("--run-color", colors[i % colors.length]);
      const name = el("th", { scope: "row" }, [el("span", { class: "swatch", "aria-hidden": "true" }), ` ${i + 1}`]);
      const cells = {};
      tr.append(name);
      for (const f of ["status", "step", "params", "loss", "gradnorm", "grad", "optimizer", "lr"]) {
        cells[f] = el("td", { "data-field": f });
        tr.append(cells[f]);
      }
      cells.optimizer.textContent = optimizerText(labels[i] ?? run.optimizer);
      cells.lr.textContent = String(run.hp?.lr ?? "");
      return { tr, cells };
    });
    this.body.replaceChildren(...this.rows.map((r) => r.tr));
    this.cache = [];
  }

  // A run's setting changed: its optimizer and lr columns, nothing else.
  relabel(labels) {
    this.rows.forEach((row, i) => {
      if (!labels[i]) return;
      row.cells.optimizer.textContent = optimizerText(labels[i]);
      row.cells.lr.textContent = / lr=(\S+)/.exec(labels[i])?.[1] ?? "";
    });
  }

  // Show the start point before anything has run.
  showStart(start) {
    this.rows.forEach((r, i) => this.fill(i, { step: 0, params: start, loss: null, grad: null, gradnorm: null, status: "ready" }));
  }

  update(traces, cursor) {
    if (!traces) return;
    traces.runs.forEach((run, i) => {
      if (!this.rows[i]) return;
      const k = Math.min(cursor, run.n - 1);
      if (k < 0) return;
      this.fill(i, {
        step: traces.steps[k],
        params: run.point(k),
        loss: run.loss[k],
        grad: run.gradAt(k),
        gradnorm: run.gradNorm[k],
        status: run.statusAt(k),
        // The server's own words for a run that has ended by this step.
        message: run.statusAt(k) === "running" ? "" : (run.done?.message ?? ""),
      });
    });
  }

  fill(i, v) {
    const key = JSON.stringify(v, (_, x) => (typeof x === "number" && !Number.isFinite(x) ? null : x));
    if (this.cache[i] === key) return; // unchanged: skip the DOM work (runs every frame)
    this.cache[i] = key;
    const c = this.rows[i].cells;
    const clean = (a) => (a ? Array.from(a, (x) => (Number.isFinite(x) ? x : null)) : null);
    c.step.textContent = String(v.step ?? 0);
    c.params.textContent = formatVector(v.params);
    c.params.dataset.value = JSON.stringify(clean(v.params));
    c.loss.textContent = v.loss === null ? "—" : formatNumber(v.loss);
    c.loss.dataset.value = JSON.stringify(Number.isFinite(v.loss) ? v.loss : null);
    c.grad.textContent = v.grad ? formatVector(v.grad, 3) : "—";
    c.gradnorm.textContent = v.gradnorm === null ? "—" : formatNumber(v.gradnorm, 3);
    c.status.textContent = STATUS_TEXT[v.status] ?? v.status;
    c.status.title = v.message ?? "";
    this.rows[i].tr.dataset.status = v.status;
  }
}

// "2: sgd lr=0.01 momentum=0.9" → "sgd momentum=0.9": the lr has a column of its own.
const optimizerText = (label) => label.replace(/^\d+: /, "").replace(/ lr=\S+/, "");
