// surfaceinput.js — direct manipulation of the 2-D surface: drag the start marker (the path
// follows live), click to set the start, drag to pan, wheel or the toolbar to zoom, and hover
// for the parameters and the loss under the pointer.
import { formatNumber } from "./format.js";

export function bindSurfaceInput(view) {
  const el = view.overlay;
  bindPointer(view, el);
  view.root.querySelector("[data-action=zoom-in]")?.addEventListener("click", () => view.zoom(1 / 1.5));
  view.root.querySelector("[data-action=zoom-out]")?.addEventListener("click", () => view.zoom(1.5));
  view.root.querySelector("[data-action=reset-view]")?.addEventListener("click", () => view.onResetView?.());
}

function pos(view, e) {
  const b = view.overlay.getBoundingClientRect();
  return [e.clientX - b.left, e.clientY - b.top];
}

function nearStart(view, px, py) {
  if (!view.start) return false;
  const { xs, ys } = view.scales();
  return Math.hypot(xs(view.start[0]) - px, ys(view.start[1]) - py) <= 12;
}

function bindPointer(view, el) {
  let drag = null;
  el.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    const [px, py] = pos(view, e);
    el.setPointerCapture(e.pointerId);
    drag = { mode: nearStart(view, px, py) ? "start" : "pan", px, py, view: view.view.map((r) => r.slice()), moved: false };
    el.classList.add(drag.mode === "start" ? "dragging-start" : "panning");
  });
  el.addEventListener("pointermove", (e) => {
    const [px, py] = pos(view, e);
    if (!drag) {
      hover(view, px, py);
      el.classList.toggle("over-start", nearStart(view, px, py));
      return;
    }
    if (Math.hypot(px - drag.px, py - drag.py) > 3) drag.moved = true;
    const { xs, ys } = view.scales(drag.view);
    if (drag.mode === "start") {
      view.setStart([xs.invert(px), ys.invert(py)]);
      view.onStartDrag?.(view.start);
      hover(view, px, py);
    } else if (drag.moved) {
      const ddx = xs.invert(drag.px) - xs.invert(px);
      const ddy = ys.invert(drag.py) - ys.invert(py);
      view.setView([[drag.view[0][0] + ddx, drag.view[0][1] + ddx], [drag.view[1][0] + ddy, drag.view[1][1] + ddy]], false);
    }
  });
  const end = (e) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    el.classList.remove("dragging-start", "panning");
    if (e.type === "pointercancel") return;
    const [px, py] = pos(view, e);
    const { xs, ys, r } = view.scales(d.view);
    if (d.mode === "start") {
      if (d.moved) view.onStart?.(view.start);
    } else if (!d.moved) {
      // A click (no drag) inside the plot sets the start point there.
      if (px >= r.x && px <= r.x + r.w && py >= r.y && py <= r.y + r.h) {
        view.setStart([xs.invert(px), ys.invert(py)]);
        view.onStart?.(view.start);
      }
    } else view.onView?.(view.view);
  };
  el.addEventListener("pointerup", end);
  el.addEventListener("pointercancel", end);
  el.addEventListener("pointerleave", () => {
    if (!drag) view.tip.hidden = true;
  });
  el.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const [px, py] = pos(view, e);
      view.zoom(Math.exp(e.deltaY * 0.0015), px, py);
    },
    { passive: false },
  );
  }

function hover(view, px, py) {
  const { r, xs, ys } = view.scales();
  if (px < r.x || px > r.x + r.w || py < r.y || py > r.y + r.h) {
    view.tip.hidden = true;
    return;
  }
  const x = xs.invert(px);
  const y = ys.invert(py);
  const loss = view.lossAt(x, y);
  const lossText = loss === null ? "?" : Number.isFinite(loss) ? `≈ ${formatNumber(loss)}` : "not finite";
  view.tip.textContent = `${view.names[0]} = ${formatNumber(x)}, ${view.names[1]} = ${formatNumber(y)}, loss ${lossText}`;
  view.tip.hidden = false;
  const left = Math.min(px + 14, view.size.w - view.tip.offsetWidth - 4);
  view.tip.style.transform = `translate(${Math.max(0, left)}px, ${Math.max(0, py - 30)}px)`;
  }
