// inputs.js — the plain inputs of the page: steps, the stop rules, the charts' log scale and the
// Tune button. Each valid value re-runs at once; an invalid one is marked and named, and the
// last valid configuration stays on screen.
const $ = (id) => document.getElementById(id);

// Each run's best rate for the current budget, from one batched sweep on the server. Returns
// the server's rule in words, or null when it could not tune (the rates stay as they were).
async function tuneRates(page) {
  page.fillRates();
  try {
    const answer = await page.api.tune(page.raceRequest());
    answer.runs.forEach((r, i) => {
      if (page.state.runs[i] && r.lr > 0) page.state.runs[i].hp.lr = r.lr;
    });
    page.runsEditor.setRuns(page.state.runs);
    return answer.criterion ?? "each run's best rate for this budget";
  } catch (e) {
    page.status.notify(`Could not tune: ${e.message}`, "error");
    return null;
  }
}

export function bindInputs(page) {
  const s = page.state;
  const steps = $("steps");
  steps.value = String(s.steps);
  steps.addEventListener("input", () => {
    const max = page.catalog.maxSteps(s.runs.length);
    steps.max = String(max);
    const v = Number(steps.value);
    const ok = steps.value.trim() !== "" && Number.isInteger(v) && v >= 1 && v <= max;
    steps.toggleAttribute("aria-invalid", !ok);
    if (!ok) return page.status.notify(`Steps must be a whole number from 1 to ${max} for ${s.runs.length} run(s).`, "error");
    page.changed(() => (s.steps = v));
  });
  steps.max = String(page.catalog.maxSteps(s.runs.length));

  for (const [id, key] of [["stop-loss", "loss_below"], ["stop-grad", "grad_norm_below"]]) {
    const input = $(id);
    input.value = s.stop[key] ?? "";
    input.addEventListener("input", () => {
      const v = input.value.trim() === "" ? null : Number(input.value);
      const bad = v !== null && !(v > 0 && Number.isFinite(v));
      input.toggleAttribute("aria-invalid", bad);
      if (bad) return page.status.notify("Stopping thresholds must be positive numbers (or empty for none).", "error");
      page.changed(() => (s.stop[key] = v));
    });
  }

  const log = $("log-scale");
  log.checked = s.logScale;
  log.addEventListener("change", () => {
    s.logScale = log.checked;
    page.frames.setRuns(page.frames.labels, s.runs); // rebuilds the charts with the new scale
    page.urlDirty = true;
  });

  const tune = $("tune");
  tune.addEventListener("click", async () => {
    tune.disabled = true;
    tune.setAttribute("aria-busy", "true");
    const rule = await tuneRates(page);
    tune.disabled = false;
    tune.removeAttribute("aria-busy");
    if (!rule) return;
    page.rerun();
    page.status.notify(`Tuned each run's learning rate: ${rule}`, "ok");
  });
}
