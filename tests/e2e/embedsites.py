"""Sites for the embed's browser tests: a course page and a notebook, each served from its own
loopback origin (as Jupyter's is), so the embed is framed cross-origin as it is in use."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator

from conftest import ROOT

# A course page on its own server (another origin on this machine, as a notebook's is): it
# frames the embed named by ?embed= and keeps every event the embed sends it.
HOST = b"""<!doctype html><html lang="en"><head><title>A course page</title></head><body>
<script>
  const src = new URLSearchParams(location.search).get("embed");
  const origin = new URL(src).origin;
  const frame = document.createElement("iframe");
  Object.assign(frame, { id: "view", title: "Playground", src, width: 900, height: 560 });
  document.body.append(frame);
  window.events = [];
  addEventListener("message", (e) => {
    if (e.source === frame.contentWindow && e.origin === origin) events.push(e.data);
  });
  window.send = (message) => frame.contentWindow.postMessage(message, origin);
</script></body></html>"""


# A notebook as anywidget runs the widget's front end: render({model, el}) with a model that
# keeps what the widget sends Python and hands it Python's commands ("msg:custom").
NOTEBOOK = b"""<!doctype html><html lang="en"><head><title>A notebook</title></head><body>
<script type="module">
  import widget from "/widget.js";
  const values = { server: new URLSearchParams(location.search).get("server"), height: 400,
                   query: "objective=booth&steps=20&run=sgd:lr=0.05&autoplay=0" };
  const handlers = {};
  window.received = [];
  const model = { get: (name) => values[name], on: (name, f) => (handlers[name] = f),
                  off: () => {}, send: (message) => received.push(message) };
  window.command = (message) => handlers["msg:custom"](message);
  widget.render({ model, el: document.body });
</script></body></html>"""
NOTEBOOK_QUERY = "objective=booth&steps=20&run=sgd:lr=0.05&autoplay=0"
WIDGET_JS = (ROOT / "app" / "widget" / "widget.js").read_bytes()


class CoursePage(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        kind, body = {
            "/widget.js": ("text/javascript", WIDGET_JS),
            "/notebook": ("text/html", NOTEBOOK),
        }.get(path, ("text/html", HOST))
        self.send_response(200)
        self.send_header("content-type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # quiet
        pass


@contextlib.contextmanager
def course_site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CoursePage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
