// status.js — the one-line status under the title. It always describes what is on screen: the
// race at the playhead, or a notice (an error, a warning) until the next change replaces it.
// Its box has a fixed height, so no message ever moves the page.
import { formatNumber } from "./format.js";

export class StatusLine {
  constructor(node) {
    this.node = node;
    this.notice = null; // {text, kind}: shown instead of the description until cleared
    this.text = "";
  }

  // A notice stays until clear() (the next configuration change or a successful run).
  notify(text, kind = "info") {
    this.notice = { text, kind };
    this.write(text, kind);
  }

  clear() {
    this.notice = null;
  }

  // Show `text` unless a notice is up. Called every frame: the DOM is touched only on change.
  describe(text, kind = "info") {
    if (!this.notice) this.write(text, kind);
  }

  write(text, kind) {
    if (text === this.text && this.node.dataset.kind === kind) return;
    this.text = text;
    this.node.textContent = text;
    this.node.title = text; // the whole sentence on hover if a narrow screen clips it
    this.node.dataset.kind = kind;
  }
}

// One sentence about the race at recorded index k: the leading run, and any that diverged or
// converged by then. Short enough for two lines at phone width.
export function describeRace(traces, k, { playing, busy }) {
  if (!traces) return { text: busy ? "Computing the descent…" : "Ready.", kind: "info" };
  if (traces.failed) return { text: "The run failed.", kind: "error" };
  if (!traces.length) return { text: "Computing the descent…", kind: "info" };
  const step = traces.steps[Math.min(k, traces.length - 1)];
  const at = traces.runs.map((run, i) => ({ i, run, j: Math.min(k, run.n - 1) }));
  const diverged = at.filter(({ run, j }) => run.statusAt(j) === "diverged");
  if (playing) {
    const gone = diverged.length ? ` · ${list(diverged)} diverged` : "";
    return { text: `Playing ${plural(traces.runs.length, "run")}${gone}. Space pauses, ←/→ step.`, kind: gone ? "warn" : "info" };
  }
  const converged = at.filter(({ run, j }) => run.statusAt(j) === "converged");
  const alive = at.filter(({ run, j }) => j >= 0 && run.statusAt(j) !== "diverged" && Number.isFinite(run.loss[j]));
  const best = alive.sort((a, b) => a.run.loss[a.j] - b.run.loss[b.j])[0];
  const end = traces.done && k >= traces.length - 1;
  const kind = diverged.length ? "warn" : end && converged.length ? "ok" : "info";
  if (end && traces.runs.length === 1 && best) {
    const run = traces.runs[0];
    const how = run.done?.message ? run.done.message.replace(/:.*$/, "") : "ended";
    return { text: `Done: run 1 ${how}, loss ${formatNumber(best.run.loss[best.j], 3)}.`, kind };
  }
  const parts = [`${end ? "Done" : "Paused"} at step ${step}`];
  if (best) parts.push(`lowest loss ${formatNumber(best.run.loss[best.j], 3)} (run ${best.i + 1})`);
  if (converged.length) parts.push(ended(converged, "converged", traces));
  if (diverged.length) parts.push(ended(diverged, "diverged", traces));
  return { text: `${parts.join(" · ")}.`, kind };
}

// "run 2 diverged at step 7", or "runs 1, 3 converged" when several ended the same way.
function ended(runs, how, traces) {
  if (runs.length > 1) return `${list(runs)} ${how}`;
  const { run, i } = runs[0];
  const at = run.done?.steps_taken ?? traces.steps[run.n - 1];
  return `run ${i + 1} ${how} at step ${at}`;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const list = (runs) => `run${runs.length === 1 ? "" : "s"} ${runs.map(({ i }) => i + 1).join(", ")}`;
