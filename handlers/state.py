"""Conversation state per (channel, user), kept in the database so a restart loses nothing.

`step` names what the bot is waiting for (None: nothing in particular), `data` holds that
step's values, and `choices` the payloads of the buttons last offered, so that a bare digit
can press one on platforms that show buttons as numbered lines.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.db import Base, UtcDateTime, insert_new


class ConversationState(Base):
    __tablename__ = "conversation_states"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    choices: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    def reset(self) -> None:
        self.step, self.data = None, {}


def load_state(session: Session, channel: str, user_id: str, now: datetime) -> ConversationState:
    """The account's state row, created empty on first contact and locked for this
    transaction, so two workers (a reply and a reminder being recorded) never interleave one
    user's steps."""
    key = (channel, user_id)
    state = session.get(ConversationState, key, with_for_update=True)
    if state is None:  # created here or, at this very moment, by another worker
        new = {"channel": channel, "user_id": user_id, "data": {}, "choices": [], "updated_at": now}
        insert_new(session, ConversationState, new)
        state = session.get(ConversationState, key, with_for_update=True)
        assert state is not None
    state.updated_at = now
    return state
