"""A number as a card states it: plain text for prose ("−5.6e7", "280,000") and TeX for math
("-5.6 \\times 10^{7}", "280{,}000"), rounded to a number of significant digits."""

from __future__ import annotations

import math

import numpy as np

MINUS = "−"  # the texts' minus sign (U+2212)


def format_value(value: float, digits: int = 4, style: str = "auto") -> tuple[str, str]:
    """(text, tex) of value in the given style: auto, money, int, sci or degrees."""
    if not math.isfinite(value):
        return ("∞" if value > 0 else f"{MINUS}∞") if math.isinf(value) else "NaN", r"\text{NaN}"
    if style == "int":
        return _grouped(float(round(value)))
    if style == "money":
        return _grouped(round(value, 2))
    if style == "degrees":
        text, tex = _grouped(_significant(value, digits))
        return f"{text}°", f"{tex}^\\circ"
    size = abs(value)
    if style == "sci" or (value != 0 and (size >= 1e6 or size < 1e-3)):
        return _scientific(value, digits)
    return _grouped(_significant(value, digits))


def _significant(value: float, digits: int) -> float:
    return float(f"{value:.{digits}g}")


def _grouped(value: float) -> tuple[str, str]:
    """Positional digits, thousands grouped with commas from 1,000 on."""
    if value == 0:
        return "0", "0"
    body = np.format_float_positional(abs(value), trim="-")
    whole, _, fraction = body.partition(".")
    if len(whole) > 3:
        whole = f"{int(whole):,}"
    number = whole + (f".{fraction}" if fraction else "")
    sign = value < 0
    return f"{MINUS if sign else ''}{number}", f"{'-' if sign else ''}{number.replace(',', '{,}')}"


def _scientific(value: float, digits: int) -> tuple[str, str]:
    mantissa, _, exponent = f"{value:.{digits - 1}e}".partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = int(exponent)
    text = f"{mantissa}e{power}".replace("-", MINUS)
    tex = rf"{mantissa} \times 10^{{{power}}}"
    return text, tex


def parse_text(text: str) -> float:
    """The number a formatted text states (for checking what a card shows)."""
    plain = text.replace(MINUS, "-").replace(",", "").rstrip("°")
    return float(plain)
