// dom.js — a tiny element builder. Text always goes in as text nodes (never innerHTML), so names
// and messages from the server or the URL cannot inject markup.
export function el(tag, attrs = {}, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (children === undefined || children === null) return node;
  for (const c of Array.isArray(children) ? children : [children]) {
    node.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return node;
}
