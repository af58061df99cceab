// controls.js — playback: play/pause, step back/forward, reset, speed and a scrub slider;
// keyboard: Space plays/pauses, ←/→ step (unless typing in a field).
import { SPEEDS } from "./state.js";

export class Controls {
  constructor(root, handlers) {
    this.root = root;
    this.h = handlers; // {toggle, stepBy(±1), reset, scrub(k), speed(v)}
    this.play = root.querySelector("[data-testid=play]");
    this.step = root.querySelector("[data-testid=step]");
    this.back = root.querySelector("[data-action=back]");
    this.reset = root.querySelector("[data-testid=reset]");
    this.speed = root.querySelector("#speed");
    this.scrub = root.querySelector("#scrub");
    this.readout = root.querySelector("#step-readout");
    for (const v of SPEEDS) {
      const o = document.createElement("option");
      o.value = String(v);
      o.textContent = v === 0 ? "instant" : `${v} step${v === 1 ? "" : "s"}/frame`;
      this.speed.append(o);
    }
    this.play.addEventListener("click", () => this.h.toggle());
    this.step.addEventListener("click", () => this.h.stepBy(1));
    this.back.addEventListener("click", () => this.h.stepBy(-1));
    this.reset.addEventListener("click", () => this.h.reset());
    this.speed.addEventListener("change", () => this.h.speed(Number(this.speed.value)));
    this.scrub.addEventListener("input", () => this.h.scrub(Number(this.scrub.value)));
    document.addEventListener("keydown", (e) => this.key(e));
    this.last = {};
  }

  key(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return; // a focused plot pans
    const t = e.target;
    const typing = t instanceof HTMLElement && (t.matches("input, select, textarea, [contenteditable]") || t.isContentEditable);
    if (e.key === " " && !typing && !(t instanceof HTMLElement && t.matches("button, summary, a"))) {
      e.preventDefault();
      this.h.toggle();
    } else if ((e.key === "ArrowRight" || e.key === "ArrowLeft") && !typing) {
      e.preventDefault();
      this.h.stepBy(e.key === "ArrowRight" ? 1 : -1);
    }
  }

  setSpeed(v) {
    this.speed.value = String(v);
  }

  // Reflect the player: only touch the DOM when something changed (this runs every frame).
  update({ playing, busy, cursor, length, step, total }) {
    const s = `${playing}|${busy}|${cursor}|${length}|${step}|${total}`;
    if (s === this.last.s) return;
    this.last.s = s;
    this.play.textContent = playing ? "❚❚ Pause" : "▶ Play";
    this.play.setAttribute("aria-pressed", String(playing));
    this.play.setAttribute("aria-label", playing ? "Pause (Space)" : "Play (Space)");
    this.root.dataset.playing = String(playing);
    this.scrub.max = String(Math.max(0, length - 1));
    this.scrub.value = String(Math.max(0, cursor));
    this.scrub.disabled = length < 2;
    this.scrub.setAttribute("aria-valuetext", `step ${step ?? 0}`);
    this.readout.textContent = `step ${step ?? 0} / ${total}`;
    this.root.setAttribute("aria-busy", String(busy)); // a re-run on its way (the status says so)
  }
}
