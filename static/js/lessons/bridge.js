// lessons/bridge.js — what lesson mode does to the live page: load a card's configuration into
// it (objective, options, start, view, runs, steps, stop rules), then re-run as the card wants.
const $ = (id) => document.getElementById(id);

// Put `config` (lessons/config.js cardState) into the page and re-run with `intent`, unless
// `current()` says another card was asked for meanwhile.
export async function loadConfig(page, config, intent, current = () => true) {
  const meta = await page.catalog.describe(config);
  if (!current()) return;
  const state = page.state;
  Object.assign(state, structuredClone(config));
  page.meta = meta;
  for (const o of page.meta.options ?? []) state.options[o.name] ??= o.default;
  page.fillRates();
  page.player.setTraces(null); // the last card's paths do not belong to this one
  page.surface.setTraces(null);
  page.curve.setTraces(null);
  page.applyObjective();
  showInputs(state);
  page.rerun(intent);
}

// The plain inputs follow the state (inputs.js reads them only when the learner types).
function showInputs(state) {
  $("steps").value = String(state.steps);
  $("stop-loss").value = state.stop.loss_below ?? "";
  $("stop-grad").value = state.stop.grad_norm_below ?? "";
  for (const id of ["steps", "stop-loss", "stop-grad"]) $(id).removeAttribute("aria-invalid");
}
