// share.js — export what was computed (CSV, JSON) and the request that computed it (curl,
// Python httpx), so a learner can leave the page and reproduce a run in a script.
// The builders are pure and node-tested; mountShare() wires them to buttons.

// RFC 4180 field: quote when it holds a comma, quote or line break.
function csvField(v) {
  const s = v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v)) ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// One row per run per recorded step; a missing value (diverged: null) is an empty field.
export function toCSV(traces, paramNames) {
  const names = paramNames.slice(0, traces.dim);
  const header = ["run", "label", "optimizer", "step", ...names, "loss", ...names.map((n) => `grad_${n}`)];
  const lines = [header.map(csvField).join(",")];
  traces.runs.forEach((run, r) => {
    for (let k = 0; k < run.n; k++) {
      const row = [r + 1, run.meta.label ?? "", run.meta.optimizer ?? "", traces.steps[k]];
      for (let i = 0; i < traces.dim; i++) row.push(run.params[k * traces.dim + i]);
      row.push(run.loss[k]);
      for (let i = 0; i < traces.dim; i++) row.push(run.grad[k * traces.dim + i]);
      lines.push(row.map(csvField).join(","));
    }
  });
  return `${lines.join("\r\n")}\r\n`;
}

const nullify = (v) => (Number.isFinite(v) ? v : null);

// Same shape as POST /runs with Accept: application/json, plus the request that produced it.
export function toJSON(traces, request) {
  const d = traces.dim;
  return {
    request,
    runs: traces.runs.map((run) => ({
      label: run.meta.label ?? null,
      optimizer: run.meta.optimizer ?? null,
      status: run.status,
      steps_taken: run.done?.steps_taken ?? traces.steps[run.n - 1] ?? 0,
      message: run.done?.message ?? null,
      diverged_at: run.done?.diverged_at ?? null,
      trace: {
        step: traces.steps.slice(0, run.n),
        params: Array.from({ length: run.n }, (_, k) => run.params.slice(k * d, (k + 1) * d).map(nullify)),
        loss: run.loss.slice(0, run.n).map(nullify),
        grad: Array.from({ length: run.n }, (_, k) => run.grad.slice(k * d, (k + 1) * d).map(nullify)),
      },
    })),
  };
}

// POSIX shell single-quoting: ' → '\''.
export function shellQuote(s) {
  return `'${String(s).replace(/'/g, "'\\''")}'`;
}

export function curlCommand(endpoint, body) {
  return [
    `curl -sS -X POST ${shellQuote(endpoint)}`,
    `  -H 'Content-Type: application/json'`,
    `  -H 'Accept: application/json'`,
    `  -d ${shellQuote(JSON.stringify(body))}`,
  ].join(" \\\n");
}

// JSON → Python literal (true/false/null differ), indented like json.dumps(indent=4).
export function pythonLiteral(v, indent = 0) {
  const pad = "    ".repeat(indent + 1);
  const end = "    ".repeat(indent);
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "None";
  if (typeof v === "string") return JSON.stringify(v); // a JSON string is a valid Python str
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== "object" || x === null)) return `[${v.map((x) => pythonLiteral(x)).join(", ")}]`;
    return `[\n${v.map((x) => pad + pythonLiteral(x, indent + 1)).join(",\n")},\n${end}]`;
  }
  const items = Object.entries(v).map(([k, x]) => `${pad}${JSON.stringify(k)}: ${pythonLiteral(x, indent + 1)}`);
  return items.length ? `{\n${items.join(",\n")},\n${end}}` : "{}";
}

export function pythonSnippet(endpoint, body) {
  return [
    "import httpx",
    "",
    `body = ${pythonLiteral(body)}`,
    "",
    `response = httpx.post(${JSON.stringify(endpoint)}, json=body, timeout=60)`,
    "response.raise_for_status()",
    'for run in response.json()["runs"]:',
    '    print(run["label"], run["status"], run["steps_taken"], run["trace"]["params"][-1], run["trace"]["loss"][-1])',
    "",
  ].join("\n");
}

// ---- DOM wiring -------------------------------------------------------------------------

function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// getContext() → {traces (null before the first run), request, endpoint, paramNames}.
export function mountShare(root, getContext, say) {
  const out = root.querySelector("[data-role=snippet]");
  const show = (text) => {
    out.value = text;
    out.hidden = false;
  };
  const copy = async (text, what) => {
    show(text);
    try {
      await navigator.clipboard.writeText(text);
      say(`${what} copied to the clipboard.`);
    } catch {
      out.select();
      say(`${what} is shown below the buttons; copy it with Ctrl+C.`);
    }
  };
  const need = (fn, traces = true) => () => {
    const ctx = getContext();
    if (!ctx || (traces && !ctx.traces?.length)) return say("Nothing to export yet: press Play first.");
    fn(ctx);
  };
  root.querySelector("[data-action=csv]").addEventListener(
    "click",
    need((c) => download("descent.csv", toCSV(c.traces, c.paramNames), "text/csv")),
  );
  root.querySelector("[data-action=json]").addEventListener(
    "click",
    need((c) => download("descent.json", `${JSON.stringify(toJSON(c.traces, c.request), null, 2)}\n`, "application/json")),
  );
  root.querySelector("[data-action=curl]").addEventListener(
    "click",
    need((c) => copy(curlCommand(c.endpoint, c.request), "curl command"), false),
  );
  root.querySelector("[data-action=python]").addEventListener(
    "click",
    need((c) => copy(pythonSnippet(c.endpoint, c.request), "Python snippet"), false),
  );
}
