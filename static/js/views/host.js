// views/host.js — the panels of the extra views (backpropagation, curvature, sweeps, basins,
// optimizer state, stochastic descent, 3-D). Each view lives in its own module, fetched with
// import() the first time its panel is opened, so the first view of the page stays small.
import { el } from "../dom.js";

export const VIEWS = [
  { id: "backprop", title: "Backpropagation, step by step", load: () => import("./backprop.js") },
  { id: "curvature", title: "Curvature: Hessian axes and the stability limit", load: () => import("./curvature.js") },
  { id: "sweep", title: "Learning-rate sweep", load: () => import("./sweep.js") },
  { id: "basins", title: "Basins of attraction", load: () => import("./basins.js") },
  { id: "state", title: "Optimizer state: momentum, Adam's moments and its effective step", load: () => import("./state.js") },
  { id: "stochastic", title: "Stochastic descent: mini-batch against full batch", load: () => import("./stochastic.js") },
  { id: "surface3d", title: "3-D surface", load: () => import("./surface3d.js") },
];

export function mountViews(root, ctx) {
  if (!root) return;
  document.head.append(el("link", { rel: "stylesheet", href: new URL("../../css/views.css", import.meta.url).href }));
  for (const v of VIEWS) {
    const body = el("div", { class: "view-body" });
    const details = el("details", { class: "panel view", id: `view-${v.id}`, "data-testid": `view-${v.id}` }, [el("summary", {}, v.title), body]);
    root.append(details);
    let mounted = null;
    details.addEventListener("toggle", async () => {
      if (!details.open) {
        (await mounted)?.hide?.();
        return;
      }
      mounted ??= v.load().then((mod) => mod.mount(body, ctx));
      try {
        const view = await mounted;
        details.dataset.loaded = "1";
        if (details.open) view?.show?.();
      } catch (e) {
        mounted = null;
        ctx.say(`Could not open “${v.title}”: ${e?.message ?? e}`, "error");
      }
    });
  }
}
