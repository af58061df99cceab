// JSON Lines stream parsing and API error messages (static/js/api.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, JsonLinesParser, createApi, errorMessage } from "../../static/js/api.js";

const lines = [
  { type: "step", step: 0, runs: [{ params: [-1.5, 2], loss: 312.5, grad: [-1.5e3, 5e2], status: "running" }] },
  { type: "step", step: 1, runs: [{ params: [null, null], loss: null, grad: [null, null], status: "diverged" }] },
  { type: "done", runs: [{ label: "ünï ✓ 😀", status: "diverged", steps_taken: 1, diverged_at: 1, message: "x" }] },
];
const text = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";

test("every split point of the stream gives the same values (chunks end mid-line)", () => {
  for (let cut = 0; cut <= text.length; cut++) {
    const p = new JsonLinesParser();
    const got = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut)), ...p.end()];
    assert.deepEqual(got, lines, `split at ${cut}`);
  }
});

test("one character per chunk", () => {
  const p = new JsonLinesParser();
  const got = [];
  for (const ch of text) got.push(...p.push(ch));
  got.push(...p.end());
  assert.deepEqual(got, lines);
});

test("byte chunks split inside multi-byte UTF-8 characters", () => {
  const bytes = new TextEncoder().encode(text);
  for (let cut = 0; cut <= bytes.length; cut += 1) {
    const p = new JsonLinesParser();
    const got = [...p.push(bytes.subarray(0, cut)), ...p.push(bytes.subarray(cut)), ...p.end()];
    assert.deepEqual(got, lines, `byte split at ${cut}`);
  }
});

test("CRLF, blank lines and a last line without newline", () => {
  const p = new JsonLinesParser();
  const got = [...p.push('{"a":1}\r\n\r\n\n{"b":'), ...p.push("2}"), ...p.end()];
  assert.deepEqual(got, [{ a: 1 }, { b: 2 }]);
});

test("values are returned only once a line is complete", () => {
  const p = new JsonLinesParser();
  assert.deepEqual(p.push('{"a":'), []);
  assert.deepEqual(p.push("1}"), []);
  assert.deepEqual(p.push("\n"), [{ a: 1 }]);
  assert.deepEqual(p.end(), []);
});

test("a malformed line is reported with its line number", () => {
  const p = new JsonLinesParser();
  assert.throws(() => p.push('{"a":1}\n{oops}\n'), /line 2/);
});

test("errorMessage reads FastAPI details", () => {
  assert.equal(errorMessage({ detail: "unknown objective 'nope'" }, 404), "unknown objective 'nope'");
  assert.equal(
    errorMessage({ detail: [{ loc: ["body", "objective", "expression"], msg: "unknown name 'z'", type: "value_error" }] }, 422),
    "objective.expression: unknown name 'z'",
  );
  assert.equal(errorMessage({ detail: [{ msg: "a" }, { loc: ["body"], msg: "b" }] }, 422), "a; b");
  // This server names the field itself.
  assert.equal(
    errorMessage({ detail: [{ field: "runs[0].optimizer.lr", loc: ["body", "runs", "0"], msg: "must be ≥ 0" }] }, 422),
    "runs[0].optimizer.lr: must be ≥ 0",
  );
  assert.equal(errorMessage(null, 500), "the server answered HTTP 500");
});

// A fetch double whose body streams the given chunks.
function fakeFetch(chunks, { status = 200, json } = {}) {
  const calls = [];
  const impl = async (url, init) => {
    calls.push({ url, init });
    const body = new ReadableStream({
      start(c) {
        for (const ch of chunks) c.enqueue(new TextEncoder().encode(ch));
        c.close();
      },
    });
    return { ok: status < 400, status, body, json: async () => json, text: async () => chunks.join("") };
  };
  return { impl, calls };
}

test("streamRuns posts JSON, asks for JSON Lines and delivers each message", async () => {
  const { impl, calls } = fakeFetch([text.slice(0, 17), text.slice(17, 90), text.slice(90)]);
  const api = createApi("/api/v1", impl);
  const got = [];
  await api.streamRuns({ steps: 1 }, { onMessage: (m) => got.push(m) });
  assert.deepEqual(got, lines);
  assert.equal(calls[0].url, "/api/v1/runs");
  assert.equal(calls[0].init.headers.Accept, "application/jsonl");
  assert.equal(calls[0].init.body, '{"steps":1}');
});

test("API errors carry the server's message", async () => {
  const { impl } = fakeFetch([], { status: 422, json: { detail: [{ loc: ["body", "steps"], msg: "too many" }] } });
  const api = createApi("/api/v1/", impl);
  await assert.rejects(api.surface({}), (e) => e instanceof ApiError && e.status === 422 && e.message === "steps: too many");
});

test("ApiError keeps the bare messages and fields for inline display", () => {
  const e = new ApiError(422, { detail: [{ field: "objective.expression", msg: "'foo' is not an allowed function at column 7" }] });
  assert.deepEqual(e.messages, ["'foo' is not an allowed function at column 7"]);
  assert.deepEqual(e.fields, ["objective.expression"]);
  assert.deepEqual(new ApiError(404, { detail: "unknown objective" }).messages, ["unknown objective"]);
});
