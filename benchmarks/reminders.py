"""Reminder throughput against Telegram's flood limit: nothing lost, nothing sent twice.

Enrols COUNT principals (one Telegram chat each) in the sample schools whose monthly report
falls due on 20/10/2025, then, at 08:00 that morning, runs the real sender once
(`ReminderSender.send_due`, as `planbot run` builds it, through the python-telegram-bot
channel) against a local fake Bot API server that accepts FAKE_RATE messages in any one
second and answers 429 with retry_after beyond that. Prints the messages per second
achieved, the 429s received, the recipients who got nothing (lost) and the messages beyond
one per recipient (duplicated), as the fake server saw them, with the reminder rows' final
statuses, the process's peak memory (the fake server runs in it too) and the elapsed time.
Targets: at least 27 messages/s, none lost, none duplicated.
Run: `.venv/bin/python -m benchmarks.reminders [--count N] [--fake-rate R] [--send-rate R]
[--database-url URL]`; the default 10,000 reminders take six to eight minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.app import open_store
from bot.config import Settings
from bot.reminders import build_sender
from bot.telegram import TelegramChannel
from handlers.messages import Incoming, Reply
from handlers.people import Person, ReminderChoice, Role
from handlers.units import Unit, UnitKind
from scheduler import outbox
from scheduler.outbox import Reminder
from scheduler.policy import VIETNAM, ReminderPolicy
from scheduler.sender import Outcome
from tests.fake_telegram import Call, FakeTelegram

NOW = datetime(2025, 10, 20, 8, 0, tzinfo=VIETNAM).astimezone(UTC)
FIRST_CHAT = 700_000_001


class NoReplies:
    """The sender only sends; nobody writes back."""

    async def handle(self, message: Incoming) -> list[Reply]:
        return []


@dataclass
class Run:
    outcome: Outcome
    elapsed: float
    calls: list[Call]
    statuses: Counter[str]


def principals(count: int, schools: list[int]) -> list[dict[str, object]]:
    return [
        {
            "channel": "telegram",
            "user_id": str(FIRST_CHAT + n),
            "chat_id": str(FIRST_CHAT + n),
            "name": f"Hiệu trưởng {n + 1}",
            "role": Role.REPORTER,
            "unit_id": schools[n % len(schools)],
            "reminders": ReminderChoice.ALL,
            "joined_at": NOW,
        }
        for n in range(count)
    ]


def schools_due_once(sessions: sessionmaker[Session], policy: ReminderPolicy) -> list[int]:
    """The schools whose principal is owed exactly one reminder at NOW: one principal is
    enrolled in every school and the reminders created, then all of it is rolled back."""
    with sessions() as session:
        schools = list(session.scalars(select(Unit.id).where(Unit.kind == UnitKind.TRUONG)))
        session.execute(insert(Person), principals(len(schools), schools))
        outbox.create_due(session, policy, NOW)
        owed = Counter(session.scalars(select(Reminder.unit_id)))
        session.rollback()
    return [school for school in schools if owed[school] == 1]


async def send_all(settings: Settings, sessions: sessionmaker[Session], fake_rate: int) -> Run:
    async with FakeTelegram(rate_limit=fake_rate) as telegram:
        channel = TelegramChannel(
            telegram.token,
            NoReplies(),
            base_url=telegram.base_url,
            file_base_url=telegram.file_base_url,
        )
        await channel.connect()
        try:
            sender = build_sender(settings, sessions, {channel.name: channel})
            start = time.perf_counter()
            outcome = await sender.send_due(NOW)
            elapsed = time.perf_counter() - start
        finally:
            await channel.stop()
        calls = telegram.calls("sendMessage", failed=True)
    with sessions() as session:
        statuses = Counter(session.scalars(select(Reminder.status)))
    return Run(outcome, elapsed, calls, statuses)


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def report(args: argparse.Namespace, backend: str, run: Run, memory_before: float) -> None:
    delivered = Counter(str(call.params.get("chat_id")) for call in run.calls if call.ok)
    expected = {str(FIRST_CHAT + n) for n in range(args.count)}
    sent = sum(delivered.values())
    rows = ", ".join(f"{status} {n}" for status, n in sorted(run.statuses.items()))
    table = [
        ("messages/s", f"{sent / run.elapsed:.1f}", "≥ 27"),
        ("429 received", f"{sum(call.status == 429 for call in run.calls)}", ""),
        ("lost", f"{len(expected - delivered.keys())}", "0"),
        ("duplicated", f"{sent - len(delivered)}", "0"),
        ("peak memory", f"{peak_memory_mb():.0f} MB", ""),
        ("elapsed", f"{run.elapsed:.1f} s", ""),
    ]
    command = (
        f".venv/bin/python -m benchmarks.reminders --count {args.count} "
        f"--fake-rate {args.fake_rate} --send-rate {args.send_rate:g}"
    )
    if args.database_url:
        command += f" --database-url {args.database_url}"
    print(command)
    print(
        f"{args.count} reminders, fake Bot API at {args.fake_rate}/s, "
        f"sender at {args.send_rate:g}/s, {backend}"
    )
    print(f"{'':<14}{'result':>10}{'target':>8}")
    for name, value, target in table:
        print(f"{name:<14}{value:>10}{target:>8}")
    print(f"sender: {run.outcome.to_json()}")
    print(f"reminder rows: {rows}")
    print(f"peak memory before sending: {memory_before:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000, help="reminders to send")
    parser.add_argument("--fake-rate", type=int, default=30, help="messages/s the fake accepts")
    parser.add_argument(
        "--send-rate",
        type=float,
        default=float(Settings.model_fields["telegram_rate"].default),
        help="the sender's pace (TELEGRAM_RATE)",
    )
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'reminders.db'}"
        settings = Settings(database_url=url, plans_dir=None, telegram_rate=args.send_rate)
        sessions = open_store(settings)
        schools = schools_due_once(sessions, settings.reminder_policy)
        if not schools:
            raise SystemExit("no sample school has exactly one report due on 20/10/2025")
        with sessions.begin() as session:
            session.execute(insert(Person), principals(args.count, schools))
        memory_before = peak_memory_mb()
        run = asyncio.run(send_all(settings, sessions, args.fake_rate))
        sessions.kw["bind"].dispose()
    report(args, make_url(url).get_backend_name(), run, memory_before)


if __name__ == "__main__":
    main()
