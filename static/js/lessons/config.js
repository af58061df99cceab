// lessons/config.js — a card's configuration (a POST /runs body, from the API) as the page's
// state, and the lesson URLs. Pure: unit-tested in node.
import { encodeState } from "../state.js";

// The configuration part of the page state a card sets (speed and log scale stay the learner's).
export function cardState(card) {
  const cfg = card.config;
  const spec = cfg.objective ?? {};
  const custom = spec.expression !== undefined;
  const { id, expression, ...options } = spec;
  return {
    objective: custom ? "custom" : id,
    expression: custom ? expression : "",
    options: custom ? {} : options,
    start: cfg.runs?.[0]?.start ? cfg.runs[0].start.slice() : null,
    view: card.view ? card.view.map((r) => r.slice()) : null,
    steps: cfg.steps,
    runs: (cfg.runs ?? []).map(({ optimizer }) => {
      const { name, ...hp } = optimizer;
      return { optimizer: name, hp };
    }),
    stop: { loss_below: cfg.stop?.loss_below ?? null, grad_norm_below: cfg.stop?.grad_norm_below ?? null },
    seed: cfg.seed ?? 0,
  };
}

// What the URL asks for: {list: true}, {lesson, card}, or null (the free playground).
export function lessonQuery(search) {
  const q = new URLSearchParams(String(search ?? "").replace(/^\?/, ""));
  if (q.has("lesson")) {
    const card = Math.max(1, Math.floor(Number(q.get("card")) || 1));
    const lesson = q.get("lesson");
    return /^[a-z0-9-]+$/.test(lesson) ? { lesson, card } : { list: true };
  }
  return q.has("learn") ? { list: true } : null;
}

export const cardURL = (lesson, card) => `?lesson=${encodeURIComponent(lesson)}&card=${card}`;
export const LIST_URL = "?learn";

// The free playground with this configuration: one click away from any card.
export const playgroundURL = (state) => `./?${encodeState(state)}`;
