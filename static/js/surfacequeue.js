// surfacequeue.js — POST /surface one request at a time: the newest request waiting replaces
// any older one, and a 429 (every compute slot busy) is asked again after its Retry-After.
import { ApiError } from "./api.js";
import { decodeSurface } from "./surfacedata.js";

export class SurfaceQueue {
  // current(job): whether job's answer still belongs on screen; onAnswer(data, answer, job)
  // with the decoded grid; onError(error, job) for a current job that failed.
  constructor(api, { current, onAnswer, onError }) {
    this.api = api;
    this.on = { current, onAnswer, onError };
    this.busy = false;
    this.pending = null;
  }

  // job: { body } (a POST /surface body) and whatever the callbacks need to know of it.
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
      const answer = await this.api.surface(job.body);
      if (this.on.current(job)) this.on.onAnswer(decodeSurface(answer), answer, job);
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
