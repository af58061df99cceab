// latest.js — one request at a time to the server: the newest request waiting replaces any older
// one, and a 429 (every compute slot busy) is asked again after its Retry-After.
import { ApiError } from "./api.js";
import { decodeSurface } from "./surfacedata.js";

export class LatestRequest {
  // send(job): a promise of its answer, or of null when there is nothing to show; current(job):
  // whether its answer still belongs on screen; onAnswer(answer, job); onError(error, job) for a
  // current job that failed.
  constructor(send, { current = () => true, onAnswer, onError }) {
    this.send = send;
    this.on = { current, onAnswer, onError };
    this.busy = false;
    this.pending = null;
  }

  request(job) {
    this.pending = job;
    this.pump();
  }

  async pump() {
    if (this.busy || !this.pending) return;
    const job = this.pending;
    this.pending = null;
    this.busy = true;
    try {
      const answer = await this.send(job);
      if (answer !== null && this.on.current(job)) this.on.onAnswer(answer, job);
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) {
        this.pending ??= job;
        await new Promise((done) => setTimeout(done, 1000 * (Number(e.retryAfter) || 0.5)));
      } else if (this.on.current(job)) this.on.onError(e, job);
    } finally {
      this.busy = false;
      this.pump();
    }
  }
}

// POST /surface jobs ({ body, ... }): onAnswer(data, answer, job) gets the decoded grid too.
export function surfaceRequests(api, { current, onAnswer, onError }) {
  const decoded = (answer, job) => onAnswer(decodeSurface(answer), answer, job);
  return new LatestRequest((job) => api.surface(job.body), { current, onAnswer: decoded, onError });
}
