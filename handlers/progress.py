"""Progress values reported by schools: one current value per unit, target and period, with
every change kept in an audit trail.

Replies are read the way principals type them ("45", "45,5%", "18/40", "đạt 18 trên 40 GV",
"xong", "chưa"); anything else is explained and nothing is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from bot.db import Base, UtcDateTime, insert_new
from handlers.people import Person
from handlers.periods import FREQ_KINDS, Period
from handlers.units import Unit
from knowledge.store import ItemRecord, deadlines
from knowledge.text import fold, vn_number

MAX_REPLY = 200
HORIZON_DAYS = 400


class Progress(Base):
    """The current value of one target for one unit and period (the last confirmed one)."""

    __tablename__ = "progress"
    __table_args__ = (UniqueConstraint("unit_id", "item_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    number: Mapped[float | None] = mapped_column(Float)
    shown: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())

    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit] = relationship()
    item: Mapped[ItemRecord] = relationship()


class ProgressChange(Base):
    """One confirmed change of a value: who, when, old and new."""

    __tablename__ = "progress_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))
    old: Mapped[str | None] = mapped_column(String(32))
    new: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit] = relationship()
    item: Mapped[ItemRecord] = relationship()


class Submission(Base):
    """A principal's word that the unit's report for a period has been sent by other means."""

    __tablename__ = "report_submissions"
    __table_args__ = (UniqueConstraint("unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(String(8))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True)
class Value:
    """A reported value: `number` is comparable with the target (a percentage, a count, or
    100/0 for done/not done); `shown` is how people read it back."""

    kind: str  # "percent", "ratio", "count" or "done"
    number: float
    shown: str

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "number": self.number, "shown": self.shown}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Value:
        return cls(str(data["kind"]), float(str(data["number"])), str(data["shown"]))


@dataclass(frozen=True)
class Control:
    """A reply that steers the flow instead of giving a value."""

    action: str  # "skip", "back" or "finish"


@dataclass(frozen=True)
class Invalid:
    """A reply that cannot be stored, and why (Vietnamese)."""

    reason: str


def asked_measure(item: ItemRecord) -> tuple[str, float | None]:
    """What a target asks for: ('percent', None), ('count', 4.0) for "4/4", or ('done', None)."""
    if item.unit == "%":
        return "percent", None
    if item.unit and item.unit.startswith("/") and item.value is not None:
        return "count", float(item.unit[1:]) if item.unit[1:].isdigit() else item.value
    return "done", None


def hint(item: ItemRecord) -> str:
    kind, cap = asked_measure(item)
    if kind == "percent":
        return "Trả lời dạng 45%, 18/40 hoặc “bỏ qua”."
    if kind == "count":
        return f"Trả lời dạng 3/{vn_number(cap or 0)} hoặc “bỏ qua”."
    return "Trả lời “xong”, “chưa” hoặc “bỏ qua”."


_CONTROLS = {
    "bo qua": "skip",
    "skip": "skip",
    "sua": "back",
    "sua lai": "back",
    "xong het": "finish",
    "dung": "finish",
    "dung lai": "finish",
    "ket thuc": "finish",
}
_YES = {"xong", "roi", "co", "da xong", "da co", "dat", "hoan thanh", "da hoan thanh", "ok"}
_NO = {"chua", "khong", "chua xong", "chua co", "chua dat"}
_NUMBER = r"(-?\d+(?:[.,]\d+)?)"
_FIGURE = re.compile(
    rf"^(?:dat|duoc|la|co|khoang|hien dat)?\s*{_NUMBER}\s*(%|phan tram)?"
    rf"(?:\s*(?:/|tren)\s*{_NUMBER})?(?:\s+[a-z]+){{0,3}}$"
)


def read_reply(text: str, item: ItemRecord) -> Value | Control | Invalid:
    """Read one reply to the question about `item`."""
    folded = " ".join(fold(text).split()).strip(" .!")
    if not folded:
        return Invalid("Bạn chưa nhập gì.")
    if len(text) > MAX_REPLY:
        return Invalid("Câu trả lời dài quá; chỉ cần một con số.")
    if folded in _CONTROLS:
        return Control(_CONTROLS[folded])
    kind, cap = asked_measure(item)
    if kind == "done":
        if folded in _YES:
            return Value("done", 100.0, "xong")
        if folded in _NO:
            return Value("done", 0.0, "chưa")
        return Invalid("Chỉ tiêu này chỉ cần trả lời “xong” hoặc “chưa”.")
    match = _FIGURE.match(folded)
    if match is None:
        return Invalid("Mình chưa hiểu con số này.")
    first, percent, second = match.groups()
    value = float(first.replace(",", "."))
    total = float(second.replace(",", ".")) if second else None
    if value < 0 or (total is not None and total < 0):
        return Invalid("Số không được âm.")
    if total is not None:
        if total == 0:
            return Invalid("Mẫu số phải lớn hơn 0.")
        if value > total:
            return Invalid(f"{vn_number(value)}/{vn_number(total)}: tử số lớn hơn mẫu số.")
    if kind == "count":
        assert cap is not None
        if percent or (total is not None and total != cap):
            return Invalid(f"Chỉ tiêu này tính trên {vn_number(cap)}, ví dụ 3/{vn_number(cap)}.")
        if value > cap:
            return Invalid(f"Không thể quá {vn_number(cap)}.")
        return Value("count", value, f"{vn_number(value)}/{vn_number(cap)}")
    if total is not None:
        return Value("ratio", value / total * 100, f"{vn_number(value)}/{vn_number(total)}")
    if value > 100:
        return Invalid("Tỷ lệ không thể quá 100%.")
    return Value("percent", value, f"{vn_number(value)}%")


def due_period(session: Session, unit: Unit, today: date) -> tuple[Period, date | None]:
    """The period whose report is due next for the unit, with its due date; the current year
    when the unit's plans schedule no recurring report."""
    found = [
        entry
        for entry in deadlines(
            session, today, today + timedelta(days=HORIZON_DAYS), unit.plan_ids()
        )
        if entry.recurring and entry.kind == "report"
    ]
    for entry in found:
        item = session.get(ItemRecord, entry.item_id)
        freq = (item.recurrence or {}).get("freq") if item else None
        if freq in FREQ_KINDS:
            return Period.containing(entry.due, FREQ_KINDS[freq]), entry.due
    return Period(today.year, "year"), None


def targets_for(session: Session, unit: Unit) -> list[ItemRecord]:
    """The targets of the unit's plans that concern its school level, in plan order."""
    plan_ids = unit.plan_ids()
    query = (
        select(ItemRecord)
        .where(ItemRecord.kind == "target", ItemRecord.plan_id.in_(plan_ids))
        .order_by(ItemRecord.plan_id, ItemRecord.position)
    )
    return [item for item in session.scalars(query) if unit.follows(item.applies_to)]


def current_values(session: Session, unit: Unit, period: Period) -> dict[int, Progress]:
    query = select(Progress).where(Progress.unit_id == unit.id, Progress.period == period.code)
    return {row.item_id: row for row in session.scalars(query)}


def record(
    session: Session,
    unit: Unit,
    person: Person,
    period: Period,
    values: dict[int, Value],
    now: datetime,
) -> int:
    """Store confirmed values; the last confirmed value wins and every change is kept.

    Each row is created if missing without failing when another reporter creates it at the
    same moment, then locked while it is updated, so two people of one school confirming
    together never lose either's values from the history."""
    changed = 0
    for item_id, value in values.items():
        insert_new(
            session,
            Progress,
            {
                "unit_id": unit.id,
                "item_id": item_id,
                "period": period.code,
                "kind": value.kind,
                "number": value.number,
                "shown": "",
                "person_id": person.id,
                "reported_at": now,
            },
        )
        row = session.scalars(
            select(Progress)
            .where(
                Progress.unit_id == unit.id,
                Progress.item_id == item_id,
                Progress.period == period.code,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        old = row.shown or None
        row.kind, row.number, row.shown = value.kind, value.number, value.shown
        row.person_id, row.reported_at = person.id, now
        if old != value.shown:
            session.add(
                ProgressChange(
                    unit_id=unit.id,
                    item_id=item_id,
                    period=period.code,
                    old=old,
                    new=value.shown,
                    person_id=person.id,
                    at=now,
                )
            )
            changed += 1
    session.flush()
    return changed


@dataclass(frozen=True)
class ReportState:
    """Where a unit stands for a period: its targets, those still without a value, and
    whether the principal said the report was sent another way."""

    targets: list[ItemRecord]
    missing: list[ItemRecord]
    submitted: bool

    @property
    def complete(self) -> bool:
        """Every target has a value, or the report was declared sent."""
        return self.submitted or (bool(self.targets) and not self.missing)


def report_state(session: Session, unit: Unit, period: Period) -> ReportState:
    targets = targets_for(session, unit)
    values = current_values(session, unit, period)
    said = session.scalar(
        select(Submission.id).where(Submission.unit_id == unit.id, Submission.period == period.code)
    )
    missing = [item for item in targets if item.id not in values]
    return ReportState(targets, missing, said is not None)


def mark_submitted(
    session: Session, unit: Unit, person: Person, period: Period, now: datetime
) -> None:
    """Record that the report was sent; saying it twice changes nothing."""
    insert_new(
        session,
        Submission,
        {"unit_id": unit.id, "period": period.code, "person_id": person.id, "at": now},
    )
