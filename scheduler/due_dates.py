"""The concrete reporting dates of every school: each recurring report of the plans it
follows expanded, and each one-off deadline its plans give to schools.

They are kept in `due_dates` for a window of days ahead and recomputed whenever the plans or
the unit tree change (seen through a fingerprint) or the window no longer covers the days
asked for, so an imported or corrected plan counts at the next tick.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column, selectinload

from bot.db import Base
from handlers.periods import FREQ_KINDS, Period
from handlers.units import Unit, UnitKind
from knowledge.store import ItemRecord, PlanRecord, item_dates
from knowledge.text import fold

HORIZON_DAYS = 400
_SCHOOLS = re.compile(r"\b(?:cac|nha) truong\b|\btruong hoc\b|\bco so giao duc\b|\bdon vi truong\b")


class DueDate(Base):
    """One report a school owes: which item of which plan, for which period, by when."""

    __tablename__ = "due_dates"
    __table_args__ = (UniqueConstraint("unit_id", "item_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))
    due_on: Mapped[date] = mapped_column(Date, index=True)


class DueDateWindow(Base):
    """Which days `due_dates` covers, and for which plans and units (a fingerprint)."""

    __tablename__ = "due_date_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    fingerprint: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class UnitDue:
    unit_id: int
    item_id: int
    period: Period
    due: date


def asked_of_schools(item: ItemRecord) -> bool:
    """A report every unit under the plan sends, or a deadline the plan gives to schools."""
    return item.kind == "report" or bool(_SCHOOLS.search(fold(item.lead or "")))


def period_of(item: ItemRecord, due: date) -> Period:
    """The period a due date reports on: the month, quarter or year of a recurring report;
    the month of a one-off deadline."""
    freq = (item.recurrence or {}).get("freq")
    return Period.containing(due, FREQ_KINDS.get(str(freq), "month"))


def compute(session: Session, first: date, last: date) -> list[UnitDue]:
    """Every school's due dates in [first, last]; two items due the same day for the same
    period count once (plans often repeat a deadline in a table)."""
    schools = session.scalars(select(Unit).where(Unit.kind == UnitKind.TRUONG)).all()
    by_plans: dict[tuple[int, ...], list[Unit]] = {}
    for school in schools:
        by_plans.setdefault(tuple(school.plan_ids()), []).append(school)
    found: dict[tuple[int, str, date], UnitDue] = {}
    for plan_ids, units in by_plans.items():
        items = session.scalars(
            select(ItemRecord)
            .where(ItemRecord.plan_id.in_(plan_ids))
            .options(selectinload(ItemRecord.plan))
            .order_by(ItemRecord.plan_id, ItemRecord.position)
        )
        for item in items:
            if not asked_of_schools(item):
                continue
            dates = [day for day, kind, _ in item_dates(item, first, last) if kind != "milestone"]
            for unit in units:
                if not unit.follows(item.applies_to):
                    continue
                for day in dates:
                    period = period_of(item, day)
                    found.setdefault(
                        (unit.id, period.code, day), UnitDue(unit.id, item.id, period, day)
                    )
    return sorted(found.values(), key=lambda d: (d.due, d.unit_id, d.item_id))


def _fingerprint(session: Session) -> str:
    plans = session.execute(select(PlanRecord.id, PlanRecord.content_hash).order_by(PlanRecord.id))
    units = session.execute(
        select(Unit.id, Unit.parent_id, Unit.kind, Unit.level, Unit.plan_id).order_by(Unit.id)
    )
    return hashlib.sha256(repr((plans.all(), units.all())).encode()).hexdigest()


def ensure(session: Session, first: date, last: date) -> None:
    """Make `due_dates` cover [first, last] for the current plans and units."""
    window = session.get(DueDateWindow, 1, with_for_update=True)
    fingerprint = _fingerprint(session)
    if (
        window is not None
        and window.fingerprint == fingerprint
        and window.first_day <= first
        and last <= window.last_day
    ):
        return
    last = max(last, first + timedelta(HORIZON_DAYS))
    session.execute(delete(DueDate))
    rows = [
        {"unit_id": d.unit_id, "item_id": d.item_id, "period": d.period.code, "due_on": d.due}
        for d in compute(session, first, last)
    ]
    if rows:
        session.execute(insert(DueDate), rows)
    if window is None:
        session.add(DueDateWindow(id=1, first_day=first, last_day=last, fingerprint=fingerprint))
    else:
        window.first_day, window.last_day, window.fingerprint = first, last, fingerprint
    session.flush()


def due_between(
    session: Session, first: date, last: date, unit_ids: Collection[int] | None = None
) -> list[UnitDue]:
    """The stored due dates in [first, last], refreshed first if they are stale."""
    ensure(session, first, last)
    query = select(DueDate).where(DueDate.due_on >= first, DueDate.due_on <= last)
    if unit_ids is not None:
        query = query.where(DueDate.unit_id.in_(unit_ids))
    return [
        UnitDue(row.unit_id, row.item_id, Period.parse(row.period), row.due_on)
        for row in session.scalars(query.order_by(DueDate.due_on, DueDate.unit_id))
    ]
