"""The tree of units (Sở → Phòng / UBND xã-phường → trường) and the plans that apply to them.

A plan given to a unit applies to everything below it, so a school follows its own plan and
those of the offices above it. Names are unique, ignoring case and diacritics, because
people and CSV files refer to units by name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from bot.db import Base
from knowledge.store import PlanRecord, find_plans
from knowledge.text import fold, nfc

CSV_HEADER = ["name", "kind", "level", "parent", "plan"]
MAX_NAME = 200


class UnitKind(StrEnum):
    SO = "so"
    PHONG = "phong"
    XA = "xa"
    TRUONG = "truong"


class Level(StrEnum):
    MAM_NON = "mam_non"
    TIEU_HOC = "tieu_hoc"
    THCS = "thcs"
    THPT = "thpt"
    LIEN_CAP = "lien_cap"


LEVEL_NAMES = {
    Level.MAM_NON: "mầm non",
    Level.TIEU_HOC: "tiểu học",
    Level.THCS: "THCS",
    Level.THPT: "THPT",
    Level.LIEN_CAP: "liên cấp",
}


class Unit(Base):
    """An office or a school."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    name_key: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    level: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    plan: Mapped[PlanRecord | None] = relationship()

    def ancestry(self) -> list[Unit]:
        """This unit, its parent, and so on up to the root."""
        chain: list[Unit] = []
        unit: Unit | None = self
        while unit is not None and unit not in chain:
            chain.append(unit)
            unit = unit.parent
        return chain

    def plan_ids(self) -> list[int]:
        """The plans this unit follows: its own and those of the units above it."""
        return [unit.plan_id for unit in self.ancestry() if unit.plan_id is not None]

    def follows(self, levels: Iterable[str]) -> bool:
        """Whether something meant for these school levels concerns this unit; offices and
        multi-level schools are concerned by every level, an empty list means everyone."""
        wanted = set(levels)
        if not wanted or self.level in (None, Level.LIEN_CAP):
            return True
        return self.level in wanted


class UnitError(ValueError):
    """A unit file or name the bot cannot use; the message is Vietnamese, for the user."""


def unit_key(name: str) -> str:
    return " ".join(fold(name).split())


def find_unit(session: Session, name: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.name_key == unit_key(name)))


def subtree_ids(session: Session, root_id: int) -> set[int]:
    """The ids of a unit and of every unit below it."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    found, pending = set(), [root_id]
    while pending:
        unit_id = pending.pop()
        if unit_id not in found:
            found.add(unit_id)
            pending.extend(children.get(unit_id, []))
    return found


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def _choice(value: str, allowed: type[StrEnum], line: int, column: str) -> str:
    key = unit_key(value).replace(" ", "_")
    if key not in {member.value for member in allowed}:
        options = ", ".join(member.value for member in allowed)
        raise UnitError(f"Dòng {line}: {column} “{value}” không hợp lệ (chọn: {options}).")
    return key


def _plan_for(session: Session, reference: str, line: int) -> int | None:
    if not reference:
        return None
    plans = find_plans(session, reference)
    if len(plans) != 1:
        problem = "không khớp kế hoạch nào" if not plans else "khớp nhiều kế hoạch"
        raise UnitError(f"Dòng {line}: kế hoạch “{reference}” {problem} (xem: planbot plans).")
    return plans[0].id


def import_units(session: Session, text: str) -> ImportSummary:
    """Create or update the units of a CSV text (header name,kind,level,parent,plan). A parent
    must come before its children; the whole file is refused on the first bad line."""
    reader = csv.DictReader(io.StringIO(nfc(text).lstrip("\ufeff")))
    if [unit_key(column) for column in reader.fieldnames or []] != CSV_HEADER:
        raise UnitError(f"Dòng tiêu đề phải là: {','.join(CSV_HEADER)}")
    created = updated = 0
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        if None in row or any(value is None for value in row.values()):
            raise UnitError(f"Dòng {line}: cần đúng {len(CSV_HEADER)} cột.")
        name = " ".join(row["name"].split())
        if not name or len(name) > MAX_NAME:
            raise UnitError(f"Dòng {line}: tên đơn vị trống hoặc quá dài.")
        if unit_key(name) in seen:
            raise UnitError(f"Dòng {line}: “{name}” xuất hiện hai lần.")
        seen.add(unit_key(name))
        kind = _choice(row["kind"], UnitKind, line, "loại")
        level = _choice(row["level"], Level, line, "cấp học") if row["level"].strip() else None
        parent = find_unit(session, row["parent"]) if row["parent"].strip() else None
        if row["parent"].strip() and parent is None:
            raise UnitError(f"Dòng {line}: chưa có đơn vị cấp trên “{row['parent'].strip()}”.")
        unit = find_unit(session, name)
        if unit is None:
            unit = Unit(name_key=unit_key(name))
            session.add(unit)
            created += 1
        else:
            updated += 1
        unit.name, unit.kind, unit.level = name, kind, level
        unit.parent = parent
        unit.plan_id = _plan_for(session, row["plan"].strip(), line)
        if unit in (parent.ancestry() if parent else []):
            raise UnitError(f"Dòng {line}: “{name}” không thể nằm dưới chính nó.")
        session.flush()
    return ImportSummary(created, updated)
