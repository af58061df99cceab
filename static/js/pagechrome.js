// pagechrome.js — what the page puts around the live surface: every visual (visuals.js), the
// objective panel, the inputs and extra views, and lesson mode. main.js's Playground takes it by
// default; /embed (embed.js) passes its own, with the surface and playback controls alone.
import { bindInputs } from "./inputs.js";
import { ObjectivePanel } from "./objective.js";
import { mountVisuals } from "./visuals.js";
import { mountViews } from "./views/host.js";
import { viewContext } from "./viewsbridge.js";

export const PAGE_CHROME = {
  visuals: mountVisuals, // surface, curve, charts, table, controls, runsEditor, dataPanel
  objectivePanel: (handlers) => new ObjectivePanel(handlers),
  inputs(page) {
    bindInputs(page);
    mountViews(document.getElementById("views"), viewContext(page));
  },
  lessons: true, // ?learn and ?lesson= open lesson mode
};
