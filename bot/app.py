"""Composition root: builds the services a command or channel needs from the settings."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from importlib.resources import as_file, files
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db import make_engine, migrate, session_factory
from handlers.conversation import Conversation
from handlers.turn import Services
from handlers.units import import_units
from knowledge.document import DocumentError
from knowledge.importer import import_file
from knowledge.live import LiveEngine
from knowledge.store import PlanRecord

log = logging.getLogger(__name__)


def _starter_plans(settings: Settings) -> Iterator[Path]:
    """The packaged sample plans, then the files of PLANS_DIR, each as a real file path."""
    samples = files("knowledge") / "sample_plans"
    for sample in sorted(samples.iterdir(), key=lambda entry: entry.name):
        if sample.is_file():
            with as_file(sample) as path:
                yield path
    if settings.plans_dir is not None:
        yield from sorted(path for path in settings.plans_dir.iterdir() if path.is_file())


def sample_units() -> str:
    """The units of the sample plans (a CSV text), loaded on the first run."""
    return (files("handlers") / "data" / "sample_units.csv").read_text(encoding="utf-8")


def open_store(settings: Settings) -> sessionmaker[Session]:
    """Migrate the database and, on the very first run, load the starter plans and the sample
    units into it, so a newcomer can chat at once."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        if session.scalar(select(PlanRecord.id).limit(1)) is not None:
            return sessions
        for path in _starter_plans(settings):
            try:
                import_file(session, path)
            except DocumentError as error:
                log.warning("Bỏ qua %s: %s", path, error)
        import_units(session, sample_units())
    return sessions


def build_conversation(settings: Settings, sessions: sessionmaker[Session]) -> Conversation:
    """The one conversation core every channel of this process shares."""
    services = Services(
        sessions, LiveEngine(sessions), settings.timezone, policy=settings.reminder_policy
    )
    return Conversation(services)
