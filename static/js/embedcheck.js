// embedcheck.js — a configuration from the host page (embedproto.js), checked against what this
// server offers before it replaces the one on screen: the objective and its options, each run's
// optimizer and settings (by the page's own rules, state.js), the caps, and the start and view
// against the objective's dimension. Pure: unit-tested in node.
import { checkOptions, checkRuns } from "./state.js";

// → null, or {field, reason} for the first problem, its field named as the host wrote it.
export function catalogProblem(state, catalog, names) {
  const listed = catalog.byId[state.objective];
  if (state.objective !== "custom" && !listed) {
    return { field: names.objective(), reason: "is not an objective of this server (GET /api/v1/objectives lists them)" };
  }
  for (const [name, value] of Object.entries(state.options)) {
    const [problem] = checkOptions({ [name]: value }, listed?.options ?? []).problems;
    if (problem) return { field: names.option(name), reason: problem };
  }
  const maxRuns = catalog.maxRuns();
  if (state.runs.length > maxRuns) return { field: names.runs(), reason: `must hold at most ${maxRuns} runs` };
  for (const [i, run] of state.runs.entries()) {
    if (!catalog.optByName[run.optimizer]) {
      return { field: names.optimizer(i), reason: `is not an optimizer of this server (${Object.keys(catalog.optByName).join(", ")})` };
    }
    for (const [name, value] of Object.entries(run.hp)) {
      const [problem] = checkRuns([{ optimizer: run.optimizer, hp: { [name]: value } }], catalog.optByName).problems;
      if (problem) return { field: names.hp(i, name), reason: problem };
    }
  }
  const maxSteps = catalog.maxSteps(state.runs.length);
  if (state.steps > maxSteps) return { field: names.steps(), reason: `must be at most ${maxSteps} for ${state.runs.length} run(s)` };
  return null;
}

// The start point and view against the objective as the server built it (its dimension).
export function fitProblem(state, meta, names) {
  if (state.start && state.start.length !== meta.dim) return { field: names.start(), reason: `needs ${meta.dim} number(s) for this objective` };
  if (state.view && state.view.length !== meta.dim) return { field: names.view(), reason: `needs ${meta.dim} range(s) for this objective` };
  return null;
}
