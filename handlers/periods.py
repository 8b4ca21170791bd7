"""Reporting periods — a month, a quarter or a year — written `2025-11`, `2025-Q4`, `2025`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_ROMAN = ("I", "II", "III", "IV")
_PATTERN = re.compile(r"^(\d{4})(?:-(?:(0?[1-9]|1[0-2])|[Qq]([1-4])))?$")
FREQ_KINDS = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "month", "quarter" or "year"
    number: int = 0  # the month (1–12) or quarter (1–4); 0 for a year

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2025-11', '2025-Q4' or '2025'; raises ValueError on anything else."""
        match = _PATTERN.match(text.strip())
        if match is None:
            raise ValueError(f"kỳ “{text}” không hợp lệ, cần dạng 2025-11, 2025-Q4 hoặc 2025")
        year, month, quarter = match.groups()
        if month:
            return cls(int(year), "month", int(month))
        if quarter:
            return cls(int(year), "quarter", int(quarter))
        return cls(int(year), "year")

    @classmethod
    def containing(cls, day: date, kind: str) -> Period:
        if kind == "month":
            return cls(day.year, kind, day.month)
        if kind == "quarter":
            return cls(day.year, kind, (day.month - 1) // 3 + 1)
        return cls(day.year, "year")

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        """Vietnamese: 'tháng 11/2025', 'quý IV/2025', 'năm 2025'."""
        if self.kind == "month":
            return f"tháng {self.number}/{self.year}"
        if self.kind == "quarter":
            return f"quý {_ROMAN[self.number - 1]}/{self.year}"
        return f"năm {self.year}"

    @property
    def first_day(self) -> date:
        if self.kind == "month":
            return date(self.year, self.number, 1)
        if self.kind == "quarter":
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        if self.kind == "year":
            return date(self.year, 12, 31)
        months = 1 if self.kind == "month" else 3
        month = self.first_day.month + months
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1) - timedelta(days=1)
