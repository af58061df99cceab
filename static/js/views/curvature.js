// views/curvature.js — the Hessian at the current point (run 1 under the playhead, else the
// start) from POST /inspect: its eigenvectors drawn as axes on the contour, each as long as its
// eigenvalue is large, and the stability limit 2/λmax beside every run's learning rate, with a
// warning when plain gradient descent's rate is above it (each step then overshoots along the
// steepest-curvature axis by more than it gains, so the iterates grow: the run diverges).
import { arrow } from "../draw.js";
import { el } from "../dom.js";
import { currentPoint, num, post, vec } from "./common.js";
import { placeLabels } from "./labels.js";
import { addLayer, removeLayer } from "./overlay.js";

const AXIS_PX = 90; // half-length of the largest |λ| axis
const MIN_PX = 10;
const LABEL_FONT = "bold 12px system-ui, sans-serif";

// The learning rate above which a run's steps grow along the top eigenvector (for a quadratic),
// from the server's plain-GD limit 2/λmax (/inspect's sgd_lr_limit): plain GD that limit;
// heavy-ball momentum β (no dampening) (1 + β) times it. None for adaptive optimizers.
export function stabilityLimit(run, sgdLimit) {
  if (!(sgdLimit > 0)) return null;
  if (run.optimizer !== "sgd") return null;
  const beta = Number(run.hp?.momentum ?? 0) || 0;
  const damp = Number(run.hp?.dampening ?? 0) || 0;
  if (run.hp?.nesterov || damp) return sgdLimit; // keep the plain rule for the variants
  return (1 + beta) * sgdLimit;
}

export function mount(body, ctx) {
  const readout = el("div", { class: "view-summary", "data-testid": "curvature-readout", "aria-live": "polite" });
  const runsBox = el("div", { "data-testid": "curvature-runs" });
  body.append(
    el("p", { class: "hint" }, "The Hessian's eigenvectors are the directions of pure curvature; each axis on the contour is drawn as long as its eigenvalue λ is large (solid: λ > 0, curving up; dashed red: λ < 0, a saddle direction). Plain gradient descent is stable only while lr < 2/λmax: above it, each step overshoots along the top axis and the run diverges. Newton's method divides by the Hessian instead: pick “newton” as a run's optimizer."),
    el("ul", { class: "view-legend" }, [
      el("li", {}, [el("span", { class: "swatch", style: "background:#ffffff" }), "axis of λmax (longest)"]),
      el("li", {}, [el("span", { class: "swatch", style: "background:#58a6ff" }), "axis of the smaller λ"]),
      el("li", {}, [el("span", { class: "swatch", style: "background:#ff7b72" }), "λ < 0 (dashed)"]),
    ]),
    readout,
    runsBox,
  );

  let info = null; // last /inspect answer with the request it answers
  let wanted = "";
  let busy = false;

  const want = () => JSON.stringify({ objective: ctx.objectiveSpec(), point: currentPoint(ctx) });

  // One frame of the page's player: ask for the Hessian when the point moved (one request at a
  // time; the newest point is asked next), and keep the learning-rate notes up to date.
  function frame() {
    const key = want();
    if (key !== wanted && !busy) inspect(key);
    annotateRuns();
  }

  async function inspect(key) {
    wanted = key;
    busy = true;
    try {
      const res = await post(ctx, "/inspect", JSON.parse(key));
      info = { ...res, key };
      render();
    } catch (e) {
      readout.textContent = `Could not compute the Hessian: ${e.message}`;
      body.dataset.ready = "0";
    } finally {
      busy = false;
    }
  }

  const lambdaMax = () => (info?.eigenvalues ? Math.max(...info.eigenvalues) : null);
  const sgdLimit = () => info?.sgd_lr_limit ?? null; // 2/λmax, as the server works it out

  function render() {
    const names = info.param_names ?? [];
    const lam = info.eigenvalues;
    const lmax = lambdaMax();
    readout.replaceChildren();
    readout.dataset.point = JSON.stringify(info.point);
    if (!lam) {
      readout.append(el("p", {}, "The Hessian is not finite here."));
      body.dataset.ready = "1";
      return;
    }
    readout.dataset.eigenvalues = JSON.stringify(lam);
    const limit = sgdLimit();
    readout.dataset.limit = limit > 0 ? String(limit) : "";
    const rows = lam.map((l, i) =>
      el("tr", { "data-eigen": i }, [el("th", { scope: "row" }, `λ${i + 1}`), el("td", {}, num(l)), el("td", {}, vec(info.eigenvectors[i], 3))]),
    );
    readout.append(
      el("p", {}, `At (${info.point.map((v) => num(v)).join(", ")}) ${names.length ? `[${names.join(", ")}]` : ""}: loss ${num(info.loss)}, gradient ${vec(info.gradient)}.`),
      el("table", { class: "view-table" }, [
        el("thead", {}, el("tr", {}, [el("th", { scope: "col" }, "eigenvalue"), el("th", { scope: "col" }, "λ"), el("th", { scope: "col" }, "eigenvector")])),
        el("tbody", {}, rows),
      ]),
      el("p", { "data-testid": "curvature-limit" }, limit > 0 ? `Stability limit of gradient descent: 2/λmax = 2/${num(lmax)} = ${num(limit)}.` : "λmax ≤ 0: no curvature limits the step here (the loss curves down or is flat)."),
    );
    if (lam.length === 2 && lam[0] !== 0) readout.append(el("p", { class: "hint" }, `Condition number λmax/λmin = ${num(Math.abs(lam[1] / lam[0]))}: the larger it is, the narrower the valley and the slower plain gradient descent.`));
    body.dataset.ready = "1";
  }

  // Beside each run's learning rate (in the run editor) and in this panel: lr against the limit.
  // Rebuilt only when λmax, the runs or the run editor's items change (checked every frame).
  let noted = { key: "", items: [] };
  function annotateRuns() {
    const plain = sgdLimit();
    const runs = ctx.state().runs;
    const lis = [...document.querySelectorAll("#runs > li")];
    const key = JSON.stringify([plain, runs.map((r) => [r.optimizer, r.hp?.lr, r.hp?.momentum, r.hp?.nesterov, r.hp?.dampening])]);
    if (key === noted.key && lis.length === noted.items.length && lis.every((li, i) => li === noted.items[i])) return;
    noted = { key, items: lis };
    const rows = [];
    let over = 0;
    runs.forEach((run, i) => {
      const limit = stabilityLimit(run, plain);
      const lr = Number(run.hp?.lr);
      const bad = limit !== null && lr > limit;
      if (bad) over++;
      const text = limit === null ? (plain > 0 ? `2/λmax = ${num(plain)} (${run.optimizer} scales its own steps)` : "") : `${bad ? "⚠ above " : "below "}${run.hp?.momentum ? `2(1+β)/λmax = ${num(limit)}` : `2/λmax = ${num(limit)}`}`;
      rows.push(el("li", { "data-run": i, "data-over": bad ? "1" : "0", class: bad ? "view-warning" : "" }, `Run ${i + 1} (${run.optimizer}, lr ${num(lr)}): ${text || "no limit here"}${bad ? " — its steps grow along the top axis here." : ""}`));
      const li = lis[i];
      if (!li) return;
      let badge = li.querySelector(".lr-limit");
      const host = li.querySelector(".lr-pair");
      if (!text) {
        badge?.remove();
        return;
      }
      if (!badge && host) {
        badge = el("p", { class: "lr-limit", "data-testid": "lr-limit" });
        host.after(badge);
      }
      if (badge && badge.textContent !== text) {
        badge.textContent = text;
        badge.dataset.over = bad ? "1" : "0";
      }
    });
    runsBox.dataset.over = String(over);
    runsBox.replaceChildren(el("ul", { class: "view-legend", style: "flex-direction:column" }, rows));
  }

  function clearBadges() {
    for (const b of document.querySelectorAll("#runs .lr-limit")) b.remove();
  }

  const layer = {
    key: () => info?.key ?? "",
    draw(c, { xs, ys, r }) {
      if (!info?.eigenvalues || info.point.length !== 2) return;
      const [px, py] = [xs(info.point[0]), ys(info.point[1])];
      const lam = info.eigenvalues;
      const top = Math.max(...lam);
      const big = Math.max(...lam.map(Math.abs)) || 1;
      const arrows = lam.map((l, i) => {
        const v = info.eigenvectors[i];
        // Direction on screen (the axes may be scaled differently), length ∝ |λ|.
        const dx = v[0] * xs.scale;
        const dy = v[1] * ys.scale;
        const n = Math.hypot(dx, dy) || 1;
        const L = Math.max(MIN_PX, (AXIS_PX * Math.abs(l)) / big);
        const [ux, uy] = [(dx / n) * L, (dy / n) * L];
        const color = l < 0 ? "#ff7b72" : l === top ? "#ffffff" : "#58a6ff";
        const text = `λ${i + 1} = ${num(l, 3)}${l === top && lam.length > 1 ? " (λmax)" : ""}`;
        return { from: [px, py], tips: [[px + ux, py + uy], [px - ux, py - uy]], color, dash: l < 0 ? [6, 4] : null, text };
      });
      for (const a of arrows) {
        c.lineWidth = 5;
        c.strokeStyle = "rgba(0,0,0,0.55)";
        c.beginPath();
        c.moveTo(...a.tips[1]);
        c.lineTo(...a.tips[0]);
        c.stroke();
        for (const tip of a.tips) arrow(c, px, py, tip[0], tip[1], { color: a.color, width: 2.4, dash: a.dash, head: 8 });
      }
      c.font = LABEL_FONT;
      const sizes = arrows.map((a) => ({ w: Math.ceil(c.measureText(a.text).width) + 6, h: 16 }));
      const boxes = placeLabels(arrows, sizes, r);
      c.textBaseline = "middle";
      arrows.forEach((a, i) => {
        const b = boxes[i];
        c.fillStyle = "rgba(13,17,23,0.78)";
        c.fillRect(b.x, b.y, b.w, b.h);
        c.fillStyle = a.color;
        c.fillText(a.text, b.x + 3, b.y + b.h / 2 + 0.5);
      });
      // Where each label went, for tests and tools: its box, its arrow, and the plot.
      readout.dataset.labels = JSON.stringify(arrows.map((a, i) => ({ text: a.text, box: boxes[i], from: a.from, tips: a.tips })));
      readout.dataset.plot = JSON.stringify(r);
    },
  };

  return {
    show() {
      wanted = "";
      noted = { key: "", items: [] };
      addLayer("curvature", layer);
    },
    frame,
    hide() {
      removeLayer("curvature");
      clearBadges();
    },
  };
}
