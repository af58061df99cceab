// katex.js — KaTeX, fetched on first use only (lesson mode and the update-rule view), so the
// first view never pays for it; and the stylesheet of lessons and the rule view with it.
let loading = null;

function stylesheet(path) {
  const href = new URL(path, import.meta.url).href;
  if (document.querySelector(`link[href="${href}"]`)) return Promise.resolve();
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  const ready = new Promise((done, fail) => {
    link.onload = done;
    link.onerror = () => fail(new Error(`${path} did not load`));
  });
  document.head.append(link);
  return ready;
}

// KaTeX's module, once its stylesheet (and ours for lessons) is in place.
export function loadKatex() {
  loading ??= Promise.all([stylesheet("../vendor/katex/katex.min.css"), stylesheet("../css/learn.css"), import("../vendor/katex/katex.mjs")]).then(
    ([, , mod]) => mod.default,
  );
  return loading;
}

// A span holding KaTeX's rendering of `tex`. KaTeX builds the markup itself and escapes its
// input (trust is off), so its HTML is safe to insert; our own text never goes in as HTML.
export function mathHTML(katex, tex, display = false) {
  const span = document.createElement("span");
  span.className = display ? "math display" : "math";
  span.innerHTML = katex.renderToString(tex, { throwOnError: false, displayMode: display, output: "htmlAndMathml" });
  return span;
}
