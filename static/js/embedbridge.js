// embedbridge.js — /embed's end of the postMessage protocol (embedproto.js). Commands are taken
// only from the page that frames it, at an origin the operator listed (GDP_EMBED_ORIGINS); a bad
// one is answered with an error event naming the field; events go to that page alone.
import { originAllowed, readCommand } from "./embedproto.js";

export class EmbedBridge {
  // onCommand(command) gets each valid command; `win` is the embed's window.
  constructor(win, origins, onCommand) {
    this.win = win;
    this.origins = origins;
    this.onCommand = onCommand;
    this.framed = win.parent && win.parent !== win;
    this.host = this.framed ? namedHost(win, origins) : null; // where events go
    this.warned = false;
    win.addEventListener("message", (e) => this.receive(e));
  }

  receive(e) {
    if (!this.framed || e.source !== this.win.parent) return; // not from the page that frames us
    if (!originAllowed(e.origin, this.origins)) {
      if (!this.warned) console.warn(`/embed ignores messages from ${e.origin}: it is not in GDP_EMBED_ORIGINS`);
      this.warned = true;
      return;
    }
    this.host = e.origin;
    const read = readCommand(e.data);
    if (read.error) this.send({ type: "error", id: read.id, ...read.error });
    else this.onCommand(read.command);
  }

  send(event) {
    if (this.host) this.win.parent.postMessage(event, this.host);
  }
}

// The framing page's origin as the browser reports it (Chromium and WebKit list the ancestors;
// else the Referer), if listed. A host it cannot name gets its events after its first message.
function namedHost(win, origins) {
  let origin = win.location.ancestorOrigins?.[0] ?? null;
  if (!origin && win.document?.referrer) {
    try {
      origin = new URL(win.document.referrer).origin;
    } catch {
      origin = null;
    }
  }
  return origin && originAllowed(origin, origins) ? origin : null;
}
