"""Quantities as newsrooms write them: `over 500`, `193.48 billion`, `~10`, `38.8%`."""

from __future__ import annotations

from functools import lru_cache

import re
from dataclasses import dataclass
from decimal import Decimal

COMPARATORS = {
    "over": "over", "more than": "over", "above": "over", ">": "over",
    "at least": "at least", ">=": "at least", "≥": "at least",
    "under": "under", "less than": "under", "below": "under", "<": "under",
    "up to": "up to", "at most": "up to", "<=": "up to", "≤": "up to",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about",
    "nearly": "about", "almost": "about", "~": "about", "≈": "about",
}
SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
MAX_DIGITS = 24   # longer numbers are text: nobody states a fact to 25 significant digits

_COMPARATOR = "|".join(sorted((re.escape(c) for c in COMPARATORS), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?:(?P<cmp>{_COMPARATOR})\s*)?"
    r"(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
    rf"(?:\s+(?P<scale>{'|'.join(SCALES)}))?"
    r"(?P<pct>\s*%)?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as stated: comparator, amount, scale word and unit kept for display."""

    amount: Decimal
    comparator: str = ""
    scale: str = ""
    unit: str = ""

    @property
    def magnitude(self) -> Decimal:
        """The amount with its scale word applied (193.48 billion -> 193480000000)."""
        return self.amount.scaleb(SCALES.get(self.scale, 0))

    def key(self) -> tuple:
        """What makes two quantities the same value."""
        return ("quantity", self.comparator, self.magnitude.normalize(), self.unit.casefold())

    @property
    def human(self) -> str:
        """For people: `over 300,000 vehicles`, `193.48 billion CNY`, `38.8%`."""
        words = [self.comparator, format_number(self.amount), self.scale]
        text = " ".join(word for word in words if word)
        if self.unit == "%":
            return text + "%"
        return f"{text} {self.unit}" if self.unit else text


@lru_cache(maxsize=1 << 16)   # a pure function; the same values come back in every rebuild of `serve`
def parse_quantity(text: str, unit: str = "") -> Quantity | None:
    """Read a quantity from text, or None when the text is not one."""
    match = _QUANTITY.fullmatch(" ".join(text.split()))
    if not match:
        return None
    if sum(ch.isdigit() for ch in match["num"]) > MAX_DIGITS:
        return None
    comparator = COMPARATORS[match["cmp"].lower()] if match["cmp"] else ""
    amount = Decimal(match["num"].replace(",", ""))
    scale = (match["scale"] or "").lower()
    return Quantity(amount, comparator, scale, "%" if match["pct"] else unit)


def format_number(amount: Decimal) -> str:
    """Group thousands and keep the decimals that were written: 300000 -> `300,000`."""
    sign = "-" if amount < 0 else ""
    whole, _, frac = format(abs(amount), "f").partition(".")
    grouped = f"{int(whole):,}"
    return f"{sign}{grouped}.{frac}" if frac else f"{sign}{grouped}"
