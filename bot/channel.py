"""What every channel adapter offers the composition root, whatever its platform."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from aiohttp import web

from handlers.messages import Reply


class DeliveryError(Exception):
    """A message could not be delivered; adapters raise one of the three kinds below, so the
    reminder sender treats every platform alike."""


class RateLimited(DeliveryError):
    """The platform asks to slow down (HTTP 429, "quota exceeded"): wait `retry_after` seconds,
    or back off when it gives none."""

    def __init__(self, retry_after: float | None, detail: str = "") -> None:
        super().__init__(detail or f"rate limited (retry after {retry_after})")
        self.retry_after = retry_after


class Unavailable(DeliveryError):
    """Network failure, timeout or 5xx: worth retrying; the message may or may not have gone."""


class Undeliverable(DeliveryError):
    """Final: the user blocked the bot, the chat is gone, the request was refused."""


class Channel(Protocol):
    """A chat platform: started in polling mode (no URL) or webhook mode (its public URL)."""

    name: str
    webhook_path: str

    async def start(self, webhook_url: str | None) -> None:
        """Connect; poll for updates, or register `webhook_url` with the platform."""

    async def connect(self) -> None:
        """Get ready to `send` without receiving updates (a one-off reminder run)."""

    async def stop(self) -> None:
        """Stop receiving and release connections; pending replies are sent first."""

    async def webhook(self, request: web.Request) -> web.StreamResponse:
        """Answer one webhook POST: verify the secret header, hand the update to the core."""

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> list[str]:
        """Deliver replies unprompted (reminders); returns the platform's message ids.
        Failures are raised as `RateLimited`, `Unavailable` or `Undeliverable`."""
