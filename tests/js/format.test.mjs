// Number formatting (static/js/format.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { decadeLabel, decadeSplits, formatNumber, formatVector, niceTicks, norm } from "../../static/js/format.js";

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

test("decadeSplits: whole decades when wide, 1-2-5 steps when narrow", () => {
  assert.deepEqual(decadeSplits(-8, 2), [-8, -6, -4, -2, 0, 2]);
  assert.deepEqual(decadeSplits(-3.2, 120.4).length <= 7, true);
  const narrow = decadeSplits(Math.log10(3), Math.log10(60)).map((v) => Number((10 ** v).toPrecision(3)));
  assert.deepEqual(narrow, [5, 10, 20, 50]);
  assert.deepEqual(decadeSplits(NaN, 1), []);
});

test("decadeLabel writes values the usual way", () => {
  assert.equal(decadeLabel(0), "1");
  assert.equal(decadeLabel(Math.log10(0.02)), "0.02");
  assert.equal(decadeLabel(3), "1000");
  assert.equal(decadeLabel(6), "1e6");
  assert.equal(decadeLabel(-8), "1e-8");
});
