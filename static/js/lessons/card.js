// lessons/card.js — a card's rich text as DOM: paragraphs, bold terms, code, KaTeX math, and
// each stated number in a span that names its slot and value (tests and tools read them).
import { el } from "../dom.js";
import { mathHTML } from "../katex.js";
import { parseRich } from "./rich.js";

function piece(katex, p) {
  if (p.kind === "math") return mathHTML(katex, p.tex, p.display);
  if (p.kind === "code") return el("code", {}, p.text);
  const node = p.slot ? el("span", { class: "num", "data-slot": p.slot, "data-value": String(p.value) }, p.text) : document.createTextNode(p.text);
  return p.kind === "bold" ? el("strong", {}, node) : node;
}

// Every paragraph of `source` as a <p>.
export function richBlock(katex, source, numbers) {
  return parseRich(source, numbers).map((para) => el("p", {}, para.map((p) => piece(katex, p))));
}

// `source` as one inline span (a question, a choice, a task): paragraphs joined by a space.
export function richInline(katex, source, numbers) {
  const parts = parseRich(source, numbers).flatMap((para, i) => [...(i ? [" "] : []), ...para.map((p) => piece(katex, p))]);
  return el("span", {}, parts);
}
