// Objective options (static/js/options.js): labels and the check of a typed value.
import assert from "node:assert/strict";
import { test } from "node:test";
import { choiceLabel, optionLabel, optionProblem } from "../../static/js/options.js";

test("loss choices and option names read as words", () => {
  assert.equal(choiceLabel("mse"), "MSE (mean squared error)");
  assert.equal(choiceLabel("huber"), "Huber");
  assert.equal(choiceLabel("something-new"), "something-new");
  assert.equal(optionLabel("batch_size"), "Batch size");
  assert.equal(optionLabel("noise_level"), "noise level");
});

test("a typed option value is checked against its kind and range", () => {
  const batch = { name: "batch_size", kind: "int", low: 0, high: 24 };
  assert.equal(optionProblem(batch, "4"), "");
  assert.equal(optionProblem(batch, "0"), "");
  assert.match(optionProblem(batch, ""), /number between 0 and 24/);
  assert.match(optionProblem(batch, "2.5"), /whole number/);
  assert.match(optionProblem(batch, "25"), /between 0 and 24/);
  assert.match(optionProblem(batch, "abc"), /number/);
  const delta = { name: "delta", kind: "float", low: 0.05, high: 10 };
  assert.equal(optionProblem(delta, "0.5"), "");
  assert.notEqual(optionProblem(delta, "0.01"), "");
  const loss = { name: "loss", kind: "choice", choices: ["mse", "mae"] };
  assert.equal(optionProblem(loss, "mae"), "");
  assert.notEqual(optionProblem(loss, "bce"), "");
});
