"""The neutral messages the conversation core speaks: one incoming message, a few reply kinds.

Adapters translate platform updates into `Incoming` and render the replies; nothing here
knows any chat platform. Platforms without buttons show them as numbered lines, and the core
takes a bare digit as a press of that button.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

MAX_PAYLOAD_BYTES = 64  # Telegram's limit on callback data; the strictest platform wins


@dataclass(frozen=True)
class Attachment:
    """A file the user sent; `download` fetches its bytes only when the core wants them."""

    file_name: str
    size: int
    download: Callable[[], Awaitable[bytes]]


@dataclass(frozen=True)
class Incoming:
    """One thing a user did in a chat: typed text, pressed a button or sent a file.

    `unsupported` names what the platform delivered that the bot cannot read (a sticker,
    a photo, a voice note); the core answers those politely instead of staying silent.
    """

    channel: str
    chat_id: str
    user_id: str
    text: str = ""
    user_name: str = ""
    payload: str | None = None
    attachment: Attachment | None = None
    reply_to: str | None = None
    message_id: str | None = None
    unsupported: str | None = None


@dataclass(frozen=True)
class Button:
    """A choice offered under a message; `payload` comes back in `Incoming.payload`."""

    label: str
    payload: str

    def __post_init__(self) -> None:
        if not 0 < len(self.payload.encode()) <= MAX_PAYLOAD_BYTES:
            raise ValueError(f"button payload must be 1–{MAX_PAYLOAD_BYTES} bytes")


@dataclass(frozen=True)
class TextReply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()

    @property
    def choices(self) -> list[Button]:
        """The buttons in reading order, as numbered on platforms that have none."""
        return [button for row in self.buttons for button in row]


@dataclass(frozen=True)
class ImageReply:
    png: bytes
    caption: str = ""


@dataclass(frozen=True)
class FileReply:
    content: bytes
    file_name: str
    caption: str = ""


Reply = TextReply | ImageReply | FileReply


class Handler(Protocol):
    """What an adapter calls: the conversation core, or a stand-in in tests."""

    async def handle(self, message: Incoming) -> list[Reply]: ...


def numbered(reply: TextReply) -> str:
    """The reply's text with its buttons as numbered lines, for platforms without buttons."""
    choices = reply.choices
    if not choices:
        return reply.text
    lines = [f"{number}. {button.label}" for number, button in enumerate(choices, 1)]
    return "\n".join([reply.text, "", *lines, "(Trả lời bằng một chữ số)"])


def split_text(text: str, limit: int) -> list[str]:
    """Cut a long text into messages of at most `limit` characters, cutting between
    paragraphs, else lines, else words, in the second half of each message when possible."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cuts = (window.rfind(separator) for separator in ("\n\n", "\n", " "))
        cut = next((cut for cut in cuts if cut > limit // 2), limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks
