// Pure logic of the extra views (static/js/views/): graph layout and backward order, the
// stability limit, Adam's effective step, basin counts and the 3-D height scale.
import assert from "node:assert/strict";
import { test } from "node:test";
import { backwardSteps, layout } from "../../static/js/views/backprop.js";
import { basinCounts } from "../../static/js/views/basins.js";
import { num } from "../../static/js/views/common.js";
import { stabilityLimit } from "../../static/js/views/curvature.js";
import { adamStep } from "../../static/js/views/state.js";
import { heightScale } from "../../static/js/views/surface3d.js";

// The two-weight chain as POST /inspect returns it (values trimmed to what the layout reads).
const CHAIN = {
  output: 7,
  nodes: [
    { id: 0, inputs: [], edge_grads: [] },
    { id: 1, inputs: [0], edge_grads: [[-5.6e7, 0]] },
    { id: 2, inputs: [1], edge_grads: [[-5.6e7]] },
    { id: 3, inputs: [0], edge_grads: [[0, -8e9]] },
    { id: 4, inputs: [2, 3], edge_grads: [[-56000], [-8e9]] },
    { id: 5, inputs: [4], edge_grads: [[-40000]] },
    { id: 6, inputs: [5, 5], edge_grads: [[-20000], [-20000]] },
    { id: 7, inputs: [6], edge_grads: [[1]] },
  ],
};

test("layout puts every node right of its inputs", () => {
  const { pos, width, height } = layout(CHAIN.nodes);
  for (const n of CHAIN.nodes) for (const i of n.inputs) assert.ok(pos[i].x < pos[n.id].x);
  assert.equal(pos[1].col, 1);
  assert.equal(pos[4].col, 3); // after 1000·W1 (column 2), not after W2 (column 1)
  assert.ok(width > 0 && height > 0);
});

test("the backward pass starts at the loss and visits every edge once", () => {
  const steps = backwardSteps(CHAIN);
  assert.equal(steps.length, 9);
  assert.deepEqual(steps[0], { to: 7, from: 6, k: 0 });
  assert.deepEqual(steps.slice(1, 3), [{ to: 6, from: 5, k: 0 }, { to: 6, from: 5, k: 1 }]);
  assert.deepEqual(steps.at(-1), { to: 1, from: 0, k: 0 });
});

test("stability limit: 2/λmax for plain GD, 2(1+β)/λmax with momentum, none for Adam", () => {
  assert.equal(stabilityLimit({ optimizer: "sgd", hp: { lr: 0.1 } }, 20), 0.1);
  assert.equal(stabilityLimit({ optimizer: "sgd", hp: { momentum: 0.9 } }, 20), 0.19);
  assert.equal(stabilityLimit({ optimizer: "adam", hp: {} }, 20), null);
  assert.equal(stabilityLimit({ optimizer: "sgd", hp: {} }, -1), null);
});

test("Adam's first step is lr·sign(g) (bias-corrected moments)", () => {
  const g = [-215.6, -88];
  const m = g.map((x) => 0.1 * x);
  const v = g.map((x) => 0.001 * x * x);
  const { step } = adamStep(m, v, 1, { lr: 0.05 });
  assert.ok(Math.abs(step[0] + 0.05) < 1e-9 && Math.abs(step[1] + 0.05) < 1e-9);
});

test("basin counts and number text", () => {
  assert.deepEqual(basinCounts([0, 1, 1, -1, 3], [{}, {}, {}, {}]), { counts: [1, 2, 0, 1], none: 1 });
  assert.equal(num(-5.6e7), "−5.6e7");
  assert.equal(num(-8e9), "−8e9");
  assert.equal(num(2.5e-5), "2.5e−5");
});

test("3-D height: 0 at the minimum, 1 at the maximum, monotone, negatives allowed", () => {
  const h = heightScale(-2, 98);
  assert.equal(h(-2), 0);
  assert.ok(Math.abs(h(98) - 1) < 1e-12);
  assert.ok(h(0) < h(1) && h(1) < h(50));
  assert.equal(h(null), 1);
});
