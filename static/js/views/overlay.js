// views/overlay.js — one extra canvas on the page's 2-D surface, between the paths and the
// markers, where views draw what belongs at the current point (curvature axes, optimizer state).
// host.js calls frameOverlay() once per frame; it redraws only when the view box, the canvas
// size or a layer's own key changes.
import { fitCanvas } from "../draw.js";

const layers = new Map(); // name → {key(): string, draw(ctx2d, scales)}
let canvas = null;
let lastKey = "";

export function addLayer(name, layer) {
  layers.set(name, layer);
  lastKey = "";
}

export function removeLayer(name) {
  layers.delete(name);
  lastKey = "";
}

function ensureCanvas(surface) {
  if (canvas?.isConnected && canvas.parentNode === surface.stack) return canvas;
  canvas = document.createElement("canvas");
  canvas.className = "views-layer";
  canvas.setAttribute("aria-hidden", "true");
  canvas.dataset.testid = "views-layer";
  surface.stack.insertBefore(canvas, surface.overlay);
  lastKey = "";
  return canvas;
}

function clear() {
  if (lastKey === "clear") return;
  canvas?.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  if (canvas) canvas.dataset.layers = "";
  lastKey = "clear";
}

export function frameOverlay(ctx) {
  const surface = layers.size ? ctx.surface() : null;
  if (!surface) {
    clear();
    return;
  }
  const c = ensureCanvas(surface);
  const { w, h } = surface.size;
  const keys = [...layers.values()].map((l) => l.key());
  const key = JSON.stringify([surface.view, w, h, keys]);
  if (key === lastKey) return;
  lastKey = key;
  const c2d = fitCanvas(c, w, h);
  c2d.clearRect(0, 0, w, h);
  const scales = surface.scales();
  const { r } = scales;
  c2d.save();
  c2d.beginPath();
  c2d.rect(r.x, r.y, r.w, r.h);
  c2d.clip();
  for (const l of layers.values()) {
    c2d.save();
    l.draw(c2d, scales);
    c2d.restore();
  }
  c2d.restore();
  c.dataset.layers = [...layers.keys()].join(" ");
}
