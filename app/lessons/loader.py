"""Reading the lesson files: one TOML file per lesson in app/lessons/library/, named
NN-<id>.toml (NN orders them), each checked field by field as it is read."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from app.lessons.parse import parse_lesson
from app.lessons.reader import LessonError
from app.lessons.schema import Lesson

LIBRARY = Path(__file__).resolve().parent / "library"
FILE_NAME = re.compile(r"\d\d-([a-z0-9-]+)\.toml")


def source_name(path: Path) -> str:
    """The file as errors name it: relative to the repository when it is inside it."""
    root = LIBRARY.parents[2]
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def load_lesson(path: Path) -> Lesson:
    source = source_name(path)
    match = FILE_NAME.fullmatch(path.name)
    if not match:
        raise LessonError(source, "file name", "must be NN-<id>.toml, e.g. 01-guessing-game.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise LessonError(source, "toml", str(error)) from None
    return parse_lesson(data, source, expected_id=match.group(1))


def load_library(folder: Path = LIBRARY) -> dict[str, Lesson]:
    """Every lesson of the folder by id, in file-name order."""
    lessons: dict[str, Lesson] = {}
    for path in sorted(folder.glob("*.toml")):
        lesson = load_lesson(path)
        if lesson.id in lessons:
            raise LessonError(lesson.source, "id", f"{lesson.id!r} is taken by another lesson")
        lessons[lesson.id] = lesson
    return lessons
