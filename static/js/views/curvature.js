// views/curvature.js — the Hessian at the current point (run 1 under the playhead, else the
// start) from POST /inspect: its eigenvectors drawn as axes on the contour, each as long as its
// eigenvalue is large, and the stability limit 2/λmax beside every run's learning rate, with a
// warning when plain gradient descent's rate is above it (each step then overshoots along the
// steepest-curvature axis by more than it gains, so the iterates grow: the run diverges).
import { arrow } from "../draw.js";
import { el } from "../dom.js";
import { currentPoint, num, post, vec } from "./common.js";
import { addLayer, removeLayer } from "./overlay.js";

const AXIS_PX = 90; // half-length of the largest |λ| axis
const MIN_PX = 10;

// The learning rate above which a run's steps grow along the top eigenvector (for a quadratic):
// plain GD 2/λ; heavy-ball momentum β (no dampening) 2(1 + β)/λ. None for adaptive optimizers.
export function stabilityLimit(run, lambdaMax) {
  if (!(lambdaMax > 0)) return null;
  if (run.optimizer !== "sgd") return null;
  const beta = Number(run.hp?.momentum ?? 0) || 0;
  const damp = Number(run.hp?.dampening ?? 0) || 0;
  if (run.hp?.nesterov || damp) return 2 / lambdaMax; // keep the plain rule for the variants
  return (2 * (1 + beta)) / lambdaMax;
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
  let shown = false;

  const want = () => JSON.stringify({ objective: ctx.objectiveSpec(), point: currentPoint(ctx) });

  let loop = 0;
  async function refresh(id) {
    if (!shown || id !== loop) return;
    const key = want();
    if (key !== wanted && !busy) {
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
    if (!shown || id !== loop) return;
    annotateRuns();
    requestAnimationFrame(() => refresh(id));
  }

  const lambdaMax = () => (info?.eigenvalues ? Math.max(...info.eigenvalues) : null);

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
    readout.dataset.limit = lmax > 0 ? String(2 / lmax) : "";
    const rows = lam.map((l, i) =>
      el("tr", { "data-eigen": i }, [el("th", { scope: "row" }, `λ${i + 1}`), el("td", {}, num(l)), el("td", {}, vec(info.eigenvectors[i], 3))]),
    );
    readout.append(
      el("p", {}, `At (${info.point.map((v) => num(v)).join(", ")}) ${names.length ? `[${names.join(", ")}]` : ""}: loss ${num(info.loss)}, gradient ${vec(info.gradient)}.`),
      el("table", { class: "view-table" }, [
        el("thead", {}, el("tr", {}, [el("th", { scope: "col" }, "eigenvalue"), el("th", { scope: "col" }, "λ"), el("th", { scope: "col" }, "eigenvector")])),
        el("tbody", {}, rows),
      ]),
      el("p", { "data-testid": "curvature-limit" }, lmax > 0 ? `Stability limit of gradient descent: 2/λmax = 2/${num(lmax)} = ${num(2 / lmax)}.` : "λmax ≤ 0: no curvature limits the step here (the loss curves down or is flat)."),
    );
    if (lam.length === 2 && lam[0] !== 0) readout.append(el("p", { class: "hint" }, `Condition number λmax/λmin = ${num(Math.abs(lam[1] / lam[0]))}: the larger it is, the narrower the valley and the slower plain gradient descent.`));
    body.dataset.ready = "1";
  }

  // Beside each run's learning rate (in the run editor) and in this panel: lr against the limit.
  function annotateRuns() {
    const lmax = lambdaMax();
    const runs = ctx.state().runs;
    const lis = document.querySelectorAll("#runs > li");
    const rows = [];
    let over = 0;
    runs.forEach((run, i) => {
      const limit = stabilityLimit(run, lmax);
      const lr = Number(run.hp?.lr);
      const bad = limit !== null && lr > limit;
      if (bad) over++;
      const text = limit === null ? (lmax > 0 ? `2/λmax = ${num(2 / lmax)} (${run.optimizer} scales its own steps)` : "") : `${bad ? "⚠ above " : "below "}${run.hp?.momentum ? `2(1+β)/λmax = ${num(limit)}` : `2/λmax = ${num(limit)}`}`;
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
    const key = JSON.stringify([lmax, runs.map((r) => [r.optimizer, r.hp?.lr, r.hp?.momentum])]);
    if (runsBox.dataset.key !== key) {
      runsBox.dataset.key = key;
      runsBox.dataset.over = String(over);
      runsBox.replaceChildren(el("ul", { class: "view-legend", style: "flex-direction:column" }, rows));
    }
  }

  function clearBadges() {
    for (const b of document.querySelectorAll("#runs .lr-limit")) b.remove();
  }

  const layer = {
    key: () => info?.key ?? "",
    draw(c, { xs, ys }) {
      if (!info?.eigenvalues || info.point.length !== 2) return;
      const [px, py] = [xs(info.point[0]), ys(info.point[1])];
      const big = Math.max(...info.eigenvalues.map(Math.abs)) || 1;
      info.eigenvalues.forEach((l, i) => {
        const v = info.eigenvectors[i];
        // Direction on screen (the axes may be scaled differently), length ∝ |λ|.
        const dx = v[0] * xs.scale;
        const dy = v[1] * ys.scale;
        const n = Math.hypot(dx, dy) || 1;
        const L = Math.max(MIN_PX, (AXIS_PX * Math.abs(l)) / big);
        const [ux, uy] = [(dx / n) * L, (dy / n) * L];
        const color = l < 0 ? "#ff7b72" : l === Math.max(...info.eigenvalues) ? "#ffffff" : "#58a6ff";
        const style = { color, width: 2.4, dash: l < 0 ? [6, 4] : null, head: 8 };
        c.lineWidth = 5;
        c.strokeStyle = "rgba(0,0,0,0.55)";
        c.beginPath();
        c.moveTo(px - ux, py - uy);
        c.lineTo(px + ux, py + uy);
        c.stroke();
        arrow(c, px, py, px + ux, py + uy, style);
        arrow(c, px, py, px - ux, py - uy, style);
        c.font = "bold 12px system-ui, sans-serif";
        c.lineWidth = 3;
        c.strokeStyle = "#111";
        const tx = px + ux + (ux >= 0 ? 6 : -70);
        const ty = py + uy + (uy >= 0 ? 14 : -6);
        c.strokeText(`λ${i + 1} = ${num(l, 3)}`, tx, ty);
        c.fillStyle = color;
        c.fillText(`λ${i + 1} = ${num(l, 3)}`, tx, ty);
      });
    },
  };

  return {
    show() {
      shown = true;
      wanted = "";
      addLayer(ctx, "curvature", layer);
      const id = ++loop;
      requestAnimationFrame(() => refresh(id));
    },
    hide() {
      shown = false;
      removeLayer("curvature");
      clearBadges();
    },
  };
}
