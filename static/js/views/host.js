// views/host.js — the panels of the extra views (the update rule, backpropagation, curvature,
// sweeps, basins, optimizer state, stochastic descent, 3-D). Each view lives in its own module, fetched with
// import() the first time its panel is opened, so the first view of the page stays small.
// The views keep no animation loops: the page's player calls tickViews() once per frame, and
// each shown view redraws only when what it shows has changed.
import { el } from "../dom.js";
import { frameOverlay } from "./overlay.js";

export const VIEWS = [
  { id: "rule", title: "The update rule, live: this step's numbers, and why", load: () => import("./rule.js") },
  { id: "backprop", title: "Backpropagation, step by step", load: () => import("./backprop.js") },
  { id: "curvature", title: "Curvature: Hessian axes and the stability limit", load: () => import("./curvature.js") },
  { id: "sweep", title: "Learning-rate sweep", load: () => import("./sweep.js") },
  { id: "basins", title: "Basins of attraction", load: () => import("./basins.js") },
  { id: "state", title: "Optimizer state: momentum, Adam's moments and its effective step", load: () => import("./state.js") },
  { id: "stochastic", title: "Stochastic descent: mini-batch against full batch", load: () => import("./stochastic.js") },
  { id: "surface3d", title: "3-D surface", load: () => import("./surface3d.js") },
];

const shown = new Set(); // the mounted views whose panels are open
let context = null;

// A view mounted elsewhere (a lesson card's update rule) gets the same frames; returns the way out.
export function watchFrames(view) {
  shown.add(view);
  return () => shown.delete(view);
}

// One frame of every open view (and of the views' layer on the surface); cheap when nothing changed.
export function tickViews() {
  for (const view of shown) view.frame?.();
  if (context) frameOverlay(context);
}

export function mountViews(root, ctx) {
  if (!root) return;
  context = ctx;
  document.head.append(el("link", { rel: "stylesheet", href: new URL("../../css/views.css", import.meta.url).href }));
  for (const v of VIEWS) {
    const body = el("div", { class: "view-body" });
    const details = el("details", { class: "panel view", id: `view-${v.id}`, "data-testid": `view-${v.id}` }, [el("summary", {}, v.title), body]);
    root.append(details);
    let mounted = null;
    details.addEventListener("toggle", async () => {
      if (!details.open) {
        const view = await mounted;
        if (view) shown.delete(view);
        view?.hide?.();
        return;
      }
      mounted ??= v.load().then((mod) => mod.mount(body, ctx));
      try {
        const view = await mounted;
        details.dataset.loaded = "1";
        if (details.open && view) {
          view.show?.();
          shown.add(view);
        }
      } catch (e) {
        mounted = null;
        ctx.say(`Could not open “${v.title}”: ${e?.message ?? e}`, "error");
      }
    });
  }
}
