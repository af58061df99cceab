// views/stepsentence.js — one sentence that says why this step is long, short or overshoots,
// derived from the numbers the server gave (/explain-step's update and terms; /inspect's SGD
// stability limit 2/λmax at the point). Pure: unit-tested in node.
import { formatNumber } from "../format.js";

const n = (v, d = 3) => formatNumber(v, d).replace(/^-/, "−").replace("e-", "e−");
const vec = (a, d = 3) => (a.length === 1 ? n(a[0], d) : `(${a.map((v) => n(v, d)).join(", ")})`);
const norm = (a) => Math.hypot(...a);
const dot = (a, b) => a.reduce((s, v, i) => s + v * b[i], 0);

// name: the optimizer; hp: its settings; answer: /explain-step's response; lrLimit: /inspect's
// sgd_lr_limit at the point (null when the loss does not curve up there, undefined if unknown).
export function stepSentence(name, hp, answer, lrLimit) {
  const T = answer.terms ?? {};
  const g = T.grad ?? [];
  const lr = answer.lr;
  if (name === "sgd") return sgdSentence(hp, T, g, lr, lrLimit, answer);
  if (["adam", "adamw", "nadam", "adamax"].includes(name) && T.effective_step) {
    const ratio = T.effective_step.map((s) => s / lr); // = m̂/(√v̂ + ε), Adam's per-coordinate scale
    const big = ratio.every((r) => Math.abs(r) >= 0.8);
    if (big) {
      return `${label(name)}'s step stays near lr = ${n(lr)} in every coordinate because m̂/√v̂ ≈ ${vec(ratio, 2)} ≈ ±1: the gradient ${vec(g)} has kept its sign, so its size does not matter.`;
    }
    return `m̂/√v̂ = ${vec(ratio, 2)}: where recent gradients disagree in sign, m̂ is small against √v̂, so ${label(name)} steps well under lr = ${n(lr)} there (the step is ${vec(answer.update)}).`;
  }
  if (["rmsprop", "adagrad", "adadelta"].includes(name)) {
    return `${label(name)} divides each coordinate of the gradient ${vec(g)} by the root of its running squares, so large gradients take proportionally smaller steps: the step is ${vec(answer.update)}.`;
  }
  if (name === "signsgd" || name === "lion") {
    return `Only signs count: every coordinate moves by exactly lr = ${n(lr)}, however large or small the gradient ${vec(g)} is.`;
  }
  if (name === "newton") {
    return `Newton's method divides the gradient by the curvature, so the step ${vec(answer.update)} lands on the bottom of the local quadratic (in one step, on a quadratic loss).`;
  }
  return `The step is ${vec(answer.update)}.`;
}

function sgdSentence(hp, T, g, lr, lrLimit, answer) {
  const mu = Number(hp.momentum) || 0;
  const r = lrLimit > 0 ? (2 * lr) / lrLimit : null; // lr·λmax, from the server's 2/λmax
  if (mu > 0 && T.momentum_buffer) {
    const b = T.momentum_buffer;
    const times = norm(g) > 0 ? norm(b) / norm(g) : null;
    const grow = r !== null && r > 2 * (1 + mu) ? ` lr·λmax = ${n(r)} > 2(1 + μ) = ${n(2 * (1 + mu))}, so even with momentum the steps grow along the steep axis.` : "";
    if (dot(b, g) < 0) {
      return `The momentum buffer ${vec(b)} points against this gradient ${vec(g)}: momentum carries the run on past the valley floor before it turns back.${grow}`;
    }
    if (times !== null && Math.abs(times - 1) < 0.005) {
      return `The buffer ${vec(b)} is still just this gradient, so this step ${vec(answer.update)} is plain SGD's; momentum builds up over the next steps, where the gradients agree.${grow}`;
    }
    const x = times === null ? "" : `, ${n(times)}× as long as the gradient ${vec(g)}, so this step ${vec(answer.update)} is ${n(times)}× as long as plain SGD's`;
    return `Momentum adds up the past gradients that agree: the buffer is ${vec(b)}${x}.${grow}`;
  }
  if (lrLimit === undefined) return `The step is lr × the gradient: ${n(lr)} × ${vec(g)}.`;
  if (r === null) {
    return `The loss does not curve up here (λmax ≤ 0), so nothing limits the step: it is lr × the gradient, ${n(lr)} × ${vec(g)}.`;
  }
  if (r > 2) {
    return `lr·λmax = ${n(r)} > 2 at this point, so SGD overshoots along the steep axis: each step lands farther on the other side of the valley than it started.`;
  }
  if (r > 1) {
    return `lr·λmax = ${n(r)}, between 1 and 2: SGD overshoots the valley floor along the steep axis but lands closer each time, a zig-zag that settles.`;
  }
  return `lr·λmax = ${n(r)} ≤ 1: the step, lr × the gradient, stops short of the valley floor along every axis; it is long where the slope is steep and short where it is flat.`;
}

const label = (name) => ({ adam: "Adam", adamw: "AdamW", nadam: "NAdam", adamax: "Adamax", rmsprop: "RMSprop", adagrad: "Adagrad", adadelta: "Adadelta" })[name] ?? name;
