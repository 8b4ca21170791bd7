"""The conversation core: one incoming message in, the replies out, whatever the platform.

Each message is answered inside one database transaction that also holds the user's
conversation state, so a restart loses nothing; one lock per user keeps a user's rapid
messages in order. Anything unexpected is logged and answered with an apology, never
silence, and leaves the stored state as it was.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from weakref import WeakValueDictionary

from handlers import (
    listings,
    preferences,
    questions,
    registration,
    reminder_replies,
    reporting,
    summary,
    uploads,
)
from handlers.commands import Typed, parse_command
from handlers.guide import NOT_REGISTERED, TEXT_ONLY, help_text
from handlers.invites import looks_like_code
from handlers.messages import Incoming, Reply, TextReply
from handlers.people import find_person
from handlers.state import load_state
from handlers.turn import Services, Turn
from scheduler.outbox import REPLY_STEP

MAX_TEXT = 2000
TOO_LONG = f"Tin nhắn dài quá (tối đa {MAX_TEXT:,} ký tự). Bạn gửi ngắn gọn hơn nhé.".replace(
    ",", "."
)
SORRY = "Xin lỗi, mình gặp lỗi khi xử lý tin này. Bạn thử lại sau ít phút nhé."
EMPTY = "Bạn gõ câu hỏi về kế hoạch, hoặc /trogiup để xem các lệnh."

log = logging.getLogger("planbot.updates")

Action = Callable[[Turn, str], None]


def _cancel(turn: Turn, _args: str) -> None:
    turn.say("Đã hủy." if turn.state.step else "Không có thao tác nào đang chờ.")
    turn.state.reset()


def _help(turn: Turn, _args: str) -> None:
    turn.say(help_text(turn.person))


class Conversation:
    """Routes each message: a pressed button, a command, the pending step, or a question."""

    OPEN_TO_ALL = frozenset({"start", "trogiup", "huy"})

    def __init__(self, services: Services) -> None:
        self.services = services
        self._locks: WeakValueDictionary[tuple[str, str], asyncio.Lock] = WeakValueDictionary()
        self.commands: dict[str, Action] = {
            "start": registration.start,
            "trogiup": _help,
            "huy": _cancel,
            "hoi": questions.ask,
            "hanchot": listings.upcoming,
            "chitieu": listings.targets,
            "nhacnho": preferences.reminders,
            "baocao": reporting.start,
            "tonghop": summary.show,
        }
        self.buttons: dict[str, Action] = {
            "item": questions.show_item,
            "remind": preferences.choose,
            "report": reporting.button,
            "rem": reminder_replies.button,
        }
        self.steps: dict[str, Action] = {
            "question": questions.answer,
            reporting.STEP: reporting.answer,
            reporting.CONFIRM_STEP: reporting.confirm_reply,
            REPLY_STEP: reminder_replies.answer,
        }

    async def handle(self, message: Incoming) -> list[Reply]:
        key = (message.channel, message.user_id)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        started = time.perf_counter()
        async with lock:
            try:
                replies, outcome = await self._handle(message), "ok"
            except Exception:
                log.exception("failed to handle a %s update", message.channel)
                replies, outcome = [TextReply(SORRY)], "error"
        log.info(
            json.dumps(
                {
                    "channel": message.channel,
                    "user": message.user_id,
                    "kind": _kind(message),
                    "replies": len(replies),
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                    "outcome": outcome,
                }
            )
        )
        return replies

    async def _handle(self, message: Incoming) -> list[Reply]:
        if message.unsupported:
            return [TextReply(TEXT_ONLY)]
        if len(message.text) > MAX_TEXT:
            return [TextReply(TOO_LONG)]
        content = None
        if message.attachment is not None:
            refusal = await asyncio.to_thread(self._upload_refusal, message)
            if refusal:
                return [TextReply(refusal)]
            content = await message.attachment.download()
        return await asyncio.to_thread(self._reply, message, content)

    def _upload_refusal(self, message: Incoming) -> str | None:
        assert message.attachment is not None
        with self.services.sessions() as session:
            person = find_person(session, message.channel, message.user_id)
            return uploads.refusal(person, message.attachment)

    def _reply(self, message: Incoming, content: bytes | None) -> list[Reply]:
        with self.services.sessions.begin() as session:
            now = self.services.clock()
            state = load_state(session, message.channel, message.user_id, now)
            person = find_person(session, message.channel, message.user_id)
            turn = Turn(self.services, session, message, state, person, now)
            self._route(turn, content)
            state.choices = [
                button.payload
                for reply in turn.replies
                if isinstance(reply, TextReply)
                for button in reply.choices
            ]
            return turn.replies

    def _route(self, turn: Turn, content: bytes | None) -> None:
        message, offered = turn.message, turn.state.choices
        text = message.text.strip()
        if content is not None:
            uploads.import_upload(turn, content)
            return
        payload = message.payload
        if payload is None and text.isdigit() and 0 < int(text) <= len(offered):
            payload = offered[int(text) - 1]
        if payload is not None:
            self._press(turn, payload)
            return
        typed = parse_command(text)
        if typed is not None:
            self._command(turn, typed)
        elif turn.person is None:
            self._stranger(turn, text)
        elif not text:
            turn.say(EMPTY)
        elif reminder_replies.replied(turn, text):
            pass
        elif turn.state.step in self.steps:
            step = self.steps[turn.state.step]
            turn.state.step = None  # the step's data stays readable; it waits again if it must
            step(turn, text)
        else:
            questions.answer(turn, text)

    def _press(self, turn: Turn, payload: str) -> None:
        prefix, _, rest = payload.partition(":")
        action = self.buttons.get(prefix)
        if turn.person is None:
            turn.say(NOT_REGISTERED)
        elif action is None:
            turn.say("Nút này đã cũ. Gõ /trogiup để xem các lệnh.")
        else:
            action(turn, rest)

    def _command(self, turn: Turn, typed: Typed) -> None:
        if typed.name is None or typed.name not in self.commands:
            turn.say(f"Không có lệnh /{typed.word}.\n{help_text(turn.person)}")
        elif turn.person is None and typed.name not in self.OPEN_TO_ALL:
            turn.say(NOT_REGISTERED)
        else:
            self.commands[typed.name](turn, typed.args)

    @staticmethod
    def _stranger(turn: Turn, text: str) -> None:
        """Someone not yet registered: a code registers them, anything else explains how."""
        if looks_like_code(text):
            registration.start(turn, text)
        else:
            turn.say(NOT_REGISTERED)


def _kind(message: Incoming) -> str:
    if message.unsupported:
        return message.unsupported
    if message.attachment is not None:
        return "file"
    if message.payload is not None:
        return "button"
    return "command" if message.text.startswith("/") else "text"
