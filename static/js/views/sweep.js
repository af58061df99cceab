// views/sweep.js — final loss (or steps to reach the tolerance) against the learning rate, on log
// axes, from one POST /sweeps per chosen optimizer over up to 1,000 log-spaced rates. Diverged
// runs are marked ✕ along the top; clicking a point (or picking it below) runs that learning
// rate on the surface.
import uPlot from "../../vendor/uplot/uPlot.esm.js";
import { el } from "../dom.js";
import { crossPath } from "../draw.js";
import { decadeLabel, decadeSplits, formatNumber } from "../format.js";
import { field, num, post } from "./common.js";

const AXIS = { stroke: "#c9d1d9", grid: { stroke: "rgba(255,255,255,0.08)" }, ticks: { stroke: "rgba(255,255,255,0.2)" } };
export const MAX_RATES = 1000;
const WORK_CAP = 4_200_000; // the server's runs × steps cap for one sweep

// The uPlot data for the sweep results: x = log10(lr); y = log10(metric) (or the metric itself
// when some value is ≤ 0); null where the run diverged or never reached the tolerance.
export function sweepSeries(results, metric) {
  const first = results[0];
  const x = first.values.map((v) => Math.log10(v));
  const raw = results.map((r) =>
    r.status.map((s, i) => {
      if (s === "diverged") return null;
      if (metric === "steps") return s === "converged" ? r.steps_taken[i] : null;
      const v = r.final_loss[i];
      return v === null || !Number.isFinite(v) ? null : v;
    }),
  );
  const log = raw.every((ys) => ys.every((v) => v === null || v > 0));
  return { x, ys: raw.map((ys) => ys.map((v) => (v === null ? null : log ? Math.log10(v) : v))), log };
}

export function mount(body, ctx) {
  const chosen = new Set(ctx.state().runs.map((r) => r.optimizer));
  const checks = el("fieldset", { class: "view-checks" }, [el("legend", {}, "Optimizers (one sweep each)")]);
  for (const o of ctx.optimizers()) {
    const id = `sweep-opt-${o.name}`;
    const box = el("input", { type: "checkbox", id, value: o.name, "data-testid": "sweep-optimizer" });
    box.checked = chosen.has(o.name);
    checks.append(el("label", { class: "check", for: id }, [box, ` ${o.name}`]));
  }
  const numberField = (label, attrs) => {
    const input = el("input", { type: "number", step: "any", ...attrs });
    return [input, el("div", { class: "field" }, [el("label", { for: attrs.id }, label), input])];
  };
  const [lo, loF] = numberField("lr from", { id: "sweep-min", "data-testid": "sweep-min", min: "0" });
  const [hi, hiF] = numberField("lr to", { id: "sweep-max", "data-testid": "sweep-max", min: "0" });
  const [count, countF] = numberField(`rates (≤ ${MAX_RATES})`, { id: "sweep-num", "data-testid": "sweep-num", min: "2", max: String(MAX_RATES), step: "1" });
  const [steps, stepsF] = numberField("steps per run", { id: "sweep-steps", "data-testid": "sweep-steps", min: "1", step: "1" });
  const [tol, tolF] = numberField("tolerance (loss <)", { id: "sweep-tol", "data-testid": "sweep-tol", min: "0" });
  const metric = el("select", { id: "sweep-metric", "data-testid": "sweep-metric" }, [
    el("option", { value: "loss" }, "final loss"),
    el("option", { value: "steps" }, "steps to reach the tolerance"),
  ]);
  const go = el("button", { type: "button", class: "primary", "data-testid": "sweep-run" }, "Sweep");
  const status = el("p", { class: "view-caption", "aria-live": "polite", "data-testid": "sweep-status" });
  const plotBox = el("div", { class: "chart sweep-chart", "data-testid": "sweep-plot" });
  const pickOpt = el("select", { id: "sweep-pick-opt", "data-testid": "sweep-pick-optimizer" });
  const pickLr = el("input", { id: "sweep-pick-lr", "data-testid": "sweep-pick-lr", type: "number", step: "any", min: "0" });
  const pickGo = el("button", { type: "button", "data-testid": "sweep-pick-run" }, "Run this lr on the surface");
  const picked = el("p", { class: "hint", "data-testid": "sweep-picked", "aria-live": "polite" });
  body.append(
    el("p", { class: "hint" }, "Each optimizer runs from the current start point once per learning rate, all in one batch on the server. Too small a rate barely moves; too large a one overshoots and diverges (✕ along the top). Click a point to run that rate on the surface."),
    checks,
    el("div", { class: "view-controls" }, [loF, hiF, countF, stepsF, tolF, el("div", { class: "field" }, [el("label", { for: "sweep-metric" }, "plot"), metric]), go]),
    status,
    plotBox,
    el("div", { class: "view-controls" }, [field("Run", pickOpt), field("at lr", pickLr), pickGo]),
    picked,
  );

  function defaults() {
    const lr = Number(ctx.state().runs[0]?.hp?.lr) || 0.01;
    lo.value = String(Number((lr / 1000).toPrecision(2)));
    hi.value = String(Number((lr * 100).toPrecision(2)));
    count.value = "200";
    steps.value = String(Math.min(ctx.state().steps, 1000));
    tol.value = String(ctx.state().stop?.loss_below ?? 1e-6);
  }
  defaults();

  let plot = null;
  let last = null; // {results, opts: [names], metric}
  let ctl = null;

  async function run() {
    const names = [...checks.querySelectorAll("input:checked")].map((c) => c.value);
    const n = Math.round(Number(count.value));
    const s = Math.round(Number(steps.value));
    const [a, b] = [Number(lo.value), Number(hi.value)];
    const t = Number(tol.value);
    const problems = [];
    if (!names.length) problems.push("tick at least one optimizer");
    if (!(a > 0 && b > a)) problems.push("the rates need 0 < from < to");
    if (!(n >= 2 && n <= MAX_RATES)) problems.push(`rates must be 2 … ${MAX_RATES}`);
    if (!(s >= 1) || n * s > WORK_CAP) problems.push(`steps must be ≥ 1 and rates × steps ≤ ${WORK_CAP.toLocaleString("en")}`);
    if (metric.value === "steps" && !(t > 0)) problems.push("the tolerance must be > 0");
    if (problems.length) {
      status.textContent = `Cannot sweep: ${problems.join("; ")}.`;
      return;
    }
    ctl?.abort();
    ctl = new AbortController();
    body.dataset.ready = "0";
    status.textContent = `Sweeping ${names.join(", ")} over ${n} learning rates × ${s} steps…`;
    const t0 = performance.now();
    try {
      const start = ctx.start().slice();
      const results = await Promise.all(
        names.map((name) => {
          const hp = { ...(ctx.state().runs.find((r) => r.optimizer === name)?.hp ?? {}) };
          delete hp.lr;
          const allowed = new Set((ctx.optimizers().find((o) => o.name === name)?.hyperparams ?? []).map((h) => h.name));
          for (const k of Object.keys(hp)) if (!allowed.has(k) || hp[k] === null) delete hp[k];
          const req = { objective: ctx.objectiveSpec(), optimizer: { name, ...hp }, start, steps: s, over: { lr: { min: a, max: b, num: n, scale: "log" } } };
          if (t > 0) req.stop = { loss_below: t };
          return post(ctx, "/sweeps", req, { signal: ctl.signal });
        }),
      );
      last = { results, names, metric: metric.value };
      draw();
      const diverged = results.map((r, i) => `${names[i]} ${r.status.filter((x) => x === "diverged").length}`).join(", ");
      status.textContent = `${names.length} sweep${names.length > 1 ? "s" : ""} of ${n} rates in ${Math.round(performance.now() - t0)} ms. Diverged: ${diverged}.`;
      body.dataset.ready = "1";
    } catch (e) {
      if (e.name !== "AbortError") status.textContent = `The sweep failed: ${e.message}`;
    }
  }

  function draw() {
    const { results, names } = last;
    const m = last.metric;
    const { x, ys, log } = sweepSeries(results, m);
    const colors = ctx.colors;
    const yName = m === "steps" ? "steps to reach the tolerance" : "final loss";
    const div = results.map((r) => r.values.filter((_, i) => r.status[i] === "diverged"));
    plotBox.dataset.diverged = JSON.stringify(Object.fromEntries(names.map((nm, i) => [nm, div[i]])));
    plotBox.dataset.values = JSON.stringify(results[0].values);
    plotBox.dataset.log = log ? "1" : "0";
    plot?.destroy();
    const width = Math.max(260, plotBox.clientWidth || 600);
    plot = new uPlot(
      {
        width,
        height: Math.max(220, Math.min(360, Math.round(width * 0.4))),
        cursor: { drag: { x: false, y: false }, points: { size: 7 } },
        scales: { x: { time: false }, y: { auto: true } },
        axes: [
          { ...AXIS, label: "learning rate (log scale)", labelSize: 20, size: 38, splits: (u, ai, mn, mx) => inRange(decadeSplits(mn, mx), mn, mx), values: (u, t) => t.map(decadeLabel) },
          log
            ? { ...AXIS, label: `${yName} (log scale)`, labelSize: 20, size: 58, splits: (u, ai, mn, mx) => inRange(decadeSplits(mn, mx), mn, mx), values: (u, t) => t.map(decadeLabel) }
            : { ...AXIS, label: yName, labelSize: 20, size: 62, values: (u, t) => t.map((v) => formatNumber(v, 3)) },
        ],
        series: [
          { label: "lr", value: (u, v) => (v === null || v === undefined ? "—" : formatNumber(10 ** v, 4)) },
          ...names.map((nm, i) => ({
            label: nm,
            stroke: colors[i % colors.length],
            width: 1.5,
            spanGaps: false,
            points: { show: x.length <= 300, size: 4, fill: colors[i % colors.length] },
            value: (u, v) => (v === null || v === undefined ? "—" : formatNumber(log ? 10 ** v : v)),
          })),
        ],
        hooks: { draw: [(u) => drawDiverged(u, results, colors)] },
      },
      [x, ...ys],
      plotBox,
    );
    plot.root.setAttribute("aria-label", `${yName} against learning rate for ${names.join(", ")}; diverged rates marked with crosses along the top`);
    plot.over.addEventListener("click", () => {
      const i = plot.cursor.idx;
      if (i === null || i === undefined) return;
      // The series nearest the pointer at that rate (else the first that has a value there).
      const yv = plot.posToVal(plot.cursor.top, "y");
      let best = 0;
      let bestD = Infinity;
      ys.forEach((s, k) => {
        const d = s[i] === null ? Infinity : Math.abs(s[i] - yv);
        if (d < bestD) [best, bestD] = [k, d];
      });
      choose(names[best], results[best].values[i], results[best], i);
      pickGo.click();
    });
    pickOpt.replaceChildren(...names.map((nm) => el("option", { value: nm }, nm)));
  }

  function choose(name, lr, result, i) {
    pickOpt.value = name;
    pickLr.value = String(lr);
    picked.dataset.optimizer = name;
    picked.dataset.lr = String(lr);
    picked.textContent = result ? `${name} at lr ${num(lr)}: ${result.status[i].replace("_", " ")}, final loss ${num(result.final_loss[i])} after ${result.steps_taken[i]} steps (the sweep's answer).` : "";
  }

  pickGo.addEventListener("click", () => {
    const lr = Number(pickLr.value);
    if (!(lr > 0) || !pickOpt.value) {
      picked.textContent = "Pick a sweep point first (or type a learning rate > 0).";
      return;
    }
    picked.dataset.lr = String(lr);
    ctx.runWith(pickOpt.value, lr);
    ctx.say(`Running ${pickOpt.value} at lr ${num(lr)} on the surface.`);
  });
  go.addEventListener("click", run);
  metric.addEventListener("change", () => last && ((last.metric = metric.value), draw()));
  new ResizeObserver(() => {
    if (plot && Math.abs(plotBox.clientWidth - plot.width) > 4) plot.setSize({ width: Math.max(260, plotBox.clientWidth), height: plot.height });
  }).observe(plotBox);
  return { show() {} };
}

const inRange = (splits, mn, mx) => splits.filter((v) => v >= mn - 1e-9 && v <= mx + 1e-9);

// Crosses along the top of the plot at every rate where the run diverged, in its colour.
function drawDiverged(u, results, colors) {
  const c = u.ctx;
  const top = u.bbox.top + 8 * devicePixelRatio;
  c.save();
  c.lineWidth = 1.5 * devicePixelRatio;
  results.forEach((r, k) => {
    c.strokeStyle = colors[k % colors.length];
    const s = 3.5 * devicePixelRatio;
    const y = top + k * 7 * devicePixelRatio;
    r.values.forEach((v, i) => {
      if (r.status[i] !== "diverged") return;
      const x = u.valToPos(Math.log10(v), "x", true);
      c.beginPath();
      crossPath(c, x, y, s);
      c.stroke();
    });
  });
  if (results.some((r) => r.status.includes("diverged"))) {
    c.fillStyle = "#ff7b72";
    c.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    c.textAlign = "right";
    c.fillText("✕ diverged", u.bbox.left + u.bbox.width - 4, top + 4 * devicePixelRatio + results.length * 7 * devicePixelRatio);
  }
  c.restore();
}
