// A network's suggested rates on the page (net/rates.js): asked from GET /objectives/mlp once
// per network, by a query that names the network as the POST routes' spec does (net/spec.js);
// held runs take them when they come, new runs read them from the meta, and a network left
// behind has its question withdrawn.
import assert from "node:assert/strict";
import { test } from "node:test";
import { networkQuery, networkSpec } from "../../static/js/net/spec.js";
import { NetRates } from "../../static/js/net/rates.js";
import { decodeState } from "../../static/js/state.js";

test("a network's query flattens its spec; a pasted table has none", () => {
  const spec = networkSpec({ dataset: "moons", n: 300, noise: 0.2, data_seed: 4, test_fraction: 0.1, hidden: [16, 8], activation: "relu", weight_decay: 0.001, init: "he", seed: 7 });
  assert.deepEqual(networkQuery(spec), {
    dataset: "moons",
    "dataset.n": "300",
    "dataset.noise": "0.2",
    "dataset.seed": "4",
    "dataset.test_fraction": "0.1",
    hidden: "16,8",
    activation: "relu",
    output: "auto",
    weight_decay: "0.001",
    init: "he",
    seed: "7",
  });
  assert.deepEqual(networkQuery(networkSpec({ hidden: [] })), { dataset: "xor", hidden: "", activation: "tanh", output: "auto" });
  assert.equal(networkQuery(networkSpec({ dataset: "csv" }, "a,b,y\n1,2,x")), null);
});

// A page with a network on screen, whose server answers when told to.
function fakePage(search) {
  const asked = [];
  const page = {
    state: decodeState(search),
    meta: { id: "mlp", suggested_lr: null },
    reducedMotion: false,
    reruns: [],
    rerun: (o) => page.reruns.push(o),
    runsEditor: { setRuns: (runs) => (page.shownRuns = runs.map((r) => r.hp.lr)) },
    api: {
      objective(id, query, { signal }) {
        return new Promise((resolve, reject) => {
          signal.addEventListener("abort", () => reject(new Error("aborted")));
          asked.push({ id, query, signal, answer: (lrs) => resolve({ suggested_lr: lrs }) });
        });
      },
    },
  };
  return { page, asked };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test("held runs take the server's rates when they come; a rate given meanwhile stays", async () => {
  const { page, asked } = fakePage("objective=mlp&o.hidden=4&run=sgd:lr=0.002&run=adam:lr=0.5&run=rmsprop:lr=0.001");
  const rates = new NetRates(page);
  rates.ask();
  rates.hold([true, false, true]); // the third is moved by the learner before the rates come
  page.state.runs[2].hp.lr = 0.004;
  assert.equal(asked.length, 1);
  assert.deepEqual(asked[0].query, { dataset: "xor", hidden: "4", activation: "tanh", output: "auto" });
  assert.equal(rates.current(), null);
  asked[0].answer({ sgd: 0.32, adam: 0.032, rmsprop: 0.018 });
  await settle();
  assert.deepEqual(page.state.runs.map((r) => r.hp.lr), [0.32, 0.5, 0.004]);
  assert.deepEqual(page.shownRuns, [0.32, 0.5, 0.004]);
  assert.deepEqual(page.meta.suggested_lr, { sgd: 0.32, adam: 0.032, rmsprop: 0.018 });
  assert.deepEqual(page.reruns, [{ from: "start", play: true }]);
  // Asked again for the same network: from the cache, at once.
  rates.ask();
  rates.hold([false, true, false]);
  assert.equal(asked.length, 1);
  assert.equal(page.state.runs[1].hp.lr, 0.032);
});

test("another network withdraws the last question; its own rates are the ones used", async () => {
  const { page, asked } = fakePage("objective=mlp&run=sgd:lr=0.002");
  const rates = new NetRates(page);
  rates.ask();
  rates.hold([true]);
  page.state.options.hidden = [6, 6];
  rates.ask();
  assert.equal(asked.length, 2);
  assert.ok(asked[0].signal.aborted && !asked[1].signal.aborted);
  assert.equal(asked[1].query.hidden, "6,6");
  asked[1].answer({ sgd: 1.8 });
  await settle();
  assert.equal(page.state.runs[0].hp.lr, 1.8);
  assert.equal(rates.current().sgd, 1.8);
  // The first network's answer, asked again later, comes from the server anew (not remembered
  // while aborted).
  page.state.options.hidden = [8, 8];
  rates.ask();
  assert.equal(asked.length, 3);
  page.state.options.dataset = "csv"; // no query names a pasted table: nothing is asked
  rates.ask();
  assert.equal(asked.length, 3);
  assert.equal(rates.current().sgd, 1.8); // the last known stand in
});
