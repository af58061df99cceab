// net/spec.js — a network objective's settings as the page keeps them (flat options in the URL,
// o.dataset=xor&o.hidden=8/8…), the nested `mlp` spec of the API built from them, and the POST
// /runs body of a network's race. Pure (no DOM), so a shared URL rebuilds exactly the same
// network: unit-tested in node.
import { NETWORK_ID } from "../catalog.js";
import { recordFor, runsRequest } from "../state.js";

export const MAX_LAYERS = 4;
export const MAX_UNITS = 32;
export const TEXT_DATASETS = ["black-box"]; // the texts' table: no size, noise or data seed
export const REGRESSIONS = ["u-curve", "house-prices", "black-box"];

// The page-side settings that are not part of the objective spec (they never re-run anything).
export const VIEW_OPTIONS = ["slice", "show"];

export function networkDefaults() {
  return { dataset: "xor", hidden: [8, 8], activation: "tanh", output: "auto", weight_decay: 0, init: "xavier", seed: 0, slice: "pca" };
}

// Hidden layer sizes from the URL's value: "8/8" decodes to [8, 8], "8" to 8, "" to none.
export function hiddenLayers(value) {
  if (value === undefined || value === null) return [8, 8];
  const list = Array.isArray(value) ? value : typeof value === "number" ? [value] : [];
  return list.filter((u) => Number.isInteger(u) && u >= 1 && u <= MAX_UNITS).slice(0, MAX_LAYERS);
}

// The API's objective spec of a network: {"id": "mlp", "dataset": {...}, "hidden": [...], ...}.
export function networkSpec(options = {}, csv = "") {
  const o = { ...networkDefaults(), ...options };
  let dataset;
  if (o.dataset === "csv") dataset = { csv };
  else {
    dataset = { name: String(o.dataset) };
    if (!TEXT_DATASETS.includes(dataset.name)) {
      if (o.n != null) dataset.n = o.n;
      if (o.noise != null) dataset.noise = o.noise;
    }
  }
  if (o.data_seed != null) dataset.seed = o.data_seed;
  if (o.test_fraction != null) dataset.test_fraction = o.test_fraction;
  const spec = { id: NETWORK_ID, dataset, hidden: hiddenLayers(o.hidden), activation: o.activation, output: o.output };
  if (o.weight_decay) spec.weight_decay = o.weight_decay;
  if (o.init !== "xavier") spec.init = o.init;
  if (o.seed) spec.seed = o.seed;
  return spec;
}

// The network of a page's options (the view's own settings left out) as the API's spec.
export function ownSpec(options = {}, csv = "") {
  return networkSpec(Object.fromEntries(Object.entries(options).filter(([k]) => !VIEW_OPTIONS.includes(k))), csv);
}

// The query of GET /objectives/mlp naming a spec: the nested spec flattened (dataset=moons&
// dataset.n=300&hidden=16,8&activation=relu), or null for a pasted table, which no query holds.
export function networkQuery(spec) {
  const { dataset, hidden, ...rest } = spec;
  if (dataset.csv !== undefined) return null;
  const query = { dataset: dataset.name };
  for (const [name, value] of Object.entries(dataset)) if (name !== "name") query[`dataset.${name}`] = String(value);
  query.hidden = hidden.join(",");
  for (const [name, value] of Object.entries(rest)) if (name !== "id") query[name] = String(value);
  return query;
}

// Input features and outputs of a spec, as far as the page can tell without the data (a CSV's
// header gives its columns; classes are counted by the server): for sizing the recording only.
export function roughDim(spec, csvColumns = 3) {
  const name = spec.dataset?.name;
  const inputs = spec.dataset?.csv !== undefined ? Math.max(1, csvColumns - 1) : REGRESSIONS.includes(name) ? 1 : 2;
  const outputs = name === "clusters" ? 6 : 1;
  const sizes = [inputs, ...spec.hidden, outputs];
  let dim = 0;
  for (let i = 1; i < sizes.length; i++) dim += (sizes[i - 1] + 1) * sizes[i];
  return dim;
}

// Record every run's weights every k-th step so a race sends at most ~`budget` numbers of them
// (losses and accuracies still come every step).
export function paramsEvery(steps, runs, dim, budget = 400000) {
  return Math.max(1, Math.ceil((steps * runs * dim) / budget));
}

// The POST /runs body of a network's race: its spec, no start (the runs start from the
// network's initial weights), losses and accuracies every step and the weights every k-th.
export function networkRequest(state, optimizersByName = {}, csv = "") {
  const body = runsRequest(state, [], optimizersByName);
  body.objective = ownSpec(state.options, csv);
  for (const run of body.runs) delete run.start;
  const columns = csv.split("\n", 1)[0].split(/[,\t]/).length;
  const every = paramsEvery(state.steps, state.runs.length, roughDim(body.objective, columns));
  body.record = { every: recordFor(state.steps).every ?? 1, params_every: every };
  return body;
}
