// lessons/rich.js — a card's text as pieces to render: paragraphs of prose, **bold** terms,
// `code`, inline math \( \) and display math \[ \], with the card's number slots {=name} filled
// in (the text form in prose, the TeX form in math). Pure: unit-tested in node.

const SLOT = /\{=([A-Za-z_]\w*)\}/g;
const MATH = /\\\((.*?)\\\)|\\\[(.*?)\\\]/gs;
const MARK = /\*\*(.+?)\*\*|`([^`]+)`/g;

// Paragraphs, each a list of pieces: {kind: "text"|"bold"|"code", text, slots} or
// {kind: "math", tex, display}. A prose piece keeps which numbers it states (for tests/tools).
export function parseRich(source, numbers = {}) {
  return String(source ?? "")
    .trim()
    .split(/\n\s*\n/)
    .map((para) => pieces(para.replace(/\s*\n\s*/g, " "), numbers));
}

function pieces(para, numbers) {
  const out = [];
  let at = 0;
  for (const m of para.matchAll(MATH)) {
    if (m.index > at) out.push(...prose(para.slice(at, m.index), numbers));
    const display = m[2] !== undefined;
    out.push({ kind: "math", tex: fillSlots(display ? m[2] : m[1], numbers, "tex"), display });
    at = m.index + m[0].length;
  }
  if (at < para.length) out.push(...prose(para.slice(at), numbers));
  return out;
}

function prose(text, numbers) {
  const out = [];
  let at = 0;
  for (const m of text.matchAll(MARK)) {
    if (m.index > at) out.push(...slotted("text", text.slice(at, m.index), numbers));
    if (m[1] !== undefined) out.push(...slotted("bold", m[1], numbers));
    else out.push({ kind: "code", text: m[2] });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(...slotted("text", text.slice(at), numbers));
  return out;
}

// Prose split at its slots, each slot its own piece with the number's name and value.
function slotted(kind, text, numbers) {
  const out = [];
  let at = 0;
  for (const m of text.matchAll(SLOT)) {
    if (m.index > at) out.push({ kind, text: text.slice(at, m.index) });
    const n = numbers[m[1]];
    out.push({ kind, text: n ? n.text : `{=${m[1]}}`, slot: m[1], value: n ? n.value : null });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ kind, text: text.slice(at) });
  return out;
}

// {=name} → the number's text (prose) or TeX (math); an unknown slot stays visible as it is.
export function fillSlots(text, numbers, form = "text") {
  return String(text).replace(SLOT, (whole, name) => (numbers[name] ? numbers[name][form] : whole));
}

// The plain text of a rich source (for aria labels and titles).
export function plainText(source, numbers = {}) {
  return parseRich(source, numbers)
    .map((para) => para.map((p) => (p.kind === "math" ? p.tex.replace(/\\[a-z]+\s?|[{}]/gi, "") : p.text)).join(""))
    .join(" ");
}
