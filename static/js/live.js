// live.js — re-runs the race whenever the configuration changes, and the newest request wins.
// A short race (steps × runs ≤ JSON_LIMIT) comes back as one JSON document: one is in flight at
// a time, and the newest change waits for it (each answer is drawn as it lands, so a dragged
// slider keeps the picture moving without piling requests on the server's compute slots). A long
// race streams as JSON Lines and is aborted the moment a newer change arrives. A change to one
// run of a short deterministic race recomputes that run alone and splices it in (splice.js);
// once the changes pause, the whole race is computed once more, so what stays on screen is
// exactly what one request for the whole race gives (a run alone can differ in its last bit).
import { ApiError } from "./api.js";
import { changedRun, oneRun, spliceTraces } from "./splice.js";
import { TraceSet } from "./trace.js";

export const JSON_LIMIT = 8000; // steps × runs: 4 runs × 1,000 steps come whole
const STREAM_GAP_MS = 120; // at most one new stream this often: an aborted one takes a moment to stop
const SETTLE_MS = 300; // quiet time after spliced answers before the whole race is recomputed

export class LiveRunner {
  // onTraces(traces, job): new traces to show (a stream's fill in as they arrive);
  // onDone(traces, job): the traces are complete; onError(error, job).
  constructor(api, { onTraces, onDone, onError }) {
    this.api = api;
    this.on = { onTraces, onDone, onError };
    this.inflight = null;
    this.pending = null;
    this.lastStream = -Infinity;
    this.timer = 0;
    this.settleTimer = 0;
    this.serial = 0;
    this.shown = null; // {request, traces} of the last whole answer handed out
  }

  get busy() {
    return Boolean(this.inflight || this.pending);
  }

  // Compute `request` (a POST /runs body) for traces of dimension `dim` with per-run `metas`;
  // `intent` travels with the job to onTraces (how the caller wants it shown). `splittable`:
  // each run's numbers do not depend on the others' (no mini-batches drawn for the batch);
  // `refine`: a recomputation of what is on screen, which any newer change may abort;
  // `Traces`: the TraceSet class to fill (a network's keeps its weights apart, net/traces.js).
  run(request, dim, metas, intent = {}, { splittable = false, refine = false, Traces = TraceSet } = {}) {
    clearTimeout(this.settleTimer);
    const job = { request, dim, metas, intent, refine, Traces, id: ++this.serial, stream: isLong(request) };
    const index = splittable && !job.stream ? changedRun(this.shown?.request, request) : -1;
    if (index >= 0) Object.assign(job, { splice: index, request: oneRun(request, index), full: request });
    this.pending = job;
    // A stream, or the whole-race refinement after spliced answers, gives way at once.
    if (this.inflight?.stream || this.inflight?.refine) this.inflight.ctl.abort();
    this.next();
    return job.id;
  }

  cancel() {
    this.pending = null;
    this.inflight?.ctl.abort();
  }

  next() {
    if (this.inflight || !this.pending) return;
    const job = this.pending;
    const wait = job.stream ? this.lastStream + STREAM_GAP_MS - performance.now() : 0;
    if (wait > 0) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.next(), wait);
      return;
    }
    this.pending = null;
    this.inflight = job;
    job.ctl = new AbortController();
    const work = job.stream ? this.stream(job) : this.whole(job);
    work
      .catch((e) => {
        if (e?.name === "AbortError") return;
        if (e instanceof ApiError && e.status === 429 && !this.pending) return this.retry(job, e);
        this.on.onError(e, job);
      })
      .finally(() => {
        if (this.inflight === job) this.inflight = null;
        this.next();
      });
  }

  async whole(job) {
    const body = await this.api.runs(job.request, { signal: job.ctl.signal });
    if (job.splice !== undefined) return this.spliced(job, body);
    const traces = job.Traces.fromJSON(job.dim, job.metas, body);
    this.shown = { request: job.request, traces };
    this.on.onTraces(traces, job);
    this.on.onDone(traces, job);
  }

  // One run's answer, put into the race on screen if that race still differs from the wanted
  // one in this run only; else the whole race is asked for.
  spliced(job, body) {
    const { splice: index, full } = job;
    if (!this.shown || changedRun(this.shown.request, full) !== index) {
      if (!this.pending) this.pending = { ...job, splice: undefined, request: full };
      return;
    }
    const part = TraceSet.fromJSON(job.dim, [job.metas[index]], body);
    const traces = spliceTraces(this.shown.traces, index, part, job.metas);
    this.shown = { request: full, traces };
    const shown = { ...job, request: full };
    this.on.onTraces(traces, shown);
    this.on.onDone(traces, shown);
    clearTimeout(this.settleTimer);
    const settle = () => this.run(full, job.dim, job.metas, { ...job.intent, play: false }, { refine: true });
    this.settleTimer = setTimeout(settle, SETTLE_MS);
  }

  async stream(job) {
    this.lastStream = performance.now();
    const traces = new job.Traces(job.dim, job.metas);
    let shown = false;
    await this.api.streamRuns(job.request, {
      signal: job.ctl.signal,
      onMessage: (m) => {
        if (m.type === "step") traces.addStep(m);
        else if (m.type === "done") traces.finish(m);
        else if (m.type === "error") throw new Error(m.message ?? m.detail ?? "the server stopped the run");
        if (!shown) {
          shown = true; // show the stream from its first line on; it fills in behind the playhead
          this.on.onTraces(traces, job);
        }
      },
    });
    if (!traces.done) traces.finish({ runs: [] }); // the stream ended without "done": keep what came
    if (!shown) this.on.onTraces(traces, job);
    this.on.onDone(traces, job);
  }

  // Every compute slot was busy: try the same request again after Retry-After.
  retry(job, error) {
    const seconds = Number(error.retryAfter) || 0.5;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.pending) {
        this.pending = job;
        this.next();
      }
    }, seconds * 1000);
  }
}

function isLong(request) {
  return request.steps * request.runs.length > JSON_LIMIT;
}
