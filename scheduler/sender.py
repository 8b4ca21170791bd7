"""Sending the reminders whose time has come: claim a batch, deliver each at the platform's
pace, record every outcome.

Rate limits (429) pause the whole platform for the `retry_after` it names; network errors and
5xx are retried with a growing delay; a refusal that will not change (the user blocked the
bot) is recorded as failed and never retried. A reminder still failing after the last try
goes back to the queue for a later tick.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot.channel import RateLimited, Unavailable, Undeliverable
from handlers.messages import Reply, TextReply
from scheduler import notices, outbox
from scheduler.policy import ReminderPolicy
from scheduler.throttle import Limits, Throttle

log = logging.getLogger("planbot.reminders")

Record = Callable[[Session, int, Any, str], None]  # outbox.retry_later or outbox.give_up


class Deliverer(Protocol):
    """The part of a channel the sender uses."""

    name: str

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> list[str]: ...


@dataclass(frozen=True)
class Outgoing:
    reminder_id: int
    channel: str
    chat_id: str
    reply: TextReply


@dataclass
class Outcome:
    """What one run did; `deferred` went back to the queue, `rate_limited` counts 429s."""

    created: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0
    rate_limited: int = 0
    recovered: int = 0

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Retry:
    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 60.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or not 0 < self.first_delay <= self.max_delay:
            raise ValueError("a retry needs attempts ≥ 1 and 0 < first_delay ≤ max_delay")


@dataclass
class ReminderSender:
    """Sends due reminders through the channels of this process.

    `only_sender` says no other process sends (SQLite): claims left over from a crash are
    then taken back at once. Otherwise (PostgreSQL, several processes) a claim older than
    `lease` is presumed dead and taken back.
    """

    sessions: sessionmaker[Session]
    channels: Mapping[str, Deliverer]
    policy: ReminderPolicy
    limits: Mapping[str, Limits]
    only_sender: bool
    lease: timedelta = timedelta(minutes=10)
    retry: Retry = Retry()
    batch: int = 64
    concurrency: int = 16
    token: str = field(default_factory=lambda: secrets.token_hex(8))
    _throttles: dict[str, Throttle] = field(default_factory=dict, init=False)
    _recovered_once: bool = field(default=False, init=False)

    def _throttle(self, channel: str) -> Throttle:
        if channel not in self._throttles:
            self._throttles[channel] = Throttle(self.limits.get(channel, Limits(1.0, 1.0)))
        return self._throttles[channel]

    async def send_due(self, now: datetime | None = None) -> Outcome:
        """Create the reminders due at `now` (default: the real clock), then send every one
        whose time has come. Each reminder is tried once per run. The next batch is claimed
        while the current one is still being sent, so the platform's pace is never idle."""
        moment = now or datetime.now(UTC)
        outcome = Outcome()
        await asyncio.to_thread(self._prepare, moment, outcome)
        claimed = 0
        queue: asyncio.Queue[Outgoing | None] = asyncio.Queue(maxsize=self.batch)
        workers = [
            asyncio.create_task(self._work(queue, moment, outcome)) for _ in range(self.concurrency)
        ]
        try:
            while (batch := await asyncio.to_thread(self._claim, moment)) is not None:
                claimed += len(batch)
                for out in batch:
                    await queue.put(out)
        finally:
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
        if outcome.created or claimed:
            log.info("reminders %s", outcome.to_json())
        return outcome

    async def _work(
        self, queue: asyncio.Queue[Outgoing | None], now: datetime, outcome: Outcome
    ) -> None:
        while (out := await queue.get()) is not None:
            try:
                await self._deliver(out, now, outcome)
            except Exception:  # the claim stays; it is taken back like a crashed sender's
                log.exception("reminder %s: recording its outcome failed", out.reminder_id)

    def _prepare(self, now: datetime, outcome: Outcome) -> None:
        with self.sessions.begin() as session:
            if self.only_sender and not self._recovered_once:
                outcome.recovered = outbox.recover(session, None)
                self._recovered_once = True
            else:  # claims are stamped with the real clock, whatever `now` a run is given
                outcome.recovered = outbox.recover(session, datetime.now(UTC) - self.lease)
            outcome.created = outbox.create_due(session, self.policy, now)

    def _claim(self, now: datetime) -> list[Outgoing] | None:
        """Lock a batch of due reminders, write what each says, and mark them claimed; those
        with nothing left to say (the school reported) are skipped here. None when no
        reminder is due (or it is the quiet hours)."""
        if self.policy.is_quiet(now):
            return None
        today = self.policy.today(now)
        claimed: list[Outgoing] = []
        with self.sessions.begin() as session:
            states = notices.States(session)
            due = outbox.claimable(session, now, self.batch)
            if not due:
                return None
            for reminder in due:
                reply = notices.render(states, reminder, today)
                if reply is None:
                    reminder.status, reminder.error = outbox.SKIPPED, "không còn gì để nhắc"
                    continue
                reminder.status, reminder.claimed_by = outbox.SENDING, self.token
                reminder.claimed_at, reminder.attempts = datetime.now(UTC), reminder.attempts + 1
                person = reminder.person
                claimed.append(Outgoing(reminder.id, person.channel, person.chat_id, reply))
        return claimed

    async def _deliver(self, out: Outgoing, now: datetime, outcome: Outcome) -> None:
        channel = self.channels.get(out.channel)
        if channel is None:
            await self._record(outbox.retry_later, out, now + timedelta(hours=1), "kênh chưa bật")
            outcome.deferred += 1
            return
        throttle = self._throttle(out.channel)
        delay = self.retry.first_delay
        deadline = time.monotonic() + self.lease.total_seconds() / 2
        error = ""
        for _attempt in range(self.retry.attempts):
            await throttle.wait(out.chat_id)
            try:
                ids = await channel.send(out.chat_id, [out.reply])
            except RateLimited as limited:
                outcome.rate_limited += 1
                throttle.pause(limited.retry_after if limited.retry_after is not None else delay)
                error = str(limited)
            except Unavailable as unavailable:
                error = str(unavailable)
                await asyncio.sleep(delay)
            except Undeliverable as refused:
                await self._record(outbox.give_up, out, outbox.FAILED, str(refused))
                outcome.failed += 1
                return
            else:
                await asyncio.to_thread(self._sent, out, ids[-1] if ids else None)
                outcome.sent += 1
                return
            delay = min(delay * 2, self.retry.max_delay)
            if time.monotonic() + delay > deadline:
                break
        log.warning("reminder %s deferred after errors: %s", out.reminder_id, error)
        await self._record(outbox.retry_later, out, now + timedelta(seconds=delay), error)
        outcome.deferred += 1

    def _sent(self, out: Outgoing, message_id: str | None) -> None:
        with self.sessions.begin() as session:
            outbox.mark_sent(session, out.reminder_id, message_id, out.reply, datetime.now(UTC))

    async def _record(self, action: Record, out: Outgoing, value: Any, error: str) -> None:
        def run() -> None:
            with self.sessions.begin() as session:
                action(session, out.reminder_id, value, error)

        await asyncio.to_thread(run)
