"""The reminder tick on the real clock: one APScheduler job with a fixed id, so starting
twice never schedules it twice, and a tick still running is never started again."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, tzinfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.sender import ReminderSender

log = logging.getLogger("planbot.reminders")

JOB_ID = "reminders.send_due"


class ReminderJobs:
    def __init__(self, sender: ReminderSender, tick_seconds: int, zone: tzinfo) -> None:
        self._sender = sender
        self._tick_seconds = tick_seconds
        self._zone = zone
        self._scheduler = AsyncIOScheduler(timezone=zone)
        self._running: asyncio.Task[object] | None = None

    def start(self) -> None:
        """Tick now, then every `tick_seconds`."""
        self._scheduler.add_job(
            self._tick,
            "interval",
            seconds=self._tick_seconds,
            id=JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(self._zone),
        )
        self._scheduler.start()

    async def _tick(self) -> None:
        self._running = asyncio.current_task()
        try:
            await self._sender.send_due()
        except Exception:
            log.exception("reminder tick failed; the next tick tries again")
        finally:
            self._running = None

    async def stop(self, timeout: float = 30.0) -> None:
        """No new tick; the one under way may finish its sends (bounded by `timeout`)."""
        self._scheduler.shutdown(wait=False)
        if self._running is not None:
            await asyncio.wait([self._running], timeout=timeout)
