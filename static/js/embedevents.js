// embedevents.js — what /embed tells its host page as the playhead moves: each step shown (its
// number, and every run's parameters, loss and status there) and the end of a race (each run's
// status). Read from the traces on screen (trace.js); pure, unit-tested in node. Numbers that
// are not finite go out as null, as the API writes them.

const finite = (v) => (Number.isFinite(v) ? v : null);

function runAt(run, k) {
  const j = Math.min(k, run.n - 1);
  return {
    label: run.meta.label ?? "",
    optimizer: run.meta.optimizer ?? "",
    params: j >= 0 ? run.point(j).map(finite) : null,
    loss: j >= 0 ? finite(run.loss[j]) : null,
    status: j >= 0 ? run.statusAt(j) : "running",
  };
}

// `race` names the traces on screen: it changes whenever a new race replaces them.
export function stepEvent(traces, k, race) {
  return { type: "step", race, step: traces.steps[k], index: k, runs: traces.runs.map((run) => runAt(run, k)) };
}

export function endEvent(traces, race) {
  const runs = traces.runs.map((run) => ({
    ...runAt(run, run.n - 1),
    status: run.status,
    steps_taken: run.done?.steps_taken ?? null,
    message: run.done?.message ?? "",
  }));
  return { type: "end", race, step: traces.steps[traces.length - 1], runs };
}

// The player's frames as events. While the race plays, every recorded step the playhead passes
// gets its step event, in order (at a speed above 1 several pass in one frame); a jump (step,
// scrub, reset, a new race) sends the step it lands on. An end event follows when the playhead
// arrives at the end of a finished race.
export class EventTracker {
  constructor(send) {
    this.send = send;
    this.traces = null;
    this.k = -1;
    this.playing = false;
    this.ended = false;
  }

  frame(traces, k, race, playing = false) {
    if (!traces?.length) {
      Object.assign(this, { traces: null, k: -1, playing: false, ended: false });
      return;
    }
    const fresh = traces !== this.traces;
    // The frame that plays onto the end already says "paused": the one before still played.
    const passing = !fresh && (playing || this.playing) && k > this.k;
    if (passing) for (let j = this.k + 1; j <= k; j++) this.send(stepEvent(traces, j, race));
    else if (fresh || k !== this.k) this.send(stepEvent(traces, k, race));
    const atEnd = traces.done && k >= traces.length - 1;
    if (atEnd && (fresh || !this.ended)) this.send(endEvent(traces, race));
    Object.assign(this, { traces, k, playing, ended: atEnd });
  }
}
