// views/explainstep.js — the update that leaves the playhead, asked of the server: POST
// /explain-step runs the optimizer's own code on run i's parameters, gradient and state at
// recorded step k, and answers with the update and its rule's terms (Adam's m̂, v̂ and effective
// step, a momentum buffer, the scheduled lr). The page computes none of it.

// The /explain-step body for run i at recorded index k, or null when no update leaves it (the
// run has ended, or its numbers are not finite). `optimizer` is the run's POST /runs optimizer.
export function explainBody(traces, i, k, optimizer, request = {}) {
  const run = traces?.runs[i];
  if (!run || !optimizer || k < 0 || k >= run.n) return null;
  const last = run.n - 1;
  if (k >= last && run.statusAt(last) !== "running") return null; // it stopped here
  const params = run.point(k);
  const grad = run.gradAt(k);
  if (![...params, ...grad].every(Number.isFinite)) return null;
  const state = {};
  for (const name of Object.keys(run.state)) {
    const v = run.stateAt(name, k);
    if (!v || !v.every(Number.isFinite)) return null;
    state[name] = v;
  }
  const body = { optimizer, step: traces.steps[k] + 1, params, grad, state };
  if (request.schedule) body.schedule = request.schedule;
  if (request.clip) body.clip = request.clip;
  return body;
}

// Fetch work(args) whenever the key changes, one request at a time; while one is out, only the
// newest key waits (a playing race asks for every frame's step, and the newest wins).
export class Follow {
  constructor(work, onAnswer, onError = () => {}) {
    this.work = work;
    this.onAnswer = onAnswer;
    this.onError = onError;
    this.wanted = null;
    this.done = null;
    this.busy = false;
  }

  update(key, args) {
    if (key === this.done || key === this.wanted?.key) return;
    this.wanted = { key, args };
    this.pump();
  }

  reset() {
    this.done = null;
  }

  async pump() {
    if (this.busy || !this.wanted || this.wanted.key === this.done) return;
    const job = this.wanted;
    this.busy = true;
    try {
      const answer = await this.work(job.args);
      this.onAnswer(answer, job.key);
    } catch (e) {
      if (e?.name !== "AbortError") this.onError(e, job.key);
    } finally {
      this.done = job.key;
      this.busy = false;
      this.pump();
    }
  }
}
