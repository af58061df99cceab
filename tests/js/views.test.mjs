// Pure logic of the extra views (static/js/views/): graph layout and backward order, label
// placement, the stability limit, basin counts, the 3-D height scale and loss ticks, and the
// stochastic view's frame. (The update rule's pieces are in rule.test.mjs.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { lossTicks } from "../../static/js/views/axes3d.js";
import { backwardSteps } from "../../static/js/views/backprop.js";
import { basinCounts } from "../../static/js/views/basins.js";
import { num, traceKey } from "../../static/js/views/common.js";
import { stabilityLimit } from "../../static/js/views/curvature.js";
import { BOX_H, layout } from "../../static/js/views/dag-layout.js";
import { placeLabels, segmentDistance } from "../../static/js/views/labels.js";
import { frameFor } from "../../static/js/views/stochastic.js";
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

test("layout puts every node right of its inputs when the row fits", () => {
  const { pos, width, height, mode, scale } = layout(CHAIN.nodes);
  assert.equal(mode, "row");
  for (const n of CHAIN.nodes) for (const i of n.inputs) assert.ok(pos[i].x < pos[n.id].x);
  assert.equal(pos[1].col, 1);
  assert.equal(pos[4].col, 3); // after 1000·W1 (column 2), not after W2 (column 1)
  assert.ok(width > 0 && height > 0 && scale === 1);
});

// Every box and edge label inside the drawing, and no label on a box.
function assertReadable({ pos, edges, width, height }) {
  const boxes = pos.map((p) => ({ x: p.x, y: p.y, w: p.w, h: BOX_H }));
  const within = (b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= width && b.y + b.h <= height;
  const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  for (const b of boxes) assert.ok(within(b), JSON.stringify(b));
  for (const e of edges) {
    assert.ok(within(e.label), JSON.stringify(e.label));
    for (const b of boxes) assert.ok(!overlap(e.label, b), `label of ${e.from}→${e.to} on a box`);
  }
}

test("the chain wraps into bands at desktop width and stacks on a phone, fitting both", () => {
  const sizes = { nodeWidth: () => 150, labelWidth: () => 44 };
  const desk = layout(CHAIN.nodes, { width: 1230, ...sizes });
  assert.equal(desk.mode, "bands");
  assert.ok(desk.width <= 1230 && desk.scale === 1);
  assertReadable(desk);
  // Five columns fit a band; the second band runs right to left: the loss left of its input.
  assert.ok(desk.pos[5].band === 0 && desk.pos[6].band === 1 && desk.pos[7].band === 1);
  assert.ok(desk.pos[7].x < desk.pos[6].x && desk.pos[6].y > desk.pos[5].y);
  const phone = layout(CHAIN.nodes, { width: 340, ...sizes });
  assert.equal(phone.mode, "stack");
  assert.ok(phone.width <= 340 && phone.scale === 1);
  assertReadable(phone);
  for (const n of CHAIN.nodes) for (const i of n.inputs) assert.ok(phone.pos[i].y < phone.pos[n.id].y);
});

test("a depth too wide for a phone wraps onto more rows; only a box wider than the panel shrinks", () => {
  const wide = [{ id: 0, inputs: [] }, ...[1, 2, 3, 4, 5, 6].map((id) => ({ id, inputs: [0] })), { id: 7, inputs: [1, 2, 3, 4, 5, 6] }];
  const plan = layout(wide, { width: 300, nodeWidth: () => 120, labelWidth: () => 30 });
  assert.equal(plan.mode, "stack");
  assert.ok(plan.width <= 300 && plan.scale === 1);
  assert.ok(new Set([1, 2, 3, 4, 5, 6].map((id) => plan.pos[id].y)).size === 3); // two per row
  const huge = layout(CHAIN.nodes, { width: 340, nodeWidth: () => 500, labelWidth: () => 30 });
  assert.ok(huge.scale < 1 && huge.scale >= 0.5);
});

test("the backward pass starts at the loss and visits every edge once", () => {
  const steps = backwardSteps(CHAIN);
  assert.equal(steps.length, 9);
  assert.deepEqual(steps[0], { to: 7, from: 6, k: 0 });
  assert.deepEqual(steps.slice(1, 3), [{ to: 6, from: 5, k: 0 }, { to: 6, from: 5, k: 1 }]);
  assert.deepEqual(steps.at(-1), { to: 1, from: 0, k: 0 });
});

test("stability limit: the server's 2/λmax for plain GD, (1+β) times it with momentum, none for Adam", () => {
  assert.equal(stabilityLimit({ optimizer: "sgd", hp: { lr: 0.1 } }, 0.1), 0.1);
  assert.ok(Math.abs(stabilityLimit({ optimizer: "sgd", hp: { momentum: 0.9 } }, 0.1) - 0.19) < 1e-15);
  assert.equal(stabilityLimit({ optimizer: "sgd", hp: { momentum: 0.9, nesterov: true } }, 0.1), 0.1);
  assert.equal(stabilityLimit({ optimizer: "adam", hp: {} }, 0.1), null);
  assert.equal(stabilityLimit({ optimizer: "sgd", hp: {} }, null), null);
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

test("an arrow's label goes beside its own tip, inside the plot, off the other arrow", () => {
  const rect = { x: 0, y: 0, w: 300, h: 200 };
  // A long vertical axis and a short horizontal one, crossing near the right edge.
  const arrows = [
    { from: [280, 100], tips: [[290, 100], [270, 100]] },
    { from: [280, 100], tips: [[280, 10], [280, 190]] },
  ];
  const boxes = placeLabels(arrows, [{ w: 50, h: 16 }, { w: 110, h: 16 }], rect);
  boxes.forEach((b, i) => {
    assert.ok(b.x >= 0 && b.x + b.w <= 300 && b.y >= 0 && b.y + b.h <= 200, JSON.stringify(b));
    const d = (a, k) => Math.min(...a.tips.map((t) => Math.min(...[0, 0.25, 0.5, 0.75, 1].map((f) => boxGap(b, a.from[0] + (t[0] - a.from[0]) * f, a.from[1] + (t[1] - a.from[1]) * f)))));
    assert.ok(d(arrows[i]) <= 8, `label ${i} far from its arrow`);
    assert.ok(d(arrows[1 - i]) > d(arrows[i]), `label ${i} nearer the other arrow`);
  });
  assert.ok(Math.abs(segmentDistance(3, 4, [0, 0], [0, 10]) - 3) < 1e-12);
});

function boxGap(b, x, y) {
  return Math.hypot(Math.max(b.x - x, 0, x - b.x - b.w), Math.max(b.y - y, 0, y - b.y - b.h));
}

test("3-D loss ticks: the ends, then round numbers about a decade apart on the log height", () => {
  const ticks = lossTicks(0.2117, 890, heightScale(0.2117, 890));
  assert.equal(ticks[0], 0.2117);
  assert.equal(ticks.at(-1), 890);
  assert.deepEqual(ticks.slice(1, -1), [1, 10, 100]);
  const neg = lossTicks(-2, 98, heightScale(-2, 98));
  assert.ok(neg.every((v, i) => i === 0 || v > neg[i - 1]) && neg[0] === -2 && neg.at(-1) === 98);
  assert.deepEqual(lossTicks(3, 3, () => 0), [3]);
});

test("the stochastic frame grows to hold the paths, by at most one view box per side", () => {
  const box = [[-2, 5], [-4, 5]];
  assert.deepEqual(frameFor(box, [[[0, 0], [1, 1]]]), box);
  const [[x0, x1], [y0, y1]] = frameFor(box, [[[0, 0], [1, -4.9]], [[6, 2], null, [NaN, 1]]]);
  assert.ok(x0 === -2 && x1 > 6 && y0 < -4.9 && y1 === 5);
  const far = frameFor(box, [[[1e6, -1e6]]]);
  assert.deepEqual(far, [[-2, 12], [-13, 5]]);
});

test("the trace key changes with a new trace of the same length", () => {
  const a = { length: 5 };
  const b = { length: 5 };
  assert.equal(traceKey(a), traceKey(a));
  assert.notEqual(traceKey(a), traceKey(b));
  assert.equal(traceKey(null), "none");
});
