"""Lesson files: the library loads, covers all five texts, and a bad file fails naming its file
and its field."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from app.lessons import LESSONS, LIBRARY, LessonError, load_library
from app.lessons.schema import CONTROLS
from app.lessons.texts import TEXT_IDS

GOOD = """
id = "tiny"
title = "A tiny lesson"
summary = "One card."
texts = ["004"]

[[cards]]
title = "The first step"
text = 'At \\(w = {=w0}\\) the gradient is {=g0}.'
points_at = ["lr"]
config.objective = { id = "one-weight-network" }
config.start = [2]
config.steps = 3
config.runs = [{ name = "sgd", lr = 0.1 }]

[cards.numbers]
w0 = { of = "start" }
g0 = { of = "grad" }
"""


def write(folder: Path, text: str, name: str = "01-tiny.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_library_has_at_least_eight_lessons_covering_all_five_texts() -> None:
    assert len(LESSONS) >= 8
    covered = {text for lesson in LESSONS.values() for text in lesson.texts}
    assert covered == set(TEXT_IDS)
    for lesson in LESSONS.values():
        assert len(lesson.cards) >= 3, lesson.id


def test_every_file_in_the_library_is_a_lesson() -> None:
    files = sorted(LIBRARY.glob("*.toml"))
    assert [tomllib.loads(f.read_text())["id"] for f in files] == list(LESSONS)


def test_a_good_file_loads(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    lesson = load_library(tmp_path)["tiny"]
    assert lesson.cards[0].numbers["g0"].of == "grad"
    assert lesson.cards[0].config.request()["runs"] == [
        {"optimizer": {"name": "sgd", "lr": 0.1}, "start": [2.0]}
    ]


BAD = [
    (
        '"one-weight-network"',
        '"no-such-objective"',
        "cards[0].config.objective",
        "unknown objective",
    ),
    ('of = "grad"', 'of = "gard"', "cards[0].numbers.g0.of", "unknown quantity"),
    ('points_at = ["lr"]', 'points_at = ["throttle"]', "cards[0].points_at[0]", "unknown"),
    ("gradient is {=g0}", "gradient is {=g9}", "cards[0].text", "{=g9}"),
    ("gradient is {=g0}", "gradient is -4", "cards[0].text", "typed number '4'"),
    ("(w = {=w0}", "(w = 2.5", "cards[0].text", "typed number '2.5' in math"),
    ('texts = ["004"]', 'texts = ["007"]', "texts[0]", "unknown '007'"),
    ('title = "The first step"', 'title = "Step 1"', "cards[0].title", "typed number"),
    ("steps = 3", "steps = -3", "cards[0].config.steps", "at least 0"),
    ("lr = 0.1 }", 'lr = "fast" }', "cards[0].config.runs[0].lr", "must be a number"),
    ("[cards.numbers]", "colour = 3\n[cards.numbers]", "cards[0].colour", "unknown field"),
    ('id = "tiny"', 'id = "small"', "id", "must match the file name"),
]


@pytest.mark.parametrize(
    ("old", "new", "field", "reason"), BAD, ids=[b[2] + ":" + b[3] for b in BAD]
)
def test_a_bad_file_names_its_file_and_field(
    tmp_path: Path, old: str, new: str, field: str, reason: str
) -> None:
    assert old in GOOD
    write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(LessonError) as caught:
        load_library(tmp_path)
    error = caught.value
    assert error.source.endswith("01-tiny.toml"), error
    assert error.field == field, error
    assert reason in error.reason, error
    assert str(error).startswith(f"{error.source}: {field}: ")


@pytest.mark.parametrize(
    ("section", "field", "reason"),
    [
        ('[cards.predict]\nkind = "guess"\nquestion = "q"\nexplain = "e"', "kind", "'point'"),
        (
            '[cards.predict]\nkind = "choice"\nquestion = "q"\nexplain = "e"\nchoices = ["a"]',
            "choices",
            "two choices or more",
        ),
        ('[cards.challenge]\ntask = "t"\nrule = "converge"\nsteps = 5', "stop", "needs a stop"),
        ('[cards.challenge]\ntask = "t"\nrule = "win"\nsteps = 5', "rule", "unknown rule"),
        (
            '[cards.challenge]\ntask = "t"\nrule = "race"\nsteps = 5\nstop = { loss_below = 1 }',
            "opponent",
            "opponent",
        ),
    ],
)
def test_a_bad_prediction_or_challenge_names_its_field(
    tmp_path: Path, section: str, field: str, reason: str
) -> None:
    write(tmp_path, GOOD + "\n" + section + "\n")
    with pytest.raises(LessonError) as caught:
        load_library(tmp_path)
    kind = section.split("]")[0].split(".")[1]
    assert caught.value.field == f"cards[0].{kind}.{field}", caught.value
    assert reason in caught.value.reason


def test_broken_toml_and_bad_file_names_are_named(tmp_path: Path) -> None:
    write(tmp_path, "id = ", "01-broken.toml")
    with pytest.raises(LessonError, match=r"01-broken\.toml: toml: "):
        load_library(tmp_path)
    (tmp_path / "01-broken.toml").unlink()
    write(tmp_path, GOOD, "tiny.toml")
    with pytest.raises(LessonError, match=r"tiny\.toml: file name: must be NN-<id>\.toml"):
        load_library(tmp_path)


def test_the_pages_control_names_are_the_lessons_control_names() -> None:
    """static/js/lessons/highlight.js maps exactly the names a lesson may point at."""
    source = (Path(__file__).resolve().parents[2] / "static/js/lessons/highlight.js").read_text()
    block = source.split("export const CONTROLS = {", 1)[1].split("};", 1)[0]
    names = re.findall(r'^\s*"?([\w-]+)"?:', block, re.MULTILINE)
    assert sorted(names) == sorted(CONTROLS)
