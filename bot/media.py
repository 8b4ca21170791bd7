"""Images the bot made (charts), kept in memory behind unguessable, expiring addresses.

Zalo's sendPhoto takes a URL rather than an upload, so the bot serves its own images from
its web server under `/media/<token>.png` for a limited time.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

MEDIA_TTL_SECONDS = 3600
MAX_ITEMS = 500


@dataclass(frozen=True)
class _Entry:
    data: bytes
    content_type: str
    expires: float


class MediaStore:
    """Token → image bytes, forgotten after `ttl` seconds or when too many are held."""

    def __init__(
        self, ttl: float = MEDIA_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}

    def put(self, data: bytes, content_type: str = "image/png") -> str:
        """Keep `data` and return the token that fetches it."""
        self._forget_expired()
        while len(self._entries) >= MAX_ITEMS:
            del self._entries[next(iter(self._entries))]
        token = secrets.token_urlsafe(24)
        self._entries[token] = _Entry(data, content_type, self._clock() + self._ttl)
        return token

    def get(self, token: str) -> _Entry | None:
        self._forget_expired()
        return self._entries.get(token)

    def _forget_expired(self) -> None:
        now = self._clock()
        for token in [t for t, entry in self._entries.items() if entry.expires <= now]:
            del self._entries[token]

    async def serve(self, request: web.Request) -> web.Response:
        """GET /media/{token}.png — 404 for unknown or expired tokens."""
        entry = self.get(request.match_info["token"])
        if entry is None:
            raise web.HTTPNotFound()
        return web.Response(body=entry.data, content_type=entry.content_type)
