"""Write app/tuning/suggested_lr.json: every built-in objective's suggested learning rates.

Run from the repository root after changing an objective, an optimizer or the suggestion rule:
    python -m scripts.make_suggested_lr
tests/tuning/test_suggested_lr.py fails while the committed table differs from what this writes.
"""

from __future__ import annotations

import json

from app.tuning.suggested import TABLE_PATH, build_table, tabled_objectives


def table_text() -> str:
    return json.dumps(build_table(tabled_objectives()), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    TABLE_PATH.write_text(table_text())
    print(f"wrote {TABLE_PATH}")
