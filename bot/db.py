"""Database access shared by every part of the bot: engine, sessions, schema migrations.

SQLite serves a single office out of the box; PostgreSQL serves several workers. The schema
is owned by Alembic, so both start from, and move through, the same migrations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    DateTime,
    Dialect,
    Engine,
    MetaData,
    create_engine,
    event,
    inspect,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

_MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Stable constraint names: Alembic's SQLite batch mode can only alter constraints it can name.
_NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table; Alembic compares migrations against its metadata."""

    metadata = MetaData(naming_convention=_NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware in UTC (SQLite stores no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC times only")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores ON DELETE CASCADE unless each connection turns foreign keys on; the
    write-ahead log lets the bot read while it writes and makes each commit cheap."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for a SQLite or PostgreSQL URL (plain `postgresql://` means psycopg 3)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (the CLI prints them afterwards)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic settings built in code, so an installed bot needs no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; does nothing when it is already there."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def insert_new(
    session: Session, model: type[Base], rows: dict[str, Any] | list[dict[str, Any]]
) -> int:
    """INSERT … ON CONFLICT DO NOTHING, on PostgreSQL and SQLite alike: a row another
    worker created at the same moment is kept, not an error. Returns how many were new."""
    batch = [rows] if isinstance(rows, dict) else rows
    if not batch:
        return 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    key = inspect(model).primary_key
    statement = dialect.insert(model).values(batch).on_conflict_do_nothing().returning(*key)
    return len(session.execute(statement).all())
