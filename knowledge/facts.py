"""Structured facts read from one plan document.

These plain dataclasses are what extraction produces and what storage persists, so the
parser never touches the database and the database never re-reads documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ItemKind = Literal["target", "task", "deadline", "report", "contact"]
Precision = Literal["day", "month", "quarter", "semester", "year", "school_year", "none"]


@dataclass(frozen=True)
class Due:
    """A deadline as written, with the date it normalises to (a period's last day)."""

    on: date | None
    text: str
    precision: Precision
    before: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "on": self.on.isoformat() if self.on else None,
            "text": self.text,
            "precision": self.precision,
            "before": self.before,
        }


@dataclass(frozen=True)
class Measure:
    """One number a target asks for: 'tối thiểu 65% học sinh' → 65, '%', 'tối thiểu'."""

    value: float
    unit: str
    qualifier: str | None
    subject: str
    denominator: float | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "subject": self.subject,
            "denominator": self.denominator,
        }


@dataclass(frozen=True)
class Milestone:
    """A dated step inside a task's time column ('Quý III/2024: chạy thử nghiệm')."""

    due: Due
    text: str

    def to_json(self) -> dict[str, object]:
        return {"due": self.due.to_json(), "text": self.text}


@dataclass(frozen=True)
class Section:
    """A numbered heading of the document; `path` is how answers cite it."""

    path: str
    number: str
    title: str
    level: int


@dataclass
class Item:
    """A target, task, one-off deadline, reporting schedule or contact of a plan."""

    kind: ItemKind
    text: str
    section: str
    section_title: str = ""
    measures: list[Measure] = field(default_factory=list)
    lead: str | None = None
    partners: list[str] = field(default_factory=list)
    applies_to: list[str] = field(default_factory=list)
    due: Due | None = None
    recurrence: dict[str, object] | None = None
    budget_million_vnd: float | None = None
    product: str | None = None
    reporter: str | None = None
    report_to: str | None = None
    milestones: list[Milestone] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    also_in: list[str] = field(default_factory=list)

    @property
    def first_measure(self) -> Measure | None:
        return self.measures[0] if self.measures else None


@dataclass(frozen=True)
class Header:
    """What a plan's heading block says (number, issuer, place, date, title, year) and who
    signed it (name, and position in sentence case: 'KT. Giám đốc, Phó Giám đốc')."""

    number: str | None
    issuer: str | None
    locality: str | None
    issued_on: str | None
    issued_text: str | None
    title: str
    year: int | None
    school_year: str | None
    signer_name: str | None
    signer_title: str | None


@dataclass(frozen=True)
class PlanFacts(Header):
    """Everything extraction learned about one plan."""

    budget_million_vnd: float | None
    sections: list[Section]
    items: list[Item]
    text: str

    @property
    def identity(self) -> str:
        """The plan's own identity: number (or title when unnumbered), locality, issue date."""
        from knowledge.text import fold

        head = self.number or self.title
        return "|".join(fold(part or "") for part in (head, self.locality, self.issued_on))
