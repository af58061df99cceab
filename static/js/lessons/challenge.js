// lessons/challenge.js — a card's challenge: the task, and a button that sends the learner's
// current configuration (the very POST /runs body the page runs) to the check route; the server
// runs it with the challenge's budget and stop rule and answers pass or fail with the reason.
import { el } from "../dom.js";
import { formatNumber } from "../format.js";
import { runsRequest } from "../state.js";
import { post } from "../views/common.js";
import { richInline } from "./card.js";

export class Challenge {
  constructor({ page, katex, spec, numbers, root, passedBefore, onPass }) {
    Object.assign(this, { page, spec, root, onPass });
    const rules = [`${spec.steps} steps at most`];
    if (spec.stop.loss_below != null) rules.push(`stops when the loss is below ${formatNumber(spec.stop.loss_below)}`);
    if (spec.start) rules.push(`starts at (${spec.start.map((v) => formatNumber(v)).join(", ")})`);
    if (spec.optimizers.length) rules.push(`with ${spec.optimizers.join(" or ")}`);
    this.button = el("button", { type: "button", class: "primary", "data-testid": "lesson-check" }, "Check my run");
    this.verdict = el("div", { class: "lesson-verdict", "data-testid": "lesson-verdict", role: "status" });
    root.append(
      el("h3", {}, ["Challenge", passedBefore ? el("span", { class: "lesson-badge", "data-testid": "lesson-passed-before" }, " ✓ passed") : ""]),
      el("p", {}, richInline(katex, spec.task, numbers)),
      el("p", { class: "hint" }, `The server grades the configuration on the page: it ${rules.join(", ")}.`),
      this.button,
      this.verdict,
    );
    this.button.addEventListener("click", () => this.check());
  }

  async check() {
    const page = this.page;
    const body = runsRequest(page.state, page.startPoint(), page.catalog.optByName);
    this.button.disabled = true;
    this.button.setAttribute("aria-busy", "true");
    this.verdict.textContent = "Checking…";
    delete this.root.dataset.passed;
    try {
      const verdict = await post({ api: page.api }, this.spec.check, body);
      this.root.dataset.passed = verdict.passed ? "1" : "0";
      this.verdict.dataset.kind = verdict.passed ? "ok" : "warn";
      this.verdict.textContent = verdict.reason;
      if (verdict.passed) this.onPass();
    } catch (e) {
      this.verdict.dataset.kind = "error";
      this.verdict.textContent = `Could not check: ${e.message ?? e}`;
    } finally {
      this.button.disabled = false;
      this.button.removeAttribute("aria-busy");
    }
  }
}
