// embedproto.js — the commands a host page may send /embed by postMessage, each checked field by
// field, and a configuration read from them: the page's URL-state fields or a POST /runs body,
// turned into the page's state (state.js). Pure (no DOM): unit-tested in node.
import { MAX_RUNS, MAX_STEPS, SPEEDS, defaultState } from "./state.js";

export const PROTOCOL = 1;
const SEED_MAX = 2 ** 32 - 1;
// Each command and the fields it may carry besides "type" and "id".
const COMMANDS = { configure: ["state", "request", "play"], play: [], pause: [], step: ["by"], scrub: ["step"], hello: [] };
const STATE_FIELDS = ["objective", "expression", "options", "start", "view", "steps", "runs", "speed", "logScale", "stop", "seed"];
const REQUEST_FIELDS = ["objective", "runs", "steps", "stop", "seed", "record", "schedule", "clip"];

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const isWhole = (v, low, high) => Number.isInteger(v) && v >= low && v <= high;
const isSetting = (v) => isNumber(v) || typeof v === "boolean" || typeof v === "string" || (Array.isArray(v) && v.length === 2 && v.every(isNumber));

class Refusal extends Error {
  constructor(field, reason) {
    super(`${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

function need(ok, field, reason) {
  if (!ok) throw new Refusal(field, reason);
}

function onlyKeys(value, keys, at) {
  for (const key of Object.keys(value)) need(keys.includes(key), `${at}.${key}`, `is not one of its fields (${keys.join(", ")})`);
}

// May a page at `origin` drive the embed? `sources` are the operator's GDP_EMBED_ORIGINS as the
// server normalized them: an exact origin, https://*.example.org (its subdomains), or a scheme.
export function originAllowed(origin, sources) {
  if (typeof origin !== "string" || origin === "null") return false;
  return sources.some((source) => {
    if (/^[a-z][a-z0-9+.-]*:$/.test(source)) return origin.startsWith(`${source}//`);
    const wild = /^([a-z]+:\/\/)\*(\.[^:]+)(:\d+)?$/.exec(source);
    if (!wild) return origin === source;
    const [, scheme, suffix, port = ""] = wild;
    const at = /^([a-z]+:\/\/)([^:/]+)(:\d+)?$/.exec(origin);
    return Boolean(at) && at[1] === scheme && at[2].endsWith(suffix) && at[2].length > suffix.length && (at[3] ?? "") === port;
  });
}

// A message from the host → {command} or {error: {field, reason, reply_to}, id}.
export function readCommand(data) {
  const type = isObject(data) && typeof data.type === "string" ? data.type : null;
  const id = isObject(data) ? data.id : undefined;
  try {
    need(isObject(data), "message", 'must be an object with a "type"');
    need(id === undefined || typeof id === "string" || isNumber(id), "id", "must be a string or a number");
    need(Object.hasOwn(COMMANDS, type), "type", `must be one of ${Object.keys(COMMANDS).join(", ")}`);
    const allowed = ["type", "id", ...COMMANDS[type]];
    for (const key of Object.keys(data)) need(allowed.includes(key), key, `is not a field of "${type}" (${allowed.join(", ")})`);
    const command = { type, id };
    if (type === "configure") Object.assign(command, readConfigure(data));
    if (type === "step") {
      need(data.by === undefined || (isWhole(data.by, -MAX_STEPS, MAX_STEPS) && data.by !== 0), "by", `must be a whole number from -${MAX_STEPS} to ${MAX_STEPS}, not 0`);
      command.by = data.by ?? 1;
    }
    if (type === "scrub") {
      need(isWhole(data.step, 0, MAX_STEPS), "step", `must be an optimizer step from 0 to ${MAX_STEPS}`);
      command.step = data.step;
    }
    return { command };
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    return { id: id === undefined || typeof id === "string" || isNumber(id) ? id : undefined, error: { reply_to: type, field: e.field, reason: e.reason } };
  }
}

function readConfigure(data) {
  need(("state" in data) !== ("request" in data), "state", 'give the configuration as "state" (the page\'s URL-state fields) or as "request" (a POST /runs body), one of them');
  need(data.play === undefined || typeof data.play === "boolean", "play", "must be true or false");
  const read = "state" in data ? stateFromFields(data.state) : stateFromRequest(data.request);
  return { ...read, play: data.play ?? false };
}

// ---- the page's URL-state fields -------------------------------------------------------------

const STATE_NAMES = {
  objective: () => "state.objective",
  expression: () => "state.expression",
  option: (name) => `state.options.${name}`,
  runs: () => "state.runs",
  optimizer: (i) => `state.runs[${i}].optimizer`,
  hp: (i, name) => `state.runs[${i}].hp.${name}`,
  steps: () => "state.steps",
  start: () => "state.start",
  view: () => "state.view",
};

// The URL-state fields (state.js's defaultState) → {state, names}; a missing field takes its
// default, as in a URL. `names` says where each part came from, for the catalog's check.
export function stateFromFields(fields, at = "state") {
  need(isObject(fields), at, "must be an object of the page's URL-state fields");
  onlyKeys(fields, STATE_FIELDS, at);
  const s = { ...defaultState(), objective: "expression" in fields ? "custom" : "rosenbrock" };
  if ("objective" in fields) s.objective = checkId(fields.objective, `${at}.objective`);
  if ("expression" in fields) s.expression = checkExpression(fields.expression, `${at}.expression`);
  need(s.objective !== "custom" || s.expression, `${at}.expression`, 'is needed when objective is "custom"');
  need(s.objective === "custom" || !("expression" in fields), `${at}.expression`, 'is read only when objective is "custom"');
  if ("options" in fields) s.options = checkSettings(fields.options, `${at}.options`);
  if ("start" in fields && fields.start !== null) s.start = checkPoint(fields.start, `${at}.start`);
  if ("view" in fields && fields.view !== null) s.view = checkView(fields.view, `${at}.view`);
  if ("steps" in fields) s.steps = checkSteps(fields.steps, `${at}.steps`);
  if ("runs" in fields) {
    s.runs = checkList(fields.runs, `${at}.runs`).map((run, i) => {
      const where = `${at}.runs[${i}]`;
      need(isObject(run), where, 'must be {"optimizer": name, "hp": {setting: value}}');
      onlyKeys(run, ["optimizer", "hp"], where);
      return { optimizer: checkId(run.optimizer, `${where}.optimizer`), hp: checkSettings(run.hp ?? {}, `${where}.hp`) };
    });
  }
  if ("speed" in fields) {
    need(SPEEDS.includes(fields.speed), `${at}.speed`, `must be one of ${SPEEDS.join(", ")} (recorded steps per frame; 0 = instant)`);
    s.speed = fields.speed;
  }
  if ("logScale" in fields) {
    need(typeof fields.logScale === "boolean", `${at}.logScale`, "must be true or false");
    s.logScale = fields.logScale;
  }
  if ("stop" in fields && fields.stop !== null) s.stop = checkStop(fields.stop, `${at}.stop`);
  if ("seed" in fields) s.seed = checkSeed(fields.seed, `${at}.seed`);
  return { state: s, names: STATE_NAMES };
}

// ---- a POST /runs body -----------------------------------------------------------------------

const REQUEST_NAMES = {
  objective: () => "request.objective.id",
  expression: () => "request.objective.expression",
  option: (name) => `request.objective.${name}`,
  runs: () => "request.runs",
  optimizer: (i) => `request.runs[${i}].optimizer.name`,
  hp: (i, name) => `request.runs[${i}].optimizer.${name}`,
  steps: () => "request.steps",
  start: () => "request.runs[0].start",
  view: () => "request",
};

// A POST /runs body → {state, names}. What the page cannot show is refused by name: a schedule,
// clipping, or runs that start from different points (the page's runs share one start).
export function stateFromRequest(body, at = "request") {
  need(isObject(body), at, "must be a POST /api/v1/runs body");
  onlyKeys(body, REQUEST_FIELDS, at);
  for (const key of ["schedule", "clip"]) need(body[key] == null, `${at}.${key}`, "cannot be shown by the embed; leave it out");
  const s = defaultState();
  const spec = body.objective;
  need(isObject(spec), `${at}.objective`, 'must be {"id": …, options…} or {"expression": …}');
  if ("expression" in spec) {
    onlyKeys(spec, ["expression"], `${at}.objective`);
    Object.assign(s, { objective: "custom", expression: checkExpression(spec.expression, `${at}.objective.expression`) });
  } else {
    const { id, ...options } = spec;
    s.objective = checkId(id, `${at}.objective.id`);
    s.options = checkSettings(options, `${at}.objective`);
  }
  let start;
  s.runs = checkList(body.runs, `${at}.runs`).map((run, i) => {
    const where = `${at}.runs[${i}]`;
    need(isObject(run), where, 'must be {"optimizer": {"name": …, settings…}, "start": [x, y]}');
    onlyKeys(run, ["optimizer", "start", "label"], where);
    need(isObject(run.optimizer), `${where}.optimizer`, 'must be {"name": …, settings…}');
    const { name, ...hp } = run.optimizer;
    const point = run.start == null ? null : checkPoint(run.start, `${where}.start`);
    if (i === 0) start = point;
    need(JSON.stringify(point) === JSON.stringify(start), `${where}.start`, `must equal runs[0].start: the embed's runs share one start`);
    return { optimizer: checkId(name, `${where}.optimizer.name`), hp: checkSettings(hp, `${where}.optimizer`) };
  });
  s.start = start;
  s.steps = body.steps === undefined ? 100 : checkSteps(body.steps, `${at}.steps`); // the API's default
  if (body.stop != null) s.stop = checkStop(body.stop, `${at}.stop`);
  if (body.seed !== undefined) s.seed = checkSeed(body.seed, `${at}.seed`);
  return { state: s, names: REQUEST_NAMES };
}

// ---- one field each --------------------------------------------------------------------------

function checkId(v, field) {
  need(typeof v === "string" && /^[\w.-]{1,80}$/.test(v), field, "must be a name (letters, digits, _ . -)");
  return v;
}

function checkExpression(v, field) {
  need(typeof v === "string" && v.trim() !== "" && v.length <= 500, field, "must be a formula in x (and y), at most 500 characters");
  return v.trim();
}

function checkSettings(v, field) {
  need(isObject(v), field, "must map setting names to values");
  for (const [name, value] of Object.entries(v)) {
    need(/^\w{1,40}$/.test(name), `${field}.${name}`, "is not a setting's name");
    need(isSetting(value), `${field}.${name}`, "must be a number, true or false, a string, or a pair [a, b]");
  }
  return structuredClone(v);
}

function checkPoint(v, field) {
  need(Array.isArray(v) && (v.length === 1 || v.length === 2) && v.every(isNumber), field, "must be [x] or [x, y] of finite numbers");
  return v.slice();
}

function checkView(v, field) {
  const ok = Array.isArray(v) && (v.length === 1 || v.length === 2) && v.every((r) => Array.isArray(r) && r.length === 2 && r.every(isNumber) && r[0] < r[1]);
  need(ok, field, "must be [[xmin, xmax]] or [[xmin, xmax], [ymin, ymax]] with min < max");
  return v.map((r) => r.slice());
}

function checkSteps(v, field) {
  need(isWhole(v, 1, MAX_STEPS), field, `must be a whole number from 1 to ${MAX_STEPS}`);
  return v;
}

function checkList(v, field) {
  need(Array.isArray(v) && v.length >= 1 && v.length <= MAX_RUNS, field, `must be a list of 1 to ${MAX_RUNS} runs`);
  return v;
}

function checkStop(v, field) {
  need(isObject(v), field, 'must be {"loss_below": …, "grad_norm_below": …}');
  onlyKeys(v, ["loss_below", "grad_norm_below"], field);
  for (const [key, value] of Object.entries(v)) need(value === null || (isNumber(value) && value > 0), `${field}.${key}`, "must be a positive number or null");
  return { loss_below: v.loss_below ?? null, grad_norm_below: v.grad_norm_below ?? null };
}

function checkSeed(v, field) {
  need(isWhole(v, 0, SEED_MAX), field, `must be a whole number from 0 to ${SEED_MAX}`);
  return v;
}
