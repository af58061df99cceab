// objective.js — the objective panel: the picker, a custom formula (checked by the server as you
// type), the objective's options and seed, its formula, description and minima, and the start
// point's fields. It reports changes; main.js decides what they re-run.
import { GROUPS } from "./catalog.js";
import { el } from "./dom.js";
import { formatNumber } from "./format.js";
import { buildObjectiveOptions } from "./options.js";

const $ = (id) => document.getElementById(id);

export class ObjectivePanel {
  // handlers: onPick(id), onExpression(text), onOption(name, value), onSeed(seed), onStart(point)
  constructor(handlers) {
    this.h = handlers;
    $("objective").addEventListener("change", () => {
      $("expression-row").hidden = $("objective").value !== "custom"; // at once: the formula box
      this.h.onPick($("objective").value);
    });
    $("expression").addEventListener("input", () => this.h.onExpression($("expression").value.trim()));
  }

  buildPicker(objectives) {
    const sel = $("objective");
    sel.replaceChildren();
    const known = new Set(GROUPS.map(([g]) => g));
    const groups = [...GROUPS, ["other", "Other"]];
    for (const [group, label] of groups) {
      const items = objectives.filter((o) => (group === "other" ? !known.has(o.group) : o.group === group));
      if (!items.length) continue;
      sel.append(el("optgroup", { label }, items.map((o) => el("option", { value: o.id }, o.title || o.id))));
    }
    sel.append(el("optgroup", { label: "Custom" }, el("option", { value: "custom" }, "Custom expression…")));
  }

  // Everything about the objective `meta` as configured in `state`.
  show(meta, state, start) {
    $("objective").value = state.objective;
    $("expression-row").hidden = state.objective !== "custom";
    if (state.objective === "custom" && $("expression").value.trim() !== state.expression) $("expression").value = state.expression;
    this.describe(meta);
    buildObjectiveOptions($("objective-options"), meta, state.options, {
      seed: state.seed,
      onOption: this.h.onOption,
      onSeed: this.h.onSeed,
    });
    this.showStart(meta.param_names ?? ["x", "y"], start);
  }

  // Formula, description and minima: they change with a loss option, so they are redrawn alone.
  describe(meta) {
    $("objective-formula").textContent = meta.formula ?? "";
    $("objective-description").textContent = meta.description ?? "";
    const minima = (meta.minima ?? []).map((m) => `${m.kind ?? "minimum"} at (${m.point.map((v) => formatNumber(v)).join(", ")}), f = ${formatNumber(m.value)}`);
    $("objective-minima").textContent = minima.length ? `Minima (★): ${minima.join("; ")}` : "";
  }

  showStart(names, start) {
    const box = $("start-fields");
    const inputs = box.querySelectorAll("input");
    // While a field has focus the learner is typing in it: leave its text alone.
    if (inputs.length === names.length) {
      inputs.forEach((inp, i) => {
        if (document.activeElement !== inp) inp.value = String(start[i]);
      });
      return;
    }
    box.replaceChildren();
    names.forEach((name, i) => {
      const id = `start-${i}`;
      const inp = el("input", { id, type: "number", step: "any", inputmode: "decimal", "data-testid": id });
      inp.value = String(start[i]);
      inp.addEventListener("input", () => {
        const v = Number(inp.value);
        const ok = inp.value.trim() !== "" && Number.isFinite(v);
        inp.toggleAttribute("aria-invalid", !ok);
        if (!ok) return;
        const point = Array.from(box.querySelectorAll("input"), (x) => Number(x.value));
        if (point.every(Number.isFinite)) this.h.onStart(point);
      });
      box.append(el("div", { class: "field" }, [el("label", { for: id }, name), inp]));
    });
  }

  setExpressionError(msg) {
    $("expression-error").textContent = msg;
    $("expression").toggleAttribute("aria-invalid", Boolean(msg));
  }
}
