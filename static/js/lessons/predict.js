// lessons/predict.js — a card's prediction. Before the step plays the learner commits a guess:
// a ghost point (clicked on the plot, or typed into the fields and moved with the arrow keys)
// or a choice. Then the real step plays, and the card shows how far off the guess was and why.
import { el } from "../dom.js";
import { formatNumber } from "../format.js";
import { richBlock, richInline } from "./card.js";
import { GhostLayer } from "./ghost.js";

const n = (v) => formatNumber(v, 4).replace(/^-/, "−").replace("e-", "e−");
const pt = (p) => (p.length === 1 ? n(p[0]) : `(${p.map(n).join(", ")})`);

export class Prediction {
  // spec: the card's predict; numbers: its numbers; onMade(): the guess was committed.
  constructor({ page, katex, spec, numbers, root, onMade }) {
    Object.assign(this, { page, katex, spec, numbers, root, onMade });
    this.phase = "waiting"; // waiting → guessing → playing → shown
    this.ghost = null;
    this.target = null; // the recorded index of the predicted step
    root.dataset.phase = this.phase;
    root.append(el("h3", {}, "Predict"), el("p", { class: "lesson-question" }, richInline(katex, spec.question, numbers)));
    if (spec.kind === "choice") this.buildChoices();
    else this.buildGhost();
    this.result = el("div", { class: "lesson-result", "data-testid": "lesson-result", role: "status" });
    root.append(this.result);
  }

  buildChoices() {
    const name = `choice-${Math.random().toString(36).slice(2, 8)}`;
    const radios = this.spec.choices.map((c, i) => {
      const input = el("input", { type: "radio", name, value: String(i), id: `${name}-${i}`, "data-testid": `lesson-choice-${i}` });
      return el("div", { class: "lesson-choice" }, [input, el("label", { for: input.id }, richInline(this.katex, c, this.numbers))]);
    });
    this.commit = el("button", { type: "button", class: "primary", "data-testid": "lesson-commit" }, "Lock in my answer");
    const set = el("fieldset", { class: "lesson-choices" }, [el("legend", { class: "sr-only" }, "Your answer"), ...radios]);
    this.root.append(set, this.commit);
    this.commit.addEventListener("click", () => {
      const chosen = set.querySelector("input:checked");
      if (!chosen) return this.say("Pick an answer first.");
      this.choice = Number(chosen.value);
      for (const r of set.querySelectorAll("input")) r.disabled = true;
      this.play();
    });
  }

  buildGhost() {
    const page = this.page;
    const names = page.meta.param_names ?? ["x", "y"];
    this.layer = new GhostLayer(page.view(), page.meta.dim, (p) => this.setGhost(p, true));
    this.fields = names.map((name, i) => {
      const input = el("input", { id: `guess-${i}`, type: "number", step: "any", inputmode: "decimal", "data-testid": `guess-${i}` });
      input.addEventListener("input", () => {
        const v = this.fields.map((f) => Number(f.value));
        if (v.every(Number.isFinite) && this.fields.every((f) => f.value.trim() !== "")) this.setGhost(v, false);
      });
      input.addEventListener("keydown", (e) => this.nudge(e, i));
      return input;
    });
    const rows = this.fields.map((input, i) => el("div", { class: "field" }, [el("label", { for: input.id }, `your ${names[i]}`), input]));
    this.commit = el("button", { type: "submit", class: "primary", "data-testid": "lesson-commit", disabled: "" }, "Lock in my guess");
    const form = el("form", { class: "lesson-guess" }, [el("div", { class: "inline" }, rows), this.commit]);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (this.ghost && this.phase === "guessing") this.play();
    });
    this.root.append(el("p", { class: "hint" }, "Click the plot where you think the point lands, or type it; ↑ ↓ in a field nudge it."), form);
  }

  // ↑/↓ in a field moves the guess by a fiftieth of the view (Shift: a fifth).
  nudge(e, i) {
    if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
    e.preventDefault();
    const range = this.page.currentView()[i];
    const d = ((range[1] - range[0]) / (e.shiftKey ? 5 : 50)) * (e.key === "ArrowUp" ? 1 : -1);
    const v = this.fields.map((f) => Number(f.value));
    v[i] = Number((v[i] + d).toPrecision(6));
    this.setGhost(v, true);
  }

  setGhost(point, fill) {
    if (this.phase !== "guessing") return;
    this.ghost = point.map((v) => Number(v.toPrecision(6)));
    if (fill) this.fields.forEach((f, i) => (f.value = String(this.ghost[i])));
    this.commit.disabled = false;
    this.root.dataset.ghost = JSON.stringify(this.ghost);
  }

  say(text) {
    this.result.replaceChildren(el("p", {}, text));
  }

  // Called every frame: put the playhead before the step, play it once committed, then report.
  frame() {
    const player = this.page.player;
    const t = player.traces;
    const run = this.spec.run ?? 0;
    if (this.phase === "waiting" && t?.done && t.length) {
      const before = (this.before = t.indexOfStep(this.spec.step - 1));
      this.target = Math.min(t.indexOfStep(this.spec.step), t.length - 1);
      if (player.k !== before) player.scrub(before);
      this.setPhase("guessing");
      if (this.fields) {
        const from = t.runs[run].point(before);
        this.fields.forEach((f, i) => (f.value = String(Number(from[i].toPrecision(6)))));
      }
    }
    if (this.phase === "playing" && !player.playing && player.k >= this.target) this.report(t, run);
    if (this.layer) {
      const real = this.phase === "shown" ? t?.runs[run].point(this.target) : null;
      this.layer.setPicking(this.phase === "guessing");
      this.layer.draw(this.ghost, real, this.page.colors[run % this.page.colors.length]);
    }
  }

  setPhase(phase) {
    this.phase = phase;
    this.root.dataset.phase = phase;
  }

  play() {
    this.setPhase("playing");
    this.commit.disabled = true;
    for (const f of this.fields ?? []) f.disabled = true;
    const player = this.page.player;
    const frames = 20 + Math.min(100, this.target - player.k); // a moment to watch it happen
    player.playTo(this.target, Math.max(1 / 20, (this.target - player.k) / frames));
    this.onMade();
  }

  report(t, run) {
    this.setPhase("shown");
    const parts = [];
    if (this.spec.kind === "choice") {
      const right = this.choice === this.spec.answer;
      this.root.dataset.right = right ? "1" : "0";
      parts.push(el("p", { class: right ? "lesson-ok" : "lesson-miss" }, right ? "Right." : ["Not quite. The answer: ", richInline(this.katex, this.spec.choices[this.spec.answer], this.numbers), "."]));
    } else {
      const [from, real] = [t.runs[run].point(this.before), t.runs[run].point(this.target)];
      parts.push(el("p", { class: "lesson-miss", "data-testid": "lesson-gap" }, gapSentence(this.ghost, from, real)));
    }
    this.result.replaceChildren(...parts, ...richBlock(this.katex, this.spec.explain, this.numbers));
  }

  remove() {
    this.layer?.remove();
  }
}

// How far the guess was from where the step landed, and how it differs: length and direction.
export function gapSentence(guess, from, real) {
  const d = real.map((v, i) => v - from[i]);
  const gv = guess.map((v, i) => v - from[i]);
  const gap = Math.hypot(...real.map((v, i) => v - guess[i]));
  const len = Math.hypot(...d);
  const along = len > 0 ? gv.reduce((s, v, i) => s + v * d[i], 0) / (len * len) : 0;
  let how = "";
  if (len > 0 && Math.hypot(...gv) > 0) {
    const cos = gv.reduce((s, v, i) => s + v * d[i], 0) / (Math.hypot(...gv) * len);
    const angle = (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI;
    how = guess.length === 1 ? (along > 0 ? `: the right way, ${n(along)}× as far` : ": the wrong way") : `: ${n(along)}× as far along the step, ${Math.round(angle)}° off its direction`;
  }
  const close = len > 0 && gap <= 0.1 * len;
  return `${close ? "Close! " : ""}Your guess ${pt(guess)} is ${n(gap)} from where the step landed, ${pt(real)}${how}.`;
}
