// /embed's pure logic: the postMessage commands read field by field (embedproto.js), the origin
// check against the operator's list, a configuration checked against the catalog
// (embedcheck.js), and the step and end events read from the traces (embedevents.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { catalogProblem, fitProblem } from "../../static/js/embedcheck.js";
import { EventTracker, endEvent, stepEvent } from "../../static/js/embedevents.js";
import { originAllowed, readCommand, stateFromFields, stateFromRequest } from "../../static/js/embedproto.js";
import { TraceSet } from "../../static/js/trace.js";

test("commands: play, pause, step and scrub are read with their fields", () => {
  assert.deepEqual(readCommand({ type: "play", id: 1 }), { command: { type: "play", id: 1 } });
  assert.deepEqual(readCommand({ type: "pause" }), { command: { type: "pause", id: undefined } });
  assert.deepEqual(readCommand({ type: "step", id: "a" }).command, { type: "step", id: "a", by: 1 });
  assert.equal(readCommand({ type: "step", by: -3 }).command.by, -3);
  assert.equal(readCommand({ type: "scrub", step: 12 }).command.step, 12);
});

test("a bad command is refused naming the field, with the command's id", () => {
  const cases = [
    [null, "message"],
    ["play", "message"],
    [{ type: "fly" }, "type"],
    [{ type: "play", speed: 2 }, "speed"],
    [{ type: "play", id: {} }, "id"],
    [{ type: "step", by: 0 }, "by"],
    [{ type: "step", by: 1.5 }, "by"],
    [{ type: "scrub" }, "step"],
    [{ type: "scrub", step: -1 }, "step"],
    [{ type: "configure" }, "state"],
    [{ type: "configure", state: {}, request: {} }, "state"],
    [{ type: "configure", state: {}, play: "yes" }, "play"],
  ];
  for (const [message, field] of cases) {
    const read = readCommand(message);
    assert.equal(read.command, undefined, JSON.stringify(message));
    assert.equal(read.error.field, field, JSON.stringify(message));
    assert.ok(read.error.reason.length > 5);
  }
  const bad = readCommand({ type: "scrub", id: 7, step: "x" });
  assert.deepEqual([bad.id, bad.error.reply_to], [7, "scrub"]);
});

test("configure: URL-state fields become the page's state; defaults fill the rest", () => {
  const { command } = readCommand({
    type: "configure",
    state: { objective: "himmelblau", runs: [{ optimizer: "adam", hp: { lr: 0.05 } }], steps: 40, start: [1, 2] },
    play: true,
  });
  assert.equal(command.play, true);
  assert.equal(command.state.objective, "himmelblau");
  assert.deepEqual(command.state.runs, [{ optimizer: "adam", hp: { lr: 0.05 } }]);
  assert.deepEqual([command.state.steps, command.state.start], [40, [1, 2]]);
  assert.equal(command.names.hp(0, "lr"), "state.runs[0].hp.lr");
  assert.equal(stateFromFields({ expression: "x^2 + y^2" }).state.objective, "custom");
});

test("configure: bad URL-state fields are refused by their path", () => {
  const refused = (state) => readCommand({ type: "configure", state }).error.field;
  assert.equal(refused({ objective: "no such!" }), "state.objective");
  assert.equal(refused({ steps: 0 }), "state.steps");
  assert.equal(refused({ start: [1, Number.NaN] }), "state.start");
  assert.equal(refused({ view: [[1, 0]] }), "state.view");
  assert.equal(refused({ runs: [] }), "state.runs");
  assert.equal(refused({ runs: [{ optimizer: "sgd", hp: { lr: {} } }] }), "state.runs[0].hp.lr");
  assert.equal(refused({ speed: 3.5 }), "state.speed");
  assert.equal(refused({ colour: "red" }), "state.colour");
  assert.equal(refused({ objective: "custom" }), "state.expression");
});

test("configure: a POST /runs body is read; what the embed cannot show is refused", () => {
  const body = {
    objective: { id: "booth" },
    runs: [{ optimizer: { name: "sgd", lr: 0.01, momentum: 0.9 }, start: [3, -2] }],
    steps: 30,
    seed: 4,
  };
  const { state, names } = stateFromRequest(body);
  assert.deepEqual(state.runs, [{ optimizer: "sgd", hp: { lr: 0.01, momentum: 0.9 } }]);
  assert.deepEqual([state.objective, state.start, state.steps, state.seed], ["booth", [3, -2], 30, 4]);
  assert.equal(names.optimizer(0), "request.runs[0].optimizer.name");
  const refused = (request) => readCommand({ type: "configure", request }).error.field;
  assert.equal(refused({ ...body, schedule: { kind: "step" } }), "request.schedule");
  const two = [...body.runs, { optimizer: { name: "adam" }, start: [0, 0] }];
  assert.equal(refused({ ...body, runs: two }), "request.runs[1].start");
});

test("origins: exact, a subdomain wildcard, a scheme; never 'null' or a look-alike", () => {
  const list = ["https://course.example.org", "https://*.uni.edu", "vscode-webview:"];
  assert.ok(originAllowed("https://course.example.org", list));
  assert.ok(originAllowed("https://cs.uni.edu", list));
  assert.ok(originAllowed("vscode-webview://abc123", list));
  for (const origin of ["http://course.example.org", "https://course.example.org:8443", "https://uni.edu", "https://evil-uni.edu", "https://course.example.org.evil.com", "null", undefined]) {
    assert.equal(originAllowed(origin, list), false, origin);
  }
  assert.equal(originAllowed("https://course.example.org", []), false);
});

const CATALOG = {
  byId: { booth: { options: [] }, wide: { options: [{ name: "scale", kind: "float", low: 0.1, high: 10, default: 1 }] } },
  optByName: { sgd: { hyperparams: [{ name: "lr", kind: "float", low: 0, high: 10, default: 0.01 }] } },
  maxRuns: () => 2,
  maxSteps: (runs) => 1000 / runs,
};

test("a configuration is checked against the server's catalog", () => {
  const check = (state) => catalogProblem(stateFromFields(state).state, CATALOG, stateFromFields(state).names);
  assert.equal(check({ objective: "booth", runs: [{ optimizer: "sgd", hp: { lr: 0.1 } }] }), null);
  assert.equal(check({ objective: "nope" }).field, "state.objective");
  assert.equal(check({ objective: "booth", runs: [{ optimizer: "rmsprop" }] }).field, "state.runs[0].optimizer");
  assert.equal(check({ objective: "booth", runs: [{ optimizer: "sgd", hp: { lr: -1 } }] }).field, "state.runs[0].hp.lr");
  assert.equal(check({ objective: "booth", runs: [1, 2, 3].map(() => ({ optimizer: "sgd" })) }).field, "state.runs");
  const two = [{ optimizer: "sgd" }, { optimizer: "sgd" }];
  assert.match(check({ objective: "booth", runs: two, steps: 600 }).reason, /at most 500/);
  const { state, names } = stateFromFields({ objective: "booth", start: [1] });
  assert.equal(fitProblem(state, { dim: 2 }, names).field, "state.start");
});

// Two runs of 5 steps; run r at step k is at (k, r) with loss 10 − k; run 1 converges at 3.
function race() {
  const trace = (n) => ({
    step: [...Array(n).keys()],
    params: [...Array(n).keys()].map((k) => [k, 0]),
    grad: [...Array(n).keys()].map(() => [1, 0]),
    loss: [...Array(n).keys()].map((k) => 10 - k),
  });
  const runs = [
    { status: "max_steps", message: "took all 5 steps", steps_taken: 5, trace: trace(6) },
    { status: "converged", message: "converged", steps_taken: 3, trace: trace(4) },
  ];
  return TraceSet.fromJSON(2, [{ label: "a", optimizer: "sgd" }, { label: "b", optimizer: "adam" }], { runs });
}

test("step and end events carry every run's point, loss and status", () => {
  const t = race();
  const at4 = stepEvent(t, 4, 9);
  assert.deepEqual([at4.type, at4.race, at4.step, at4.index], ["step", 9, 4, 4]);
  assert.deepEqual(at4.runs[0], { label: "a", optimizer: "sgd", params: [4, 0], loss: 6, status: "running" });
  assert.deepEqual(at4.runs[1], { label: "b", optimizer: "adam", params: [3, 0], loss: 7, status: "converged" });
  const end = endEvent(t, 9);
  assert.equal(end.step, 5);
  assert.deepEqual(end.runs.map((r) => [r.status, r.steps_taken, r.loss]), [["max_steps", 5, 5], ["converged", 3, 7]]);
});

test("the tracker sends each step passed while playing, one per jump, and the end once", () => {
  const sent = [];
  const tracker = new EventTracker((e) => sent.push(e));
  const t = race();
  tracker.frame(t, 0, 1, true);
  tracker.frame(t, 0, 1, true); // the same frame again: nothing new
  tracker.frame(t, 3, 1, true); // speed 3: steps 1, 2, 3 passed
  tracker.frame(t, 5, 1, false); // played onto the end, now paused
  tracker.frame(t, 5, 1, false);
  assert.deepEqual(sent.map((e) => `${e.type}${e.step}`), ["step0", "step1", "step2", "step3", "step4", "step5", "end5"]);
  sent.length = 0;
  tracker.frame(t, 1, 1, false); // a jump back (scrub): the step it lands on
  tracker.frame(t, 4, 1, false); // a jump forward while paused: the step it lands on
  tracker.frame(race(), 0, 2, false); // a new race
  assert.deepEqual(sent.map((e) => `${e.type}${e.step}@${e.race}`), ["step1@1", "step4@1", "step0@2"]);
});
