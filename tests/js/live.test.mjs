// The live page's pure logic: the runner (newest wins, one JSON request at a time, streams
// aborted), the player (the playhead keeps its meaning across re-runs), the status sentence,
// whole-JSON traces, compact surfaces and run labels.
import assert from "node:assert/strict";
import { test } from "node:test";

globalThis.requestAnimationFrame ??= () => 0; // the player's loop is driven by hand below

const { LiveRunner, JSON_LIMIT } = await import("../../static/js/live.js");
const { Player } = await import("../../static/js/player.js");
const { describeRace } = await import("../../static/js/status.js");
const { TraceSet } = await import("../../static/js/trace.js");
const { decodeSurface } = await import("../../static/js/surfacedata.js");
const { runLabel } = await import("../../static/js/state.js");

const tick = () => new Promise((r) => setTimeout(r, 0));

// A POST /runs JSON answer: run r at step k is at (k, r), loss 10 − k; run 1 ends early.
function answer(steps, ends = []) {
  return {
    runs: [0, 1].map((r) => {
      const n = (ends[r] ?? steps) + 1;
      const idx = Array.from({ length: n }, (_, k) => k);
      return {
        status: ends[r] !== undefined ? "converged" : "max_steps",
        message: "",
        trace: {
          step: idx,
          params: idx.map((k) => [k, r]),
          loss: idx.map((k) => 10 - k),
          grad: idx.map(() => [1, 0]),
          state: { momentum_buffer: idx.map((k) => [k, 0]) },
        },
      };
    }),
  };
}

function fakeApi() {
  const calls = [];
  return {
    calls,
    runs(request, { signal }) {
      return new Promise((resolve, reject) => {
        calls.push({ request, resolve: () => resolve(answer(request.steps)), reject, signal });
        signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
      });
    },
  };
}

const small = (steps) => ({ steps, runs: [{}, {}] });

test("a JSON race: one request in flight, the newest change waits and wins", async () => {
  const api = fakeApi();
  const shown = [];
  const runner = new LiveRunner(api, { onTraces: (t, job) => shown.push(job.request.steps), onDone() {}, onError: (e) => assert.fail(e) });
  runner.run(small(10), 2, [{}, {}]);
  runner.run(small(11), 2, [{}, {}]);
  runner.run(small(12), 2, [{}, {}]);
  assert.equal(api.calls.length, 1, "later changes wait for the request in flight");
  api.calls[0].resolve();
  await tick();
  assert.equal(api.calls.length, 2);
  assert.equal(api.calls[1].request.steps, 12, "only the newest waiting change is sent");
  api.calls[1].resolve();
  await tick();
  assert.deepEqual(shown, [10, 12]);
  assert.equal(runner.busy, false);
});

test("a long race streams and a newer change aborts it", async () => {
  let aborted = 0;
  const api = {
    streamRuns: (request, { signal }) =>
      new Promise((resolve, reject) => signal.addEventListener("abort", () => (aborted++, reject(Object.assign(new Error("x"), { name: "AbortError" }))))),
    runs: () => new Promise(() => {}),
  };
  const runner = new LiveRunner(api, { onTraces() {}, onDone() {}, onError: (e) => assert.fail(e) });
  const long = { steps: JSON_LIMIT, runs: [{}, {}] };
  runner.run(long, 2, [{}, {}]);
  runner.run(small(5), 2, [{}, {}]);
  assert.equal(aborted, 1);
});

test("whole-JSON traces: statuses run until each run's end, steps follow the longest run", () => {
  const t = TraceSet.fromJSON(2, [{}, {}], answer(5, [undefined, 3]));
  assert.equal(t.length, 6);
  assert.equal(t.runs[1].n, 4);
  assert.equal(t.runs[1].statusAt(2), "running");
  assert.equal(t.runs[1].statusAt(5), "converged", "a finished run keeps its status");
  assert.deepEqual(t.runs[0].point(4), [4, 0]);
  assert.deepEqual(t.runs[0].stateAt("momentum_buffer", 3), [3, 0]);
  assert.ok(t.done);
});

test("the playhead keeps its step across a re-run, or stays at the end", () => {
  const frames = [];
  const player = new Player({ onFrame: (f) => frames.push(f) });
  player.setTraces(TraceSet.fromJSON(2, [{}, {}], answer(10)), "start");
  player.scrub(4);
  player.setTraces(TraceSet.fromJSON(2, [{}, {}], answer(20)));
  assert.equal(player.step, 4, "a re-run keeps the scrubbed step");
  player.scrub(20);
  assert.ok(player.atEnd);
  player.setTraces(TraceSet.fromJSON(2, [{}, {}], answer(30)));
  assert.equal(player.step, 30, "at the end, a re-run shows its whole path");
  player.setTraces(TraceSet.fromJSON(2, [{}, {}], answer(8)), "start");
  assert.equal(player.step, 0);
  player.play();
  player.speed = 4;
  player.loop();
  player.loop();
  assert.equal(player.step, 8);
  assert.equal(player.playing, false, "playing stops at the end of a finished trace");
  assert.equal(frames.at(-1).k, 8);
});

test("the status sentence describes the race at the playhead", () => {
  const t = TraceSet.fromJSON(2, [{}, {}], answer(10, [undefined, 6]));
  const mid = describeRace(t, 3, { playing: false, busy: false });
  assert.match(mid.text, /^Paused at step 3 · lowest loss 7 \(run 1\)\.$/);
  const end = describeRace(t, 10, { playing: false, busy: false });
  assert.match(end.text, /^Done at step 10 · lowest loss 0 \(run 1\) · run 2 converged at step 6\.$/);
  assert.equal(end.kind, "ok");
  assert.match(describeRace(t, 2, { playing: true }).text, /^Playing 2 runs\./);
  assert.equal(describeRace(null, 0, { busy: true }).text, "Computing the descent…");
  const one = TraceSet.fromJSON(2, [{}], { runs: [{ ...answer(4).runs[0], message: "took all 4 steps" }] });
  assert.equal(describeRace(one, 4, { playing: false }).text, "Done: run 1 took all 4 steps, loss 6.");
});

test("a compact surface decodes to the same values as the JSON one", () => {
  const values = [1.5, -2, 1e30, Infinity, 0, 3];
  const buf = new DataView(new ArrayBuffer(4 * values.length));
  values.forEach((v, i) => buf.setFloat32(4 * i, v, true));
  const z = Buffer.from(buf.buffer).toString("base64");
  const compact = decodeSurface({ x: [0, 1, 2], y: [0, 1], z, shape: [2, 3] });
  const plain = decodeSurface({ x: [0, 1, 2], y: [0, 1], z: [[1.5, -2, 1e30], [null, 0, 3]] });
  assert.deepEqual(Array.from(plain.values), [1.5, -2, 1e30, Infinity, 0, 3]);
  assert.deepEqual(Array.from(compact.values), Array.from(plain.values, (v) => (Number.isFinite(v) ? Math.fround(v) : v)));
});

test("run labels name every setting that is not the optimizer's default", () => {
  const sgd = { hyperparams: [{ name: "lr", default: 0.001 }, { name: "momentum", default: 0 }, { name: "nesterov", default: false }] };
  assert.equal(runLabel({ optimizer: "sgd", hp: { lr: 0.01, momentum: 0.9, nesterov: false } }, 1, sgd), "2: sgd lr=0.01 momentum=0.9");
  assert.equal(runLabel({ optimizer: "sgd", hp: { lr: 0.01, momentum: 0 } }, 0, sgd), "1: sgd lr=0.01");
});

test("a change to one run recomputes that run alone, splices it in, then settles on the whole race", async () => {
  const { changedRun } = await import("../../static/js/splice.js");
  const sent = [];
  const api = {
    runs: async (request) => {
      sent.push(request);
      // Each run's points carry its lr, so the spliced race shows where every run came from.
      return {
        runs: request.runs.map((r) => ({
          status: "max_steps",
          trace: { step: [0, 1], params: [[r.lr, 0], [r.lr, 1]], loss: [1, 0.5], grad: [[1, 1], [1, 1]], state: {} },
        })),
      };
    },
  };
  const shown = [];
  const runner = new LiveRunner(api, { onTraces: (t, job) => shown.push({ t, job }), onDone() {}, onError: (e) => assert.fail(e) });
  const race = (lr1) => ({ steps: 1, objective: { id: "booth" }, runs: [{ lr: 0.1 }, { lr: lr1 }] });
  const metas = [{ label: "1" }, { label: "2" }];
  runner.run(race(0.2), 2, metas, {}, { splittable: true });
  await tick();
  runner.run(race(0.3), 2, metas, {}, { splittable: true });
  await tick();
  assert.deepEqual(sent[1].runs, [{ lr: 0.3 }], "only the changed run is computed");
  const spliced = shown.at(-1);
  assert.deepEqual(spliced.job.request, race(0.3), "the race on screen is the whole wanted race");
  assert.deepEqual(spliced.t.runs.map((r) => r.point(0)[0]), [0.1, 0.3]);
  assert.equal(changedRun(race(0.2), race(0.3)), 1);
  assert.equal(changedRun(race(0.2), { ...race(0.3), steps: 2 }), -1, "a change beyond one run is no splice");
  await new Promise((done) => setTimeout(done, 400));
  assert.deepEqual(sent.at(-1), race(0.3), "once the changes pause, the whole race is asked for");
  // A race whose runs share mini-batches is never split.
  runner.run(race(0.4), 2, metas, {}, { splittable: false });
  await tick();
  assert.equal(sent.at(-1).runs.length, 2);
});
