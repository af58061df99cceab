// splice.js — a change to one run's settings (a moved learning-rate slider) needs only that run
// recomputed: every run of a race is its own computation, so the others' traces stay as they
// are. These pure helpers find such a change and put the new run into the race on screen.
import { TraceSet } from "./trace.js";

// The index of the only run that differs between two POST /runs bodies, or -1 when anything
// else differs (the objective, steps, stop rules, seed, the number of runs, or several runs).
export function changedRun(before, after) {
  if (!before || before.runs.length !== after.runs.length) return -1;
  const rest = (body, skip) => JSON.stringify({ ...body, runs: body.runs.filter((_, j) => j !== skip) });
  const changed = after.runs.flatMap((run, i) => (JSON.stringify(run) === JSON.stringify(before.runs[i]) ? [] : [i]));
  return changed.length === 1 && rest(before, changed[0]) === rest(after, changed[0]) ? changed[0] : -1;
}

// The race `body` asked for one run only: its run `index` alone.
export function oneRun(body, index) {
  return { ...body, runs: [body.runs[index]] };
}

// `base` with run `index` replaced by the single run of `part`; the recorded steps follow the
// longest run, as a whole answer's do.
export function spliceTraces(base, index, part, metas) {
  const out = new TraceSet(base.dim, metas);
  out.runs = base.runs.map((run, i) => (i === index ? part.runs[0] : run));
  out.runs[index].meta = metas[index];
  const stepsOf = (run, set) => set.steps.slice(0, run.n);
  out.steps = out.runs
    .map((run, i) => stepsOf(run, i === index ? part : base))
    .reduce((a, b) => (b.length > a.length ? b : a), []);
  out.done = true;
  return out;
}
