// Configuration ⇄ URL round trip and the POST /runs body (static/js/state.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MAX_RUNS, checkOptions, checkRuns, decodeRun, decodeState, defaultState, encodeRun, encodeState, objectiveSpec, recordFor, runsRequest,
} from "../../static/js/state.js";

const full = () => ({
  objective: "custom",
  expression: "x^2 + 10*y^2 & sin(x)/2 + (y=1)?",
  options: { loss: "mse", batch_size: 32 },
  start: [-1.5, 2.0000000000000004],
  view: [[-2.5, 2.5], [-1, 3]],
  steps: 1234,
  runs: [
    { optimizer: "adam", hp: { lr: 0.05, betas: [0.9, 0.999], amsgrad: true } },
    { optimizer: "sgd", hp: { lr: 1e-7, momentum: 0.9, nesterov: false } },
    { optimizer: "newton", hp: { lr: 1 } },
  ],
  speed: 16,
  logScale: false,
  stop: { loss_below: 0.001, grad_norm_below: 1e-6 },
  seed: 7,
});

test("default state round-trips", () => {
  const s = defaultState();
  assert.deepEqual(decodeState(encodeState(s)), s);
});

test("a full state round-trips exactly, including awkward text and doubles", () => {
  const s = full();
  const q = encodeState(s);
  assert.deepEqual(decodeState(q), s);
  assert.deepEqual(decodeState(`?${q}`), s);
  assert.equal(encodeState(decodeState(q)), q); // stable
});

test("the URL stays readable", () => {
  const q = encodeState({ ...defaultState(), start: [-1.5, 2] });
  assert.match(q, /objective=rosenbrock/);
  assert.match(q, /start=-1\.5,2/);
  assert.match(q, /run=sgd&run=sgd:momentum=0\.9&run=adam$/);
  const q2 = encodeState({ ...defaultState(), runs: [{ optimizer: "sgd", hp: { lr: 0.05, momentum: 0.9 } }] });
  assert.match(q2, /run=sgd:lr=0\.05,momentum=0\.9/);
});

test("1-D start and view round-trip", () => {
  const s = { ...defaultState(), objective: "quadratic1d", start: [3], view: [[-4, 4]] };
  assert.deepEqual(decodeState(encodeState(s)), s);
});

test("bad or hostile values fall back to defaults", () => {
  const s = decodeState("objective=<script>&steps=abc&start=1,foo&view=3,1,0,1&speed=7&run=adam:lr=0.1&run=%%%");
  const d = defaultState();
  assert.equal(s.objective, d.objective);
  assert.equal(s.steps, d.steps);
  assert.equal(s.start, null);
  assert.equal(s.view, null);
  assert.equal(s.speed, d.speed);
  assert.deepEqual(s.runs, [{ optimizer: "adam", hp: { lr: 0.1 } }]);
});

test("at most MAX_RUNS runs and clamped steps", () => {
  const q = `${Array.from({ length: 12 }, () => "run=sgd:lr=0.1").join("&")}&steps=9999999`;
  const s = decodeState(q);
  assert.equal(s.runs.length, MAX_RUNS);
  assert.equal(s.steps, 20000);
});

test("'+' in a query means space, '%2B' means plus", () => {
  assert.equal(decodeState("objective=custom&expr=x%2By").expression, "x+y");
  assert.equal(decodeState("objective=custom&expr=x+%2B+y").expression, "x + y");
});

test("run encoding", () => {
  assert.equal(encodeRun({ optimizer: "adam", hp: { lr: 0.1, betas: [0.8, 0.9] } }), "adam:lr=0.1,betas=0.8/0.9");
  assert.deepEqual(decodeRun("lion"), { optimizer: "lion", hp: {} });
});

test("objectiveSpec and runsRequest follow the API contract", () => {
  const s = full();
  assert.deepEqual(objectiveSpec(s), { expression: s.expression });
  assert.deepEqual(objectiveSpec({ ...s, objective: "linreg" }), { id: "linreg", loss: "mse", batch_size: 32 });
  const meta = { adam: { hyperparams: [{ name: "lr" }, { name: "betas" }] } };
  const body = runsRequest(s, [1, 2], meta);
  assert.equal(body.steps, 1234);
  assert.equal(body.record, "all");
  assert.equal(body.seed, 7);
  assert.deepEqual(body.stop, { loss_below: 0.001, grad_norm_below: 1e-6 });
  assert.deepEqual(body.runs[0].optimizer, { name: "adam", lr: 0.05, betas: [0.9, 0.999] }); // amsgrad dropped
  assert.deepEqual(body.runs[1].optimizer, { name: "sgd", lr: 1e-7, momentum: 0.9, nesterov: false });
  assert.deepEqual(body.runs[0].start, [1, 2]);
  assert.notEqual(body.runs[0].start, body.runs[1].start);
  assert.equal(body.runs.length, 3);
  assert.equal(runsRequest(defaultState(), [0, 0]).stop, undefined);
});

test("recordFor caps recorded points", () => {
  assert.equal(recordFor(5000), "all");
  assert.deepEqual(recordFor(20000), { every: 4 });
});

test("hand-written runs may separate settings with ':' or ';'", () => {
  assert.deepEqual(decodeRun("sgd:lr=0.001:momentum=0.9"), { optimizer: "sgd", hp: { lr: 0.001, momentum: 0.9 } });
  assert.deepEqual(decodeRun("adam:lr=0.05;betas=0.8/0.9"), { optimizer: "adam", hp: { lr: 0.05, betas: [0.8, 0.9] } });
  const s = decodeState("run=sgd:lr=0.001:momentum=0.9&speed=0");
  assert.deepEqual(s.runs, [{ optimizer: "sgd", hp: { lr: 0.001, momentum: 0.9 } }]);
  assert.equal(s.speed, 0);
});

const OPTIMIZERS = {
  sgd: {
    hyperparams: [
      { name: "lr", kind: "float", low: 0, high: null },
      { name: "momentum", kind: "float", low: 0, high: null },
      { name: "dampening", kind: "float", low: 0, high: 1 },
      { name: "nesterov", kind: "bool", low: null, high: null },
    ],
  },
  adam: { hyperparams: [{ name: "lr", kind: "float", low: 0 }, { name: "betas", kind: "pair", low: 0, high: 1 }] },
};

test("checkRuns keeps good settings and names every bad one", () => {
  const runs = decodeState(
    "run=sgd:lr=abc,momentum=0.9,foo=1,dampening=2,nesterov=1&run=nope:lr=1&run=adam:lr=0,betas=0.9/0.99&run=sgd:lr=0.01,nesterov=true",
  ).runs;
  const { runs: ok, problems } = checkRuns(runs, OPTIMIZERS);
  assert.deepEqual(ok, [
    { optimizer: "sgd", hp: { momentum: 0.9 } },
    { optimizer: "adam", hp: { betas: [0.9, 0.99] } },
    { optimizer: "sgd", hp: { lr: 0.01, nesterov: true } },
  ]);
  assert.equal(problems.length, 6);
  for (const bit of ["lr=abc", "foo=1", "dampening=2", "nesterov=1", "“nope”", "lr=0"]) {
    assert.ok(problems.some((p) => p.includes(bit)), `${bit} not reported in ${problems}`);
  }
});

test("checkOptions validates objective options against their specs", () => {
  const specs = [
    { name: "loss", kind: "choice", choices: ["mse", "mae", "huber"] },
    { name: "batch_size", kind: "int", low: 0, high: 24 },
  ];
  const good = checkOptions({ loss: "mae", batch_size: 4 }, specs);
  assert.deepEqual(good, { options: { loss: "mae", batch_size: 4 }, problems: [] });
  const bad = checkOptions({ loss: "bce", batch_size: 999, noise: 1 }, specs);
  assert.deepEqual(bad.options, {});
  assert.equal(bad.problems.length, 3);
  assert.equal(checkOptions({ batch_size: 2.5 }, specs).problems.length, 1);
});
