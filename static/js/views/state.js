// views/state.js — what each optimizer carries from step to step, at the playhead: the gradient,
// the momentum/velocity buffer, Adam's bias-corrected moments m̂ and v̂, and Adam's effective step
// lr·m̂/(√v̂ + ε), which is drawn next to the gradient arrow on the surface (to scale: it is
// exactly where the next point lands). Adam's terms come from POST /explain-step: the server's
// own update, never recomputed here.
import { arrow, dot } from "../draw.js";
import { el } from "../dom.js";
import { post, traceKey, vec } from "./common.js";
import { Follow, explainBody } from "./explainstep.js";
import { addLayer, removeLayer } from "./overlay.js";

const ADAM_LIKE = new Set(["adam", "adamw"]);
const MIN_PX = 14;

// Everything the table and the arrows show for run i at recorded index k; `explained` holds
// /explain-step's answer for the update leaving k (Adam's m̂, v̂ and effective step), if asked.
export function describeRun(ctx, run, i, k, explained = null) {
  const t = ctx.traces();
  const out = { i, optimizer: run.meta.optimizer, k, point: run.point(k), grad: run.gradAt(k), state: {} };
  for (const name of Object.keys(run.state)) out.state[name] = run.stateAt(name, k + 1);
  const next = run.point(k + 1);
  const consecutive = next && t.steps[k + 1] === t.steps[k] + 1;
  if (consecutive && out.point.every(Number.isFinite) && next.every(Number.isFinite)) {
    out.actual = next.map((x, j) => x - out.point[j]);
  }
  const terms = explained?.terms;
  if (ADAM_LIKE.has(out.optimizer) && terms?.effective_step) {
    Object.assign(out, { mh: terms.m_hat, vh: terms.v_hat, step: terms.effective_step, lr: explained.lr });
  }
  return out;
}

// The /explain-step bodies of the Adam-like runs at recorded index k, by run index.
function adamBodies(t, k, request) {
  const bodies = {};
  t.runs.forEach((run, i) => {
    const optimizer = request?.runs[i]?.optimizer;
    if (!ADAM_LIKE.has(run.meta.optimizer) || !optimizer) return;
    const body = explainBody(t, i, Math.min(k, run.n - 1), optimizer, request);
    if (body) bodies[i] = body;
  });
  return bodies;
}

export function mount(body, ctx) {
  const table = el("div", { class: "table-wrap", "data-testid": "state-table", tabindex: "0", role: "region", "aria-label": "Optimizer state of each run (scrolls sideways)" });
  body.append(
    el("p", { class: "hint" }, "At the playhead, for every run: what its optimizer remembers and the step it takes next. Scrub or step the playback to follow them."),
    el("ul", { class: "view-legend", "data-testid": "state-legend" }, [
      el("li", {}, "→ solid: −gradient, the steepest way down (length compressed)"),
      el("li", {}, "⇢ dashed: momentum / velocity, the running average of past gradients that keeps the run rolling (SGD's momentum buffer, Adam's m)"),
      el("li", {}, "⟹ thick, with a ring at its tip: the effective step, where the next point lands (to scale, at least 14 px). For Adam it is lr·m̂/(√v̂ + ε): m̂ and v̂ are the bias-corrected averages of the gradient and its square, so each coordinate moves about lr whatever the gradient's size"),
    ]),
    table,
  );
  let key = "";
  let rows = [];
  let explained = { key: "", answers: {} };
  const follow = new Follow(
    async (bodies) => {
      const entries = await Promise.all(Object.entries(bodies).map(async ([i, b]) => [i, await post(ctx, "/explain-step", b)]));
      return Object.fromEntries(entries);
    },
    (answers, asked) => {
      explained = { key: asked, answers };
      if (asked === key) render(ctx.traces(), ctx.cursor());
    },
  );

  // One frame of the page's player: re-render when the playhead, the trace or the runs changed,
  // and ask the server for Adam's terms of the update leaving the playhead.
  function frame() {
    const t = ctx.traces();
    const k = ctx.cursor();
    const next = JSON.stringify([traceKey(t), k, ctx.state().runs.map((r) => [r.optimizer, r.hp?.lr])]);
    if (next !== key && t !== undefined) {
      key = next;
      render(t, k);
      const bodies = t?.length ? adamBodies(t, k, ctx.request()) : {};
      if (Object.keys(bodies).length) follow.update(next, bodies);
    }
  }

  function render(t, k) {
    if (!t || !t.length) {
      rows = [];
      table.replaceChildren(el("p", { class: "hint" }, "Press Play (or Step) to run the optimizers; their state appears here."));
      body.dataset.ready = "0";
      return;
    }
    const answers = explained.key === key ? explained.answers : {};
    rows = t.runs.map((run, i) => describeRun(ctx, run, i, Math.min(k, run.n - 1), answers[i]));
    const head = ["run", "step", "gradient", "momentum / m after the step", "v̂ (Adam)", "m̂ (Adam)", "−lr·m̂/(√v̂+ε)", "actual next step"];
    const velocity = (r) => r.state.momentum_buffer ?? r.state.exp_avg ?? r.state.velocity ?? r.state.momentum ?? null;
    table.replaceChildren(
      el("table", { class: "view-table" }, [
        el("caption", { class: "sr-only" }, "Optimizer state of each run at the playhead"),
        el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
        el(
          "tbody",
          {},
          rows.map((r) =>
            el("tr", { "data-run": String(r.i), "data-optimizer": r.optimizer, "data-effective": r.step ? JSON.stringify(r.step) : "", "data-actual": r.actual ? JSON.stringify(r.actual) : "" }, [
              el("th", { scope: "row", style: `border-left: 3px solid ${ctx.colors[r.i % ctx.colors.length]}` }, `${r.i + 1}: ${r.optimizer}`),
              el("td", {}, String(t.steps[r.k] ?? r.k)),
              el("td", {}, r.grad ? vec(r.grad, 3) : "—"),
              el("td", {}, velocity(r) ? vec(velocity(r), 3) : "—"),
              el("td", {}, r.vh ? vec(r.vh, 3) : "—"),
              el("td", {}, r.mh ? vec(r.mh, 3) : "—"),
              el("td", {}, r.step ? vec(r.step.map((x) => -x), 3) : "—"),
              el("td", {}, r.actual ? vec(r.actual, 3) : "— (run ended)"),
            ]),
          ),
        ),
      ]),
    );
    body.dataset.ready = "1";
  }

  const layer = {
    key: () => `${key}|${explained.key === key}`, // redrawn when Adam's terms arrive too
    draw(c, { xs, ys }) {
      for (const r of rows) {
        if (!r.point || r.point.length !== 2 || !r.point.every(Number.isFinite)) continue;
        const d = r.step ? r.step.map((x) => -x) : r.actual;
        if (!d || !d.every(Number.isFinite)) continue;
        const color = ctx.colors[r.i % ctx.colors.length];
        const [px, py] = [xs(r.point[0]), ys(r.point[1])];
        let dx = d[0] * xs.scale;
        let dy = d[1] * ys.scale;
        const len = Math.hypot(dx, dy);
        if (!(len > 0)) continue;
        if (len < MIN_PX) [dx, dy] = [(dx / len) * MIN_PX, (dy / len) * MIN_PX];
        arrow(c, px, py, px + dx, py + dy, { color: "#000", width: 5.5, head: 10 });
        arrow(c, px, py, px + dx, py + dy, { color, width: 3, head: 9 });
        c.beginPath();
        c.arc(px + dx, py + dy, 5, 0, Math.PI * 2);
        c.strokeStyle = color;
        c.lineWidth = 1.5;
        c.stroke();
        dot(c, px, py, 2, color);
      }
    },
  };

  return {
    show() {
      key = "";
      addLayer("state", layer);
    },
    frame,
    hide() {
      removeLayer("state");
    },
  };
}
