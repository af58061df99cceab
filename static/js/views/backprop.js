// views/backprop.js — the loss's computation graph from POST /inspect as a left-to-right DAG:
// every node with its op, forward value and gradient; "Step through backward" lights up one edge
// at a time from the loss back to the weights, with the edge's local derivative and the
// gradient it carries (local derivative × the gradient of the node it leaves). The layout
// (dag-layout.js) wraps the graph to fit the panel.
import { el } from "../dom.js";
import { currentPoint, field, flat, num, post, svg, vec } from "./common.js";
import { BOX_H, layout } from "./dag-layout.js";

const MAX_NODES = 160;
const FONT = { op: "600 12px system-ui, sans-serif", text: "12px system-ui, sans-serif", edge: "11px system-ui, sans-serif" };

export const EXAMPLE = { objective: { id: "two-weight-chain" }, point: [200, 1.4] };

// Text widths as the SVG will draw them (same fonts as views.css), for sizing boxes and gaps.
let meter = null;
function measure(s, font) {
  meter ??= document.createElement("canvas").getContext("2d");
  meter.font = font;
  return meter.measureText(s).width;
}

// The backward pass as a list of edges: nodes from the loss back, each node's inputs in order.
export function backwardSteps(graph) {
  const steps = [];
  for (const n of [...graph.nodes].sort((a, b) => b.id - a.id)) {
    n.inputs.forEach((from, k) => {
      if (n.edge_grads?.[k] != null) steps.push({ to: n.id, from, k });
    });
  }
  return steps;
}

// A readable name: the weights by their names, indexing of the parameter vector as W1 = params[:, 0].
function names(graph, paramNames) {
  const input = graph.nodes.find((n) => n.op === "input");
  return graph.nodes.map((n) => {
    if (n.op === "input") return paramNames?.length ? `params (${paramNames.join(", ")})` : n.label;
    const m = /^\[:, (\d+)\]$/.exec(n.label);
    if (n.op === "getitem" && m && input && n.inputs[0] === input.id && paramNames?.[Number(m[1])]) return paramNames[Number(m[1])];
    if (n.id === graph.output) return `loss (${n.label})`;
    return n.label === n.op ? n.op : `${n.label}   · ${n.op}`;
  });
}

const text = (v) => {
  const f = flat(v);
  if (f === null) return "—";
  if (f.length > 4) return `[${f.length} values] ${vec(f.slice(0, 2), 3)}…`;
  return vec(f);
};

export function mount(body, ctx) {
  const source = el("select", { id: "backprop-source", "data-testid": "backprop-source" }, [
    el("option", { value: "example" }, "House price, two weights: 1000 · W1 · W2 at W1 = 200, W2 = 1.4"),
    el("option", { value: "current" }, "This objective at run 1's point under the playhead"),
  ]);
  const refresh = el("button", { type: "button", "data-testid": "backprop-refresh" }, "Refresh");
  const next = el("button", { type: "button", class: "primary", "data-testid": "backprop-step" }, "Step through backward ▶");
  const back = el("button", { type: "button", "data-testid": "backprop-back" }, "◀ Back");
  const reset = el("button", { type: "button", "data-testid": "backprop-reset" }, "Reset");
  const all = el("button", { type: "button", "data-testid": "backprop-all" }, "Show all");
  const caption = el("p", { class: "view-caption", "data-testid": "backprop-caption", "aria-live": "polite" }, "");
  const scroller = el("div", { class: "dag-scroll", tabindex: "0", role: "region", "aria-label": "Computation graph" });
  const summary = el("div", { class: "view-summary", "data-testid": "backprop-summary" });
  body.append(
    el("p", { class: "hint" }, "Forward values flow along the arrows, from the weights to the loss; gradients flow back against them. Each edge is labelled with its local derivative ∂(node)/∂(input); stepping backward multiplies it by the gradient arriving from the node the edge feeds and adds the product into the input's gradient."),
    el("div", { class: "view-controls" }, [field("Graph of", source), refresh]),
    el("div", { class: "view-controls", role: "group", "aria-label": "Backward pass" }, [back, next, reset, all]),
    caption,
    scroller,
    summary,
  );

  let graph = null;
  let steps = [];
  let at = 0; // steps done
  let els = null;
  let label = [];
  const short = (id) => label[id].split("   · ")[0];
  let ctl = null;

  async function load() {
    ctl?.abort();
    ctl = new AbortController();
    const req = source.value === "example" ? EXAMPLE : { objective: ctx.objectiveSpec(), point: currentPoint(ctx) };
    body.dataset.ready = "0";
    caption.textContent = "Computing the graph…";
    try {
      const res = await post(ctx, "/inspect", req, { signal: ctl.signal });
      const paramNames = source.value === "example" ? ["W1", "W2"] : res.param_names;
      draw(res, paramNames, req);
    } catch (e) {
      if (e.name !== "AbortError") caption.textContent = `Could not inspect: ${e.message}`;
    }
  }

  let last = null; // the /inspect answer drawn, to lay it out again when the panel resizes
  let laidOutAt = 0;
  function draw(res, paramNames, req, keepStep = false) {
    graph = res.graph;
    last = { res, paramNames, req };
    if (graph.nodes.length > MAX_NODES) {
      scroller.replaceChildren();
      caption.textContent = `This loss has ${graph.nodes.length} operations; the graph view draws at most ${MAX_NODES}.`;
      return;
    }
    steps = backwardSteps(graph);
    label = names(graph, paramNames);
    const edgeText = (n, k) => (n.local_grads?.[k] == null ? "" : `∂ ${text(n.local_grads[k])}`);
    const nodeWidth = (n) => {
      const grad = n.grad === null ? "constant: no gradient" : `grad so far ${text(n.grad)}`;
      return 18 + Math.max(96, measure(label[n.id], FONT.op), measure(`value ${text(n.value)}`, FONT.text), measure(grad, FONT.text));
    };
    laidOutAt = scroller.clientWidth;
    const plan = layout(graph.nodes, { width: laidOutAt || Infinity, nodeWidth, labelWidth: (n, k) => measure(edgeText(n, k), FONT.edge) });
    const { pos, width, height, scale } = plan;
    const root = svg("svg", { width: Math.round(width * scale), height: Math.round(height * scale), viewBox: `0 0 ${width} ${height}`, role: "img", "data-testid": "backprop-graph", "data-layout": plan.mode, "data-scale": scale.toFixed(3), "aria-label": `Computation graph of the loss with ${graph.nodes.length} nodes` });
    root.append(svg("title", {}, "Computation graph: forward values left to right, gradients right to left"));
    const defs = svg("defs");
    defs.append(arrowHead("bp-arrow", "#6e7681"), arrowHead("bp-arrow-lit", "#f2cc60"));
    root.append(defs);
    const edgeLayer = svg("g");
    const nodeLayer = svg("g");
    root.append(edgeLayer, nodeLayer);
    const edges = plan.edges.map((e) => {
      const [x0, y0, c1x, c1y, c2x, c2y, x1, y1] = e.curve;
      const path = svg("path", { d: `M${x0},${y0} C${c1x},${c1y} ${c2x},${c2y} ${x1},${y1}`, class: "bp-edge", "marker-end": "url(#bp-arrow)" });
      const n = graph.nodes[e.to];
      const b = e.label;
      const tag = svg("text", { x: b.anchor === "end" ? b.x + b.w : b.x, y: b.y + 11, class: "bp-edge-label", "text-anchor": b.anchor }, edgeText(n, e.k));
      const g = svg("g", { "data-from": e.from, "data-to": e.to, "data-k": e.k, "data-local": JSON.stringify(flat(n.local_grads?.[e.k])), "data-edge-grad": JSON.stringify(flat(n.edge_grads?.[e.k])) });
      g.append(path, tag);
      edgeLayer.append(g);
      return { g, path, from: e.from, to: e.to, k: e.k };
    });
    const nodes = graph.nodes.map((n) => {
      const p = pos[n.id];
      const g = svg("g", { class: "bp-node", transform: `translate(${p.x},${p.y})`, "data-node": n.id, "data-name": label[n.id], "data-value": JSON.stringify(flat(n.value)), "data-grad": JSON.stringify(flat(n.grad)) });
      g.append(
        svg("rect", { width: p.w, height: BOX_H, rx: 7 }),
        svg("text", { x: 8, y: 18, class: "bp-op" }, label[n.id]),
        svg("text", { x: 8, y: 37, class: "bp-value" }, `value ${text(n.value)}`),
      );
      const grad = svg("text", { x: 8, y: 55, class: "bp-grad", "data-role": "grad" }, "");
      g.append(grad);
      nodeLayer.append(g);
      return { g, grad, n };
    });
    els = { root, edges, nodes };
    scroller.replaceChildren(root);
    // Too big to fit even scaled down: it scrolls, starting with the loss in view.
    const out = pos[graph.output];
    if (out) scroller.scrollLeft = Math.max(0, (out.x + out.w) * scale - scroller.clientWidth + 8);
    summarize(res, paramNames, req);
    if (!keepStep) at = 0;
    paint();
    body.dataset.ready = "1";
  }

  function summarize(res, paramNames, req) {
    const rows = (res.gradient ?? []).map((g, i) =>
      el("tr", { "data-param": paramNames[i] ?? i }, [
        el("th", { scope: "row" }, paramNames[i] ?? `p${i}`),
        el("td", { "data-field": "value" }, num(res.point[i])),
        el("td", { "data-field": "grad", "data-value": String(g) }, num(g)),
      ]),
    );
    const table = el("table", { class: "bp-table", "aria-describedby": "backprop-loss" }, [
      el("thead", {}, el("tr", {}, [el("th", { scope: "col" }, "weight"), el("th", { scope: "col" }, "value"), el("th", { scope: "col" }, "∂L/∂weight")])),
      el("tbody", {}, rows),
    ]);
    summary.replaceChildren(el("p", { id: "backprop-loss", class: "hint" }, `Loss ${num(res.loss)} at (${res.point.map((v) => num(v)).join(", ")}); the gradient from POST /inspect:`), table);
    if (req === EXAMPLE) {
      // The chain rule by hand, as the text writes it: pred = x·W1·W2, L = (pred − target)².
      const [w1, w2] = req.point;
      const x = 1000;
      const target = 300000;
      const pred = x * w1 * w2;
      const e2 = 2 * (pred - target);
      summary.append(
        el("p", { class: "formula", "data-testid": "backprop-chain-rule" }, [
          `pred = x·W1·W2 = 1000·${w1}·${w2} = ${num(pred, 6)}; L = (pred − target)² = ${num((pred - target) ** 2)}.`,
          el("br"),
          `∂L/∂W1 = 2(pred − target)·x·W2 = 2·(${num(pred - target, 6)})·1000·${w2} = ${num(e2 * x * w2)}`,
          el("br"),
          `∂L/∂W2 = 2(pred − target)·x·W1 = 2·(${num(pred - target, 6)})·1000·${w1} = ${num(e2 * x * w1)}`,
        ]),
      );
    }
  }

  // Light the first `at` edges of the backward pass and show each node's gradient so far.
  function paint() {
    if (!els) return;
    const acc = new Map([[graph.output, flat(graph.nodes[graph.output].grad)]]);
    const pending = new Map(); // node → edges still to arrive
    for (const s of steps) pending.set(s.from, (pending.get(s.from) ?? 0) + 1);
    for (let i = 0; i < at; i++) {
      const s = steps[i];
      const g = flat(graph.nodes[s.to].edge_grads[s.k]);
      const prev = acc.get(s.from);
      acc.set(s.from, prev ? prev.map((v, j) => v + g[j]) : g.slice());
      pending.set(s.from, pending.get(s.from) - 1);
    }
    const current = at > 0 ? steps[at - 1] : null;
    for (const e of els.edges) {
      const idx = steps.findIndex((s) => s.to === e.to && s.k === e.k);
      const lit = idx >= 0 && idx < at;
      e.g.classList.toggle("lit", lit);
      e.g.classList.toggle("current", Boolean(current) && idx === at - 1);
      e.path.setAttribute("marker-end", lit ? "url(#bp-arrow-lit)" : "url(#bp-arrow)");
    }
    for (const { g, grad, n } of els.nodes) {
      const v = acc.get(n.id);
      const complete = v && !pending.get(n.id);
      g.classList.toggle("reached", Boolean(v));
      g.classList.toggle("complete", Boolean(complete));
      g.dataset.shownGrad = v ? JSON.stringify(v) : "";
      grad.textContent = n.grad === null ? "constant: no gradient" : v ? `grad ${complete ? "" : "so far "}${text(v)}` : "grad ?";
    }
    els.root.dataset.step = String(at);
    els.root.dataset.steps = String(steps.length);
    next.disabled = at >= steps.length;
    back.disabled = at <= 0;
    if (!current) {
      caption.textContent = `The backward pass starts at the loss with ∂L/∂L = 1. ${steps.length} edges to go: press “Step through backward”.`;
    } else {
      const to = graph.nodes[current.to];
      const local = to.local_grads[current.k];
      const edge = to.edge_grads[current.k];
      const [f, t] = [short(current.from), short(current.to)];
      caption.textContent = `Step ${at} of ${steps.length}: ∂L/∂[${f}] += ∂[${t}]/∂[${f}] × ∂L/∂[${t}] = ${text(local)} × ${text(to.grad)} = ${text(edge)}; ∂L/∂[${f}] so far ${text(acc.get(current.from))}.`;
    }
    if (at >= steps.length && steps.length) {
      const same = els.nodes.every(({ n }) => {
        const a = acc.get(n.id);
        const b = flat(n.grad);
        return !a || !b || a.every((v, j) => Math.abs(v - b[j]) <= 1e-9 * Math.max(1, Math.abs(b[j])));
      });
      caption.textContent += same ? " Done: every gradient adds up to the one POST /inspect reports." : " Done, but the sums differ from the reported gradients.";
    }
  }

  next.addEventListener("click", () => {
    at = Math.min(steps.length, at + 1);
    paint();
  });
  back.addEventListener("click", () => {
    at = Math.max(0, at - 1);
    paint();
  });
  reset.addEventListener("click", () => {
    at = 0;
    paint();
  });
  all.addEventListener("click", () => {
    at = steps.length;
    paint();
  });
  source.addEventListener("change", load);
  refresh.addEventListener("click", load);
  new ResizeObserver(() => {
    if (last && scroller.clientWidth && Math.abs(scroller.clientWidth - laidOutAt) > 2) draw(last.res, last.paramNames, last.req, true);
  }).observe(scroller);
  return { show: () => (graph && source.value === "example" ? null : load()) };
}

function arrowHead(id, color) {
  const m = svg("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
  m.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: color }));
  return m;
}
