// views/basins.js — basins of attraction: one POST /sweeps over a grid of start points per
// optimizer; each start is coloured by the known minimum its run ends at (grey: none within
// reach). Two optimizers side by side show how the same surface is carved up differently.
import { axes, axisMap, fitCanvas, star } from "../draw.js";
import { el } from "../dom.js";
import { field, num, post } from "./common.js";

export const BASIN_COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45"];
const NONE = "#3a3f47";
const MARGIN = { left: 46, right: 10, top: 10, bottom: 38 };

// How many starts ended at each minimum (index) and at none (-1).
export function basinCounts(basin, minima) {
  const counts = minima.map(() => 0);
  let none = 0;
  for (const b of basin) {
    if (b >= 0 && b < counts.length) counts[b]++;
    else none++;
  }
  return { counts, none };
}

export function mount(body, ctx) {
  const candidates = ctx.objectives().filter((o) => (o.minima?.length ?? 0) > 1);
  const cur = ctx.meta();
  const objective = el("select", { id: "basin-objective", "data-testid": "basin-objective" }, candidates.map((o) => el("option", { value: o.id }, `${o.title} (${o.minima.length} minima)`)));
  objective.value = candidates.some((o) => o.id === cur?.id) ? cur.id : candidates.some((o) => o.id === "himmelblau") ? "himmelblau" : candidates[0]?.id ?? "";
  const res = el("select", { id: "basin-res", "data-testid": "basin-resolution" }, [16, 32, 64, 128].map((n) => el("option", { value: String(n) }, `${n} × ${n}`)));
  res.value = "64";
  const steps = el("input", { id: "basin-steps", "data-testid": "basin-steps", type: "number", min: "1", step: "1", value: "500" });
  const sides = [0, 1].map((i) => {
    const opt = el("select", { id: `basin-opt-${i}`, "data-testid": "basin-optimizer" }, ctx.optimizers().map((o) => el("option", { value: o.name }, o.name)));
    opt.value = i === 0 ? "sgd" : "adam";
    const lr = el("input", { id: `basin-lr-${i}`, "data-testid": "basin-lr", type: "number", step: "any", min: "0" });
    const canvas = el("canvas", { role: "img", "data-testid": "basin-map", "aria-label": "Basin map" });
    const caption = el("figcaption", { "aria-live": "polite" });
    const legend = el("ul", { class: "view-legend", "data-testid": "basin-legend" });
    const figure = el("figure", { class: "view-figure", "data-testid": "basin-figure" }, [
      el("div", { class: "view-controls" }, [field(`Map ${i + 1}: optimizer`, opt), field("lr", lr)]),
      canvas,
      caption,
      legend,
    ]);
    return { opt, lr, canvas, caption, legend, figure, data: null };
  });
  const go = el("button", { type: "button", class: "primary", "data-testid": "basin-run" }, "Map the basins");
  const status = el("p", { class: "view-caption", "aria-live": "polite", "data-testid": "basin-status" });
  body.append(
    el("p", { class: "hint" }, "Every point of the grid is a start: the run from it is coloured by the minimum (★) it ends at, grey if it reaches none within the steps. Boundaries between colours are where a tiny change of start sends the descent to another minimum."),
    el("div", { class: "view-controls" }, [field("Objective", objective), field("grid", res), field("steps", steps), go]),
    status,
    el("div", { class: "view-grid" }, sides.map((s) => s.figure)),
  );

  const meta = () => candidates.find((o) => o.id === objective.value);
  const setLrs = () => {
    const m = meta();
    sides.forEach((s) => {
      const o = ctx.optimizers().find((x) => x.name === s.opt.value);
      const dflt = o?.hyperparams.find((h) => h.name === "lr")?.default ?? 0.01;
      s.lr.value = String(s.opt.value === "sgd" || s.opt.value === "newton" ? m?.default_lr ?? dflt : s.opt.value === "adam" ? 0.05 : dflt);
    });
  };
  setLrs();

  let ctl = null;
  async function run() {
    const m = meta();
    const n = Number(res.value);
    const k = Math.round(Number(steps.value));
    if (!m || !(k >= 1) || sides.some((s) => !(Number(s.lr.value) > 0))) {
      status.textContent = "Pick an objective, steps ≥ 1 and learning rates > 0.";
      return;
    }
    ctl?.abort();
    ctl = new AbortController();
    body.dataset.ready = "0";
    const count = m.dim === 2 ? n * n : n;
    status.textContent = `Running ${count} starts × ${k} steps per map…`;
    const t0 = performance.now();
    try {
      const answers = await Promise.all(
        sides.map((s) =>
          post(ctx, "/sweeps", { objective: { id: m.id }, optimizer: { name: s.opt.value, lr: Number(s.lr.value) }, steps: k, over: { start: { resolution: n } } }, { signal: ctl.signal }),
        ),
      );
      answers.forEach((a, i) => {
        sides[i].data = { ...a, meta: m, n, optimizer: sides[i].opt.value, lr: Number(sides[i].lr.value) };
        draw(sides[i]);
      });
      // From the click to both maps drawn: the figure the issue's 2 s budget is about.
      const ms = Math.round(performance.now() - t0);
      status.textContent = `${answers.length} maps of ${count} starts × ${k} steps, requested and drawn in ${ms} ms.`;
      status.dataset.ms = String(ms);
      status.dataset.request = `${m.id}|${n}|${k}`;
      body.dataset.ready = "1";
    } catch (e) {
      if (e.name !== "AbortError") status.textContent = `The basin map failed: ${e.message}`;
    }
  }

  function draw(side) {
    const d = side.data;
    if (!d) return;
    const { meta: m, n } = d;
    const W = Math.min(520, Math.max(220, side.figure.clientWidth || 360));
    const H = m.dim === 2 ? W : 110;
    const c = fitCanvas(side.canvas, W, H);
    c.clearRect(0, 0, W, H);
    const r = { x: MARGIN.left, y: MARGIN.top, w: W - MARGIN.left - MARGIN.right, h: H - MARGIN.top - MARGIN.bottom };
    const vb = m.view_box;
    const xs = axisMap(vb[0], [r.x, r.x + r.w]);
    const ys = m.dim === 2 ? axisMap(vb[1], [r.y, r.y + r.h], true) : null;
    const color = (b) => (b >= 0 ? BASIN_COLORS[b % BASIN_COLORS.length] : NONE);
    const cw = r.w / (n - 1);
    d.values.forEach((p, i) => {
      c.fillStyle = color(d.basin[i]);
      if (m.dim === 2) {
        const ch = r.h / (n - 1);
        c.fillRect(xs(p[0]) - cw / 2, ys(p[1]) - ch / 2, cw + 0.6, ch + 0.6);
      } else c.fillRect(xs(p[0]) - cw / 2, r.y, cw + 0.6, r.h);
    });
    // Cells reach half a cell past the box at the edges: trim them to the plot.
    c.clearRect(0, 0, W, r.y);
    c.clearRect(0, r.y + r.h, W, H);
    c.clearRect(0, 0, r.x, H);
    c.clearRect(r.x + r.w, 0, W, H);
    m.minima.forEach((mm, i) => {
      const x = xs(mm.point[0]);
      const y = m.dim === 2 ? ys(mm.point[1]) : r.y + r.h / 2;
      star(c, x, y, 8, "#ffffff");
      star(c, x, y, 5, color(i));
    });
    if (m.dim === 2) axes(c, r, xs, ys, m.param_names?.[0] ?? "x", m.param_names?.[1] ?? "y");
    else {
      c.fillStyle = "#c9d1d9";
      c.font = "12px system-ui, sans-serif";
      c.textAlign = "center";
      c.fillText(`${m.param_names?.[0] ?? "x"} (start point)`, r.x + r.w / 2, H - 6);
      c.fillText(num(vb[0][0]), r.x, r.y + r.h + 14);
      c.fillText(num(vb[0][1]), r.x + r.w, r.y + r.h + 14);
    }
    const { counts, none } = basinCounts(d.basin, m.minima);
    const reached = counts.filter((x) => x > 0).length;
    side.figure.dataset.basins = String(reached);
    side.figure.dataset.counts = JSON.stringify(counts);
    side.figure.dataset.none = String(none);
    side.canvas.setAttribute("aria-label", `Basin map of ${m.title} for ${d.optimizer} at lr ${d.lr}: ${reached} basins over a ${n}${m.dim === 2 ? ` × ${n}` : ""} grid of starts`);
    side.caption.textContent = `${m.title}, ${d.optimizer} at lr ${num(d.lr)}: ${reached} of ${m.minima.length} minima reached from a ${n}${m.dim === 2 ? `×${n}` : ""} grid; ${none} start${none === 1 ? "" : "s"} reached none.`;
    side.legend.replaceChildren(
      ...m.minima.map((mm, i) => el("li", { "data-basin": String(i), "data-count": String(counts[i]) }, [el("span", { class: "swatch", style: `background:${color(i)}` }), `★ (${mm.point.map((v) => num(v, 3)).join(", ")}): ${counts[i]} starts`])),
      el("li", { "data-basin": "-1", "data-count": String(none) }, [el("span", { class: "swatch", style: `background:${NONE}` }), `none reached: ${none}`]),
    );
  }

  objective.addEventListener("change", () => {
    setLrs();
    run();
  });
  for (const s of sides) s.opt.addEventListener("change", setLrs);
  go.addEventListener("click", run);
  new ResizeObserver(() => sides.forEach(draw)).observe(body);
  let first = true;
  return {
    show() {
      if (first) run();
      first = false;
    },
  };
}
