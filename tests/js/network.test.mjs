// A network on the page: its settings ⇄ URL and the API spec (net/spec.js, net/options.js), the
// race's traces with sparse weights and their projection onto a slice (net/traces.js), and the
// pure parts of its pictures (net/datadraw.js, net/diagram.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { hiddenLayers, networkRequest, networkSpec, paramsEvery, roughDim } from "../../static/js/net/spec.js";
import { checkNetworkOptions, parseLayers } from "../../static/js/net/options.js";
import { NetTraceSet, projectPoint, thinPath } from "../../static/js/net/traces.js";
import { heatColor, heatSignature } from "../../static/js/net/datadraw.js";
import { largest, reached, stageText, unitPositions } from "../../static/js/net/diagram.js";
import { decodeState, encodeState, runsRequest } from "../../static/js/state.js";

const objectiveSpec = (state, csv = "") => networkRequest(state, {}, csv).objective;

test("a network's settings survive the URL and become the API's nested spec", () => {
  const state = decodeState("objective=mlp");
  Object.assign(state.options, { dataset: "moons", noise: 0.2, n: 300, data_seed: 4, hidden: [16, 8, 4], activation: "relu", weight_decay: 0.001, seed: 7, slice: "random" });
  const back = decodeState(encodeState(state));
  assert.deepEqual(back.options, state.options);
  assert.deepEqual(objectiveSpec(back), {
    id: "mlp",
    dataset: { name: "moons", n: 300, noise: 0.2, seed: 4 },
    hidden: [16, 8, 4],
    activation: "relu",
    output: "auto",
    weight_decay: 0.001,
    seed: 7,
  });
  for (const layers of [[8], []]) {
    const one = decodeState(encodeState({ ...state, options: { hidden: layers } }));
    assert.deepEqual(objectiveSpec(one).hidden, layers);
  }
});

test("a pasted table travels in the spec; the texts' table takes no size or noise", () => {
  const state = decodeState("objective=mlp&o.dataset=csv");
  assert.deepEqual(objectiveSpec(state, "a,b,y\n1,2,x").dataset, { csv: "a,b,y\n1,2,x" });
  assert.deepEqual(networkSpec({ dataset: "black-box", n: 50, noise: 0.3 }).dataset, { name: "black-box" });
});

test("a network's race starts from its initial weights and keeps them sparsely when large", () => {
  const state = decodeState("objective=mlp&o.hidden=32/32/32/32&steps=2000&run=adam:lr=0.01&run=sgd:lr=0.1");
  const body = networkRequest(state);
  assert.ok(body.runs.every((r) => !("start" in r)));
  const dim = roughDim(body.objective);
  assert.equal(dim, 3 * 32 + 3 * 33 * 32 + 33);
  assert.deepEqual(body.record, { every: 1, params_every: paramsEvery(2000, 2, dim) });
  assert.ok(body.record.params_every > 1);
  assert.deepEqual(networkRequest(decodeState("objective=mlp")).record, { every: 1, params_every: 1 });
  assert.ok("start" in runsRequest(decodeState("objective=rosenbrock"), [1, 2]).runs[0]);
});

test("bad settings from a URL are dropped and named; typed layers are checked", () => {
  const { options, problems } = checkNetworkOptions({ dataset: "mnist", hidden: [8, 99], activation: "relu", n: 3, noise: 0.1 });
  assert.equal(options.dataset, "xor");
  assert.deepEqual(options.hidden, [8, 8]);
  assert.equal(options.activation, "relu");
  assert.equal(options.noise, 0.1);
  assert.equal(problems.length, 3);
  assert.match(problems.join(";"), /dataset=mnist/);
  assert.deepEqual(parseLayers("8, 4").layers, [8, 4]);
  assert.deepEqual(parseLayers("").layers, []);
  assert.match(parseLayers("8 8 8 8 8").error, /more than 4 layers/);
  assert.match(parseLayers("40").error, /1 to 32/);
  assert.deepEqual(hiddenLayers(8), [8]);
});

const ANSWER = {
  runs: [
    {
      status: "max_steps",
      trace: {
        step: [0, 1, 2, 3, 4],
        params_step: [0, 2, 4],
        params: [[0, 0, 0], [2, 2, 0], [4, 0, 0]],
        grad: [[3, 4, 0], [0, 0, 0], [1, 0, 0]],
        loss: [5, 4, 3, 2, 1],
        metrics: { test_loss: [6, 5, 4, 3, 2], train_accuracy: [0.5, 0.6, 0.7, 0.8, 0.9], test_accuracy: [0.4, 0.5, 0.6, 0.7, 0.8] },
      },
    },
  ],
};

test("a network's traces keep every step's losses and the recorded steps' weights", () => {
  const set = NetTraceSet.fromJSON(null, [{ label: "1: adam" }], ANSWER);
  const run = set.runs[0];
  assert.deepEqual(set.steps, [0, 1, 2, 3, 4]);
  assert.deepEqual(run.loss, [5, 4, 3, 2, 1]);
  assert.deepEqual(run.testAcc, [0.4, 0.5, 0.6, 0.7, 0.8]);
  assert.equal(run.gradNorm[0], 5);
  assert.ok(Number.isNaN(run.gradNorm[1]));
  assert.deepEqual(run.weightsAt(3).row, [2, 2, 0]);
  assert.equal(run.weightsAt(4).k, 4);
  assert.ok(set.classifies);
  assert.ok(run.point(2).every(Number.isNaN)); // (α, β) only once a slice is known
  run.project([0, 0, 0], [1, 0, 0], [0, 1, 0]);
  assert.deepEqual(run.point(2), [2, 2]);
  assert.deepEqual(run.point(1), [1, 1]); // between recorded steps: on the line between them
  assert.deepEqual(run.point(3), [3, 1]);
});

test("a point is projected by least squares onto a plane with oblique directions", () => {
  const [a, b] = projectPoint([3, 5, 7], [1, 1, 1], [1, 1, 0], [0, 1, 0]);
  assert.ok(Math.abs(a - 2) < 1e-12 && Math.abs(b - 2) < 1e-12); // 1 + 2·(1,1,0) + 2·(0,1,0) = (3,5,1)
  assert.deepEqual(projectPoint([1, 2], [0, 0], [1, 0], [2, 0]).map(Number.isNaN), [true, true]);
  const rows = Array.from({ length: 1000 }, (_, i) => [i]);
  const thin = thinPath(rows, 300);
  assert.equal(thin.length, 300);
  assert.deepEqual([thin[0], thin.at(-1)], [[0], [999]]);
});

test("the decision map's colours and fingerprint follow the prediction", () => {
  const unsure = heatColor([0.5, 0.5]);
  const sure = heatColor([0.02, 0.98]);
  assert.deepEqual(heatColor([0.98, 0.02]).length, 3);
  assert.ok(sure[0] > unsure[0]); // orange, deeper when surer
  const a = heatSignature([[[0.9, 0.1], [0.2, 0.8]]]);
  assert.equal(a, "1/1:0.8500");
  assert.notEqual(a, heatSignature([[[0.9, 0.1], [0.6, 0.4]]]));
  assert.equal(heatSignature([[1, 2], [3, 4]]), "2.5000");
});

test("the network diagram lays out its units and steps backprop from the output", () => {
  const pos = unitPositions([2, 3, 1], 200, 100);
  assert.deepEqual(pos.map((l) => l.length), [2, 3, 1]);
  assert.equal(pos[2][0][1], 50); // one unit: centred
  assert.ok(reached(1, 2, 0) && !reached(0, 2, 0) && reached(0, 2, 1));
  const fit = { gradient: [{ weight: [[0.1, -0.5], [0, 0], [0, 0]], bias: [0, 0, 0] }, { weight: [[2, 0, 0]], bias: [0] }] };
  assert.equal(largest(fit.gradient), 2);
  assert.match(stageText(fit, [2, 3, 1], 0), /step 1 of 2.*3 weights from the hidden layer 1 to the outputs.*largest is 2\.00/);
  assert.match(stageText(fit, [2, 3, 1], 1), /6 weights from the inputs to the hidden layer 1.*-0\.500/);
});
