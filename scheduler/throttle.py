"""Pacing messages to what a platform accepts: so many per second overall, one per so many
seconds to the same chat, and a full stop while the platform says to wait (429)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

_PRUNE_AT = 10_000


@dataclass(frozen=True)
class Limits:
    per_second: float
    chat_interval: float  # seconds between two messages to one chat

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.chat_interval < 0:
            raise ValueError("a rate must be positive")


class Throttle:
    """One platform's pace. Every sender task awaits `wait(chat)` right before sending. The
    chat's own wait comes first, so one busy chat never holds up the others; then senders take
    turns, each leaving at least one interval after the previous one actually left, so a
    moment of delay never turns into a burst over the platform's limit."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / limits.per_second
        self._chat_interval = limits.chat_interval
        self._clock = clock
        self._next = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[str, float] = {}
        self._turn = asyncio.Lock()

    async def wait(self, chat_id: str) -> None:
        now = self._clock()
        if len(self._chat_next) > _PRUNE_AT:
            self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}
        chat_at = max(now, self._chat_next.get(chat_id, 0.0))
        self._chat_next[chat_id] = chat_at + self._chat_interval
        await asyncio.sleep(chat_at - now)
        async with self._turn:  # in the order the senders came
            while (now := self._clock()) < (at := max(self._next, self._paused_until)):
                await asyncio.sleep(at - now)
            self._next = now + self._interval

    def pause(self, seconds: float) -> None:
        """Send nothing more for `seconds` (the platform's retry_after)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
