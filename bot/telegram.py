"""Telegram through python-telegram-bot: updates become `Incoming`, replies become messages.

The only module that imports `telegram`. One PTB Application runs inside the bot's own event
loop, fed by long polling or by the shared web server's webhook route. Updates from different
people are handled concurrently, one person's strictly in arrival order, so rapid messages get
their answers in the order they were asked.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Awaitable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiohttp import web

# PTB 22 reads this once: time periods (RetryAfter.retry_after) as timedelta, the type its next
# major version uses, instead of ints with a deprecation warning on every flood-control error.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import (
    BotCommand,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.channel import RateLimited, Unavailable, Undeliverable
from handlers.messages import (
    Attachment,
    FileReply,
    Handler,
    ImageReply,
    Incoming,
    Reply,
    TextReply,
    split_text,
)

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_WEBHOOK_BODY = 1024 * 1024
MAX_CONCURRENT_UPDATES = 64
ALLOWED_UPDATES = ["message", "callback_query"]
# Message contents the bot cannot read, by Telegram's field name. An animation also carries a
# `document`, so these are checked before documents.
UNSUPPORTED = (
    "animation",
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "venue",
    "location",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
    "paid_media",
    "invoice",
)
_ADDRESSED_COMMAND = re.compile(r"(/\w+)@(\w+)")

_App = Application[Any, Any, Any, Any, Any, Any]


class TelegramChannel:
    """The Telegram side of the bot; see `bot.channel.Channel` for the contract."""

    name = "telegram"
    webhook_path = "/telegram/webhook"

    def __init__(
        self,
        token: str,
        handler: Handler,
        *,
        base_url: str = "https://api.telegram.org/bot",
        file_base_url: str = "https://api.telegram.org/file/bot",
        secret: str = "",
        commands: Sequence[tuple[str, str]] = (),
        poll_timeout: int = 30,
    ) -> None:
        self._handler = handler
        self._secret = secret
        self._commands = [BotCommand(command, description) for command, description in commands]
        self._poll_timeout = poll_timeout
        self._app: _App = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(file_base_url)
            .concurrent_updates(_InOrderPerSender(MAX_CONCURRENT_UPDATES))
            .job_queue(None)
            .build()
        )
        self._app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self._on_message))
        self._app.add_handler(CallbackQueryHandler(self._on_button))
        self._app.add_error_handler(self._on_error)

    @property
    def username(self) -> str:
        """The bot's @username without the @, known once started (getMe)."""
        return str(self._app.bot.username)

    async def start(self, webhook_url: str | None) -> None:
        """Poll (no URL; PTB first deletes any webhook) or register `webhook_url` with the
        secret; either way the command menu is set. A failed start releases everything."""
        if webhook_url is not None and not self._secret:
            raise ValueError("webhook mode needs a secret token")
        try:
            await self._app.initialize()
            await self._set_commands()
            await self._app.start()
            if webhook_url is None:
                assert self._app.updater is not None
                await self._app.updater.start_polling(
                    timeout=self._poll_timeout, allowed_updates=ALLOWED_UPDATES
                )
            else:
                await self._app.bot.set_webhook(
                    webhook_url, secret_token=self._secret, allowed_updates=ALLOWED_UPDATES
                )
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop polling, finish the updates already received, then close connections."""
        updater = self._app.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self._app.running:
            await self._app.stop()
        await self._app.shutdown()
        await self._app.bot.shutdown()  # after a failed start the Application skips this

    async def webhook(self, request: web.Request) -> web.StreamResponse:
        """Accept one update POSTed by Telegram: a missing or wrong secret is 403 (checked before
        the body is read), over 1 MB is 413, not JSON or not an update is 400, and a valid update
        is 200 at once and handled in the background. Bad input never causes a 500."""
        given = request.headers.get(SECRET_HEADER, "")
        if not self._secret or not hmac.compare_digest(given.encode(), self._secret.encode()):
            return web.Response(status=403)
        if not self._app.running:
            return web.Response(status=503)  # Telegram retries later
        if (request.content_length or 0) > MAX_WEBHOOK_BODY:
            return web.Response(status=413)
        body = await _read_body(request, MAX_WEBHOOK_BODY)
        if body is None:
            return web.Response(status=413)
        try:
            data = json.loads(body)
        except ValueError:
            return web.Response(status=400, text="malformed JSON")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.Response(status=400, text="not a Telegram update")
        try:
            update = Update.de_json(data, self._app.bot)
        except Exception:  # any shape PTB cannot read is the sender's fault, not ours
            log.warning("Unreadable Telegram update %s", data.get("update_id"), exc_info=True)
            return web.Response(status=400, text="not a Telegram update")
        await self._app.update_queue.put(update)
        return web.Response()

    async def connect(self) -> None:
        """Ready to send (getMe), without polling or a webhook."""
        await self._app.initialize()

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> list[str]:
        """Deliver replies unprompted; PTB's errors come out as the shared delivery errors."""
        try:
            return await self._deliver(chat_id, replies)
        except RetryAfter as error:
            raise RateLimited(_seconds(error), str(error)) from error
        except (Forbidden, BadRequest, ChatMigrated) as error:
            raise Undeliverable(str(error)) from error
        except NetworkError as error:  # TimedOut and 5xx included
            raise Unavailable(str(error)) from error

    async def _set_commands(self) -> None:
        """The command menu is a convenience: failing to set it must not stop the bot."""
        try:
            await self._app.bot.set_my_commands(self._commands)
        except TelegramError:
            log.warning("Could not set the Telegram command menu", exc_info=True)

    async def _on_message(self, update: Update, context: object) -> None:
        message = update.message
        if message is None:
            return
        incoming = self._incoming(message)
        if incoming is not None:
            await self._respond(message.chat.id, incoming)

    async def _on_button(self, update: Update, context: object) -> None:
        query = update.callback_query
        if query is None:
            return
        try:  # before the handler runs, so the button stops spinning whatever happens next
            await query.answer()
        except TelegramError:
            log.warning("Could not answer callback query %s", query.id, exc_info=True)
        if not query.data:
            return
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        incoming = Incoming(
            channel=self.name,
            chat_id=str(chat_id),
            user_id=str(query.from_user.id),
            user_name=_nfc(query.from_user.full_name),
            payload=query.data,
            reply_to=str(message.message_id) if message is not None else None,
        )
        await self._respond(chat_id, incoming)

    async def _on_error(self, update: object, context: Any) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("Telegram update %s failed", update_id, exc_info=context.error)

    def _incoming(self, message: Message) -> Incoming | None:
        """The neutral form of a message, or None for what needs no answer (members joining,
        pins, commands meant for another bot)."""
        user = message.from_user
        if user is None:
            return None
        reply_to = message.reply_to_message
        base = Incoming(
            channel=self.name,
            chat_id=str(message.chat.id),
            user_id=str(user.id),
            user_name=_nfc(user.full_name),
            message_id=str(message.message_id),
            reply_to=str(reply_to.message_id) if reply_to is not None else None,
        )
        if message.text is not None:
            text = _own_command(_nfc(message.text), self.username)
            return None if text is None else replace(base, text=text)
        caption = _nfc(message.caption or "")
        kind = next((kind for kind in UNSUPPORTED if getattr(message, kind, None)), None)
        if kind is not None:
            return replace(base, text=caption, unsupported=kind)
        if message.document is not None:
            return replace(base, text=caption, attachment=_attachment(message.document))
        return None

    async def _respond(self, chat_id: int, incoming: Incoming) -> None:
        # "typing…" shows while the core works; it is awaited before the replies go out, or a
        # late chat action would leave the indicator running after the answer.
        typing = asyncio.create_task(self._typing(chat_id))
        try:
            replies = await self._handler.handle(incoming)
        finally:
            await typing
        await self._deliver(chat_id, replies)

    async def _typing(self, chat_id: int) -> None:
        try:
            await self._app.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as error:
            log.debug("Could not send the typing indicator: %s", error)

    async def _deliver(self, chat_id: int | str, replies: Sequence[Reply]) -> list[str]:
        bot = self._app.bot
        sent: list[Message] = []
        for reply in replies:
            if isinstance(reply, TextReply):
                # Telegram refuses an empty text, and the buttons need a message to sit under.
                chunks = split_text(reply.text, MAX_TEXT) or (["…"] if reply.buttons else [])
                for number, chunk in enumerate(chunks, 1):
                    markup = _keyboard(reply) if number == len(chunks) else None
                    sent.append(await bot.send_message(chat_id, chunk, reply_markup=markup))
            elif isinstance(reply, ImageReply):
                sent.append(
                    await bot.send_photo(
                        chat_id, reply.png, caption=_caption(reply.caption), filename="image.png"
                    )
                )
            elif isinstance(reply, FileReply):
                sent.append(
                    await bot.send_document(
                        chat_id,
                        reply.content,
                        filename=reply.file_name,
                        caption=_caption(reply.caption),
                    )
                )
        return [str(message.message_id) for message in sent]


class _InOrderPerSender(BaseUpdateProcessor):
    """Concurrent updates, except that one sender's updates run one at a time in arrival
    order: PTB starts them in order, and each waits (FIFO) on its sender's lock."""

    __slots__ = ("_locks", "_waiting")

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: Counter[int] = Counter()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        sender = _sender(update)
        if sender is None:
            await coroutine
            return
        lock = self._locks.setdefault(sender, asyncio.Lock())
        self._waiting[sender] += 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[sender] -= 1
            if not self._waiting[sender]:
                del self._waiting[sender], self._locks[sender]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _sender(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


def _own_command(text: str, username: str) -> str | None:
    """`/hoi@MyBot abc` → `/hoi abc`; None when the command names another bot in the group."""
    match = _ADDRESSED_COMMAND.match(text)
    if match is None:
        return text
    if match[2].lower() != username.lower():
        return None
    return match[1] + text[match.end() :]


def _attachment(document: Document) -> Attachment:
    async def download() -> bytes:
        file = await document.get_file()
        return bytes(await file.download_as_bytearray())

    return Attachment(_nfc(document.file_name or ""), document.file_size or 0, download)


def _nfc(text: str) -> str:
    """Vietnamese arrives composed or decomposed depending on the keyboard; the core matches
    composed (NFC) text."""
    return unicodedata.normalize("NFC", text)


def _keyboard(reply: TextReply) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(button.label, callback_data=button.payload) for button in row]
        for row in reply.buttons
        if row
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _caption(text: str) -> str | None:
    chunks = split_text(text, MAX_CAPTION)
    return chunks[0] if chunks else None


async def _read_body(request: web.Request, limit: int) -> bytes | None:
    """The body, or None once it exceeds `limit` (a chunked body has no Content-Length)."""
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _seconds(error: RetryAfter) -> float:
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
