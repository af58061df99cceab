// Lesson mode's pure pieces: a card's text with math and number slots, its configuration as
// the page's state, the lesson URLs, and progress kept in storage.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cardState, lessonQuery, playgroundURL } from "../../static/js/lessons/config.js";
import { Progress } from "../../static/js/lessons/progress.js";
import { fillSlots, parseRich, plainText } from "../../static/js/lessons/rich.js";

const NUMBERS = { g0: { value: -4, text: "−4", tex: "-4" }, big: { value: -5.6e7, text: "−5.6e7", tex: "-5.6 \\times 10^{7}" } };

test("rich text: paragraphs, bold, code, inline and display math, slots as text or TeX", () => {
  const paras = parseRich("The **gradient** is {=g0}.\n\nIn math \\(g = {=big}\\) and `loss.backward()`:\n\\[w_{t+1} = w_t - \\eta g\\]", NUMBERS);
  assert.equal(paras.length, 2);
  assert.deepEqual(paras[0].map((p) => p.kind), ["text", "bold", "text", "text", "text"]);
  const slot = paras[0].find((p) => p.slot === "g0");
  assert.equal(slot.text, "−4");
  assert.equal(slot.value, -4);
  const math = paras[1].filter((p) => p.kind === "math");
  assert.equal(math[0].tex, "g = -5.6 \\times 10^{7}");
  assert.equal(math[0].display, false);
  assert.equal(math[1].display, true);
  assert.ok(paras[1].some((p) => p.kind === "code" && p.text === "loss.backward()"));
  assert.equal(fillSlots("{=g0} and {=nope}", NUMBERS), "−4 and {=nope}");
  assert.equal(plainText("**a** {=g0}", NUMBERS), "a −4");
});

test("a card's configuration becomes the page's state", () => {
  const card = {
    config: { objective: { id: "house-price", loss: "absolute" }, runs: [{ optimizer: { name: "sgd", lr: 0.001, momentum: 0.9 }, start: [280] }], steps: 25, stop: { loss_below: 1 } },
    view: null,
  };
  const s = cardState(card);
  assert.equal(s.objective, "house-price");
  assert.deepEqual(s.options, { loss: "absolute" });
  assert.deepEqual(s.runs, [{ optimizer: "sgd", hp: { lr: 0.001, momentum: 0.9 } }]);
  assert.deepEqual(s.start, [280]);
  assert.deepEqual(s.stop, { loss_below: 1, grad_norm_below: null });
  const custom = cardState({ config: { objective: { expression: "(x - 42)^2" }, runs: [{ optimizer: { name: "signsgd", lr: 10 } }], steps: 12 }, view: [[0, 60]] });
  assert.equal(custom.objective, "custom");
  assert.equal(custom.expression, "(x - 42)^2");
  assert.deepEqual(custom.view, [[0, 60]]);
  assert.equal(custom.start, null);
  const url = playgroundURL({ ...s, speed: 1, logScale: true, seed: 0, view: null });
  assert.ok(url.startsWith("./?objective=house-price&o.loss=absolute&start=280&steps=25&run=sgd:lr=0.001,momentum=0.9"), url);
});

test("lesson URLs: the list, a card, or the free playground", () => {
  assert.deepEqual(lessonQuery("?learn"), { list: true });
  assert.deepEqual(lessonQuery("?lesson=house-price&card=3"), { lesson: "house-price", card: 3 });
  assert.deepEqual(lessonQuery("?lesson=house-price"), { lesson: "house-price", card: 1 });
  assert.deepEqual(lessonQuery("?lesson=<script>"), { list: true });
  assert.equal(lessonQuery("?objective=rosenbrock"), null);
});

test("progress is kept in storage and survives bad data", () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  const p = new Progress(storage);
  p.mark("house-price", "seen", 1);
  p.mark("house-price", "seen", 2);
  p.mark("house-price", "passed", 5);
  p.mark("house-price", "seen", 2);
  const again = new Progress(storage);
  assert.ok(again.has("house-price", "passed", 5));
  assert.equal(again.of("house-price").last, 2);
  assert.equal(again.summary("house-price", 5, 1), "2/5 cards · 1/1 challenge passed");
  store.set("gdp.lessons.v1", "{not json");
  assert.equal(new Progress(storage).summary("house-price", 5, 0), "0/5 cards");
  assert.equal(new Progress(null).summary("x", 3, 0), "0/3 cards");
});
