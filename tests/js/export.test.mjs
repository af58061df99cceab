// Trace store, chart series and exports (static/js/trace.js, static/js/share.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { TraceSet, chartSeries } from "../../static/js/trace.js";
import { curlCommand, pythonLiteral, pythonSnippet, shellQuote, toCSV, toJSON } from "../../static/js/share.js";

function sample() {
  const t = new TraceSet(2, [
    { label: 'a, "quoted"', optimizer: "adam" },
    { label: "b", optimizer: "sgd" },
  ]);
  t.addStep({ type: "step", step: 0, runs: [
    { params: [1, 2], loss: 5, grad: [2, 4], state: { exp_avg: [0, 0], step: 0 } },
    { params: [1, 2], loss: 5, grad: [2, 4] },
  ] });
  t.addStep({ type: "step", step: 1, runs: [
    { params: [0.5, 1], loss: 1.25, grad: [1, 2], state: { exp_avg: [0.2, 0.4] } },
    { params: [null, 1e308], loss: null, grad: [null, null], status: "diverged" },
  ] });
  t.finish({ type: "done", runs: [
    { label: "a", status: "max_steps", steps_taken: 1, message: null, diverged_at: null },
    { label: "b", status: "diverged", steps_taken: 1, message: "loss is not finite", diverged_at: 1 },
  ] });
  return t;
}

test("TraceSet stores steps, nulls as NaN, per-coordinate state only", () => {
  const t = sample();
  assert.equal(t.length, 2);
  assert.deepEqual(t.runs[0].point(1), [0.5, 1]);
  assert.ok(Number.isNaN(t.runs[1].point(1)[0]));
  assert.deepEqual(t.runs[0].stateAt("exp_avg", 1), [0.2, 0.4]);
  assert.equal(t.runs[0].state.step, undefined);
  assert.equal(t.runs[1].status, "diverged");
  assert.equal(t.runs[1].statusAt(0), "running");
  assert.equal(t.runs[1].statusAt(1), "diverged");
  assert.equal(t.runs[1].statusAt(9), "diverged");
  assert.equal(t.runs[1].lastFiniteIndex(), 0);
  assert.equal(t.runs[0].gradNorm[0], Math.hypot(2, 4));
  assert.equal(t.indexOfStep(1), 1);
  assert.equal(t.indexOfStep(99), 1);
  assert.equal(t.runs[0].point(5), null);
});

test("chartSeries turns missing values into gaps, and non-positive ones in log mode", () => {
  const t = sample();
  assert.deepEqual(chartSeries(t, 1, "loss"), [[0, 1], [5, 1.25], [5, null]]);
  assert.deepEqual(chartSeries(t, 0, "loss"), [[0], [5], [5]]);
  t.runs[0].loss[1] = 0;
  assert.deepEqual(chartSeries(t, 1, "loss", true)[1], [Math.log10(5), null]);
  assert.deepEqual(chartSeries(t, 1, "loss", false)[1], [5, 0]);
});

test("CSV export: header from param names, quoted labels, empty fields for null", () => {
  const csv = toCSV(sample(), ["w", "b"]);
  const rows = csv.trimEnd().split("\r\n");
  assert.equal(rows[0], "run,label,optimizer,step,w,b,loss,grad_w,grad_b");
  assert.equal(rows[1], '1,"a, ""quoted""",adam,0,1,2,5,2,4');
  assert.equal(rows[2], '1,"a, ""quoted""",adam,1,0.5,1,1.25,1,2');
  assert.equal(rows[4], "2,b,sgd,1,,1e+308,,,");
  assert.equal(rows.length, 5);
  assert.ok(csv.endsWith("\r\n"));
});

test("JSON export has the POST /runs response shape with nulls", () => {
  const j = toJSON(sample(), { steps: 1 });
  assert.deepEqual(j.request, { steps: 1 });
  assert.equal(j.runs[1].status, "diverged");
  assert.equal(j.runs[1].diverged_at, 1);
  assert.deepEqual(j.runs[1].trace.params, [[1, 2], [null, 1e308]]);
  assert.deepEqual(j.runs[1].trace.loss, [5, null]);
  assert.deepEqual(j.runs[0].trace.step, [0, 1]);
  JSON.parse(JSON.stringify(j)); // serialisable, no NaN
});

test("curl command quotes single quotes for the shell", () => {
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  const cmd = curlCommand("http://127.0.0.1:8000/api/v1/runs", { objective: { expression: "x'" } });
  assert.match(cmd, /^curl -sS -X POST 'http:\/\/127\.0\.0\.1:8000\/api\/v1\/runs'/);
  assert.ok(cmd.includes(`-d '{"objective":{"expression":"x'\\''"}}'`));
});

test("Python snippet uses Python literals", () => {
  assert.equal(pythonLiteral({ a: [true, false, null, 1.5] }), '{\n    "a": [True, False, None, 1.5],\n}');
  const py = pythonSnippet("http://127.0.0.1:8000/api/v1/runs", { steps: 3 });
  assert.match(py, /^import httpx/);
  assert.match(py, /httpx\.post\("http:\/\/127\.0\.0\.1:8000\/api\/v1\/runs", json=body/);
});

test("chartSeries: log mode gives decades, linear mode clamps what uPlot cannot label", () => {
  const t = sample();
  t.runs[0].loss[0] = 1e-8;
  t.runs[0].loss[1] = 1.7e308;
  assert.deepEqual(chartSeries(t, 1, "loss", true)[1], [-8, Math.log10(1.7e308)]);
  assert.deepEqual(chartSeries(t, 1, "loss", false)[1], [1e-8, 1e15]);
});
