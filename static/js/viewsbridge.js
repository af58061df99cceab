// viewsbridge.js — what the extra views (static/js/views/) may see of the page: the API, the
// configuration, the objective, the traces at the playhead, the surface to draw on, and one way
// to act (run an optimizer at a learning rate). They get frames from the page's player.
import { objectiveSpec } from "./state.js";

export function viewContext(page) {
  return {
    api: page.api,
    say: (text, kind) => page.status.notify(text, kind),
    state: () => page.state,
    meta: () => page.meta,
    objectives: () => page.catalog.objectives,
    optimizers: () => page.catalog.optimizers,
    objectiveSpec: () => objectiveSpec(page.state),
    start: () => page.startPoint(),
    traces: () => page.player.traces,
    request: () => page.request ?? null, // the POST /runs body of the traces on screen
    cursor: () => page.player.k,
    surface: () => (page.meta?.dim === 2 ? page.surface : null),
    colors: page.colors,
    // Run `optimizer` at `lr` on the surface: the first run with that optimizer (else run 1) takes it.
    runWith(optimizer, lr) {
      const runs = page.state.runs;
      let run = runs.find((r) => r.optimizer === optimizer);
      if (!run) {
        run = runs[0];
        run.optimizer = optimizer;
        run.hp = {};
      }
      run.hp.lr = lr;
      page.runsEditor.setRuns(runs);
      page.rerun({ from: "start", play: true });
    },
  };
}
