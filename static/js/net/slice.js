// net/slice.js — the landscape of a network: the loss over a plane of weight space (POST
// /surface with a slice) through the shown run's last weights, along the first two principal
// components of its path or two random filter-normalised directions; every run's path is
// projected onto the plane and drawn by the page's own surface view. The newest request wins.
import { surfaceRequests } from "../latest.js";
import { thinPath } from "./traces.js";

const RESOLUTION = 41;

export class SliceJob {
  // onSlice({data, bounds, answer}) when an answer for the newest request arrives.
  constructor(api, { onSlice, onError }) {
    this.serial = 0;
    this.onError = onError;
    this.queue = surfaceRequests(api, {
      current: (job) => job.id === this.serial,
      onAnswer: (data, answer) => onSlice({ data, bounds: [[answer.x[0], answer.x.at(-1)], [answer.y[0], answer.y.at(-1)]], answer }),
      onError: (e) => onError(`Could not compute the landscape slice: ${e.message ?? e}`),
    });
  }

  // The slice for the traces on screen: the shown run's recorded weights are its path.
  request(spec, run, method, span = null) {
    const rows = run.weights.map((w) => w.row).filter((row) => row.every(Number.isFinite));
    if (rows.length < 3) return this.onError("The shown run has too few finite weights for a slice: run more steps.");
    const slice = { method, path: thinPath(rows), seed: 0 };
    if (span > 0) slice.span = span;
    this.queue.request({ id: ++this.serial, body: { objective: spec, slice, resolution: RESOLUTION, format: "f32" } });
  }
}

// The axis names of a slice: what α and β measure.
export function sliceNames(answer) {
  if (answer?.method !== "pca") return ["α (random direction 1)", "β (random direction 2)"];
  const [a, b] = (answer.explained ?? []).map((v) => `${Math.round(100 * v)}%`);
  return [`α (1st principal component, ${a} of the path)`, `β (2nd, ${b})`];
}
