"""A lesson file (TOML) into a Lesson, checked field by field: anything wrong raises LessonError
naming the file and the field, e.g. "03-rifle.toml: cards[2].numbers.g0.of: unknown quantity".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.lessons.reader import MISSING, Node, is_number
from app.lessons.schema import (
    CONTROLS,
    QUANTITIES,
    RULES,
    STYLES,
    VIEWS,
    Card,
    Challenge,
    Config,
    Contender,
    Lesson,
    Prediction,
    Probe,
    RunSpec,
)
from app.lessons.texts import TEXT_IDS
from app.objectives import ObjectiveError, make_objective
from app.runs import StopRules

SLOT = re.compile(r"\{=([A-Za-z_]\w*)\}")
MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.DOTALL)
# Names that hold digits but state no number; anything else numeric must be a slot.
NAMED = re.compile(r"Table 2-1|Figure 2-\d|3-D")
TYPED_IN_MATH = re.compile(r"\d{2,}|\d[.,]\d")


def parse_lesson(data: Mapping[str, Any], source: str, expected_id: str | None = None) -> Lesson:
    root = Node(data, "", source)
    lesson_id = root.text("id")
    if expected_id is not None and lesson_id != expected_id:
        root.fail("id", f"must match the file name ({expected_id!r})")
    texts = root.names("texts", TEXT_IDS)
    if not texts:
        root.fail("texts", "name at least one of the texts the lesson comes from")
    cards: list[Card] = []
    config: Mapping[str, Any] = {}
    for node in root.tables("cards"):
        given = node.get("config", Mapping, {})
        config = {**config, **given}  # a card's config extends the previous card's
        cards.append(_card(node, config))
    if not cards:
        root.fail("cards", "a lesson needs at least one card")
    lesson = Lesson(
        id=lesson_id,
        title=_plain(root, "title"),
        summary=_plain(root, "summary"),
        texts=texts,
        cards=tuple(cards),
        source=source,
    )
    root.done()
    return lesson


def _card(node: Node, merged: Mapping[str, Any]) -> Card:
    if not merged:
        node.fail("config", "the first card needs a configuration")
    config = _config(Node(merged, node.where("config"), node.source))
    numbers_node = node.table("numbers", None)
    numbers = {}
    if numbers_node is not None:
        for name in numbers_node.data:
            numbers[name] = _probe(numbers_node.table(name), config)
        numbers_node.done()
    predict_node = node.table("predict", None)
    challenge_node = node.table("challenge", None)
    card = Card(
        title=_plain(node, "title"),
        text=node.text("text"),
        config=config,
        numbers=numbers,
        points_at=node.names("points_at", CONTROLS),
        open_views=node.names("open_views", VIEWS),
        predict=None if predict_node is None else _prediction(predict_node, config),
        challenge=None if challenge_node is None else _challenge(challenge_node, config),
    )
    for where, template in card.templates().items():
        _check_template(node, where, template, numbers)
    node.done()
    return card


def _check_template(node: Node, where: str, template: str, numbers: Mapping[str, Any]) -> None:
    for name in SLOT.findall(template):
        if name not in numbers:
            node.fail(where, f"the slot {{={name}}} is not among the card's numbers")
    bare = SLOT.sub("", template)
    for math_part in MATH.finditer(bare):
        typed = TYPED_IN_MATH.search(math_part.group(0))
        if typed:
            node.fail(where, f"typed number {typed.group(0)!r} in math: state it with a slot")
    prose = NAMED.sub("", MATH.sub("", bare))
    typed = re.search(r"\d+(?:[.,]\d+)*", prose)
    if typed:
        node.fail(where, f"typed number {typed.group(0)!r}: state it with a {{=slot}}")


def _plain(node: Node, key: str) -> str:
    """A title or summary: no slots, so no numbers either."""
    text = node.text(key)
    _check_template(node, key, text, {})
    return text


def _objective(node: Node, key: str, default: Any = MISSING) -> Mapping[str, Any]:
    spec = node.get(key, Mapping, default)
    if spec is default:
        return spec
    try:
        make_objective(spec)
    except ObjectiveError as error:
        node.fail(key, f"{error.field}: {error.reason}")
    return dict(spec)


def _run(run: Node) -> RunSpec:
    name = run.text("name")
    for k, v in run.data.items():
        if k != "name" and not (is_number(v) or isinstance(v, bool) or _is_pair(v)):
            run.fail(k, "must be a number, true/false or a pair of numbers")
    run.used.update(run.data)
    return RunSpec(name, {k: v for k, v in run.data.items() if k != "name"})


def _runs(node: Node, key: str) -> tuple[RunSpec, ...]:
    runs = tuple(_run(run) for run in node.tables(key))
    if not runs:
        node.fail(key, "needs at least one run")
    return runs


def _is_pair(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(is_number(x) for x in v)


def _stop(node: Node, key: str, default: Any = MISSING) -> StopRules | Any:
    table = node.table(key, default)
    if table is default:
        return default
    rules = {}
    for name in ("loss_below", "grad_norm_below"):
        value = table.get(name, float, None)
        if value is not None and value <= 0:
            table.fail(name, "must be a positive number")
        rules[name] = value
    table.done()
    return StopRules(**rules)


def _config(node: Node) -> Config:
    view = node.get("view", list, None)
    if view is not None and not (
        all(_is_pair(r) and r[0] < r[1] for r in view) and 1 <= len(view) <= 2
    ):
        node.fail("view", "must be one or two [low, high] ranges")
    config = Config(
        objective=_objective(node, "objective"),
        runs=_runs(node, "runs"),
        steps=node.count("steps", low=0),
        start=node.numbers("start", None),
        stop=_stop(node, "stop", StopRules()),
        view=None if view is None else tuple((float(a), float(b)) for a, b in view),
    )
    node.done()
    return config


def _probe(node: Node, config: Config) -> Probe:
    of = node.text("of")
    if of not in QUANTITIES:
        node.fail("of", f"unknown quantity {of!r}; known: {', '.join(QUANTITIES)}")
    style = node.text("style", "auto")
    if style not in STYLES:
        node.fail("style", f"unknown style {style!r}; known: {', '.join(STYLES)}")
    probe = Probe(
        of=of,
        step=node.count("step", 0),
        run=node.count("run", 0),
        index=node.count("index", 0),
        point=node.numbers("point", None),
        input=node.get("input", float, None),
        buffer=node.get("buffer", str, ""),
        name=node.get("name", str, ""),
        minimum=node.count("minimum", 0),
        objective=_objective(node, "objective", None),
        runs=_runs(node, "runs") if "runs" in node.data else None,
        start=node.numbers("start", None),
        steps=node.count("steps", None),
        stop=_stop(node, "stop", None),
        digits=node.count("digits", 4, low=1),
        style=style,
    )
    if of == "state" and not probe.buffer:
        node.fail("buffer", "name the optimizer's buffer (e.g. momentum_buffer, exp_avg)")
    if of == "hp" and not probe.name:
        node.fail("name", "name the hyper-parameter")
    node.done()
    return probe


def _prediction(node: Node, config: Config) -> Prediction:
    kind = node.text("kind")
    if kind not in ("point", "choice"):
        node.fail("kind", "must be 'point' (a ghost point) or 'choice'")
    choices = node.names("choices")
    answer = node.count("answer", None)
    if kind == "choice" and (len(choices) < 2 or answer is None or answer >= len(choices)):
        where = "answer" if len(choices) >= 2 else "choices"
        node.fail(where, "a choice needs two choices or more and the index of the answer")
    prediction = Prediction(
        kind=kind,
        question=node.text("question"),
        explain=node.text("explain"),
        step=node.count("step", 1, low=1),
        run=node.count("run", 0),
        choices=choices,
        answer=answer,
    )
    if prediction.run >= len(config.runs):
        node.fail("run", f"the configuration has {len(config.runs)} run(s)")
    node.done()
    return prediction


def _challenge(node: Node, config: Config) -> Challenge:
    rule = node.text("rule")
    if rule not in RULES:
        node.fail("rule", f"unknown rule {rule!r}; known: {', '.join(RULES)}")
    free = node.get("free_start", bool, False)
    contender = node.table("contender", None)
    opponent = node.table("opponent", None)
    challenge = Challenge(
        task=node.text("task"),
        rule=rule,
        steps=node.count("steps", low=1),
        objective=_objective(node, "objective", config.objective),
        start=None if free else node.numbers("start", config.start),
        stop=_stop(node, "stop", StopRules()),
        optimizers=node.names("optimizers"),
        minimum=node.count("minimum", 0),
        within=node.get("within", float, 0.0),
        opponent=None if opponent is None else _run(opponent),
        contender=None
        if contender is None
        else Contender(contender.text("name"), contender.names("needs")),
    )
    if contender is not None:
        contender.done()
    if rule in ("converge", "race") and challenge.stop == StopRules():
        node.fail("stop", f"the rule {rule!r} needs a stop rule to meet")
    if rule == "race" and (challenge.opponent is None or challenge.contender is None):
        node.fail("opponent", "a race needs an opponent run and a contender")
    if rule == "reach_minimum" and not challenge.within > 0:
        node.fail("within", "how close to the minimum counts, a positive number")
    node.done()
    return challenge
