// net/controls.js — the network's settings in the objective panel: the dataset (its size, noise
// and seed, or your own CSV pasted or uploaded), the test share, the hidden layers, activation,
// loss, weight decay and initialisation. Each valid change is reported at once; a bad value is
// marked and named next to its field, and the last valid network stays on screen.
import { el } from "../dom.js";
import { ACTIVATIONS, DATASETS, GENERATED, INITS, NUMBERS, OUTPUTS, parseLayers, problemOf } from "./options.js";

const CSV_WAIT_MS = 400; // a pasted or typed table is sent once the typing pauses
const MAX_CSV_BYTES = 2_000_000;

// Fill `box`; onChange(name, value) for a setting, onCsv(text) for the table.
export function buildNetworkControls(box, options, csv, { onChange, onCsv }) {
  box.replaceChildren();
  const dataset = select("net-dataset", "Dataset", DATASETS, options.dataset, (v) => {
    showDataset(v);
    onChange("dataset", v);
  });
  const size = number("net-n", "Samples", "n", options.n, "default", onChange);
  const noise = number("net-noise", "Noise", "noise", options.noise, "default", onChange);
  const seed = number("net-data-seed", "Data seed", "data_seed", options.data_seed, "0", onChange);
  const generated = el("div", { class: "inline net-generated" }, [size, noise, seed]);
  const table = csvBox(csv, onCsv);
  const showDataset = (v) => {
    generated.hidden = !GENERATED.includes(v);
    table.hidden = v !== "csv";
  };
  showDataset(options.dataset);

  const layers = el("input", { id: "net-hidden", "data-testid": "net-hidden", type: "text", spellcheck: "false", autocomplete: "off" });
  layers.value = options.hidden.join(", ");
  const hidden = row("net-hidden", "Hidden layers (units each, up to 4 × 32)", layers);
  layers.addEventListener("change", () => {
    const { layers: list, error } = parseLayers(layers.value);
    mark(hidden, layers, error ?? "");
    if (!error) onChange("hidden", list);
  });

  box.append(
    el("h3", { class: "net-sub" }, "Data"),
    dataset,
    generated,
    table,
    number("net-test", "Test share (held out)", "test_fraction", options.test_fraction, "default", onChange),
    el("h3", { class: "net-sub" }, "Network"),
    hidden,
    select("net-activation", "Activation", ACTIVATIONS.map((a) => [a, a]), options.activation, (v) => onChange("activation", v)),
    select("net-output", "Output and loss", OUTPUTS, options.output, (v) => onChange("output", v)),
    el("div", { class: "inline" }, [
      number("net-decay", "Weight decay λ", "weight_decay", options.weight_decay, "0", onChange),
      number("net-seed", "Init seed", "seed", options.seed, "0", onChange),
    ]),
    select("net-init", "Initial weights", INITS.map((i) => [i, i]), options.init, (v) => onChange("init", v)),
  );
  return { setCsvError: table.setError };
}

function csvBox(csv, onCsv) {
  const area = el("textarea", { id: "net-csv", "data-testid": "net-csv", rows: "6", spellcheck: "false", placeholder: "x1,x2,label\n0.5,-0.2,a\n-0.3,0.8,b" });
  area.value = csv;
  const file = el("input", { id: "net-csv-file", type: "file", accept: ".csv,.tsv,.txt,text/csv" });
  const error = el("p", { id: "net-csv-error", class: "error", "data-testid": "net-csv-error", role: "alert" });
  area.setAttribute("aria-describedby", "net-csv-error net-csv-help");
  const box = el("div", { class: "field net-csv" }, [
    el("label", { for: "net-csv" }, "Paste a table (CSV or tab-separated)"),
    area,
    error,
    el("p", { id: "net-csv-help", class: "hint" }, "A header line, then up to 5,000 rows of numbers; the last column is the target (numbers, or labels for classes)."),
    el("label", { for: "net-csv-file" }, "…or upload a file"),
    file,
  ]);
  let timer = 0;
  const send = () => {
    clearTimeout(timer);
    const text = area.value;
    if (!text.trim()) return box.setError("Paste a table with a header line and rows.");
    if (text.length > MAX_CSV_BYTES) return box.setError("The table is over 2 MB: at most 5,000 rows.");
    box.setError("");
    onCsv(text);
  };
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(send, CSV_WAIT_MS);
  });
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (!f) return;
    area.value = f.size > MAX_CSV_BYTES ? "" : await f.text();
    if (f.size > MAX_CSV_BYTES) return box.setError(`${f.name} is over 2 MB: at most 5,000 rows.`);
    send();
  });
  box.setError = (msg) => {
    error.textContent = msg;
    area.toggleAttribute("aria-invalid", Boolean(msg));
  };
  return box;
}

function select(id, label, items, value, onPick) {
  const sel = el("select", { id, "data-testid": id }, items.map(([v, text]) => el("option", { value: v }, text)));
  sel.value = String(value);
  sel.addEventListener("change", () => onPick(sel.value));
  return row(id, label, sel);
}

// A number setting; an empty field means the dataset's own default (n, noise) or `fallback`.
function number(id, label, name, value, fallback, onChange) {
  const [low, high, whole] = NUMBERS[name];
  const input = el("input", { id, "data-testid": id, type: "number", min: String(low), max: String(high), step: whole ? "1" : "any", inputmode: "decimal", placeholder: fallback });
  input.value = value == null ? "" : String(value);
  const field = row(id, label, input);
  input.addEventListener("change", () => {
    const empty = input.value.trim() === "";
    const v = empty ? null : Number(input.value);
    const why = empty ? "" : problemOf(name, v);
    mark(field, input, why ? `${label} ${why}.` : "");
    if (!why) onChange(name, empty && fallback !== "default" ? Number(fallback) : v);
  });
  return field;
}

function row(id, label, control) {
  const error = el("p", { id: `${id}-error`, class: "error", role: "alert" });
  control.setAttribute("aria-describedby", `${id}-error`);
  return el("div", { class: "field" }, [el("label", { for: id }, label), control, error]);
}

function mark(field, control, message) {
  field.querySelector(".error").textContent = message;
  control.toggleAttribute("aria-invalid", Boolean(message));
}
