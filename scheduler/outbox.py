"""Reminders as rows: planned from the due dates, created when their time comes, claimed by
one sender, and marked sent with the platform's message id.

A row's key (recipient, item, period, offset) is unique, so however many ticks or processes
plan the same reminder, it exists once. A claim is committed before the message is sent and
the outcome after it. The one window in which a crash repeats a message lies between the
platform accepting it and the outcome being committed: the claim then outlives its sender,
and the reminder is sent again once the claim is recovered.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from bot.db import Base, UtcDateTime, insert_new
from handlers.messages import TextReply
from handlers.people import Person, ReminderChoice, Role
from handlers.periods import Period
from handlers.progress import report_state
from handlers.state import load_state
from handlers.units import Unit
from knowledge.store import ItemRecord
from scheduler import due_dates
from scheduler.due_dates import UnitDue
from scheduler.policy import OVERDUE, ReminderPolicy

REMIND, DIGEST = "remind", "digest"
PENDING, SENDING, SENT, SKIPPED, FAILED = "pending", "sending", "sent", "skipped", "failed"
REPLY_STEP = "reminder"
OVERDUE_DAYS = 7  # an overdue notice not sent within a week of the due date is dropped


class Reminder(Base):
    """One message to one person about one due report: a reminder to a school's principal, or
    the overdue digest to the staff above the schools."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("person_id", "item_id", "period", "offset"),
        Index("ix_reminders_status_send_at", "status", "send_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))
    offset: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    send_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(8), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None] = mapped_column(UtcDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    error: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship()
    unit: Mapped[Unit] = relationship()
    item: Mapped[ItemRecord] = relationship()

    @property
    def still_wanted(self) -> bool:
        """Whether the person still wants it: same unit and role as when it was planned, and a
        /nhacnho choice that still includes it."""
        person = self.person
        if person.reminders == ReminderChoice.OFF or person.unit_id != self.unit_id:
            return False
        if self.kind == DIGEST:
            return person.role == Role.STAFF
        last_only = person.reminders == ReminderChoice.LAST
        return person.role == Role.REPORTER and (not last_only or self.offset <= 0)


@dataclass(frozen=True)
class Planned:
    """A reminder the policy calls for: to whom, about what, when."""

    kind: str
    person_id: int
    unit_id: int  # the school; for a digest, the staff member's unit
    item_id: int
    period: Period
    offset: int
    due: date
    send_at: datetime

    @property
    def key(self) -> tuple[int, int, str, int]:
        return self.person_id, self.item_id, self.period.code, self.offset


def plan(
    session: Session,
    policy: ReminderPolicy,
    first: datetime,
    last: datetime,
    unit_ids: Collection[int] | None = None,
) -> list[Planned]:
    """Every reminder and digest due to go out in [first, last], to the people registered
    now, leaving out schools that have already reported for the period."""
    start = policy.today(first) - timedelta(days=1 + OVERDUE_DAYS)
    end = policy.today(last) + timedelta(days=max(policy.days_before))
    dues = due_dates.due_between(session, start, end, unit_ids)
    people = session.scalars(
        select(Person).where(
            Person.reminders != ReminderChoice.OFF,
            Person.role.in_([Role.REPORTER, Role.STAFF]),
            Person.unit_id.is_not(None),
        )
    ).all()
    reporters: dict[int, list[Person]] = {}
    staff: dict[int, list[Person]] = {}
    for person in people:
        assert person.unit_id is not None
        group = reporters if person.role == Role.REPORTER else staff
        group.setdefault(person.unit_id, []).append(person)
    found: dict[tuple[int, int, str, int], Planned] = {}
    for due in dues:
        unit = session.get(Unit, due.unit_id)
        if unit is None or report_state(session, unit, due.period).complete:
            continue
        entries = [
            _planned(REMIND, person.id, unit.id, due, offset, policy)
            for person in reporters.get(unit.id, [])
            for offset in policy.offsets(person.reminders == ReminderChoice.LAST)
        ] + [
            _planned(DIGEST, person.id, above.id, due, OVERDUE, policy)
            for above in unit.ancestry()[1:]
            for person in staff.get(above.id, [])
        ]
        for entry in entries:
            found.setdefault(entry.key, entry)
    return sorted(
        (entry for entry in found.values() if first <= entry.send_at <= last),
        key=lambda e: (e.send_at, e.item_id, e.person_id, e.offset),
    )


def _planned(
    kind: str, person_id: int, unit_id: int, due: UnitDue, offset: int, policy: ReminderPolicy
) -> Planned:
    send_at = policy.send_at(due.due, offset)
    return Planned(kind, person_id, unit_id, due.item_id, due.period, offset, due.due, send_at)


def _still_timely(entry: Planned, today: date) -> bool:
    if entry.offset == OVERDUE:
        return today <= entry.due + timedelta(days=OVERDUE_DAYS)
    return today <= entry.due


def create_due(session: Session, policy: ReminderPolicy, now: datetime) -> int:
    """Create the rows of the reminders whose time has come. After a pause (a restart, a
    night) only the latest reminder of each report is created: a "7 days left" that would
    arrive with 3 days left helps nobody. Returns how many rows are new."""
    today = policy.today(now)
    latest: dict[tuple[int, int, str], Planned] = {}
    for entry in plan(session, policy, now - timedelta(days=OVERDUE_DAYS + 8), now):
        if _still_timely(entry, today):
            latest[entry.key[:3]] = entry  # plan() is in send order: the last one wins
    rows = [_row(entry) for entry in latest.values()]
    return sum(
        insert_new(session, Reminder, rows[at : at + 500]) for at in range(0, len(rows), 500)
    )


def _row(entry: Planned) -> dict[str, object]:
    return {
        "kind": entry.kind,
        "person_id": entry.person_id,
        "unit_id": entry.unit_id,
        "item_id": entry.item_id,
        "period": entry.period.code,
        "offset": entry.offset,
        "due_on": entry.due,
        "send_at": entry.send_at,
        "status": PENDING,
        "attempts": 0,
    }


def snooze(session: Session, reminder: Reminder, policy: ReminderPolicy, today: date) -> datetime:
    """'Nhắc lại ngày mai': the same report again tomorrow at the usual time (or the overdue
    notice, if tomorrow is past the due date). Returns when."""
    tomorrow = today + timedelta(days=1)
    offset = max((reminder.due_on - tomorrow).days, OVERDUE)
    entry = Planned(
        REMIND,
        reminder.person_id,
        reminder.unit_id,
        reminder.item_id,
        Period.parse(reminder.period),
        offset,
        reminder.due_on,
        policy.on_day(tomorrow),
    )
    insert_new(session, Reminder, _row(entry))
    return entry.send_at


def recover(session: Session, older_than: datetime | None) -> int:
    """Return claims to the queue: those taken before `older_than` (their sender is presumed
    dead), or all of them (None) when this is the only sender."""
    query = update(Reminder).where(Reminder.status == SENDING)
    if older_than is not None:
        query = query.where(Reminder.claimed_at < older_than)
    result = session.execute(query.values(status=PENDING, claimed_by=None, claimed_at=None))
    return int(getattr(result, "rowcount", 0))


def claimable(session: Session, now: datetime, limit: int) -> list[Reminder]:
    """Pending reminders whose time has come, locked; rows another sender holds are skipped.
    A reminder tried in this run is no longer among them: it was sent, skipped, failed, or put
    back with a `not_before` after `now`."""
    query = (
        select(Reminder)
        .where(
            Reminder.status == PENDING,
            Reminder.send_at <= now,
            or_(Reminder.not_before.is_(None), Reminder.not_before <= now),
        )
        .order_by(Reminder.send_at, Reminder.item_id, Reminder.person_id, Reminder.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .options(
            selectinload(Reminder.person),
            selectinload(Reminder.unit),
            selectinload(Reminder.item).selectinload(ItemRecord.plan),
        )
    )
    return list(session.scalars(query))


def mark_sent(
    session: Session, reminder_id: int, message_id: str | None, reply: TextReply, now: datetime
) -> None:
    """Record delivery; a reply to the reminder, or a digit for one of its buttons, then
    refers to it — unless the person is in the middle of something else."""
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        return
    reminder.status, reminder.sent_at, reminder.message_id = SENT, now, message_id
    reminder.claimed_by = reminder.error = None
    if reminder.kind != REMIND:
        return
    person = reminder.person
    state = load_state(session, person.channel, person.user_id, now)
    if state.step in (None, REPLY_STEP):
        state.step, state.data = REPLY_STEP, {"reminder": reminder.id}
        state.choices = [button.payload for button in reply.choices]


def retry_later(session: Session, reminder_id: int, not_before: datetime, error: str) -> None:
    session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id)
        .values(status=PENDING, not_before=not_before, error=error[:500], claimed_by=None)
    )


def give_up(session: Session, reminder_id: int, status: str, error: str) -> None:
    """A final outcome other than sent: skipped (nothing to say) or failed (undeliverable)."""
    session.execute(
        update(Reminder)
        .where(Reminder.id == reminder_id)
        .values(status=status, error=error[:500], claimed_by=None)
    )
