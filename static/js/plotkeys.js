// plotkeys.js — keyboard for a plot canvas: once it has keyboard focus (Tab, not a mouse click),
// the arrow keys pan by a tenth of the view and + / − zoom. Handled keys are marked with
// preventDefault, so the page's own keys (←/→ step) leave them alone. After a click on the plot
// (which focuses it too) the arrows step the descent as everywhere else.
const PAN = 0.1;

// pan(fx, fy): move the view by these fractions of its size; zoom(factor): > 1 zooms out.
export function bindPlotKeys(canvas, { pan, zoom }) {
  canvas.tabIndex = 0;
  canvas.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight ArrowUp ArrowDown + -");
  let byKeyboard = false; // focus came from Tab, and no click on the plot since
  canvas.addEventListener("focus", () => (byKeyboard = canvas.matches(":focus-visible")));
  canvas.addEventListener("pointerdown", () => (byKeyboard = false));
  canvas.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || !byKeyboard) return;
    const moves = { ArrowLeft: [-PAN, 0], ArrowRight: [PAN, 0], ArrowUp: [0, PAN], ArrowDown: [0, -PAN] };
    if (moves[e.key]) pan(...moves[e.key]);
    else if (e.key === "+" || e.key === "=") zoom(1 / 1.5);
    else if (e.key === "-" || e.key === "_") zoom(1.5);
    else return;
    e.preventDefault();
  });
}
