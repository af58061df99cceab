// widget.js — the notebook widget's front end (anywidget's render({model, el})): a running
// playground server's /embed in an iframe. Commands from Python (custom messages) go to the
// iframe by postMessage; the iframe's events go back to Python. Nothing comes from a CDN: the
// view is the server's own page, and this module is all the widget adds.

// The address of the view for the model's server and URL state.
export function embedURL(server, query, base) {
  const url = new URL(`${server.replace(/\/+$/, "")}/embed`, base);
  url.search = query.replace(/^\?/, "");
  return url;
}

function render({ model, el }) {
  const frame = document.createElement("iframe");
  frame.title = "Gradient Descent Playground";
  frame.style.cssText = "display:block;width:100%;border:0;border-radius:6px;background:#0b0f14";
  let origin = null;
  const resize = () => (frame.style.height = `${model.get("height")}px`);
  const load = () => {
    const url = embedURL(model.get("server"), model.get("query"), location.href);
    origin = url.origin;
    model.send({ type: "loading", url: url.href }); // Python holds its commands until "ready"
    frame.src = url.href;
  };
  // Only the view's own events, from the server it was loaded from, reach Python.
  const fromView = (e) => {
    if (e.source !== frame.contentWindow || e.origin !== origin) return;
    if (e.data && typeof e.data === "object" && typeof e.data.type === "string") model.send(e.data);
  };
  const toView = (message) => frame.contentWindow?.postMessage(message, origin);
  // A host the view cannot name (no Referer, no ancestorOrigins) is named by its first message.
  const hello = () => toView({ type: "hello" });
  // What the widget listens to, each taken back when it is removed.
  const modelEvents = [["msg:custom", toView], ["change:server", load], ["change:query", load], ["change:height", resize]];
  window.addEventListener("message", fromView);
  frame.addEventListener("load", hello);
  for (const [name, handler] of modelEvents) model.on(name, handler);
  resize();
  load();
  el.append(frame);
  return () => {
    window.removeEventListener("message", fromView);
    frame.removeEventListener("load", hello);
    for (const [name, handler] of modelEvents) model.off(name, handler);
  };
}

export default { render };
