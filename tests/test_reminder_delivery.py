"""Reminder delivery against the fake Bot API with the real python-telegram-bot channel: flood
control (429) and server errors are survived, a blocked user is recorded and left alone, a
platform slower than our pace still gets everything once, and a sender killed mid fan-out
repeats only what the outbox documents it may repeat.

Which reminder a message carries is read from its "Đã gửi" button (`rem:done:<id>`), so every
delivery is matched to its row. The fake numbers the messages it accepts 1, 2, 3…, in the
order its history records them, which gives the message id each row must hold.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fake_telegram import Call, FakeTelegram
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.telegram import TelegramChannel
from handlers.messages import Incoming, Reply
from handlers.people import Account, Person, Role, enrol
from handlers.units import find_unit
from scheduler import outbox
from scheduler.policy import VIETNAM, ReminderPolicy
from scheduler.sender import Outcome, ReminderSender, Retry
from scheduler.throttle import Limits

# 07:30 on 13/12/2025 in Việt Nam: at Trường THCS Hoa Lư (Ninh Bình's plan) the monthly and the
# quarterly report are due on 20/12 (7 days left) and the yearly one was due on 10/12 (overdue).
NOW = datetime(2025, 12, 13, 7, 30, tzinfo=VIETNAM)
SCHOOL = "Trường THCS Hoa Lư"
PERIODS = {"2025", "2025-12", "2025-Q4"}
FAST_RETRY = Retry(attempts=5, first_delay=0.05, max_delay=0.4)
REPO = Path(__file__).resolve().parents[1]


class Silent:
    """The conversation core is not needed to send reminders."""

    async def handle(self, message: Incoming) -> list[Reply]:
        return []


@dataclass(frozen=True)
class Row:
    id: int
    chat_id: str
    period: str
    status: str
    message_id: str | None
    error: str | None
    attempts: int
    claimed_at: datetime | None


def enrol_reporters(sessions: sessionmaker[Session], count: int) -> list[str]:
    """`count` principals of the school, each in a private chat of their own."""
    chats = [str(700_000 + number) for number in range(count)]
    with sessions.begin() as session:
        unit = find_unit(session, SCHOOL)
        assert unit is not None
        for number, chat in enumerate(chats):
            account = Account("telegram", chat, chat, f"Hiệu trưởng {number}")
            enrol(session, account, Role.REPORTER, unit, datetime.now(UTC))
    return chats


def rows(sessions: sessionmaker[Session]) -> dict[int, Row]:
    with sessions() as session:
        found = session.execute(
            select(outbox.Reminder, Person.chat_id).join(Person, outbox.Reminder.person)
        ).all()
        return {
            reminder.id: Row(
                reminder.id,
                chat_id,
                reminder.period,
                reminder.status,
                reminder.message_id,
                reminder.error,
                reminder.attempts,
                reminder.claimed_at,
            )
            for reminder, chat_id in found
        }


def reminder_id(call: Call) -> int:
    """The reminder a sendMessage carries, from its "Đã gửi" button."""
    for row in call.params["reply_markup"]["inline_keyboard"]:
        for button in row:
            action, _, number = button["callback_data"].rpartition(":")
            if action == "rem:done":
                return int(number)
    raise AssertionError(f"no rem:done button in {call.params}")


@dataclass(frozen=True)
class Delivery:
    reminder_id: int
    chat_id: str
    message_id: str


def deliveries(telegram: FakeTelegram) -> list[Delivery]:
    """Every message the fake accepted, in order; the n-th got message id n."""
    return [
        Delivery(reminder_id(call), str(call.params["chat_id"]), str(number))
        for number, call in enumerate(telegram.calls("sendMessage"), 1)
    ]


def failures(telegram: FakeTelegram, status: int) -> list[Call]:
    return [call for call in telegram.calls("sendMessage", failed=True) if call.status == status]


def assert_each_sent_once(telegram: FakeTelegram, found: dict[int, Row]) -> None:
    """Every row is 'sent' with the id of the one message that delivered it, to its chat."""
    sent = deliveries(telegram)
    assert Counter(d.reminder_id for d in sent) == Counter(list(found))  # each exactly once
    for delivery in sent:
        row = found[delivery.reminder_id]
        assert (row.status, row.chat_id, row.message_id) == (
            outbox.SENT,
            delivery.chat_id,
            delivery.message_id,
        )


def assert_every_chat_reminded(found: dict[int, Row], chats: list[str]) -> None:
    """The outbox holds the three reminders of each principal, no more."""
    per_chat: dict[str, set[str]] = {}
    for row in found.values():
        per_chat.setdefault(row.chat_id, set()).add(row.period)
    assert per_chat == dict.fromkeys(chats, PERIODS)
    assert len(found) == len(PERIODS) * len(chats)


@asynccontextmanager
async def connected(telegram: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(
        telegram.token,
        Silent(),
        base_url=telegram.base_url,
        file_base_url=telegram.file_base_url,
    )
    await channel.connect()
    try:
        yield channel
    finally:
        await channel.stop()


def sender(
    db_url: str,
    sessions: sessionmaker[Session],
    channel: TelegramChannel,
    per_second: float,
) -> ReminderSender:
    return ReminderSender(
        sessions,
        {"telegram": channel},
        ReminderPolicy(),
        {"telegram": Limits(per_second, 0.0)},
        only_sender=make_url(db_url).get_backend_name() == "sqlite",
        retry=FAST_RETRY,
    )


@contextmanager
def call_times(telegram: FakeTelegram) -> Iterator[list[float]]:
    """When each call of the fake's history was recorded (monotonic clock, within ~2 ms)."""
    times: list[float] = []

    async def watch() -> None:
        while True:
            now = time.monotonic()
            times.extend([now] * (len(telegram.history) - len(times)))
            await asyncio.sleep(0.002)

    task = asyncio.get_running_loop().create_task(watch())
    try:
        yield times
    finally:
        task.cancel()
        times.extend([time.monotonic()] * (len(telegram.history) - len(times)))


async def test_flood_control_and_server_errors_are_survived(
    db_url: str, sample_sessions: sessionmaker[Session]
) -> None:
    """429s and 5xx in the middle of a fan-out: one run still delivers every reminder exactly
    once, counts each 429, and sends nothing at all while a 429's retry_after runs."""
    chats = enrol_reporters(sample_sessions, 6)
    async with FakeTelegram() as telegram, connected(telegram) as channel:
        telegram.fail("sendMessage", status=429, retry_after=1)
        telegram.fail("sendMessage", status=502)
        telegram.fail("sendMessage", status=500)
        telegram.fail("sendMessage", status=429, retry_after=1)
        with call_times(telegram) as times:
            started = time.monotonic()
            outcome = await sender(db_url, sample_sessions, channel, 50).send_due(NOW)
            elapsed = time.monotonic() - started

    found = rows(sample_sessions)
    assert_every_chat_reminded(found, chats)
    assert_each_sent_once(telegram, found)
    assert len(failures(telegram, 429)) == 2
    assert {call.status for call in telegram.calls("sendMessage", failed=True)} == {
        200,
        429,
        500,
        502,
    }
    assert outcome == Outcome(created=18, sent=18, rate_limited=2)
    assert {row.attempts for row in found.values()} == {1}  # retried within one claim

    # Telegram's flood control covers the whole bot: after a 429, no message may be accepted
    # until its retry_after (1 s) has passed.
    history = telegram.history
    for number, call in enumerate(history):
        if call.method == "sendMessage" and call.status == 429:
            accepted_during_pause = [
                times[later] - times[number]
                for later in range(number + 1, len(history))
                if history[later].ok and times[later] < times[number] + 1.0 - 0.05
            ]
            assert accepted_during_pause == []
    assert elapsed >= 2.0  # two pauses of 1 s, one after the other


async def test_a_blocked_user_is_failed_once_and_never_retried(
    db_url: str, sample_sessions: sessionmaker[Session]
) -> None:
    """403 "bot was blocked by the user" marks that reminder failed with Telegram's reason;
    the other reminders are sent, and a later run does not try the failed one again."""
    enrol_reporters(sample_sessions, 5)
    async with FakeTelegram() as telegram, connected(telegram) as channel:
        telegram.fail(
            "sendMessage", status=403, description="Forbidden: bot was blocked by the user"
        )
        first = await sender(db_url, sample_sessions, channel, 50).send_due(NOW)
        [refused] = failures(telegram, 403)
        blocked = reminder_id(refused)
        calls_after_first = len(telegram.calls("sendMessage", failed=True))
        second = await sender(db_url, sample_sessions, channel, 50).send_due(
            NOW + timedelta(hours=2)
        )
        assert len(telegram.calls("sendMessage", failed=True)) == calls_after_first

    assert first == Outcome(created=15, sent=14, failed=1)
    # `created` is left out: see test_a_later_run_counts_no_reminder_as_new.
    assert replace(second, created=0) == Outcome()
    found = rows(sample_sessions)
    row = found.pop(blocked)
    assert (row.status, row.message_id, row.attempts) == (outbox.FAILED, None, 1)
    assert row.error is not None and "bot was blocked by the user" in row.error
    assert row.chat_id == str(refused.params["chat_id"])
    assert_each_sent_once(telegram, found)


async def test_a_later_run_counts_no_reminder_as_new(
    db_url: str, sample_sessions: sessionmaker[Session]
) -> None:
    """A second run finds the reminders of the first already in the outbox: it creates no row,
    and its outcome says so."""
    enrol_reporters(sample_sessions, 1)
    async with FakeTelegram() as telegram, connected(telegram) as channel:
        first = await sender(db_url, sample_sessions, channel, 50).send_due(NOW)
        second = await sender(db_url, sample_sessions, channel, 50).send_due(
            NOW + timedelta(hours=1)
        )
    assert len(rows(sample_sessions)) == 3
    assert (first.created, first.sent) == (3, 3)
    assert second == Outcome()


async def test_a_platform_slower_than_our_pace_still_gets_each_reminder_once(
    db_url: str, sample_sessions: sessionmaker[Session]
) -> None:
    """The fake accepts 5 messages a second and answers 429 beyond; a sender paced at 20/s
    is slowed down by those 429s and still delivers all, none twice, in one run."""
    chats = enrol_reporters(sample_sessions, 5)
    async with FakeTelegram(rate_limit=5) as telegram, connected(telegram) as channel:
        outcome = await sender(db_url, sample_sessions, channel, 20).send_due(NOW)

    found = rows(sample_sessions)
    assert_every_chat_reminded(found, chats)
    assert_each_sent_once(telegram, found)
    limited = len(failures(telegram, 429))
    assert limited > 0  # the fake did push back
    assert outcome == Outcome(created=15, sent=15, rate_limited=limited)


async def test_a_sender_killed_mid_fan_out_repeats_only_unrecorded_messages(
    db_url: str,
    sample_sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    """`planbot reminders send-due` is SIGKILLed while sending 108 reminders, then run again.
    Every reminder ends 'sent' and reaches its chat; a chat gets one twice only when the
    platform had accepted it while its row was still claimed ('sending') at the kill, which
    can concern at most the sender's concurrency; rows already 'sent' are never repeated."""
    postgres = make_url(db_url).get_backend_name() == "postgresql"
    chats = enrol_reporters(sample_sessions, 36)
    lease = 10  # the smallest REMINDER_LEASE_SECONDS allowed
    async with FakeTelegram() as telegram:
        env = {
            **{key: value for key, value in os.environ.items() if not _is_setting(key)},
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "DATABASE_URL": db_url,
            "TELEGRAM_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "TELEGRAM_RATE": "20",
            "TELEGRAM_CHAT_INTERVAL": "0.2",
            "REMINDER_LEASE_SECONDS": str(lease),
        }
        first = await _start_send_due(env, tmp_path)
        try:
            await telegram.wait_for("sendMessage", 8, timeout=30)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.communicate()
        assert first.returncode == -signal.SIGKILL

        await asyncio.sleep(0.2)  # a request already on the wire may still land
        at_kill = rows(sample_sessions)
        before = deliveries(telegram)
        sending = {row.id for row in at_kill.values() if row.status == outbox.SENDING}
        unsent = {row.id for row in at_kill.values() if row.status != outbox.SENT}
        assert_every_chat_reminded(at_kill, chats)
        assert 8 <= len(before) < len(at_kill)  # killed mid fan-out
        assert sending  # claims the dead sender left behind
        # What went out before the kill: each message at most once, and a message not yet
        # recorded as sent belongs to a row still claimed — never to an unclaimed one.
        assert max(Counter(d.reminder_id for d in before).values()) == 1
        unrecorded = {d.reminder_id for d in before} - {
            row.id for row in at_kill.values() if row.status == outbox.SENT
        }
        assert unrecorded <= sending
        assert len(unrecorded) <= ReminderSender.concurrency

        if postgres:  # the claims are taken back once the lease has run out
            claimed = max(at_kill[number].claimed_at or datetime.now(UTC) for number in sending)
            wait = (claimed + timedelta(seconds=lease + 0.5) - datetime.now(UTC)).total_seconds()
            await asyncio.sleep(max(wait, 0))
        second = await _start_send_due(env, tmp_path)
        out, err = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode == 0, err.decode()

    outcome = Outcome(**json.loads(out))
    # `created` is left out: see test_a_later_run_counts_no_reminder_as_new.
    assert replace(outcome, created=0) == Outcome(recovered=len(sending), sent=len(unsent))
    found = rows(sample_sessions)
    assert {row.status for row in found.values()} == {outbox.SENT}
    every = deliveries(telegram)
    per_reminder = Counter(d.reminder_id for d in every)
    assert set(per_reminder) == set(found)
    twice = {number for number, count in per_reminder.items() if count > 1}
    assert twice == unrecorded  # the documented window, and nothing else
    assert max(per_reminder.values()) <= 2
    last = {d.reminder_id: d for d in every}
    for number, row in found.items():
        assert (row.chat_id, row.message_id) == (last[number].chat_id, last[number].message_id)
    assert {d.chat_id for d in every} == set(chats)


def _is_setting(key: str) -> bool:
    """Environment variables Settings would read: the test sets its own."""
    return key.lower() in Settings.model_fields


async def _start_send_due(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    command = "import sys; from bot.cli import main; sys.exit(main())"
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        command,
        "reminders",
        "send-due",
        "--now",
        NOW.isoformat(),
        cwd=cwd,  # no developer .env
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
