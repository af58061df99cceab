// The update-rule view's pure pieces: the /explain-step body built from the traces at the
// playhead, the rule's TeX with the server's numbers, and the sentence that explains the step.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TraceSet } from "../../static/js/trace.js";
import { explainBody, Follow } from "../../static/js/views/explainstep.js";
import { ruleLines, texNum, texVec } from "../../static/js/views/ruletex.js";
import { stepSentence } from "../../static/js/views/stepsentence.js";

// Two recorded steps of one Adam run, as POST /runs sends them.
function adamTraces() {
  const t = new TraceSet(2, [{ label: "1: adam", optimizer: "adam" }]);
  t.addStep({ step: 0, runs: [{ params: [-1.2, 1], grad: [-215.6, -88], loss: 24.2, status: "running", state: { exp_avg: [0, 0], exp_avg_sq: [0, 0], max_exp_avg_sq: [0, 0] } }] });
  t.addStep({ step: 1, runs: [{ params: [-1.15, 1.05], grad: [-100, -40], loss: 10, status: "running", state: { exp_avg: [-21.56, -8.8], exp_avg_sq: [46.5, 7.7], max_exp_avg_sq: [0, 0] } }] });
  return t;
}

test("the explain-step body: params, gradient and state at k, and the 1-based update t = step + 1", () => {
  const t = adamTraces();
  const opt = { name: "adam", lr: 0.05 };
  const body = explainBody(t, 0, 1, opt, { schedule: { name: "cosine" } });
  assert.deepEqual(body.params, [-1.15, 1.05]);
  assert.deepEqual(body.grad, [-100, -40]);
  assert.deepEqual(body.state.exp_avg, [-21.56, -8.8]);
  assert.equal(body.step, 2);
  assert.deepEqual(body.schedule, { name: "cosine" });
  assert.equal(explainBody(t, 0, 0, opt).step, 1);
  // A run that ended at its last step has no update leaving it.
  t.finish({ runs: [{ status: "max_steps" }] });
  t.runs[0].statuses[1] = "max_steps";
  assert.equal(explainBody(t, 0, 1, opt), null);
  assert.equal(explainBody(t, 0, 1, null), null);
});

test("Follow fetches once per key, the newest key next", async () => {
  const asked = [];
  const seen = [];
  let release;
  const f = new Follow(
    (args) => {
      asked.push(args);
      return new Promise((done) => (release = () => done(args * 10)));
    },
    (answer, key) => seen.push([key, answer]),
  );
  f.update("a", 1);
  f.update("a", 1);
  f.update("b", 2);
  f.update("c", 3); // replaces b while a is out
  release();
  await new Promise((r) => setTimeout(r, 0));
  release();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(asked, [1, 3]);
  assert.deepEqual(seen, [["a", 10], ["c", 30]]);
});

test("TeX numbers: scientific as ×10^, vectors as tuples", () => {
  assert.equal(texNum(-5.6e7), "-5.6\\times10^{7}");
  assert.equal(texNum(0.00056), "5.6\\times10^{-4}");
  assert.equal(texNum(2.4), "2.4");
  assert.equal(texVec([1, -2]), "(1,\\ -2)");
  assert.equal(texVec([3]), "3");
});

const ADAM_ANSWER = {
  lr: 0.05,
  update: [0.05, 0.05],
  params_after: [-1.15, 1.05],
  clipped: false,
  terms: { grad: [-215.6, -88], m: [-21.56, -8.8], v: [46.48, 7.74], bias_correction1: 0.1, bias_correction2: 0.001, m_hat: [-215.6, -88], v_hat: [46483, 7744], effective_step: [-0.05, -0.05] },
};

test("Adam's rule shows m, v, m̂, v̂ and the step with the server's numbers", () => {
  const body = { optimizer: { name: "adam", lr: 0.05 }, step: 1, params: [-1.2, 1], grad: [-215.6, -88], state: {} };
  const { lines, terms } = ruleLines("adam", { betas: [0.9, 0.999], eps: 1e-8 }, body, ADAM_ANSWER);
  const all = lines.join("\n");
  for (const part of ["m_{1} = 0.9\\,m_{0}", "(-21.56,\\ -8.8)", "\\hat v_{1}", "(46480,\\ 7744)", "(-1.15,\\ 1.05)"]) {
    assert.ok(all.includes(part), `${part} in ${all}`);
  }
  assert.deepEqual(terms.find((r) => r.name === "m_hat").value, [-215.6, -88]);
  assert.equal(terms[0].name, "lr");
});

test("SGD with momentum: b₁ = g₁ at the first step, then μ·b + g", () => {
  const answer = { lr: 0.001, update: [0.2, 0.1], params_after: [-1, 1.1], clipped: false, terms: { grad: [-200, -100], momentum_buffer: [-200, -100], direction: [-200, -100], effective_step: [-0.2, -0.1] } };
  const first = ruleLines("sgd", { momentum: 0.9 }, { step: 1, params: [-1.2, 1], state: {} }, answer);
  assert.ok(first.lines[1].startsWith("b_{1} = g_{1}"), first.lines[1]);
  const later = ruleLines("sgd", { momentum: 0.9 }, { step: 3, params: [-1.2, 1], state: { momentum_buffer: [1, 1] } }, answer);
  assert.ok(later.lines[1].startsWith("b_{3} = 0.9\\,b_{2} + g_{3}"), later.lines[1]);
  assert.ok(later.lines.at(-1).includes("0.001\\cdot(-200,\\ -100)"), later.lines.at(-1));
});

test("the sentence: lr·λmax against 2 for SGD, m̂/√v̂ ≈ ±1 for Adam", () => {
  const sgd = (lr, limit) => stepSentence("sgd", { momentum: 0 }, { lr, update: [0, 0], terms: { grad: [4, 2] } }, limit);
  assert.match(sgd(0.12, 0.1), /lr·λmax = 2\.4 > 2 at this point, so SGD overshoots along the steep axis/);
  assert.match(sgd(0.075, 0.1), /lr·λmax = 1\.5, between 1 and 2/);
  assert.match(sgd(0.01, 0.1), /lr·λmax = 0\.2 ≤ 1/);
  assert.match(sgd(0.01, null), /does not curve up here/);
  assert.match(stepSentence("adam", {}, ADAM_ANSWER, undefined), /Adam's step stays near lr = 0\.05 .* m̂\/√v̂ ≈ \(−1, −1\) ≈ ±1/);
  const mixed = { ...ADAM_ANSWER, terms: { ...ADAM_ANSWER.terms, effective_step: [-0.05, 0.01] } };
  assert.match(stepSentence("adam", {}, mixed), /disagree in sign/);
  const momentum = { lr: 0.01, update: [0, 0], terms: { grad: [1, 0], momentum_buffer: [-3, 0], effective_step: [-0.03, 0] } };
  assert.match(stepSentence("sgd", { momentum: 0.9 }, momentum, 1), /points against this gradient/);
});
