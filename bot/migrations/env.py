"""Alembic environment for `bot.db.migrate` (which hands over its connection) and developers.

Developers run `alembic revision --autogenerate -m "..."` from the repository root; the
database then comes from the bot's own settings (DATABASE_URL or the default SQLite file).
"""

from __future__ import annotations

from logging.config import fileConfig
from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

# These modules register their tables on Base.metadata.
import handlers.invites
import handlers.progress
import handlers.state  # noqa: F401
import knowledge.store  # noqa: F401
import scheduler.due_dates
import scheduler.outbox  # noqa: F401
from bot.config import Settings
from bot.db import Base, UtcDateTime, make_engine


def _render_item(kind: str, obj: object, _context: AutogenContext) -> str | Literal[False]:
    """Migrations spell UTC timestamps as the plain column type, independent of bot code."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("Không hỗ trợ chế độ --sql (offline): hãy chạy với cơ sở dữ liệu thật.")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if context.config.config_file_name:
        fileConfig(context.config.config_file_name)
    engine = make_engine(Settings().database_url)
    try:
        with engine.begin() as own_connection:
            _run(own_connection)
    finally:
        engine.dispose()


main()
