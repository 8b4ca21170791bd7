"""Database fixtures: every storage test runs on SQLite, and on PostgreSQL when
TEST_DATABASE_URL names a database (each test then gets a schema of its own)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.app import open_store
from bot.config import Settings
from bot.db import make_engine, migrate, session_factory
from handlers.conversation import Conversation
from handlers.turn import Services
from knowledge.live import LiveEngine

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'planbot.db'}"
        return
    server_url = os.environ["TEST_DATABASE_URL"]
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = make_engine(server_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        yield session


class Clock:
    """A settable clock for the conversation core (UTC)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def sample_sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    """A database holding the five sample plans and the sample units, as on a first run."""
    sessions = open_store(Settings(database_url=db_url, plans_dir=None))
    yield sessions
    sessions.kw["bind"].dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 11, 3, 2, 0, tzinfo=UTC))  # 09:00 in Hà Nội


@pytest.fixture
def conversation(sample_sessions: sessionmaker[Session], clock: Clock) -> Conversation:
    services = Services(
        sample_sessions, LiveEngine(sample_sessions), ZoneInfo("Asia/Ho_Chi_Minh"), clock
    )
    return Conversation(services)
