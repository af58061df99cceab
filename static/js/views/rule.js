// views/rule.js — the selected run's update rule, live: the rule in KaTeX with this step's
// numbers put in (g, the momentum buffer, m, v, m̂, v̂, the scheduled lr, the clip), and one
// sentence on why the step is long, short or overshoots. It follows the playhead; every number
// comes from POST /explain-step (and /inspect's 2/λmax), none is worked out in the page.
import { el } from "../dom.js";
import { loadKatex, mathHTML } from "../katex.js";
import { num, post, traceKey, vec } from "./common.js";
import { Follow, explainBody } from "./explainstep.js";
import { ruleLines } from "./ruletex.js";
import { stepSentence } from "./stepsentence.js";

const CURVED = new Set(["sgd", "newton"]); // whose sentence (or update) needs the Hessian

export async function mount(body, ctx) {
  const katex = await loadKatex();
  const pick = el("select", { id: `rule-run-${body.closest("[id]")?.id ?? "x"}`, "data-testid": "rule-run" });
  const head = el("p", { class: "hint", "data-testid": "rule-step" });
  const tex = el("div", { class: "rule-tex", "data-testid": "rule-tex", tabindex: "0", role: "region", "aria-label": "The update rule with this step's numbers (scrolls sideways)" });
  const sentence = el("p", { class: "step-sentence", "data-testid": "step-sentence", "aria-live": "polite" });
  const table = el("div", { class: "table-wrap", "data-testid": "rule-terms", tabindex: "0", role: "region", "aria-label": "The rule's terms at this step" });
  const label = el("label", { for: pick.id }, "Run");
  body.append(el("div", { class: "view-controls" }, [label, pick]), head, tex, sentence, table);
  body.dataset.ready = "0";
  let picked = 0;
  pick.addEventListener("change", () => {
    picked = Number(pick.value);
    follow.reset();
  });

  const follow = new Follow(
    async ({ explain, objective, curved }) => {
      const point = curved ? await post(ctx, "/inspect", { objective, point: explain.params }) : null;
      if (explain.optimizer.name === "newton") explain.hessian = point.hessian;
      return { answer: await post(ctx, "/explain-step", explain), explain, limit: point ? point.sgd_lr_limit : undefined };
    },
    (result, key) => render(result, key),
    (e) => show(`Could not explain this step: ${e.message ?? e}`),
  );

  function show(text) {
    if (head.textContent === text && !tex.childElementCount) return;
    tex.replaceChildren();
    table.replaceChildren();
    sentence.textContent = "";
    head.textContent = text;
    body.dataset.ready = "1";
  }

  function hyper(optimizer) {
    const meta = ctx.optimizers().find((o) => o.name === optimizer.name);
    const hp = Object.fromEntries((meta?.hyperparams ?? []).map((h) => [h.name, h.default]));
    return { ...hp, ...optimizer };
  }

  let runsKey = "";
  function frame() {
    const t = ctx.traces();
    const request = ctx.request();
    if (!t || !t.length || !request) return show("Run the optimizers to see each step's update rule here.");
    const labels = request.runs.map((r, i) => r.label || `${i + 1}: ${r.optimizer.name}`);
    if (labels.join("|") !== runsKey) {
      runsKey = labels.join("|");
      pick.replaceChildren(...labels.map((l, i) => el("option", { value: String(i) }, l)));
      picked = Math.min(picked, labels.length - 1);
      pick.value = String(picked);
    }
    const run = t.runs[picked];
    const k = Math.min(ctx.cursor(), run.n - 1);
    const optimizer = request.runs[picked].optimizer;
    const explain = explainBody(t, picked, k, optimizer, request);
    const key = JSON.stringify([traceKey(t), k, picked, optimizer]);
    if (!explain) {
      if (follow.done !== key) show(`Run ${picked + 1} ${run.statusAt(k) === "running" ? "has no finite numbers here" : `ended at step ${t.steps[k]}`}: no update leaves this point.`);
      follow.done = key;
      return;
    }
    follow.update(key, { explain, objective: request.objective, curved: CURVED.has(optimizer.name) });
  }

  function render({ answer, explain, limit }, key) {
    const hp = hyper(explain.optimizer);
    const { lines, terms } = ruleLines(explain.optimizer.name, hp, explain, answer);
    head.textContent = `Update ${explain.step} of run ${picked + 1} (${explain.optimizer.name}): from step ${explain.step - 1} to step ${explain.step}.`;
    tex.replaceChildren(...lines.map((l) => el("div", { class: "rule-line" }, mathHTML(katex, l, true))));
    sentence.textContent = stepSentence(explain.optimizer.name, hp, answer, limit);
    const rows = terms.map((r) =>
      el("tr", { "data-term": r.name, "data-value": JSON.stringify(r.value) }, [
        el("th", { scope: "row" }, r.label),
        el("td", {}, Array.isArray(r.value) ? vec(r.value) : typeof r.value === "number" ? num(r.value) : String(r.value)),
      ]),
    );
    table.replaceChildren(el("table", { class: "view-table" }, [el("caption", { class: "sr-only" }, "The terms of this step's update"), el("tbody", {}, rows)]));
    Object.assign(body.dataset, { ready: "1", step: String(explain.step), run: String(picked), key, limit: limit === undefined ? "" : String(limit) });
  }

  return { show: () => follow.reset(), frame, hide() {} };
}
