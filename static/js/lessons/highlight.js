// lessons/highlight.js — the page's controls a card points at, by the names lesson files use
// (app/lessons/schema.py CONTROLS; tests/lessons checks the two lists are the same), and the
// highlight that marks them.
const first = (sel) => () => [...document.querySelectorAll(sel)].slice(0, 1);
const all = (sel) => () => [...document.querySelectorAll(sel)];
const view = (id) => first(`#view-${id} > summary`);

export const CONTROLS = {
  objective: first("#objective"),
  "option-loss": first("#option-loss"),
  "option-batch_size": first("#option-batch_size"),
  start: first("fieldset.start"),
  steps: first("#steps"),
  "stop-loss": first("#stop-loss"),
  optimizer: all("#runs [data-testid=optimizer]"),
  lr: all("#runs .lr-pair"),
  "more-settings": all("#runs details.more > summary"),
  "add-run": first("#add-run"),
  tune: first("#tune"),
  play: first("[data-testid=play]"),
  step: first("[data-testid=step]"),
  scrub: first("#scrub"),
  surface: () => [...document.querySelectorAll("#surface .stack, #curve .stack")].filter((e) => !e.closest("[hidden]")),
  "data-panel": first("#data-panel"),
  "loss-chart": first("#loss-chart"),
  "run-table": first("#run-table"),
  "update-rule": first("[data-testid=lesson-rule]"),
  "view-backprop": view("backprop"),
  "view-curvature": view("curvature"),
  "view-sweep": view("sweep"),
  "view-basins": view("basins"),
  "view-state": view("state"),
  "view-stochastic": view("stochastic"),
  "view-surface3d": view("surface3d"),
};

const CLASS = "lesson-point";

// Mark the named controls (and only those); returns how many elements were marked.
export function highlight(names) {
  for (const e of document.querySelectorAll(`.${CLASS}`)) e.classList.remove(CLASS);
  let count = 0;
  for (const name of names ?? []) {
    for (const e of CONTROLS[name]?.() ?? []) {
      e.classList.add(CLASS);
      e.dataset.lessonPoint = name;
      count++;
    }
  }
  return count;
}
