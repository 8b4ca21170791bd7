"""A fake Zalo Bot API server on 127.0.0.1 for tests: small, real HTTP, no internet.

Serves `/bot<token>/<method>` like bot-api.zaloplatforms.com: getMe, getUpdates (long poll
returning one update per call, error 408 when none came), setWebhook, deleteWebhook,
getWebhookInfo, sendMessage (rejects texts outside 1–2,000 characters), sendPhoto and
sendChatAction. It records every call, lets a test queue updates, and can fail the next
calls of a method with 429 or 5xx.

    async with FakeZalo() as zalo:
        client = ZaloClient(zalo.base_url, zalo.token)
        zalo.push(text_update("chat-1", "Xin chào"))
        zalo.fail("sendMessage", status=429, retry_after=2)
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

MAX_TEXT = 2000
DEFAULT_TOKEN = "1234567890:fake-zalo-token"


def _now_ms() -> int:
    return int(time.time() * 1000)


def _new_id() -> str:
    return secrets.token_hex(10)


def _message(
    chat_id: str, user_id: str | None, display_name: str, message_id: str | None
) -> dict[str, Any]:
    return {
        "from": {"id": user_id or chat_id, "display_name": display_name, "is_bot": False},
        "chat": {"id": chat_id, "chat_type": "PRIVATE"},
        "message_id": message_id or _new_id(),
        "date": _now_ms(),
    }


def text_update(
    chat_id: str,
    text: str,
    *,
    user_id: str | None = None,
    display_name: str = "Nguyễn Văn An",
    message_id: str | None = None,
) -> dict[str, Any]:
    """A `message.text.received` update as Zalo delivers it."""
    message = _message(chat_id, user_id, display_name, message_id)
    message["text"] = text
    return {"event_name": "message.text.received", "message": message}


def image_update(
    chat_id: str,
    *,
    caption: str = "",
    user_id: str | None = None,
    display_name: str = "Nguyễn Văn An",
    message_id: str | None = None,
) -> dict[str, Any]:
    """A `message.image.received` update (the photo stays on Zalo's servers)."""
    message = _message(chat_id, user_id, display_name, message_id)
    message["photo_url"] = "https://photo.zalo.example/a.jpg"
    if caption:
        message["caption"] = caption
    return {"event_name": "message.image.received", "message": message}


def sticker_update(
    chat_id: str,
    *,
    user_id: str | None = None,
    display_name: str = "Nguyễn Văn An",
    message_id: str | None = None,
) -> dict[str, Any]:
    """A `message.sticker.received` update."""
    message = _message(chat_id, user_id, display_name, message_id)
    message["sticker"] = "0e078a2fb66a5f34067b"
    message["url"] = "https://sticker.zalo.example/0e07.png"
    return {"event_name": "message.sticker.received", "message": message}


def webhook_body(update: dict[str, Any]) -> dict[str, Any]:
    """The body Zalo POSTs to a webhook for `update`."""
    return {"ok": True, "result": update}


@dataclass(frozen=True)
class Call:
    method: str
    payload: dict[str, Any]


@dataclass
class _Failure:
    times: int
    status: int
    error_code: int
    description: str
    retry_after: float | None
    json_body: bool


@dataclass
class FakeZalo:
    """The fake server; `base_url` + token is what ZaloClient needs."""

    token: str = DEFAULT_TOKEN
    max_poll_wait: float = 30.0
    updates_as_list: bool = False
    calls: list[Call] = field(default_factory=list)  # every call, failed ones included
    accepted: list[Call] = field(default_factory=list)  # calls answered with ok: true
    webhook_url: str = ""
    webhook_secret: str = ""

    def __post_init__(self) -> None:
        self._updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._failures: dict[str, list[_Failure]] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def __aenter__(self) -> FakeZalo:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._serve)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the next getUpdates call."""
        self._updates.put_nowait(update)
        return update

    def fail(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 429,
        error_code: int | None = None,
        description: str | None = None,
        retry_after: float | None = None,
        json_body: bool = True,
    ) -> None:
        """Make the next `times` calls of `method` fail with HTTP `status`.

        `json_body=False` answers with plain text, like a proxy in front of the API would.
        """
        default = "Quota exceeded" if status == 429 else "Internal server error"
        self._failures.setdefault(method, []).append(
            _Failure(
                times,
                status,
                error_code if error_code is not None else status,
                description or default,
                retry_after,
                json_body,
            )
        )

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [call.payload for call in self.calls if call.method == method]

    @property
    def texts(self) -> list[str]:
        """Texts the platform accepted from the bot, in order."""
        return [call.payload["text"] for call in self.accepted if call.method == "sendMessage"]

    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait until `method` has been called at least `count` times; returns those calls."""

        def enough() -> bool:
            return len(self.calls_to(method)) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(enough), timeout)
        return self.calls_to(method)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    async def _serve(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            payload = await request.json() if request.can_read_body else {}
        except json.JSONDecodeError:
            return _error(400, "Bad request")
        if not isinstance(payload, dict):
            return _error(400, "Bad request")
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(404, "Not found")
        await self._record(Call(method, payload))
        failure = self._next_failure(method)
        if failure is not None:
            return _failure_response(failure)
        response: web.Response = await handler(payload)
        if response.status == 200:
            self.accepted.append(Call(method, payload))
        return response

    def _next_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    async def _getMe(self, payload: dict[str, Any]) -> web.Response:
        bot = {
            "id": self.token.split(":")[0],
            "account_name": "bot.FakePlan",
            "account_type": "BASIC",
            "can_join_groups": False,
        }
        return _ok(bot)

    async def _getUpdates(self, payload: dict[str, Any]) -> web.Response:
        if self.webhook_url:
            return _error(400, "Webhook is active; use deleteWebhook before getUpdates")
        try:
            wait = min(float(payload.get("timeout", 30)), self.max_poll_wait)
        except (TypeError, ValueError):
            return _error(400, "Bad request: timeout")
        try:
            update = await asyncio.wait_for(self._updates.get(), max(wait, 0.0))
        except TimeoutError:
            return _error(408, "Request timeout")
        return _ok([update] if self.updates_as_list else update)

    async def _setWebhook(self, payload: dict[str, Any]) -> web.Response:
        url, secret = payload.get("url"), payload.get("secret_token")
        if not isinstance(url, str) or not url.startswith("https://"):
            return _error(400, "Bad request: url must be HTTPS")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return _error(400, "Bad request: secret_token must be 8-256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        return _ok({"url": url, "updated_at": _now_ms()})

    async def _deleteWebhook(self, payload: dict[str, Any]) -> web.Response:
        self.webhook_url = self.webhook_secret = ""
        return _ok({"url": "", "updated_at": _now_ms()})

    async def _getWebhookInfo(self, payload: dict[str, Any]) -> web.Response:
        return _ok({"url": self.webhook_url, "updated_at": _now_ms()})

    async def _sendMessage(self, payload: dict[str, Any]) -> web.Response:
        chat_id, text = payload.get("chat_id"), payload.get("text")
        if not isinstance(chat_id, str) or not chat_id:
            return _error(400, "Bad request: chat_id")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            return _error(400, "Bad request: text must be 1-2000 characters")
        return _ok({"message_id": _new_id(), "date": _now_ms()})

    async def _sendPhoto(self, payload: dict[str, Any]) -> web.Response:
        chat_id, photo = payload.get("chat_id"), payload.get("photo")
        caption = payload.get("caption")
        if not isinstance(chat_id, str) or not chat_id:
            return _error(400, "Bad request: chat_id")
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            return _error(400, "Bad request: photo must be a URL")
        if caption is not None and (
            not isinstance(caption, str) or not 1 <= len(caption) <= MAX_TEXT
        ):
            return _error(400, "Bad request: caption must be 1-2000 characters")
        return _ok({"message_id": _new_id(), "date": _now_ms()})

    async def _sendChatAction(self, payload: dict[str, Any]) -> web.Response:
        if payload.get("action") not in ("typing", "upload_photo"):
            return _error(400, "Bad request: action")
        return web.json_response({"ok": True})


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description}, status=code
    )


def _failure_response(failure: _Failure) -> web.Response:
    headers = {}
    if failure.retry_after is not None:
        headers["Retry-After"] = str(failure.retry_after)
    if not failure.json_body:
        return web.Response(status=failure.status, text=failure.description, headers=headers)
    body = {"ok": False, "error_code": failure.error_code, "description": failure.description}
    return web.json_response(body, status=failure.status, headers=headers)
