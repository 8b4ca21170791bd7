"""The answering engine for a running bot: rebuilt when the stored plans change, so a plan
imported from chat or the command line is answerable at once."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from knowledge.answer import AnswerEngine
from knowledge.store import PlanRecord, list_plans


class LiveEngine:
    """Hands out an AnswerEngine over the plans as they are now; safe across threads."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._stamp: tuple[int, datetime | None] | None = None
        self._engine: AnswerEngine | None = None

    def current(self) -> AnswerEngine:
        with self._sessions() as session:
            count, newest = session.execute(
                select(func.count(PlanRecord.id), func.max(PlanRecord.imported_at))
            ).one()
            with self._lock:
                if self._engine is None or self._stamp != (count, newest):
                    self._engine = AnswerEngine(list_plans(session))
                    self._stamp = (count, newest)
                return self._engine
