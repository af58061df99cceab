// visuals.js — build the page's visuals and controls and connect their events to the page:
// the 2-D surface and the 1-D curve, the charts, the run table, the playback controls, the run
// editor, the data panel and the share box.
import { Charts } from "./charts.js";
import { Controls } from "./controls.js";
import { CurveView } from "./curve1d.js";
import { DataPanel } from "./datapanel.js";
import { RunsEditor } from "./runs.js";
import { SurfaceView } from "./surface.js";
import { RunTable } from "./table.js";

const $ = (id) => document.getElementById(id);

// The surface, the curve and the playback controls: all that /embed shows (embed.js).
export function mountPlayback(page) {
  const onView = (v) => {
    page.state.view = v.map((r) => r.map((x) => Number(x.toPrecision(6))));
    page.requestSurface();
    page.urlDirty = true;
  };
  const plotEvents = {
    onStart: (point) => page.setStart(point),
    onStartDrag: (point) => page.setStart(point), // the whole path follows the drag
    onView,
  };
  const surface = new SurfaceView($("surface"), plotEvents);
  const curve = new CurveView($("curve"), plotEvents);
  const resetView = () => {
    page.state.view = null;
    page.view().setView(page.meta.view_box, false);
    page.requestSurface();
    page.urlDirty = true;
  };
  surface.onResetView = resetView;
  curve.onResetView = resetView;

  const player = () => page.player;
  const controls = new Controls($("controls"), {
    toggle: () => (page.failed || !player().traces ? page.rerun({ from: "start", play: true }) : player().toggle()),
    stepBy: (d) => player().stepBy(d),
    reset: () => player().reset(),
    scrub: (k) => player().scrub(k),
    speed: (v) => {
      page.state.speed = v;
      player().speed = v;
      page.urlDirty = true;
    },
  });
  controls.setSpeed(page.state.speed);
  return { surface, curve, controls };
}

export function mountVisuals(page) {
  const { surface, curve, controls } = mountPlayback(page);
  const player = () => page.player;
  const charts = new Charts($("loss-chart"), $("grad-chart"), { onScrub: (k) => player().scrub(k) });
  const runsEditor = new RunsEditor($("runs"), $("add-run"), {
    onChange: (runs) => page.changed(() => (page.state.runs = runs)),
  });
  // The export buttons' code is fetched on the first click: the first view does without it.
  const share = $("share");
  const context = () => ({
    traces: player().traces,
    request: page.request ?? page.raceRequest(),
    endpoint: `${location.origin}${page.api.url("/runs")}`,
    paramNames: page.meta?.param_names ?? ["x", "y"],
  });
  const firstClick = async (e) => {
    const button = e.target.closest("[data-action]");
    if (!button) return;
    share.removeEventListener("click", firstClick);
    const { mountShare } = await import("./share.js");
    mountShare(share, context, (text, kind) => page.status.notify(text, kind));
    button.click(); // now answered by the buttons' own handlers
  };
  share.addEventListener("click", firstClick);
  return {
    surface,
    curve,
    charts,
    controls,
    runsEditor,
    table: new RunTable($("run-table")),
    dataPanel: new DataPanel($("data-panel"), page.api, page.colors),
  };
}
