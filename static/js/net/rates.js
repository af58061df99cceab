// net/rates.js — a network's suggested learning rates, from the server like every objective's
// (GET /objectives/mlp, by the same rule), asked once per network. They cost the server a sweep,
// so they come a moment later: meanwhile the runs race at the rates they have, and the runs that
// would have taken them (a picked network's, a URL's runs without a rate) take them then.
import { NETWORK_ID } from "../catalog.js";
import { networkQuery, ownSpec } from "./spec.js";

export class NetRates {
  // onRates(lrs): the network on screen's rates changed (the page marks them for tests).
  constructor(page, { onRates = () => {} } = {}) {
    this.page = page;
    this.onRates = onRates;
    this.asked = new Map(); // query → promise of the server's suggested rates for that network
    this.known = new Map(); // query → those rates, once they came
    this.last = null; // the rates of the network on screen, or the last known while they come
    this.held = null; // per run, {optimizer, lr} standing in until the rates come, or null
    this.asking = null; // the AbortController of the rates being computed
  }

  // The network on screen's key: its GET /objectives/mlp query as text, or "" for a pasted
  // table (no query holds one: its runs keep the last rates known).
  key() {
    const query = networkQuery(ownSpec(this.page.state.options));
    return query ? JSON.stringify(query) : "";
  }

  // The rates a new run takes now (meta.suggested_lr): the network's own, or the last known.
  current() {
    return this.known.get(this.key()) ?? this.last;
  }

  // Ask for the network on screen's rates (once per network); when they come, new runs take
  // them and held runs too, and if any did the race re-runs.
  async ask() {
    const key = this.key();
    if (!key) return;
    if (!this.asked.has(key)) {
      this.asking?.abort(); // the network changed: the server stops computing the last one's
      const asking = (this.asking = new AbortController());
      const answer = this.page.api.objective(NETWORK_ID, JSON.parse(key), { signal: asking.signal });
      const rates = answer.then((o) => o.suggested_lr);
      rates.catch(() => this.asked.delete(key)); // a failure is not remembered
      this.asked.set(key, rates);
    }
    let lrs;
    try {
      lrs = await this.asked.get(key);
    } catch {
      return; // aborted, or a bad network, which the race's own answer names
    }
    this.known.set(key, lrs);
    if (key !== this.key() || this.page.state.objective !== NETWORK_ID) return; // moved on
    const p = this.page;
    if (this.use(lrs)) {
      p.runsEditor.setRuns(p.state.runs);
      p.rerun({ from: "start", play: !p.reducedMotion });
    }
  }

  // The runs (which[i]: run i) that take the network's rates when they come, each unless its
  // optimizer or rate changed meanwhile; at once if they are known.
  hold(which) {
    this.held = this.page.state.runs.map((r, i) => (which[i] ? { optimizer: r.optimizer, lr: r.hp.lr } : null));
    if (this.known.has(this.key())) this.use(this.known.get(this.key()));
  }

  // The network on screen's rates are these: new runs take them, held runs too (true if any did).
  use(lrs) {
    this.last = lrs;
    if (this.page.meta?.id === NETWORK_ID) this.page.meta.suggested_lr = lrs;
    this.onRates(lrs);
    const held = this.held;
    this.held = null;
    let changed = false;
    this.page.state.runs.forEach((run, i) => {
      const h = held?.[i];
      const lr = lrs?.[run.optimizer];
      if (!h || h.optimizer !== run.optimizer || h.lr !== run.hp.lr || !(lr > 0) || lr === run.hp.lr) return;
      run.hp.lr = lr;
      changed = true;
    });
    return changed;
  }
}
