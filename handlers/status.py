"""Who reported what for a period, per target: the figures staff views, charts and
workbooks are made from."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.people import Person
from handlers.periods import Period
from handlers.progress import Progress, ProgressChange, asked_measure, targets_for
from handlers.units import Unit, UnitKind, subtree_ids
from knowledge.store import ItemRecord
from knowledge.text import shorten


@dataclass(frozen=True)
class ReportedValue:
    """One unit's current value for a target: as shown ('45%', '18/40', 'xong') and as a
    number comparable with the target's value (percent, count, or 100/0 for done/not done)."""

    unit: str
    shown: str
    number: float | None
    reporter: str
    at: datetime


@dataclass(frozen=True)
class TargetStatus:
    item_id: int
    text: str
    plan: str
    section: str
    target_value: float | None  # 100.0 for "100%", 4.0 for "4/4"; None for done/not done
    target_unit: str | None  # "%", "/4" or None
    expected: list[str]  # the units asked to report it, by name
    reported: list[ReportedValue]
    missing: list[str]
    minimum: float | None
    median: float | None
    maximum: float | None
    below: list[str]  # units whose value is under the target


@dataclass(frozen=True)
class Change:
    """One entry of the audit trail: who changed which value, when, from what to what."""

    unit: str
    target: str
    old: str | None
    new: str
    reporter: str
    at: datetime


@dataclass(frozen=True)
class Status:
    period: Period
    scope: str  # the unit whose subtree is summarised, or "Tất cả đơn vị"
    targets: list[TargetStatus]
    expected_units: list[str]
    missing_units: list[str]  # units that reported nothing at all for the period
    history: list[Change] = field(default_factory=list)


_ENUMERATOR = re.compile(r"^\s*(?:[a-zđ]\)|\d+(?:\.\d+)*[.)]|[-+•*])\s*", re.IGNORECASE)
_MARKUP = re.compile(r"<sup>.*?</sup>|<[^>]+>")


def plain(text: str) -> str:
    """Text without HTML marks (footnotes kept from the documents' tables)."""
    return " ".join(_MARKUP.sub("", text).split())


def target_label(text: str, width: int) -> str:
    """Target wording for charts and sheets: no list marker, no footnote marks, cut to fit."""
    return shorten(plain(_ENUMERATOR.sub("", text, count=1)), width)


def _reporter(person: Person | None) -> str:
    return person.name if person else "?"


def compute_status(session: Session, period: Period, root: Unit | None) -> Status:
    """Per target, the schools under `root` (all schools when None) expected to report it,
    what they reported for `period`, who is missing and how the values compare."""
    query = select(Unit).where(Unit.kind == UnitKind.TRUONG).order_by(Unit.name)
    if root is not None:
        query = query.where(Unit.id.in_(subtree_ids(session, root.id)))
    schools = list(session.scalars(query))
    expected: dict[int, list[Unit]] = {}
    items: dict[int, ItemRecord] = {}
    for school in schools:
        for item in targets_for(session, school):
            items.setdefault(item.id, item)
            expected.setdefault(item.id, []).append(school)
    rows = session.scalars(
        select(Progress).where(
            Progress.period == period.code, Progress.unit_id.in_([s.id for s in schools])
        )
    )
    values: dict[tuple[int, int], Progress] = {(r.item_id, r.unit_id): r for r in rows}
    targets = [
        _target_status(item, expected[item.id], values)
        for item in sorted(items.values(), key=lambda i: (i.plan_id, i.position))
    ]
    reporting = {unit_id for _, unit_id in values}
    concerned = [s for s in schools if any(s in e for e in expected.values())]
    changes = session.scalars(
        select(ProgressChange)
        .where(
            ProgressChange.period == period.code,
            ProgressChange.unit_id.in_([s.id for s in schools]),
        )
        .order_by(ProgressChange.at, ProgressChange.id)
    )
    history = [
        Change(c.unit.name, target_label(c.item.text, 90), c.old, c.new, _reporter(c.person), c.at)
        for c in changes
    ]
    return Status(
        period=period,
        scope=root.name if root else "Tất cả đơn vị",
        targets=targets,
        expected_units=[s.name for s in concerned],
        missing_units=[s.name for s in concerned if s.id not in reporting],
        history=history,
    )


def _target_status(
    item: ItemRecord, schools: list[Unit], values: dict[tuple[int, int], Progress]
) -> TargetStatus:
    kind, cap = asked_measure(item)
    goal = cap if kind == "count" else item.value if kind == "percent" else None
    reported = [
        ReportedValue(s.name, row.shown, row.number, _reporter(row.person), row.reported_at)
        for s in schools
        if (row := values.get((item.id, s.id))) is not None
    ]
    numbers = [value.number for value in reported if value.number is not None]
    floor = goal if goal is not None else 100.0
    return TargetStatus(
        item_id=item.id,
        text=item.text,
        plan=item.plan.display_name,
        section=item.section,
        target_value=goal,
        target_unit=item.unit,
        expected=[s.name for s in schools],
        reported=reported,
        missing=[s.name for s in schools if (item.id, s.id) not in values],
        minimum=min(numbers) if numbers else None,
        median=statistics.median(numbers) if numbers else None,
        maximum=max(numbers) if numbers else None,
        below=[v.unit for v in reported if v.number is not None and v.number < floor],
    )
