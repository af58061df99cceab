// Number formatting (static/js/format.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatNumber, formatVector, niceTicks, norm } from "../../static/js/format.js";

test("formatNumber", () => {
  assert.equal(formatNumber(0), "0");
  assert.equal(formatNumber(1.5), "1.5");
  assert.equal(formatNumber(-0.012345), "-0.01235");
  assert.equal(formatNumber(0.00012346), "1.235e-4");
  assert.equal(formatNumber(123456789), "1.235e8");
  assert.equal(formatNumber(null), "NaN");
  assert.equal(formatNumber(NaN), "NaN");
  assert.equal(formatNumber(Infinity), "∞");
});

test("formatVector and norm handle missing components", () => {
  assert.equal(formatVector([1, null]), "(1, NaN)");
  assert.equal(formatVector(null), "—");
  assert.equal(norm([3, 4]), 5);
  assert.ok(Number.isNaN(norm([3, null])));
  assert.ok(Number.isNaN(norm(null)));
});

test("niceTicks", () => {
  assert.deepEqual(niceTicks(-2, 2, 4), [-2, -1, 0, 1, 2]);
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(1, 1), []);
});
