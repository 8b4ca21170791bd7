"""The plan knowledge base in the database: plans, their sections and items.

Re-importing a plan updates it in place. Plans are matched by `PlanFacts.identity` and items
by a key derived from their content, so the ids that progress reports and reminders point at
survive a re-import of the same or a corrected document.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from bot.db import Base, UtcDateTime
from knowledge.dates import occurrences
from knowledge.facts import Item, PlanFacts, Section
from knowledge.text import fold, nfc

SaveStatus = Literal["created", "updated", "unchanged"]


class PlanRecord(Base):
    """One imported plan document."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(String, unique=True)
    number: Mapped[str | None]
    issuer: Mapped[str | None]
    locality: Mapped[str | None]
    issued_on: Mapped[str | None] = mapped_column(String(10))
    issued_text: Mapped[str | None]
    title: Mapped[str]
    year: Mapped[int | None]
    school_year: Mapped[str | None]
    signer_name: Mapped[str | None]
    signer_title: Mapped[str | None]
    budget_million_vnd: Mapped[float | None] = mapped_column(Float)
    source_name: Mapped[str]
    content_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, deferred=True)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())

    sections: Mapped[list[SectionRecord]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SectionRecord.position",
    )
    items: Mapped[list[ItemRecord]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ItemRecord.position",
    )

    @property
    def display_name(self) -> str:
        """Short name for lists and answers: 'Ninh Bình – 27/KH-SGDĐT'."""
        parts = [part for part in (self.locality, self.number or self.title) if part]
        return " – ".join(parts)

    @property
    def in_force_from(self) -> date | None:
        """First day the plan can ask for anything: its issue date (the start of the issue
        month or year when the document leaves day or month blank), and not before the year
        or school year it is for (a 2027 plan issued in December 2026 starts in 2027)."""
        starts = []
        if self.issued_on:
            parts = [int(part) for part in self.issued_on.split("-")]
            starts.append(date(parts[0], *([*parts[1:], 1, 1])[:2]))
        if self.year:
            starts.append(date(self.year, 1, 1))
        elif self.school_year:
            starts.append(date(int(self.school_year[:4]), 8, 1))
        return max(starts, default=None)


class SectionRecord(Base):
    """A numbered heading of a plan, kept so answers can cite where an item comes from."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    path: Mapped[str]
    number: Mapped[str]
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[int]
    position: Mapped[int]

    plan: Mapped[PlanRecord] = relationship(back_populates="sections")


class ItemRecord(Base):
    """A target, task, deadline, reporting schedule or contact of a plan."""

    __tablename__ = "items"
    # Item ids are what progress reports and reminders point at: never hand out one again.
    __table_args__ = (UniqueConstraint("plan_id", "key"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    section: Mapped[str]
    section_title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    partners: Mapped[list[str]] = mapped_column(JSON)
    applies_to: Mapped[list[str]] = mapped_column(JSON)
    measures: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None]
    qualifier: Mapped[str | None]
    due_on: Mapped[date | None] = mapped_column(Date)
    due_text: Mapped[str | None] = mapped_column(Text)
    due_precision: Mapped[str | None] = mapped_column(String(16))
    due_before: Mapped[bool]
    recurrence: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    budget_million_vnd: Mapped[float | None] = mapped_column(Float)
    product: Mapped[str | None] = mapped_column(Text)
    reporter: Mapped[str | None] = mapped_column(Text)
    report_to: Mapped[str | None] = mapped_column(Text)
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    columns: Mapped[dict[str, str]] = mapped_column(JSON)
    also_in: Mapped[list[str]] = mapped_column(JSON)

    plan: Mapped[PlanRecord] = relationship(back_populates="items")


@dataclass(frozen=True)
class SaveResult:
    """What `save_plan` did with one plan."""

    plan: PlanRecord
    status: SaveStatus


@dataclass(frozen=True)
class Deadline:
    """One dated entry of the deadline listing: an item's due date, a milestone or a repeat."""

    plan: str
    plan_id: int
    item_id: int
    due: date
    text: str
    recurring: bool
    kind: str
    section: str

    def to_json(self) -> dict[str, object]:
        return {
            "plan": self.plan,
            "plan_id": self.plan_id,
            "item_id": self.item_id,
            "due": self.due.isoformat(),
            "text": self.text,
            "recurring": self.recurring,
            "kind": self.kind,
            "section": self.section,
        }


def _content_hash(text: str) -> str:
    """Fingerprint of a plan's normalised text."""
    return hashlib.sha256(nfc(text).encode("utf-8")).hexdigest()


def _item_keys(items: Iterable[Item]) -> list[str]:
    """Stable keys of a plan's items: same kind, section, wording and schedule → same key.

    Identical items of one plan get an ordinal suffix, in document order.
    """
    seen: Counter[str] = Counter()
    keys = []
    for item in items:
        schedule = item.recurrence["rrule"] if item.recurrence else ""
        basis = f"{item.kind}|{item.section}|{fold(item.text)}|{schedule}".encode()
        digest = hashlib.sha1(basis, usedforsecurity=False).hexdigest()[:16]
        seen[digest] += 1
        keys.append(digest if seen[digest] == 1 else f"{digest}-{seen[digest]}")
    return keys


def _plan_values(facts: PlanFacts, source_name: str) -> dict[str, object]:
    return {
        "number": facts.number,
        "issuer": facts.issuer,
        "locality": facts.locality,
        "issued_on": facts.issued_on,
        "issued_text": facts.issued_text,
        "title": facts.title,
        "year": facts.year,
        "school_year": facts.school_year,
        "signer_name": facts.signer_name,
        "signer_title": facts.signer_title,
        "budget_million_vnd": facts.budget_million_vnd,
        "source_name": source_name,
        "content_hash": _content_hash(facts.text),
        "text": facts.text,
    }


def _item_values(item: Item, key: str, position: int) -> dict[str, object]:
    first = item.first_measure
    due = item.due
    return {
        "key": key,
        "position": position,
        "kind": item.kind,
        "text": item.text,
        "section": item.section,
        "section_title": item.section_title,
        "lead": item.lead,
        "partners": list(item.partners),
        "applies_to": list(item.applies_to),
        "measures": [measure.to_json() for measure in item.measures],
        "value": first.value if first else None,
        "unit": first.unit if first else None,
        "qualifier": first.qualifier if first else None,
        "due_on": due.on if due else None,
        "due_text": due.text if due else None,
        "due_precision": due.precision if due else None,
        "due_before": due.before if due else False,
        "recurrence": item.recurrence,
        "budget_million_vnd": item.budget_million_vnd,
        "product": item.product,
        "reporter": item.reporter,
        "report_to": item.report_to,
        "milestones": [milestone.to_json() for milestone in item.milestones],
        "columns": dict(item.columns),
        "also_in": list(item.also_in),
    }


def _assign(record: Base, values: dict[str, object]) -> bool:
    """Set the attributes that differ; True when any did (so unchanged rows are not written)."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def _sync_sections(session: Session, plan: PlanRecord, sections: list[Section]) -> bool:
    wanted = [
        {"path": s.path, "number": s.number, "title": s.title, "level": s.level, "position": n}
        for n, s in enumerate(sections)
    ]
    columns = (SectionRecord.path, SectionRecord.number, SectionRecord.title, SectionRecord.level)
    stored = session.execute(
        select(*columns, SectionRecord.position)
        .where(SectionRecord.plan_id == plan.id)
        .order_by(SectionRecord.position)
    ).mappings()
    if [dict(row) for row in stored] == wanted:
        return False
    session.execute(delete(SectionRecord).where(SectionRecord.plan_id == plan.id))
    if wanted:
        session.execute(insert(SectionRecord), [{"plan_id": plan.id, **row} for row in wanted])
    return True


def _sync_items(session: Session, plan: PlanRecord, items: list[Item]) -> bool:
    """Match items by key: keep ids of known ones, update changed ones, insert new ones and
    drop vanished ones, in a few bulk statements (an import writes hundreds of rows)."""
    wanted = {
        key: _item_values(item, key, position)
        for position, (key, item) in enumerate(zip(_item_keys(items), items, strict=True))
    }
    table = ItemRecord.__table__
    stored = {
        row["key"]: row
        for row in session.execute(select(table).where(table.c.plan_id == plan.id)).mappings()
    }
    changed = [
        {"id": stored[key]["id"], **values}
        for key, values in wanted.items()
        if key in stored and any(stored[key][name] != value for name, value in values.items())
    ]
    added = [{"plan_id": plan.id, **values} for key, values in wanted.items() if key not in stored]
    removed = [row["id"] for key, row in stored.items() if key not in wanted]
    if added:
        session.execute(insert(ItemRecord), added)
    if changed:
        session.execute(update(ItemRecord), changed)
    if removed:
        session.execute(delete(ItemRecord).where(ItemRecord.id.in_(removed)))
    return bool(changed or added or removed)


def save_plan(session: Session, facts: PlanFacts, source_name: str) -> SaveResult:
    """Insert or update the plan with `facts.identity`; `source_name` is only displayed."""
    plan = session.scalars(
        select(PlanRecord).where(PlanRecord.identity == facts.identity)
    ).one_or_none()
    created = plan is None
    if plan is None:
        plan = PlanRecord(identity=facts.identity, imported_at=datetime.now(UTC))
        session.add(plan)
    plan_changed = _assign(plan, _plan_values(facts, source_name))
    session.flush()
    changes = [
        plan_changed,
        _sync_sections(session, plan, facts.sections),
        _sync_items(session, plan, facts.items),
    ]
    if not any(changes):
        return SaveResult(plan, "unchanged")
    plan.imported_at = datetime.now(UTC)
    session.flush()
    session.expire(plan, ["sections", "items"])
    return SaveResult(plan, "created" if created else "updated")


KIND_LABELS = {
    "target": "chỉ tiêu",
    "task": "nhiệm vụ",
    "deadline": "mốc hạn",
    "report": "báo cáo",
    "contact": "liên hệ",
}


def item_counts(plan: PlanRecord) -> dict[str, int]:
    counts = Counter(item.kind for item in plan.items)
    return {kind: counts[kind] for kind in KIND_LABELS}


def describe_counts(plan: PlanRecord) -> str:
    """'13 chỉ tiêu, 39 nhiệm vụ, 3 báo cáo'."""
    counts = item_counts(plan)
    parts = [f"{counts[kind]} {label}" for kind, label in KIND_LABELS.items() if counts[kind]]
    return ", ".join(parts) or "chưa có mục nào"


def list_plans(session: Session) -> list[PlanRecord]:
    """Every plan with its items, oldest import first; each item knows its plan even once
    the session is closed (the answering engine outlives it)."""
    items = selectinload(PlanRecord.items).selectinload(ItemRecord.plan)
    query = select(PlanRecord).options(items).order_by(PlanRecord.id)
    return list(session.scalars(query))


def find_plans(session: Session, name: str) -> list[PlanRecord]:
    """Plans whose locality, number or title contains `name`, ignoring case and diacritics."""
    wanted = fold(name)
    return [
        plan
        for plan in list_plans(session)
        if any(wanted in fold(part or "") for part in (plan.locality, plan.number, plan.title))
    ]


def plan_items(session: Session, plan_id: int) -> list[ItemRecord]:
    """The items of one plan in document order."""
    query = select(ItemRecord).where(ItemRecord.plan_id == plan_id).order_by(ItemRecord.position)
    return list(session.scalars(query))


def _item_json(item: ItemRecord) -> dict[str, object]:
    return {
        "id": item.id,
        "kind": item.kind,
        "text": item.text,
        "section": item.section,
        "section_title": item.section_title,
        "value": item.value,
        "unit": item.unit,
        "qualifier": item.qualifier,
        "measures": item.measures,
        "lead": item.lead,
        "partners": item.partners,
        "applies_to": item.applies_to,
        "due": item.due_on.isoformat() if item.due_on else None,
        "due_text": item.due_text,
        "due_precision": item.due_precision,
        "recurrence": item.recurrence,
        "budget_million_vnd": item.budget_million_vnd,
        "product": item.product,
        "reporter": item.reporter,
        "report_to": item.report_to,
        "milestones": item.milestones,
        "also_in": item.also_in,
    }


def export_json(plans: Iterable[PlanRecord]) -> dict[str, object]:
    """The knowledge base as plain JSON, for `planbot kb export` and for checking extraction."""
    return {
        "plans": [
            {
                "id": plan.id,
                "number": plan.number,
                "issuer": plan.issuer,
                "locality": plan.locality,
                "issued_on": plan.issued_on,
                "issued_text": plan.issued_text,
                "signer_name": plan.signer_name,
                "signer_title": plan.signer_title,
                "title": plan.title,
                "year": plan.year,
                "school_year": plan.school_year,
                "budget_million_vnd": plan.budget_million_vnd,
                "items": [_item_json(item) for item in plan.items],
            }
            for plan in plans
        ]
    }


DateKind = Literal["due", "milestone", "repeat"]


def item_dates(item: ItemRecord, start: date, end: date) -> Iterator[tuple[date, DateKind, str]]:
    """The item's dates inside [start, end]: its due date, each milestone (with its text) and
    each repeat of its schedule (with the schedule's wording), repeats never before the plan
    is in force."""
    if item.due_on is not None and start <= item.due_on <= end:
        yield item.due_on, "due", ""
    for milestone in item.milestones:
        on = (milestone.get("due") or {}).get("on")
        if on and start <= date.fromisoformat(on) <= end:
            yield date.fromisoformat(on), "milestone", str(milestone["text"])
    if item.recurrence:
        first = max(start, item.plan.in_force_from or start)
        for due in occurrences(item.recurrence, first, end) if first <= end else []:
            yield due, "repeat", str(item.recurrence.get("text", ""))


def _item_deadlines(item: ItemRecord, start: date, end: date) -> Iterator[Deadline]:
    """The item's own due date, its milestones and its repeats that fall inside [start, end]."""
    plan = item.plan
    for due, kind, label in item_dates(item, start, end):
        if kind == "due":
            text = item.text
        elif kind == "milestone":
            text = f"{textwrap.shorten(item.text, 80, placeholder='…')}: {label}"
        else:
            text = f"{label}: {textwrap.shorten(item.text, 160, placeholder='…')}"
        yield Deadline(
            plan.display_name,
            plan.id,
            item.id,
            due,
            text,
            kind == "repeat",
            item.kind,
            item.section,
        )


def deadlines(
    session: Session, start: date, end: date, plan_ids: Collection[int] | None = None
) -> list[Deadline]:
    """Everything due in [start, end], optionally of some plans only, in date order."""
    query = select(ItemRecord).options(selectinload(ItemRecord.plan))
    if plan_ids is not None:
        query = query.where(ItemRecord.plan_id.in_(plan_ids))
    unique: dict[tuple[int, date, str], Deadline] = {}
    for item in session.scalars(query):
        for entry in _item_deadlines(item, start, end):
            unique.setdefault((entry.plan_id, entry.due, entry.text), entry)
    return sorted(unique.values(), key=lambda d: (d.due, d.plan_id, d.item_id, d.text))
