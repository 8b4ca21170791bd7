"""One plan document from file to knowledge base: read, extract, store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from knowledge.document import read_blocks
from knowledge.extract import extract_plan
from knowledge.store import SaveResult, save_plan


def import_file(session: Session, path: Path, source_name: str | None = None) -> SaveResult:
    """Read one plan document and store what extraction finds (raises DocumentError).
    `source_name` replaces the file's own name when it arrived under another (a chat upload)."""
    return save_plan(session, extract_plan(read_blocks(path)), source_name or path.name)
