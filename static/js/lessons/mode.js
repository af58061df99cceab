// lessons/mode.js — lesson mode: the lesson list, and a lesson's cards beside the live page.
// A card loads its configuration into the page, points at the controls it talks about, and may
// ask for a prediction or set a challenge; its numbers come from GET /lessons/{id}. Each card has
// its own URL (?lesson=id&card=n), progress lives in localStorage, the playground is one click
// away with the card's configuration. Loaded with import() only when the URL asks for lessons.
import { el } from "../dom.js";
import { loadKatex } from "../katex.js";
import { watchFrames } from "../views/host.js";
import { viewContext } from "../viewsbridge.js";
import { loadConfig } from "./bridge.js";
import { richBlock } from "./card.js";
import { Challenge } from "./challenge.js";
import { cardState, cardURL, LIST_URL, lessonQuery, playgroundURL } from "./config.js";
import { highlight } from "./highlight.js";
import { Prediction } from "./predict.js";
import { Progress } from "./progress.js";

// Enter lesson mode before the page builds its first configuration (main.js boot).
export async function enterLessons(page, search) {
  const [katex, list] = await Promise.all([loadKatex(), getJSON(page, "/lessons")]);
  const mode = new LessonMode(page, katex, list);
  await mode.open(lessonQuery(search) ?? { list: true }, { boot: true });
  return mode;
}

async function getJSON(page, path) {
  const res = await fetch(page.api.url(path), { headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`${path} answered HTTP ${res.status}`);
  return res.json();
}

class LessonMode {
  constructor(page, katex, list) {
    Object.assign(this, { page, katex, list });
    this.root = document.getElementById("lesson");
    this.progress = new Progress();
    this.lessons = new Map(); // id → GET /lessons/{id}
    this.query = null;
    this.parts = [];
    this.root.hidden = false;
    document.body.classList.add("lesson-mode");
    this.link = document.getElementById("lessons-link");
  }

  // How the page should run the card's configuration: a prediction waits at its step.
  get intent() {
    return this.card?.predict ? { from: "start", play: false } : { from: "end", play: false };
  }

  async open(query, { boot = false } = {}) {
    const serial = (this.serial = (this.serial ?? 0) + 1); // the newest click wins
    this.query = query;
    this.card = null;
    if (query.list || !this.list.lessons.some((l) => l.id === query.lesson)) {
      this.query = { list: true };
      if (!boot) this.render();
      return;
    }
    if (!this.lessons.has(query.lesson)) this.lessons.set(query.lesson, await getJSON(this.page, `/lessons/${query.lesson}`));
    if (serial !== this.serial) return;
    this.lesson = this.lessons.get(query.lesson);
    const n = Math.min(query.card, this.lesson.cards.length);
    this.query = { lesson: query.lesson, card: n };
    this.card = this.lesson.cards[n - 1];
    const config = cardState(this.card);
    if (boot) Object.assign(this.page.state, config); // the page's boot builds it from here
    else await loadConfig(this.page, config, this.intent, () => serial === this.serial);
    if (!boot && serial === this.serial) this.render();
  }

  // main.js calls this once the page is built (views mounted): draw, and follow frames from now on.
  ready() {
    this.rule = document.createElement("div");
    this.rule.className = "view-body";
    this.ruleBox = el("details", { class: "lesson-rule", open: "", "data-testid": "lesson-rule" }, [el("summary", {}, "The update rule, live"), this.rule]);
    import("../views/rule.js").then(async (m) => watchFrames(await m.mount(this.rule, viewContext(this.page))));
    watchFrames({ frame: () => this.frame() });
    addEventListener("popstate", () => this.open(lessonQuery(location.search) ?? { list: true }));
    for (const event of ["pointerenter", "focus", "click"]) this.link.addEventListener(event, () => this.updateLink());
    this.render();
  }

  go(lesson, card) {
    history.pushState(null, "", cardURL(lesson, card));
    this.open({ lesson, card }).then(() => this.root.querySelector("h2")?.focus());
  }

  frame() {
    this.prediction?.frame();
  }

  updateLink() {
    this.link.href = playgroundURL(this.page.state);
    for (const a of this.root.querySelectorAll("[data-testid=lesson-playground]")) a.href = this.link.href;
  }

  clear() {
    this.prediction?.remove();
    this.prediction = null;
    highlight([]);
  }

  render() {
    this.clear();
    this.link.textContent = "Playground";
    this.link.title = "Open the free playground with this configuration";
    if (this.query.list) return this.renderList();
    this.renderCard();
  }

  renderList() {
    history.replaceState(null, "", LIST_URL);
    this.link.href = "./";
    const texts = Object.fromEntries(this.list.texts.map((t) => [t.id, t]));
    const items = this.list.lessons.map((l) => {
      const last = this.progress.of(l.id).last ?? 1;
      const a = el("a", { href: cardURL(l.id, last), "data-testid": `lesson-link-${l.id}` }, l.title);
      a.addEventListener("click", (e) => {
        e.preventDefault();
        this.go(l.id, last);
      });
      const from = l.texts.map((id) => `text ${id} (${texts[id]?.title ?? id})`).join("; ");
      return el("li", { "data-lesson": l.id }, [a, el("p", {}, l.summary), el("p", { class: "hint" }, `From ${from}. ${this.progress.summary(l.id, l.cards, l.challenges)}.`)]);
    });
    this.root.replaceChildren(
      el("h2", { id: "lesson-heading", tabindex: "-1" }, "Lessons"),
      el("p", { class: "hint" }, "Each lesson walks through one of the teaching texts' examples with its own numbers, computed live. Cards drive the playground; some ask you to predict a step or set a challenge."),
      el("ol", { class: "lesson-list", "data-testid": "lesson-list" }, items),
    );
  }

  renderCard() {
    const { lesson, card } = this;
    const n = this.query.card;
    const total = lesson.cards.length;
    history.replaceState(null, "", cardURL(lesson.id, n));
    this.progress.mark(lesson.id, "seen", n);
    document.title = `${card.title} · ${lesson.title}`;
    const all = el("a", { href: LIST_URL, "data-testid": "lesson-all" }, "All lessons");
    all.addEventListener("click", (e) => {
      e.preventDefault();
      history.pushState(null, "", LIST_URL);
      this.open({ list: true }).then(() => this.root.querySelector("h2")?.focus());
    });
    const text = el("div", { class: "lesson-text", "data-testid": "lesson-text" }, richBlock(this.katex, card.text, card.numbers));
    const parts = [
      el("p", { class: "lesson-crumbs" }, [all, ` · ${lesson.title} · card ${n} of ${total}`]),
      el("h2", { id: "lesson-heading", tabindex: "-1", "data-testid": "lesson-card-title" }, card.title),
      text,
    ];
    if (card.predict) {
      const box = el("section", { class: "lesson-box", "data-testid": "lesson-predict", "aria-label": "Predict" });
      this.prediction = new Prediction({ page: this.page, katex: this.katex, spec: card.predict, numbers: card.numbers, root: box, onMade: () => this.progress.mark(lesson.id, "predicted", n) });
      parts.push(box);
    }
    if (card.challenge) {
      const box = el("section", { class: "lesson-box", "data-testid": "lesson-challenge", "aria-label": "Challenge" });
      const passedBefore = this.progress.has(lesson.id, "passed", n);
      new Challenge({ page: this.page, katex: this.katex, spec: card.challenge, numbers: card.numbers, root: box, passedBefore, onPass: () => this.progress.mark(lesson.id, "passed", n) });
      parts.push(box);
    }
    parts.push(this.ruleBox, this.navigation(n, total));
    this.root.replaceChildren(...parts);
    this.root.dataset.lesson = lesson.id;
    this.root.dataset.card = String(n);
    this.updateLink();
    highlight(card.points_at);
    for (const v of card.open_views) {
      const details = document.getElementById(`view-${v}`);
      if (details && !details.open) details.open = true;
    }
  }

  navigation(n, total) {
    const { lesson } = this;
    const button = (label, to, testid) => {
      const b = el("button", { type: "button", "data-testid": testid }, label);
      if (to < 1 || to > total) b.disabled = true;
      b.addEventListener("click", () => this.go(lesson.id, to));
      return b;
    };
    const dots = lesson.cards.map((c, i) => {
      const k = i + 1;
      const state = this.progress.has(lesson.id, "passed", k) ? "passed" : this.progress.has(lesson.id, "seen", k) ? "seen" : "new";
      const a = el("a", { href: cardURL(lesson.id, k), class: `lesson-dot ${state}`, "aria-label": `Card ${k}: ${c.title} (${state})`, "data-state": state }, String(k));
      if (k === n) a.setAttribute("aria-current", "step");
      a.addEventListener("click", (e) => {
        e.preventDefault();
        this.go(lesson.id, k);
      });
      return el("li", {}, a);
    });
    const play = el("a", { href: playgroundURL(this.page.state), "data-testid": "lesson-playground" }, "Open in the playground ↗");
    for (const event of ["pointerenter", "focus", "click"]) play.addEventListener(event, () => this.updateLink());
    return el("nav", { class: "lesson-nav", "aria-label": "Cards of this lesson" }, [
      button("◀ Previous", n - 1, "lesson-prev"),
      button("Next ▶", n + 1, "lesson-next"),
      play,
      el("ol", { class: "lesson-dots" }, dots),
    ]);
  }
}
