"""A fake Telegram Bot API server on 127.0.0.1 for tests: small, real HTTP, no internet.

Serves `/bot<token>/<method>` (GET or POST; JSON, form-urlencoded or multipart bodies, as
python-telegram-bot sends them) and `/file/bot<token>/<path>` for downloads. It implements
what a bot needs: getMe, getUpdates (long poll honouring `offset`, `limit` and `timeout`),
setWebhook, deleteWebhook, getWebhookInfo, setMyCommands, getMyCommands, sendMessage,
sendPhoto, sendDocument, answerCallbackQuery, getFile, editMessageReplyMarkup and
sendChatAction, with Telegram's limits checked (4,096 characters of text, 1,024 of caption,
64 bytes of callback data). While a webhook on a loopback address is set, queued updates are
POSTed to it with the secret header instead of waiting for getUpdates.

Every call is recorded; a test queues updates with the `send_*` and `press_button` helpers,
makes the next calls of a method fail with `fail`, and can cap sending methods at
`rate_limit` calls per second, answered with 429 and `retry_after` beyond it.

    async with FakeTelegram() as telegram:
        bot = Bot(telegram.token, base_url=telegram.base_url)
        telegram.send_text("Xin chào")
        telegram.fail("sendMessage", status=429, retry_after=2)
        await telegram.wait_for("sendMessage")
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import struct
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from ipaddress import ip_address
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

DEFAULT_TOKEN = "123456789:fake-telegram-token"
DEFAULT_USER_ID = 1001
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# Form fields that stay strings even when they look like JSON (a text "123" is not a number).
_TEXT_FIELDS = frozenset(
    {"text", "caption", "secret_token", "callback_query_id", "file_id", "data", "description"}
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_RATE_LIMITED = ("send", "edit", "copy", "forward")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    file_name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Call:
    """One API call as the fake received it, and the HTTP status it answered."""

    method: str
    params: dict[str, Any]
    uploads: dict[str, Upload]
    status: int

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True)
class Delivery:
    """One webhook POST the fake made, and the status the bot answered."""

    update_id: int
    status: int


@dataclass
class _Failure:
    times: int
    status: int
    description: str
    retry_after: int | None


@dataclass(frozen=True)
class StoredFile:
    """Bytes the fake serves under /file/bot<token>/<path>, found through getFile."""

    file_id: str
    unique_id: str
    path: str
    data: bytes


class _ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


Params = dict[str, Any]
Uploads = dict[str, Upload]
_Method = Callable[[Params, Uploads], Awaitable[Any]]


class FakeTelegram:
    """The fake server; give python-telegram-bot `base_url` and `file_base_url`."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "PlanbotTestBot",
        rate_limit: int | None = None,
        max_poll_wait: float = 30.0,
    ) -> None:
        self.token = token
        self.username = username
        self.rate_limit = rate_limit
        self.max_poll_wait = max_poll_wait
        self.bot_id = int(token.split(":")[0])
        self.history: list[Call] = []
        self.deliveries: list[Delivery] = []
        self.commands: list[dict[str, Any]] = []
        self.webhook_url = ""
        self.webhook_secret = ""
        self.allowed_updates: list[str] = []
        self.port = 0
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(100_000)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(5_000)
        self._file_ids = itertools.count(1)
        self._open_queries: set[str] = set()
        self._files: dict[str, StoredFile] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._last_bot_message: dict[int, int] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._sent_at: deque[float] = deque()
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._delivery_task: asyncio.Task[None] | None = None
        self._methods: dict[str, tuple[str, _Method]] = {
            name.lower(): (name, method)
            for name, method in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "answerCallbackQuery": self._answer_callback_query,
                "getFile": self._get_file,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "sendChatAction": self._send_chat_action,
            }.items()
        }

    # Lifecycle

    @property
    def base_url(self) -> str:
        """The Bot API address without the token, as python-telegram-bot's `base_url`."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def __aenter__(self) -> FakeTelegram:
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
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._serve)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        self._session = aiohttp.ClientSession()
        self._delivery_task = asyncio.create_task(self._deliver_webhooks())

    async def close(self) -> None:
        """Stop serving; pending long polls return at once."""
        self._closing = True
        self._notify()
        if self._delivery_task is not None:
            self._delivery_task.cancel()
            await asyncio.gather(self._delivery_task, return_exceptions=True)
            self._delivery_task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # What tests look at

    def calls(self, method: str | None = None, *, failed: bool = False) -> list[Call]:
        """Calls of `method` (all methods if None) that succeeded, or also failed ones."""
        return [
            call
            for call in self.history
            if (method is None or call.method == method) and (failed or call.ok)
        ]

    @property
    def texts(self) -> list[str]:
        """Texts of the messages the bot sent, in order."""
        return [call.params["text"] for call in self.calls("sendMessage")]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until `method` succeeded at least `count` times; returns those calls."""

        def enough() -> bool:
            return len(self.calls(method)) >= count

        try:
            await self._wait_until(enough, timeout)
        except TimeoutError:
            seen = [f"{call.method}:{call.status}" for call in self.history]
            raise AssertionError(f"{count}× {method} not seen in {timeout}s; got {seen}") from None
        return self.calls(method)

    async def wait_until_idle(self, timeout: float = 5.0) -> None:
        """Wait until every queued update was fetched and confirmed, or delivered."""
        await self._wait_until(lambda: not self._updates, timeout)

    def fail(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` fail with HTTP `status` (429 or 5xx…).

        A 429 carries `retry_after` seconds (1 unless given), as Telegram's flood control does.
        """
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        failure = _Failure(times, status, description or _reason(status), retry_after)
        self._failures.setdefault(method, []).append(failure)

    # Updates a test injects

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update; `update_id` is filled in when missing."""
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        self._notify()
        return update

    def send_message(
        self,
        content: dict[str, Any],
        *,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        first_name: str = "Lan",
        last_name: str = "Nguyễn",
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """Queue a message from a user with the given content fields (text, sticker…).

        `chat_id` defaults to the user's private chat; a negative id is a group.
        """
        user = _user(user_id, first_name, last_name)
        chat = self._user_chat(user, chat_id)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = {
                "message_id": reply_to,
                "date": int(time.time()),
                "chat": chat,
                "from": self._bot_user(),
                "text": "…",
            }
        return self.push_update({"message": message})

    def send_text(self, text: str, **sender: Any) -> dict[str, Any]:
        """Queue a text message; a leading /command gets its bot_command entity."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0].encode("utf-16-le")) // 2
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.send_message(content, **sender)

    def send_document(
        self,
        data: bytes,
        file_name: str,
        *,
        mime_type: str = "application/octet-stream",
        caption: str = "",
        **sender: Any,
    ) -> dict[str, Any]:
        """Queue a document whose bytes the bot can fetch through getFile."""
        stored = self.add_file(data, f"documents/{file_name}")
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        return self.send_message(content, **sender)

    def send_sticker(self, emoji: str = "👍", **sender: Any) -> dict[str, Any]:
        stored = self.add_file(b"RIFF-webp-sticker", "stickers/sticker.webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self.send_message({"sticker": sticker}, **sender)

    def send_photo(self, caption: str = "", **sender: Any) -> dict[str, Any]:
        stored = self.add_file(b"\xff\xd8fake-jpeg", "photos/photo.jpg")
        size = {"file_id": stored.file_id, "file_unique_id": stored.unique_id}
        content: dict[str, Any] = {"photo": [{**size, "width": 90, "height": 90}]}
        if caption:
            content["caption"] = caption
        return self.send_message(content, **sender)

    def press_button(
        self,
        data: str,
        *,
        message_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        first_name: str = "Lan",
        last_name: str = "Nguyễn",
    ) -> dict[str, Any]:
        """Queue a callback query, by default on the bot's last message in that chat."""
        user = _user(user_id, first_name, last_name)
        chat = self._user_chat(user, chat_id)
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        if message_id is None:
            message_id = self._last_bot_message.get(chat["id"]) or next(self._message_ids)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
            "text": "…",
        }
        query = {
            "id": query_id,
            "from": user,
            "chat_instance": f"ci-{chat['id']}",
            "message": message,
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def add_file(self, data: bytes, path: str) -> StoredFile:
        """Keep bytes downloadable under a fresh file_id."""
        number = next(self._file_ids)
        folder, _, name = path.rpartition("/")
        stored = StoredFile(
            f"file-{number}", f"unique-{number}", f"{folder}/file_{number}_{name}", data
        )
        self._files[stored.file_id] = stored
        return stored

    # Serving

    async def _serve(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(_ApiError(401, "Unauthorized"))
        found = self._methods.get(request.match_info["method"].lower())
        if found is None:
            return _error(_ApiError(404, "Not Found"))
        name, method = found
        try:
            params, uploads = await _read_params(request)
        except ValueError as error:
            return _error(_ApiError(400, f"Bad Request: {error}"))
        try:
            self._check_failure(name)
            result = await method(params, uploads)
        except _ApiError as error:
            self._record(Call(name, params, uploads, error.status))
            return _error(error)
        self._record(Call(name, params, uploads, 200))
        return web.json_response({"ok": True, "result": result})

    def _check_failure(self, method: str) -> None:
        queue = self._failures.get(method)
        if queue:
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            raise _ApiError(failure.status, failure.description, failure.retry_after)
        if self.rate_limit is None or not method.startswith(_RATE_LIMITED):
            return
        if method == "sendChatAction":
            return
        now = time.monotonic()
        while self._sent_at and now - self._sent_at[0] >= 1.0:
            self._sent_at.popleft()
        if len(self._sent_at) >= self.rate_limit:
            raise _ApiError(429, "Too Many Requests: retry after 1", 1)
        self._sent_at.append(now)

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        path = request.match_info["path"]
        for stored in self._files.values():
            if stored.path == path:
                return web.Response(body=stored.data, content_type="application/octet-stream")
        return web.Response(status=404, text="Not Found")

    def _record(self, call: Call) -> None:
        self.history.append(call)
        self._notify()

    def _notify(self) -> None:
        """Wake everything waiting in `_wait_until` to look at the state again."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, condition: Callable[[], bool], timeout: float | None) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                await self._changed.wait()

    async def _deliver_webhooks(self) -> None:
        """POST queued updates one at a time to a loopback webhook, like Telegram would."""
        while True:
            await self._wait_until(
                lambda: bool(self._updates) and _is_loopback(self.webhook_url), None
            )
            update = self._updates[0]
            assert self._session is not None
            headers = {SECRET_HEADER: self.webhook_secret} if self.webhook_secret else {}
            try:
                async with self._session.post(
                    self.webhook_url, json=update, headers=headers
                ) as response:
                    status = response.status
            except aiohttp.ClientError:
                status = 0
            self.deliveries.append(Delivery(update["update_id"], status))
            if self._updates and self._updates[0] is update:
                self._updates.pop(0)
            self._notify()

    # Methods

    async def _get_me(self, params: Params, uploads: Uploads) -> Any:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: Params, uploads: Uploads) -> Any:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _int(params, "offset", 0)
        limit = min(max(_int(params, "limit", 100), 1), 100)
        wait = min(max(float(params.get("timeout") or 0), 0.0), self.max_poll_wait)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._notify()
        with contextlib.suppress(TimeoutError):
            await self._wait_until(lambda: bool(self._updates) or self._closing, wait)
        return self._updates[:limit]

    async def _set_webhook(self, params: Params, uploads: Uploads) -> Any:
        url = params.get("url") or ""
        if url and not isinstance(url, str):
            raise _ApiError(400, "Bad Request: bad webhook: invalid URL")
        secret = params.get("secret_token") or ""
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise _ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook_url, self.webhook_secret = url, secret
        self.allowed_updates = list(params.get("allowed_updates") or self.allowed_updates)
        self._notify()
        return True

    async def _delete_webhook(self, params: Params, uploads: Uploads) -> Any:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook_url = self.webhook_secret = ""
        self._notify()
        return True

    async def _get_webhook_info(self, params: Params, uploads: Uploads) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        return info

    async def _set_my_commands(self, params: Params, uploads: Uploads) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _ApiError(400, "Bad Request: command description is empty")
        self.commands = commands
        return True

    async def _get_my_commands(self, params: Params, uploads: Uploads) -> Any:
        return self.commands

    async def _send_message(self, params: Params, uploads: Uploads) -> Any:
        chat_id = _chat_id(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._bot_message(chat_id, params, text=text)

    async def _send_photo(self, params: Params, uploads: Uploads) -> Any:
        chat_id = _chat_id(params)
        stored = self._stored_upload(params, uploads, "photo", "photos")
        width, height = _png_size(stored.data)
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "width": width,
            "height": height,
            "file_size": len(stored.data),
        }
        return self._bot_message(chat_id, params, photo=[size])

    async def _send_document(self, params: Params, uploads: Uploads) -> Any:
        chat_id = _chat_id(params)
        stored = self._stored_upload(params, uploads, "document", "documents")
        upload = _upload(params, uploads, "document")
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_name": upload.file_name if upload else stored.path.rpartition("/")[2],
            "mime_type": upload.content_type if upload else "application/octet-stream",
            "file_size": len(stored.data),
        }
        return self._bot_message(chat_id, params, document=document)

    async def _answer_callback_query(self, params: Params, uploads: Uploads) -> Any:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_queries:
            raise _ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._open_queries.discard(query_id)
        return True

    async def _get_file(self, params: Params, uploads: Uploads) -> Any:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD:
            raise _ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.data),
            "file_path": stored.path,
        }

    async def _edit_message_reply_markup(self, params: Params, uploads: Uploads) -> Any:
        if "inline_message_id" in params:
            return True
        chat_id = _chat_id(params)
        message_id = _int(params, "message_id", 0)
        if message_id <= 0:
            raise _ApiError(400, "Bad Request: message to edit not found")
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self._bot_user(),
            "text": "…",
        }
        if params.get("reply_markup"):
            message["reply_markup"] = _checked_markup(params["reply_markup"])
        return message

    async def _send_chat_action(self, params: Params, uploads: Uploads) -> Any:
        _chat_id(params)
        if not params.get("action"):
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    # Telegram objects

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Planbot",
            "username": self.username,
        }

    def _user_chat(self, user: dict[str, Any], chat_id: int | None) -> dict[str, Any]:
        if chat_id is None or chat_id == user["id"]:
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        else:
            chat = self._chats.get(chat_id) or {"id": chat_id, "type": "group", "title": "Tổ KH"}
        self._chats[chat["id"]] = chat
        return chat

    def _chat(self, chat_id: int) -> dict[str, Any]:
        return self._chats.get(chat_id) or {
            "id": chat_id,
            "type": "private" if chat_id > 0 else "group",
            **({"first_name": "Người dùng"} if chat_id > 0 else {"title": "Nhóm"}),
        }

    def _bot_message(self, chat_id: int, params: Params, **content: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self._bot_user(),
            **content,
        }
        caption = params.get("caption")
        if caption:
            if len(str(caption)) > MAX_CAPTION:
                raise _ApiError(400, "Bad Request: message caption is too long")
            message["caption"] = str(caption)
        if params.get("reply_markup"):
            message["reply_markup"] = _checked_markup(params["reply_markup"])
        self._last_bot_message[chat_id] = message["message_id"]
        return message

    def _stored_upload(
        self, params: Params, uploads: Uploads, field: str, folder: str
    ) -> StoredFile:
        upload = _upload(params, uploads, field)
        if upload is not None:
            if not upload.data:
                raise _ApiError(400, f"Bad Request: file must be non-empty ({field})")
            return self.add_file(upload.data, f"{folder}/{upload.file_name}")
        stored = self._files.get(str(params.get(field, "")))
        if stored is None:
            raise _ApiError(400, f"Bad Request: wrong file identifier/HTTP URL specified ({field})")
        return stored


async def _read_params(request: web.Request) -> tuple[Params, Uploads]:
    """Parameters from the query string and a JSON, form or multipart body."""
    params: Params = {key: _decode(key, value) for key, value in request.query.items()}
    uploads: Uploads = {}
    if not request.can_read_body:
        return params, uploads
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError as error:
            raise ValueError("can't parse JSON body") from error
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
        return params, uploads
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            uploads[key] = Upload(value.filename, value.content_type, value.file.read())
        elif isinstance(value, str):
            params[key] = _decode(key, value)
    return params, uploads


def _decode(key: str, value: str) -> Any:
    """Form values are JSON-encoded except plain strings, as python-telegram-bot sends them."""
    if key in _TEXT_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _upload(params: Params, uploads: Uploads, field: str) -> Upload | None:
    value = params.get(field)
    if isinstance(value, str) and value.startswith("attach://"):
        return uploads.get(value.removeprefix("attach://"))
    return uploads.get(field)


def _chat_id(params: Params) -> int:
    chat_id = params.get("chat_id")
    if isinstance(chat_id, str) and re.fullmatch(r"-?\d+", chat_id):
        chat_id = int(chat_id)
    if not isinstance(chat_id, int) or isinstance(chat_id, bool) or chat_id == 0:
        raise _ApiError(400, "Bad Request: chat not found")
    return chat_id


def _int(params: Params, key: str, default: int) -> int:
    value = params.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise _ApiError(400, f"Bad Request: wrong parameter {key}") from error


def _checked_markup(markup: Any) -> dict[str, Any]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise _ApiError(400, "Bad Request: inline keyboard button text is empty")
    return markup


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG header; other images count as 1×1."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 1, 1


def _user(user_id: int, first_name: str, last_name: str) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    user["language_code"] = "vi"
    return user


def _is_loopback(url: str) -> bool:
    if not url:
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _reason(status: int) -> str:
    reasons = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    return reasons.get(status, f"Error {status}")


def _error(error: _ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.status)
