"""What a handler step works with: the services of the bot and one turn of a conversation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy.orm import Session, sessionmaker

from handlers.messages import Button, FileReply, ImageReply, Incoming, Reply, TextReply
from handlers.people import Person
from handlers.state import ConversationState
from knowledge.live import LiveEngine
from scheduler.policy import ReminderPolicy


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """Everything the conversation core needs, handed in by the composition root."""

    sessions: sessionmaker[Session]
    engine: LiveEngine
    zone: tzinfo
    clock: Callable[[], datetime] = utc_now
    policy: ReminderPolicy = field(default_factory=ReminderPolicy)


@dataclass
class Turn:
    """One incoming message being answered, inside one database transaction."""

    services: Services
    session: Session
    message: Incoming
    state: ConversationState
    person: Person | None
    now: datetime
    replies: list[Reply] = field(default_factory=list)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.services.zone).date()

    def say(self, text: str, buttons: Sequence[Sequence[Button]] = ()) -> None:
        self.replies.append(TextReply(text, tuple(tuple(row) for row in buttons)))

    def image(self, png: bytes, caption: str = "") -> None:
        self.replies.append(ImageReply(png, caption))

    def file(self, content: bytes, file_name: str, caption: str = "") -> None:
        self.replies.append(FileReply(content, file_name, caption))

    def wait_for(self, step: str, **data: object) -> None:
        """Make the next free text of this user the answer to `step`."""
        self.state.step, self.state.data = step, dict(data)
