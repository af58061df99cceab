"""Lessons from the teaching texts: lesson files (data), their loader and validator, the numbers
each card states (worked out by the run loop and the engine), and challenge rules graded by the
run loop. Every lesson is read and checked when this package is imported, so a bad lesson file
stops the server (and the tests) with its file and field named."""

from app.lessons.challenge import Verdict, judge
from app.lessons.loader import LIBRARY, load_library
from app.lessons.reader import LessonError
from app.lessons.render import lesson_json, summary_json, texts_json
from app.lessons.schema import Card, Challenge, Lesson

LESSONS: dict[str, Lesson] = load_library()

__all__ = [
    "LESSONS",
    "LIBRARY",
    "Card",
    "Challenge",
    "Lesson",
    "LessonError",
    "Verdict",
    "judge",
    "lesson_json",
    "load_library",
    "summary_json",
    "texts_json",
]
