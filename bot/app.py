"""Composition root: builds the services a command or channel needs from the settings.

Kept small on purpose; channels and the scheduler are added here as they arrive.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from importlib.resources import as_file, files
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db import make_engine, migrate, session_factory
from knowledge.document import DocumentError, read_blocks
from knowledge.extract import extract_plan
from knowledge.store import PlanRecord, SaveResult, save_plan

log = logging.getLogger(__name__)


def import_file(session: Session, path: Path) -> SaveResult:
    """Read one plan document and store what extraction finds (raises DocumentError)."""
    return save_plan(session, extract_plan(read_blocks(path)), path.name)


def _starter_plans(settings: Settings) -> Iterator[Path]:
    """The packaged sample plans, then the files of PLANS_DIR, each as a real file path."""
    samples = files("knowledge") / "sample_plans"
    for sample in sorted(samples.iterdir(), key=lambda entry: entry.name):
        if sample.is_file():
            with as_file(sample) as path:
                yield path
    if settings.plans_dir is not None:
        yield from sorted(path for path in settings.plans_dir.iterdir() if path.is_file())


def open_store(settings: Settings) -> sessionmaker[Session]:
    """Migrate the database and, on the very first run, load the starter plans into it."""
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
    return sessions
