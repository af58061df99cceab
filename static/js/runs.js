// runs.js — the run list editor: up to 8 runs, each an optimizer with its hyper-parameters
// (defaults, ranges and help text from GET /api/v1/optimizers); the learning rate has a log
// slider AND a typed value because useful rates span 1e-5 … 10.
import { RUN_COLORS } from "./colorscale.js";
import { el } from "./dom.js";
import { MAX_RUNS, runLabel } from "./state.js";

const LR_RANGE = [1e-5, 10];

// 3 significant digits: what a slider position should read as (0.0501 not 0.050118723).
const round3 = (v) => Number(v.toPrecision(3));

let uid = 0;

export class RunsEditor {
  constructor(list, addButton, { onChange }) {
    this.list = list;
    this.addButton = addButton;
    this.onChange = onChange;
    this.optimizers = [];
    this.byName = {};
    this.runs = [];
    this.maxRuns = MAX_RUNS;
    this.suggest = null; // optimizer name → the learning rate the server suggests for it
    addButton.addEventListener("click", () => this.add());
  }

  setOptimizers(list) {
    this.optimizers = list;
    this.byName = Object.fromEntries(list.map((o) => [o.name, o]));
  }

  // Where a new or switched run gets its learning rate: the server's suggestion for the
  // objective on screen (catalog.suggestedLr), else the optimizer's own default.
  setLrSource(suggest) {
    this.suggest = suggest;
  }

  lrFor(name) {
    const own = this.byName[name]?.hyperparams.find((h) => h.name === "lr")?.default;
    return this.suggest?.(name) ?? own ?? 0.01;
  }

  setRuns(runs) {
    this.runs = runs.map((r) => ({ optimizer: r.optimizer, hp: { ...r.hp } }));
    this.render();
  }

  emit() {
    this.list.querySelectorAll(".run-setting").forEach((node, i) => {
      if (this.runs[i]) node.textContent = this.summary(this.runs[i], i);
    });
    this.onChange(this.runs.map((r) => ({ optimizer: r.optimizer, hp: { ...r.hp } })));
  }

  add() {
    if (this.runs.length >= this.maxRuns) return;
    // A new run copies the last one with another optimizer, the usual comparison.
    const last = this.runs.at(-1);
    const used = new Set(this.runs.map((r) => r.optimizer));
    const name = this.optimizers.find((o) => !used.has(o.name))?.name ?? last?.optimizer ?? "sgd";
    this.runs.push({ optimizer: name, hp: { lr: this.lrFor(name) } });
    this.render();
    this.list.querySelectorAll("[data-testid=optimizer]")[this.runs.length - 1]?.focus();
    this.emit();
  }

  remove(i) {
    if (this.runs.length <= 1) return;
    this.runs.splice(i, 1);
    this.render();
    this.emit();
  }

  render() {
    this.list.replaceChildren(...this.runs.map((run, i) => this.row(run, i)));
    this.addButton.disabled = this.runs.length >= this.maxRuns;
    this.addButton.title = this.addButton.disabled ? `At most ${this.maxRuns} runs` : "";
  }

  summary(run, i) {
    return runLabel(run, i, this.byName[run.optimizer]).replace(/^\d+: /, "");
  }

  row(run, i) {
    const li = el("li", { class: "run" });
    li.style.setProperty("--run-color", RUN_COLORS[i % RUN_COLORS.length]);
    li.dataset.run = String(i);
    const meta = this.byName[run.optimizer];

    const head = el("div", { class: "run-head" });
    // The whole setting, so two runs of one optimizer can be told apart at a glance.
    head.append(el("span", { class: "swatch", "aria-hidden": "true" }), el("span", { class: "run-name" }, `Run ${i + 1}`), el("span", { class: "run-setting" }, this.summary(run, i)));
    const remove = el("button", { type: "button", class: "icon", "aria-label": `Remove run ${i + 1}`, title: "Remove this run" }, "✕");
    remove.disabled = this.runs.length <= 1;
    remove.addEventListener("click", () => this.remove(i));
    head.append(remove);
    li.append(head);

    const selId = `opt-${++uid}`;
    const sel = el("select", { id: selId, "data-testid": "optimizer" });
    for (const o of this.optimizers) sel.append(el("option", { value: o.name }, o.title || o.name));
    if (!meta) sel.append(el("option", { value: run.optimizer }, `${run.optimizer} (unknown)`));
    sel.value = run.optimizer;
    sel.addEventListener("change", () => {
      // A rate that suits the new optimizer here (Adam's and SGD's differ by orders of magnitude).
      run.optimizer = sel.value;
      run.hp = { lr: this.lrFor(sel.value) };
      this.render();
      this.list.querySelectorAll("[data-testid=optimizer]")[i]?.focus();
      this.emit();
    });
    li.append(field(el("label", { for: selId }, "Optimizer"), sel));
    if (meta?.description) li.append(el("p", { class: "hint" }, meta.description));

    li.append(this.lrField(run, meta));

    const others = (meta?.hyperparams ?? []).filter((h) => h.name !== "lr");
    if (others.length) {
      const det = el("details", { class: "more" });
      det.append(el("summary", {}, "More settings"));
      for (const h of others) det.append(this.hpField(run, h));
      li.append(det);
    }
    return li;
  }

  lrField(run, meta) {
    const h = meta?.hyperparams.find((p) => p.name === "lr") ?? {};
    if (!(run.hp.lr > 0)) run.hp.lr = this.lrFor(run.optimizer);
    // Slider span: 1e-5 … 10, widened to hold the current rate (the seeds' worked examples
    // use 1e-7 and 1e-11), and within the optimizer's declared bounds when it has them.
    const decade = Math.floor(Math.log10(run.hp.lr));
    const lo = Math.max(h.low > 0 ? h.low : 0, Math.min(LR_RANGE[0], 10 ** (decade - 2)));
    const hi = Math.min(h.high > lo ? h.high : Infinity, Math.max(LR_RANGE[1], 10 ** (decade + 2)));
    const id = `lr-${++uid}`;
    const slider = el("input", {
      type: "range", min: String(Math.log10(lo)), max: String(Math.log10(hi)), step: "0.01",
      "aria-label": "Learning rate (log scale slider)", class: "lr-slider",
    });
    const input = el("input", { id, type: "number", step: "any", "data-testid": "lr", inputmode: "decimal", class: "lr-input" });
    if (h.low > 0) input.min = String(h.low);
    if (h.high > 0) input.max = String(h.high);
    const sync = () => {
      input.value = String(run.hp.lr);
      slider.value = String(Math.log10(run.hp.lr));
      slider.setAttribute("aria-valuetext", `learning rate ${run.hp.lr}`);
    };
    sync();
    slider.addEventListener("input", () => {
      run.hp.lr = round3(10 ** Number(slider.value));
      input.value = String(run.hp.lr);
      input.removeAttribute("aria-invalid");
      slider.setAttribute("aria-valuetext", `learning rate ${run.hp.lr}`);
      this.emit();
    });
    input.addEventListener("input", () => {
      const v = Number(input.value);
      const ok = input.value.trim() !== "" && Number.isFinite(v) && v > 0;
      input.toggleAttribute("aria-invalid", !ok);
      if (!ok) return; // keep the last valid rate until the typed one makes sense
      run.hp.lr = v;
      slider.value = String(Math.log10(v));
      this.emit();
    });
    input.addEventListener("change", sync);
    const wrap = field(el("label", { for: id }, "Learning rate"), el("div", { class: "lr-pair" }, [slider, input]));
    if (h.description) input.title = h.description;
    return wrap;
  }

  hpField(run, h) {
    const id = `hp-${++uid}`;
    const value = run.hp[h.name] ?? h.default;
    const set = (v) => {
      run.hp[h.name] = v;
      this.emit();
    };
    let control;
    if (h.kind === "bool") {
      control = el("input", { id, type: "checkbox" });
      control.checked = Boolean(value);
      control.addEventListener("change", () => set(control.checked));
      const lab = el("label", { for: id, class: "check" }, [control, ` ${h.name}`]);
      if (h.description) lab.title = h.description;
      return el("div", { class: "field" }, [lab]);
    }
    const numberInput = (v, aria) => {
      const inp = el("input", { type: "number", step: h.kind === "int" ? "1" : "any", inputmode: "decimal" });
      if (aria) inp.setAttribute("aria-label", aria);
      if (h.low !== null && h.low !== undefined) inp.min = String(h.low);
      if (h.high !== null && h.high !== undefined) inp.max = String(h.high);
      inp.value = v === null || v === undefined ? "" : String(v);
      return inp;
    };
    const valid = (inp) => {
      const v = Number(inp.value);
      const ok = inp.value.trim() !== "" && Number.isFinite(v) && (h.kind !== "int" || Number.isInteger(v));
      inp.toggleAttribute("aria-invalid", !ok);
      return ok ? v : null;
    };
    if (h.kind === "pair") {
      const pair = Array.isArray(value) ? value : [value, value];
      const a = numberInput(pair[0], `${h.name} (first)`);
      const b = numberInput(pair[1], `${h.name} (second)`);
      a.id = id;
      const on = () => {
        const va = valid(a);
        const vb = valid(b);
        if (va !== null && vb !== null) set([va, vb]);
      };
      a.addEventListener("input", on);
      b.addEventListener("input", on);
      control = el("div", { class: "pair" }, [a, b]);
    } else {
      control = numberInput(value);
      control.id = id;
      control.addEventListener("input", () => {
        const v = valid(control);
        if (v !== null) set(v);
      });
    }
    const lab = el("label", { for: id }, h.name);
    const wrap = field(lab, control);
    if (h.description) wrap.append(el("p", { class: "hint" }, h.description));
    return wrap;
  }
}

function field(label, control) {
  return el("div", { class: "field" }, [label, control]);
}
