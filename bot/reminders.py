"""`planbot reminders preview | send-due`, and the reminder sender of `planbot run`.

On SQLite exactly one process sends: it holds an exclusive lock on a file beside the
database for as long as it runs, and takes back the claims a crashed sender left at once.
On PostgreSQL any number of processes may send; claims are taken with SKIP LOCKED and a
claim older than REMINDER_LEASE_SECONDS is presumed dead.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.channel import Channel
from bot.config import Settings
from handlers.people import Person
from handlers.units import Unit, find_unit, subtree_ids
from knowledge.store import ItemRecord
from knowledge.text import shorten
from scheduler import outbox
from scheduler.sender import Outcome, ReminderSender


class ReminderError(Exception):
    """A mistake in a reminders command, worded for the user (Vietnamese)."""


@contextlib.contextmanager
def sender_lock(database_url: str) -> Iterator[None]:
    """Hold the one-sender lock of a SQLite database; nothing to hold on PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        yield
        return
    path = Path(f"{url.database}.sender.lock")
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReminderError(
                "một tiến trình khác đang gửi nhắc nhở trên cơ sở dữ liệu này (planbot run?)"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_sender(
    settings: Settings, sessions: sessionmaker[Session], channels: Mapping[str, Channel]
) -> ReminderSender:
    return ReminderSender(
        sessions,
        channels,
        settings.reminder_policy,
        settings.send_limits,
        only_sender=make_url(settings.database_url).get_backend_name() == "sqlite",
        lease=timedelta(seconds=settings.reminder_lease_seconds),
    )


def preview(
    settings: Settings,
    sessions: sessionmaker[Session],
    first: date,
    last: date,
    unit_name: str | None,
) -> list[dict[str, object]]:
    """What would be sent from `first` to `last` (local days), to whom, about what."""
    if last < first:
        raise ReminderError("--to phải sau --from")
    policy = settings.reminder_policy
    start = datetime.combine(first, time.min, policy.zone).astimezone(UTC)
    end = datetime.combine(last, time.max, policy.zone).astimezone(UTC)
    with sessions.begin() as session:
        unit_ids = None
        if unit_name:
            unit = find_unit(session, unit_name)
            if unit is None:
                raise ReminderError(f"không có đơn vị “{unit_name}” (xem: planbot units)")
            unit_ids = subtree_ids(session, unit.id)
        entries = []
        for entry in outbox.plan(session, policy, start, end, unit_ids):
            person = session.get(Person, entry.person_id)
            unit = session.get(Unit, entry.unit_id)
            item = session.get(ItemRecord, entry.item_id)
            assert person is not None and unit is not None and item is not None
            entries.append(
                {
                    "send_at": entry.send_at.astimezone(policy.zone).isoformat(),
                    "kind": entry.kind,
                    "days_before": entry.offset,
                    "due": entry.due.isoformat(),
                    "period": entry.period.code,
                    "person": person.name,
                    "channel": person.channel,
                    "chat_id": person.chat_id,
                    "unit": unit.name,
                    "plan": item.plan.display_name,
                    "section": item.section,
                    "item_id": item.id,
                    "what": shorten(item.text, 120),
                }
            )
        return entries


def preview_text(entries: list[dict[str, object]]) -> str:
    if not entries:
        return "Không có nhắc nhở nào trong khoảng này."
    lines = []
    for entry in entries:
        when = datetime.fromisoformat(str(entry["send_at"]))
        what = "tổng hợp quá hạn" if entry["kind"] == outbox.DIGEST else "nhắc"
        lines.append(
            f"{when:%d/%m/%Y %H:%M} {what} {entry['person']} ({entry['unit']}):"
            f" {entry['period']}, hạn {date.fromisoformat(str(entry['due'])):%d/%m/%Y}"
        )
    return "\n".join(lines)


async def send_due(
    settings: Settings, sessions: sessionmaker[Session], channels: list[Channel], now: datetime
) -> Outcome:
    """Send everything due at `now` through `channels`, then let them go."""
    for channel in channels:
        await channel.connect()
    try:
        sender = build_sender(settings, sessions, {c.name: c for c in channels})
        return await sender.send_due(now)
    finally:
        for channel in channels:
            await channel.stop()
