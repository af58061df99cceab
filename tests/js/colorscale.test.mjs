// Contour levels and colours (static/js/colorscale.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { bandIndex, finiteExtent, logLevels, makeColorScale, viridis } from "../../static/js/colorscale.js";

test("finiteExtent skips null, NaN and infinities, in flat and nested arrays", () => {
  assert.deepEqual(finiteExtent([3, null, -1, NaN, Infinity, 7]), [-1, 7]);
  assert.deepEqual(finiteExtent([[1, null], [5, -Infinity], [2]]), [1, 5]);
  assert.equal(finiteExtent([null, NaN]), null);
  assert.equal(finiteExtent([]), null);
});

test("logLevels are increasing, end at max, and log-spaced above the minimum", () => {
  const lv = logLevels(0, 2500, 9, 1e-4);
  assert.equal(lv.length, 9);
  for (let i = 1; i < lv.length; i++) assert.ok(lv[i] > lv[i - 1]);
  assert.ok(Math.abs(lv.at(-1) - 2500) < 1e-9);
  assert.ok(Math.abs(lv[0] - 0.25) < 1e-9); // 1e-4 of the range
  // equal ratios between consecutive levels (geometric spacing)
  const r = lv[1] / lv[0];
  for (let i = 2; i < lv.length; i++) assert.ok(Math.abs(lv[i] / lv[i - 1] - r) < 1e-9);
  assert.ok(Math.abs(r - 10 ** 0.5) < 1e-9);
});

test("logLevels work for negative minima (relative to the minimum)", () => {
  const lv = logLevels(-10, 10, 5, 1e-2);
  assert.ok(lv[0] > -10 && lv[0] < -9.7);
  assert.ok(Math.abs(lv.at(-1) - 10) < 1e-12);
  for (let i = 1; i < lv.length; i++) assert.ok(lv[i] > lv[i - 1]);
});

test("logLevels on a flat or invalid extent", () => {
  assert.deepEqual(logLevels(3, 3), [3]);
  assert.deepEqual(logLevels(NaN, 3), []);
  assert.deepEqual(logLevels(0, 1, 1), [1]);
});

test("bandIndex bins values between levels", () => {
  const lv = [1, 10, 100];
  assert.equal(bandIndex(lv, 0.5), 0);
  assert.equal(bandIndex(lv, 1), 1);
  assert.equal(bandIndex(lv, 50), 2);
  assert.equal(bandIndex(lv, 100), 3);
  assert.equal(bandIndex(lv, 1e9), 3);
});

test("makeColorScale gives one colour per band, dark at low loss, null for missing", () => {
  const color = makeColorScale([1, 10, 100], viridis);
  assert.equal(color.bands.length, 4);
  assert.equal(color(0), "rgb(68, 1, 84)");
  assert.equal(color(1000), "rgb(253, 231, 37)");
  assert.equal(color(5), color.bands[1]);
  assert.equal(color(null), null);
  assert.equal(color(NaN), null);
  const custom = makeColorScale([0], (t) => `t=${t}`);
  assert.deepEqual(custom.bands, ["t=0", "t=1"]);
});

test("viridis clamps its input", () => {
  assert.equal(viridis(-1), viridis(0));
  assert.equal(viridis(2), viridis(1));
  assert.equal(viridis(NaN), viridis(0));
});
