// net/options.js — the network's settings the page offers, with their ranges (those of the API's
// mlp spec), and the check of values read from a URL: a bad one is dropped (its default
// applies) and named, rather than sent on to fail every request. Pure: unit-tested in node.
import { MAX_LAYERS, MAX_UNITS, networkDefaults } from "./spec.js";

export const DATASETS = [
  ["xor", "XOR (4 quadrants)"],
  ["circles", "Circles (one inside the other)"],
  ["moons", "Two moons"],
  ["spiral", "Spiral (two arms)"],
  ["clusters", "Gaussian clusters"],
  ["u-curve", "U-curve (1-D regression)"],
  ["house-prices", "House prices (1-D regression)"],
  ["black-box", "Table 2-1: the black box"],
  ["csv", "Your own CSV…"],
];
export const GENERATED = ["xor", "circles", "moons", "spiral", "clusters", "u-curve", "house-prices"];
export const ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear"];
export const OUTPUTS = [
  ["auto", "Auto (MSE for numbers, BCE for 2 classes, CE for more)"],
  ["mse", "MSE (mean squared error)"],
  ["bce", "BCE (binary cross-entropy)"],
  ["ce", "CE (cross-entropy)"],
];
export const INITS = ["xavier", "he", "torch", "zeros"];
export const SLICES = [
  ["pca", "PCA of the path"],
  ["random", "Random directions"],
];

// Numbers: [low, high, whole]. n, noise and data_seed are optional (the dataset's defaults).
export const NUMBERS = {
  n: [10, 5000, true],
  noise: [0, 1, false],
  data_seed: [0, 2 ** 32 - 1, true],
  test_fraction: [0, 0.5, false],
  weight_decay: [0, 1, false],
  seed: [0, 2 ** 32 - 1, true],
  show: [0, 7, true],
};
const CHOICES = {
  dataset: DATASETS.map(([v]) => v),
  activation: ACTIVATIONS,
  output: OUTPUTS.map(([v]) => v),
  init: INITS,
  slice: SLICES.map(([v]) => v),
};

// Why `value` cannot be the setting `name` ("" when it can).
export function problemOf(name, value) {
  if (CHOICES[name]) return CHOICES[name].includes(value) ? "" : `is not one of ${CHOICES[name].join(", ")}`;
  if (name === "hidden") return hiddenProblem(value);
  const range = NUMBERS[name];
  if (!range) return "is not a setting of a network";
  const [low, high, whole] = range;
  if (typeof value !== "number" || !Number.isFinite(value)) return "is not a number";
  if (whole && !Number.isInteger(value)) return "is not a whole number";
  return value < low || value > high ? `is outside ${low}…${high}` : "";
}

function hiddenProblem(value) {
  const list = value === "" ? [] : Array.isArray(value) ? value : [value];
  if (list.length > MAX_LAYERS) return `has more than ${MAX_LAYERS} layers`;
  return list.every((u) => Number.isInteger(u) && u >= 1 && u <= MAX_UNITS) ? "" : `needs whole numbers of units from 1 to ${MAX_UNITS}`;
}

// The URL's options checked: {options (defaults filled in), problems}.
export function checkNetworkOptions(given = {}) {
  const options = networkDefaults();
  const problems = [];
  for (const [name, value] of Object.entries(given)) {
    const why = problemOf(name, value);
    if (why) problems.push(`${name}=${Array.isArray(value) ? value.join("/") : value} ${why}`);
    else options[name] = name === "hidden" ? hiddenList(value) : value;
  }
  return { options, problems };
}

const hiddenList = (value) => (value === "" ? [] : Array.isArray(value) ? value : [value]);

// "8, 8" or "8 8" or "8-8" as typed → [8, 8], or the reason it is not a list of layer sizes.
export function parseLayers(text) {
  const parts = String(text).trim().split(/[\s,;/x×-]+/).filter(Boolean);
  const list = parts.map(Number);
  const why = hiddenProblem(list);
  return why ? { error: `Hidden layers ${why}: type up to ${MAX_LAYERS} numbers such as 8, 8.` } : { layers: list };
}
