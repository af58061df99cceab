// net/panel.js — the network at the playhead, beside the charts: the data with the shown run's
// prediction over it, and the network drawn with its weights or, in the backpropagation view,
// its gradients stepped layer by layer. Every number comes from POST /predict for the weights
// at the playhead (one request at a time, the newest waiting), so it follows play and scrub.
import { el } from "../dom.js";
import { fitCanvas } from "../draw.js";
import { formatNumber } from "../format.js";
import { LatestRequest } from "../latest.js";
import { drawNetworkData, heatSignature } from "./datadraw.js";
import { drawNetwork, stageText } from "./diagram.js";

const MARGIN = { left: 46, right: 10, top: 10, bottom: 38 };
const RESOLUTION = 64; // grid points per axis of the decision map

export class NetPanel {
  // onShow(index): the learner picked another run to show.
  constructor(root, api, { onShow }) {
    this.root = root;
    this.api = api;
    this.answer = null;
    this.key = "";
    this.predictions = new LatestRequest((job) => this.predict(job), {
      onAnswer: (answer) => {
        this.answer = answer;
        this.setStage(this.stage);
      },
      onError: (e) => (this.dataCaption.textContent = `Could not compute the prediction: ${e.message ?? e}`),
    });
    this.dirty = true;
    this.show = "weights";
    this.stage = 0;
    this.build(onShow);
    new ResizeObserver(() => (this.dirty = true)).observe(root);
  }

  build(onShow) {
    this.runSelect = el("select", { id: "net-run", "data-testid": "net-run" });
    this.runSelect.addEventListener("change", () => onShow(Number(this.runSelect.value)));
    this.dataCanvas = el("canvas", { role: "img", "aria-labelledby": "net-data-heading", "aria-describedby": "net-data-caption" });
    this.dataCaption = el("p", { id: "net-data-caption", class: "hint", "data-role": "caption" });
    this.netCanvas = el("canvas", { role: "img", "aria-labelledby": "net-diagram-heading", "aria-describedby": "net-diagram-caption" });
    this.netCaption = el("p", { id: "net-diagram-caption", class: "hint", "aria-live": "polite" });
    const radios = ["weights", "gradients"].map((v) => {
      const input = el("input", { type: "radio", name: "net-edges", value: v, id: `net-edges-${v}`, "data-testid": `net-edges-${v}` });
      input.checked = v === this.show;
      input.addEventListener("change", () => this.setShow(v));
      return el("label", { class: "check", for: `net-edges-${v}` }, [input, v === "weights" ? " weights" : " gradients (backpropagation)"]);
    });
    this.prev = el("button", { type: "button", "data-testid": "net-layer-back" }, "◀ Back a layer");
    this.next = el("button", { type: "button", "data-testid": "net-layer-next" }, "Next layer ▶");
    this.prev.addEventListener("click", () => this.setStage(this.stage - 1));
    this.next.addEventListener("click", () => this.setStage(this.stage + 1));
    this.stepper = el("div", { class: "net-stepper", role: "group", "aria-label": "Backpropagation, layer by layer" }, [this.prev, this.next]);
    this.root.replaceChildren(
      el("h2", { id: "net-data-heading" }, "Data and the network's prediction at this step"),
      el("div", { class: "field" }, [el("label", { for: "net-run" }, "Run shown (data, network and slice)"), this.runSelect]),
      el("div", { class: "net-data", "data-testid": "net-data" }, this.dataCanvas),
      this.dataCaption,
      el("h2", { id: "net-diagram-heading" }, "The network"),
      el("fieldset", { class: "net-edges" }, [el("legend", {}, "Edges show each weight's"), ...radios]),
      el("div", { class: "net-diagram", "data-testid": "net-diagram" }, this.netCanvas),
      this.stepper,
      this.netCaption,
    );
    this.setShow(this.show);
  }

  setRuns(labels, shown) {
    this.runSelect.replaceChildren(...labels.map((label, i) => el("option", { value: String(i) }, label)));
    this.runSelect.value = String(shown);
  }

  setShow(v) {
    this.show = v;
    this.stepper.hidden = v !== "gradients";
    this.dirty = true;
  }

  setStage(s) {
    const count = this.answer?.fits[0].gradient.length ?? 1;
    this.stage = Math.max(0, Math.min(count - 1, s));
    this.dirty = true;
  }

  clear() {
    this.answer = null;
    this.key = "";
    this.root.dataset.ready = "0";
    this.dirty = true;
  }

  // Each frame: the spec (and `specKey`, cheap to compare), the shown run's recorded weights at
  // or before the playhead ({k, row}) and the step they belong to.
  follow(spec, specKey, weights, step) {
    if (!weights) return;
    const key = `${specKey}|${weights.k}`;
    if (key === this.key) return;
    this.key = key;
    this.predictions.request({ spec, row: weights.row, step });
  }

  // The network's prediction and layers for the weights at the playhead (null when diverged).
  async predict(job) {
    if (!job.row.every(Number.isFinite)) {
      this.dataCaption.textContent = `Step ${job.step}: the weights are no longer finite numbers (the run diverged).`;
      return null;
    }
    const answer = await this.api.predict({ objective: job.spec, points: [job.row], resolution: RESOLUTION });
    return { ...answer, step: job.step };
  }

  render() {
    if (!this.dirty || this.root.hidden) return;
    this.dirty = false;
    const a = this.answer;
    const w = this.dataCanvas.parentElement.clientWidth;
    if (!w) return;
    const h = Math.round(Math.min(320, w * 0.8));
    const ctx = fitCanvas(this.dataCanvas, w, h);
    ctx.clearRect(0, 0, w, h);
    const nctx = fitCanvas(this.netCanvas, w, 190);
    nctx.clearRect(0, 0, w, 190);
    if (!a) return;
    const r = { x: MARGIN.left, y: MARGIN.top, w: w - MARGIN.left - MARGIN.right, h: h - MARGIN.top - MARGIN.bottom };
    const fit = a.fits[0];
    const kind = drawNetworkData(ctx, r, a);
    const sizes = a.architecture.sizes;
    const edges = drawNetwork(nctx, w, 190, fit, sizes, { show: this.show, stage: this.stage, classes: a.classes });
    this.dataCaption.textContent = caption(a, kind);
    this.netCaption.textContent = this.show === "gradients" ? stageText(fit, sizes, this.stage) : `${sizes.join("-")} ${a.architecture.activation} network, ${a.architecture.output.toUpperCase()} loss. Orange: positive weight, blue: negative; wider: larger. Units are tinted by their bias.`;
    this.prev.disabled = this.stage <= 0;
    this.next.disabled = this.stage >= fit.gradient.length - 1;
    Object.assign(this.root.dataset, { ready: "1", step: String(a.step), kind, heat: fit.grid ? heatSignature(fit.grid) : "", edges: String(edges), stage: String(this.stage), show: this.show });
  }
}

function caption(a, kind) {
  const fit = a.fits[0];
  const m = fit.metrics ?? {};
  const acc = m.train_accuracy != null ? ` Accuracy: train ${pct(m.train_accuracy)}, test ${pct(m.test_accuracy)}.` : "";
  const test = m.test_loss != null ? `, test ${formatNumber(m.test_loss, 4)}` : "";
  const what = {
    "decision-map": "Background: the class the network predicts at each point, deeper where it is surer.",
    "value-map": "Background: the network's predicted value (brighter is higher).",
    curve: "Line: the network's prediction.",
    scatter: "Each train sample's prediction against its target.",
  }[kind];
  return `Step ${a.step}. ${what} Filled dots: train samples; rings: test samples. Loss: train ${formatNumber(fit.loss, 4)}${test}.${acc}`;
}

const pct = (v) => (v == null ? "—" : `${(100 * v).toFixed(1)}%`);
