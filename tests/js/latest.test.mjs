// One request at a time, the newest waiting wins (latest.js): what the surface, the data panel
// and the network panel each ask the server while the learner drags, plays and scrubs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../static/js/api.js";
import { LatestRequest } from "../../static/js/latest.js";

// A send whose answers the test releases one by one.
function held() {
  const sent = [];
  const send = (job) => new Promise((resolve, reject) => sent.push({ job, resolve, reject }));
  return { sent, send };
}
const tick = () => new Promise((done) => setTimeout(done, 0));

test("one request at a time; of those waiting only the newest is sent next", async () => {
  const { sent, send } = held();
  const shown = [];
  const queue = new LatestRequest(send, { onAnswer: (answer) => shown.push(answer), onError: assert.fail });
  for (const n of [1, 2, 3]) queue.request({ n });
  assert.deepEqual(sent.map((s) => s.job.n), [1]); // 2 and 3 wait; 3 replaced 2
  sent[0].resolve("a1");
  await tick();
  assert.deepEqual(sent.map((s) => s.job.n), [1, 3]);
  sent[1].resolve("a3");
  await tick();
  assert.deepEqual(shown, ["a1", "a3"]);
});

test("an answer no longer current, or null, is not shown; a current failure is reported", async () => {
  const { sent, send } = held();
  const shown = [];
  const errors = [];
  const queue = new LatestRequest(send, {
    current: (job) => job.n !== 1,
    onAnswer: (answer) => shown.push(answer),
    onError: (e, job) => errors.push([e.message, job.n]),
  });
  queue.request({ n: 1 });
  sent[0].resolve("stale");
  await tick();
  queue.request({ n: 2 });
  sent[1].resolve(null);
  await tick();
  queue.request({ n: 3 });
  sent[2].reject(new Error("boom"));
  await tick();
  assert.deepEqual(shown, []);
  assert.deepEqual(errors, [["boom", 3]]);
});

test("a 429 is asked again after its Retry-After, unless a newer request came meanwhile", async () => {
  const { sent, send } = held();
  const queue = new LatestRequest(send, { onAnswer: () => {}, onError: assert.fail });
  queue.request({ n: 1 });
  sent[0].reject(new ApiError(429, { detail: "busy" }, 0.01));
  await new Promise((done) => setTimeout(done, 60));
  assert.deepEqual(sent.map((s) => s.job.n), [1, 1]);
  queue.request({ n: 2 });
  sent[1].reject(new ApiError(429, { detail: "busy" }, 0.01));
  await new Promise((done) => setTimeout(done, 60));
  assert.deepEqual(sent.map((s) => s.job.n), [1, 1, 2]);
});
