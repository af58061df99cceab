"""The notebook widget (the [widget] extra): a playground server's /embed in Jupyter, VS Code
or marimo, driven from Python, each step it shows handed back as a typed record.

from app.widget import PlaygroundWidget
w = PlaygroundWidget("http://127.0.0.1:8000", query="objective=himmelblau&run=adam:lr=0.05")
w  # shows it; then w.play(), w.configure(objective="booth", steps=50), w.steps[-1]
"""

from app.widget.events import EmbedError, RaceEnd, RunEnded, RunShown, StepShown
from app.widget.widget import PlaygroundWidget

__all__ = ["EmbedError", "PlaygroundWidget", "RaceEnd", "RunEnded", "RunShown", "StepShown"]
