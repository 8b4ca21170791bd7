"""People the bot knows, one per chat account, each with a role in one unit.

Who may do what: anyone registered may ask; only a school's own principal or reporter may
report its numbers; staff see the units under their own; admins may do everything,
including loading plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from bot.db import Base, UtcDateTime
from handlers.units import Unit, UnitKind, subtree_ids
from knowledge.text import fold


class Role(StrEnum):
    TEACHER = "teacher"
    REPORTER = "reporter"
    STAFF = "staff"
    ADMIN = "admin"


ROLE_NAMES = {
    Role.TEACHER: "giáo viên",
    Role.REPORTER: "hiệu trưởng / người báo cáo",
    Role.STAFF: "chuyên viên",
    Role.ADMIN: "quản trị viên",
}

_ROLE_ALIASES = {
    **{role.value: role for role in Role},
    "giao vien": Role.TEACHER,
    "gv": Role.TEACHER,
    "hieu truong": Role.REPORTER,
    "nguoi bao cao": Role.REPORTER,
    "principal": Role.REPORTER,
    "chuyen vien": Role.STAFF,
    "quan tri": Role.ADMIN,
    "quan tri vien": Role.ADMIN,
}


@dataclass(frozen=True)
class Account:
    """A chat account as its platform names it."""

    channel: str
    user_id: str
    chat_id: str
    name: str


class ReminderChoice(StrEnum):
    ALL = "all"
    LAST = "last"
    OFF = "off"


def unknown_role(text: str) -> str:
    return f"vai trò “{text}” không có; chọn: teacher, reporter, staff hoặc admin"


def parse_role(text: str) -> Role | None:
    """'hiệu trưởng', 'hieu_truong', 'reporter' → Role.REPORTER; None when unknown."""
    return _ROLE_ALIASES.get(" ".join(fold(text).replace("_", " ").split()))


class Person(Base):
    """A chat account (channel + the platform's user id) and what it may do."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("channel", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    reminders: Mapped[str] = mapped_column(String(8), default=ReminderChoice.ALL)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime())

    unit: Mapped[Unit | None] = relationship()

    def can_report_for(self, unit: Unit) -> bool:
        """Only the school's own principal or reporter reports its numbers."""
        return self.role == Role.REPORTER and self.unit_id == unit.id

    def sees(self, session: Session, unit: Unit) -> bool:
        """Admins see every unit; staff their own and those below; others only their own."""
        if self.role == Role.ADMIN:
            return True
        if self.role == Role.STAFF and self.unit_id is not None:
            return unit.id in subtree_ids(session, self.unit_id)
        return unit.id == self.unit_id

    def visible_schools(self, session: Session) -> list[Unit]:
        """The schools this person oversees (staff, admin) or belongs to."""
        query = select(Unit).where(Unit.kind == UnitKind.TRUONG).order_by(Unit.name)
        if self.role != Role.ADMIN:
            if self.unit_id is None:
                return []
            query = query.where(Unit.id.in_(subtree_ids(session, self.unit_id)))
        return list(session.scalars(query))

    def plan_ids(self) -> list[int] | None:
        """The plans that concern this person; None means all (an admin with no unit)."""
        if self.unit is None:
            return None
        return self.unit.plan_ids()


def find_person(session: Session, channel: str, user_id: str) -> Person | None:
    return session.scalar(
        select(Person).where(Person.channel == channel, Person.user_id == user_id)
    )


def enrol(
    session: Session,
    account: Account,
    role: Role,
    unit: Unit | None,
    now: datetime,
) -> Person:
    """Give an account a role in a unit, creating its person on first enrolment."""
    person = find_person(session, account.channel, account.user_id)
    if person is None:
        person = Person(channel=account.channel, user_id=account.user_id, joined_at=now)
        session.add(person)
    person.name, person.chat_id = account.name[:200], account.chat_id
    person.role, person.unit = role, unit
    session.flush()
    return person
