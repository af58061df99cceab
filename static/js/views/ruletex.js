// views/ruletex.js — an optimizer's update rule as TeX lines with this step's numbers put in:
// the numbers are the /explain-step answer's (and the request's), never worked out here. Pure:
// unit-tested in node.
import { formatNumber } from "../format.js";

export function texNum(v, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "\\text{NaN}";
  const s = formatNumber(v, digits);
  const m = s.match(/^(-?[\d.]+)e([-+]?\d+)$/);
  return m ? `${m[1]}\\times10^{${Number(m[2])}}` : s;
}

export const texVec = (a, digits = 4) => {
  const v = Array.isArray(a) ? a : [a];
  return v.length === 1 ? texNum(v[0], digits) : `(${v.map((x) => texNum(x, digits)).join(",\\ ")})`;
};

// A negative number after an operator reads better in parentheses: 280 − 0.001·(−1000).
const paren = (tex) => (tex.startsWith("-") ? `(${tex})` : tex);

const line = (symbolic, ...values) => [symbolic, ...values.filter((x) => x !== null)].join(" = ");

// {lines: [TeX], terms: [{name, label, value}]} for one explained update. hp: the run's
// hyper-parameters (defaults filled in); body: the /explain-step request; answer: its response.
export function ruleLines(name, hp, body, answer) {
  const T = answer.terms ?? {};
  const t = body.step;
  const eta = texNum(answer.lr);
  const P = texVec(body.params);
  const P1 = texVec(answer.params_after);
  const g = `g_{${t}} = \\nabla L(\\theta_{${t - 1}})`;
  const lines = [line(g, texVec(T.grad))];
  if (answer.clipped) lines.push("g \\text{ clipped to the clip limit}");
  const step = (symbolic, shown) => lines.push(line(`\\theta_{${t}} = ${symbolic}`, `${P} - ${paren(shown)}`, P1));
  const builder = RULES[name] ?? generic;
  builder({ T, t, eta, P, P1, hp, body, answer, lines, step });
  return { lines, terms: termRows(T, answer) };
}

function sgd({ T, t, eta, hp, body, lines, step }) {
  const wd = hp.weight_decay ? ` + ${texNum(hp.weight_decay)}\\,\\theta_{${t - 1}}` : "";
  if (!hp.momentum) return step(`\\theta_{${t - 1}} - \\eta\\,(g_{${t}}${wd})`, `${eta}\\cdot${paren(texVec(T.direction))}`);
  const before = body.state?.momentum_buffer;
  const damp = hp.dampening ? `(1 - ${texNum(hp.dampening)})\\,` : "";
  const b = t === 1 || !before ? `b_{1} = g_{1}${wd}` : `b_{${t}} = ${texNum(hp.momentum)}\\,b_{${t - 1}} + ${damp}g_{${t}}${wd}`;
  lines.push(line(b, texVec(T.momentum_buffer)));
  if (hp.nesterov) step(`\\theta_{${t - 1}} - \\eta\\,(g_{${t}} + \\mu\\,b_{${t}})`, `${eta}\\cdot${paren(texVec(T.direction))}`);
  else step(`\\theta_{${t - 1}} - \\eta\\,b_{${t}}`, `${eta}\\cdot${paren(texVec(T.momentum_buffer))}`);
}

function adam({ T, t, eta, hp, lines, step }, decoupled = false) {
  const [b1, b2] = (hp.betas ?? [0.9, 0.999]).map((b) => texNum(b));
  lines.push(line(`m_{${t}} = ${b1}\\,m_{${t - 1}} + (1 - ${b1})\\,g_{${t}}`, texVec(T.m)));
  lines.push(line(`v_{${t}} = ${b2}\\,v_{${t - 1}} + (1 - ${b2})\\,g_{${t}}^2`, texVec(T.v)));
  lines.push(line(`\\hat m_{${t}} = m_{${t}} / (1 - ${b1}^{${t}})`, texVec(T.m_hat)));
  lines.push(line(`\\hat v_{${t}} = ${hp.amsgrad ? "\\max(v)" : `v_{${t}}`} / (1 - ${b2}^{${t}})`, texVec(T.v_hat)));
  const keep = decoupled && hp.weight_decay ? `\\theta_{${t - 1}}(1 - \\eta\\lambda)` : `\\theta_{${t - 1}}`;
  step(`${keep} - \\eta\\,\\hat m_{${t}}/(\\sqrt{\\hat v_{${t}}} + \\epsilon)`, texVec(T.effective_step));
  lines.push(`\\eta = ${eta},\\ \\epsilon = ${texNum(hp.eps ?? 1e-8)}`);
}

function rmsprop({ T, t, eta, hp, lines, step }) {
  const a = texNum(hp.alpha ?? 0.99);
  lines.push(line(`s_{${t}} = ${a}\\,s_{${t - 1}} + (1 - ${a})\\,g_{${t}}^2`, texVec(T.square_avg)));
  if (T.grad_avg) lines.push(line(`\\bar g_{${t}} = ${a}\\,\\bar g_{${t - 1}} + (1 - ${a})\\,g_{${t}}`, texVec(T.grad_avg)));
  lines.push(line(`d_{${t}} = \\sqrt{s_{${t}}${T.grad_avg ? ` - \\bar g_{${t}}^2` : ""}} + \\epsilon`, texVec(T.denom)));
  if (T.momentum_buffer) {
    lines.push(line(`b_{${t}} = ${texNum(hp.momentum)}\\,b_{${t - 1}} + g_{${t}}/d_{${t}}`, texVec(T.momentum_buffer)));
    return step(`\\theta_{${t - 1}} - \\eta\\,b_{${t}}`, texVec(T.effective_step));
  }
  step(`\\theta_{${t - 1}} - \\eta\\,g_{${t}}/d_{${t}}`, texVec(T.effective_step));
  lines.push(`\\eta = ${eta}`);
}

function adagrad({ T, t, lines, step }) {
  lines.push(line(`s_{${t}} = s_{${t - 1}} + g_{${t}}^2`, texVec(T.sum)));
  lines.push(line(`\\tilde\\eta_{${t}} = \\eta / (1 + (t - 1)\\,\\text{lr\\_decay})`, texNum(T.clr)));
  step(`\\theta_{${t - 1}} - \\tilde\\eta_{${t}}\\,g_{${t}}/(\\sqrt{s_{${t}}} + \\epsilon)`, texVec(T.effective_step));
}

function adadelta({ T, t, hp, lines, step }) {
  const r = texNum(hp.rho ?? 0.9);
  lines.push(line(`s_{${t}} = ${r}\\,s_{${t - 1}} + (1 - ${r})\\,g_{${t}}^2`, texVec(T.square_avg)));
  lines.push(line(`\\Delta_{${t}} = \\sqrt{u_{${t - 1}} + \\epsilon}/\\sqrt{s_{${t}} + \\epsilon}\\;g_{${t}}`, texVec(T.delta)));
  lines.push(line(`u_{${t}} = ${r}\\,u_{${t - 1}} + (1 - ${r})\\,\\Delta_{${t}}^2`, texVec(T.acc_delta)));
  step(`\\theta_{${t - 1}} - \\eta\\,\\Delta_{${t}}`, texVec(T.effective_step));
}

function adamax({ T, t, hp, lines, step }) {
  const [b1, b2] = (hp.betas ?? [0.9, 0.999]).map((b) => texNum(b));
  lines.push(line(`m_{${t}} = ${b1}\\,m_{${t - 1}} + (1 - ${b1})\\,g_{${t}}`, texVec(T.m)));
  lines.push(line(`u_{${t}} = \\max(${b2}\\,u_{${t - 1}},\\ |g_{${t}}| + \\epsilon)`, texVec(T.u)));
  lines.push(line(`\\hat m_{${t}} = m_{${t}} / (1 - ${b1}^{${t}})`, texVec(T.m_hat)));
  step(`\\theta_{${t - 1}} - \\eta\\,\\hat m_{${t}}/u_{${t}}`, texVec(T.effective_step));
}

function nadam({ T, t, lines, step }) {
  lines.push(line(`m_{${t}}`, texVec(T.m)), line(`v_{${t}}`, texVec(T.v)));
  lines.push(line(`\\mu_{${t}}`, texNum(T.mu)), line(`\\mu_{${t + 1}}`, texNum(T.mu_next)));
  lines.push(line(`\\hat m_{${t}} = \\frac{(1-\\mu_{${t}})\\,g_{${t}}}{1-\\prod\\mu} + \\frac{\\mu_{${t + 1}}\\,m_{${t}}}{1-\\prod\\mu\\,\\mu_{${t + 1}}}`, texVec(T.m_hat)));
  lines.push(line(`\\hat v_{${t}}`, texVec(T.v_hat)));
  step(`\\theta_{${t - 1}} - \\eta\\,\\hat m_{${t}}/(\\sqrt{\\hat v_{${t}}} + \\epsilon)`, texVec(T.effective_step));
}

function lion({ T, t, lines, step }) {
  lines.push(line(`c_{${t}} = \\beta_1 m_{${t - 1}} + (1 - \\beta_1)\\,g_{${t}}`, texVec(T.blend)));
  step(`\\theta_{${t - 1}} - \\eta\\,\\operatorname{sign}(c_{${t}})`, texVec(T.effective_step));
  lines.push(line(`m_{${t}} = \\beta_2 m_{${t - 1}} + (1 - \\beta_2)\\,g_{${t}}`, texVec(T.exp_avg)));
}

function signsgd({ T, t, lines, step }) {
  step(`\\theta_{${t - 1}} - \\eta\\,\\operatorname{sign}(g_{${t}})`, texVec(T.effective_step));
}

function newton({ T, t, lines, step }) {
  lines.push(line(`d_{${t}} = (H + \\text{damping})^{-1} g_{${t}}`, texVec(T.direction)));
  step(`\\theta_{${t - 1}} - \\eta\\,d_{${t}}`, texVec(T.effective_step));
}

function generic({ t, answer, P, P1, lines }) {
  lines.push(line(`\\theta_{${t}} = \\theta_{${t - 1}} + \\Delta\\theta`, `${P} + ${paren(texVec(answer.update))}`, P1));
}

const RULES = { sgd, adam, adamw: (a) => adam(a, true), rmsprop, adagrad, adadelta, adamax, nadam, lion, signsgd, newton };

const LABELS = {
  grad: "g (gradient)", momentum_buffer: "b (momentum buffer)", direction: "d (direction)", m: "m",
  v: "v", m_hat: "m̂", v_hat: "v̂", bias_correction1: "1 − β₁ᵗ", bias_correction2: "1 − β₂ᵗ",
  effective_step: "effective step", square_avg: "s (mean of g²)", grad_avg: "ḡ", denom: "√s + ε",
  sum: "s (sum of g²)", clr: "η̃ (decayed lr)", acc_delta: "u", delta: "Δ", u: "u", mu: "μₜ",
  mu_next: "μₜ₊₁", mu_product: "∏μ", blend: "c", sign: "sign", exp_avg: "m", hessian_modified: "H modified",
};

// Every term of the answer as a row: its name (as the API says it), a label, its value.
function termRows(T, answer) {
  const rows = [{ name: "lr", label: "η (this step's lr)", value: answer.lr }];
  for (const [name, value] of Object.entries(T)) rows.push({ name, label: LABELS[name] ?? name, value });
  rows.push({ name: "update", label: "Δθ (update)", value: answer.update });
  rows.push({ name: "params_after", label: "θ after the step", value: answer.params_after });
  return rows;
}
