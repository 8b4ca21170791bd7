"""The periods and report frequencies a question names: "quý IV/2025", "tháng này",
"quý tới", "báo cáo hằng tháng".

Questions are read in folded form (see `knowledge.text.fold`); a period without a year is in
the year of "today".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.store import ItemRecord
from knowledge.text import fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"quy\s*(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|nam|-)?\s*(\d{4}))?")
_MONTH = re.compile(r"thang\s*(\d{1,2})\b(?:\s*(?:/|nam|-)\s*(\d{4}))?")
_YEAR = re.compile(r"\bnam\s+(\d{4})\b")
_HALF = re.compile(r"\b0?6 thang (dau|cuoi) nam(?:\s+(\d{4}))?")
_RELATIVE = re.compile(r"\b(thang|quy|nam) (nay|toi|sau)\b")
_NEXT_REPORT = re.compile(r"\bbao cao (?:thang|quy|nam) (?:toi|sau)\b")
_ASKED_FREQ = (
    (re.compile(r"(?:bao cao|hang|moi) tuan\b"), "weekly"),
    (re.compile(r"(?:bao cao|hang|moi) thang\b"), "monthly"),
    (re.compile(r"(?:bao cao|hang|moi) quy\b"), "quarterly"),
    (re.compile(r"(?:bao cao|hang|moi) nam\b(?! hoc| \d{4})"), "yearly"),  # not "báo cáo năm 2026"
)
_FREQ_OF_KIND = {
    "quarter": "quarterly",
    "month": "monthly",
    "half": "semiannual",
    "year": "yearly",
}


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "quarter", "half" (of a year) or "year"
    start: date
    end: date
    label: str

    @property
    def freq(self) -> str:
        """The report frequency with one report per such period."""
        return _FREQ_OF_KIND[self.kind]


def named_period(folded: str, today: date) -> Period | None:
    """The quarter, month or year a question names ("quý IV/2025", "tháng 11", "năm 2026")."""
    if m := _QUARTER.search(folded):
        quarter = _ROMAN.get(m.group(1)) or int(m.group(1))
        year = int(m.group(2)) if m.group(2) else today.year
        start = date(year, quarter * 3 - 2, 1)
        end = date(year + quarter // 4, quarter * 3 % 12 + 1, 1) - timedelta(days=1)
        roman = ["I", "II", "III", "IV"][quarter - 1]
        return Period("quarter", start, end, f"quý {roman}/{year}")
    if m := _HALF.search(folded):
        year = int(m.group(2)) if m.group(2) else today.year
        first = m.group(1) == "dau"
        start, end = (
            (date(year, 1, 1), date(year, 6, 30))
            if first
            else (date(year, 7, 1), date(year, 12, 31))
        )
        return Period("half", start, end, f"6 tháng {'đầu' if first else 'cuối'} năm {year}")
    if (m := _MONTH.search(folded)) and 1 <= int(m.group(1)) <= 12:
        month = int(m.group(1))
        year = int(m.group(2)) if m.group(2) else today.year
        end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        return Period("month", date(year, month, 1), end, f"tháng {month}/{year}")
    if (m := _YEAR.search(folded)) and "nam hoc" not in folded:
        year = int(m.group(1))
        return Period("year", date(year, 1, 1), date(year, 12, 31), f"năm {year}")
    return None


def without_periods(folded: str) -> str:
    """The text with the periods it names taken out, leaving what the question is about."""
    return _QUARTER.sub(" ", _MONTH.sub(" ", _YEAR.sub(" ", _HALF.sub(" ", folded))))


def relative_period(folded: str, today: date, next_too: bool = True) -> Period | None:
    """The month, quarter or year a question calls "this one" ("tháng này", "quý này") or,
    if `next_too`, "the next one" ("quý tới có hạn gì"; but "báo cáo quý tới" is the next
    quarterly report, whichever quarter it falls in)."""
    m = _RELATIVE.search(folded)
    if m is None:
        return None
    unit, which = m.groups()
    ahead = int(which != "nay")
    if ahead and not next_too:
        return None
    if unit == "thang":
        month = today.month + ahead
        return named_period(f"thang {(month - 1) % 12 + 1}/{today.year + (month - 1) // 12}", today)
    if unit == "quy":
        quarter = (today.month + 2) // 3 + ahead
        return named_period(f"quy {(quarter - 1) % 4 + 1}/{today.year + (quarter - 1) // 4}", today)
    return named_period(f"nam {today.year + ahead}", today)


def asks_next_report(folded: str) -> bool:
    """Whether the question asks for the next report of a frequency ("báo cáo quý tới")."""
    return _NEXT_REPORT.search(folded) is not None


def asked_frequencies(folded: str) -> set[str]:
    """The report frequencies a question names: 'báo cáo quý' → {'quarterly'}."""
    return {freq for pattern, freq in _ASKED_FREQ if pattern.search(folded)}


def recurs_as(item: ItemRecord, frequencies: set[str]) -> bool:
    """Whether the item repeats at one of `frequencies`, or is the contact line of such a
    report ("báo cáo tháng gửi qua email nào"); any item when none is asked."""
    if not frequencies or (item.recurrence or {}).get("freq") in frequencies:
        return True
    return item.kind == "contact" and bool(asked_frequencies(fold(item.text)) & frequencies)
