// options.js — the objective's own settings (the "options" of GET /objectives): the loss selector
// of a model-fitting objective, its batch size for stochastic gradients, any other number or
// choice, and the random seed that draws the mini-batches (same seed, same path).
import { el } from "./dom.js";

const LABELS = { loss: "Loss", batch_size: "Batch size", delta: "Huber δ" };
const CHOICES = {
  mse: "MSE (mean squared error)",
  mae: "MAE (mean absolute error)",
  huber: "Huber",
  squared: "Squared error",
  absolute: "Absolute error",
};
// Model-fitting objectives whose model fixes the loss: shown in the same place, not choosable.
const FIXED_LOSS = {
  "logistic-regression": "BCE (binary cross-entropy)",
  "softmax-classifier": "CE (cross-entropy)",
  "kl-divergence": "KL divergence",
};
const MAX_SEED = 2 ** 32 - 1;

export const optionLabel = (name) => LABELS[name] ?? name.replace(/_/g, " ");
export const choiceLabel = (value) => CHOICES[value] ?? String(value);

// Why a typed value is not acceptable for `opt` ("" when it is).
export function optionProblem(opt, text) {
  if (opt.kind === "choice") return (opt.choices ?? []).map(String).includes(text) ? "" : "Pick one of the listed values.";
  const v = Number(text);
  const range = `between ${opt.low ?? "−∞"} and ${opt.high ?? "∞"}`;
  if (text.trim() === "" || !Number.isFinite(v)) return `Type a number ${range}.`;
  if (opt.kind === "int" && !Number.isInteger(v)) return `Type a whole number ${range}.`;
  if ((opt.low != null && v < opt.low) || (opt.high != null && v > opt.high)) return `Must be ${range}.`;
  return "";
}

// Fill `box` for the objective `meta`. values: the current options by name; seed: the run seed.
// onOption(name, value) and onSeed(seed) are called with valid values only.
export function buildObjectiveOptions(box, meta, values, { seed = 0, onOption, onSeed }) {
  box.replaceChildren();
  const options = meta.options ?? [];
  const fixed = meta.group === "model-fitting" && !options.some((o) => o.name === "loss") ? FIXED_LOSS[meta.id] : null;
  if (fixed) {
    const sel = el("select", { id: "option-loss", "data-testid": "option-loss", disabled: "" }, [el("option", {}, fixed)]);
    box.append(field("option-loss", "Loss", sel, "The only loss that applies to this model."));
  }
  const rows = {};
  for (const opt of options) {
    const id = `option-${opt.name}`;
    const value = values[opt.name] ?? opt.default;
    let control;
    if (opt.kind === "choice") {
      control = el("select", { id, "data-testid": id });
      for (const c of opt.choices ?? []) control.append(el("option", { value: String(c) }, choiceLabel(c)));
      control.value = String(value);
    } else {
      control = el("input", { id, "data-testid": id, type: "number", step: opt.kind === "int" ? "1" : "any", inputmode: "decimal" });
      if (opt.low != null) control.min = String(opt.low);
      if (opt.high != null) control.max = String(opt.high);
      control.value = String(value);
    }
    const row = field(id, optionLabel(opt.name), control, opt.description);
    const error = row.querySelector(".error");
    control.addEventListener("change", () => {
      const why = optionProblem(opt, control.value);
      error.textContent = why;
      control.toggleAttribute("aria-invalid", Boolean(why));
      if (why) return;
      const v = opt.kind === "choice" ? control.value : Number(control.value);
      if (opt.name === "loss") showDelta(v);
      onOption(opt.name, v);
    });
    rows[opt.name] = row;
    box.append(row);
  }
  // δ only matters to the Huber loss.
  const showDelta = (loss) => {
    if (rows.delta && rows.loss) rows.delta.hidden = loss !== "huber";
  };
  showDelta(String(values.loss ?? options.find((o) => o.name === "loss")?.default));

  if (options.some((o) => o.name === "batch_size")) {
    const input = el("input", { id: "seed", "data-testid": "seed", type: "number", min: "0", max: String(MAX_SEED), step: "1", inputmode: "numeric" });
    input.value = String(seed);
    const row = field("seed", "Seed", input, "Draws the mini-batches when the batch size is above 0: the same seed gives the same path.");
    const error = row.querySelector(".error");
    input.addEventListener("change", () => {
      const v = Number(input.value);
      const ok = input.value.trim() !== "" && Number.isInteger(v) && v >= 0 && v <= MAX_SEED;
      error.textContent = ok ? "" : `Type a whole number between 0 and ${MAX_SEED}.`;
      input.toggleAttribute("aria-invalid", !ok);
      if (ok) onSeed(v);
    });
    box.append(row);
  }
}

function field(id, label, control, hint) {
  const errorId = `${id}-error`;
  const error = el("p", { id: errorId, class: "error", role: "alert" });
  control.setAttribute("aria-describedby", errorId);
  const row = el("div", { class: "field" }, [el("label", { for: id }, label), control, error]);
  if (hint) row.append(el("p", { class: "hint" }, hint));
  return row;
}
