// player.js — the playhead and the page's one frame loop. It owns play / pause / step / scrub,
// keeps the playhead's meaning when a re-run replaces the traces (the same optimizer step, or
// the end), and hands every frame to the visuals in one call; nothing else runs its own loop.

export class Player {
  // onFrame({traces, k, seen, playing, ended}) is called once per animation frame.
  constructor({ onFrame, speed = 1 }) {
    this.onFrame = onFrame;
    this.traces = null;
    this.pos = 0; // fractional recorded-step index
    this.speed = speed; // recorded steps per frame; 0 = instant
    this.playing = false;
    this.atEnd = false; // the playhead follows the end: a re-run shows its whole path
    this.wantStep = null; // an optimizer step the playhead waits for while steps stream in
    this.seen = 0; // furthest index watched while playing: the charts draw up to it
    this.stopAt = null; // playTo: the recorded index to pause at, and the speed to get there
    this.tempo = speed;
    this.loop = this.loop.bind(this);
    requestAnimationFrame(this.loop);
  }

  get length() {
    return this.traces?.length ?? 0;
  }

  // The recorded index on screen.
  get k() {
    return Math.max(0, Math.min(Math.floor(this.pos), this.length - 1));
  }

  // The optimizer step on screen.
  get step() {
    return this.traces?.steps[this.k] ?? 0;
  }

  // New traces (a re-run, possibly still streaming). `from`: "keep" holds the playhead's step
  // (or the end), "start" plays from step 0, "end" shows the whole path at once.
  setTraces(traces, from = "keep") {
    const old = this.traces;
    const step = old?.length ? old.steps[this.k] : 0;
    this.traces = traces;
    this.wantStep = null;
    if (from === "start" || (from === "keep" && !old?.length && !this.atEnd)) {
      this.pos = 0;
      this.atEnd = false;
    } else if (from === "end") {
      this.atEnd = true;
    } else if (!this.atEnd) {
      this.wantStep = step;
    }
    this.seen = this.playing ? this.k : Infinity;
    this.settle();
  }

  play() {
    if (!this.traces) return;
    if (this.ended()) this.pos = 0; // replay from the start
    this.atEnd = false;
    this.stopAt = null;
    this.wantStep = null;
    this.playing = true;
    this.seen = this.k;
  }

  pause() {
    this.playing = false;
    this.stopAt = null;
  }

  // Play from the playhead to recorded index k at `speed` and pause there (a lesson's "now
  // watch the real step"); the learner's own speed is left as it was.
  playTo(k, speed = this.speed) {
    if (!this.traces) return;
    this.atEnd = false;
    this.wantStep = null;
    this.stopAt = Math.max(0, Math.min(k, this.length - 1));
    this.tempo = speed;
    this.playing = this.stopAt > this.pos;
    this.seen = this.k;
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  stepBy(d) {
    this.playing = false;
    this.stopAt = null;
    this.atEnd = false;
    this.wantStep = null;
    this.pos = Math.max(0, Math.min(this.length - 1, this.k + d));
  }

  scrub(k) {
    this.playing = false;
    this.stopAt = null;
    this.wantStep = null;
    this.pos = Math.max(0, Math.min(this.length - 1, k));
    this.atEnd = this.traces?.done && this.pos >= this.length - 1;
  }

  reset() {
    this.scrub(0);
  }

  // True at the last step of a finished trace.
  ended() {
    return Boolean(this.traces?.done) && this.k >= this.length - 1;
  }

  // Resolve where the playhead should be with the data that has arrived.
  settle() {
    const t = this.traces;
    if (!t || !t.length) return;
    const last = t.length - 1;
    if (this.atEnd) this.pos = last;
    else if (this.wantStep !== null) {
      this.pos = t.indexOfStep(this.wantStep);
      if (t.done || t.steps[last] >= this.wantStep) this.wantStep = null;
    } else if (this.pos > last) this.pos = t.done ? last : this.pos;
  }

  loop() {
    const t = this.traces;
    if (this.playing && t?.length) {
      const last = this.stopAt ?? t.length - 1;
      const speed = this.stopAt === null ? this.speed : this.tempo;
      this.pos = speed === 0 ? last : Math.min(this.pos + speed, last);
      if (this.stopAt !== null && this.pos >= last) this.pause();
      else if (t.done && this.pos >= last) {
        this.playing = false;
        this.atEnd = true;
      }
    }
    this.settle();
    const k = this.k;
    this.seen = this.playing ? Math.max(this.seen, k) : Math.max(0, this.length - 1);
    this.onFrame({ traces: t, k, seen: this.seen, playing: this.playing, ended: this.ended() });
    requestAnimationFrame(this.loop);
  }
}
