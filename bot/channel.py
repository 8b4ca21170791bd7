"""What every channel adapter offers the composition root, whatever its platform."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from aiohttp import web

from handlers.messages import Reply


class Channel(Protocol):
    """A chat platform: started in polling mode (no URL) or webhook mode (its public URL)."""

    name: str
    webhook_path: str

    async def start(self, webhook_url: str | None) -> None:
        """Connect; poll for updates, or register `webhook_url` with the platform."""

    async def stop(self) -> None:
        """Stop receiving and release connections; pending replies are sent first."""

    async def webhook(self, request: web.Request) -> web.StreamResponse:
        """Answer one webhook POST: verify the secret header, hand the update to the core."""

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> list[str]:
        """Deliver replies unprompted (reminders); returns the platform's message ids."""
