"""Zalo Bot Platform: a small aiohttp client for its Bot API and the channel adapter on top.

Our own client because the Zalo packages on PyPI are unofficial and unmaintained. The API
mirrors Telegram's shape (`{base}bot<token>/<method>`, replies `{ok, result, error_code,
description}`), but getUpdates returns one update per call (not a list), has no offset, and
answers a long poll that found nothing with error 408. Zalo has no buttons and cannot send
files; images are sent by URL, so the bot serves them itself from its MediaStore.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from bot.channel import RateLimited, Unavailable, Undeliverable
from bot.media import MediaStore
from handlers.messages import (
    FileReply,
    Handler,
    ImageReply,
    Incoming,
    Reply,
    TextReply,
    numbered,
    split_text,
)

log = logging.getLogger(__name__)

MAX_TEXT = 2000  # sendMessage and sendPhoto captions take 1–2,000 characters
MAX_WEBHOOK_BYTES = 1024 * 1024
POLL_TIMEOUT = 30  # seconds a getUpdates long poll may wait on the platform side
CALL_TIMEOUT = 30.0
SECRET_HEADER = "X-Bot-Api-Secret-Token"

NO_PUBLIC_URL_NOTE = "Chưa gửi được hình ảnh qua Zalo: máy chủ bot cần cấu hình PUBLIC_URL."
NO_FILES_NOTE = "Zalo chưa gửi được tệp; hãy lấy tệp {name} qua Telegram hoặc dòng lệnh (CLI)."

_EVENT = re.compile(r"^message\.([a-z_]+)\.received$")
_SEEN_LIMIT = 1024

Update = dict[str, Any]


class ZaloError(Exception):
    """The platform refused a call (`ok: false`). A plain ZaloError is final (bad token,
    bad request); its two subclasses mark failures worth retrying."""

    def __init__(self, error_code: int | None, description: str) -> None:
        super().__init__(f"Zalo error {error_code}: {description}")
        self.error_code = error_code
        self.description = description


class ZaloRateLimited(ZaloError):
    """Quota exceeded (429): retry after `retry_after` seconds, or back off if unknown."""

    def __init__(
        self, retry_after: float | None, description: str = "quota exceeded", error_code: int = 429
    ) -> None:
        super().__init__(error_code, description)
        self.retry_after = retry_after


class ZaloUnavailable(ZaloError):
    """Network failure, timeout or a 5xx: the call may or may not have happened; retry later."""


class ZaloClient:
    """Typed calls to `{base_url}{token}/{method}`; the token never appears in errors or logs.

    Catch `ZaloRateLimited` and `ZaloUnavailable` before `ZaloError`: both are subclasses.
    """

    def __init__(
        self, base_url: str, token: str, session: aiohttp.ClientSession | None = None
    ) -> None:
        self._base_url = base_url
        self._prefix = f"{base_url}{token}/"
        self._session = session
        self._owns_session = session is None
        self._closed = False

    def __repr__(self) -> str:
        return f"ZaloClient({self._base_url!r})"

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session if this client opened it; later calls fail as unavailable."""
        self._closed = True
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def get_me(self) -> dict[str, Any]:
        return _as_dict(await self._call("getMe"))

    async def get_updates(self, timeout: int = POLL_TIMEOUT) -> list[Update]:
        """Wait up to `timeout` seconds for updates; [] when none came.

        Zalo returns a single update object; a list is accepted too in case that changes.
        """
        try:
            result = await self._call(
                "getUpdates", {"timeout": str(timeout)}, http_timeout=timeout + 10.0
            )
        except ZaloError as error:
            if error.error_code == 408 and not isinstance(error, ZaloUnavailable):
                return []
            raise
        if isinstance(result, list):
            return [update for update in result if isinstance(update, dict)]
        return [result] if isinstance(result, dict) and result else []

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        return _as_dict(await self._call("setWebhook", {"url": url, "secret_token": secret_token}))

    async def delete_webhook(self) -> dict[str, Any]:
        return _as_dict(await self._call("deleteWebhook"))

    async def get_webhook_info(self) -> dict[str, Any]:
        return _as_dict(await self._call("getWebhookInfo"))

    async def send_message(self, chat_id: str, text: str) -> str:
        """Send 1–2,000 characters; returns the message id."""
        return _message_id(await self._call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo: str, caption: str = "") -> str:
        """Send the image at URL `photo`; returns the message id."""
        payload = {"chat_id": chat_id, "photo": photo}
        if caption:
            payload["caption"] = caption
        return _message_id(await self._call("sendPhoto", payload))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self._call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def _call(
        self,
        method: str,
        payload: Mapping[str, str] | None = None,
        *,
        http_timeout: float = CALL_TIMEOUT,
    ) -> Any:
        if self._closed:
            raise ZaloUnavailable(None, f"{method}: client closed")
        if self._session is None:
            self._session = aiohttp.ClientSession()
        try:
            async with self._session.post(
                self._prefix + method,
                json=dict(payload or {}),
                timeout=aiohttp.ClientTimeout(total=http_timeout),
            ) as response:
                status = response.status
                retry_header = response.headers.get("Retry-After")
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = None
        except (aiohttp.ClientError, TimeoutError) as error:
            # `from None`: aiohttp's errors may carry the request URL, which holds the token.
            raise ZaloUnavailable(None, f"{method}: {type(error).__name__}") from None
        return _result(method, status, body, retry_header)


def _result(method: str, status: int, body: Any, retry_header: str | None) -> Any:
    """The `result` of a successful reply, else the matching exception."""
    if not isinstance(body, dict):
        if status == 429:
            raise ZaloRateLimited(_seconds(retry_header))
        if 400 <= status < 500:
            raise ZaloError(status, f"{method}: HTTP {status}")
        raise ZaloUnavailable(status, f"{method}: HTTP {status} without a JSON reply")
    if body.get("ok") is True and status < 400:
        return body.get("result")
    code = body.get("error_code")
    if not isinstance(code, int) or isinstance(code, bool):
        code = status if status >= 400 else None
    description = str(body.get("description") or f"{method} failed")
    if status == 429 or code == 429 or "quota" in description.lower():
        parameters = body.get("parameters")
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        seconds = _seconds(retry_after) if retry_after is not None else _seconds(retry_header)
        raise ZaloRateLimited(seconds, description, code if code is not None else 429)
    if status >= 500 or (code is not None and code >= 500):
        raise ZaloUnavailable(code, description)
    raise ZaloError(code, description)


def _seconds(value: object) -> float | None:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None


def _as_dict(result: Any) -> dict[str, Any]:
    return result if isinstance(result, dict) else {}


def _message_id(result: Any) -> str:
    message_id = result.get("message_id") if isinstance(result, dict) else None
    return str(message_id) if message_id is not None else ""


def _identifier(entity: Any) -> str:
    value = entity.get("id") if isinstance(entity, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise ValueError("missing id")
    return str(value)


def _nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else ""


def incoming_from_update(update: Mapping[str, Any]) -> Incoming | None:
    """The neutral message for one Zalo update; None for events the bot ignores.

    Raises ValueError for a malformed update. Anything but text becomes
    `Incoming(unsupported=<kind>)`, the kind taken from `message.<kind>.received`.
    """
    event = update.get("event_name")
    if not isinstance(event, str):
        raise ValueError("update without event_name")
    message = update.get("message")
    match = _EVENT.match(event)
    if message is None or match is None:
        return None
    if not isinstance(message, dict):
        raise ValueError("message is not an object")
    sender = message.get("from")
    chat_id, user_id = _identifier(message.get("chat")), _identifier(sender)
    assert isinstance(sender, dict)  # _identifier accepted it
    if sender.get("is_bot") is True:
        return None  # Zalo may echo the bot's own messages back
    name = sender.get("display_name") or sender.get("first_name") or sender.get("name")
    raw_id = message.get("message_id")
    kind = match.group(1)
    return Incoming(
        channel="zalo",
        chat_id=chat_id,
        user_id=user_id,
        text=_nfc(message.get("text")) if kind == "text" else "",
        user_name=_nfc(name),
        message_id=str(raw_id) if isinstance(raw_id, str | int) and raw_id != "" else None,
        unsupported=None if kind == "text" else kind,
    )


def _unwrap(body: Any) -> Mapping[str, Any]:
    """Webhook bodies come as `{ok, result: update}`; a bare update is accepted too."""
    if isinstance(body, dict) and "event_name" not in body and isinstance(body.get("result"), dict):
        body = body["result"]
    if not isinstance(body, dict):
        raise ValueError("update is not an object")
    return body


class ZaloChannel:
    """The Zalo side of the bot: receives updates, hands them to the core, renders replies.

    Each chat's messages are handled one after another in arrival order (a queue of tasks
    per chat); different chats run concurrently. A webhook is answered as soon as the
    update is queued, since Zalo expects a quick 200. The channel owns its client:
    `stop()` closes it.
    """

    name = "zalo"
    webhook_path = "/zalo/webhook"

    def __init__(
        self,
        client: ZaloClient,
        handler: Handler,
        *,
        secret: str,
        media: MediaStore,
        public_url: str | None,
        poll_timeout: int = POLL_TIMEOUT,
        backoff: tuple[float, float] = (1.0, 30.0),
        drain_timeout: float = 10.0,
    ) -> None:
        self._client = client
        self._handler = handler
        self._secret = secret
        self._media = media
        self._public_url = public_url.rstrip("/") if public_url else None
        self._poll_timeout = poll_timeout
        self._backoff = backoff
        self._drain_timeout = drain_timeout
        self._poller: asyncio.Task[None] | None = None
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._stopped = False

    async def start(self, webhook_url: str | None) -> None:
        """Poll (no URL: delete any webhook, then long-poll) or register `webhook_url`."""
        if self._poller is not None:
            raise RuntimeError("Zalo channel already started")
        self._stopped = False
        if webhook_url is not None:
            if not 8 <= len(self._secret) <= 256:
                raise ValueError("Zalo needs a webhook secret of 8–256 characters")
            await self._client.set_webhook(webhook_url, self._secret)
            return
        try:
            await self._client.delete_webhook()
        except ZaloUnavailable as error:
            log.warning("Zalo deleteWebhook failed, polling anyway: %s", error)
        self._poller = asyncio.create_task(self._poll(), name="zalo-poll")

    async def stop(self) -> None:
        """Stop polling, let queued messages finish (bounded), close the client."""
        self._stopped = True
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=self._drain_timeout)
        for task in list(self._tasks):
            task.cancel()
        await self._client.close()

    async def webhook(self, request: web.Request) -> web.StreamResponse:
        """Accept one update POSTed by Zalo.

        A missing or wrong `X-Bot-Api-Secret-Token` is 403 (both alike, checked before the
        body is read); a body over 1 MB is 413; a body that is not JSON or not an update is
        400; a valid update is 200 at once and handled in the background. Bad input never
        causes a 500.
        """
        given = request.headers.get(SECRET_HEADER, "")
        if not self._secret or not hmac.compare_digest(given.encode(), self._secret.encode()):
            return web.Response(status=403, text="forbidden")
        if self._stopped:
            return web.Response(status=503, text="stopping")
        if (request.content_length or 0) > MAX_WEBHOOK_BYTES:
            return web.Response(status=413, text="too large")
        body = bytearray()
        async for chunk in request.content.iter_chunked(64 * 1024):
            body += chunk
            if len(body) > MAX_WEBHOOK_BYTES:
                return web.Response(status=413, text="too large")
        try:
            update = _unwrap(json.loads(body))
            message = incoming_from_update(update)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return web.Response(status=400, text="bad update")
        if message is not None:
            self._dispatch(message)
        return web.Response(text="ok")

    async def connect(self) -> None:
        """Nothing to prepare: the client connects on its first call."""

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> list[str]:
        """Deliver replies unprompted; returns message ids. Zalo's errors come out as the
        shared delivery errors (messages sent before a failure are not repeated here)."""
        try:
            return await self._deliver(chat_id, replies)
        except ZaloRateLimited as error:
            raise RateLimited(error.retry_after, str(error)) from error
        except ZaloUnavailable as error:
            raise Unavailable(str(error)) from error
        except ZaloError as error:
            raise Undeliverable(str(error)) from error

    async def _deliver(self, chat_id: str, replies: Sequence[Reply]) -> list[str]:
        ids: list[str] = []
        for reply in replies:
            ids += await self._render(chat_id, reply)
        return ids

    async def _poll(self) -> None:
        delay = self._backoff[0]
        while True:
            try:
                updates = await self._client.get_updates(self._poll_timeout)
            except Exception as error:
                wait = delay
                if isinstance(error, ZaloRateLimited) and error.retry_after is not None:
                    wait = max(error.retry_after, delay)
                if isinstance(error, ZaloError):
                    log.warning("Zalo getUpdates failed (%s); retrying in %.1fs", error, wait)
                else:
                    log.exception("Zalo polling hit an unexpected error; retrying in %.1fs", wait)
                await asyncio.sleep(wait)
                delay = min(delay * 2, self._backoff[1])
                continue
            delay = self._backoff[0]
            for update in updates:
                try:
                    message = incoming_from_update(update)
                except ValueError as error:
                    log.warning("Zalo: skipped a malformed update (%s)", error)
                    continue
                if message is not None:
                    self._dispatch(message)

    def _dispatch(self, message: Incoming) -> None:
        """Queue `message` behind the same chat's earlier ones; drop redeliveries."""
        if message.message_id is not None:
            key = (message.chat_id, message.message_id)
            if key in self._seen:
                return
            self._seen[key] = None
            if len(self._seen) > _SEEN_LIMIT:
                self._seen.popitem(last=False)
        previous = self._tails.get(message.chat_id)
        task = asyncio.create_task(self._handle_after(previous, message))
        self._tails[message.chat_id] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._forget(message.chat_id, done))

    def _forget(self, chat_id: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._tails.get(chat_id) is task:
            del self._tails[chat_id]

    async def _handle_after(self, previous: asyncio.Task[None] | None, message: Incoming) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        with contextlib.suppress(ZaloError):
            await self._client.send_chat_action(message.chat_id, "typing")
        try:
            replies = await self._handler.handle(message)
            await self._deliver(message.chat_id, replies)
        except Exception:
            log.exception("Zalo: handling a message from chat %s failed", message.chat_id)

    async def _render(self, chat_id: str, reply: Reply) -> list[str]:
        if isinstance(reply, TextReply):
            return await self._send_text(chat_id, numbered(reply))
        if isinstance(reply, ImageReply):
            if self._public_url is None:
                return await self._send_text(chat_id, _with_note(reply.caption, NO_PUBLIC_URL_NOTE))
            token = self._media.put(reply.png)
            url = f"{self._public_url}/media/{token}.png"
            if len(reply.caption) <= MAX_TEXT:
                return [await self._client.send_photo(chat_id, url, reply.caption)]
            photo = await self._client.send_photo(chat_id, url)
            return [photo, *await self._send_text(chat_id, reply.caption)]
        if isinstance(reply, FileReply):
            note = NO_FILES_NOTE.format(name=reply.file_name)
            return await self._send_text(chat_id, _with_note(reply.caption, note))
        raise TypeError(f"unknown reply {type(reply).__name__}")

    async def _send_text(self, chat_id: str, text: str) -> list[str]:
        return [
            await self._client.send_message(chat_id, chunk) for chunk in split_text(text, MAX_TEXT)
        ]


def _with_note(caption: str, note: str) -> str:
    return f"{caption}\n\n{note}" if caption.strip() else note
