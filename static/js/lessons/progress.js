// lessons/progress.js — what the learner has done, kept in the browser (localStorage): the cards
// seen, the predictions made and the challenges passed, per lesson, and the last card open.
const KEY = "gdp.lessons.v1";

export class Progress {
  constructor(storage = globalThis.localStorage) {
    this.storage = storage;
    this.data = this.read();
  }

  read() {
    try {
      const data = JSON.parse(this.storage?.getItem(KEY) ?? "{}");
      return data && typeof data === "object" && data.lessons ? data : { lessons: {} };
    } catch {
      return { lessons: {} }; // unreadable or blocked storage: start afresh
    }
  }

  write() {
    try {
      this.storage?.setItem(KEY, JSON.stringify(this.data));
    } catch {
      // storage full or blocked (private mode): progress lives for this visit only
    }
  }

  of(lesson) {
    const entry = (this.data.lessons[lesson] ??= { seen: [], predicted: [], passed: [], last: 1 });
    for (const k of ["seen", "predicted", "passed"]) entry[k] = Array.isArray(entry[k]) ? entry[k] : [];
    return entry;
  }

  mark(lesson, what, n) {
    const entry = this.of(lesson);
    if (!entry[what].includes(n)) entry[what].push(n);
    if (what === "seen") entry.last = n;
    this.write();
  }

  has(lesson, what, n) {
    return this.of(lesson)[what].includes(n);
  }

  // "3/5 cards · 1/1 challenge" for the lesson list.
  summary(lesson, cards, challenges) {
    const e = this.of(lesson);
    const seen = e.seen.filter((n) => n >= 1 && n <= cards).length;
    const parts = [`${seen}/${cards} cards`];
    if (challenges) parts.push(`${Math.min(e.passed.length, challenges)}/${challenges} challenge${challenges === 1 ? "" : "s"} passed`);
    return parts.join(" · ");
  }
}
